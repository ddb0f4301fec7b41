//! Hierarchical charging, after memcg's `mm/page_counter.c`.
//!
//! A charge is made to a chain of counters (the cgroup's and each
//! ancestor's) and succeeds on all of them or on none. Unlike memcg, which
//! adds first and subtracts on failure, each level here uses a
//! compare-and-swap that never lets `usage` exceed `max`. Charges go root
//! first and uncharges leaf first, so a level's usage never exceeds any
//! ancestor's: together, a concurrent reader can never see any cgroup above
//! its own limit or an ancestor's, at any instant. Lowering `max` below
//! `usage` is allowed: existing charges stay, new ones fail.

use core::sync::atomic::{AtomicU64, Ordering};

/// No limit.
pub const UNLIMITED: u64 = u64::MAX;

/// One level of the hierarchy for one resource.
#[derive(Debug)]
pub struct PageCounter {
    usage: AtomicU64,
    max: AtomicU64,
    peak: AtomicU64,
    /// Charges refused by this counter's own limit.
    failcnt: AtomicU64,
}

impl Default for PageCounter {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a charge was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied {
    /// Position in the chain of the counter that refused (0 = the leaf).
    pub level: usize,
    /// Its limit.
    pub limit: u64,
    /// Its usage when it refused.
    pub usage: u64,
}

impl PageCounter {
    /// A counter with no usage and no limit.
    pub const fn new() -> Self {
        Self {
            usage: AtomicU64::new(0),
            max: AtomicU64::new(UNLIMITED),
            peak: AtomicU64::new(0),
            failcnt: AtomicU64::new(0),
        }
    }

    /// Current usage.
    pub fn usage(&self) -> u64 {
        self.usage.load(Ordering::Relaxed)
    }

    /// Current limit ([`UNLIMITED`] for none).
    pub fn max(&self) -> u64 {
        self.max.load(Ordering::Relaxed)
    }

    /// Highest usage seen.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// Charges this counter refused.
    pub fn failcnt(&self) -> u64 {
        self.failcnt.load(Ordering::Relaxed)
    }

    /// Sets the limit. Existing usage above it stays charged.
    pub fn set_max(&self, max: u64) {
        self.max.store(max, Ordering::Relaxed);
    }

    fn record_peak(&self, usage: u64) {
        self.peak.fetch_max(usage, Ordering::Relaxed);
    }

    /// Adds `n` unless that would exceed the limit.
    fn try_add(&self, n: u64) -> Result<(), (u64, u64)> {
        let mut cur = self.usage.load(Ordering::Relaxed);
        loop {
            let max = self.max.load(Ordering::Relaxed);
            let new = match cur.checked_add(n) {
                Some(v) if v <= max => v,
                _ => return Err((cur, max)),
            };
            match self.usage.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed) {
                // The peak is recorded by the caller once every level took
                // the charge, so a charge rolled back never shows as a peak.
                Ok(_) => return Ok(()),
                Err(seen) => cur = seen,
            }
        }
    }

    /// Adds `n` whatever the limit (used to settle a size the driver rounded
    /// up after the fact). Saturates instead of wrapping.
    fn add_forced(&self, n: u64) {
        let mut cur = self.usage.load(Ordering::Relaxed);
        loop {
            let new = cur.saturating_add(n);
            match self.usage.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => {
                    self.record_peak(new);
                    return;
                }
                Err(seen) => cur = seen,
            }
        }
    }

    /// Removes `n`; saturates at zero. Returns false if usage was below `n`
    /// (an accounting bug the caller should report).
    fn sub(&self, n: u64) -> bool {
        let mut cur = self.usage.load(Ordering::Relaxed);
        loop {
            let (new, ok) = match cur.checked_sub(n) {
                Some(v) => (v, true),
                None => (0, false),
            };
            match self.usage.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return ok,
                Err(seen) => cur = seen,
            }
        }
    }
}

