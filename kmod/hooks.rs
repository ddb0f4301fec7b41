//! The driver's redirected handlers land here (`glue/hook.c` calls these
//! inside its SRCU read section). Each decides what vgpu must do and calls
//! the driver's original handler through `vgpu_orig_*`.

use kernel::bindings;
use kernel::prelude::*;

use crate::ffi;

/// `unlocked_ioctl` / `compat_ioctl` of every driver file.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_ioctl(file: *mut bindings::file, cmd: c_uint, arg: c_ulong, compat: bool) -> c_long {
    crate::ioctl::handle(file, cmd, arg, compat)
}

/// `mmap` of every driver file: the driver maps; vgpu notes submission
/// mappings (doorbell, USERD) it may have to revoke.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_mmap(file: *mut bindings::file, vma: *mut bindings::vm_area_struct) -> c_int {
    // SAFETY: Forwarding the driver's own arguments to its handler.
    let ret = unsafe { ffi::vgpu_orig_mmap(file.cast(), vma.cast()) };
    if ret == 0 {
        if let Some(s) = crate::state::get() {
            s.compute.mmapped(s, file as usize, vma);
        }
    }
    ret
}

/// `release` of every driver file: the driver frees what the file owned
/// (every RM client of a control file), then vgpu returns its charges.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_release(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    crate::ioctl::releasing(file);
    // SAFETY: Forwarding the driver's own arguments to its handler.
    let ret = unsafe { ffi::vgpu_orig_release(inode.cast(), file.cast()) };
    crate::ioctl::released(file);
    ret
}

/// `vm_ops->fault` of the driver's mappings: a revoked tenant waits here
/// for its turn (`compute.rs`).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_fault(vmf: *mut bindings::vm_fault) -> c_uint {
    match crate::state::get() {
        Some(s) => s.compute.fault(s, vmf),
        // SAFETY: Forwarding the driver's own argument to its handler.
        None => unsafe { ffi::vgpu_orig_fault(vmf.cast()) },
    }
}
