//! `/sys/kernel/vgpu`: the values behind every file.
//!
//! The tree itself (kobjects, attribute tables) is `glue/sysfs.c`; it calls
//! [`vgpu_rs_sysfs_show`] for every read. Reads take no lock: they only load
//! atomics of the object behind the directory, which outlives the directory
//! (a [`Node`] is removed, waiting for running reads, before its object is
//! freed). Layout: `uapi/src/sysfs.rs`, `docs/ABI.md`.

use core::fmt::Write;
use core::ptr::NonNull;
use core::sync::atomic::Ordering;

use kernel::prelude::*;

use crate::abi::{netlink::ABI_VERSION, version::VERSION};
use crate::ffi::{self, sysfs_attr};
use crate::policy::page_counter::UNLIMITED;
use crate::quota::{Cgroup, GpuState};
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

/// `/sys/kernel/debug/vgpu` (internals, not an ABI); removed on drop,
/// which waits for running reads: it must go before the state it shows.
pub(crate) struct DebugDir(());

impl DebugDir {
    pub(crate) fn create() -> Self {
        // SAFETY: Called once from module init; a failure leaves no file.
        unsafe { ffi::vgpu_debugfs_init() };
        DebugDir(())
    }
}

impl Drop for DebugDir {
    fn drop(&mut self) {
        // SAFETY: Created in `create`.
        unsafe { ffi::vgpu_debugfs_exit() };
    }
}

/// A directory below `/sys/kernel/vgpu/cgroups`; removed on drop, after
/// every read of it has returned.
pub(crate) struct Node(NonNull<ffi::SysfsNode>);

// SAFETY: The node is a kobject; adding and removing it is allowed from any
// task, and the glue serializes access internally.
unsafe impl Send for Node {}
// SAFETY: `Node` has no `&self` methods that mutate.
unsafe impl Sync for Node {}

impl Node {
    fn wrap(p: *mut ffi::SysfsNode) -> Result<Self> {
        NonNull::new(p).map(Node).ok_or(ENOMEM)
    }

    /// `cgroups/<id>/`. `obj` must be a `Cgroup` that outlives the node.
    pub(crate) fn cgroup(id: u64, obj: *const Cgroup) -> Result<Self> {
        // SAFETY: The caller keeps `obj` alive until the node is dropped.
        Self::wrap(unsafe { ffi::vgpu_sysfs_cgroup_add(id, obj.cast()) })
    }

    /// `cgroups/<id>/gpu<N>/`. `obj` must be a `GpuState` that outlives the node.
    pub(crate) fn gpu(parent: &Node, gpu: u32, obj: *const GpuState) -> Result<Self> {
        // SAFETY: `parent` is a live node; the caller keeps `obj` alive.
        Self::wrap(unsafe { ffi::vgpu_sysfs_gpu_add(parent.0.as_ptr(), gpu, obj.cast()) })
    }

    /// `cgroups/<id>/all/`. `obj` must be the `Cgroup` of `parent`.
    pub(crate) fn all(parent: &Node, obj: *const Cgroup) -> Result<Self> {
        // SAFETY: `parent` is a live node; the caller keeps `obj` alive.
        Self::wrap(unsafe { ffi::vgpu_sysfs_all_add(parent.0.as_ptr(), obj.cast()) })
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // SAFETY: We own the node; this waits for running reads of it.
        unsafe { ffi::vgpu_sysfs_node_del(self.0.as_ptr()) };
    }
}

/// Writes a limit the cgroup v2 way.
fn limit(w: &mut SliceWriter<'_>, v: u64) -> core::fmt::Result {
    if v == UNLIMITED {
        writeln!(w, "max")
    } else {
        writeln!(w, "{v}")
    }
}

/// `compute.max` the `cpu.max` way: "QUOTA PERIOD" or "max PERIOD".
fn compute_max(w: &mut SliceWriter<'_>, quota: u64, period: u64) -> core::fmt::Result {
    if quota == UNLIMITED {
        writeln!(w, "max {period}")
    } else {
        writeln!(w, "{quota} {period}")
    }
}