/// Charges `n` to every counter of `chain` (given leaf first), or to none.
/// The root is charged first.
///
/// On refusal the counter that refused has its `failcnt` incremented and the
/// ancestors already charged are rolled back, deepest first.
pub fn try_charge(chain: &[&PageCounter], n: u64) -> Result<(), Denied> {
    for (level, c) in chain.iter().enumerate().rev() {
        if let Err((usage, limit)) = c.try_add(n) {
            c.failcnt.fetch_add(1, Ordering::Relaxed);
            for done in &chain[level + 1..] {
                done.sub(n);
            }
            return Err(Denied { level, limit, usage });
        }
    }
    for c in chain {
        c.record_peak(c.usage());
    }
    Ok(())
}

/// Charges `n` to every counter of `chain` (leaf first) regardless of
/// limits, root first.
pub fn charge_forced(chain: &[&PageCounter], n: u64) {
    for c in chain.iter().rev() {
        c.add_forced(n);
    }
}

/// Returns `n` to every counter of `chain`, which must yield the leaf
/// first. Returns false if any counter held less than `n` (it is left at
/// zero).
pub fn uncharge<'a, I>(chain: I, n: u64) -> bool
where
    I: Iterator<Item = &'a PageCounter>,
{
    let mut ok = true;
    for c in chain {
        ok &= c.sub(n);
    }
    ok
}

/// The tightest limit along `chain`.
pub fn effective_max<'a, I>(chain: I) -> u64
where
    I: Iterator<Item = &'a PageCounter>,
{
    chain.map(PageCounter::max).min().unwrap_or(UNLIMITED)
}

