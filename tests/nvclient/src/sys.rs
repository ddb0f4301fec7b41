//! The only module of nvclient with `unsafe` code: `ioctl(2)` on the
//! NVIDIA nodes, `mmap(2)` of what the driver maps, `fork(2)` for the
//! identity checks that need a second process, and the byte views of the
//! ABI structs those calls pass.
//!
//! Everything above this module is safe Rust. The invariants the safe
//! wrappers rely on are stated here once:
//!
//! - [`Pod`] is implemented only for the `#[repr(C)]` ABI structs of
//!   `vgpu-uapi` (which have no implicit padding, checked by that crate's
//!   layout tests) and for integers and arrays of them: every bit pattern is
//!   a valid value and every byte is initialised.
//! - [`nv_ioctl`] passes the kernel a buffer at least as long as the size
//!   encoded in the command, and writes the addresses of the other buffers
//!   into the pointer fields named by [`Link`]s, so every pointer the driver
//!   follows points into a buffer borrowed for the whole call. Pointer
//!   fields must otherwise hold 0 or [`BAD_USER_PTR`] (an address in the
//!   never-mapped first page), which the driver can only fail to copy.
//!   Buffers are at least as long as the ABI size the driver copies out for
//!   them (the class's allocation parameters, the control's parameters).
//! - [`Mapping`] owns its mapping for its whole life and accesses it only
//!   through raw pointer copies within its bounds (single aligned volatile
//!   accesses for the 32/64-bit registers and semaphores a GPU shares).
//! - [`uvm_ioctl`] passes `/dev/nvidia-uvm` a buffer at least as long as
//!   the parameters of the (raw-numbered) command, which the UVM driver
//!   copies in and out; those parameters hold no pointers.

use std::ffi::c_void;
use std::num::NonZeroUsize;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::ptr::NonNull;

