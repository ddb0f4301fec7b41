//! What an RM allocation costs, decided from its class and parameters.
//!
//! GPU memory (vidmem) comes from two escapes (reference §3.1): `RM_ALLOC`
//! of `NV01_MEMORY_LOCAL_USER`, and `VID_HEAP_CONTROL` `ALLOC_SIZE`
//! (`_RANGE`, `_TILED_PITCH_HEIGHT`), which RM turns into the same class when
//! the attributes say video memory. `NV01_MEMORY_SYSTEM` is system memory,
//! counted but never limited; `NV50_MEMORY_VIRTUAL` is address space only.
//!
//! Before the driver runs, vgpu reserves the most the driver may allocate:
//! the requested size rounded up to the largest page the attributes allow
//! (RM rounds sizes to the page size it picks). After success it settles the
//! charge to the size the driver wrote back. So usage can never exceed a
//! limit, at the price of refusing a request that would have fitted only
//! because the driver rounded less than the worst case.

use super::uapi::nvidia::classes::{NV01_MEMORY_LOCAL_USER, NV01_MEMORY_SYSTEM};
use super::uapi::nvidia::rm::{
    NVOS32_ALLOC_FLAGS_VIRTUAL, NVOS32_ATTR2_PAGE_SIZE_HUGE, NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB,
    NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB, NVOS32_ATTR_LOCATION, NVOS32_ATTR_LOCATION_VIDMEM, NVOS32_ATTR_PAGE_SIZE,
    NVOS32_ATTR_PAGE_SIZE_4KB, NVOS32_ATTR_PAGE_SIZE_BIG, NVOS32_ATTR_PAGE_SIZE_HUGE,
};

/// The smallest page RM uses.
pub const PAGE_4K: u64 = 4 << 10;
/// A big page (Ampere and later).
pub const PAGE_64K: u64 = 64 << 10;
/// A huge page.
pub const PAGE_2M: u64 = 2 << 20;
/// A 512 MiB huge page (`ATTR2_PAGE_SIZE_HUGE_512MB`).
pub const PAGE_512M: u64 = 512 << 20;
/// A 256 GiB huge page (`ATTR2_PAGE_SIZE_HUGE_256GB`).
pub const PAGE_256G: u64 = 256 << 30;

/// What an allocation costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// GPU memory: reserve this many bytes before forwarding.
    Vidmem(u64),
    /// System memory (counted, not limited).
    Sysmem(u64),
    /// Nothing vgpu accounts (address space, other classes).
    Nothing,
}

/// The largest page the attributes let RM choose.
pub fn max_page(attr: u32, attr2: u32) -> u64 {
    match NVOS32_ATTR_PAGE_SIZE.get(attr) {
        NVOS32_ATTR_PAGE_SIZE_4KB => PAGE_4K,
        NVOS32_ATTR_PAGE_SIZE_BIG => PAGE_64K,
        NVOS32_ATTR_PAGE_SIZE_HUGE => match NVOS32_ATTR2_PAGE_SIZE_HUGE.get(attr2) {
            NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB => PAGE_512M,
            NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB => PAGE_256G,
            _ => PAGE_2M,
        },
        // DEFAULT lets RM pick a page size; it picks at most 2 MiB unless
        // asked for more with HUGE.
        _ => PAGE_2M,
    }
}

/// `size` rounded up to `page` (a power of two); `None` on overflow.
pub fn round_up(size: u64, page: u64) -> Option<u64> {
    size.checked_add(page - 1).map(|s| s & !(page - 1))
}

fn vidmem(size: u64, attr: u32, attr2: u32) -> Cost {
    // An absurd size cannot be reserved; reserve everything so it is refused
    // under any limit (RM would refuse it too).
    Cost::Vidmem(round_up(size, max_page(attr, attr2)).unwrap_or(u64::MAX))
}

/// Cost of `RM_ALLOC` of `class` with `NV_MEMORY_ALLOCATION_PARAMS`
/// `(size, attr, attr2)`.
pub fn rm_alloc(class: u32, size: u64, attr: u32, attr2: u32) -> Cost {
    match class {
        NV01_MEMORY_LOCAL_USER => vidmem(size, attr, attr2),
        NV01_MEMORY_SYSTEM => Cost::Sysmem(round_up(size, PAGE_4K).unwrap_or(u64::MAX)),
        _ => Cost::Nothing,
    }
}

