//! Errors an operator can act on.

use thiserror::Error;

/// What went wrong, said so that the operator knows what to do next.
#[derive(Debug, Error)]
pub enum CtlError {
    #[error(
        "the vgpu kernel module is not loaded (no \"vgpu\" generic netlink family)\n\
         hint: load it with `insmod kmod/vgpu_kmod.ko` (or `modprobe vgpu_kmod`), as root"
    )]
    ModuleNotLoaded,
    #[error(
        "permission denied: {what} needs CAP_SYS_ADMIN in the initial user namespace\n\
         hint: run vgpuctl as root on the host (root inside a container or user namespace is not enough)"
    )]
    PermissionDenied { what: &'static str },
    #[error("the vgpu module speaks ABI {kernel}, this vgpuctl speaks ABI {ours}: use the vgpuctl built with the module")]
    AbiMismatch { kernel: u32, ours: u32 },
    #[error("the kernel rejected the request: {0}")]
    Kernel(String),
}