use nix::errno::Errno;
use nix::sys::mman::{MapFlags, ProtFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{ForkResult, Pid};
use vgpu_uapi::nvidia::alloc_params::*;
use vgpu_uapi::nvidia::ctrl::*;
use vgpu_uapi::nvidia::ioctl::ioc_size;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::uvm::*;

/// A user address in the never-mapped first page: a "pointer" the driver
/// must fail to copy from or to (`NV_ERR_INVALID_ADDRESS`, `-EFAULT`).
pub const BAD_USER_PTR: u64 = 0x10;

/// Plain old data: a `#[repr(C)]` type without padding whose every bit
/// pattern is valid.
///
/// # Safety
/// Implement only for types with no padding bytes, no pointers or
/// references, and no invalid bit patterns.
pub unsafe trait Pod: Copy + 'static {}

macro_rules! pod {
    ($($t:ty),* $(,)?) => {
        $(
            // SAFETY: integers, or vgpu-uapi ABI structs: #[repr(C)], every
            // field an integer or an array of integers (or of such structs),
            // padding spelled out as explicit fields (uapi's layout tests).
            unsafe impl Pod for $t {}
        )*
    };
}

pod!(
    u8,
    u16,
    u32,
    u64,
    i32,
    Nvos00Parameters,
    Nvos21Parameters,
    Nvos64Parameters,
    Nvos54Parameters,
    Nvos33Parameters,
    NvIoctlNvos33ParametersWithFd,
    Nvos34Parameters,
    Nvos02Parameters,
    NvIoctlNvos02ParametersWithFd,
    Nvos32Data,
    Nvos32AllocSize,
    Nvos32AllocSizeRange,
    Nvos32Free,
    Nvos32Info,
    Nvos55Parameters,
    Nvos56Parameters,
    NvIoctlXfer,
    NvIoctlRegisterFd,
    NvPciInfo,
    NvIoctlCardInfo,
    NvIoctlRmApiVersion,
    NvIoctlAllocOsEvent,
    NvIoctlFreeOsEvent,
    NvIoctlStatusCode,
    NvIoctlQueryDeviceIntr,
    NvIoctlSysParams,
    NvIoctlWaitOpenComplete,
    NvMemoryAllocationParams,
    Nv0080AllocParameters,
    Nv2080AllocParameters,
    NvVaspaceAllocationParameters,
    NvxxxxCtrlXxxInfo,
    Nv0000CtrlSystemGetBuildVersionV2Params,
    Nv0000CtrlGpuGetAttachedIdsParams,
    Nv0000CtrlGpuGetIdInfoV2Params,
    Nv0000CtrlGpuGetProbedIdsParams,
    Nv0080CtrlGpuGetClasslistParams,
    Nv0080CtrlGpuGetClasslistV2Params,
    Nv2080CtrlGpuGetGidInfoParams,
    Nv2080CtrlGrRouteInfo,
    Nv2080CtrlGrGetInfoV2Params,
    Nv2080CtrlPerfBoostParams,
    Nv2080CtrlFbGetInfoParams,
    Nv2080CtrlFbGetInfoV2Params,
    Nv00fdCtrlAttachGpuParams,
    // Work submission (nvclient burn/copy/engine-check).
    NvChannelGroupAllocationParameters,
    NvCtxshareAllocationParameters,
    NvMemoryDescParams,
    NvChannelAllocParams,
    Nva06cCtrlGpfifoScheduleParams,
    Nva06cCtrlTimesliceParams,
    Nva06cCtrlPreemptParams,
    Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams,
    NvProcessorUuid,
    UvmInitializeParams,
    UvmMmInitializeParams,
    UvmRegisterGpuParams,
    UvmUnregisterGpuParams,
    UvmRegisterGpuVaspaceParams,
    UvmUnregisterGpuVaspaceParams,
    UvmRegisterChannelParams,
    UvmUnregisterChannelParams,
    UvmGpuMappingAttributes,
    UvmMapExternalAllocationParams,
    UvmFreeParams,
    UvmCreateExternalRangeParams,
);

// SAFETY: an NVOS32 header followed by any Pod union view is itself Pod
// (uapi asserts every instantiation is 184 bytes without implicit padding).
unsafe impl<D: Pod> Pod for Nvos32Parameters<D> {}
// SAFETY: arrays of Pod have no padding between elements.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// The bytes of `t`.
pub fn bytes_of<T: Pod>(t: &T) -> &[u8] {
    // SAFETY: T is Pod: all size_of::<T>() bytes are initialised; the
    // slice borrows `t`.
    unsafe { std::slice::from_raw_parts(t as *const T as *const u8, std::mem::size_of::<T>()) }
}

/// The bytes of `t`, writable: any bytes written form a valid `T` (Pod).
pub fn bytes_of_mut<T: Pod>(t: &mut T) -> &mut [u8] {
    // SAFETY: as bytes_of; every bit pattern is a valid T, so writes
    // through the slice cannot create an invalid value.
    unsafe { std::slice::from_raw_parts_mut(t as *mut T as *mut u8, std::mem::size_of::<T>()) }
}

/// A `T` read from the start of `bytes` (which must be long enough).
pub fn from_bytes<T: Pod>(bytes: &[u8]) -> T {
    assert!(bytes.len() >= std::mem::size_of::<T>(), "buffer too short");
    // SAFETY: the source has size_of::<T>() readable bytes (checked) and
    // any bit pattern is a valid T; read_unaligned has no alignment needs.
    unsafe { std::ptr::read_unaligned(bytes.as_ptr() as *const T) }
}

/// Write `t` at the start of `bytes` (which must be long enough).
pub fn to_bytes<T: Pod>(t: &T, bytes: &mut [u8]) {
    bytes[..std::mem::size_of::<T>()].copy_from_slice(bytes_of(t));
}

/// An embedded pointer: before the call, the address of `bufs[to]` is
/// written as a 64-bit `NvP64` at byte `offset` of `bufs[from]`.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// Buffer holding the pointer field.
    pub from: usize,
    /// Byte offset of the pointer field in it.
    pub offset: usize,
    /// Buffer the field points to.
    pub to: usize,
}

