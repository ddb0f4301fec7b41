//! Per-cgroup, per-GPU quota state: the hierarchy of page counters, the
//! limits, the denial counts, and the sysfs nodes that show them.
//!
//! Shape: the [`Registry`] maps cgroup ids to the cgroups vgpu holds state
//! for. Each [`GpuState`] is one (cgroup, GPU) pair and points at the same
//! GPU's state of the parent cgroup, so a charge walks leaf to root without
//! taking any lock (the counters are atomic; `policy::page_counter`). The
//! registry lock only guards the shape: finding or creating states and
//! changing settings. Nothing that runs under it sleeps on anything that
//! could need it, and sysfs reads take no lock at all.
//!
//! Lifetime: a [`Charge`] holds its `GpuState`, which holds its cgroup and
//! its parent's state. A removed (offline) cgroup leaves the registry once
//! its usage is zero; its state, and its sysfs directory, go when the last
//! charge goes.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::{new_mutex, Arc, Mutex, SetOnce};

use crate::abi::netlink::{COMPUTE_PERIOD_DEFAULT_US, COMPUTE_WEIGHT_DEFAULT};
use crate::cgroup::{self, CgroupRef};
use crate::policy::page_counter::{self, Denied, PageCounter, UNLIMITED};
use crate::sysfs::Node;

/// A cgroup vgpu holds state for.
pub(crate) struct Cgroup {
    // First, so the directory goes before what it shows.
    node: SetOnce<Node>,
    pub(crate) id: u64,
    pub(crate) cg: CgroupRef,
    pub(crate) parent: Option<Arc<Cgroup>>,
    /// The settings for every GPU without one of its own (`all/`): which
    /// are set (`SET_*` bits), and their values.
    pub(crate) all: Settings,
}

/// A setting is present (bits of [`Settings::mask`]).
pub(crate) const SET_MEMORY_MAX: u32 = 1;
/// `compute.max` is set.
pub(crate) const SET_COMPUTE_MAX: u32 = 2;
/// `compute.weight` is set.
pub(crate) const SET_COMPUTE_WEIGHT: u32 = 4;

/// A set of settings, each present or not. Written under the registry
/// lock, read locklessly.
pub(crate) struct Settings {
    pub(crate) mask: AtomicU32,
    pub(crate) memory_max: AtomicU64,
    pub(crate) compute_quota_us: AtomicU64,
    pub(crate) compute_period_us: AtomicU64,
    pub(crate) compute_weight: AtomicU32,
}

impl Settings {
    fn new() -> Self {
        Self {
            mask: AtomicU32::new(0),
            memory_max: AtomicU64::new(UNLIMITED),
            compute_quota_us: AtomicU64::new(UNLIMITED),
            compute_period_us: AtomicU64::new(COMPUTE_PERIOD_DEFAULT_US),
            compute_weight: AtomicU32::new(COMPUTE_WEIGHT_DEFAULT),
        }
    }

    pub(crate) fn has(&self, bit: u32) -> bool {
        self.mask.load(Ordering::Relaxed) & bit != 0
    }

    fn apply(&self, c: &Changes) {
        let mut mask = self.mask.load(Ordering::Relaxed);
        if let Some(m) = c.memory_max {
            self.memory_max.store(m, Ordering::Relaxed);
            mask |= SET_MEMORY_MAX;
        }
        if let Some((q, p)) = c.compute_max {
            self.compute_quota_us.store(q, Ordering::Relaxed);
            self.compute_period_us.store(p, Ordering::Relaxed);
            mask |= SET_COMPUTE_MAX;
        }
        if let Some(w) = c.compute_weight {
            self.compute_weight.store(w, Ordering::Relaxed);
            mask |= SET_COMPUTE_WEIGHT;
        }
        self.mask.store(mask, Ordering::Relaxed);
    }

    fn clear(&self) {
        self.mask.store(0, Ordering::Relaxed);
        self.memory_max.store(UNLIMITED, Ordering::Relaxed);
        self.compute_quota_us.store(UNLIMITED, Ordering::Relaxed);
        self.compute_period_us.store(COMPUTE_PERIOD_DEFAULT_US, Ordering::Relaxed);
        self.compute_weight.store(COMPUTE_WEIGHT_DEFAULT, Ordering::Relaxed);
    }
}

/// Settings to change; `None` leaves one as it is.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Changes {
    pub(crate) memory_max: Option<u64>,
    /// (quota µs or `UNLIMITED`, period µs).
    pub(crate) compute_max: Option<(u64, u64)>,
    pub(crate) compute_weight: Option<u32>,
}

