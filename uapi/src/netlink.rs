//! The `vgpu` generic netlink family.
//!
//! Mirrored by `uapi/vgpu.yaml` (YNL spec) and `uapi/include/vgpu.h`;
//! `uapi/tests/agree.rs` fails if the three disagree.
//!
//! Messages are flat: one attribute set, [`attr`]. A quota entry is one
//! message carrying a (cgroup id, GPU) key and whatever settings and
//! counters apply. Changes (`set-quota`, `del-quota`) need `CAP_SYS_ADMIN` in
//! the initial user namespace; reads are open to everyone.

/// Family name as registered with generic netlink.
pub const FAMILY_NAME: &str = "vgpu";
/// Family version; bumped on incompatible changes.
pub const FAMILY_VERSION: u8 = 1;
/// Multicast group reporting every quota denial.
pub const MCGRP_EVENTS: &str = "events";

/// The `gpu` attribute value meaning "every GPU": a default that applies to
/// each GPU without a setting of its own.
pub const GPU_ALL: u32 = u32::MAX;
/// A limit value meaning "no limit" (cgroup v2's `max`).
pub const LIMIT_MAX: u64 = u64::MAX;
/// The highest GPU minor a real driver hands out (`/dev/nvidia247`).
pub const GPU_MINOR_MAX: u32 = 247;

/// `compute.weight` bounds and default, as cgroup v2 `cpu.weight`.
pub const COMPUTE_WEIGHT_MIN: u32 = 1;
/// Upper bound of `compute.weight`.
pub const COMPUTE_WEIGHT_MAX: u32 = 10_000;
/// Default `compute.weight`.
pub const COMPUTE_WEIGHT_DEFAULT: u32 = 100;
/// Default `compute.max` period in microseconds, as `cpu.max`.
pub const COMPUTE_PERIOD_DEFAULT_US: u64 = 100_000;
/// Shortest accepted `compute.max` period (µs).
pub const COMPUTE_PERIOD_MIN_US: u64 = 1_000;
/// Longest accepted `compute.max` period (µs).
pub const COMPUTE_PERIOD_MAX_US: u64 = 1_000_000;

/// Commands (`genlmsghdr.cmd`).
pub mod cmd {
    /// Module version, ABI version and attachment state.
    pub const GET_STATUS: u8 = 1;
    /// Set any of the limits of (cgroup, GPU). Admin only.
    pub const SET_QUOTA: u8 = 2;
    /// Get one (cgroup, GPU) entry, or dump all with `NLM_F_DUMP`.
    pub const GET_QUOTA: u8 = 3;
    /// Remove every limit of (cgroup, GPU). Admin only.
    pub const DEL_QUOTA: u8 = 4;
    /// Notification on the `events` group: an allocation was denied.
    pub const DENIAL: u8 = 5;

    /// Every command with its YNL name, for the agreement test and tools.
    pub const ALL: &[(&str, u8)] = &[
        ("get-status", GET_STATUS),
        ("set-quota", SET_QUOTA),
        ("get-quota", GET_QUOTA),
        ("del-quota", DEL_QUOTA),
        ("denial", DENIAL),
    ];
}