/// `ioctl(fd, cmd, bufs[0])` with the pointer fields of `links` filled
/// in. Returns the ioctl's return value or its errno. The buffers are
/// borrowed for the whole call; on return they hold what the driver
/// copied back.
pub fn nv_ioctl(
    fd: BorrowedFd<'_>,
    cmd: u32,
    bufs: &mut [&mut [u8]],
    links: &[Link],
) -> Result<i32, Errno> {
    assert!(!bufs.is_empty());
    // The driver copies _IOC_SIZE(cmd) bytes in and out of bufs[0].
    assert!(
        bufs[0].len() >= ioc_size(cmd) as usize,
        "ioctl buffer shorter than the size encoded in the command"
    );
    for l in links {
        let addr = bufs[l.to].as_mut_ptr() as u64;
        bufs[l.from][l.offset..l.offset + 8].copy_from_slice(&addr.to_ne_bytes());
    }
    let arg = bufs[0].as_mut_ptr() as *mut c_void;
    // SAFETY: `arg` points to a live buffer of at least _IOC_SIZE(cmd)
    // bytes (asserted); every pointer embedded in the buffers points into
    // another buffer borrowed for the duration of this call (the links
    // above) or into the never-mapped first page (module invariant), so
    // the driver reads and writes only memory we own exclusively here.
    let ret = unsafe { nix::libc::ioctl(fd.as_raw_fd(), cmd as nix::libc::c_ulong, arg) };
    Errno::result(ret)
}

/// `ioctl(fd, cmd, buf)` on `/dev/nvidia-uvm`. UVM commands are raw
/// numbers (not `_IOWR`-encoded): the driver copies the command's
/// parameters (`uvm_param_size(cmd)` bytes) in and out of `buf`.
pub fn uvm_ioctl(fd: BorrowedFd<'_>, cmd: u32, buf: &mut [u8]) -> Result<i32, Errno> {
    let need = uvm_param_size(cmd).expect("a UVM command of the ABI subset");
    assert!(buf.len() >= need, "UVM parameters shorter than the command's");
    // SAFETY: `buf` is a live, exclusively borrowed buffer at least as long
    // as what the driver copies for `cmd` (asserted); UVM parameters hold
    // no user pointers, so the driver touches nothing else of ours.
    let ret = unsafe {
        nix::libc::ioctl(
            fd.as_raw_fd(),
            cmd as nix::libc::c_ulong,
            buf.as_mut_ptr() as *mut c_void,
        )
    };
    Errno::result(ret)
}

/// A shared (or private) mapping of an NVIDIA node, unmapped on drop.
#[derive(Debug)]
pub struct Mapping {
    ptr: NonNull<c_void>,
    len: usize,
}

// SAFETY: a Mapping is an address range the process owns until drop; every
// access goes through raw copies or volatile accesses inside its bounds,
// never through Rust references, so using it from several threads races
// only on the mapped memory itself, which the GPU (and the driver) write
// concurrently anyway (that is what a doorbell, USERD or semaphore is).
unsafe impl Send for Mapping {}
// SAFETY: as above.
unsafe impl Sync for Mapping {}

