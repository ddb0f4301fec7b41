//! Talking to the NVIDIA driver the way a CUDA runtime does.
//!
//! [`Node`] is one open `/dev/nvidiactl` or `/dev/nvidiaN` with a typed
//! wrapper for every escape nvclient uses. Every wrapper returns
//! `Result<T, NvError>`: [`NvError::Rm`] is an RM failure reported in the
//! struct's status with the ioctl returning 0, [`NvError::Os`] an ioctl that
//! failed as a whole (`-EINVAL` for a wrong size or node...). The `*_raw`
//! variants return the ioctl's own result and leave the copied-back struct
//! in the caller's hands, for the conformance checks.
//!
//! [`Session`] is what a CUDA context sets up: nvidiactl, the version
//! check, a root client, and per GPU an open `/dev/nvidiaN` (which
//! `NV01_DEVICE_0` requires the process to hold), a device and a
//! subdevice.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::OpenOptions;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use nix::errno::Errno;
use vgpu_uapi::nvidia::alloc_params::*;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ctrl::*;
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;
use vgpu_uapi::nvidia::NvStatus;

use crate::sys::{self, bytes_of_mut, from_bytes, Link, Mapping, Pod};

/// Path of the control node.
pub const CTL_PATH: &str = "/dev/nvidiactl";

/// Path of GPU node `index`.
pub fn gpu_path(index: u32) -> String {
    format!("/dev/nvidia{index}")
}

/// Why a driver call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NvError {
    /// The ioctl (or open/mmap) failed with this errno.
    Os(Errno),
    /// RM reported this status (the ioctl returned 0).
    Rm(NvStatus),
}

#[allow(dead_code)] // part of the API; the checks use some of it
impl NvError {
    /// The RM status, if RM failed.
    pub fn status(&self) -> Option<NvStatus> {
        match self {
            NvError::Rm(s) => Some(*s),
            NvError::Os(_) => None,
        }
    }

    /// The errno, if the call failed at the OS level.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            NvError::Os(e) => Some(*e),
            NvError::Rm(_) => None,
        }
    }

    /// `NV_ERR_NO_MEMORY` or `EINVAL`.
    pub fn name(&self) -> String {
        match self {
            NvError::Rm(s) => status_name(*s).to_string(),
            NvError::Os(e) => format!("{e:?}"),
        }
    }

    /// The reply of the session driver: `{"ok":false,"status":..,"code":..}`
    /// or `{"ok":false,"errno":..,"code":..}`.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            NvError::Rm(s) => serde_json::json!({"ok": false, "status": status_name(s), "code": s}),
            NvError::Os(e) => {
                serde_json::json!({"ok": false, "errno": format!("{e:?}"), "code": e as i32})
            }
        }
    }
}

impl fmt::Display for NvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NvError::Rm(s) => write!(f, "{} ({s:#x})", status_name(*s)),
            NvError::Os(e) => write!(f, "{e:?} ({})", e.desc()),
        }
    }
}

impl std::error::Error for NvError {}

impl From<Errno> for NvError {
    fn from(e: Errno) -> Self {
        NvError::Os(e)
    }
}

impl From<std::io::Error> for NvError {
    fn from(e: std::io::Error) -> Self {
        NvError::Os(Errno::from_raw(e.raw_os_error().unwrap_or(nix::libc::EIO)))
    }
}

/// Result of a driver call.
pub type NvResult<T> = Result<T, NvError>;

/// `Ok(())` for `NV_OK`, else the RM error.
pub fn check_status(status: NvStatus) -> NvResult<()> {
    if status == NV_OK {
        Ok(())
    } else {
        Err(NvError::Rm(status))
    }
}

/// The string in a NUL-terminated byte buffer.
pub fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// How vidmem is allocated: the two paths CUDA drivers use (§3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// `NV_ESC_RM_ALLOC` of `NV01_MEMORY_LOCAL_USER`.
    RmAlloc,
    /// `NV_ESC_RM_VID_HEAP_CONTROL` with `NVOS32_FUNCTION_ALLOC_SIZE`.
    VidHeap,
    /// `NV_ESC_RM_VID_HEAP_CONTROL` with `NVOS32_FUNCTION_ALLOC_SIZE_RANGE`.
    VidHeapRange,
}

impl Via {
    /// The session grammar's short names: `rm`, `vidheap`, `range` (the
    /// long names are accepted too).
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "rm" | "rm-alloc" => Some(Via::RmAlloc),
            "vidheap" | "vid-heap" => Some(Via::VidHeap),
            "range" | "vid-heap-range" => Some(Via::VidHeapRange),
            _ => None,
        }
    }
}

/// The default `NVOS32_ATTR` of a vidmem allocation: location VIDMEM,
/// default page size (4 KiB on the mock).
pub const ATTR_VIDMEM: u32 = 0;
/// `NVOS32_ATTR` of a sysmem allocation: location PCI.
pub const ATTR_SYSMEM: u32 = NVOS32_ATTR_LOCATION.num(NVOS32_ATTR_LOCATION_PCI);
/// The owner tag nvclient's allocations carry (RM refuses 0).
pub const OWNER: u32 = 0x6e76_636c; // "nvcl"