/// Attributes (one attribute set, `vgpu`).
pub mod attr {
    /// Padding for 64-bit attributes (`nla_put_u64_64bit`).
    pub const PAD: u16 = 1;
    /// string: module version.
    pub const VERSION: u16 = 2;
    /// u32: ABI version (netlink family and sysfs layout).
    pub const ABI_VERSION: u16 = 3;
    /// string: name of the driver module vgpu is attached to.
    pub const DRIVER: u16 = 4;
    /// u64: cgroup v2 id (the inode number of its cgroupfs directory).
    pub const CGROUP_ID: u16 = 5;
    /// string: the cgroup's path below the cgroup v2 root (replies only).
    pub const CGROUP_PATH: u16 = 6;
    /// u32: GPU minor number, or [`super::GPU_ALL`].
    pub const GPU: u16 = 7;
    /// u64: memory limit in bytes, [`super::LIMIT_MAX`] for none.
    pub const MEMORY_MAX: u16 = 8;
    /// u64: GPU memory charged, bytes.
    pub const MEMORY_CURRENT: u16 = 9;
    /// u64: highest `memory.current` seen, bytes.
    pub const MEMORY_PEAK: u16 = 10;
    /// u64: allocations denied by a limit (`memory.events` `max`).
    pub const MEMORY_EVENTS_MAX: u16 = 11;
    /// u64: the tightest memory limit of the cgroup and its ancestors.
    pub const MEMORY_EFFECTIVE_MAX: u16 = 12;
    /// u64: system memory allocated through the driver, bytes (not limited).
    pub const SYSMEM_CURRENT: u16 = 13;
    /// u64: `compute.max` quota in µs per period, [`super::LIMIT_MAX`] for none.
    pub const COMPUTE_QUOTA_US: u16 = 14;
    /// u64: `compute.max` period in µs.
    pub const COMPUTE_PERIOD_US: u16 = 15;
    /// u32: `compute.weight`.
    pub const COMPUTE_WEIGHT: u16 = 16;
    /// u64: GPU time used, µs (`compute.stat` `usage_usec`).
    pub const COMPUTE_USAGE_US: u16 = 17;
    /// u64: time held back, µs (`compute.stat` `throttled_usec`).
    pub const COMPUTE_THROTTLED_US: u16 = 18;
    /// u64: times held back (`compute.stat` `nr_throttled`).
    pub const COMPUTE_NR_THROTTLED: u16 = 19;
    /// u32: process id of a denied allocation.
    pub const PID: u16 = 20;
    /// u64: bytes a denied allocation asked for.
    pub const REQUESTED: u16 = 21;
    /// u64: the limit that denied it.
    pub const LIMIT: u16 = 22;
    /// u64: usage of the limiting cgroup when it was denied.
    pub const USAGE: u16 = 23;
    /// u64: id of the cgroup whose limit denied it (the cgroup or an ancestor).
    pub const LIMIT_CGROUP_ID: u16 = 24;
    /// u32: number of cgroups vgpu holds state for.
    pub const NR_CGROUPS: u16 = 25;
    /// u32: number of GPUs vgpu has seen.
    pub const NR_GPUS: u16 = 26;

    /// Highest attribute number.
    pub const MAX: u16 = NR_GPUS;

    /// Every attribute with its YNL name and type, for the agreement test.
    pub const ALL: &[(&str, u16, &str)] = &[
        ("pad", PAD, "pad"),
        ("version", VERSION, "string"),
        ("abi-version", ABI_VERSION, "u32"),
        ("driver", DRIVER, "string"),
        ("cgroup-id", CGROUP_ID, "u64"),
        ("cgroup-path", CGROUP_PATH, "string"),
        ("gpu", GPU, "u32"),
        ("memory-max", MEMORY_MAX, "u64"),
        ("memory-current", MEMORY_CURRENT, "u64"),
        ("memory-peak", MEMORY_PEAK, "u64"),
        ("memory-events-max", MEMORY_EVENTS_MAX, "u64"),
        ("memory-effective-max", MEMORY_EFFECTIVE_MAX, "u64"),
        ("sysmem-current", SYSMEM_CURRENT, "u64"),
        ("compute-quota-us", COMPUTE_QUOTA_US, "u64"),
        ("compute-period-us", COMPUTE_PERIOD_US, "u64"),
        ("compute-weight", COMPUTE_WEIGHT, "u32"),
        ("compute-usage-us", COMPUTE_USAGE_US, "u64"),
        ("compute-throttled-us", COMPUTE_THROTTLED_US, "u64"),
        ("compute-nr-throttled", COMPUTE_NR_THROTTLED, "u64"),
        ("pid", PID, "u32"),
        ("requested", REQUESTED, "u64"),
        ("limit", LIMIT, "u64"),
        ("usage", USAGE, "u64"),
        ("limit-cgroup-id", LIMIT_CGROUP_ID, "u64"),
        ("nr-cgroups", NR_CGROUPS, "u32"),
        ("nr-gpus", NR_GPUS, "u32"),
    ];
}

/// The ABI version reported by `get-status` and `/sys/kernel/vgpu/abi_version`.
pub const ABI_VERSION: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_dense_and_unique() {
        for (i, (_, v, _)) in attr::ALL.iter().enumerate() {
            assert_eq!(*v as usize, i + 1, "attribute numbers must be 1..=MAX in order");
        }
        assert_eq!(attr::ALL.len(), attr::MAX as usize);
    }

    #[test]
    fn commands_are_dense_and_unique() {
        for (i, (_, v)) in cmd::ALL.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
        }
    }
}