/// Compute (channel-time) accounting of one (cgroup, GPU), like `cpu.stat`.
#[derive(Default)]
pub(crate) struct ComputeStat {
    pub(crate) usage_ns: AtomicU64,
    pub(crate) throttled_ns: AtomicU64,
    pub(crate) nr_throttled: AtomicU64,
}

/// One (cgroup, GPU) pair.
pub(crate) struct GpuState {
    node: SetOnce<Node>,
    pub(crate) gpu: u32,
    pub(crate) cgroup: Arc<Cgroup>,
    pub(crate) parent: Option<Arc<GpuState>>,
    /// GPU memory (vidmem) charged, with its limit (`memory.max`) and peak.
    pub(crate) memory: PageCounter,
    /// The settings made for this GPU (else the cgroup's `all` apply).
    pub(crate) own: Settings,
    /// Channel-time accounting, written by the arbiter (`compute.rs`).
    pub(crate) compute: ComputeStat,
    /// Allocations denied here or below by this level's limit or an
    /// ancestor's (`memory.events` `max`).
    pub(crate) events_max: AtomicU64,
    /// System memory allocated through the driver (counted, not limited).
    pub(crate) sysmem: AtomicU64,
}

impl GpuState {
    /// This state and its ancestors' for the same GPU, leaf first.
    pub(crate) fn levels(&self) -> impl Iterator<Item = &GpuState> + Clone {
        core::iter::successors(Some(self), |g| g.parent.as_deref())
    }

    fn counters(&self) -> impl Iterator<Item = &PageCounter> + Clone {
        self.levels().map(|g| &g.memory)
    }

    /// Calls `f` with the counters leaf first, as the charge functions take
    /// them: on the stack for the usual depths, allocated beyond.
    fn with_chain<R>(&self, f: impl FnOnce(&[&PageCounter]) -> R) -> Result<R> {
        const ON_STACK: usize = 16;
        let mut arr: [&PageCounter; ON_STACK] = [&self.memory; ON_STACK];
        let mut n = 0;
        for c in self.counters() {
            if n == ON_STACK {
                let mut v = KVec::new();
                for c in self.counters() {
                    v.push(c, GFP_KERNEL)?;
                }
                return Ok(f(&v));
            }
            arr[n] = c;
            n += 1;
        }
        Ok(f(&arr[..n]))
    }

    /// Room left under the tightest limit of this cgroup and its ancestors.
    pub(crate) fn headroom(&self) -> u64 {
        page_counter::headroom(self.counters())
    }

    /// Sets the page counter's limit from the settings in force.
    fn resolve_memory_max(&self) {
        let m = if self.own.has(SET_MEMORY_MAX) {
            self.own.memory_max.load(Ordering::Relaxed)
        } else {
            self.cgroup.all.memory_max.load(Ordering::Relaxed)
        };
        self.memory.set_max(m);
    }

    /// `compute.max` in force: (quota µs or `UNLIMITED`, period µs).
    pub(crate) fn compute_max(&self) -> (u64, u64) {
        let s = if self.own.has(SET_COMPUTE_MAX) { &self.own } else { &self.cgroup.all };
        (s.compute_quota_us.load(Ordering::Relaxed), s.compute_period_us.load(Ordering::Relaxed))
    }

    /// `compute.weight` in force.
    pub(crate) fn compute_weight(&self) -> u32 {
        let s = if self.own.has(SET_COMPUTE_WEIGHT) { &self.own } else { &self.cgroup.all };
        s.compute_weight.load(Ordering::Relaxed)
    }

    /// The tightest memory limit of this cgroup and its ancestors.
    pub(crate) fn effective_max(&self) -> u64 {
        page_counter::effective_max(self.counters())
    }

    /// Charges `bytes` of GPU memory here and in every ancestor, or nowhere.
    /// Fails with `Err(None)` when vgpu itself is out of memory.
    pub(crate) fn try_charge(self: &Arc<Self>, bytes: u64) -> core::result::Result<Charge, Option<Denial>> {
        match self.with_chain(|chain| page_counter::try_charge(chain, bytes)).map_err(|_| None)? {
            Ok(()) => Ok(Charge { state: self.clone(), bytes, kind: ChargeKind::Vidmem }),
            Err(d) => {
                for g in self.levels().take(d.level + 1) {
                    g.events_max.fetch_add(1, Ordering::Relaxed);
                }
                let limiter = self.levels().nth(d.level).map_or(self.cgroup.id, |g| g.cgroup.id);
                Err(Some(Denial { denied: d, limit_cgroup: limiter }))
            }
        }
    }