/// `NV_MEMORY_ALLOCATION_PARAMS` as libcuda fills them for a plain
/// allocation of `size` bytes.
pub fn memory_params(size: u64, attr: u32, attr2: u32) -> NvMemoryAllocationParams {
    NvMemoryAllocationParams {
        owner: OWNER,
        type_: NVOS32_TYPE_IMAGE,
        flags: NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED | NVOS32_ALLOC_FLAGS_IGNORE_BANK_PLACEMENT,
        attr,
        attr2,
        size,
        ..Default::default()
    }
}

/// One open NVIDIA node.
#[derive(Debug)]
pub struct Node {
    fd: OwnedFd,
}

impl AsFd for Node {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Node {
    /// Open `path` read-write, as libnvidia does.
    pub fn open_path(path: &str) -> NvResult<Node> {
        let f = OpenOptions::new().read(true).write(true).open(path)?;
        Ok(Node { fd: f.into() })
    }

    /// Open `/dev/nvidiactl`.
    pub fn ctl() -> NvResult<Node> {
        Self::open_path(CTL_PATH)
    }

    /// Open `/dev/nvidiaN`.
    pub fn gpu(index: u32) -> NvResult<Node> {
        Self::open_path(&gpu_path(index))
    }

    /// The raw fd number (what escapes that name an fd carry).
    pub fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    // -----------------------------------------------------------------
    // Raw escapes.

    /// `ioctl(fd, _IOWR('F', nr, size), buf)`: any size, any buffer
    /// (at least `size` long), no embedded pointers.
    pub fn ioctl_sized(&self, nr: u32, size: usize, buf: &mut [u8]) -> Result<i32, Errno> {
        sys::nv_ioctl(self.as_fd(), nv_iowr(nr, size), &mut [buf], &[])
    }

    /// `ioctl` of escape `nr` with `arg` (size `size_of::<T>()`).
    pub fn escape<T: Pod>(&self, nr: u32, arg: &mut T) -> Result<i32, Errno> {
        let size = std::mem::size_of::<T>();
        self.ioctl_sized(nr, size, bytes_of_mut(arg))
    }

    /// `ioctl` with buffers and pointer links (see [`sys::nv_ioctl`]).
    pub fn ioctl_linked(
        &self,
        cmd: u32,
        bufs: &mut [&mut [u8]],
        links: &[Link],
    ) -> Result<i32, Errno> {
        sys::nv_ioctl(self.as_fd(), cmd, bufs, links)
    }

    // -----------------------------------------------------------------
    // The "nv" escapes.

    /// `NV_ESC_CHECK_VERSION_STR`: the ioctl's result and the struct as
    /// copied back.
    pub fn check_version_raw(
        &self,
        cmd: u32,
        version: &str,
    ) -> (Result<i32, Errno>, NvIoctlRmApiVersion) {
        let mut p = NvIoctlRmApiVersion {
            cmd,
            ..Default::default()
        };
        let n = version.len().min(NV_RM_API_VERSION_STRING_LENGTH - 1);
        p.version_string[..n].copy_from_slice(&version.as_bytes()[..n]);
        let r = self.escape(NV_ESC_CHECK_VERSION_STR, &mut p);
        (r, p)
    }

    /// `NV_ESC_CHECK_VERSION_STR` strict check against the ABI's version.
    pub fn check_version(&self) -> NvResult<()> {
        let (r, _) = self.check_version_raw(NV_RM_API_VERSION_CMD_STRICT, NV_VERSION_STRING);
        r.map(|_| ()).map_err(NvError::Os)
    }

    /// The driver's version string (`NV_RM_API_VERSION_CMD_QUERY`).
    pub fn query_version(&self) -> NvResult<String> {
        let (r, p) = self.check_version_raw(NV_RM_API_VERSION_CMD_QUERY, "");
        r?;
        Ok(c_string(&p.version_string))
    }

    /// `NV_ESC_CARD_INFO` with `n` entries.
    pub fn card_info(&self, n: usize) -> NvResult<Vec<NvIoctlCardInfo>> {
        let size = n * std::mem::size_of::<NvIoctlCardInfo>();
        let mut buf = vec![0u8; size];
        self.ioctl_sized(NV_ESC_CARD_INFO, size, &mut buf)?;
        Ok(buf
            .chunks_exact(std::mem::size_of::<NvIoctlCardInfo>())
            .map(from_bytes::<NvIoctlCardInfo>)
            .collect())
    }

    /// `NV_ESC_SYS_PARAMS`.
    pub fn sys_params(&self, memblock_size: u64) -> NvResult<()> {
        let mut p = NvIoctlSysParams { memblock_size };
        self.escape(NV_ESC_SYS_PARAMS, &mut p)?;
        Ok(())
    }

