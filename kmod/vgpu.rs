//! vgpu: kernel-enforced GPU sharing for NVIDIA GPUs.
//!
//! The module redirects the entry of the live NVIDIA driver's own file
//! handlers into vgpu and enforces per-cgroup GPU quotas there.
//! Architecture: `docs/design.md`. This file is the crate root: module
//! metadata, load and unload.

use kernel::prelude::*;

mod abi;
mod cgroup;
mod compute;
mod driver;
mod ffi;
mod hooks;
mod user;
mod ioctl;
mod netlink;
mod policy;
mod quota;
mod state;
mod submit;
mod sysfs;
mod text;
mod tracker;

module! {
    type: Vgpu,
    name: "vgpu_kmod",
    authors: ["vgpu developers"],
    description: "vgpu: kernel-enforced GPU sharing for NVIDIA GPUs",
    license: "GPL",
    params: {
        compute_tick_us: u32 {
            default: 250,
            description: "How often an engaged compute arbiter observes the GPU and decides, in microseconds (50..=10000)",
        },
    },
}

/// The loaded module. Fields drop in declaration order: first the driver's
/// handlers stop reaching vgpu (and calls in flight finish), then the
/// control plane goes, then the state, and the sysfs root last.
struct Vgpu {
    _attachment: Option<driver::Attachment>,
    _netlink: netlink::Family,
    _debugfs: sysfs::DebugDir,
    _state: state::Published,
    _sysfs: sysfs::Root,
}

impl kernel::Module for Vgpu {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let sysfs = sysfs::Root::create()?;
        let st = state::Published::new()?;
        let netlink = netlink::Family::register()?;
        let debugfs = sysfs::DebugDir::create();
        let s = state::get().ok_or(EINVAL)?;
        let attachment = driver::Attachment::attach(s)?;
        pr_info!("vgpu {} loaded (ABI {})\n", abi::version::VERSION, abi::netlink::ABI_VERSION);
        Ok(Vgpu { _attachment: attachment, _netlink: netlink, _debugfs: debugfs, _state: st, _sysfs: sysfs })
    }
}

impl Drop for Vgpu {
    fn drop(&mut self) {
        pr_info!("vgpu unloading\n");
    }
}
