//! Channel-time quotas: one arbiter per GPU, driving the pure policy of
//! `policy/compute.rs` with real time, real USERD observations, real
//! revocations and real waits.
//!
//! - A kernel thread per GPU ticks the policy: it collects the tenants
//!   (cgroups of the processes with submission mappings or channels on the
//!   GPU, `submit.rs`), their settings (`quota.rs`), whether each has work
//!   pending (GPGet != GPPut in USERD, read through vgpu's own mapping),
//!   and carries out the decision: revoke a tenant's mappings, or wake it.
//! - The driver's fault handler is redirected to [`fault`]: a tenant that
//!   writes its doorbell or USERD while revoked waits there (interruptibly,
//!   so it dies promptly on SIGKILL) until the policy grants it the GPU;
//!   then the driver's own handler re-inserts the frames.
//! - Deciding and revoking happen under the GPU's `gate` lock, which a
//!   fault holds from its check until the driver re-inserted the frames, so
//!   a mapping never comes back to a tenant that was just revoked.
//! - Usage is charged to the tenant's cgroup and every ancestor
//!   (`compute.stat`); caps and weights are the tenant's own settings.

use core::sync::atomic::{AtomicPtr, Ordering};

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};

use crate::abi::netlink::LIMIT_MAX;
use crate::ffi::{self, hook_id};
use crate::policy::compute::{Arbiter, Config, Settings, Tenant};
use crate::state::State;

/// What one GPU's arbiter keeps under its gate.
struct Gate {
    arb: Arbiter,
    tenants: KVec<Tenant>,
    /// Per tenant: usage, throttled time and throttle count already added
    /// to `compute.stat`.
    reported: KVec<(u64, u64, u64, u64)>,
    stopping: bool,
}

/// The arbiter of one GPU.
#[pin_data]
pub(crate) struct GpuArbiter {
    gpu: u32,
    #[pin]
    gate: Mutex<Gate>,
    #[pin]
    granted: CondVar,
    thread: AtomicPtr<ffi::Task>,
}

/// Every GPU's arbiter.
#[pin_data]
pub(crate) struct Compute {
    #[pin]
    gpus: Mutex<KVec<Arc<GpuArbiter>>>,
}

