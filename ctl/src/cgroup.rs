//! Resolving cgroup v2 paths to ids (and back) for the operator.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use nix::sys::statfs::{statfs, CGROUP2_SUPER_MAGIC};

/// Where the cgroup v2 hierarchy is mounted (from /proc/self/mountinfo).
pub fn mount_point() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("VGPU_CGROUP_ROOT") {
        return Ok(PathBuf::from(p));
    }
    let info = std::fs::read_to_string("/proc/self/mountinfo")?;
    for line in info.lines() {
        // ... mount-point ... - fstype source options
        let mut halves = line.splitn(2, " - ");
        let (left, right) = (halves.next().unwrap_or(""), halves.next().unwrap_or(""));
        if right.split_whitespace().next() == Some("cgroup2") {
            if let Some(mp) = left.split_whitespace().nth(4) {
                return Ok(PathBuf::from(mp.replace("\\040", " ")));
            }
        }
    }
    bail!("cgroup v2 is not mounted (vgpu quotas are per cgroup v2)")
}

/// A cgroup the operator named.
#[derive(Debug, Clone)]
pub struct Cgroup {
    /// Absolute path of its directory.
    pub dir: PathBuf,
    /// The id the kernel uses (the directory's inode number).
    pub id: u64,
}

/// Resolves `arg`: an absolute path inside the v2 mount, or a path relative
/// to the v2 root ("/" or "" is the root).
pub fn resolve(arg: &str) -> Result<Cgroup> {
    let root = mount_point()?;
    let p = Path::new(arg);
    let dir = if p.starts_with(&root) {
        p.to_path_buf()
    } else {
        root.join(arg.trim_start_matches('/'))
    };
    let meta = std::fs::metadata(&dir)
        .map_err(|_| anyhow!("no such cgroup: {} (not a directory in the cgroup v2 hierarchy at {})", dir.display(), root.display()))?;
    if !meta.is_dir() {
        bail!("no such cgroup: {} is not a directory", dir.display());
    }
    let fs = statfs(&dir)?;
    if fs.filesystem_type() != CGROUP2_SUPER_MAGIC {
        bail!("{} is not in a cgroup v2 hierarchy", dir.display());
    }
    use std::os::unix::fs::MetadataExt;
    Ok(Cgroup { dir, id: meta.ino() })
}

/// A path below the root for display: "/" for the root.
pub fn display_path(kernel_path: &str) -> String {
    if kernel_path.is_empty() {
        "/".into()
    } else {
        kernel_path.to_string()
    }
}
