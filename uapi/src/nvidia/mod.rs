//! The subset of the NVIDIA kernel driver ABI that vgpu understands.
//!
//! One definition for three users: the kernel module (which interposes on
//! the driver's ioctl/mmap handlers and compiles these very files), the mock
//! NVIDIA driver (through the C mirror `include/nvidia-abi.h`) and the Rust
//! NVIDIA-ABI client tool. `tests/nvidia_layout.rs` proves that the C header
//! and these definitions agree on every size, offset and constant.
//!
//! Facts come from `/work/shared/nvidia-abi.md` (the project's reference,
//! driver 595.45.04, x86_64) and, where it is silent, from NVIDIA's public
//! sources; `docs/nvidia-abi-sources.md` records where each extra fact came
//! from.
//!
//! Conventions:
//! - Every ABI struct is `#[repr(C)]` with **no implicit padding**: padding
//!   bytes are explicit `_pad*`/`reserved` fields, so that the kernel can
//!   treat the structs as plain bytes. NVIDIA's `NvP64` (a user pointer) is a
//!   `u64`; `NvBool` is a `u8`.
//! - Type names are Rust CamelCase versions of NVIDIA's
//!   (`NVOS21_PARAMETERS` → [`rm::Nvos21Parameters`]), field names are
//!   snake_case versions of NVIDIA's, constants keep NVIDIA's names.
//! - Bit fields are [`BitField`] constants named like NVIDIA's `hi:lo`
//!   defines (`NVOS32_ATTR_LOCATION` is bits 26:25).
//! - `core` only, no `unsafe`, no floating point; decoders never panic.

pub mod alloc_params;
pub mod classes;
pub mod ctrl;
pub mod hw;
pub mod ioctl;
pub mod rm;
pub mod status;
pub mod uvm;

/// An RM object handle (`NvHandle`).
pub type NvHandle = u32;
/// An RM status code (`NV_STATUS`), see [`status`].
pub type NvStatus = u32;
/// A pointer carried inside an ABI struct (`NvP64`): always 64 bits wide.
pub type NvP64 = u64;
/// NVIDIA's boolean (`NvBool`): one byte, 0 or 1.
pub type NvBool = u8;

/// A bit field `hi:lo` (inclusive) of a 32-bit word, as NVIDIA's `DRF`
/// defines describe them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitField {
    /// Most significant bit of the field.
    pub hi: u32,
    /// Least significant bit of the field.
    pub lo: u32,
}

impl BitField {
    /// The field `hi:lo`. `hi` must be at least `lo` and at most 31 (checked
    /// at compile time where the constant is defined).
    pub const fn new(hi: u32, lo: u32) -> Self {
        assert!(hi >= lo && hi < 32);
        Self { hi, lo }
    }

    /// Number of bits in the field.
    pub const fn width(self) -> u32 {
        self.hi - self.lo + 1
    }

    /// Mask of the field's value, not shifted (`width` low bits set).
    pub const fn mask(self) -> u32 {
        u32::MAX >> (31 - (self.hi - self.lo))
    }

    /// Mask of the field in place.
    pub const fn shifted_mask(self) -> u32 {
        self.mask() << self.lo
    }

    /// The field's value in `word`.
    pub const fn get(self, word: u32) -> u32 {
        (word >> self.lo) & self.mask()
    }

    /// `word` with the field replaced by `value` (truncated to the field).
    pub const fn set(self, word: u32, value: u32) -> u32 {
        (word & !self.shifted_mask()) | ((value & self.mask()) << self.lo)
    }

    /// `value` placed in the field, every other bit zero.
    pub const fn num(self, value: u32) -> u32 {
        (value & self.mask()) << self.lo
    }

    /// Whether `value` fits in the field without truncation.
    pub const fn fits(self, value: u32) -> bool {
        value & !self.mask() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::BitField;

    #[test]
    fn bitfield_roundtrip() {
        let f = BitField::new(26, 25);
        assert_eq!(f.width(), 2);
        assert_eq!(f.mask(), 3);
        assert_eq!(f.shifted_mask(), 0x0600_0000);
        assert_eq!(f.get(f.num(1)), 1);
        assert_eq!(f.set(u32::MAX, 0), !0x0600_0000);
        let whole = BitField::new(31, 0);
        assert_eq!(whole.mask(), u32::MAX);
        assert_eq!(whole.get(0xdead_beef), 0xdead_beef);
        let top = BitField::new(31, 31);
        assert_eq!(top.num(1), 0x8000_0000);
        assert!(top.fits(1) && !top.fits(2));
    }
}
