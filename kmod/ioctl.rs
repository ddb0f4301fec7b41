//! The ioctl path: every `unlocked_ioctl`/`compat_ioctl` of every driver
//! file lands in [`handle`].
//!
//! Escapes vgpu does not care about cost one decode of `_IOC_NR`/`_IOC_SIZE`
//! (as the driver decodes them) and go straight to the driver. The others:
//!
//! - `RM_ALLOC` / `VID_HEAP_CONTROL` allocations: reserve the most the
//!   driver may allocate against the caller's cgroup on that GPU (and every
//!   ancestor) **before** forwarding; over quota, fail exactly like a real
//!   out-of-memory (`status = NV_ERR_NO_MEMORY`, ioctl returns 0, nothing
//!   reaches the driver); on success settle the charge to the size the
//!   driver wrote back and hang it on the new object; on failure return it.
//! - `RM_FREE`, `VID_HEAP_CONTROL` `FREE`, and release of the control file:
//!   return the charges of everything RM freed (subtrees included).
//! - `RM_DUP_OBJECT`: the new handle shares the original's charge.
//! - `RM_CONTROL` `FB_GET_INFO(_V2)` and `VID_HEAP_CONTROL` `INFO`: a caller
//!   with a limit is shown its quota as the GPU's capacity.
//! - `RM_MAP_MEMORY` of a doorbell (USERMODE), a channel or memory: noted
//!   with the file it names, so the mmap that follows can be recognised as
//!   a submission mapping (`submit.rs`); channel allocations are noted with
//!   where their USERD lives.
//! - `IOCTL_XFER_CMD`: unwrapped like the driver does, then as above.
//!
//! Every read of the caller's memory is a copy; the driver makes its own.
//! What the driver reports is read back from the caller's memory after it
//! returns (see "Trust" in `docs/design.md`).

use core::mem::offset_of;

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::Arc;

use crate::abi::nvidia::{alloc_params, classes, ctrl, ioctl as esc, rm, status};
use crate::ffi;
use crate::policy::alloc_cost::{self, Cost};
use crate::policy::{capacity, page_counter::UNLIMITED};
use crate::quota::{Charge, GpuState};
use crate::state::State;
use crate::submit::Mapped;
use crate::tracker::Released;
use crate::user;

/// The ioctl as the driver received it, for forwarding unchanged.
struct Call {
    file: *mut bindings::file,
    cmd: c_uint,
    arg: c_ulong,
    compat: bool,
}

impl Call {
    fn forward(&self) -> c_long {
        // SAFETY: The driver's own arguments, handed to its own handler.
        unsafe {
            if self.compat {
                ffi::vgpu_orig_compat_ioctl(self.file.cast(), self.cmd, self.arg)
            } else {
                ffi::vgpu_orig_ioctl(self.file.cast(), self.cmd, self.arg)
            }
        }
    }

    fn ctl_file(&self) -> bool {
        // SAFETY: `file` is a live driver file (we are inside its ioctl).
        let minor = unsafe { ffi::vgpu_file_minor(self.file.cast()) };
        minor == esc::NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE
    }

    fn file_key(&self) -> usize {
        self.file as usize
    }
}

/// An escape: its number, parameter size and parameters' user address.
#[derive(Clone, Copy)]
struct Escape {
    nr: u32,
    size: usize,
    params: u64,
}

