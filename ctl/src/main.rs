//! vgpuctl: the vgpu operator's command-line tool.

mod cgroup;
mod error;
mod netlink;
mod sysfs;
mod units;

use std::process::ExitCode;

use anyhow::{anyhow, Result};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use vgpu_uapi::netlink::{ABI_VERSION, GPU_ALL, GPU_MINOR_MAX};

use crate::error::CtlError;
use crate::netlink::{Attr, Client, Cmd, Reply, Value};
use crate::units::{format_size, parse_size};

const ABOUT: &str = "\
Operate vgpu, kernel-enforced GPU sharing for NVIDIA GPUs.

vgpu limits, per cgroup v2 and per GPU, how much GPU memory the processes of a
cgroup may hold. Limits are hierarchical like memcg: a cgroup is held to the
tightest limit of itself and its ancestors, and a parent's limit caps the sum
of its children. Over its limit an allocation fails exactly as a real GPU
out-of-memory does. vgpuctl configures the vgpu kernel module over generic
netlink and reads its accounting from /sys/kernel/vgpu.";

const AFTER: &str = "\
Examples:
  vgpuctl set-quota --cgroup /sys/fs/cgroup/tenants/a --device 0 --memory 4GiB
  vgpuctl set-quota --cgroup tenants --device all --memory 12GiB
  vgpuctl status
  vgpuctl events

Sizes are bytes or binary units (KiB, MiB, GiB, TiB; K, M, G, T), or 'max'.
A cgroup is a directory of the cgroup v2 hierarchy, absolute or relative to its root.
Reading needs no privilege; changing limits needs root on the host
(CAP_SYS_ADMIN in the initial user namespace).
Exit status: 0 on success, 1 on error, 2 on bad usage.";

#[derive(Parser)]
#[command(name = "vgpuctl", version = vgpu_uapi::VERSION, about = ABOUT, after_help = AFTER)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Target {
    /// The cgroup: /sys/fs/cgroup/PATH, or PATH relative to the cgroup v2 root.
    #[arg(long, value_name = "PATH")]
    cgroup: String,
    /// The GPU: its minor number (N of /dev/nvidiaN), or "all" for every GPU
    /// without a setting of its own.
    #[arg(long, value_name = "N|all", value_parser = parse_device)]
    device: Device,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Device {
    One(u32),
    All,
}

impl Device {
    fn raw(self) -> u32 {
        match self {
            Device::One(n) => n,
            Device::All => GPU_ALL,
        }
    }
}

