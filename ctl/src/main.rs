//! vgpuctl: the vgpu operator's command-line tool.

mod error;
mod netlink;
mod sysfs;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use serde::Serialize;
use vgpu_uapi::netlink::ABI_VERSION;

use crate::error::CtlError;
use crate::netlink::{Attr, Client, Cmd};

const ABOUT: &str = "\
Operate vgpu, kernel-enforced GPU sharing for NVIDIA GPUs.

vgpu limits, per cgroup v2 and per GPU, how much GPU memory the processes of a
cgroup may hold and how much GPU time they may use. Limits are hierarchical
like memcg and cpu: a cgroup is held to the tightest limit of itself and its
ancestors. vgpuctl configures the vgpu kernel module over generic netlink and
reads its accounting from /sys/kernel/vgpu.";

const AFTER: &str = "\
Exit status: 0 on success, 1 on error, 2 on bad usage.
Reading needs no privilege; changing limits needs root on the host
(CAP_SYS_ADMIN in the initial user namespace).";

#[derive(Parser)]
#[command(name = "vgpuctl", version = vgpu_uapi::VERSION, about = ABOUT, after_help = AFTER)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show whether the module is loaded, its version and ABI, and the driver it is attached to.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Status {
    vgpuctl_version: &'static str,
    vgpuctl_abi_version: u32,
    module_version: String,
    module_abi_version: u32,
    driver: Option<String>,
    sysfs: sysfs::Top,
}

fn status(json: bool) -> Result<()> {
    let client = Client::connect()?;
    let reply = client.request(Cmd::GetStatus, &[], false, "reading status")?;
    let r = reply.first().ok_or_else(|| anyhow::anyhow!("the module sent no status reply"))?;
    let module_abi = r.u32(Attr::AbiVersion).unwrap_or(0);
    if module_abi != ABI_VERSION {
        return Err(CtlError::AbiMismatch { kernel: module_abi, ours: ABI_VERSION }.into());
    }
    let st = Status {
        vgpuctl_version: vgpu_uapi::VERSION,
        vgpuctl_abi_version: ABI_VERSION,
        module_version: r.string(Attr::Version).unwrap_or("?").to_string(),
        module_abi_version: module_abi,
        driver: r.string(Attr::Driver).map(str::to_string),
        sysfs: sysfs::top()?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&st)?);
    } else {
        println!("vgpu module {} (ABI {}), vgpuctl {}", st.module_version, st.module_abi_version, st.vgpuctl_version);
        println!("  sysfs:  {} (version {}, ABI {})", sysfs::root().display(), st.sysfs.version, st.sysfs.abi_version);
        match &st.driver {
            Some(d) => println!("  driver: attached to {d}"),
            None => println!("  driver: not attached"),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Status { json } => status(json),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vgpuctl: {e:#}");
            ExitCode::FAILURE
        }
    }
}