#[allow(clippy::len_without_is_empty)] // never empty: mmap refuses length 0
impl Mapping {
    /// `mmap(NULL, len, PROT_READ[|PROT_WRITE], MAP_SHARED|MAP_PRIVATE,
    /// fd, offset)`.
    pub fn new(
        fd: BorrowedFd<'_>,
        len: usize,
        offset: i64,
        writable: bool,
        shared: bool,
    ) -> Result<Mapping, Errno> {
        let len_nz = NonZeroUsize::new(len).ok_or(Errno::EINVAL)?;
        let mut prot = ProtFlags::PROT_READ;
        if writable {
            prot |= ProtFlags::PROT_WRITE;
        }
        let flags = if shared {
            MapFlags::MAP_SHARED
        } else {
            MapFlags::MAP_PRIVATE
        };
        // SAFETY: a fresh mapping at an address the kernel chooses (no
        // MAP_FIXED), so no existing memory is replaced; it is owned by
        // the returned Mapping and unmapped exactly once, in Drop.
        let ptr = unsafe { nix::sys::mman::mmap(None, len_nz, prot, flags, fd, offset)? };
        Ok(Mapping { ptr, len })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The user address of the mapping (what libnvidia passes to
    /// UPDATE_DEVICE_MAPPING_INFO).
    pub fn addr(&self) -> u64 {
        self.ptr.as_ptr() as u64
    }

    /// Copy `data` into the mapping at `offset`.
    pub fn write(&self, offset: usize, data: &[u8]) {
        assert!(offset
            .checked_add(data.len())
            .is_some_and(|e| e <= self.len));
        // SAFETY: the destination range lies inside the mapping (checked),
        // which this object owns; a raw copy creates no Rust reference to
        // memory another mapping may change concurrently.
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                (self.ptr.as_ptr() as *mut u8).add(offset),
                data.len(),
            )
        }
    }

    /// One aligned 32-bit volatile store at `offset` (a GPU register or
    /// USERD field: a single write, never split or merged).
    pub fn write_u32(&self, offset: usize, value: u32) {
        assert!(offset.is_multiple_of(4) && offset + 4 <= self.len);
        // SAFETY: aligned and inside the mapping (checked).
        unsafe {
            std::ptr::write_volatile(
                (self.ptr.as_ptr() as *mut u8).add(offset) as *mut u32,
                value,
            )
        }
    }

    /// One aligned 32-bit volatile load at `offset`.
    pub fn read_u32(&self, offset: usize) -> u32 {
        assert!(offset.is_multiple_of(4) && offset + 4 <= self.len);
        // SAFETY: aligned and inside the mapping (checked).
        unsafe {
            std::ptr::read_volatile((self.ptr.as_ptr() as *const u8).add(offset) as *const u32)
        }
    }

    /// One aligned 64-bit volatile load at `offset` (a semaphore payload or
    /// timestamp the GPU writes whole).
    pub fn read_u64(&self, offset: usize) -> u64 {
        assert!(offset.is_multiple_of(8) && offset + 8 <= self.len);
        // SAFETY: aligned and inside the mapping (checked).
        unsafe {
            std::ptr::read_volatile((self.ptr.as_ptr() as *const u8).add(offset) as *const u64)
        }
    }

