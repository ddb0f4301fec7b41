//! cgroup v2 handles (over `glue/cgroup.c`).

use core::ptr::NonNull;

use kernel::prelude::*;

use crate::ffi;

/// A counted reference to a `struct cgroup`.
pub(crate) struct CgroupRef(NonNull<ffi::Cgroup>);

// SAFETY: A cgroup reference may be used and dropped from any task; the
// kernel object is reference counted and internally synchronized.
unsafe impl Send for CgroupRef {}
// SAFETY: Every method takes `&self` and only reads through the kernel's
// synchronized accessors.
unsafe impl Sync for CgroupRef {}

impl CgroupRef {
    /// The cgroup v2 of the calling task (`None` only if the kernel had none).
    pub(crate) fn current() -> Option<Self> {
        // SAFETY: Returns a referenced cgroup (never NULL in practice).
        NonNull::new(unsafe { ffi::vgpu_cgroup_current() }).map(Self)
    }

    /// The live cgroup with id `id`, if any.
    pub(crate) fn from_id(id: u64) -> Option<Self> {
        // SAFETY: Returns a referenced cgroup or NULL.
        NonNull::new(unsafe { ffi::vgpu_cgroup_from_id(id) }).map(Self)
    }

    /// The parent, or `None` for the root.
    pub(crate) fn parent(&self) -> Option<Self> {
        // SAFETY: `self.0` is a referenced cgroup (type invariant).
        NonNull::new(unsafe { ffi::vgpu_cgroup_parent(self.0.as_ptr()) }).map(Self)
    }

    /// The cgroup id (the inode number of its cgroupfs directory).
    pub(crate) fn id(&self) -> u64 {
        // SAFETY: `self.0` is a referenced cgroup.
        unsafe { ffi::vgpu_cgroup_id(self.0.as_ptr()) }
    }

    /// False once the cgroup was removed.
    pub(crate) fn online(&self) -> bool {
        // SAFETY: `self.0` is a referenced cgroup.
        unsafe { ffi::vgpu_cgroup_online(self.0.as_ptr()) }
    }

    /// Writes the path below the v2 root into `buf`; returns its length.
    pub(crate) fn path(&self, buf: &mut [u8]) -> Result<usize> {
        // SAFETY: `self.0` is referenced; `buf` is writable for its length.
        let r = unsafe { ffi::vgpu_cgroup_path(self.0.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        kernel::error::to_result(r)?;
        Ok(buf.iter().position(|&b| b == 0).unwrap_or(buf.len()))
    }
}

impl Drop for CgroupRef {
    fn drop(&mut self) {
        // SAFETY: We own one reference.
        unsafe { ffi::vgpu_cgroup_put(self.0.as_ptr()) };
    }
}

/// The id of the calling task's cgroup (no reference taken).
pub(crate) fn current_id() -> u64 {
    // SAFETY: Reads the caller's cgroup under RCU.
    unsafe { ffi::vgpu_cgroup_current_id() }
}