impl Compute {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self { gpus <- new_mutex!(KVec::new(), "vgpu_compute") })
    }

    fn get(&self, gpu: u32) -> Option<Arc<GpuArbiter>> {
        self.gpus.lock().iter().find(|a| a.gpu == gpu).cloned()
    }

    /// The arbiter of `gpu`, started on first use.
    pub(crate) fn ensure(&self, gpu: u32) -> Result<Arc<GpuArbiter>> {
        let mut gpus = self.gpus.lock();
        if let Some(a) = gpus.iter().find(|a| a.gpu == gpu) {
            return Ok(a.clone());
        }
        let a = Arc::pin_init(
            pin_init!(GpuArbiter {
                gpu,
                gate <- new_mutex!(
                    Gate { arb: Arbiter::new(Config::default()), tenants: KVec::new(), reported: KVec::new(), stopping: false },
                    "vgpu_compute_gate"
                ),
                granted <- new_condvar!("vgpu_compute_granted"),
                thread: AtomicPtr::new(core::ptr::null_mut()),
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: The thread gets a pointer to the arbiter, which outlives
        // it: `shutdown` stops the thread before the last `Arc` can go.
        let t = unsafe { ffi::vgpu_thread_start(arbiter_thread, Arc::as_ptr(&a).cast_mut().cast(), gpu) };
        if t.is_null() {
            return Err(ENOMEM);
        }
        a.thread.store(t, Ordering::Release);
        gpus.push(a.clone(), GFP_KERNEL)?;
        Ok(a)
    }

    /// Stops every arbiter and lets every waiter go (on detach).
    pub(crate) fn shutdown(&self) {
        let gpus = core::mem::take(&mut *self.gpus.lock());
        for a in gpus.iter() {
            a.gate.lock().stopping = true;
            a.granted.notify_all();
            let t = a.thread.swap(core::ptr::null_mut(), Ordering::AcqRel);
            if !t.is_null() {
                // SAFETY: `t` is the running arbiter thread; this waits for it.
                unsafe { ffi::vgpu_thread_stop(t) };
            }
        }
    }

    /// A fault on a driver mapping (from `hooks.rs`).
    pub(crate) fn fault(&self, s: &State, vmf: *mut bindings::vm_fault) -> c_uint {
        let orig = || {
            // SAFETY: The driver's own fault argument, to its own handler.
            unsafe { ffi::vgpu_orig_fault(vmf.cast()) }
        };
        // SAFETY: `vmf` is the fault being handled; its vma and file are live.
        let file = unsafe { ffi::vgpu_vmf_file(vmf.cast()) } as usize;
        let Some((gpu, tenant)) = s.submit.file_tenant(file) else {
            return orig();
        };
        let Some(a) = self.get(gpu) else {
            return orig();
        };
        let mut g = a.gate.lock();
        loop {
            if g.stopping || g.arb.may_submit(tenant) {
                // Frames go back under the gate: no revocation in between.
                return orig();
            }
            match g.tenants.iter_mut().find(|t| t.id == tenant) {
                Some(t) => t.waiting = true,
                None => {
                    let mut t = Tenant::new(tenant, settings_of(s, tenant, gpu));
                    t.waiting = true;
                    if g.tenants.push(t, GFP_KERNEL).is_err() {
                        return orig();
                    }
                }
            }
            a.wake();
            if a.granted.wait_interruptible(&mut g) {
                // A signal: let it be delivered; the access faults again.
                // SAFETY: Returns a constant.
                return unsafe { ffi::vgpu_vm_fault_nopage() };
            }
        }
    }

    /// A driver file was mmapped (from `hooks.rs`): learn the driver's fault
    /// handler, and start the GPU's arbiter if it carries submissions.
    pub(crate) fn mmapped(&self, s: &State, file: usize, vma: *mut bindings::vm_area_struct) {
        // SAFETY: Reads the vma's vm_ops, which the driver just set.
        let fault = unsafe { ffi::vgpu_vma_fault_fn(vma.cast()) };
        // SAFETY: `fault` is the driver's handler; hooked later from a work item.
        if fault != 0 && !unsafe { ffi::vgpu_hook_installed(hook_id::FAULT) } {
            unsafe { ffi::vgpu_hook_fault_async(fault) };
        }
        if let Some(gpu) = s.submit.mmapped(file, vma) {
            match self.ensure(gpu) {
                Ok(a) => a.wake(),
                Err(_) => pr_warn!("vgpu: cannot start the compute arbiter of gpu{}\n", gpu),
            }
        }
    }
}

impl GpuArbiter {
    fn wake(&self) {
        let t = self.thread.load(Ordering::Acquire);
        if !t.is_null() {
            // SAFETY: The thread runs until `shutdown` clears the pointer.
            unsafe { ffi::vgpu_thread_wake(t) };
        }
    }

    /// One tick; returns how long to sleep.
    fn tick(&self, s: &State) -> u64 {
        // SAFETY: Whether the driver's fault handler is redirected yet.
        if !unsafe { ffi::vgpu_hook_installed(hook_id::FAULT) } {
            // Without it a revoked tenant would get SIGBUS: wait for it.
            return 1_000_000;
        }
        let mut present = KVec::new();
        let mut pend = KVec::new();
        if s.submit.tenants(self.gpu, &mut present).is_err() || s.submit.pending(self.gpu, &mut pend).is_err() {
            return 1_000_000;
        }
        // SAFETY: Reads the monotonic clock.
        let now = unsafe { ffi::vgpu_now_ns() };
        let mut g = self.gate.lock();
        if g.stopping {
            return 0;
        }
        let Gate { arb, tenants, reported, .. } = &mut *g;
        // Tenants come and go with their mappings; a waiter stays.
        tenants.retain(|t| present.contains(&t.id) || t.waiting);
        for id in present.iter() {
            if !tenants.iter().any(|t| t.id == *id) {
                let t = Tenant::new(*id, settings_of(s, *id, self.gpu));
                let _ = tenants.push(t, GFP_KERNEL);
            }
        }
        for t in tenants.iter_mut() {
            let want = settings_of(s, t.id, self.gpu);
            if want != t.settings {
                t.set(want, now);
            }
        }
        let d = arb.tick(now, tenants, |id| pend.iter().any(|(t, p)| *t == id && *p));
        if d.revoke_all {
            s.submit.revoke(self.gpu, None, false, None);
        } else if let Some(id) = d.revoke {
            s.submit.revoke(self.gpu, Some(id), false, None);
        }
        // Newcomers while engaged: revoke all but the holder's.
        if arb.engaged() {
            s.submit.revoke(self.gpu, None, true, arb.holder());
        } else {
            s.submit.clear_fresh(self.gpu);
        }
        if d.grant.is_some() || d.release_all {
            self.granted.notify_all();
        }
        report(s, self.gpu, tenants, reported);
        d.next_tick_ns
    }
}

/// The settings of `tenant` on `gpu` from the quota registry.
fn settings_of(s: &State, tenant: u64, gpu: u32) -> Settings {
    let Some(st) = s.quotas.for_cgroup(tenant, gpu) else {
        return Settings::default();
    };
    let (q, p) = st.compute_max();
    Settings {
        weight: st.compute_weight(),
        quota_ns: (q != LIMIT_MAX).then(|| q.saturating_mul(1000)),
        period_ns: p.saturating_mul(1000),
    }
}

/// Adds what the tenants used since the last report to `compute.stat` of
/// their cgroups and every ancestor.
fn report(s: &State, gpu: u32, tenants: &[Tenant], reported: &mut KVec<(u64, u64, u64, u64)>) {
    reported.retain(|r| tenants.iter().any(|t| t.id == r.0));
    for t in tenants {
        let idx = match reported.iter().position(|r| r.0 == t.id) {
            Some(i) => i,
            None => {
                if reported.push((t.id, 0, 0, 0), GFP_KERNEL).is_err() {
                    continue;
                }
                reported.len() - 1
            }
        };
        let r = &mut reported[idx];
        let (du, dt, dn) = (
            t.usage_ns.saturating_sub(r.1),
            t.throttled_ns.saturating_sub(r.2),
            t.nr_throttled.saturating_sub(r.3),
        );
        if du == 0 && dt == 0 && dn == 0 {
            continue;
        }
        *r = (t.id, t.usage_ns, t.throttled_ns, t.nr_throttled);
        if let Some(st) = s.quotas.for_cgroup(t.id, gpu) {
            for lvl in st.levels() {
                lvl.compute.usage_ns.fetch_add(du, Ordering::Relaxed);
                lvl.compute.throttled_ns.fetch_add(dt, Ordering::Relaxed);
                lvl.compute.nr_throttled.fetch_add(dn, Ordering::Relaxed);
            }
        }
    }
}

/// The body of a GPU's arbiter thread.
///
/// # Safety
///
/// `arg` must point to a `GpuArbiter` that outlives the thread.
unsafe extern "C" fn arbiter_thread(arg: *mut c_void) -> c_int {
    // SAFETY: See above: `Compute::shutdown` stops us before freeing it.
    let a = unsafe { &*arg.cast::<GpuArbiter>() };
    // SAFETY: Plain query.
    while !unsafe { ffi::vgpu_thread_should_stop() } {
        let sleep = match crate::state::get() {
            Some(s) => a.tick(s),
            None => 10_000_000,
        };
        // SAFETY: Sleeps interruptibly; a wake-up or stop request ends it.
        unsafe { ffi::vgpu_thread_sleep_ns(sleep.max(50_000)) };
    }
    0
}