/// Entry point (from `hooks.rs`).
pub(crate) fn handle(file: *mut bindings::file, cmd: c_uint, arg: c_ulong, compat: bool) -> c_long {
    let call = Call { file, cmd, arg, compat };
    let mut e = Escape { nr: esc::ioc_nr(cmd), size: esc::ioc_size(cmd) as usize, params: arg as u64 };
    if e.nr == esc::NV_ESC_IOCTL_XFER_CMD {
        if e.size != size_of::<rm::NvIoctlXfer>() {
            return call.forward();
        }
        let Ok(x) = user::read::<rm::NvIoctlXfer>(e.params) else {
            return call.forward();
        };
        if x.size > esc::NV_ABSOLUTE_MAX_IOCTL_SIZE {
            return call.forward();
        }
        e = Escape { nr: x.cmd, size: x.size as usize, params: x.ptr };
    }
    let interesting = matches!(
        (e.nr, e.size),
        (esc::NV_ESC_RM_ALLOC, 32 | 48) | (esc::NV_ESC_RM_FREE, 16) | (esc::NV_ESC_RM_VID_HEAP_CONTROL, 184)
            | (esc::NV_ESC_RM_DUP_OBJECT, 28) | (esc::NV_ESC_RM_CONTROL, 32) | (esc::NV_ESC_RM_MAP_MEMORY, 56)
    );
    // These escapes are control-node only; elsewhere the driver refuses them.
    if !interesting || !call.ctl_file() {
        return call.forward();
    }
    let Some(s) = crate::state::get() else {
        return call.forward();
    };
    match e.nr {
        esc::NV_ESC_RM_ALLOC => rm_alloc(s, &call, e),
        esc::NV_ESC_RM_FREE => rm_free(s, &call, e),
        esc::NV_ESC_RM_VID_HEAP_CONTROL => vid_heap(s, &call, e),
        esc::NV_ESC_RM_DUP_OBJECT => dup(s, &call, e),
        esc::NV_ESC_RM_CONTROL => control(s, &call, e),
        esc::NV_ESC_RM_MAP_MEMORY => map_memory(s, &call, e),
        _ => call.forward(),
    }
}

/// Returns what RM freed: charges, and the objects the submission tracker
/// may follow.
fn release(s: &State, r: Released) {
    s.submit.objects_freed(&r.objects);
    drop(r);
}

/// The control file `file` is being released: return everything its
/// clients held (the driver has freed them).
/// A driver file is about to be released: forget it as a submission
/// file, and stop using vgpu's mappings of what its clients own, before the
/// driver frees them.
pub(crate) fn releasing(file: *mut bindings::file) {
    if let Some(s) = crate::state::get() {
        s.submit.file_closed(file as usize);
        s.submit.invalidate(&s.tracker.objects_of_file(file as usize));
    }
}

/// The control file `file` was released: return everything its clients
/// held (the driver has freed them).
pub(crate) fn released(file: *mut bindings::file) {
    if let Some(s) = crate::state::get() {
        release(s, s.tracker.file_closed(file as usize));
    }
}

/// RM's verdict: the ioctl succeeded and `status` (at `offset`) is `NV_OK`.
fn rm_ok(ret: c_long, e: Escape, offset: usize) -> bool {
    ret == 0 && user::read_u32(e.params, offset) == Ok(status::NV_OK)
}

/// Fails the call the way a real out-of-memory fails it.
fn fail_no_memory(e: Escape, status_offset: usize) -> c_long {
    match user::write_u32(e.params, status_offset, status::NV_ERR_NO_MEMORY) {
        Ok(()) => 0,
        Err(err) => err.to_errno() as c_long,
    }
}

/// Reserves `cost` for the calling task's cgroup on `gpu`. `Err` carries
/// the ioctl's return: the call was refused and answered.
fn reserve(s: &State, gpu: u32, cost: Cost, e: Escape, status_offset: usize) -> core::result::Result<Option<Charge>, c_long> {
    let bytes = match cost {
        Cost::Nothing => return Ok(None),
        Cost::Vidmem(b) | Cost::Sysmem(b) => b,
    };
    let Ok(st) = s.quotas.current(gpu) else {
        // Fail closed: vgpu cannot account, so it must not let it through.
        return Err(fail_no_memory(e, status_offset));
    };
    if let Cost::Sysmem(_) = cost {
        return Ok(Some(st.charge_sysmem(bytes)));
    }
    match st.try_charge(bytes) {
        Ok(c) => Ok(Some(c)),
        Err(denial) => {
            if let Some(d) = denial {
                crate::netlink::notify_denial(&st.cgroup, gpu, bytes, &d);
            }
            Err(fail_no_memory(e, status_offset))
        }
    }
}