fn show_root(attr: u32, w: &mut SliceWriter<'_>) -> core::fmt::Result {
    match attr {
        sysfs_attr::VERSION => writeln!(w, "{VERSION}"),
        sysfs_attr::ABI_VERSION => writeln!(w, "{ABI_VERSION}"),
        _ => Err(core::fmt::Error),
    }
}

fn show_cgroup(c: &Cgroup, attr: u32, w: &mut SliceWriter<'_>) -> core::fmt::Result {
    match attr {
        sysfs_attr::CGROUP_PATH => {
            let mut buf = [0u8; 256];
            match c.cg.path(&mut buf) {
                Ok(n) => {
                    let s = core::str::from_utf8(&buf[..n]).unwrap_or("?");
                    writeln!(w, "{s}")
                }
                Err(_) => writeln!(w, "?"),
            }
        }
        sysfs_attr::ALL_MEMORY_MAX => limit(w, c.all.memory_max.load(Ordering::Relaxed)),
        sysfs_attr::ALL_COMPUTE_MAX => {
            compute_max(w, c.all.compute_quota_us.load(Ordering::Relaxed), c.all.compute_period_us.load(Ordering::Relaxed))
        }
        sysfs_attr::ALL_COMPUTE_WEIGHT => writeln!(w, "{}", c.all.compute_weight.load(Ordering::Relaxed)),
        _ => Err(core::fmt::Error),
    }
}

fn show_gpu(g: &GpuState, attr: u32, w: &mut SliceWriter<'_>) -> core::fmt::Result {
    match attr {
        sysfs_attr::MEMORY_MAX => limit(w, g.memory.max()),
        sysfs_attr::MEMORY_CURRENT => writeln!(w, "{}", g.memory.usage()),
        sysfs_attr::MEMORY_PEAK => writeln!(w, "{}", g.memory.peak()),
        sysfs_attr::MEMORY_EVENTS => writeln!(w, "max {}", g.events_max.load(Ordering::Relaxed)),
        sysfs_attr::COMPUTE_MAX => {
            let (q, p) = g.compute_max();
            compute_max(w, q, p)
        }
        sysfs_attr::COMPUTE_WEIGHT => writeln!(w, "{}", g.compute_weight()),
        sysfs_attr::COMPUTE_STAT => {
            let c = &g.compute;
            writeln!(w, "usage_usec {}", c.usage_ns.load(Ordering::Relaxed) / 1000)?;
            writeln!(w, "nr_throttled {}", c.nr_throttled.load(Ordering::Relaxed))?;
            writeln!(w, "throttled_usec {}", c.throttled_ns.load(Ordering::Relaxed) / 1000)
        }
        _ => Err(core::fmt::Error),
    }
}

/// Produces the content of a sysfs file (called by `glue/sysfs.c`).
///
/// # Safety
///
/// `buf` must point to a writable page (`PAGE_SIZE` bytes), as sysfs
/// guarantees for `show`; `obj` must be the object the node was created for
/// (NULL for the root), still alive, as [`Node`] guarantees.
#[no_mangle]
pub(crate) unsafe extern "C" fn vgpu_rs_sysfs_show(obj: *const c_void, attr: u32, buf: *mut u8) -> isize {
    // SAFETY: sysfs hands `show` a buffer of PAGE_SIZE bytes (see above).
    let page = unsafe { core::slice::from_raw_parts_mut(buf, kernel::page::PAGE_SIZE) };
    let mut w = SliceWriter::new(page);
    let r = match attr {
        _ if obj.is_null() => show_root(attr, &mut w),
        sysfs_attr::CGROUP_PATH
        | sysfs_attr::ALL_MEMORY_MAX
        | sysfs_attr::ALL_COMPUTE_MAX
        | sysfs_attr::ALL_COMPUTE_WEIGHT => {
            // SAFETY: cgroup and `all` nodes are created for a `Cgroup`,
            // which outlives them (see above).
            show_cgroup(unsafe { &*obj.cast::<Cgroup>() }, attr, &mut w)
        }
        // SAFETY: per-GPU nodes are created for a `GpuState` (see above).
        _ => show_gpu(unsafe { &*obj.cast::<GpuState>() }, attr, &mut w),
    };
    match r {
        Ok(()) => w.len() as isize,
        Err(_) => EIO.to_errno() as isize,
    }
}