/// The room left under the tightest limit along `chain`.
pub fn headroom<'a, I>(chain: I) -> u64
where
    I: Iterator<Item = &'a PageCounter>,
{
    chain.map(|c| c.max().saturating_sub(c.usage())).min().unwrap_or(UNLIMITED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;
    use std::vec::Vec;

    fn chain3() -> [PageCounter; 3] {
        [PageCounter::new(), PageCounter::new(), PageCounter::new()]
    }

    fn refs(c: &[PageCounter]) -> Vec<&PageCounter> {
        c.iter().collect()
    }

    #[test]
    fn charges_every_level() {
        let c = chain3();
        try_charge(&refs(&c[..]), 10).unwrap();
        assert!(c.iter().all(|x| x.usage() == 10 && x.peak() == 10));
        assert!(uncharge(c.iter(), 10));
        assert!(c.iter().all(|x| x.usage() == 0 && x.peak() == 10));
    }

    #[test]
    fn parent_limit_caps_children_and_rolls_back() {
        let c = chain3();
        c[1].set_max(15);
        try_charge(&refs(&c[..]), 10).unwrap();
        let d = try_charge(&refs(&c[..]), 10).unwrap_err();
        assert_eq!(d, Denied { level: 1, limit: 15, usage: 10 });
        assert_eq!(c[0].usage(), 10, "leaf never charged");
        assert_eq!(c[2].usage(), 10, "root rolled back");
        assert_eq!(c[1].failcnt(), 1);
        assert_eq!(c[0].failcnt(), 0);
    }

    #[test]
    fn refused_charge_leaves_no_peak() {
        let c = chain3();
        c[0].set_max(10);
        try_charge(&refs(&c[..]), 5).unwrap();
        assert!(try_charge(&refs(&c[..]), 10).is_err());
        assert!(c.iter().all(|x| x.peak() == 5), "peaks: {:?}", c.iter().map(|x| x.peak()).collect::<Vec<_>>());
    }

    #[test]
    fn exact_fit_is_allowed() {
        let c = chain3();
        c[0].set_max(10);
        try_charge(&refs(&c[..]), 10).unwrap();
        assert!(try_charge(&refs(&c[..]), 1).is_err());
    }

    #[test]
    fn overflow_is_refused() {
        let c = chain3();
        try_charge(&refs(&c[..]), u64::MAX - 1).unwrap();
        assert!(try_charge(&refs(&c[..]), 2).is_err());
    }

    #[test]
    fn lowering_max_keeps_existing_usage() {
        let c = chain3();
        try_charge(&refs(&c[..]), 100).unwrap();
        c[0].set_max(50);
        assert_eq!(c[0].usage(), 100);
        assert!(try_charge(&refs(&c[..]), 1).is_err());
        assert!(uncharge(c.iter(), 60));
        try_charge(&refs(&c[..]), 10).unwrap();
        assert_eq!(effective_max(c.iter()), 50);
        assert_eq!(headroom(c.iter()), 0);
    }

    #[test]
    fn uncharge_below_zero_is_reported_and_saturates() {
        let c = PageCounter::new();
        assert!(!uncharge(core::iter::once(&c), 5));
        assert_eq!(c.usage(), 0);
    }

    #[test]
    fn forced_charge_ignores_limits() {
        let c = chain3();
        c[0].set_max(5);
        charge_forced(&refs(&c[..]), 10);
        assert_eq!(c[0].usage(), 10);
        assert_eq!(c[0].peak(), 10);
    }

    /// Many threads charging and uncharging at random: usage never exceeds
    /// any limit, and everything returns to zero.
    #[test]
    fn concurrent_charges_never_exceed_limits() {
        let c = Arc::new(chain3());
        c[0].set_max(1000);
        c[1].set_max(700);
        let c0 = c.clone();
        let stop = Arc::new(core::sync::atomic::AtomicBool::new(false));
        let checker = {
            let c = c.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut samples = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    // Leaf read first: it can only be at most what the
                    // parent shows a moment later.
                    let leaf = c[0].usage();
                    let parent = c[1].usage();
                    assert!(leaf <= 700, "leaf above its effective limit: {leaf}");
                    assert!(parent <= 700);
                    samples += 1;
                }
                samples
            })
        };
        let workers: Vec<_> = (0..8)
            .map(|t| {
                let c = c.clone();
                std::thread::spawn(move || {
                    let mut held = Vec::new();
                    let mut x = 0x9e3779b97f4a7c15u64 ^ t;
                    for _ in 0..20_000 {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        if !x.is_multiple_of(3) || held.is_empty() {
                            let n = 1 + x % 64;
                            if try_charge(&refs(&c[..]), n).is_ok() {
                                held.push(n);
                            }
                        } else {
                            let n = held.swap_remove((x as usize / 3) % held.len());
                            assert!(uncharge(c.iter(), n));
                        }
                    }
                    for n in held {
                        assert!(uncharge(c.iter(), n));
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        assert!(checker.join().unwrap() > 0);
        assert!(c.iter().all(|x| x.usage() == 0));
        assert!(c[1].peak() <= 700 && c[0].peak() <= 700);
        drop(c0);
    }

    proptest! {
        /// Any sequence of charges and uncharges keeps every level equal to
        /// the sum of the charges it accepted, within its limit.
        #[test]
        fn model_agrees(limits in proptest::collection::vec(0u64..500, 3),
                        ops in proptest::collection::vec((any::<bool>(), 1u64..100), 1..200)) {
            let c = chain3();
            for (x, l) in c.iter().zip(&limits) { x.set_max(*l); }
            let mut held: Vec<u64> = Vec::new();
            for (charge, n) in ops {
                if charge || held.is_empty() {
                    let fits = c.iter().all(|x| x.usage() + n <= x.max());
                    let r = try_charge(&refs(&c[..]), n);
                    prop_assert_eq!(r.is_ok(), fits);
                    if r.is_ok() { held.push(n); }
                } else {
                    let n = held.pop().unwrap();
                    prop_assert!(uncharge(c.iter(), n));
                }
                let sum: u64 = held.iter().sum();
                for (x, l) in c.iter().zip(&limits) {
                    prop_assert_eq!(x.usage(), sum);
                    prop_assert!(x.usage() <= *l);
                }
            }
        }
    }
}