/// Hangs `charge` (if any) on a new object, settling it to `final_size`.
fn commit(s: &State, client: u32, handle: u32, parent: u32, class: u32, gpu: Option<u32>, charge: Option<Charge>, final_size: Option<u64>) {
    let charge = charge.map(|mut c| {
        if let Some(sz) = final_size.filter(|&sz| sz != 0) {
            c.settle(sz);
        }
        c
    });
    let shared = match charge {
        Some(c) => match Arc::new(c, GFP_KERNEL) {
            Ok(a) => Some(a),
            Err(_) => {
                pr_warn!("vgpu: out of memory tracking an allocation; its charge is returned now\n");
                None
            }
        },
        None => None,
    };
    if s.tracker.object_created(client, handle, parent, class, gpu, shared).is_err() {
        pr_warn!("vgpu: out of memory tracking object {:#x}\n", handle);
    }
}

// ---------------------------------------------------------------- RM_ALLOC

/// The fields of NVOS21/NVOS64 vgpu needs, and where `status` lives.
struct AllocHdr {
    client: u32,
    parent: u32,
    class: u32,
    params: u64,
    new_offset: usize,
    status_offset: usize,
}

fn alloc_hdr(e: Escape) -> Result<AllocHdr> {
    if e.size == size_of::<rm::Nvos64Parameters>() {
        let p = user::read::<rm::Nvos64Parameters>(e.params)?;
        Ok(AllocHdr {
            client: p.h_root,
            parent: p.h_object_parent,
            class: p.h_class,
            params: p.p_alloc_parms,
            new_offset: offset_of!(rm::Nvos64Parameters, h_object_new),
            status_offset: offset_of!(rm::Nvos64Parameters, status),
        })
    } else {
        let p = user::read::<rm::Nvos21Parameters>(e.params)?;
        Ok(AllocHdr {
            client: p.h_root,
            parent: p.h_object_parent,
            class: p.h_class,
            params: p.p_alloc_parms,
            new_offset: offset_of!(rm::Nvos21Parameters, h_object_new),
            status_offset: offset_of!(rm::Nvos21Parameters, status),
        })
    }
}

fn rm_alloc(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(h) = alloc_hdr(e) else {
        return call.forward();
    };
    let class = h.class;
    if classes::is_root_class(class) {
        let ret = call.forward();
        if rm_ok(ret, e, h.status_offset) {
            if let Ok(client) = user::read_u32(e.params, h.new_offset) {
                if s.tracker.client_created(call.file_key(), client).is_err() {
                    pr_warn!("vgpu: out of memory tracking client {:#x}\n", client);
                }
            }
        }
        return ret;
    }
    match class {
        classes::NV01_DEVICE_0 => {
            // Device instance N is GPU N (docs/design.md).
            let gpu = user::read::<alloc_params::Nv0080AllocParameters>(h.params).map(|p| p.device_id).unwrap_or(0);
            let ret = call.forward();
            if rm_ok(ret, e, h.status_offset) {
                if let Ok(handle) = user::read_u32(e.params, h.new_offset) {
                    commit(s, h.client, handle, h.parent, class, Some(gpu), None, None);
                }
            }
            ret
        }
        classes::NV20_SUBDEVICE_0 | classes::NV01_MEMORY_LOCAL_USER | classes::NV01_MEMORY_SYSTEM
        | classes::NV50_MEMORY_VIRTUAL => {
            let gpu = s.tracker.gpu_of(h.client, h.parent);
            let mem = if class == classes::NV20_SUBDEVICE_0 {
                None
            } else {
                user::read::<alloc_params::NvMemoryAllocationParams>(h.params).ok()
            };
            let cost = mem.map_or(Cost::Nothing, |m| alloc_cost::rm_alloc(class, m.size, m.attr, m.attr2));
            let charge = match gpu {
                Some(g) => match reserve(s, g, cost, e, h.status_offset) {
                    Ok(c) => c,
                    Err(ret) => return ret,
                },
                // Below an object vgpu never saw: no GPU to charge.
                None => None,
            };
            let ret = call.forward();
            if !rm_ok(ret, e, h.status_offset) {
                return ret; // `charge` drops: returned.
            }
            let final_size = mem.and_then(|_| {
                user::read_u64(h.params, offset_of!(alloc_params::NvMemoryAllocationParams, size)).ok()
            });
            if let Ok(handle) = user::read_u32(e.params, h.new_offset) {
                commit(s, h.client, handle, h.parent, class, None, charge, final_size);
            }
            ret
        }
        c if classes::is_channel_gpfifo_class(c) => {
            let userd_in = user::read::<alloc_params::NvChannelAllocParams>(h.params)
                .ok()
                .filter(|p| p.h_userd_memory[0] != 0)
                .map(|p| (p.h_userd_memory[0], p.userd_offset[0]));
            let ret = call.forward();
            if rm_ok(ret, e, h.status_offset) {
                if let Ok(handle) = user::read_u32(e.params, h.new_offset) {
                    commit(s, h.client, handle, h.parent, class, None, None, None);
                    if let Some(gpu) = s.tracker.gpu_of(h.client, handle) {
                        if s.submit.channel_created(h.client, handle, gpu, userd_in).is_err() {
                            pr_warn!("vgpu: out of memory following channel {:#x}\n", handle);
                        }
                    }
                }
            }
            ret
        }
        _ => {
            // Followed for its place in the tree (cascading frees, GPUs).
            let ret = call.forward();
            if rm_ok(ret, e, h.status_offset) {
                if let Ok(handle) = user::read_u32(e.params, h.new_offset) {
                    commit(s, h.client, handle, h.parent, class, None, None, None);
                }
            }
            ret
        }
    }
}

