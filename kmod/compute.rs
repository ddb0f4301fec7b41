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

use core::fmt::Write;
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{new_condvar, new_mutex, Arc, CondVar, Mutex};

use crate::abi::netlink::LIMIT_MAX;
use crate::ffi::{self, hook_id};
use crate::policy::compute::{Arbiter, Config, Settings, Tenant, Work};
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
    /// Times a tenant's mappings were revoked (each tenant counted once).
    revocations: AtomicU64,
    /// Faults that had to wait for the GPU.
    waits: AtomicU64,
    /// Ticks, and the time they took in total (ns): the arbiter's cost.
    ticks: AtomicU64,
    tick_ns: AtomicU64,
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
                    Gate { arb: Arbiter::new(config()), tenants: KVec::new(), reported: KVec::new(), stopping: false },
                    "vgpu_compute_gate"
                ),
                granted <- new_condvar!("vgpu_compute_granted"),
                thread: AtomicPtr::new(core::ptr::null_mut()),
                revocations: AtomicU64::new(0),
                waits: AtomicU64::new(0),
                ticks: AtomicU64::new(0),
                tick_ns: AtomicU64::new(0),
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
    ///
    /// A revoked tenant waits here for the GPU. Where the fault allows it
    /// (`FAULT_FLAG_ALLOW_RETRY`, as for every user access) it waits
    /// without the mmap lock — like a fault on a locked page cache folio —
    /// and returns `VM_FAULT_RETRY`, so its process's other threads can
    /// still map, unmap and exit while it waits.
    pub(crate) fn fault(&self, s: &State, vmf: *mut bindings::vm_fault) -> c_uint {
        let orig = || {
            // SAFETY: The driver's own fault argument, to its own handler,
            // with the fault's lock still held (checked by every caller).
            unsafe { ffi::vgpu_orig_fault(vmf.cast()) }
        };
        // SAFETY: `vmf` is the fault being handled; its vma and file are live.
        let file = unsafe { ffi::vgpu_vmf_file(vmf.cast()) } as usize;
        let Some((gpu, _)) = s.submit.file_tenant(file) else {
            return orig();
        };
        let Some(a) = self.get(gpu) else {
            return orig();
        };
        // SAFETY: Reads the fault's flags.
        let mode = unsafe { ffi::vgpu_fault_retry_mode(vmf.cast()) };
        // SAFETY: Returns a constant.
        let retry = unsafe { ffi::vgpu_vm_fault_retry() };
        // Once the fault's lock is dropped, `vmf`'s vma may be gone: only
        // `file` as a key (never dereferenced) and `a` (our own) are used.
        let mut dropped = false;
        let mut counted = false;
        let mut g = a.gate.lock();
        loop {
            // The process may have moved to another cgroup while it waited.
            let Some((_, tenant)) = s.submit.file_tenant(file) else {
                return if dropped { retry } else { orig() };
            };
            if g.stopping || g.arb.may_submit(tenant) {
                // Frames go back under the gate: no revocation in between.
                // A fault that waited unlocked is retried to insert them.
                return if dropped { retry } else { orig() };
            }
            match g.tenants.iter_mut().find(|t| t.id == tenant) {
                Some(t) => t.waiting = true,
                None => {
                    let mut t = Tenant::new(tenant, settings_of(s, tenant, gpu));
                    t.waiting = true;
                    if g.tenants.push(t, GFP_KERNEL).is_err() {
                        return if dropped { retry } else { orig() };
                    }
                }
            }
            if !counted {
                a.waits.fetch_add(1, Ordering::Relaxed);
                counted = true;
            }
            a.wake();
            if mode == 1 {
                // May not sleep: the caller retries later (with the lock).
                return retry;
            }
            if mode == 2 && !dropped {
                // SAFETY: The fault allows its lock to be dropped before a
                // VM_FAULT_RETRY, which is what this fault now returns.
                unsafe { ffi::vgpu_fault_release_lock(vmf.cast()) };
                dropped = true;
            }
            if a.granted.wait_interruptible(&mut g) {
                // A signal: let it be delivered; the access faults again.
                // SAFETY: Returns a constant.
                return if dropped { retry } else { unsafe { ffi::vgpu_vm_fault_nopage() } };
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
        if s.submit.tenants(self.gpu, &mut present).is_err() || s.submit.observe(self.gpu, &mut pend).is_err() {
            return 1_000_000;
        }
        // SAFETY: Reads the monotonic clock.
        let now = unsafe { ffi::vgpu_now_ns() };
        let mut g = self.gate.lock();
        if g.stopping {
            return 0;
        }
        let Gate { arb, tenants, reported, .. } = &mut *g;
        // Tenants come and go with their mappings (a waiter's process has
        // its file, so it is present; a stale waiter moved away).
        // A waiter whose tenant vanished (it moved to another cgroup) must
        // look again: nothing else would wake it.
        let stale_waiter = tenants.iter().any(|t| t.waiting && !present.contains(&t.id));
        tenants.retain(|t| present.contains(&t.id));
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
        let d = arb.tick(now, tenants, |id| match pend.iter().find(|(t, _, _)| *t == id) {
            Some((_, pending, progress)) => Work { pending: *pending, progress: *progress },
            None => Work::idle(0),
        });
        // Revoke, then ring for what the revoked tenants queued but may not
        // have rung: their queued work must drain, not hang.
        if d.revoke_all {
            s.submit.revoke(self.gpu, None, false, None);
            s.submit.kick(self.gpu, None);
            self.revocations.fetch_add(tenants.len() as u64, Ordering::Relaxed);
        } else if let Some(id) = d.revoke {
            s.submit.revoke(self.gpu, Some(id), false, None);
            s.submit.kick(self.gpu, Some(id));
            self.revocations.fetch_add(1, Ordering::Relaxed);
        }
        // Newcomers while engaged: revoke all but the holder's.
        if arb.engaged() {
            s.submit.revoke(self.gpu, None, true, arb.holder());
        } else {
            s.submit.clear_fresh(self.gpu);
        }
        if d.grant.is_some() || d.release_all || stale_waiter {
            self.granted.notify_all();
        }
        report(s, self.gpu, tenants, reported);
        d.next_tick_ns
    }
}

impl Compute {
    /// One paragraph per GPU for `/sys/kernel/debug/vgpu/arbiters`.
    fn describe(&self, out: &mut KVec<u8>) -> core::fmt::Result {
        let gpus = self.gpus.lock();
        let mut w = VecWriter(out);
        for a in gpus.iter() {
            let g = a.gate.lock();
            writeln!(
                w,
                "gpu {} engaged {} holder {} switches {} revocations {} waits {} ticks {} tick_ns {}",
                a.gpu,
                u8::from(g.arb.engaged()),
                g.arb.holder().map_or(-1, |h| h as i64),
                g.arb.switches,
                a.revocations.load(Ordering::Relaxed),
                a.waits.load(Ordering::Relaxed),
                a.ticks.load(Ordering::Relaxed),
                a.tick_ns.load(Ordering::Relaxed)
            )?;
            for t in g.tenants.iter() {
                writeln!(
                    w,
                    "  tenant {} weight {} quota_ns {} period_ns {} waiting {} eligible {} usage_ns {} throttled_ns {} nr_throttled {}",
                    t.id,
                    t.settings.weight,
                    t.settings.quota_ns.map_or(-1, |q| q as i64),
                    t.settings.period_ns,
                    u8::from(t.waiting),
                    u8::from(t.eligible()),
                    t.usage_ns,
                    t.throttled_ns,
                    t.nr_throttled
                )?;
            }
        }
        Ok(())
    }
}

/// `fmt::Write` into a growable byte vector (debugfs text).
struct VecWriter<'a>(&'a mut KVec<u8>);

