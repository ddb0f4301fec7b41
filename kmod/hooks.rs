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

/// `mmap` of every driver file.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_mmap(file: *mut bindings::file, vma: *mut bindings::vm_area_struct) -> c_int {
    // SAFETY: Forwarding the driver's own arguments to its handler.
    unsafe { ffi::vgpu_orig_mmap(file.cast(), vma.cast()) }
}

/// `release` of every driver file: the driver frees what the file owned
/// (every RM client of a control file), then vgpu returns its charges.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_release(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: Forwarding the driver's own arguments to its handler.
    let ret = unsafe { ffi::vgpu_orig_release(inode.cast(), file.cast()) };
    crate::ioctl::released(file);
    ret
}

/// `vm_ops->fault` of the driver's mappings.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_fault(vmf: *mut bindings::vm_fault) -> c_uint {
    // SAFETY: Forwarding the driver's own argument to its handler.
    unsafe { ffi::vgpu_orig_fault(vmf.cast()) }
}