/// Cost of a `VID_HEAP_CONTROL` allocation with `(flags, attr, size)`: RM
/// allocates virtual memory for `VIRTUAL`, video memory when the location
/// is video memory, and system memory otherwise.
pub fn vid_heap(flags: u32, attr: u32, attr2: u32, size: u64) -> Cost {
    if flags & NVOS32_ALLOC_FLAGS_VIRTUAL != 0 {
        Cost::Nothing
    } else if NVOS32_ATTR_LOCATION.get(attr) == NVOS32_ATTR_LOCATION_VIDMEM {
        vidmem(size, attr, attr2)
    } else {
        Cost::Sysmem(round_up(size, PAGE_4K).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::nvidia::classes::NV50_MEMORY_VIRTUAL;
    use crate::uapi::nvidia::rm::{NVOS32_ATTR_LOCATION_PCI, NVOS32_ATTR_PAGE_SIZE_HUGE};
    use proptest::prelude::*;

    fn attr(page: u32, loc: u32) -> u32 {
        NVOS32_ATTR_PAGE_SIZE.num(page) | NVOS32_ATTR_LOCATION.num(loc)
    }

    #[test]
    fn vidmem_reserves_the_worst_page() {
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 1, attr(NVOS32_ATTR_PAGE_SIZE_4KB, 0), 0), Cost::Vidmem(4096));
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 1, attr(NVOS32_ATTR_PAGE_SIZE_BIG, 0), 0), Cost::Vidmem(65536));
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 1, attr(NVOS32_ATTR_PAGE_SIZE_HUGE, 0), 0), Cost::Vidmem(2 << 20));
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 3 << 20, 0, 0), Cost::Vidmem(4 << 20));
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 4 << 20, 0, 0), Cost::Vidmem(4 << 20));
    }

    #[test]
    fn huge_512m_pages_are_reserved_whole() {
        let a = attr(NVOS32_ATTR_PAGE_SIZE_HUGE, 0);
        let a2 = NVOS32_ATTR2_PAGE_SIZE_HUGE.num(NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB);
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, 1, a, a2), Cost::Vidmem(PAGE_512M));
        assert_eq!(vid_heap(0, a, a2, 1), Cost::Vidmem(PAGE_512M));
    }

    #[test]
    fn other_classes() {
        assert_eq!(rm_alloc(NV01_MEMORY_SYSTEM, 5000, 0, 0), Cost::Sysmem(8192));
        assert_eq!(rm_alloc(NV50_MEMORY_VIRTUAL, 1 << 30, 0, 0), Cost::Nothing);
        assert_eq!(rm_alloc(0x80, 1 << 30, 0, 0), Cost::Nothing);
    }

    #[test]
    fn vid_heap_routes_like_rm() {
        let vid = attr(NVOS32_ATTR_PAGE_SIZE_4KB, NVOS32_ATTR_LOCATION_VIDMEM);
        let pci = attr(NVOS32_ATTR_PAGE_SIZE_4KB, NVOS32_ATTR_LOCATION_PCI);
        assert_eq!(vid_heap(0, vid, 0, 10), Cost::Vidmem(4096));
        assert_eq!(vid_heap(0, pci, 0, 10), Cost::Sysmem(4096));
        assert_eq!(vid_heap(NVOS32_ALLOC_FLAGS_VIRTUAL, vid, 0, 10), Cost::Nothing);
    }

    #[test]
    fn overflow_reserves_everything() {
        assert_eq!(rm_alloc(NV01_MEMORY_LOCAL_USER, u64::MAX - 5, 0, 0), Cost::Vidmem(u64::MAX));
    }

    proptest! {
        #[test]
        fn reservation_covers_any_rm_rounding(size in 1u64..1<<44, a in any::<u32>(), a2 in any::<u32>()) {
            if let Cost::Vidmem(r) = rm_alloc(NV01_MEMORY_LOCAL_USER, size, a, a2) {
                // Whatever page RM picks among those allowed, its size fits.
                for page in [PAGE_4K, PAGE_64K, PAGE_2M, PAGE_512M, PAGE_256G] {
                    if page <= max_page(a, a2) {
                        prop_assert!(round_up(size, page).map_or(true, |x| x <= r));
                    }
                }
                prop_assert!(r >= size && (r == u64::MAX || r - size < max_page(a, a2)));
            } else {
                prop_assert!(false);
            }
        }
    }
}
