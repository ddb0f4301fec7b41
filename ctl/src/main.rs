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
use crate::units::{format_compute_max, format_size, parse_compute_max, parse_size};

const ABOUT: &str = "\
Operate vgpu, kernel-enforced GPU sharing for NVIDIA GPUs.

vgpu limits, per cgroup v2 and per GPU, how much GPU memory the processes of a
cgroup may hold and how much GPU time they get.

Memory limits are hierarchical like memcg: a cgroup is held to the tightest
limit of itself and its ancestors, and a parent's limit caps the sum of its
children. Over its limit an allocation fails exactly as a real GPU
out-of-memory does.

GPU time works like cpu.max and cpu.weight: --compute-max caps a cgroup (even
on an idle GPU), --compute-weight shares the GPU among cgroups that contend
for it (default 100). A cgroup alone on a GPU without a cap runs untouched.

vgpuctl configures the vgpu kernel module over generic netlink and reads its
accounting from /sys/kernel/vgpu.";

const AFTER: &str = "\
Examples:
  vgpuctl set-quota --cgroup /sys/fs/cgroup/tenants/a --device 0 --memory 4GiB
  vgpuctl set-quota --cgroup tenants --device all --memory 12GiB
  vgpuctl set-quota --cgroup tenants/b --device 0 --compute-max 30% --compute-weight 200
  vgpuctl status --interval 2
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
    /// Set a cgroup's limits on one GPU or on all GPUs: memory, compute cap, compute weight.
    #[command(after_help = "Limits apply at once. Allocations already made survive a lower \
memory limit; new ones are refused while the cgroup is over it. A compute cap holds the cgroup \
to a share of the GPU's time even when the GPU is otherwise idle (like cpu.max); weights share \
the GPU between cgroups that contend (like cpu.weight) and cost nothing when only one cgroup \
submits work. --device all sets the default of every GPU that has no setting of its own.")]
    SetQuota {
        #[command(flatten)]
        target: Target,
        /// GPU memory limit: a size (e.g. 4GiB) or "max" for none.
        #[arg(long, value_name = "SIZE|max", value_parser = parse_size)]
        memory: Option<u64>,
        /// Compute cap: "30%", "QUOTA PERIOD" or "QUOTA" in µs (like cpu.max), or "max".
        #[arg(long, value_name = "N%|QUOTA [PERIOD]|max")]
        compute_max: Option<String>,
        /// Period for --compute-max in µs (1000..=1000000, default 100000).
        #[arg(long, value_name = "US")]
        compute_period: Option<u64>,
        /// Compute weight, 1..=10000 (default 100), like cpu.weight.
        #[arg(long, value_name = "1..10000", value_parser = clap::value_parser!(u32).range(1..=10000))]
        compute_weight: Option<u32>,
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
    /// Show the module and a table of every cgroup × GPU: memory usage, limit, peak,
    /// denials, compute cap/weight and GPU utilisation.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Seconds over which GPU utilisation is measured (0: do not measure).
        #[arg(long, default_value_t = 0.5, value_name = "SECONDS")]
        interval: f64,
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
    compute_quota_us: Option<u64>,
    compute_period_us: Option<u64>,
    compute_weight: Option<u32>,
    compute_usage_us: Option<u64>,
    compute_throttled_us: Option<u64>,
    compute_nr_throttled: Option<u64>,
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
        compute_quota_us: r.u64(Attr::ComputeQuotaUs),
        compute_period_us: r.u64(Attr::ComputePeriodUs),
        compute_weight: r.u32(Attr::ComputeWeight),
        compute_usage_us: r.u64(Attr::ComputeUsageUs),
        compute_throttled_us: r.u64(Attr::ComputeThrottledUs),
        compute_nr_throttled: r.u64(Attr::ComputeNrThrottled),
    }
}

fn size_or_dash(v: Option<u64>) -> String {
    v.map(format_size).unwrap_or_else(|| "-".into())
}

fn key_attrs(cg: &cgroup::Cgroup, dev: Device) -> Vec<(Attr, Value)> {
    vec![(Attr::CgroupId, Value::U64(cg.id)), (Attr::Gpu, Value::U32(dev.raw()))]
}

