//! Names under `/sys/kernel/vgpu/` (documented in `docs/ABI.md`).
//!
//! ```text
//! /sys/kernel/vgpu/version                      module version
//! /sys/kernel/vgpu/abi_version                  ABI version (netlink + sysfs)
//! /sys/kernel/vgpu/driver                       attached driver module ("" if none)
//! /sys/kernel/vgpu/cgroups/<id>/path            cgroup path below the v2 root
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/memory.max       "max" or bytes
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/memory.current   bytes
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/memory.peak      bytes
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/memory.events    "max <denials>"
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/compute.max      "max 100000" or "QUOTA PERIOD"
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/compute.weight   1..10000
//! /sys/kernel/vgpu/cgroups/<id>/gpu<N>/compute.stat     usage_usec/throttled_usec/nr_throttled
//! /sys/kernel/vgpu/cgroups/<id>/all/...                 settings for every GPU
//! ```

/// Where the module's sysfs tree lives.
pub const ROOT: &str = "/sys/kernel/vgpu";
/// Name of the top-level kobject (below `/sys/kernel`).
pub const KOBJ_NAME: &str = "vgpu";
/// Module version file.
pub const VERSION: &str = "version";
/// ABI version file.
pub const ABI_VERSION: &str = "abi_version";
/// Attached driver file.
pub const DRIVER: &str = "driver";
/// Directory of per-cgroup directories, named by cgroup id.
pub const CGROUPS: &str = "cgroups";
/// File holding a cgroup's path.
pub const CGROUP_PATH: &str = "path";
/// Prefix of per-GPU directories: `gpu0`, `gpu1`, ...
pub const GPU_PREFIX: &str = "gpu";
/// Directory of settings that apply to every GPU.
pub const GPU_ALL_DIR: &str = "all";
/// `memory.max`.
pub const MEMORY_MAX: &str = "memory.max";
/// `memory.current`.
pub const MEMORY_CURRENT: &str = "memory.current";
/// `memory.peak`.
pub const MEMORY_PEAK: &str = "memory.peak";
/// `memory.events`.
pub const MEMORY_EVENTS: &str = "memory.events";
/// `compute.max`.
pub const COMPUTE_MAX: &str = "compute.max";
/// `compute.weight`.
pub const COMPUTE_WEIGHT: &str = "compute.weight";
/// `compute.stat`.
pub const COMPUTE_STAT: &str = "compute.stat";

/// The word cgroup v2 uses for "no limit".
pub const MAX_WORD: &str = "max";