// ---------------------------------------------------------------- RM_MAP_MEMORY

fn map_memory(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(p) = user::read::<rm::NvIoctlNvos33ParametersWithFd>(e.params) else {
        return call.forward();
    };
    let ret = call.forward();
    let status_at = offset_of!(rm::NvIoctlNvos33ParametersWithFd, params) + offset_of!(rm::Nvos33Parameters, status);
    if !rm_ok(ret, e, status_at) {
        return ret;
    }
    let (client, handle) = (p.params.h_client, p.params.h_memory);
    let (Some(class), Some(gpu)) = (s.tracker.class_of(client, handle), s.tracker.gpu_of(client, handle)) else {
        return ret;
    };
    let what = if classes::is_usermode_class(class) {
        Mapped::Doorbell { client, object: handle }
    } else if classes::is_channel_gpfifo_class(class) {
        Mapped::ChannelUserd { client, channel: handle }
    } else if matches!(class, classes::NV01_MEMORY_LOCAL_USER | classes::NV01_MEMORY_SYSTEM) {
        Mapped::Memory { client, memory: handle, offset: p.params.offset }
    } else {
        return ret;
    };
    // The file the driver attached the mapping to (the caller's fd).
    if let Ok(f) = kernel::fs::file::LocalFile::fget(p.fd as u32) {
        if s.submit.map_memory(f.as_ptr() as usize, gpu, what).is_err() {
            pr_warn!("vgpu: out of memory following a mapping\n");
        }
    }
    ret
}

// ---------------------------------------------------------------- RM_FREE

fn rm_free(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(p) = user::read::<rm::Nvos00Parameters>(e.params) else {
        return call.forward();
    };
    s.submit.invalidate(&s.tracker.subtree(p.h_root, p.h_object_old));
    let ret = call.forward();
    if rm_ok(ret, e, offset_of!(rm::Nvos00Parameters, status)) {
        // Returned after the tracker's lock is released.
        release(s, s.tracker.freed(p.h_root, p.h_object_old));
    }
    ret
}

// ---------------------------------------------------------------- VID_HEAP_CONTROL

const VH_STATUS: usize = offset_of!(rm::Nvos32FreeParameters, status);