    /// `NV_ESC_ATTACH_GPUS_TO_FD`.
    pub fn attach_gpus(&self, ids: &[u32]) -> NvResult<()> {
        let mut buf: Vec<u8> = ids.iter().flat_map(|i| i.to_ne_bytes()).collect();
        let size = buf.len();
        self.ioctl_sized(NV_ESC_ATTACH_GPUS_TO_FD, size, &mut buf)?;
        Ok(())
    }

    /// `NV_ESC_WAIT_OPEN_COMPLETE`.
    pub fn wait_open_complete(&self) -> NvResult<NvIoctlWaitOpenComplete> {
        let mut p = NvIoctlWaitOpenComplete::default();
        self.escape(NV_ESC_WAIT_OPEN_COMPLETE, &mut p)?;
        Ok(p)
    }

    /// `NV_ESC_REGISTER_FD`: bind this file to the ctl file `ctl_fd`.
    pub fn register_fd(&self, ctl_fd: RawFd) -> NvResult<()> {
        let mut p = NvIoctlRegisterFd { ctl_fd };
        self.escape(NV_ESC_REGISTER_FD, &mut p)?;
        Ok(())
    }

    /// `NV_ESC_ALLOC_OS_EVENT`.
    pub fn alloc_os_event(&self, h_client: u32, h_device: u32, fd: u32) -> NvResult<()> {
        let mut p = NvIoctlAllocOsEvent {
            h_client,
            h_device,
            fd,
            status: 0,
        };
        self.escape(NV_ESC_ALLOC_OS_EVENT, &mut p)?;
        check_status(p.status)
    }

    /// `NV_ESC_FREE_OS_EVENT`.
    pub fn free_os_event(&self, h_client: u32, h_device: u32, fd: u32) -> NvResult<()> {
        let mut p = NvIoctlFreeOsEvent {
            h_client,
            h_device,
            fd,
            status: 0,
        };
        self.escape(NV_ESC_FREE_OS_EVENT, &mut p)?;
        check_status(p.status)
    }

    // -----------------------------------------------------------------
    // RM_ALLOC / RM_FREE / RM_DUP_OBJECT

    /// `NV_ESC_RM_ALLOC` (NVOS21) with `params` linked as `pAllocParms`
    /// (`paramsSize` is what the caller put in `p`).
    pub fn alloc_raw(
        &self,
        p: &mut Nvos21Parameters,
        params: Option<&mut [u8]>,
    ) -> Result<i32, Errno> {
        let cmd = nv_iowr(NV_ESC_RM_ALLOC, std::mem::size_of::<Nvos21Parameters>());
        match params {
            Some(buf) => {
                let mut outer = sys::bytes_of(p).to_vec();
                let r = self.ioctl_linked(
                    cmd,
                    &mut [&mut outer, buf],
                    &[Link {
                        from: 0,
                        offset: 16,
                        to: 1,
                    }],
                );
                *p = from_bytes(&outer);
                r
            }
            None => {
                p.p_alloc_parms = 0;
                self.escape(NV_ESC_RM_ALLOC, p)
            }
        }
    }

    /// `NV_ESC_RM_ALLOC` (NVOS64) with `params` linked as `pAllocParms`.
    pub fn alloc64_raw(
        &self,
        p: &mut Nvos64Parameters,
        params: Option<&mut [u8]>,
    ) -> Result<i32, Errno> {
        let cmd = nv_iowr(NV_ESC_RM_ALLOC, std::mem::size_of::<Nvos64Parameters>());
        let mut outer = sys::bytes_of(p).to_vec();
        let r = match params {
            Some(buf) => self.ioctl_linked(
                cmd,
                &mut [&mut outer, buf],
                &[Link {
                    from: 0,
                    offset: 16,
                    to: 1,
                }],
            ),
            None => self.ioctl_linked(cmd, &mut [&mut outer], &[]),
        };
        *p = from_bytes(&outer);
        r
    }

    /// Allocate an object of `class`; `h_new` 0 lets RM pick the handle.
    /// Returns the handle.
    pub fn alloc(
        &self,
        h_client: u32,
        h_parent: u32,
        h_new: u32,
        class: u32,
        params: Option<&mut [u8]>,
    ) -> NvResult<u32> {
        let mut p = Nvos21Parameters {
            h_root: h_client,
            h_object_parent: h_parent,
            h_object_new: h_new,
            h_class: class,
            params_size: params.as_ref().map_or(0, |b| b.len() as u32),
            ..Default::default()
        };
        self.alloc_raw(&mut p, params)?;
        check_status(p.status)?;
        Ok(p.h_object_new)
    }

    /// Allocate a root client (`NV01_ROOT_CLIENT`); `requested` 0 lets RM
    /// pick the handle.
    pub fn alloc_client(&self, requested: u32) -> NvResult<u32> {
        let mut h = 0u32;
        let mut p = Nvos21Parameters {
            h_root: requested,
            h_class: NV01_ROOT_CLIENT,
            params_size: 4,
            ..Default::default()
        };
        self.alloc_raw(&mut p, Some(bytes_of_mut(&mut h)))?;
        check_status(p.status)?;
        Ok(p.h_object_new)
    }