    /// Counts `bytes` of system memory (never refused).
    pub(crate) fn charge_sysmem(self: &Arc<Self>, bytes: u64) -> Charge {
        for g in self.levels() {
            g.sysmem.fetch_add(bytes, Ordering::Relaxed);
        }
        Charge { state: self.clone(), bytes, kind: ChargeKind::Sysmem }
    }
}

/// A refused charge.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Denial {
    pub(crate) denied: Denied,
    /// The cgroup whose limit refused it.
    pub(crate) limit_cgroup: u64,
}

/// What a charge is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChargeKind {
    Vidmem,
    Sysmem,
}

/// Memory charged to a (cgroup, GPU) and its ancestors; returned on drop.
pub(crate) struct Charge {
    state: Arc<GpuState>,
    bytes: u64,
    kind: ChargeKind,
}

impl Charge {
    /// Adjusts the charge to the size the driver really allocated. A larger
    /// size is charged whatever the limit: the memory exists.
    pub(crate) fn settle(&mut self, bytes: u64) {
        if bytes == self.bytes {
            return;
        }
        match self.kind {
            ChargeKind::Vidmem if bytes > self.bytes => {
                let extra = bytes - self.bytes;
                if self.state.with_chain(|chain| page_counter::charge_forced(chain, extra)).is_err() {
                    // Cannot record more; keep the charge as it was.
                    return;
                }
            }
            ChargeKind::Vidmem => {
                page_counter::uncharge(self.state.counters(), self.bytes - bytes);
            }
            ChargeKind::Sysmem => {
                for g in self.state.levels() {
                    if bytes > self.bytes {
                        g.sysmem.fetch_add(bytes - self.bytes, Ordering::Relaxed);
                    } else {
                        g.sysmem.fetch_sub(self.bytes - bytes, Ordering::Relaxed);
                    }
                }
            }
        }
        self.bytes = bytes;
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        match self.kind {
            ChargeKind::Vidmem => {
                if !page_counter::uncharge(self.state.counters(), self.bytes) {
                    pr_warn!("vgpu: uncharged more than charged on gpu{}\n", self.state.gpu);
                }
            }
            ChargeKind::Sysmem => {
                for g in self.state.levels() {
                    g.sysmem.fetch_sub(self.bytes, Ordering::Relaxed);
                }
            }
        }
        // A removed cgroup leaves once nothing is charged to it.
        if self.state.memory.usage() == 0 && !self.state.cgroup.cg.online() {
            if let Some(s) = crate::state::get() {
                s.quotas.collect_removed();
            }
        }
    }
}

/// What the registry keeps per cgroup.
struct Entry {
    // First, so the directory goes before the state it shows.
    all_node: Option<Node>,
    /// Per-GPU states, sorted by GPU.
    gpus: KVec<Arc<GpuState>>,
    cgroup: Arc<Cgroup>,
}

impl Entry {
    fn gpu(&self, gpu: u32) -> Option<&Arc<GpuState>> {
        self.gpus.iter().find(|g| g.gpu == gpu)
    }

    fn idle(&self) -> bool {
        self.gpus.iter().all(|g| g.memory.usage() == 0 && g.sysmem.load(Ordering::Relaxed) == 0)
    }
}

/// One entry of a listing (netlink dump, status).
pub(crate) struct Listed {
    pub(crate) cgroup: Arc<Cgroup>,
    /// `None` for the `all` settings.
    pub(crate) gpu: Option<Arc<GpuState>>,
}

/// Every cgroup vgpu holds state for.
#[pin_data]
pub(crate) struct Registry {
    #[pin]
    map: Mutex<RBTree<u64, Entry>>,
}

type Map = RBTree<u64, Entry>;

