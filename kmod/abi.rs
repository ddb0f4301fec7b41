//! The ABI definitions of `uapi/`, compiled into the module from the very
//! files the user-space crates use: one source of truth for kernel and user.
//! (Named `abi` because the kernel already has a crate called `uapi`.)

#[allow(dead_code, unreachable_pub)]
#[path = "../uapi/src/netlink.rs"]
pub(crate) mod netlink;

#[allow(dead_code, unreachable_pub)]
#[path = "../uapi/src/sysfs.rs"]
pub(crate) mod sysfs;

#[allow(dead_code, unreachable_pub)]
#[path = "../uapi/src/version.rs"]
pub(crate) mod version;

#[allow(dead_code, unreachable_pub)]
#[path = "../uapi/src/nvidia/mod.rs"]
pub(crate) mod nvidia;