    /// Allocate `NV01_DEVICE_0` for device instance (GPU) `device_id`.
    pub fn alloc_device(&self, h_client: u32, device_id: u32, h_new: u32) -> NvResult<u32> {
        let mut p = Nv0080AllocParameters {
            device_id,
            ..Default::default()
        };
        self.alloc(
            h_client,
            h_client,
            h_new,
            NV01_DEVICE_0,
            Some(bytes_of_mut(&mut p)),
        )
    }

    /// Allocate `NV20_SUBDEVICE_0` instance 0 under `h_device`.
    pub fn alloc_subdevice(&self, h_client: u32, h_device: u32, h_new: u32) -> NvResult<u32> {
        let mut p = Nv2080AllocParameters { sub_device_id: 0 };
        self.alloc(
            h_client,
            h_device,
            h_new,
            NV20_SUBDEVICE_0,
            Some(bytes_of_mut(&mut p)),
        )
    }

    /// Allocate a `FERMI_VASPACE_A` under `h_parent`.
    pub fn alloc_vaspace(&self, h_client: u32, h_parent: u32, h_new: u32) -> NvResult<u32> {
        let mut p = NvVaspaceAllocationParameters::default();
        self.alloc(
            h_client,
            h_parent,
            h_new,
            FERMI_VASPACE_A,
            Some(bytes_of_mut(&mut p)),
        )
    }

    /// Allocate memory of `class` with `params` (updated with what RM
    /// wrote back: the rounded size, limit, offset). Returns the handle.
    pub fn alloc_memory(
        &self,
        h_client: u32,
        h_parent: u32,
        h_new: u32,
        class: u32,
        params: &mut NvMemoryAllocationParams,
    ) -> NvResult<u32> {
        self.alloc(h_client, h_parent, h_new, class, Some(bytes_of_mut(params)))
    }

    /// `NV_ESC_RM_FREE`.
    pub fn free(&self, h_client: u32, h_parent: u32, h_object: u32) -> NvResult<()> {
        let mut p = Nvos00Parameters {
            h_root: h_client,
            h_object_parent: h_parent,
            h_object_old: h_object,
            status: 0,
        };
        self.escape(NV_ESC_RM_FREE, &mut p)?;
        check_status(p.status)
    }

    /// `NV_ESC_RM_DUP_OBJECT`: dup `(h_client_src, h_object_src)` under
    /// `(h_client, h_parent)`; returns the new handle.
    pub fn dup(
        &self,
        h_client: u32,
        h_parent: u32,
        h_new: u32,
        h_client_src: u32,
        h_object_src: u32,
    ) -> NvResult<u32> {
        let mut p = Nvos55Parameters {
            h_client,
            h_parent,
            h_object: h_new,
            h_client_src,
            h_object_src,
            flags: NV04_DUP_HANDLE_FLAGS_NONE,
            status: 0,
        };
        self.escape(NV_ESC_RM_DUP_OBJECT, &mut p)?;
        check_status(p.status)?;
        Ok(p.h_object)
    }

    // -----------------------------------------------------------------
    // RM_CONTROL

    /// `NV_ESC_RM_CONTROL` with `params` linked (when given) and the
    /// header as the caller set it (`paramsSize` included).
    pub fn control_raw(
        &self,
        p: &mut Nvos54Parameters,
        params: Option<&mut [u8]>,
    ) -> Result<i32, Errno> {
        let cmd = nv_iowr(NV_ESC_RM_CONTROL, std::mem::size_of::<Nvos54Parameters>());
        let mut outer = sys::bytes_of(p).to_vec();
        let r = match params {
            Some(buf) => self.ioctl_linked(
                cmd,
                &mut [&mut outer, buf],
                &[Link {
                    from: 0,
                    offset: 16,
                    to: 1,
                }],
            ),
            None => self.ioctl_linked(cmd, &mut [&mut outer], &[]),
        };
        *p = from_bytes(&outer);
        r
    }

    /// Control `cmd` on `(h_client, h_object)` with parameters `P`.
    pub fn control<P: Pod>(
        &self,
        h_client: u32,
        h_object: u32,
        cmd: u32,
        params: &mut P,
    ) -> NvResult<()> {
        let mut p = Nvos54Parameters {
            h_client,
            h_object,
            cmd,
            params_size: std::mem::size_of::<P>() as u32,
            ..Default::default()
        };
        self.control_raw(&mut p, Some(bytes_of_mut(params)))?;
        check_status(p.status)
    }

    // -----------------------------------------------------------------
    // RM_VID_HEAP_CONTROL

    /// `NV_ESC_RM_VID_HEAP_CONTROL` with any view of the union.
    pub fn vid_heap_raw<D: Pod>(&self, p: &mut Nvos32Parameters<D>) -> Result<i32, Errno> {
        self.escape(NV_ESC_RM_VID_HEAP_CONTROL, p)
    }