fn vid_heap(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(function) = user::read_u32(e.params, offset_of!(rm::Nvos32FreeParameters, function)) else {
        return call.forward();
    };
    match function {
        rm::NVOS32_FUNCTION_ALLOC_SIZE | rm::NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT => {
            let Ok(p) = user::read::<rm::Nvos32AllocSizeParameters>(e.params) else {
                return call.forward();
            };
            let size_at = offset_of!(rm::Nvos32AllocSizeParameters, data) + offset_of!(rm::Nvos32AllocSize, size);
            let a = (p.data.flags, p.data.attr, p.data.attr2);
            vid_heap_alloc(s, call, e, p.h_root, p.h_object_parent, a, p.data.size, size_at)
        }
        rm::NVOS32_FUNCTION_ALLOC_SIZE_RANGE => {
            let Ok(p) = user::read::<rm::Nvos32AllocSizeRangeParameters>(e.params) else {
                return call.forward();
            };
            let size_at =
                offset_of!(rm::Nvos32AllocSizeRangeParameters, data) + offset_of!(rm::Nvos32AllocSizeRange, size);
            let a = (p.data.flags, p.data.attr, p.data.attr2);
            vid_heap_alloc(s, call, e, p.h_root, p.h_object_parent, a, p.data.size, size_at)
        }
        rm::NVOS32_FUNCTION_FREE => {
            let Ok(p) = user::read::<rm::Nvos32FreeParameters>(e.params) else {
                return call.forward();
            };
            s.submit.invalidate(&s.tracker.subtree(p.h_root, p.data.h_memory));
            let ret = call.forward();
            if rm_ok(ret, e, VH_STATUS) {
                release(s, s.tracker.freed(p.h_root, p.data.h_memory));
            }
            ret
        }
        rm::NVOS32_FUNCTION_INFO => {
            let Ok(p) = user::read::<rm::Nvos32FreeParameters>(e.params) else {
                return call.forward();
            };
            let ret = call.forward();
            if rm_ok(ret, e, VH_STATUS) {
                if let Some(st) = limited_state(s, p.h_root, p.h_object_parent) {
                    virtualize_bytes(e, &st);
                }
            }
            ret
        }
        _ => call.forward(),
    }
}

/// `(flags, attr, attr2)` of a VID_HEAP allocation.
type HeapAttrs = (u32, u32, u32);

#[allow(clippy::too_many_arguments)]
fn vid_heap_alloc(s: &State, call: &Call, e: Escape, client: u32, device: u32, a: HeapAttrs, size: u64, size_at: usize) -> c_long {
    let cost = alloc_cost::vid_heap(a.0, a.1, a.2, size);
    let class = match cost {
        Cost::Vidmem(_) => classes::NV01_MEMORY_LOCAL_USER,
        Cost::Sysmem(_) => classes::NV01_MEMORY_SYSTEM,
        Cost::Nothing => classes::NV50_MEMORY_VIRTUAL,
    };
    let charge = match s.tracker.gpu_of(client, device) {
        Some(g) => match reserve(s, g, cost, e, VH_STATUS) {
            Ok(c) => c,
            Err(ret) => return ret,
        },
        None => None,
    };
    let ret = call.forward();
    if !rm_ok(ret, e, VH_STATUS) {
        return ret;
    }
    let final_size = user::read_u64(e.params, size_at).ok();
    let h_memory_at = offset_of!(rm::Nvos32AllocSizeParameters, data) + offset_of!(rm::Nvos32AllocSize, h_memory);
    if let Ok(handle) = user::read_u32(e.params, h_memory_at) {
        commit(s, client, handle, device, class, None, charge, final_size);
    }
    ret
}

/// Rewrites `total`/`free` (bytes) of a VID_HEAP `INFO` answer.
fn virtualize_bytes(e: Escape, st: &GpuState) {
    let (limit, used) = limit_and_usage(st);
    let t_at = offset_of!(rm::Nvos32FreeParameters, total);
    let f_at = offset_of!(rm::Nvos32FreeParameters, free);
    if let (Ok(t), Ok(f)) = (user::read_u64(e.params, t_at), user::read_u64(e.params, f_at)) {
        let _ = user::write_u64(e.params, t_at, capacity::total(t, limit, 1));
        let _ = user::write_u64(e.params, f_at, capacity::free(f, limit, used, 1));
    }
}

// ---------------------------------------------------------------- RM_DUP_OBJECT

fn dup(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(p) = user::read::<rm::Nvos55Parameters>(e.params) else {
        return call.forward();
    };
    let ret = call.forward();
    if rm_ok(ret, e, offset_of!(rm::Nvos55Parameters, status)) {
        let class = s.tracker.class_of(p.h_client_src, p.h_object_src);
        let charge = s.tracker.charge_of(p.h_client_src, p.h_object_src);
        if let (Some(class), Ok(handle)) = (class, user::read_u32(e.params, offset_of!(rm::Nvos55Parameters, h_object))) {
            if s.tracker.object_created(p.h_client, handle, p.h_parent, class, None, charge).is_err() {
                pr_warn!("vgpu: out of memory tracking a duplicated object\n");
            }
        }
    }
    ret
}