impl Registry {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self { map <- new_mutex!(RBTree::new(), "vgpu_quota_registry") })
    }

    /// Number of cgroups with state.
    pub(crate) fn nr_cgroups(&self) -> u32 {
        self.map.lock().iter().count() as u32
    }

    /// The state of `cg`, created (with every missing ancestor) if needed.
    fn cgroup_locked(map: &mut Map, cg: CgroupRef) -> Result<Arc<Cgroup>> {
        if let Some(e) = map.get(&cg.id()) {
            return Ok(e.cgroup.clone());
        }
        // Walk up to the first known ancestor, then create top-down.
        let mut missing = KVec::new();
        let mut cur = Some(cg);
        let mut known: Option<Arc<Cgroup>> = None;
        while let Some(c) = cur {
            if let Some(e) = map.get(&c.id()) {
                known = Some(e.cgroup.clone());
                break;
            }
            let parent = c.parent();
            missing.push(c, GFP_KERNEL)?;
            cur = parent;
        }
        let mut parent = known;
        while let Some(c) = missing.pop() {
            let id = c.id();
            let cgroup = Arc::new(
                Cgroup {
                    node: SetOnce::new(),
                    id,
                    cg: c,
                    parent: parent.take(),
                    all: Settings::new(),
                },
                GFP_KERNEL,
            )?;
            let node = Node::cgroup(id, Arc::as_ptr(&cgroup).cast())?;
            cgroup.node.populate(node);
            map.try_create_and_insert(
                id,
                Entry { all_node: None, gpus: KVec::new(), cgroup: cgroup.clone() },
                GFP_KERNEL,
            )?;
            parent = Some(cgroup);
        }
        parent.ok_or(EINVAL)
    }

    /// The state of (`cgroup`, `gpu`), created (with ancestors') if needed.
    fn gpu_locked(map: &mut Map, cgroup: &Arc<Cgroup>, gpu: u32) -> Result<Arc<GpuState>> {
        // Cgroups on the way up that lack a state for this GPU.
        let mut missing = KVec::new();
        let mut cur = Some(cgroup.clone());
        let mut known: Option<Arc<GpuState>> = None;
        while let Some(c) = cur {
            let entry = map.get(&c.id).ok_or(EINVAL)?;
            if let Some(g) = entry.gpu(gpu) {
                known = Some(g.clone());
                break;
            }
            cur = c.parent.clone();
            missing.push(c, GFP_KERNEL)?;
        }
        let mut parent = known;
        while let Some(c) = missing.pop() {
            let state = Arc::new(
                GpuState {
                    node: SetOnce::new(),
                    gpu,
                    cgroup: c.clone(),
                    parent: parent.take(),
                    memory: PageCounter::new(),
                    own: Settings::new(),
                    compute: ComputeStat::default(),
                    events_max: AtomicU64::new(0),
                    sysmem: AtomicU64::new(0),
                },
                GFP_KERNEL,
            )?;
            state.memory.set_max(c.all.memory_max.load(Ordering::Relaxed));
            if let Some(cnode) = c.node.as_ref() {
                state.node.populate(Node::gpu(cnode, gpu, Arc::as_ptr(&state).cast())?);
            }
            let entry = map.get_mut(&c.id).ok_or(EINVAL)?;
            // Keep the list sorted by GPU: append, then rotate into place.
            let at = entry.gpus.iter().position(|g| g.gpu > gpu).unwrap_or(entry.gpus.len());
            entry.gpus.push(state.clone(), GFP_KERNEL)?;
            entry.gpus[at..].rotate_right(1);
            parent = Some(state);
        }
        parent.ok_or(EINVAL)
    }

    /// The state of (the calling task's cgroup, `gpu`).
    pub(crate) fn current(&self, gpu: u32) -> Result<Arc<GpuState>> {
        let id = cgroup::current_id();
        let mut map = self.map.lock();
        if let Some(g) = map.get(&id).and_then(|e| e.gpu(gpu)) {
            return Ok(g.clone());
        }
        let cg = CgroupRef::current().ok_or(ENOENT)?;
        let cgroup = Self::cgroup_locked(&mut map, cg)?;
        Self::gpu_locked(&mut map, &cgroup, gpu)
    }

    /// The state of (`cgroup_id`, `gpu`), created if the cgroup exists.
    pub(crate) fn for_cgroup(&self, cgroup_id: u64, gpu: u32) -> Option<Arc<GpuState>> {
        if let Some(g) = self.lookup(cgroup_id, gpu) {
            return Some(g);
        }
        let cg = CgroupRef::from_id(cgroup_id)?;
        let mut map = self.map.lock();
        let cgroup = Self::cgroup_locked(&mut map, cg).ok()?;
        Self::gpu_locked(&mut map, &cgroup, gpu).ok()
    }

    /// The state of (the calling task's cgroup, `gpu`) if that cgroup or an
    /// ancestor has a memory limit there; no state is created otherwise.
    pub(crate) fn current_if_limited(&self, gpu: u32) -> Option<Arc<GpuState>> {
        let mut cg = CgroupRef::current()?;
        let limited = {
            let map = self.map.lock();
            loop {
                if let Some(e) = map.get(&cg.id()) {
                    if let Some(g) = e.gpu(gpu) {
                        // Its chain knows every ancestor's limit.
                        break g.effective_max() != UNLIMITED;
                    }
                    if e.cgroup.all.has(SET_MEMORY_MAX) {
                        break true;
                    }
                }
                match cg.parent() {
                    Some(p) => cg = p,
                    None => break false,
                }
            }
        };
        if limited {
            self.current(gpu).ok()
        } else {
            None
        }
    }

    /// The state of (`cgroup_id`, `gpu`) if vgpu has one.
    pub(crate) fn lookup(&self, cgroup_id: u64, gpu: u32) -> Option<Arc<GpuState>> {
        self.map.lock().get(&cgroup_id).and_then(|e| e.gpu(gpu)).cloned()
    }

    /// The cgroup state for `cgroup_id` if vgpu has one.
    pub(crate) fn lookup_cgroup(&self, cgroup_id: u64) -> Option<Arc<Cgroup>> {
        self.map.lock().get(&cgroup_id).map(|e| e.cgroup.clone())
    }

    /// Applies `changes` to (`cgroup_id`, `gpu`); `gpu == None` changes the
    /// settings of every GPU without one of its own. Fails with `ENOENT` for
    /// a cgroup that does not exist.
    pub(crate) fn set(&self, cgroup_id: u64, gpu: Option<u32>, changes: &Changes) -> Result {
        let cg = CgroupRef::from_id(cgroup_id).ok_or(ENOENT)?;
        let mut map = self.map.lock();
        let cgroup = Self::cgroup_locked(&mut map, cg)?;
        match gpu {
            Some(gpu) => {
                let g = Self::gpu_locked(&mut map, &cgroup, gpu)?;
                g.own.apply(changes);
                g.resolve_memory_max();
            }
            None => {
                cgroup.all.apply(changes);
                let entry = map.get_mut(&cgroup_id).ok_or(EINVAL)?;
                for g in entry.gpus.iter() {
                    g.resolve_memory_max();
                }
                if entry.all_node.is_none() {
                    if let Some(cnode) = cgroup.node.as_ref() {
                        entry.all_node = Some(Node::all(cnode, Arc::as_ptr(&cgroup).cast())?);
                    }
                }
            }
        }
        Ok(())
    }

    /// Removes the settings of (`cgroup_id`, `gpu`) (`None`: the `all` ones).
    pub(crate) fn clear(&self, cgroup_id: u64, gpu: Option<u32>) -> Result {
        let mut map = self.map.lock();
        let Some(entry) = map.get_mut(&cgroup_id) else {
            // Nothing set; still tell the caller if the cgroup does not exist.
            drop(map);
            return CgroupRef::from_id(cgroup_id).map(|_| ()).ok_or(ENOENT);
        };
        match gpu {
            Some(gpu) => {
                if let Some(g) = entry.gpu(gpu) {
                    g.own.clear();
                    g.resolve_memory_max();
                }
            }
            None => {
                entry.cgroup.all.clear();
                entry.all_node = None;
                for g in entry.gpus.iter() {
                    g.resolve_memory_max();
                }
            }
        }
        Ok(())
    }

    /// Drops removed cgroups that hold no charge any more.
    pub(crate) fn collect_removed(&self) {
        let mut map = self.map.lock();
        let mut dead = KVec::new();
        for (id, e) in map.iter() {
            if !e.cgroup.cg.online() && e.idle() && dead.push(*id, GFP_KERNEL).is_err() {
                break;
            }
        }
        // Children first (they hold their parent's states).
        while let Some(id) = dead.pop() {
            map.remove(&id);
        }
    }

    /// Calls `f` on every entry whose key `(cgroup id, gpu)` comes after
    /// `after`, in key order, until `f` returns false. The `all` settings
    /// have the key `(id, u32::MAX)`. Used by dumps, which resume from the
    /// last key they sent.
    pub(crate) fn list_from(&self, after: Option<(u64, u32)>, mut f: impl FnMut((u64, u32), Listed) -> bool) {
        let map = self.map.lock();
        let fresh = |k: (u64, u32)| after.is_none_or(|a| k > a);
        for (id, e) in map.iter() {
            for g in e.gpus.iter() {
                let key = (*id, g.gpu);
                if fresh(key) && !f(key, Listed { cgroup: e.cgroup.clone(), gpu: Some(g.clone()) }) {
                    return;
                }
            }
            let key = (*id, u32::MAX);
            let all_set = e.cgroup.all.mask.load(Ordering::Relaxed) != 0;
            if all_set && fresh(key) && !f(key, Listed { cgroup: e.cgroup.clone(), gpu: None }) {
                return;
            }
        }
    }
}