fn set_quota(t: &Target, memory: Option<u64>, compute_max: Option<&str>, period: Option<u64>, weight: Option<u32>) -> Result<()> {
    if memory.is_none() && compute_max.is_none() && weight.is_none() {
        return Err(anyhow!("nothing to set: give --memory, --compute-max and/or --compute-weight"));
    }
    if period.is_some() && compute_max.is_none() {
        return Err(anyhow!("--compute-period needs --compute-max"));
    }
    let cmax = compute_max.map(|s| parse_compute_max(s, period)).transpose().map_err(|e| anyhow!(e))?;
    let cg = cgroup::resolve(&t.cgroup)?;
    let client = Client::connect()?;
    let mut attrs = key_attrs(&cg, t.device);
    if let Some(m) = memory {
        attrs.push((Attr::MemoryMax, Value::U64(m)));
    }
    if let Some((q, p)) = cmax {
        attrs.push((Attr::ComputeQuotaUs, Value::U64(q)));
        attrs.push((Attr::ComputePeriodUs, Value::U64(p)));
    }
    if let Some(w) = weight {
        attrs.push((Attr::ComputeWeight, Value::U32(w)));
    }
    client.request(Cmd::SetQuota, &attrs, false, "setting a quota")?;
    let dev = match t.device {
        Device::All => "every GPU".to_string(),
        Device::One(n) => format!("GPU {n}"),
    };
    let mut said = Vec::new();
    if let Some(m) = memory {
        said.push(format!("memory.max = {}", format_size(m)));
    }
    if let Some((q, p)) = cmax {
        said.push(format!("compute.max = {}", format_compute_max(q, p)));
    }
    if let Some(w) = weight {
        said.push(format!("compute.weight = {w}"));
    }
    println!("{}: on {dev}: {}", cg.dir.display(), said.join(", "));
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
    if let (Some(q), Some(p)) = (e.compute_quota_us, e.compute_period_us) {
        println!("compute.max:   {}", format_compute_max(q, p));
    }
    if let Some(w) = e.compute_weight {
        println!("compute.weight:{:>1}{w}", " ");
    }
    if t.device != Device::All {
        println!("compute usage: {} µs, throttled {} µs ({} times)", e.compute_usage_us.unwrap_or(0),
                 e.compute_throttled_us.unwrap_or(0), e.compute_nr_throttled.unwrap_or(0));
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

/// Rows with GPU utilisation measured over `interval` seconds.
fn sample_rows(interval: f64) -> Result<Vec<sysfs::Row>> {
    let mut rows = sysfs::rows()?;
    if interval.is_nan() || interval <= 0.0 || rows.iter().all(|r| r.compute_usage_us.is_none()) {
        return Ok(rows);
    }
    // Only the usage files are read around the interval: reading whole rows
    // (cgroup paths too) takes long enough to inflate the figures.
    let keys: Vec<_> = rows.iter().map(|r| (r.cgroup_id, r.gpu)).collect();
    let t0 = std::time::Instant::now();
    let first = sysfs::compute_usage(&keys);
    std::thread::sleep(std::time::Duration::from_secs_f64(interval.min(60.0)));
    let second = sysfs::compute_usage(&keys);
    let dt_us = t0.elapsed().as_micros().max(1) as f64;
    for (r, (a, b)) in rows.iter_mut().zip(first.into_iter().zip(second)) {
        if let (Some(a), Some(b)) = (a, b) {
            r.compute_usage_us = Some(b);
            r.compute_util_percent = Some(100.0 * b.saturating_sub(a) as f64 / dt_us);
        }
    }
    Ok(rows)
}

fn status(json: bool, interval: f64) -> Result<()> {
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
        cgroups: sample_rows(interval)?,
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
    println!(
        "{:<24} {:>4} {:>11} {:>11} {:>11} {:>7} {:>9} {:>6} {:>6}",
        "CGROUP", "GPU", "MEMORY", "LIMIT", "PEAK", "DENIED", "COMPUTE", "WEIGHT", "UTIL"
    );
    for row in &st.cgroups {
        let cap = match row.compute_max {
            Some((q, _)) if q == vgpu_uapi::netlink::LIMIT_MAX => "max".to_string(),
            Some((q, p)) => format!("{:.0}%", 100.0 * q as f64 / p.max(1) as f64),
            None => "-".into(),
        };
        println!(
            "{:<24} {:>4} {:>11} {:>11} {:>11} {:>7} {:>9} {:>6} {:>6}",
            row.cgroup,
            row.gpu.map(|g| g.to_string()).unwrap_or_else(|| "all".into()),
            size_or_dash(row.memory_current),
            size_or_dash(row.memory_max),
            size_or_dash(row.memory_peak),
            row.memory_denials.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            cap,
            row.compute_weight.map(|w| w.to_string()).unwrap_or_else(|| "-".into()),
            row.compute_util_percent.map(|u| format!("{u:.1}%")).unwrap_or_else(|| "-".into()),
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
        Command::Status { json, interval } => status(*json, *interval),
        Command::SetQuota { target, memory, compute_max, compute_period, compute_weight } => {
            set_quota(target, *memory, compute_max.as_deref(), *compute_period, *compute_weight)
        }
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
