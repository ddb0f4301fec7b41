//! Capacity virtualization: what a tenant with a memory limit is told.
//!
//! cudaMemGetInfo-style tools read total and free framebuffer from the
//! driver (`FB_GET_INFO_V2`, in KiB). A caller with an effective limit on a
//! GPU sees `total = min(physical, limit)` and
//! `free = min(physical free, limit - usage)`, so it sizes itself to its
//! quota. A caller without a limit sees the truth.

use super::page_counter::UNLIMITED;

/// A total-capacity value (`bytes`, or KiB with `unit` 1024) as a tenant
/// with `limit` bytes sees it.
pub fn total(physical: u64, limit: u64, unit: u64) -> u64 {
    if limit == UNLIMITED {
        physical
    } else {
        physical.min(limit / unit)
    }
}

/// A free-capacity value as a tenant with `limit` bytes of which `usage`
/// are charged sees it.
pub fn free(physical_free: u64, limit: u64, usage: u64, unit: u64) -> u64 {
    if limit == UNLIMITED {
        physical_free
    } else {
        physical_free.min(limit.saturating_sub(usage) / unit)
    }
}

/// The (total, free) pair, in KiB, that a tenant with `limit` bytes and
/// `usage` bytes charged is shown, given the driver's `total_kib`/`free_kib`.
pub fn virtualize_kib(total_kib: u64, free_kib: u64, limit: u64, usage: u64) -> (u64, u64) {
    let t = total(total_kib, limit, 1024);
    (t, free(free_kib, limit, usage, 1024).min(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page_counter::UNLIMITED;
    use proptest::prelude::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn no_limit_is_the_truth() {
        assert_eq!(virtualize_kib(16 << 20, 10 << 20, UNLIMITED, 5 * GIB), (16 << 20, 10 << 20));
    }

    #[test]
    fn limit_below_physical() {
        // 4 GiB limit, 1 GiB used, GPU has 16 GiB with 10 GiB free.
        assert_eq!(virtualize_kib(16 << 20, 10 << 20, 4 * GIB, GIB), (4 << 20, 3 << 20));
    }

    #[test]
    fn physical_free_is_tighter() {
        // Others use the GPU: only 1 GiB physically free though 3 GiB of quota remain.
        assert_eq!(virtualize_kib(16 << 20, 1 << 20, 4 * GIB, GIB), (4 << 20, 1 << 20));
    }

    #[test]
    fn usage_over_a_lowered_limit_shows_zero_free() {
        assert_eq!(virtualize_kib(16 << 20, 8 << 20, 2 * GIB, 3 * GIB), (2 << 20, 0));
    }

    proptest! {
        #[test]
        fn never_more_than_truth_or_quota(total in 0u64..1<<40, free in 0u64..1<<40,
                                           limit in 0u64..1<<50, usage in 0u64..1<<50) {
            let free = free.min(total);
            let (t, f) = virtualize_kib(total, free, limit, usage);
            prop_assert!(t <= total && t <= limit / 1024);
            prop_assert!(f <= free && f <= t);
            prop_assert!(f <= limit.saturating_sub(usage) / 1024);
        }
    }
}