impl Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.extend_from_slice(s.as_bytes(), GFP_KERNEL).map_err(|_| core::fmt::Error)
    }
}

/// `/sys/kernel/debug/vgpu/arbiters` (called by `glue/debugfs.c`).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_debugfs_arbiters(m: *mut c_void) -> c_int {
    let Some(s) = crate::state::get() else {
        return 0;
    };
    let mut text = KVec::new();
    if s.compute.describe(&mut text).is_err() {
        return ENOMEM.to_errno();
    }
    // SAFETY: `m` is the seq_file of the running show; `text` is valid.
    unsafe { ffi::vgpu_seq_write(m, text.as_ptr().cast(), text.len()) };
    0
}

/// The arbiters' timing, with the module parameter's tick.
fn config() -> Config {
    let tick_us = u64::from(crate::module_parameters::compute_tick_us.value()).clamp(50, 10_000);
    Config { tick_ns: tick_us * 1000, ..Config::default() }
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
        // SAFETY: Reads the monotonic clock.
        let start = unsafe { ffi::vgpu_now_ns() };
        let sleep = match crate::state::get() {
            Some(s) => a.tick(s),
            None => 10_000_000,
        };
        // SAFETY: As above.
        let took = unsafe { ffi::vgpu_now_ns() }.saturating_sub(start);
        a.ticks.fetch_add(1, Ordering::Relaxed);
        a.tick_ns.fetch_add(took, Ordering::Relaxed);
        // SAFETY: Sleeps interruptibly; a wake-up or stop request ends it.
        unsafe { ffi::vgpu_thread_sleep_ns(sleep.max(50_000)) };
    }
    0
}