    /// Allocate `size` bytes through the heap API; returns the handle and
    /// the size RM wrote back.
    #[allow(clippy::too_many_arguments)]
    pub fn vid_heap_alloc(
        &self,
        h_client: u32,
        h_device: u32,
        size: u64,
        attr: u32,
        attr2: u32,
        h_memory: u32,
        range: bool,
    ) -> NvResult<(u32, u64)> {
        let mut flags =
            NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED | NVOS32_ALLOC_FLAGS_IGNORE_BANK_PLACEMENT;
        if h_memory != 0 {
            flags |= NVOS32_ALLOC_FLAGS_MEMORY_HANDLE_PROVIDED;
        }
        if range {
            let mut p = Nvos32AllocSizeRangeParameters {
                h_root: h_client,
                h_object_parent: h_device,
                function: NVOS32_FUNCTION_ALLOC_SIZE_RANGE,
                data: Nvos32AllocSizeRange {
                    owner: OWNER,
                    h_memory,
                    type_: NVOS32_TYPE_IMAGE,
                    flags,
                    attr,
                    attr2,
                    size,
                    ..Default::default()
                },
                ..Default::default()
            };
            self.vid_heap_raw(&mut p)?;
            check_status(p.status)?;
            Ok((p.data.h_memory, p.data.size))
        } else {
            let mut p = Nvos32AllocSizeParameters {
                h_root: h_client,
                h_object_parent: h_device,
                function: NVOS32_FUNCTION_ALLOC_SIZE,
                data: Nvos32AllocSize {
                    owner: OWNER,
                    h_memory,
                    type_: NVOS32_TYPE_IMAGE,
                    flags,
                    attr,
                    attr2,
                    size,
                    ..Default::default()
                },
                ..Default::default()
            };
            self.vid_heap_raw(&mut p)?;
            check_status(p.status)?;
            Ok((p.data.h_memory, p.data.size))
        }
    }

    /// `NVOS32_FUNCTION_FREE` of `h_memory`.
    pub fn vid_heap_free(&self, h_client: u32, h_device: u32, h_memory: u32) -> NvResult<()> {
        let mut p = Nvos32FreeParameters {
            h_root: h_client,
            h_object_parent: h_device,
            function: NVOS32_FUNCTION_FREE,
            data: Nvos32Free {
                owner: OWNER,
                h_memory,
                flags: NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED,
                ..Default::default()
            },
            ..Default::default()
        };
        self.vid_heap_raw(&mut p)?;
        check_status(p.status)
    }

    /// `NVOS32_FUNCTION_INFO` on a device: `(total, free)` bytes.
    pub fn vid_heap_info(&self, h_client: u32, h_device: u32) -> NvResult<(u64, u64)> {
        let mut p = Nvos32InfoParameters {
            h_root: h_client,
            h_object_parent: h_device,
            function: NVOS32_FUNCTION_INFO,
            ..Default::default()
        };
        self.vid_heap_raw(&mut p)?;
        check_status(p.status)?;
        Ok((p.total, p.free))
    }

    // -----------------------------------------------------------------
    // Mappings

    /// `NV_ESC_RM_MAP_MEMORY` as the caller built it.
    pub fn map_memory_raw(&self, p: &mut NvIoctlNvos33ParametersWithFd) -> Result<i32, Errno> {
        self.escape(NV_ESC_RM_MAP_MEMORY, p)
    }

    /// `NV_ESC_RM_MAP_MEMORY` of `[offset, offset+length)` of `h_memory`
    /// with the mmap context going to `target_fd`; returns the token.
    #[allow(clippy::too_many_arguments)]
    pub fn map_memory(
        &self,
        h_client: u32,
        h_device: u32,
        h_memory: u32,
        offset: u64,
        length: u64,
        flags: u32,
        target_fd: RawFd,
    ) -> NvResult<u64> {
        let mut p = NvIoctlNvos33ParametersWithFd {
            params: Nvos33Parameters {
                h_client,
                h_device,
                h_memory,
                offset,
                length,
                flags,
                ..Default::default()
            },
            fd: target_fd,
            ..Default::default()
        };
        self.map_memory_raw(&mut p)?;
        check_status(p.params.status)?;
        Ok(p.params.p_linear_address)
    }

    /// `NV_ESC_RM_UNMAP_MEMORY` of the mapping `address` (the token).
    pub fn unmap_memory(
        &self,
        h_client: u32,
        h_device: u32,
        h_memory: u32,
        address: u64,
    ) -> NvResult<()> {
        let mut p = Nvos34Parameters {
            h_client,
            h_device,
            h_memory,
            p_linear_address: address,
            ..Default::default()
        };
        self.escape(NV_ESC_RM_UNMAP_MEMORY, &mut p)?;
        check_status(p.status)
    }

    /// `NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO`.
    pub fn update_mapping(
        &self,
        h_client: u32,
        h_device: u32,
        h_memory: u32,
        old: u64,
        new: u64,
    ) -> NvResult<()> {
        let mut p = Nvos56Parameters {
            h_client,
            h_device,
            h_memory,
            p_old_cpu_address: old,
            p_new_cpu_address: new,
            ..Default::default()
        };
        self.escape(NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO, &mut p)?;
        check_status(p.status)
    }