// ---------------------------------------------------------------- RM_CONTROL

fn control(s: &State, call: &Call, e: Escape) -> c_long {
    let Ok(p) = user::read::<rm::Nvos54Parameters>(e.params) else {
        return call.forward();
    };
    if p.cmd == ctrl::NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN
        && p.params_size as usize == ctrl::NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS_SIZE
    {
        let ret = call.forward();
        if rm_ok(ret, e, offset_of!(rm::Nvos54Parameters, status)) {
            if let Ok(token) = user::read_u32(p.params, 0) {
                s.submit.set_token(p.h_client, p.h_object, token);
            }
        }
        return ret;
    }
    let v2 = p.cmd == ctrl::NV2080_CTRL_CMD_FB_GET_INFO_V2 && p.params_size as usize == ctrl::NV2080_CTRL_FB_GET_INFO_V2_PARAMS_SIZE;
    let v1 = p.cmd == ctrl::NV2080_CTRL_CMD_FB_GET_INFO && p.params_size as usize == ctrl::NV2080_CTRL_FB_GET_INFO_PARAMS_SIZE;
    if !v1 && !v2 {
        return call.forward();
    }
    let ret = call.forward();
    if !rm_ok(ret, e, offset_of!(rm::Nvos54Parameters, status)) {
        return ret;
    }
    if let Some(st) = limited_state(s, p.h_client, p.h_object) {
        let (limit, used) = limit_and_usage(&st);
        if v2 {
            if let Ok(mut info) = user::read::<ctrl::Nv2080CtrlFbGetInfoV2Params>(p.params) {
                let n = (info.fb_info_list_size as usize).min(info.fb_info_list.len());
                for item in info.fb_info_list[..n].iter_mut() {
                    fb_info(item, limit, used);
                }
                let _ = user::write(p.params, &info);
            }
        } else if let Ok(list) = user::read::<ctrl::Nv2080CtrlFbGetInfoParams>(p.params) {
            let n = (list.fb_info_list_size as usize).min(ctrl::NV2080_CTRL_FB_INFO_MAX_LIST_SIZE);
            for i in 0..n {
                let at = list.fb_info_list.wrapping_add((i * size_of::<ctrl::NvxxxxCtrlXxxInfo>()) as u64);
                if let Ok(mut item) = user::read::<ctrl::NvxxxxCtrlXxxInfo>(at) {
                    fb_info(&mut item, limit, used);
                    let _ = user::write(at, &item);
                }
            }
        }
    }
    ret
}

/// One FB info entry as a tenant with `limit` (bytes, `used` charged) sees it.
fn fb_info(item: &mut ctrl::NvxxxxCtrlXxxInfo, limit: u64, used: u64) {
    let v = u64::from(item.data);
    let new = match item.index {
        ctrl::NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE
        | ctrl::NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE
        | ctrl::NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE
        | ctrl::NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE
        | ctrl::NV2080_CTRL_FB_INFO_INDEX_MAPPABLE_HEAP_SIZE => capacity::total(v, limit, 1024),
        ctrl::NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE | ctrl::NV2080_CTRL_FB_INFO_INDEX_LARGEST_FREE_REGION_SIZE_KB => {
            capacity::free(v, limit, used, 1024)
        }
        _ => return,
    };
    item.data = new as u32;
}

/// The caller's state on the GPU of `(client, object)`, if the caller's
/// cgroup (or an ancestor) has a limit there.
fn limited_state(s: &State, client: u32, object: u32) -> Option<Arc<GpuState>> {
    let gpu = s.tracker.gpu_of(client, object)?;
    let st = s.quotas.current_if_limited(gpu)?;
    (st.effective_max() != UNLIMITED).then_some(st)
}

/// (effective limit, usage such that limit − usage is the room left).
fn limit_and_usage(st: &GpuState) -> (u64, u64) {
    let limit = st.effective_max();
    (limit, limit.saturating_sub(st.headroom()))
}
