//! The `vgpu` generic netlink family: message helpers and handlers.
//!
//! The family, its operations and strict per-operation policies are static
//! tables in `glue/genl.c` (which also checks `CAP_SYS_ADMIN` for changes);
//! the handlers here decide what to do and answer. ABI: `uapi/src/netlink.rs`.

use core::ptr::NonNull;
use core::sync::atomic::Ordering;

use kernel::bindings;
use kernel::prelude::*;
use kernel::str::CString;

use crate::abi::netlink::{
    attr, cmd, ABI_VERSION, COMPUTE_PERIOD_DEFAULT_US, COMPUTE_WEIGHT_DEFAULT, GPU_ALL, GPU_MINOR_MAX, LIMIT_MAX,
};
use crate::ffi;
use crate::quota::{Cgroup, Changes, Denial, Listed, SET_COMPUTE_MAX, SET_COMPUTE_WEIGHT, SET_MEMORY_MAX};

/// The registered family; unregistered on drop.
pub(crate) struct Family(());

impl Family {
    /// Registers the family with generic netlink.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: Called once from module init; the family is static.
        kernel::error::to_result(unsafe { ffi::vgpu_genl_register() })?;
        Ok(Family(()))
    }
}

impl Drop for Family {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`; unregistering waits for running
        // handlers to return, so no handler runs after module exit.
        unsafe { ffi::vgpu_genl_unregister() };
    }
}

/// A request being handled (`struct genl_info`).
pub(crate) struct Request {
    info: *mut ffi::GenlInfo,
}

impl Request {
    /// # Safety
    ///
    /// `info` must be the valid `genl_info` of the running handler.
    unsafe fn from_raw(info: *mut bindings::genl_info) -> Self {
        Self { info: info.cast() }
    }

    /// A u32 attribute, if present.
    fn u32(&self, a: u16) -> Option<u32> {
        let mut v = 0;
        // SAFETY: `info` is valid (type invariant); the policy checked the type.
        (unsafe { ffi::vgpu_nla_get_u32(self.info, a.into(), &mut v) } == 0).then_some(v)
    }

    /// A u64 attribute, if present.
    fn u64(&self, a: u16) -> Option<u64> {
        let mut v = 0;
        // SAFETY: as in `u32`.
        (unsafe { ffi::vgpu_nla_get_u64(self.info, a.into(), &mut v) } == 0).then_some(v)
    }

    /// Fails with `EINVAL` (naming the attribute in extack) when absent.
    fn require(&self, a: u16) -> Result {
        // SAFETY: `info` is valid (type invariant).
        if unsafe { ffi::vgpu_genl_require(self.info, a.into()) } {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }

    /// Fails with `err`, attaching a human-readable reason to the reply.
    fn fail(&self, err: Error, msg: &'static CStr) -> Error {
        // SAFETY: `info` is valid; `msg` lives forever, as extack requires.
        unsafe { ffi::vgpu_genl_set_err(self.info, msg.as_char_ptr()) };
        err
    }
}

/// Puts attributes into a message buffer (owned by a [`Msg`] or by a dump).
struct Writer {
    skb: NonNull<bindings::sk_buff>,
}

impl Writer {
    fn u32(&mut self, a: u16, v: u32) -> Result {
        // SAFETY: `skb` is a live message buffer we may write.
        kernel::error::to_result(unsafe { ffi::vgpu_nla_put_u32(self.skb.as_ptr(), a.into(), v) })
    }

    fn u64(&mut self, a: u16, v: u64) -> Result {
        // SAFETY: as in `u32`.
        kernel::error::to_result(unsafe { ffi::vgpu_nla_put_u64(self.skb.as_ptr(), a.into(), v) })
    }

    fn string(&mut self, a: u16, s: &CStr) -> Result {
        // SAFETY: as in `u32`; `s` is NUL-terminated.
        kernel::error::to_result(unsafe {
            ffi::vgpu_nla_put_string(self.skb.as_ptr(), a.into(), s.as_char_ptr())
        })
    }

    /// The cgroup's path, or nothing if it cannot be had.
    fn cgroup_path(&mut self, c: &Cgroup) -> Result {
        let mut buf = [0u8; 256];
        if let Ok(n) = c.cg.path(&mut buf[..255]) {
            if let Ok(s) = CStr::from_bytes_with_nul(&buf[..=n]) {
                return self.string(attr::CGROUP_PATH, s);
            }
        }
        Ok(())
    }
}

/// A message we allocated. Freed on drop unless sent.
struct Msg {
    w: Writer,
    hdr: *mut c_void,
}

impl Msg {
    fn alloc() -> Result<NonNull<bindings::sk_buff>> {
        // SAFETY: Plain allocation.
        NonNull::new(unsafe { ffi::vgpu_genl_new() }).ok_or(ENOMEM)
    }

    /// A reply to `req` carrying command `cmd`.
    fn reply(req: &Request, cmd: u8) -> Result<Self> {
        let skb = Self::alloc()?;
        // SAFETY: `skb` is fresh and ours; `req.info` is valid.
        let hdr = unsafe { ffi::vgpu_genl_put_reply(skb.as_ptr(), req.info, cmd) };
        let msg = Msg { w: Writer { skb }, hdr };
        if hdr.is_null() {
            return Err(EMSGSIZE);
        }
        Ok(msg)
    }

    /// A notification carrying command `cmd`.
    fn event(cmd: u8) -> Result<Self> {
        let skb = Self::alloc()?;
        // SAFETY: `skb` is fresh and ours.
        let hdr = unsafe { ffi::vgpu_genl_put_event(skb.as_ptr(), cmd) };
        let msg = Msg { w: Writer { skb }, hdr };
        if hdr.is_null() {
            return Err(EMSGSIZE);
        }
        Ok(msg)
    }

    /// Finishes the message and sends it as the reply to `req`.
    fn send_reply(self, req: &Request) -> Result {
        let me = core::mem::ManuallyDrop::new(self);
        let skb = me.w.skb.as_ptr();
        // SAFETY: `hdr` was put into `skb`; genlmsg_reply consumes `skb`
        // whatever it returns, and `me` is not dropped, so it is freed once.
        unsafe {
            ffi::vgpu_genl_end(skb, me.hdr);
            kernel::error::to_result(ffi::vgpu_genl_reply(skb, req.info))
        }
    }

    /// Finishes the message and multicasts it on the `events` group.
    fn multicast(self) -> Result {
        let me = core::mem::ManuallyDrop::new(self);
        let skb = me.w.skb.as_ptr();
        // SAFETY: As in `send_reply`: multicasting consumes `skb`.
        unsafe {
            ffi::vgpu_genl_end(skb, me.hdr);
            kernel::error::to_result(ffi::vgpu_genl_multicast_event(skb))
        }
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: The message was never sent, so we still own `skb`.
        unsafe { ffi::vgpu_genl_free(self.w.skb.as_ptr()) };
    }
}

fn errno(r: Result) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

fn state() -> Result<&'static crate::state::State> {
    crate::state::get().ok_or(ENODEV)
}

// ---------------------------------------------------------------- get-status

fn get_status(req: &Request) -> Result {
    let mut msg = Msg::reply(req, cmd::GET_STATUS)?;
    let version = CString::try_from_fmt(fmt!("{}", crate::abi::version::VERSION))?;
    msg.w.string(attr::VERSION, &version)?;
    msg.w.u32(attr::ABI_VERSION, ABI_VERSION)?;
    let s = state()?;
    s.quotas.collect_removed();
    if let Some(d) = s.driver_name() {
        msg.w.string(attr::DRIVER, d)?;
    }
    msg.w.u32(attr::NR_CGROUPS, s.quotas.nr_cgroups())?;
    msg.send_reply(req)
}

/// `get-status` (called by `glue/genl.c`).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_get_status(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> c_int {
    // SAFETY: generic netlink passes the valid info of this request.
    let req = unsafe { Request::from_raw(info) };
    errno(get_status(&req))
}

// ---------------------------------------------------------------- quotas

/// The (cgroup, GPU) key of a request; `None` GPU means all GPUs.
fn key(req: &Request) -> Result<(u64, Option<u32>)> {
    req.require(attr::CGROUP_ID)?;
    req.require(attr::GPU)?;
    let cg = req.u64(attr::CGROUP_ID).ok_or(EINVAL)?;
    match req.u32(attr::GPU).ok_or(EINVAL)? {
        GPU_ALL => Ok((cg, None)),
        g if g <= GPU_MINOR_MAX => Ok((cg, Some(g))),
        _ => Err(req.fail(EINVAL, c"gpu must be a minor number 0..247 or the all-GPUs value")),
    }
}

fn no_cgroup(req: &Request, e: Error) -> Error {
    if e == ENOENT {
        req.fail(e, c"no such cgroup (is it a cgroup v2 directory that still exists?)")
    } else {
        e
    }
}

fn set_quota(req: &Request) -> Result {
    let (cg, gpu) = key(req)?;
    let quota = req.u64(attr::COMPUTE_QUOTA_US);
    let period = req.u64(attr::COMPUTE_PERIOD_US);
    if period.is_some() && quota.is_none() {
        return Err(req.fail(EINVAL, c"a compute period needs a compute quota"));
    }
    let changes = Changes {
        memory_max: req.u64(attr::MEMORY_MAX),
        compute_max: quota.map(|q| (q, period.unwrap_or(COMPUTE_PERIOD_DEFAULT_US))),
        // The policy checked the range.
        compute_weight: req.u32(attr::COMPUTE_WEIGHT),
    };
    if let Some((q, p)) = changes.compute_max {
        if q != LIMIT_MAX && (q == 0 || q > p) {
            return Err(req.fail(EINVAL, c"compute quota must be 1..=period microseconds, or max"));
        }
    }
    if changes.memory_max.is_none() && changes.compute_max.is_none() && changes.compute_weight.is_none() {
        return Err(req.fail(EINVAL, c"nothing to set: give a memory limit, a compute max or a compute weight"));
    }
    state()?.quotas.set(cg, gpu, &changes).map_err(|e| no_cgroup(req, e))
}

fn del_quota(req: &Request) -> Result {
    let (cg, gpu) = key(req)?;
    let s = state()?;
    s.quotas.clear(cg, gpu).map_err(|e| no_cgroup(req, e))?;
    s.quotas.collect_removed();
    Ok(())
}

/// Writes the attributes of one listed entry.
fn put_entry(w: &mut Writer, l: &Listed) -> Result {
    w.u64(attr::CGROUP_ID, l.cgroup.id)?;
    w.cgroup_path(&l.cgroup)?;
    match &l.gpu {
        None => {
            w.u32(attr::GPU, GPU_ALL)?;
            let a = &l.cgroup.all;
            if a.has(SET_MEMORY_MAX) {
                w.u64(attr::MEMORY_MAX, a.memory_max.load(Ordering::Relaxed))?;
            }
            if a.has(SET_COMPUTE_MAX) {
                w.u64(attr::COMPUTE_QUOTA_US, a.compute_quota_us.load(Ordering::Relaxed))?;
                w.u64(attr::COMPUTE_PERIOD_US, a.compute_period_us.load(Ordering::Relaxed))?;
            }
            if a.has(SET_COMPUTE_WEIGHT) {
                w.u32(attr::COMPUTE_WEIGHT, a.compute_weight.load(Ordering::Relaxed))?;
            }
        }
        Some(g) => {
            w.u32(attr::GPU, g.gpu)?;
            w.u64(attr::MEMORY_MAX, g.memory.max())?;
            w.u64(attr::MEMORY_CURRENT, g.memory.usage())?;
            w.u64(attr::MEMORY_PEAK, g.memory.peak())?;
            w.u64(attr::MEMORY_EVENTS_MAX, g.events_max.load(Ordering::Relaxed))?;
            w.u64(attr::MEMORY_EFFECTIVE_MAX, g.effective_max())?;
            w.u64(attr::SYSMEM_CURRENT, g.sysmem.load(Ordering::Relaxed))?;
            let (q, p) = g.compute_max();
            w.u64(attr::COMPUTE_QUOTA_US, q)?;
            w.u64(attr::COMPUTE_PERIOD_US, p)?;
            w.u32(attr::COMPUTE_WEIGHT, g.compute_weight())?;
            w.u64(attr::COMPUTE_USAGE_US, g.compute.usage_ns.load(Ordering::Relaxed) / 1000)?;
            w.u64(attr::COMPUTE_THROTTLED_US, g.compute.throttled_ns.load(Ordering::Relaxed) / 1000)?;
            w.u64(attr::COMPUTE_NR_THROTTLED, g.compute.nr_throttled.load(Ordering::Relaxed))?;
        }
    }
    Ok(())
}

fn get_quota(req: &Request) -> Result {
    let (cg, gpu) = key(req)?;
    let s = state()?;
    let mut msg = Msg::reply(req, cmd::GET_QUOTA)?;
    let listed = match gpu {
        Some(g) => s.quotas.lookup(cg, g).map(|st| Listed { cgroup: st.cgroup.clone(), gpu: Some(st) }),
        None => s.quotas.lookup_cgroup(cg).map(|c| Listed { cgroup: c, gpu: None }),
    };
    match listed {
        Some(l) => put_entry(&mut msg.w, &l)?,
        None => {
            // A cgroup without state: no limit, nothing charged.
            if crate::cgroup::CgroupRef::from_id(cg).is_none() {
                return Err(no_cgroup(req, ENOENT));
            }
            msg.w.u64(attr::CGROUP_ID, cg)?;
            msg.w.u32(attr::GPU, gpu.unwrap_or(GPU_ALL))?;
            msg.w.u64(attr::MEMORY_MAX, LIMIT_MAX)?;
            if gpu.is_some() {
                for a in [attr::MEMORY_CURRENT, attr::MEMORY_PEAK, attr::MEMORY_EVENTS_MAX, attr::SYSMEM_CURRENT] {
                    msg.w.u64(a, 0)?;
                }
                msg.w.u64(attr::MEMORY_EFFECTIVE_MAX, LIMIT_MAX)?;
                msg.w.u64(attr::COMPUTE_QUOTA_US, LIMIT_MAX)?;
                msg.w.u64(attr::COMPUTE_PERIOD_US, COMPUTE_PERIOD_DEFAULT_US)?;
                msg.w.u32(attr::COMPUTE_WEIGHT, COMPUTE_WEIGHT_DEFAULT)?;
                for a in [attr::COMPUTE_USAGE_US, attr::COMPUTE_THROTTLED_US, attr::COMPUTE_NR_THROTTLED] {
                    msg.w.u64(a, 0)?;
                }
            }
        }
    }
    msg.send_reply(req)
}

fn dump_quota(skb: NonNull<bindings::sk_buff>, cb: *mut ffi::NetlinkCallback) -> Result<c_int> {
    let s = state()?;
    // SAFETY: `cb` is the dump's callback; `args` has 6 longs we own.
    let args = unsafe { core::slice::from_raw_parts_mut(ffi::vgpu_genl_cb_args(cb), 3) };
    let after = (args[0] != 0).then_some((args[1] as u64, args[2] as u32));
    if after.is_none() {
        // A listing starts: drop removed cgroups that hold nothing first.
        s.quotas.collect_removed();
    }
    let mut last = None;
    let mut res = Ok(());
    s.quotas.list_from(after, |k, l| {
        // SAFETY: `skb` is the dump buffer the core handed us.
        let hdr = unsafe { ffi::vgpu_genl_put_dump(skb.as_ptr(), cb, cmd::GET_QUOTA) };
        if hdr.is_null() {
            return false;
        }
        let mut w = Writer { skb };
        match put_entry(&mut w, &l) {
            Ok(()) => {
                // SAFETY: `hdr` was put into `skb` just above.
                unsafe { ffi::vgpu_genl_end(skb.as_ptr(), hdr) };
                last = Some(k);
                true
            }
            Err(e) => {
                // SAFETY: As above; drops the partial message.
                unsafe { ffi::vgpu_genl_cancel(skb.as_ptr(), hdr) };
                if e != EMSGSIZE {
                    res = Err(e);
                }
                false
            }
        }
    });
    res?;
    match last {
        Some((id, gpu)) => {
            args[0] = 1;
            args[1] = id as c_long;
            args[2] = gpu as c_long;
            // More may follow: the core calls again until we add nothing.
            // SAFETY: `skb` is valid.
            Ok(unsafe { ffi::vgpu_skb_len(skb.as_ptr()) } as c_int)
        }
        None => Ok(0),
    }
}

/// `set-quota` (called by `glue/genl.c` after its capability check).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_set_quota(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> c_int {
    // SAFETY: generic netlink passes the valid info of this request.
    errno(set_quota(&unsafe { Request::from_raw(info) }))
}

/// `del-quota` (called by `glue/genl.c` after its capability check).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_del_quota(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> c_int {
    // SAFETY: as above.
    errno(del_quota(&unsafe { Request::from_raw(info) }))
}

/// `get-quota` for one entry.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_get_quota(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> c_int {
    // SAFETY: as above.
    errno(get_quota(&unsafe { Request::from_raw(info) }))
}

/// `get-quota` dump of every entry.
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_dump_quota(skb: *mut bindings::sk_buff, cb: *mut ffi::NetlinkCallback) -> c_int {
    let Some(skb) = NonNull::new(skb) else {
        return EINVAL.to_errno();
    };
    match dump_quota(skb, cb) {
        Ok(n) => n,
        Err(e) => e.to_errno(),
    }
}

// ---------------------------------------------------------------- events

/// Tells `events` listeners that an allocation of `requested` bytes by the
/// calling task on `gpu` was denied.
pub(crate) fn notify_denial(cgroup: &Cgroup, gpu: u32, requested: u64, d: &Denial) {
    // SAFETY: No arguments; reads the family's listener state.
    if !unsafe { ffi::vgpu_genl_has_event_listeners() } {
        return;
    }
    let r = (|| -> Result {
        let mut msg = Msg::event(cmd::DENIAL)?;
        msg.w.u64(attr::CGROUP_ID, cgroup.id)?;
        msg.w.cgroup_path(cgroup)?;
        msg.w.u32(attr::GPU, gpu)?;
        msg.w.u32(attr::PID, kernel::current!().tgid() as u32)?;
        msg.w.u64(attr::REQUESTED, requested)?;
        msg.w.u64(attr::LIMIT, d.denied.limit)?;
        msg.w.u64(attr::USAGE, d.denied.usage)?;
        msg.w.u64(attr::LIMIT_CGROUP_ID, d.limit_cgroup)?;
        msg.multicast()
    })();
    // ESRCH: the last listener left meanwhile.
    if let Err(e) = r {
        if e != ESRCH {
            pr_warn!("vgpu: cannot report a denial: {:?}\n", e);
        }
    }
}