    /// `NV_ESC_RM_ALLOC_MEMORY` (on a GPU node) as the caller built it.
    pub fn alloc_memory_os02_raw(
        &self,
        p: &mut NvIoctlNvos02ParametersWithFd,
    ) -> Result<i32, Errno> {
        self.escape(NV_ESC_RM_ALLOC_MEMORY, p)
    }
}

// ---------------------------------------------------------------------
// Controls a CUDA-like client issues.

/// Memory sizes of a GPU in KiB, as `NV2080_CTRL_CMD_FB_GET_INFO[_V2]`
/// reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FbInfo {
    /// `TOTAL_RAM_SIZE`.
    pub total_kib: u64,
    /// `RAM_SIZE`.
    pub ram_kib: u64,
    /// `HEAP_SIZE`.
    pub heap_kib: u64,
    /// `HEAP_FREE`.
    pub free_kib: u64,
    /// `USABLE_RAM_SIZE`.
    pub usable_kib: u64,
}

const FB_INDICES: [u32; 5] = [
    NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE,
    NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE,
    NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE,
    NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE,
    NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE,
];

fn fb_from_list(list: &[NvxxxxCtrlXxxInfo]) -> FbInfo {
    FbInfo {
        total_kib: list[0].data as u64,
        ram_kib: list[1].data as u64,
        heap_kib: list[2].data as u64,
        free_kib: list[3].data as u64,
        usable_kib: list[4].data as u64,
    }
}

/// `NV2080_CTRL_CMD_FB_GET_INFO_V2` on a subdevice.
pub fn fb_info_v2(node: &Node, h_client: u32, h_subdevice: u32) -> NvResult<FbInfo> {
    let mut p = Nv2080CtrlFbGetInfoV2Params {
        fb_info_list_size: FB_INDICES.len() as u32,
        ..Default::default()
    };
    for (i, idx) in FB_INDICES.iter().enumerate() {
        p.fb_info_list[i].index = *idx;
    }
    node.control(
        h_client,
        h_subdevice,
        NV2080_CTRL_CMD_FB_GET_INFO_V2,
        &mut p,
    )?;
    Ok(fb_from_list(&p.fb_info_list[..FB_INDICES.len()]))
}

/// `NV2080_CTRL_CMD_FB_GET_INFO` (the list behind an embedded pointer).
pub fn fb_info_v1(node: &Node, h_client: u32, h_subdevice: u32) -> NvResult<FbInfo> {
    let mut list = [NvxxxxCtrlXxxInfo::default(); 5];
    for (i, idx) in FB_INDICES.iter().enumerate() {
        list[i].index = *idx;
    }
    let mut params = Nv2080CtrlFbGetInfoParams {
        fb_info_list_size: list.len() as u32,
        ..Default::default()
    };
    let mut hdr = Nvos54Parameters {
        h_client,
        h_object: h_subdevice,
        cmd: NV2080_CTRL_CMD_FB_GET_INFO,
        params_size: std::mem::size_of::<Nv2080CtrlFbGetInfoParams>() as u32,
        ..Default::default()
    };
    let mut outer = sys::bytes_of(&hdr).to_vec();
    node.ioctl_linked(
        nv_iowr(NV_ESC_RM_CONTROL, std::mem::size_of::<Nvos54Parameters>()),
        &mut [
            &mut outer,
            bytes_of_mut(&mut params),
            bytes_of_mut(&mut list),
        ],
        &[
            Link {
                from: 0,
                offset: 16,
                to: 1,
            },
            Link {
                from: 1,
                offset: 8,
                to: 2,
            },
        ],
    )?;
    hdr = from_bytes(&outer);
    check_status(hdr.status)?;
    Ok(fb_from_list(&list))
}

/// `NV2080_CTRL_CMD_GPU_GET_GID_INFO` in ASCII: `GPU-xxxxxxxx-...`.
pub fn gpu_uuid(node: &Node, h_client: u32, h_subdevice: u32) -> NvResult<String> {
    let mut p = Nv2080CtrlGpuGetGidInfoParams {
        flags: NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT
            .num(NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_ASCII),
        ..Default::default()
    };
    node.control(
        h_client,
        h_subdevice,
        NV2080_CTRL_CMD_GPU_GET_GID_INFO,
        &mut p,
    )?;
    Ok(c_string(&p.data[..(p.length as usize).min(p.data.len())]))
}

/// `NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2` for `gpu_id`.
pub fn gpu_id_info(
    node: &Node,
    h_client: u32,
    gpu_id: u32,
) -> NvResult<Nv0000CtrlGpuGetIdInfoV2Params> {
    let mut p = Nv0000CtrlGpuGetIdInfoV2Params {
        gpu_id,
        ..Default::default()
    };
    node.control(
        h_client,
        h_client,
        NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2,
        &mut p,
    )?;
    Ok(p)
}

/// `NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS`: the ids before `INVALID_ID`.
pub fn attached_ids(node: &Node, h_client: u32) -> NvResult<Vec<u32>> {
    let mut p = Nv0000CtrlGpuGetAttachedIdsParams::default();
    node.control(
        h_client,
        h_client,
        NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS,
        &mut p,
    )?;
    Ok(p.gpu_ids
        .iter()
        .copied()
        .take_while(|&i| i != NV0000_CTRL_GPU_INVALID_ID)
        .collect())
}

