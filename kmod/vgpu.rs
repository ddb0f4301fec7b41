//! vgpu: kernel-enforced GPU sharing for NVIDIA GPUs.
//!
//! The module interposes on the live NVIDIA driver's own file handlers and
//! enforces per-cgroup GPU memory and channel-time quotas. Architecture:
//! `docs/design.md`. This file is the crate root: module metadata, load and
//! unload.

use kernel::prelude::*;

mod abi;
mod ffi;
mod netlink;
mod sysfs;
mod text;

module! {
    type: Vgpu,
    name: "vgpu_kmod",
    authors: ["vgpu developers"],
    description: "vgpu: kernel-enforced GPU sharing for NVIDIA GPUs",
    license: "GPL",
}

/// The loaded module. Fields drop in order: the control plane goes first,
/// so no request runs while the rest is torn down.
struct Vgpu {
    _netlink: netlink::Family,
    _sysfs: sysfs::Root,
}

impl kernel::Module for Vgpu {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let sysfs = sysfs::Root::create()?;
        let netlink = netlink::Family::register()?;
        pr_info!("vgpu {} loaded (ABI {})\n", abi::version::VERSION, abi::netlink::ABI_VERSION);
        Ok(Vgpu { _netlink: netlink, _sysfs: sysfs })
    }
}

impl Drop for Vgpu {
    fn drop(&mut self) {
        pr_info!("vgpu unloading\n");
    }
}
