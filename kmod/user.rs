//! Reading and writing the ABI structs in the caller's memory.
//!
//! The ABI types of `uapi/` are `#[repr(C)]` with every byte a named integer
//! field (no implicit padding, checked by their size/offset assertions), so
//! any bit pattern is a valid value and every byte is initialized: exactly
//! what the kernel's `FromBytes`/`AsBytes` require.

use kernel::prelude::*;
use kernel::transmute::{AsBytes, FromBytes};
use kernel::uaccess::{UserPtr, UserSlice};

use crate::abi::nvidia::{alloc_params, ctrl, rm};

macro_rules! plain_abi {
    ($($t:ty),* $(,)?) => {$(
        // SAFETY: `$t` is a `repr(C)` struct of integer fields (and arrays
        // of such structs) without implicit padding, as its compile-time
        // size and offset assertions in `uapi/` prove: every bit pattern is
        // valid and every byte initialized.
        unsafe impl FromBytes for $t {}
        // SAFETY: As above.
        unsafe impl AsBytes for $t {}
    )*};
}

plain_abi!(
    rm::Nvos00Parameters,
    rm::Nvos21Parameters,
    rm::Nvos64Parameters,
    rm::Nvos54Parameters,
    rm::Nvos55Parameters,
    rm::Nvos32AllocSizeParameters,
    rm::Nvos32AllocSizeRangeParameters,
    rm::Nvos32FreeParameters,
    rm::NvIoctlXfer,
    rm::NvIoctlNvos33ParametersWithFd,
    alloc_params::NvChannelAllocParams,
    alloc_params::NvMemoryAllocationParams,
    alloc_params::Nv0080AllocParameters,
    ctrl::NvxxxxCtrlXxxInfo,
    ctrl::Nv2080CtrlFbGetInfoParams,
    ctrl::Nv2080CtrlFbGetInfoV2Params,
);

/// Reads a `T` at user address `addr`.
pub(crate) fn read<T: FromBytes>(addr: u64) -> Result<T> {
    UserSlice::new(UserPtr::from_addr(addr as usize), size_of::<T>()).reader().read::<T>()
}

/// Writes `v` at user address `addr`.
pub(crate) fn write<T: AsBytes>(addr: u64, v: &T) -> Result {
    UserSlice::new(UserPtr::from_addr(addr as usize), size_of::<T>()).writer().write(v)
}

/// Reads the u32 at `addr + offset`.
pub(crate) fn read_u32(addr: u64, offset: usize) -> Result<u32> {
    read::<u32>(addr.wrapping_add(offset as u64))
}

/// Writes a u32 at `addr + offset`.
pub(crate) fn write_u32(addr: u64, offset: usize, v: u32) -> Result {
    write(addr.wrapping_add(offset as u64), &v)
}

/// Reads the u64 at `addr + offset`.
pub(crate) fn read_u64(addr: u64, offset: usize) -> Result<u64> {
    read::<u64>(addr.wrapping_add(offset as u64))
}

/// Writes a u64 at `addr + offset`.
pub(crate) fn write_u64(addr: u64, offset: usize, v: u64) -> Result {
    write(addr.wrapping_add(offset as u64), &v)
}