/// `NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2`: the driver version.
pub fn build_version(node: &Node, h_client: u32) -> NvResult<String> {
    let mut p = Nv0000CtrlSystemGetBuildVersionV2Params::default();
    node.control(
        h_client,
        h_client,
        NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2,
        &mut p,
    )?;
    Ok(c_string(&p.driver_version_buffer))
}

// ---------------------------------------------------------------------
// Sessions

/// What a session holds for one GPU.
#[derive(Debug)]
#[allow(dead_code)] // `node` is held open, not read
pub struct Gpu {
    /// GPU index (device instance, minor).
    pub index: u32,
    /// The `/dev/nvidiaN` the process must hold for `NV01_DEVICE_0`.
    pub node: Node,
    /// `NV01_DEVICE_0` handle.
    pub device: u32,
    /// `NV20_SUBDEVICE_0` handle.
    pub subdevice: u32,
}

/// A memory allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Alloc {
    /// Handle of the memory object.
    pub handle: u32,
    /// Size RM wrote back (rounded to the page size).
    pub size: u64,
}

/// A CPU mapping of memory: the fresh `/dev/nvidiaN` that holds the mmap
/// context, the RM token and the VMA.
#[derive(Debug)]
#[allow(dead_code)] // `node` is held open for the VMA's context
pub struct CpuMapping {
    /// The VMA (dropped before the node).
    pub map: Mapping,
    /// The file the context was attached to.
    pub node: Node,
    /// `pLinearAddress` as RM returned it.
    pub token: u64,
}

/// An RM session: nvidiactl, the version check and a root client, and
/// devices on demand.
#[derive(Debug)]
pub struct Session {
    /// The nvidiactl node.
    pub ctl: Node,
    /// The root client.
    pub client: u32,
    /// GPUs set up so far.
    pub gpus: BTreeMap<u32, Gpu>,
}

impl Session {
    /// Open nvidiactl, check the version strictly (as libcuda does) and
    /// allocate a root client.
    pub fn open() -> anyhow::Result<Session> {
        let ctl = Node::ctl().map_err(|e| anyhow::anyhow!("cannot open {CTL_PATH}: {e}"))?;
        ctl.check_version().map_err(|e| {
            let theirs = ctl.query_version().unwrap_or_default();
            anyhow::anyhow!("version check failed ({e}): driver {theirs:?}, nvclient speaks {NV_VERSION_STRING}")
        })?;
        let client = ctl
            .alloc_client(0)
            .map_err(|e| anyhow::anyhow!("cannot allocate a root client: {e}"))?;
        Ok(Session {
            ctl,
            client,
            gpus: BTreeMap::new(),
        })
    }

    /// Set GPU `index` up (open its node, allocate device and subdevice)
    /// unless already done.
    pub fn gpu(&mut self, index: u32) -> NvResult<&Gpu> {
        if !self.gpus.contains_key(&index) {
            let node = Node::gpu(index)?;
            let device = self.ctl.alloc_device(self.client, index, 0)?;
            let subdevice = match self.ctl.alloc_subdevice(self.client, device, 0) {
                Ok(h) => h,
                Err(e) => {
                    let _ = self.ctl.free(self.client, self.client, device);
                    return Err(e);
                }
            };
            self.gpus.insert(
                index,
                Gpu {
                    index,
                    node,
                    device,
                    subdevice,
                },
            );
        }
        Ok(&self.gpus[&index])
    }

    /// Allocate `size` bytes of vidmem on GPU `index` (under its device)
    /// by `via`, with `NVOS32_ATTR`/`ATTR2` `attr`/`attr2`.
    pub fn alloc_vidmem(
        &mut self,
        index: u32,
        size: u64,
        via: Via,
        attr: u32,
        attr2: u32,
    ) -> NvResult<Alloc> {
        let device = self.gpu(index)?.device;
        match via {
            Via::RmAlloc => {
                let mut p = memory_params(size, attr, attr2);
                let handle = self.ctl.alloc_memory(
                    self.client,
                    device,
                    0,
                    NV01_MEMORY_LOCAL_USER,
                    &mut p,
                )?;
                Ok(Alloc {
                    handle,
                    size: p.size,
                })
            }
            Via::VidHeap | Via::VidHeapRange => {
                let (handle, size) = self.ctl.vid_heap_alloc(
                    self.client,
                    device,
                    size,
                    attr,
                    attr2,
                    0,
                    via == Via::VidHeapRange,
                )?;
                Ok(Alloc { handle, size })
            }
        }
    }

