//! `/sys/kernel/vgpu`: the values behind every file.
//!
//! The tree itself (kobjects, attribute tables) is `glue/sysfs.c`; it calls
//! [`vgpu_rs_sysfs_show`] for every read. Layout: `uapi/src/sysfs.rs`.

use core::fmt::Write;

use kernel::prelude::*;

use crate::abi::{netlink::ABI_VERSION, version::VERSION};
use crate::ffi::{self, sysfs_attr};
use crate::text::SliceWriter;

/// `/sys/kernel/vgpu`; removed on drop.
pub(crate) struct Root(());

impl Root {
    /// Creates `/sys/kernel/vgpu` with its top-level files.
    pub(crate) fn create() -> Result<Self> {
        // SAFETY: Called once from module init.
        kernel::error::to_result(unsafe { ffi::vgpu_sysfs_init() })?;
        Ok(Root(()))
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        // SAFETY: Created in `create`; removal waits for running reads.
        unsafe { ffi::vgpu_sysfs_exit() };
    }
}

fn show_root(attr: u32, w: &mut SliceWriter<'_>) -> Result {
    let r = match attr {
        sysfs_attr::VERSION => writeln!(w, "{VERSION}"),
        sysfs_attr::ABI_VERSION => writeln!(w, "{ABI_VERSION}"),
        // Not attached to any driver yet.
        sysfs_attr::DRIVER => writeln!(w),
        _ => return Err(EIO),
    };
    r.map_err(|_| EFBIG)
}

/// Produces the content of a sysfs file (called by `glue/sysfs.c`).
///
/// # Safety
///
/// `buf` must point to a writable page (`PAGE_SIZE` bytes), as sysfs
/// guarantees for `show`; `obj` must be the object the node was created for.
#[no_mangle]
pub(crate) unsafe extern "C" fn vgpu_rs_sysfs_show(obj: *const c_void, attr: u32, buf: *mut u8) -> isize {
    // SAFETY: sysfs hands `show` a buffer of PAGE_SIZE bytes (see above).
    let page = unsafe { core::slice::from_raw_parts_mut(buf, kernel::page::PAGE_SIZE) };
    let mut w = SliceWriter::new(page);
    let r = if obj.is_null() { show_root(attr, &mut w) } else { Err(EIO) };
    match r {
        Ok(()) => w.len() as isize,
        Err(e) => e.to_errno() as isize,
    }
}
