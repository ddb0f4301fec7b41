//! Reading `/sys/kernel/vgpu` (names: `vgpu_uapi::sysfs`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use vgpu_uapi::sysfs as names;

use crate::error::CtlError;

/// The module's sysfs tree (overridable for tests with `VGPU_SYSFS`).
pub fn root() -> PathBuf {
    std::env::var_os("VGPU_SYSFS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(names::ROOT))
}

/// Contents of a sysfs file, trimmed.
pub fn read(path: &Path) -> Result<String> {
    let s = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(s.trim_end_matches('\n').to_string())
}

/// Top-level facts from sysfs.
#[derive(Debug, serde::Serialize)]
pub struct Top {
    pub version: String,
    pub abi_version: u32,
    pub driver: Option<String>,
}

pub fn top() -> Result<Top> {
    let r = root();
    if !r.is_dir() {
        return Err(CtlError::ModuleNotLoaded.into());
    }
    let version = read(&r.join(names::VERSION))?;
    let abi_version = read(&r.join(names::ABI_VERSION))?
        .parse()
        .with_context(|| format!("{} is not a number", r.join(names::ABI_VERSION).display()))?;
    let driver = read(&r.join(names::DRIVER))?;
    Ok(Top { version, abi_version, driver: (!driver.is_empty()).then_some(driver) })
}

/// One (cgroup, GPU) row of accounting from sysfs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub cgroup_id: u64,
    pub cgroup: String,
    /// `None` for the settings of every GPU (`all`).
    pub gpu: Option<u32>,
    pub memory_max: Option<u64>,
    pub memory_current: Option<u64>,
    pub memory_peak: Option<u64>,
    pub memory_denials: Option<u64>,
    /// (quota µs or LIMIT_MAX, period µs).
    pub compute_max: Option<(u64, u64)>,
    pub compute_weight: Option<u32>,
    pub compute_usage_us: Option<u64>,
    pub compute_throttled_us: Option<u64>,
    pub compute_nr_throttled: Option<u64>,
    /// GPU time used over the sampling interval, percent (status only).
    pub compute_util_percent: Option<f64>,
}

fn compute_max(s: &str) -> Option<(u64, u64)> {
    let mut w = s.split_whitespace();
    let q = w.next()?;
    let p = w.next()?.parse().ok()?;
    Some((limit(q)?, p))
}

fn stat(d: &Path, key: &str) -> Option<u64> {
    read(&d.join(names::COMPUTE_STAT)).ok()?.lines().find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
}

fn limit(s: &str) -> Option<u64> {
    if s == names::MAX_WORD {
        Some(vgpu_uapi::netlink::LIMIT_MAX)
    } else {
        s.parse().ok()
    }
}

fn num(dir: &Path, file: &str) -> Option<u64> {
    read(&dir.join(file)).ok()?.parse().ok()
}

/// GPU time used so far (`compute.stat` usage_usec) of the given
/// (cgroup id, GPU) pairs, read back to back so two calls bracket an
/// interval tightly; `None` where the entry vanished.
pub fn compute_usage(keys: &[(u64, Option<u32>)]) -> Vec<Option<u64>> {
    let cg_dir = root().join(names::CGROUPS);
    keys.iter()
        .map(|(id, gpu)| {
            let sub = match gpu {
                Some(g) => format!("{}{g}", names::GPU_PREFIX),
                None => names::GPU_ALL_DIR.to_string(),
            };
            stat(&cg_dir.join(id.to_string()).join(sub), "usage_usec ")
        })
        .collect()
}

/// Every (cgroup, GPU) the module accounts, sorted by cgroup path then GPU.
/// Entries that vanish while being read (a cgroup freed meanwhile) are skipped.
pub fn rows() -> Result<Vec<Row>> {
    let cg_dir = root().join(names::CGROUPS);
    if !cg_dir.is_dir() {
        return Err(CtlError::ModuleNotLoaded.into());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(&cg_dir)? {
        let e = e?;
        let Ok(id) = e.file_name().to_string_lossy().parse::<u64>() else { continue };
        let Ok(path) = read(&e.path().join(names::CGROUP_PATH)) else { continue };
        let Ok(subs) = std::fs::read_dir(e.path()) else { continue };
        for s in subs.flatten() {
            let name = s.file_name().to_string_lossy().to_string();
            let gpu = if name == names::GPU_ALL_DIR {
                None
            } else if let Some(n) = name.strip_prefix(names::GPU_PREFIX).and_then(|n| n.parse().ok()) {
                Some(n)
            } else {
                continue;
            };
            let d = s.path();
            out.push(Row {
                cgroup_id: id,
                cgroup: crate::cgroup::display_path(&path),
                gpu,
                memory_max: read(&d.join(names::MEMORY_MAX)).ok().and_then(|v| limit(&v)),
                memory_current: num(&d, names::MEMORY_CURRENT),
                memory_peak: num(&d, names::MEMORY_PEAK),
                memory_denials: read(&d.join(names::MEMORY_EVENTS))
                    .ok()
                    .and_then(|v| v.lines().find_map(|l| l.strip_prefix("max ")?.trim().parse().ok())),
                compute_max: read(&d.join(names::COMPUTE_MAX)).ok().and_then(|v| compute_max(&v)),
                compute_weight: read(&d.join(names::COMPUTE_WEIGHT)).ok().and_then(|v| v.parse().ok()),
                compute_usage_us: stat(&d, "usage_usec "),
                compute_throttled_us: stat(&d, "throttled_usec "),
                compute_nr_throttled: stat(&d, "nr_throttled "),
                compute_util_percent: None,
            });
        }
    }
    out.sort_by(|a, b| (&a.cgroup, a.gpu.unwrap_or(u32::MAX)).cmp(&(&b.cgroup, b.gpu.unwrap_or(u32::MAX))));
    Ok(out)
}