    /// Map `[offset, offset+length)` of `h_memory` (vidmem of GPU
    /// `index`) into this process: a fresh `/dev/nvidiaN`, MAP_MEMORY
    /// naming it, then `mmap(offset 0)` of it.
    pub fn map(
        &mut self,
        index: u32,
        h_memory: u32,
        offset: u64,
        length: u64,
    ) -> NvResult<CpuMapping> {
        let device = self.gpu(index)?.device;
        let node = Node::gpu(index)?;
        let token =
            self.ctl
                .map_memory(self.client, device, h_memory, offset, length, 0, node.raw())?;
        let len = ((offset & 0xfff) + length + 0xfff) & !0xfff;
        match Mapping::new(node.as_fd(), len as usize, 0, true, true) {
            Ok(map) => Ok(CpuMapping { map, node, token }),
            Err(e) => {
                let _ = self.ctl.unmap_memory(self.client, device, h_memory, token);
                Err(NvError::Os(e))
            }
        }
    }

    /// FB_GET_INFO_V2 of GPU `index`.
    pub fn fb_info(&mut self, index: u32) -> NvResult<FbInfo> {
        let sub = self.gpu(index)?.subdevice;
        fb_info_v2(&self.ctl, self.client, sub)
    }

    /// The GPUs the driver reports through CARD_INFO (valid entries).
    pub fn cards(&self) -> NvResult<Vec<NvIoctlCardInfo>> {
        Ok(self
            .ctl
            .card_info(NV_MAX_DEVICES)?
            .into_iter()
            .filter(|c| c.valid != 0)
            .collect())
    }
}

/// A deterministic byte pattern named by a word: byte `i` of pattern
/// `name` (an xorshift stream seeded from the name's FNV-1a hash).
pub struct Pattern {
    seed: u64,
}

impl Pattern {
    /// The pattern called `name`.
    pub fn new(name: &str) -> Pattern {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Pattern { seed: h | 1 }
    }

    /// Bytes `[offset, offset + out.len())` of the pattern (offset a
    /// multiple of 8).
    pub fn fill(&self, offset: u64, out: &mut [u8]) {
        debug_assert!(offset & 7 == 0);
        for (i, chunk) in out.chunks_mut(8).enumerate() {
            let word = mix(self.seed ^ (offset / 8 + i as u64));
            chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);
        }
    }

    /// Write the pattern over the whole mapping.
    pub fn write(&self, map: &Mapping) {
        let mut buf = vec![0u8; 1 << 16];
        let mut off = 0usize;
        while off < map.len() {
            let n = buf.len().min(map.len() - off);
            self.fill(off as u64, &mut buf[..n]);
            map.write(off, &buf[..n]);
            off += n;
        }
    }

    /// The first offset where the mapping differs from the pattern.
    pub fn verify(&self, map: &Mapping) -> Option<usize> {
        let mut want = vec![0u8; 1 << 16];
        let mut got = vec![0u8; 1 << 16];
        let mut off = 0usize;
        while off < map.len() {
            let n = want.len().min(map.len() - off);
            self.fill(off as u64, &mut want[..n]);
            map.read(off, &mut got[..n]);
            if let Some(i) = (0..n).find(|&i| want[i] != got[i]) {
                return Some(off + i);
            }
            off += n;
        }
        None
    }
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_themselves() {
        assert_eq!(NvError::Rm(NV_ERR_NO_MEMORY).name(), "NV_ERR_NO_MEMORY");
        assert_eq!(
            NvError::Rm(NV_ERR_NO_MEMORY).to_string(),
            "NV_ERR_NO_MEMORY (0x51)"
        );
        assert_eq!(NvError::Os(Errno::EINVAL).name(), "EINVAL");
        let j = NvError::Rm(0x51).to_json();
        assert_eq!(j["status"], "NV_ERR_NO_MEMORY");
        assert_eq!(j["code"], 81);
        assert_eq!(j["ok"], false);
        assert_eq!(NvError::Os(Errno::EINVAL).to_json()["code"], 22);
    }

    #[test]
    fn via_names() {
        assert_eq!(Via::parse("rm"), Some(Via::RmAlloc));
        assert_eq!(Via::parse("vidheap"), Some(Via::VidHeap));
        assert_eq!(Via::parse("range"), Some(Via::VidHeapRange));
        assert_eq!(Via::parse("vid-heap-range"), Some(Via::VidHeapRange));
        assert_eq!(Via::parse("x"), None);
    }

    #[test]
    fn patterns_differ_and_repeat() {
        let a = Pattern::new("a");
        let b = Pattern::new("b");
        let mut x = [0u8; 64];
        let mut y = [0u8; 64];
        a.fill(0, &mut x);
        b.fill(0, &mut y);
        assert_ne!(x, y);
        let mut z = [0u8; 56];
        a.fill(8, &mut z);
        assert_eq!(&x[8..], &z[..]);
    }

    #[test]
    fn c_strings() {
        assert_eq!(c_string(b"595.45.04\0xx"), "595.45.04");
        assert_eq!(c_string(b"abc"), "abc");
    }

    #[test]
    fn memory_params_are_valid_for_rm() {
        let p = memory_params(4096, ATTR_VIDMEM, 0);
        assert_ne!(p.owner, 0);
        assert_eq!(p.size, 4096);
        assert_eq!(
            NVOS32_ATTR_LOCATION.get(ATTR_SYSMEM),
            NVOS32_ATTR_LOCATION_PCI
        );
    }
}