fn parse_device(s: &str) -> Result<Device, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(Device::All);
    }
    match s.parse::<u32>() {
        Ok(n) if n <= GPU_MINOR_MAX => Ok(Device::One(n)),
        _ => Err(format!("bad device '{s}': give a GPU minor number 0..{GPU_MINOR_MAX} or 'all'")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Set a cgroup's GPU memory limit on one GPU or on all GPUs.
    #[command(after_help = "The limit applies at once. Allocations already made survive a lower \
limit; new ones are refused while the cgroup is over it. --device all sets the limit of every \
GPU that has no limit of its own.")]
    SetQuota {
        #[command(flatten)]
        target: Target,
        /// GPU memory limit: a size (e.g. 4GiB) or "max" for none.
        #[arg(long, value_name = "SIZE|max", value_parser = parse_size)]
        memory: u64,
    },
    /// Show a cgroup's limit and usage on one GPU (or its all-GPU setting).
    GetQuota {
        #[command(flatten)]
        target: Target,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a cgroup's limits on one GPU (or its all-GPU setting).
    ClearQuota {
        #[command(flatten)]
        target: Target,
    },
    /// List every limit and counter the module holds (over netlink).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the module and a table of every cgroup × GPU: usage, limit, peak, denials.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Follow allocation denials as they happen (Ctrl-C to stop).
    Events {
        /// Print JSON, one object per line.
        #[arg(long)]
        json: bool,
        /// Stop after this many events.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
    },
}

/// One quota entry as the module reports it over netlink.
#[derive(Serialize, Debug)]
struct Entry {
    cgroup_id: u64,
    cgroup: String,
    /// "all" or the GPU minor.
    device: String,
    memory_max: Option<u64>,
    memory_current: Option<u64>,
    memory_peak: Option<u64>,
    memory_denials: Option<u64>,
    memory_effective_max: Option<u64>,
    sysmem_current: Option<u64>,
}

fn entry(r: &Reply) -> Entry {
    let gpu = r.u32(Attr::Gpu).unwrap_or(GPU_ALL);
    Entry {
        cgroup_id: r.u64(Attr::CgroupId).unwrap_or(0),
        cgroup: cgroup::display_path(r.string(Attr::CgroupPath).unwrap_or("")),
        device: if gpu == GPU_ALL { "all".into() } else { gpu.to_string() },
        memory_max: r.u64(Attr::MemoryMax),
        memory_current: r.u64(Attr::MemoryCurrent),
        memory_peak: r.u64(Attr::MemoryPeak),
        memory_denials: r.u64(Attr::MemoryEventsMax),
        memory_effective_max: r.u64(Attr::MemoryEffectiveMax),
        sysmem_current: r.u64(Attr::SysmemCurrent),
    }
}

fn size_or_dash(v: Option<u64>) -> String {
    v.map(format_size).unwrap_or_else(|| "-".into())
}

fn key_attrs(cg: &cgroup::Cgroup, dev: Device) -> Vec<(Attr, Value)> {
    vec![(Attr::CgroupId, Value::U64(cg.id)), (Attr::Gpu, Value::U32(dev.raw()))]
}

fn set_quota(t: &Target, memory: u64) -> Result<()> {
    let cg = cgroup::resolve(&t.cgroup)?;
    let client = Client::connect()?;
    let mut attrs = key_attrs(&cg, t.device);
    attrs.push((Attr::MemoryMax, Value::U64(memory)));
    client.request(Cmd::SetQuota, &attrs, false, "setting a quota")?;
    let dev = match t.device {
        Device::All => "every GPU".to_string(),
        Device::One(n) => format!("GPU {n}"),
    };
    println!("{}: memory.max on {dev} = {}", cg.dir.display(), format_size(memory));
    Ok(())
}

fn get_quota(t: &Target, json: bool) -> Result<()> {
    let cg = cgroup::resolve(&t.cgroup)?;
    let client = Client::connect()?;
    let replies = client.request(Cmd::GetQuota, &key_attrs(&cg, t.device), false, "reading a quota")?;
    let e = entry(replies.first().ok_or_else(|| anyhow!("the module sent no reply"))?);
    if json {
        println!("{}", serde_json::to_string_pretty(&e)?);
        return Ok(());
    }
    println!("cgroup:        {} (id {})", cg.dir.display(), e.cgroup_id);
    println!("device:        {}", e.device);
    println!("memory.max:    {}", size_or_dash(e.memory_max));
    if t.device != Device::All {
        println!("effective max: {}", size_or_dash(e.memory_effective_max));
        println!("memory.current:{:>1}{}", " ", size_or_dash(e.memory_current));
        println!("memory.peak:   {}", size_or_dash(e.memory_peak));
        println!("denials:       {}", e.memory_denials.unwrap_or(0));
    }
    Ok(())
}

fn clear_quota(t: &Target) -> Result<()> {
    let cg = cgroup::resolve(&t.cgroup)?;
    let client = Client::connect()?;
    client.request(Cmd::DelQuota, &key_attrs(&cg, t.device), false, "clearing a quota")?;
    println!("{}: limits on {} cleared", cg.dir.display(), match t.device {
        Device::All => "every GPU (all-GPU setting)".to_string(),
        Device::One(n) => format!("GPU {n}"),
    });
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let client = Client::connect()?;
    let entries: Vec<Entry> = client.request(Cmd::GetQuota, &[], true, "listing quotas")?.iter().map(entry).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    println!("{:<32} {:>6} {:>12} {:>12} {:>12} {:>8}", "CGROUP", "GPU", "MEMORY.MAX", "CURRENT", "PEAK", "DENIALS");
    for e in &entries {
        println!(
            "{:<32} {:>6} {:>12} {:>12} {:>12} {:>8}",
            e.cgroup,
            e.device,
            size_or_dash(e.memory_max),
            size_or_dash(e.memory_current),
            size_or_dash(e.memory_peak),
            e.memory_denials.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Status {
    vgpuctl_version: &'static str,
    vgpuctl_abi_version: u32,
    module_version: String,
    module_abi_version: u32,
    driver: Option<String>,
    sysfs: sysfs::Top,
    cgroups: Vec<sysfs::Row>,
}

fn status(json: bool) -> Result<()> {
    let client = Client::connect()?;
    let reply = client.request(Cmd::GetStatus, &[], false, "reading status")?;
    let r = reply.first().ok_or_else(|| anyhow!("the module sent no status reply"))?;
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
        cgroups: sysfs::rows()?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&st)?);
        return Ok(());
    }
    println!("vgpu module {} (ABI {}), vgpuctl {}", st.module_version, st.module_abi_version, st.vgpuctl_version);
    println!("  sysfs:  {} (version {}, ABI {})", sysfs::root().display(), st.sysfs.version, st.sysfs.abi_version);
    match &st.driver {
        Some(d) => println!("  driver: attached to {d}"),
        None => println!("  driver: not attached"),
    }
    if st.cgroups.is_empty() {
        println!("  no cgroup has used a GPU or been given a limit yet");
        return Ok(());
    }
    println!();
    println!("{:<32} {:>5} {:>12} {:>12} {:>12} {:>8}", "CGROUP", "GPU", "MEMORY", "LIMIT", "PEAK", "DENIALS");
    for row in &st.cgroups {
        println!(
            "{:<32} {:>5} {:>12} {:>12} {:>12} {:>8}",
            row.cgroup,
            row.gpu.map(|g| g.to_string()).unwrap_or_else(|| "all".into()),
            size_or_dash(row.memory_current),
            size_or_dash(row.memory_max),
            size_or_dash(row.memory_peak),
            row.memory_denials.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Denial {
    cgroup_id: u64,
    cgroup: String,
    device: u32,
    pid: u32,
    requested: u64,
    limit: u64,
    usage: u64,
    limit_cgroup_id: u64,
}

fn events(json: bool, count: Option<u64>) -> Result<()> {
    let client = Client::connect()?;
    let stream = client.subscribe_events()?;
    if !json {
        eprintln!("following vgpu denials (Ctrl-C to stop)");
    }
    let mut seen = 0;
    for r in stream {
        let r = r?;
        if r.cmd != Some(u8::from(Cmd::Denial)) {
            continue;
        }
        let d = Denial {
            cgroup_id: r.u64(Attr::CgroupId).unwrap_or(0),
            cgroup: cgroup::display_path(r.string(Attr::CgroupPath).unwrap_or("")),
            device: r.u32(Attr::Gpu).unwrap_or(0),
            pid: r.u32(Attr::Pid).unwrap_or(0),
            requested: r.u64(Attr::Requested).unwrap_or(0),
            limit: r.u64(Attr::Limit).unwrap_or(0),
            usage: r.u64(Attr::Usage).unwrap_or(0),
            limit_cgroup_id: r.u64(Attr::LimitCgroupId).unwrap_or(0),
        };
        if json {
            println!("{}", serde_json::to_string(&d)?);
        } else {
            let by = if d.limit_cgroup_id == d.cgroup_id { String::new() } else { format!(" (limit of cgroup id {})", d.limit_cgroup_id) };
            println!(
                "denied: pid {} in {} on GPU {}: asked {}, usage {} of limit {}{}",
                d.pid,
                d.cgroup,
                d.device,
                format_size(d.requested),
                format_size(d.usage),
                format_size(d.limit),
                by
            );
        }
        use std::io::Write;
        std::io::stdout().flush().ok();
        seen += 1;
        if count.is_some_and(|c| seen >= c) {
            break;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match &cli.command {
        Command::Status { json } => status(*json),
        Command::SetQuota { target, memory } => set_quota(target, *memory),
        Command::GetQuota { target, json } => get_quota(target, *json),
        Command::ClearQuota { target } => clear_quota(target),
        Command::List { json } => list(*json),
        Command::Events { json, count } => events(*json, *count),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vgpuctl: {e:#}");
            ExitCode::FAILURE
        }
    }
}