    /// Copy from the mapping at `offset` into `out`.
    pub fn read(&self, offset: usize, out: &mut [u8]) {
        assert!(offset.checked_add(out.len()).is_some_and(|e| e <= self.len));
        // SAFETY: the source range lies inside the mapping (checked).
        unsafe {
            std::ptr::copy_nonoverlapping(
                (self.ptr.as_ptr() as *const u8).add(offset),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    }
}

impl Mapping {
    /// Move the mapping to a new address with `mremap(MREMAP_MAYMOVE |
    /// MREMAP_FIXED)` (onto a fresh reservation, so the address surely
    /// changes) and return the moved mapping.
    ///
    /// # Safety
    ///
    /// On success `self` no longer describes a mapping: the caller must
    /// neither use nor drop it again (e.g. a forked child that leaves with
    /// `_exit`), or its drop would unmap whatever is later placed there.
    pub unsafe fn move_elsewhere(&self) -> Result<Mapping, Errno> {
        let len = NonZeroUsize::new(self.len).ok_or(Errno::EINVAL)?;
        // SAFETY: a fresh anonymous reservation the kernel places; it is
        // replaced by the moved mapping (MREMAP_FIXED) or unmapped below.
        let target = unsafe {
            nix::sys::mman::mmap_anonymous(None, len, ProtFlags::PROT_NONE, MapFlags::MAP_PRIVATE)?
        };
        // SAFETY: moves this object's own mapping onto the reservation
        // made above; the caller gives up `self` (contract above).
        let moved = unsafe {
            nix::sys::mman::mremap(
                self.ptr,
                self.len,
                self.len,
                nix::sys::mman::MRemapFlags::MREMAP_MAYMOVE | nix::sys::mman::MRemapFlags::MREMAP_FIXED,
                Some(target),
            )
        };
        match moved {
            Ok(ptr) => Ok(Mapping { ptr, len: self.len }),
            Err(e) => {
                // SAFETY: the reservation is ours and still in place.
                let _ = unsafe { nix::sys::mman::munmap(target, self.len) };
                Err(e)
            }
        }
    }

    /// `munmap` the range now, leaving this object empty-handed.
    ///
    /// # Safety
    ///
    /// As for [`Mapping::move_elsewhere`]: `self` must not be used or
    /// dropped afterwards.
    pub unsafe fn unmap_now(&self) -> Result<(), Errno> {
        // SAFETY: this object's own mapping; the caller gives it up.
        unsafe { nix::sys::mman::munmap(self.ptr, self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: ptr/len describe the mapping this object created and
        // owns; nothing refers to it after drop.
        let _ = unsafe { nix::sys::mman::munmap(self.ptr, self.len) };
    }
}

/// Run `child` in a forked child process and return the child's pid. The
/// child exits with the value `child` returns (254 if it panicked), without
/// running the parent's exit handlers or flushing its buffers. Call only
/// while the process is single-threaded (nvclient's conformance suite is).
pub fn fork_child(child: impl FnOnce() -> u8) -> Result<Pid, Errno> {
    use std::io::Write;
    // Nothing buffered may be written twice.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: the process is single-threaded when this is called (caller
    // contract), so the child may run arbitrary code; it leaves only
    // through _exit, so the parent's state is never torn down twice.
    match unsafe { nix::unistd::fork()? } {
        ForkResult::Child => {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(254);
            // SAFETY: _exit ends the child at once, without running the
            // parent's atexit handlers or destructors; nothing is shared.
            unsafe { nix::libc::_exit(code as i32) }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Wait for `pid` and return its exit code (`None` if killed by a signal).
pub fn wait_child(pid: Pid) -> Result<Option<i32>, Errno> {
    loop {
        match waitpid(pid, None)? {
            WaitStatus::Exited(_, code) => return Ok(Some(code)),
            WaitStatus::Signaled(..) => return Ok(None),
            _ => continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let p = Nvos00Parameters {
            h_root: 1,
            h_object_parent: 2,
            h_object_old: 3,
            status: 4,
        };
        let b = bytes_of(&p).to_vec();
        assert_eq!(b.len(), 16);
        assert_eq!(&b[8..12], &3u32.to_ne_bytes());
        let q: Nvos00Parameters = from_bytes(&b);
        assert_eq!(p, q);
    }

    #[test]
    fn links_patch_pointers() {
        // An ioctl on /dev/null fails (ENOTTY) but the links are applied.
        let null = std::fs::File::open("/dev/null").unwrap();
        use std::os::fd::AsFd;
        let mut outer = [0u8; 16];
        let mut inner = [0u8; 8];
        let inner_addr = inner.as_ptr() as u64;
        let r = nv_ioctl(
            null.as_fd(),
            vgpu_uapi::nvidia::ioctl::nv_iowr(211, 16),
            &mut [&mut outer, &mut inner],
            &[Link {
                from: 0,
                offset: 8,
                to: 1,
            }],
        );
        assert!(r.is_err());
        assert_eq!(
            u64::from_ne_bytes(outer[8..16].try_into().unwrap()),
            inner_addr
        );
    }
}
