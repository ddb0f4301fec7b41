//! Parameter structs of the RM escapes and of the "nv" escapes
//! (reference §2), with the flag fields vgpu and the mock need.
//!
//! Offsets and sizes are x86_64 (and any LP64 target where `u64` is 8-byte
//! aligned); every struct has a compile-time size check and offset checks
//! for the fields the reference lists.

use core::mem::{offset_of, size_of};

use super::{BitField, NvBool, NvHandle, NvP64, NvStatus};

/// First client handle RM hands out (`RS_CLIENT_HANDLE_BASE`); later
/// clients count up from here.
pub const RS_CLIENT_HANDLE_BASE: u32 = 0xC1D0_0000;
/// Number of client handles above `RS_CLIENT_HANDLE_BASE`
/// (`RS_CLIENT_HANDLE_MAX`, a power of two).
pub const RS_CLIENT_HANDLE_MAX: u32 = 0x0010_0000;
/// First object handle RM generates when `hObjectNew == 0`
/// (`RS_UNIQUE_HANDLE_BASE`).
pub const RS_UNIQUE_HANDLE_BASE: u32 = 0xCAF0_0000;
/// Number of generated object handles per client (`RS_UNIQUE_HANDLE_RANGE`).
pub const RS_UNIQUE_HANDLE_RANGE: u32 = 0x0008_0000;
/// `HEAP_OWNER_RM_SCRATCH_BEGIN`: memory owner ids from here to
/// `HEAP_OWNER_RM_SCRATCH_END` are RM's own; RM refuses them from clients.
pub const HEAP_OWNER_RM_SCRATCH_BEGIN: u32 = 0xDEAF_0000;
/// `HEAP_OWNER_RM_SCRATCH_END` (inclusive).
pub const HEAP_OWNER_RM_SCRATCH_END: u32 = 0xDEAF_0003;
/// `NV_VERSION_STRING` of the driver the reference describes (and the mock
/// impersonates). `NV_ESC_CHECK_VERSION_STR` compares against it.
pub const NV_VERSION_STRING: &str = "595.45.04";

// ---------------------------------------------------------------------------
// NV_ESC_RM_FREE

/// `NVOS00_PARAMETERS` (`NV_ESC_RM_FREE`), 16 bytes. Freeing
/// `h_object_old == h_root` frees the whole client.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos00Parameters {
    /// Client handle.
    pub h_root: NvHandle,
    /// Parent of the object to free.
    pub h_object_parent: NvHandle,
    /// The object to free.
    pub h_object_old: NvHandle,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<Nvos00Parameters>() == 16);
const _: () = assert!(offset_of!(Nvos00Parameters, h_object_parent) == 4);
const _: () = assert!(offset_of!(Nvos00Parameters, h_object_old) == 8);
const _: () = assert!(offset_of!(Nvos00Parameters, status) == 12);

// ---------------------------------------------------------------------------
// NV_ESC_RM_ALLOC_OBJECT

/// `NVOS05_PARAMETERS` (`NV_ESC_RM_ALLOC_OBJECT`, legacy), 20 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos05Parameters {
    /// Client handle.
    pub h_root: NvHandle,
    /// Parent handle.
    pub h_object_parent: NvHandle,
    /// New object handle.
    pub h_object_new: NvHandle,
    /// Class of the new object.
    pub h_class: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<Nvos05Parameters>() == 20);
const _: () = assert!(offset_of!(Nvos05Parameters, status) == 16);

// ---------------------------------------------------------------------------
// NV_ESC_RM_ALLOC

/// `NVOS21_PARAMETERS` (`NV_ESC_RM_ALLOC`), 32 bytes. RM copies the
/// class's parameter struct from `p_alloc_parms`; how many bytes comes from
/// the class (see [`super::alloc_params::alloc_param_size`]), never from
/// `params_size`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos21Parameters {
    /// Client handle (for a root class: IN/OUT the new client's handle).
    pub h_root: NvHandle,
    /// Parent of the new object.
    pub h_object_parent: NvHandle,
    /// IN/OUT: handle of the new object, 0 asks RM to pick one.
    pub h_object_new: NvHandle,
    /// Class of the new object.
    pub h_class: u32,
    /// User pointer to the class's allocation parameters.
    pub p_alloc_parms: NvP64,
    /// Size of the allocation parameters (informational).
    pub params_size: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<Nvos21Parameters>() == 32);
const _: () = assert!(offset_of!(Nvos21Parameters, h_object_parent) == 4);
const _: () = assert!(offset_of!(Nvos21Parameters, h_object_new) == 8);
const _: () = assert!(offset_of!(Nvos21Parameters, h_class) == 12);
const _: () = assert!(offset_of!(Nvos21Parameters, p_alloc_parms) == 16);
const _: () = assert!(offset_of!(Nvos21Parameters, params_size) == 24);
const _: () = assert!(offset_of!(Nvos21Parameters, status) == 28);

/// `NVOS64_FLAGS_NONE`.
pub const NVOS64_FLAGS_NONE: u32 = 0x0;
/// `NVOS64_FLAGS_FINN_SERIALIZED`: the parameters are FINN-serialized.
pub const NVOS64_FLAGS_FINN_SERIALIZED: u32 = 0x1;

/// `NVOS64_PARAMETERS` (`NV_ESC_RM_ALLOC` with access rights), 48 bytes.
/// Shares its first 24 bytes with [`Nvos21Parameters`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos64Parameters {
    /// Client handle.
    pub h_root: NvHandle,
    /// Parent of the new object.
    pub h_object_parent: NvHandle,
    /// IN/OUT: handle of the new object, 0 asks RM to pick one.
    pub h_object_new: NvHandle,
    /// Class of the new object.
    pub h_class: u32,
    /// User pointer to the class's allocation parameters.
    pub p_alloc_parms: NvP64,
    /// User pointer to the requested `RS_ACCESS_MASK`, or 0.
    pub p_rights_requested: NvP64,
    /// Size of the allocation parameters (informational).
    pub params_size: u32,
    /// `NVOS64_FLAGS_*`.
    pub flags: u32,
    /// OUT: RM status.
    pub status: NvStatus,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<Nvos64Parameters>() == 48);
const _: () = assert!(offset_of!(Nvos64Parameters, p_alloc_parms) == 16);
const _: () = assert!(offset_of!(Nvos64Parameters, p_rights_requested) == 24);
const _: () = assert!(offset_of!(Nvos64Parameters, params_size) == 32);
const _: () = assert!(offset_of!(Nvos64Parameters, flags) == 36);
const _: () = assert!(offset_of!(Nvos64Parameters, status) == 40);

// ---------------------------------------------------------------------------
// NV_ESC_RM_CONTROL

/// `NVOS54_FLAGS_NONE`.
pub const NVOS54_FLAGS_NONE: u32 = 0x0;
/// `NVOS54_FLAGS_IRQL_RAISED`.
pub const NVOS54_FLAGS_IRQL_RAISED: u32 = 0x1;
/// `NVOS54_FLAGS_LOCK_BYPASS`.
pub const NVOS54_FLAGS_LOCK_BYPASS: u32 = 0x2;
/// `NVOS54_FLAGS_FINN_SERIALIZED`.
pub const NVOS54_FLAGS_FINN_SERIALIZED: u32 = 0x4;

/// `NVOS54_PARAMETERS` (`NV_ESC_RM_CONTROL`), 32 bytes. `params_size` must
/// equal the control's parameter size exactly (else
/// `NV_ERR_INVALID_PARAM_STRUCT`), see [`super::ctrl::ctrl_param_size`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos54Parameters {
    /// Client handle.
    pub h_client: NvHandle,
    /// Object the control is addressed to.
    pub h_object: NvHandle,
    /// Control command (class 31:16, category 15:8, message 7:0).
    pub cmd: u32,
    /// `NVOS54_FLAGS_*`.
    pub flags: u32,
    /// User pointer to the control's parameters.
    pub params: NvP64,
    /// Size of the control's parameters.
    pub params_size: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<Nvos54Parameters>() == 32);
const _: () = assert!(offset_of!(Nvos54Parameters, h_object) == 4);
const _: () = assert!(offset_of!(Nvos54Parameters, cmd) == 8);
const _: () = assert!(offset_of!(Nvos54Parameters, flags) == 12);
const _: () = assert!(offset_of!(Nvos54Parameters, params) == 16);
const _: () = assert!(offset_of!(Nvos54Parameters, params_size) == 24);
const _: () = assert!(offset_of!(Nvos54Parameters, status) == 28);

// ---------------------------------------------------------------------------
// NV_ESC_RM_MAP_MEMORY / NV_ESC_RM_UNMAP_MEMORY

/// `NVOS33_FLAGS_ACCESS` 1:0.
pub const NVOS33_FLAGS_ACCESS: BitField = BitField::new(1, 0);
/// `NVOS33_FLAGS_ACCESS_READ_WRITE`.
pub const NVOS33_FLAGS_ACCESS_READ_WRITE: u32 = 0;
/// `NVOS33_FLAGS_ACCESS_READ_ONLY`.
pub const NVOS33_FLAGS_ACCESS_READ_ONLY: u32 = 1;
/// `NVOS33_FLAGS_ACCESS_WRITE_ONLY`.
pub const NVOS33_FLAGS_ACCESS_WRITE_ONLY: u32 = 2;
/// `NVOS33_FLAGS_PERSISTENT` 4:4 (no longer supported by RM).
pub const NVOS33_FLAGS_PERSISTENT: BitField = BitField::new(4, 4);
/// `NVOS33_FLAGS_PERSISTENT_DISABLE`.
pub const NVOS33_FLAGS_PERSISTENT_DISABLE: u32 = 0;
/// `NVOS33_FLAGS_PERSISTENT_ENABLE`.
pub const NVOS33_FLAGS_PERSISTENT_ENABLE: u32 = 1;
/// `NVOS33_FLAGS_SKIP_SIZE_CHECK` 8:8.
pub const NVOS33_FLAGS_SKIP_SIZE_CHECK: BitField = BitField::new(8, 8);
/// `NVOS33_FLAGS_MEM_SPACE` 14:14 (0 = CLIENT, 1 = USER).
pub const NVOS33_FLAGS_MEM_SPACE: BitField = BitField::new(14, 14);
/// `NVOS33_FLAGS_MEM_SPACE_CLIENT`.
pub const NVOS33_FLAGS_MEM_SPACE_CLIENT: u32 = 0;
/// `NVOS33_FLAGS_MEM_SPACE_USER`.
pub const NVOS33_FLAGS_MEM_SPACE_USER: u32 = 1;
/// `NVOS33_FLAGS_MAPPING` 16:15.
pub const NVOS33_FLAGS_MAPPING: BitField = BitField::new(16, 15);
/// `NVOS33_FLAGS_MAPPING_DEFAULT`.
pub const NVOS33_FLAGS_MAPPING_DEFAULT: u32 = 0;
/// `NVOS33_FLAGS_MAPPING_DIRECT`.
pub const NVOS33_FLAGS_MAPPING_DIRECT: u32 = 1;
/// `NVOS33_FLAGS_MAPPING_REFLECTED`.
pub const NVOS33_FLAGS_MAPPING_REFLECTED: u32 = 2;
/// `NVOS33_FLAGS_FIFO_MAPPING` 17:17.
pub const NVOS33_FLAGS_FIFO_MAPPING: BitField = BitField::new(17, 17);
/// `NVOS33_FLAGS_MAP_FIXED` 18:18.
pub const NVOS33_FLAGS_MAP_FIXED: BitField = BitField::new(18, 18);
/// `NVOS33_FLAGS_RESERVE_ON_UNMAP` 19:19.
pub const NVOS33_FLAGS_RESERVE_ON_UNMAP: BitField = BitField::new(19, 19);
/// `NVOS33_FLAGS_BUS` 21:20.
pub const NVOS33_FLAGS_BUS: BitField = BitField::new(21, 20);
/// `NVOS33_FLAGS_CACHING_TYPE` 25:23; forced to DEFAULT on the ioctl path.
pub const NVOS33_FLAGS_CACHING_TYPE: BitField = BitField::new(25, 23);
/// `NVOS33_FLAGS_CACHING_TYPE_CACHED`.
pub const NVOS33_FLAGS_CACHING_TYPE_CACHED: u32 = 0;
/// `NVOS33_FLAGS_CACHING_TYPE_UNCACHED`.
pub const NVOS33_FLAGS_CACHING_TYPE_UNCACHED: u32 = 1;
/// `NVOS33_FLAGS_CACHING_TYPE_WRITECOMBINED`.
pub const NVOS33_FLAGS_CACHING_TYPE_WRITECOMBINED: u32 = 2;
/// `NVOS33_FLAGS_CACHING_TYPE_WRITEBACK`.
pub const NVOS33_FLAGS_CACHING_TYPE_WRITEBACK: u32 = 5;
/// `NVOS33_FLAGS_CACHING_TYPE_DEFAULT`.
pub const NVOS33_FLAGS_CACHING_TYPE_DEFAULT: u32 = 6;
/// `NVOS33_FLAGS_CACHING_TYPE_UNCACHED_WEAK`.
pub const NVOS33_FLAGS_CACHING_TYPE_UNCACHED_WEAK: u32 = 7;

/// `NVOS33_PARAMETERS` (`NV_ESC_RM_MAP_MEMORY` core), 48 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos33Parameters {
    /// Client handle.
    pub h_client: NvHandle,
    /// Device or subdevice (== client for client-level memory).
    pub h_device: NvHandle,
    /// Memory object to map.
    pub h_memory: NvHandle,
    /// Padding before `offset`.
    pub _pad0: u32,
    /// Offset into the memory object.
    pub offset: u64,
    /// Length of the mapping.
    pub length: u64,
    /// OUT: on Linux a physical/bus address token, not a CPU pointer.
    pub p_linear_address: NvP64,
    /// OUT: RM status.
    pub status: NvStatus,
    /// `NVOS33_FLAGS_*`.
    pub flags: u32,
}
const _: () = assert!(size_of::<Nvos33Parameters>() == 48);
const _: () = assert!(offset_of!(Nvos33Parameters, h_device) == 4);
const _: () = assert!(offset_of!(Nvos33Parameters, h_memory) == 8);
const _: () = assert!(offset_of!(Nvos33Parameters, offset) == 16);
const _: () = assert!(offset_of!(Nvos33Parameters, length) == 24);
const _: () = assert!(offset_of!(Nvos33Parameters, p_linear_address) == 32);
const _: () = assert!(offset_of!(Nvos33Parameters, status) == 40);
const _: () = assert!(offset_of!(Nvos33Parameters, flags) == 44);

/// `nv_ioctl_nvos33_parameters_with_fd` (`NV_ESC_RM_MAP_MEMORY`), 56 bytes.
/// `fd` names *another* open file (a fresh `/dev/nvidiaN` for BAR memory,
/// a ctl fd for sysmem) that receives the one-shot mmap context.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlNvos33ParametersWithFd {
    /// The RM parameters.
    pub params: Nvos33Parameters,
    /// The file that gets the mmap context.
    pub fd: i32,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<NvIoctlNvos33ParametersWithFd>() == 56);
const _: () = assert!(offset_of!(NvIoctlNvos33ParametersWithFd, fd) == 48);

/// `NVOS34_PARAMETERS` (`NV_ESC_RM_UNMAP_MEMORY`), 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos34Parameters {
    /// Client handle.
    pub h_client: NvHandle,
    /// Device or subdevice.
    pub h_device: NvHandle,
    /// Memory object.
    pub h_memory: NvHandle,
    /// Padding before `p_linear_address`.
    pub _pad0: u32,
    /// The address (token) the mapping was returned as.
    pub p_linear_address: NvP64,
    /// OUT: RM status.
    pub status: NvStatus,
    /// `NVOS33_FLAGS_*`.
    pub flags: u32,
}
const _: () = assert!(size_of::<Nvos34Parameters>() == 32);
const _: () = assert!(offset_of!(Nvos34Parameters, p_linear_address) == 16);
const _: () = assert!(offset_of!(Nvos34Parameters, status) == 24);
const _: () = assert!(offset_of!(Nvos34Parameters, flags) == 28);

// ---------------------------------------------------------------------------
// NV_ESC_RM_ALLOC_MEMORY

/// `NVOS02_FLAGS_PHYSICALITY` 7:4.
pub const NVOS02_FLAGS_PHYSICALITY: BitField = BitField::new(7, 4);
/// `NVOS02_FLAGS_PHYSICALITY_CONTIGUOUS`.
pub const NVOS02_FLAGS_PHYSICALITY_CONTIGUOUS: u32 = 0;
/// `NVOS02_FLAGS_PHYSICALITY_NONCONTIGUOUS`.
pub const NVOS02_FLAGS_PHYSICALITY_NONCONTIGUOUS: u32 = 1;
/// `NVOS02_FLAGS_LOCATION` 11:8.
pub const NVOS02_FLAGS_LOCATION: BitField = BitField::new(11, 8);
/// `NVOS02_FLAGS_LOCATION_PCI`.
pub const NVOS02_FLAGS_LOCATION_PCI: u32 = 0;
/// `NVOS02_FLAGS_LOCATION_VIDMEM`.
pub const NVOS02_FLAGS_LOCATION_VIDMEM: u32 = 2;
/// `NVOS02_FLAGS_COHERENCY` 15:12.
pub const NVOS02_FLAGS_COHERENCY: BitField = BitField::new(15, 12);
/// `NVOS02_FLAGS_COHERENCY_UNCACHED`.
pub const NVOS02_FLAGS_COHERENCY_UNCACHED: u32 = 0;
/// `NVOS02_FLAGS_COHERENCY_CACHED`.
pub const NVOS02_FLAGS_COHERENCY_CACHED: u32 = 1;
/// `NVOS02_FLAGS_COHERENCY_WRITE_COMBINE`.
pub const NVOS02_FLAGS_COHERENCY_WRITE_COMBINE: u32 = 2;
/// `NVOS02_FLAGS_COHERENCY_WRITE_BACK`.
pub const NVOS02_FLAGS_COHERENCY_WRITE_BACK: u32 = 5;
/// `NVOS02_FLAGS_ALLOC` 17:16.
pub const NVOS02_FLAGS_ALLOC: BitField = BitField::new(17, 16);
/// `NVOS02_FLAGS_ALLOC_NONE`: do not allocate (no mmap context either).
pub const NVOS02_FLAGS_ALLOC_NONE: u32 = 1;
/// `NVOS02_FLAGS_GPU_CACHEABLE` 18:18.
pub const NVOS02_FLAGS_GPU_CACHEABLE: BitField = BitField::new(18, 18);
/// `NVOS02_FLAGS_KERNEL_MAPPING` 19:19.
pub const NVOS02_FLAGS_KERNEL_MAPPING: BitField = BitField::new(19, 19);
/// `NVOS02_FLAGS_KERNEL_MAPPING_NO_MAP`.
pub const NVOS02_FLAGS_KERNEL_MAPPING_NO_MAP: u32 = 0;
/// `NVOS02_FLAGS_KERNEL_MAPPING_MAP`: RM also maps the memory in the kernel.
pub const NVOS02_FLAGS_KERNEL_MAPPING_MAP: u32 = 1;
/// `NVOS02_FLAGS_ALLOC_USER_READ_ONLY` 21:21.
pub const NVOS02_FLAGS_ALLOC_USER_READ_ONLY: BitField = BitField::new(21, 21);
/// `NVOS02_FLAGS_MAPPING` 31:30.
pub const NVOS02_FLAGS_MAPPING: BitField = BitField::new(31, 30);
/// `NVOS02_FLAGS_MAPPING_DEFAULT`: map now (creates the mmap context).
pub const NVOS02_FLAGS_MAPPING_DEFAULT: u32 = 0;
/// `NVOS02_FLAGS_MAPPING_NO_MAP`: map later through `NV_ESC_RM_MAP_MEMORY`.
pub const NVOS02_FLAGS_MAPPING_NO_MAP: u32 = 1;
/// `NVOS02_FLAGS_MAPPING_NEVER_MAP`.
pub const NVOS02_FLAGS_MAPPING_NEVER_MAP: u32 = 2;

/// `NVOS02_PARAMETERS` (`NV_ESC_RM_ALLOC_MEMORY` core), 48 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos02Parameters {
    /// Client handle.
    pub h_root: NvHandle,
    /// Parent (device).
    pub h_object_parent: NvHandle,
    /// IN/OUT: new memory object handle.
    pub h_object_new: NvHandle,
    /// Memory class (`NV01_MEMORY_SYSTEM`, ...).
    pub h_class: u32,
    /// `NVOS02_FLAGS_*`.
    pub flags: u32,
    /// Padding before `p_memory`.
    pub _pad0: u32,
    /// IN/OUT: address.
    pub p_memory: NvP64,
    /// Size − 1.
    pub limit: u64,
    /// OUT: RM status.
    pub status: NvStatus,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<Nvos02Parameters>() == 48);
const _: () = assert!(offset_of!(Nvos02Parameters, h_class) == 12);
const _: () = assert!(offset_of!(Nvos02Parameters, flags) == 16);
const _: () = assert!(offset_of!(Nvos02Parameters, p_memory) == 24);
const _: () = assert!(offset_of!(Nvos02Parameters, limit) == 32);
const _: () = assert!(offset_of!(Nvos02Parameters, status) == 40);

/// `nv_ioctl_nvos02_parameters_with_fd` (`NV_ESC_RM_ALLOC_MEMORY`), 56 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlNvos02ParametersWithFd {
    /// The RM parameters.
    pub params: Nvos02Parameters,
    /// The file that gets the mmap context (unless ALLOC_NONE/NO_MAP).
    pub fd: i32,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<NvIoctlNvos02ParametersWithFd>() == 56);
const _: () = assert!(offset_of!(NvIoctlNvos02ParametersWithFd, fd) == 48);

// ---------------------------------------------------------------------------
// NV_ESC_RM_VID_HEAP_CONTROL

/// `NVOS32_FUNCTION_ALLOC_SIZE`: allocate memory (size at absolute offset 88).
pub const NVOS32_FUNCTION_ALLOC_SIZE: u32 = 2;
/// `NVOS32_FUNCTION_FREE`: free by `hMemory`.
pub const NVOS32_FUNCTION_FREE: u32 = 3;
/// `NVOS32_FUNCTION_INFO`.
pub const NVOS32_FUNCTION_INFO: u32 = 5;
/// `NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT` (size also at absolute 88).
pub const NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT: u32 = 6;
/// `NVOS32_FUNCTION_ALLOC_SIZE_RANGE` (size at absolute offset 80).
pub const NVOS32_FUNCTION_ALLOC_SIZE_RANGE: u32 = 14;
/// `NVOS32_FUNCTION_REACQUIRE_COMPR`.
pub const NVOS32_FUNCTION_REACQUIRE_COMPR: u32 = 15;
/// `NVOS32_FUNCTION_RELEASE_COMPR`.
pub const NVOS32_FUNCTION_RELEASE_COMPR: u32 = 16;
/// `NVOS32_FUNCTION_GET_MEM_ALIGNMENT`.
pub const NVOS32_FUNCTION_GET_MEM_ALIGNMENT: u32 = 18;
/// `NVOS32_FUNCTION_HW_ALLOC`.
pub const NVOS32_FUNCTION_HW_ALLOC: u32 = 19;
/// `NVOS32_FUNCTION_HW_FREE`.
pub const NVOS32_FUNCTION_HW_FREE: u32 = 20;
/// `NVOS32_FUNCTION_ALLOC_OS_DESCRIPTOR`.
pub const NVOS32_FUNCTION_ALLOC_OS_DESCRIPTOR: u32 = 27;

/// `NVOS32_IVC_HEAP_NUMBER_DONT_ALLOCATE_ON_IVC_HEAP` (for `ivcHeapNumber`).
pub const NVOS32_IVC_HEAP_NUMBER_DONT_ALLOCATE_ON_IVC_HEAP: i16 = 0;

/// `NVOS32_TYPE_IMAGE` (surface type used for generic allocations).
pub const NVOS32_TYPE_IMAGE: u32 = 0;
/// `NVOS32_TYPE_DEPTH`.
pub const NVOS32_TYPE_DEPTH: u32 = 1;
/// `NVOS32_TYPE_TEXTURE`.
pub const NVOS32_TYPE_TEXTURE: u32 = 2;
/// `NVOS32_TYPE_NOTIFIER`.
pub const NVOS32_TYPE_NOTIFIER: u32 = 13;

/// `NVOS32_ATTR_PAGE_SIZE` 24:23.
pub const NVOS32_ATTR_PAGE_SIZE: BitField = BitField::new(24, 23);
/// `NVOS32_ATTR_PAGE_SIZE_DEFAULT`.
pub const NVOS32_ATTR_PAGE_SIZE_DEFAULT: u32 = 0;
/// `NVOS32_ATTR_PAGE_SIZE_4KB`.
pub const NVOS32_ATTR_PAGE_SIZE_4KB: u32 = 1;
/// `NVOS32_ATTR_PAGE_SIZE_BIG`.
pub const NVOS32_ATTR_PAGE_SIZE_BIG: u32 = 2;
/// `NVOS32_ATTR_PAGE_SIZE_HUGE`.
pub const NVOS32_ATTR_PAGE_SIZE_HUGE: u32 = 3;
/// `NVOS32_ATTR_LOCATION` 26:25.
pub const NVOS32_ATTR_LOCATION: BitField = BitField::new(26, 25);
/// `NVOS32_ATTR_LOCATION_VIDMEM`.
pub const NVOS32_ATTR_LOCATION_VIDMEM: u32 = 0;
/// `NVOS32_ATTR_LOCATION_PCI` (sysmem).
pub const NVOS32_ATTR_LOCATION_PCI: u32 = 1;
/// `NVOS32_ATTR_LOCATION_ANY`.
pub const NVOS32_ATTR_LOCATION_ANY: u32 = 3;
/// `NVOS32_ATTR_PHYSICALITY` 28:27.
pub const NVOS32_ATTR_PHYSICALITY: BitField = BitField::new(28, 27);
/// `NVOS32_ATTR_PHYSICALITY_DEFAULT`.
pub const NVOS32_ATTR_PHYSICALITY_DEFAULT: u32 = 0;
/// `NVOS32_ATTR_PHYSICALITY_NONCONTIGUOUS`.
pub const NVOS32_ATTR_PHYSICALITY_NONCONTIGUOUS: u32 = 1;
/// `NVOS32_ATTR_PHYSICALITY_CONTIGUOUS`.
pub const NVOS32_ATTR_PHYSICALITY_CONTIGUOUS: u32 = 2;
/// `NVOS32_ATTR_PHYSICALITY_ALLOW_NONCONTIGUOUS`.
pub const NVOS32_ATTR_PHYSICALITY_ALLOW_NONCONTIGUOUS: u32 = 3;
/// `NVOS32_ATTR_COHERENCY` 31:29.
pub const NVOS32_ATTR_COHERENCY: BitField = BitField::new(31, 29);
/// `NVOS32_ATTR_COHERENCY_UNCACHED`.
pub const NVOS32_ATTR_COHERENCY_UNCACHED: u32 = 0;
/// `NVOS32_ATTR_COHERENCY_CACHED`.
pub const NVOS32_ATTR_COHERENCY_CACHED: u32 = 1;
/// `NVOS32_ATTR_COHERENCY_WRITE_COMBINE`.
pub const NVOS32_ATTR_COHERENCY_WRITE_COMBINE: u32 = 2;
/// `NVOS32_ATTR_COHERENCY_WRITE_BACK`.
pub const NVOS32_ATTR_COHERENCY_WRITE_BACK: u32 = 5;
/// `NVOS32_ATTR2_GPU_CACHEABLE` 3:2 (in `attr2`).
pub const NVOS32_ATTR2_GPU_CACHEABLE: BitField = BitField::new(3, 2);
/// `NVOS32_ATTR2_PAGE_SIZE_HUGE` 21:20 (with `NVOS32_ATTR_PAGE_SIZE_HUGE`).
pub const NVOS32_ATTR2_PAGE_SIZE_HUGE: BitField = BitField::new(21, 20);
/// `NVOS32_ATTR2_PAGE_SIZE_HUGE_DEFAULT`.
pub const NVOS32_ATTR2_PAGE_SIZE_HUGE_DEFAULT: u32 = 0;
/// `NVOS32_ATTR2_PAGE_SIZE_HUGE_2MB`.
pub const NVOS32_ATTR2_PAGE_SIZE_HUGE_2MB: u32 = 1;
/// `NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB`.
pub const NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB: u32 = 2;
/// `NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB`.
pub const NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB: u32 = 3;
/// `NVOS32_ATTR2_PROTECTION_USER` 22:22.
pub const NVOS32_ATTR2_PROTECTION_USER: BitField = BitField::new(22, 22);
/// `NVOS32_ATTR2_PROTECTION_USER_READ_WRITE`.
pub const NVOS32_ATTR2_PROTECTION_USER_READ_WRITE: u32 = 0;
/// `NVOS32_ATTR2_PROTECTION_USER_READ_ONLY`: CPU mappings are read-only.
pub const NVOS32_ATTR2_PROTECTION_USER_READ_ONLY: u32 = 1;

/// `NVOS32_ALLOC_FLAGS_IGNORE_BANK_PLACEMENT`.
pub const NVOS32_ALLOC_FLAGS_IGNORE_BANK_PLACEMENT: u32 = 0x0000_0001;
/// `NVOS32_ALLOC_FLAGS_FIXED_ADDRESS_ALLOCATE`: place at `offset`.
pub const NVOS32_ALLOC_FLAGS_FIXED_ADDRESS_ALLOCATE: u32 = 0x0000_0010;
/// `NVOS32_ALLOC_FLAGS_ALIGNMENT_HINT`.
pub const NVOS32_ALLOC_FLAGS_ALIGNMENT_HINT: u32 = 0x0000_0080;
/// `NVOS32_ALLOC_FLAGS_ALIGNMENT_FORCE`.
pub const NVOS32_ALLOC_FLAGS_ALIGNMENT_FORCE: u32 = 0x0000_0100;
/// `NVOS32_ALLOC_FLAGS_MEMORY_HANDLE_PROVIDED`: `hMemory` is an input.
pub const NVOS32_ALLOC_FLAGS_MEMORY_HANDLE_PROVIDED: u32 = 0x0000_4000;
/// `NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED`.
pub const NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED: u32 = 0x0000_8000;
/// `NVOS32_ALLOC_FLAGS_PERSISTENT_VIDMEM`.
pub const NVOS32_ALLOC_FLAGS_PERSISTENT_VIDMEM: u32 = 0x0001_0000;
/// `NVOS32_ALLOC_FLAGS_USE_BEGIN_END`: honour `rangeBegin`/`rangeEnd`.
pub const NVOS32_ALLOC_FLAGS_USE_BEGIN_END: u32 = 0x0002_0000;
/// `NVOS32_ALLOC_FLAGS_VIRTUAL`: a VA reservation (`NV50_MEMORY_VIRTUAL`).
pub const NVOS32_ALLOC_FLAGS_VIRTUAL: u32 = 0x0008_0000;
/// `NVOS32_ALLOC_FLAGS_PROTECTED`.
pub const NVOS32_ALLOC_FLAGS_PROTECTED: u32 = 0x0100_0000;
/// `NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP` (aliases `MAXIMIZE_ADDRESS_SPACE`).
pub const NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP: u32 = 0x0200_0000;
/// `NVOS32_ALLOC_FLAGS_SPARSE`.
pub const NVOS32_ALLOC_FLAGS_SPARSE: u32 = 0x0400_0000;
/// `NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED` (required by FUNCTION_FREE).
pub const NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED: u32 = 0x1;

/// The `data` union of `NVOS32_PARAMETERS` viewed as raw storage (144
/// bytes, 8-aligned). Read the header's `function` through
/// `Nvos32Parameters<Nvos32Data>`, then reinterpret the same bytes as the
/// right variant.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos32Data {
    /// The union's bytes.
    pub raw: [u64; 18],
}
const _: () = assert!(size_of::<Nvos32Data>() == 144);

/// The `AllocSize` variant of the NVOS32 `data` union (functions
/// `ALLOC_SIZE`; 144 bytes including the unused tail of the union).
/// Offsets below are relative to `data` (absolute = +40).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos32AllocSize {
    /// Memory owner id.
    pub owner: u32,
    /// IN/OUT: memory handle (IN only with MEMORY_HANDLE_PROVIDED).
    pub h_memory: NvHandle,
    /// `NVOS32_TYPE_*`.
    pub type_: u32,
    /// `NVOS32_ALLOC_FLAGS_*`.
    pub flags: u32,
    /// IN/OUT: `NVOS32_ATTR_*`.
    pub attr: u32,
    /// IN/OUT: format.
    pub format: u32,
    /// IN/OUT: compression coverage.
    pub compr_covg: u32,
    /// OUT: zcull coverage.
    pub zcull_covg: u32,
    /// IN/OUT: partition stride.
    pub partition_stride: u32,
    /// Width hint.
    pub width: u32,
    /// Height hint.
    pub height: u32,
    /// Padding before `size`.
    pub _pad0: u32,
    /// IN/OUT: size in bytes (absolute offset 88); RM returns the real size.
    pub size: u64,
    /// Requested alignment.
    pub alignment: u64,
    /// IN/OUT: offset (with FIXED_ADDRESS_ALLOCATE).
    pub offset: u64,
    /// OUT: limit.
    pub limit: u64,
    /// OUT: address.
    pub address: NvP64,
    /// Start of the allowed range.
    pub range_begin: u64,
    /// End of the allowed range (inclusive).
    pub range_end: u64,
    /// IN/OUT: `NVOS32_ATTR2_*`.
    pub attr2: u32,
    /// Comptag offset.
    pub ctag_offset: u32,
    /// NUMA node.
    pub numa_node: i32,
    /// Padding after `numa_node`.
    pub _pad1: u32,
    /// Rest of the union (used by other variants).
    pub reserved: [u64; 3],
}
const _: () = assert!(size_of::<Nvos32AllocSize>() == 144);
const _: () = assert!(offset_of!(Nvos32AllocSize, h_memory) == 4);
const _: () = assert!(offset_of!(Nvos32AllocSize, type_) == 8);
const _: () = assert!(offset_of!(Nvos32AllocSize, flags) == 12);
const _: () = assert!(offset_of!(Nvos32AllocSize, attr) == 16);
const _: () = assert!(offset_of!(Nvos32AllocSize, size) == 48);
const _: () = assert!(offset_of!(Nvos32AllocSize, alignment) == 56);
const _: () = assert!(offset_of!(Nvos32AllocSize, offset) == 64);
const _: () = assert!(offset_of!(Nvos32AllocSize, limit) == 72);
const _: () = assert!(offset_of!(Nvos32AllocSize, address) == 80);
const _: () = assert!(offset_of!(Nvos32AllocSize, range_begin) == 88);
const _: () = assert!(offset_of!(Nvos32AllocSize, range_end) == 96);
const _: () = assert!(offset_of!(Nvos32AllocSize, attr2) == 104);
const _: () = assert!(offset_of!(Nvos32AllocSize, ctag_offset) == 108);
const _: () = assert!(offset_of!(Nvos32AllocSize, numa_node) == 112);

/// The `AllocSizeRange` variant of the NVOS32 `data` union (function
/// `ALLOC_SIZE_RANGE`): like `AllocSize` without width/height, so `size` is
/// at absolute offset 80 and `address` comes after the range.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos32AllocSizeRange {
    /// Memory owner id.
    pub owner: u32,
    /// IN/OUT: memory handle.
    pub h_memory: NvHandle,
    /// `NVOS32_TYPE_*`.
    pub type_: u32,
    /// `NVOS32_ALLOC_FLAGS_*`.
    pub flags: u32,
    /// IN/OUT: `NVOS32_ATTR_*`.
    pub attr: u32,
    /// IN/OUT: format.
    pub format: u32,
    /// IN/OUT: compression coverage.
    pub compr_covg: u32,
    /// OUT: zcull coverage.
    pub zcull_covg: u32,
    /// IN/OUT: partition stride.
    pub partition_stride: u32,
    /// Padding before `size`.
    pub _pad0: u32,
    /// IN/OUT: size in bytes (absolute offset 80).
    pub size: u64,
    /// Requested alignment.
    pub alignment: u64,
    /// IN/OUT: offset.
    pub offset: u64,
    /// OUT: limit.
    pub limit: u64,
    /// Start of the allowed range.
    pub range_begin: u64,
    /// End of the allowed range (inclusive).
    pub range_end: u64,
    /// OUT: address.
    pub address: NvP64,
    /// IN/OUT: `NVOS32_ATTR2_*`.
    pub attr2: u32,
    /// Comptag offset.
    pub ctag_offset: u32,
    /// NUMA node.
    pub numa_node: i32,
    /// Padding after `numa_node`.
    pub _pad1: u32,
    /// Rest of the union.
    pub reserved: [u64; 4],
}
const _: () = assert!(size_of::<Nvos32AllocSizeRange>() == 144);
const _: () = assert!(offset_of!(Nvos32AllocSizeRange, size) == 40);
const _: () = assert!(offset_of!(Nvos32AllocSizeRange, range_begin) == 72);
const _: () = assert!(offset_of!(Nvos32AllocSizeRange, address) == 88);
const _: () = assert!(offset_of!(Nvos32AllocSizeRange, numa_node) == 104);

/// The `Free` variant of the NVOS32 `data` union (function `FREE`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nvos32Free {
    /// Memory owner id.
    pub owner: u32,
    /// Memory handle to free.
    pub h_memory: NvHandle,
    /// Must be `NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED`.
    pub flags: u32,
    /// Rest of the union.
    pub reserved: [u32; 33],
}
impl Default for Nvos32Free {
    fn default() -> Self {
        Self {
            owner: 0,
            h_memory: 0,
            flags: 0,
            reserved: [0; 33],
        }
    }
}
const _: () = assert!(size_of::<Nvos32Free>() == 144);
const _: () = assert!(offset_of!(Nvos32Free, h_memory) == 4);
const _: () = assert!(offset_of!(Nvos32Free, flags) == 8);

/// `NVOS32_PARAMETERS` (`NV_ESC_RM_VID_HEAP_CONTROL`), 184 bytes, with the
/// `data` union as type parameter `D`: [`Nvos32Data`] (raw), or a variant
/// ([`Nvos32AllocSize`], [`Nvos32AllocSizeRange`], [`Nvos32Free`]). All
/// instantiations have the same layout; pick the variant by `function`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos32Parameters<D> {
    /// Client handle.
    pub h_root: NvHandle,
    /// Device handle.
    pub h_object_parent: NvHandle,
    /// `NVOS32_FUNCTION_*`.
    pub function: u32,
    /// VA space handle.
    pub h_va_space: NvHandle,
    /// IVC heap number (virtualization only).
    pub ivc_heap_number: i16,
    /// Padding before `status`.
    pub _pad0: u16,
    /// OUT: RM status.
    pub status: NvStatus,
    /// OUT: total heap size (0 on the ioctl path).
    pub total: u64,
    /// OUT: free heap size (0 on the ioctl path).
    pub free: u64,
    /// The function's arguments.
    pub data: D,
}
/// `NVOS32_PARAMETERS` read as `AllocSize` (function `ALLOC_SIZE`).
pub type Nvos32AllocSizeParameters = Nvos32Parameters<Nvos32AllocSize>;
/// `NVOS32_PARAMETERS` read as `AllocSizeRange`.
pub type Nvos32AllocSizeRangeParameters = Nvos32Parameters<Nvos32AllocSizeRange>;
/// `NVOS32_PARAMETERS` read as `Free`.
pub type Nvos32FreeParameters = Nvos32Parameters<Nvos32Free>;
/// `NVOS32_PARAMETERS` with the union left raw.
pub type Nvos32RawParameters = Nvos32Parameters<Nvos32Data>;

const _: () = assert!(size_of::<Nvos32RawParameters>() == 184);
const _: () = assert!(size_of::<Nvos32AllocSizeParameters>() == 184);
const _: () = assert!(size_of::<Nvos32AllocSizeRangeParameters>() == 184);
const _: () = assert!(size_of::<Nvos32FreeParameters>() == 184);
const _: () = assert!(offset_of!(Nvos32RawParameters, function) == 8);
const _: () = assert!(offset_of!(Nvos32RawParameters, h_va_space) == 12);
const _: () = assert!(offset_of!(Nvos32RawParameters, ivc_heap_number) == 16);
const _: () = assert!(offset_of!(Nvos32RawParameters, status) == 20);
const _: () = assert!(offset_of!(Nvos32RawParameters, total) == 24);
const _: () = assert!(offset_of!(Nvos32RawParameters, free) == 32);
const _: () = assert!(offset_of!(Nvos32RawParameters, data) == 40);
const _: () = assert!(offset_of!(Nvos32FreeParameters, data) == 40);
/// Absolute offset of `data.AllocSize.size` (the reference's "offset 88").
pub const NVOS32_ALLOC_SIZE_SIZE_OFFSET: usize =
    offset_of!(Nvos32AllocSizeParameters, data) + offset_of!(Nvos32AllocSize, size);
const _: () = assert!(NVOS32_ALLOC_SIZE_SIZE_OFFSET == 88);
/// Absolute offset of `data.AllocSizeRange.size`.
pub const NVOS32_ALLOC_SIZE_RANGE_SIZE_OFFSET: usize =
    offset_of!(Nvos32AllocSizeRangeParameters, data) + offset_of!(Nvos32AllocSizeRange, size);
const _: () = assert!(NVOS32_ALLOC_SIZE_RANGE_SIZE_OFFSET == 80);
/// Absolute offset of `data.AllocSize.hMemory` / `data.Free.hMemory`.
pub const NVOS32_DATA_H_MEMORY_OFFSET: usize =
    offset_of!(Nvos32AllocSizeParameters, data) + offset_of!(Nvos32AllocSize, h_memory);
const _: () = assert!(NVOS32_DATA_H_MEMORY_OFFSET == 44);

// ---------------------------------------------------------------------------
// NV_ESC_RM_DUP_OBJECT, NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO

/// `NV04_DUP_HANDLE_FLAGS_NONE`.
pub const NV04_DUP_HANDLE_FLAGS_NONE: u32 = 0x0;
/// `NV04_DUP_HANDLE_FLAGS_REJECT_KERNEL_DUP_PRIVILEGE`.
pub const NV04_DUP_HANDLE_FLAGS_REJECT_KERNEL_DUP_PRIVILEGE: u32 = 0x1;

/// `NVOS55_PARAMETERS` (`NV_ESC_RM_DUP_OBJECT`), 28 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos55Parameters {
    /// Destination client.
    pub h_client: NvHandle,
    /// Parent of the new object in the destination client.
    pub h_parent: NvHandle,
    /// IN/OUT: new object handle.
    pub h_object: NvHandle,
    /// Source client.
    pub h_client_src: NvHandle,
    /// Source object.
    pub h_object_src: NvHandle,
    /// `NV04_DUP_HANDLE_FLAGS_*`.
    pub flags: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<Nvos55Parameters>() == 28);
const _: () = assert!(offset_of!(Nvos55Parameters, h_client_src) == 12);
const _: () = assert!(offset_of!(Nvos55Parameters, h_object_src) == 16);
const _: () = assert!(offset_of!(Nvos55Parameters, status) == 24);

/// `NVOS56_PARAMETERS` (`NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO`), 40 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos56Parameters {
    /// Client handle.
    pub h_client: NvHandle,
    /// Device handle.
    pub h_device: NvHandle,
    /// Memory object.
    pub h_memory: NvHandle,
    /// Padding before `p_old_cpu_address`.
    pub _pad0: u32,
    /// Old CPU address of the mapping.
    pub p_old_cpu_address: NvP64,
    /// New CPU address of the mapping.
    pub p_new_cpu_address: NvP64,
    /// OUT: RM status.
    pub status: NvStatus,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<Nvos56Parameters>() == 40);
const _: () = assert!(offset_of!(Nvos56Parameters, p_old_cpu_address) == 16);
const _: () = assert!(offset_of!(Nvos56Parameters, status) == 32);

// ---------------------------------------------------------------------------
// "nv" escapes (nv-ioctl.h)

/// `nv_ioctl_xfer_t` (`NV_ESC_IOCTL_XFER_CMD`), 16 bytes: run escape `cmd`
/// (an nr, not a full ioctl number) with `size` bytes at `ptr`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlXfer {
    /// The inner escape nr.
    pub cmd: u32,
    /// Size of the inner parameters (≤ `NV_ABSOLUTE_MAX_IOCTL_SIZE`).
    pub size: u32,
    /// User pointer to the inner parameters.
    pub ptr: NvP64,
}
const _: () = assert!(size_of::<NvIoctlXfer>() == 16);
const _: () = assert!(offset_of!(NvIoctlXfer, size) == 4);
const _: () = assert!(offset_of!(NvIoctlXfer, ptr) == 8);

/// `nv_ioctl_register_fd_t` (`NV_ESC_REGISTER_FD`), 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlRegisterFd {
    /// The nvidiactl fd this file is bound to.
    pub ctl_fd: i32,
}
const _: () = assert!(size_of::<NvIoctlRegisterFd>() == 4);

/// `nv_pci_info_t`, 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvPciInfo {
    /// PCI domain.
    pub domain: u32,
    /// PCI bus.
    pub bus: u8,
    /// PCI slot (device).
    pub slot: u8,
    /// PCI function.
    pub function: u8,
    /// Padding before `vendor_id`.
    pub _pad0: u8,
    /// PCI vendor id (0x10de).
    pub vendor_id: u16,
    /// PCI device id.
    pub device_id: u16,
}
const _: () = assert!(size_of::<NvPciInfo>() == 12);
const _: () = assert!(offset_of!(NvPciInfo, bus) == 4);
const _: () = assert!(offset_of!(NvPciInfo, slot) == 5);
const _: () = assert!(offset_of!(NvPciInfo, function) == 6);
const _: () = assert!(offset_of!(NvPciInfo, vendor_id) == 8);
const _: () = assert!(offset_of!(NvPciInfo, device_id) == 10);

/// `nv_ioctl_card_info_t` (`NV_ESC_CARD_INFO` takes an array of these), 72
/// bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlCardInfo {
    /// Whether this entry describes a GPU.
    pub valid: NvBool,
    /// Padding before `pci_info`.
    pub _pad0: [u8; 3],
    /// PCI location and ids.
    pub pci_info: NvPciInfo,
    /// RM gpu id.
    pub gpu_id: u32,
    /// Interrupt line.
    pub interrupt_line: u16,
    /// Padding before `reg_address`.
    pub _pad1: [u8; 2],
    /// BAR0 address.
    pub reg_address: u64,
    /// BAR0 size.
    pub reg_size: u64,
    /// BAR1 (framebuffer aperture) address.
    pub fb_address: u64,
    /// BAR1 size.
    pub fb_size: u64,
    /// Minor of `/dev/nvidiaN`.
    pub minor_number: u32,
    /// Device name (unused on Linux).
    pub dev_name: [u8; 10],
    /// Tail padding.
    pub _pad2: [u8; 2],
}
const _: () = assert!(size_of::<NvIoctlCardInfo>() == 72);
const _: () = assert!(offset_of!(NvIoctlCardInfo, pci_info) == 4);
const _: () = assert!(offset_of!(NvIoctlCardInfo, gpu_id) == 16);
const _: () = assert!(offset_of!(NvIoctlCardInfo, interrupt_line) == 20);
const _: () = assert!(offset_of!(NvIoctlCardInfo, reg_address) == 24);
const _: () = assert!(offset_of!(NvIoctlCardInfo, reg_size) == 32);
const _: () = assert!(offset_of!(NvIoctlCardInfo, fb_address) == 40);
const _: () = assert!(offset_of!(NvIoctlCardInfo, fb_size) == 48);
const _: () = assert!(offset_of!(NvIoctlCardInfo, minor_number) == 56);
const _: () = assert!(offset_of!(NvIoctlCardInfo, dev_name) == 60);

/// `NV_RM_API_VERSION_STRING_LENGTH`.
pub const NV_RM_API_VERSION_STRING_LENGTH: usize = 64;
/// `NV_RM_API_VERSION_CMD_STRICT`: compare the whole version string.
pub const NV_RM_API_VERSION_CMD_STRICT: u32 = 0;
/// `NV_RM_API_VERSION_CMD_RELAXED` (`'1'`): compare up to the first '.'.
pub const NV_RM_API_VERSION_CMD_RELAXED: u32 = b'1' as u32;
/// `NV_RM_API_VERSION_CMD_QUERY` (`'2'`): copy the version string out.
pub const NV_RM_API_VERSION_CMD_QUERY: u32 = b'2' as u32;
/// `NV_RM_API_VERSION_REPLY_UNRECOGNIZED`.
pub const NV_RM_API_VERSION_REPLY_UNRECOGNIZED: u32 = 0;
/// `NV_RM_API_VERSION_REPLY_RECOGNIZED` (always set by the check).
pub const NV_RM_API_VERSION_REPLY_RECOGNIZED: u32 = 1;

/// `nv_ioctl_rm_api_version_t` (`NV_ESC_CHECK_VERSION_STR`), 72 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NvIoctlRmApiVersion {
    /// `NV_RM_API_VERSION_CMD_*`.
    pub cmd: u32,
    /// OUT: `NV_RM_API_VERSION_REPLY_*`.
    pub reply: u32,
    /// NUL-terminated version string (IN for STRICT/RELAXED, OUT for QUERY).
    pub version_string: [u8; NV_RM_API_VERSION_STRING_LENGTH],
}
impl Default for NvIoctlRmApiVersion {
    fn default() -> Self {
        Self {
            cmd: 0,
            reply: 0,
            version_string: [0; NV_RM_API_VERSION_STRING_LENGTH],
        }
    }
}
const _: () = assert!(size_of::<NvIoctlRmApiVersion>() == 72);
const _: () = assert!(offset_of!(NvIoctlRmApiVersion, reply) == 4);
const _: () = assert!(offset_of!(NvIoctlRmApiVersion, version_string) == 8);

/// `nv_ioctl_alloc_os_event_t` (`NV_ESC_ALLOC_OS_EVENT`), 16 bytes. `fd` is
/// only a key matched against later `NV01_EVENT_OS_EVENT` allocations.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlAllocOsEvent {
    /// Client handle.
    pub h_client: NvHandle,
    /// Device handle.
    pub h_device: NvHandle,
    /// Event key (an fd number, not dereferenced).
    pub fd: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<NvIoctlAllocOsEvent>() == 16);
const _: () = assert!(offset_of!(NvIoctlAllocOsEvent, fd) == 8);
const _: () = assert!(offset_of!(NvIoctlAllocOsEvent, status) == 12);

/// `nv_ioctl_free_os_event_t` (`NV_ESC_FREE_OS_EVENT`), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlFreeOsEvent {
    /// Client handle.
    pub h_client: NvHandle,
    /// Device handle.
    pub h_device: NvHandle,
    /// Event key.
    pub fd: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<NvIoctlFreeOsEvent>() == 16);
const _: () = assert!(offset_of!(NvIoctlFreeOsEvent, status) == 12);

/// `nv_ioctl_status_code_t` (`NV_ESC_STATUS_CODE`), 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlStatusCode {
    /// PCI domain.
    pub domain: u32,
    /// PCI bus.
    pub bus: u8,
    /// PCI slot.
    pub slot: u8,
    /// Padding before `status`.
    pub _pad0: u16,
    /// OUT: the GPU's status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<NvIoctlStatusCode>() == 12);
const _: () = assert!(offset_of!(NvIoctlStatusCode, bus) == 4);
const _: () = assert!(offset_of!(NvIoctlStatusCode, slot) == 5);
const _: () = assert!(offset_of!(NvIoctlStatusCode, status) == 8);

/// `nv_ioctl_query_device_intr_t` (`NV_ESC_QUERY_DEVICE_INTR`), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlQueryDeviceIntr {
    /// OUT: interrupt status register.
    pub intr_status: u32,
    /// OUT: RM status.
    pub status: NvStatus,
}
const _: () = assert!(size_of::<NvIoctlQueryDeviceIntr>() == 8);

/// `nv_ioctl_sys_params_t` (`NV_ESC_SYS_PARAMS`), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlSysParams {
    /// Memory block size of the system (set once).
    pub memblock_size: u64,
}
const _: () = assert!(size_of::<NvIoctlSysParams>() == 8);

/// `nv_ioctl_set_numa_status_t` (`NV_ESC_SET_NUMA_STATUS`), 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlSetNumaStatus {
    /// `NV_IOCTL_NUMA_STATUS_*`.
    pub status: i32,
}
const _: () = assert!(size_of::<NvIoctlSetNumaStatus>() == 4);

/// `nv_ioctl_wait_open_complete_t` (`NV_ESC_WAIT_OPEN_COMPLETE`), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvIoctlWaitOpenComplete {
    /// OUT: result of the (possibly deferred) open, a negative errno or 0.
    pub rc: i32,
    /// OUT: adapter status.
    pub adapter_status: u32,
}
const _: () = assert!(size_of::<NvIoctlWaitOpenComplete>() == 8);
const _: () = assert!(offset_of!(NvIoctlWaitOpenComplete, adapter_status) == 4);

// --- added for the mock ---

/// The `Info` variant of the NVOS32 `data` union (function `INFO`): the
/// heap of the device's GPU. C: `NVOS32_DATA_INFO`, a view of the union.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvos32Info {
    /// IN: heap attributes requested.
    pub attr: u32,
    /// Padding before `offset`.
    pub _pad0: u32,
    /// OUT: base of the largest free block.
    pub offset: u64,
    /// OUT: size of the largest free block.
    pub size: u64,
    /// OUT: heap physical base.
    pub base: u64,
    /// Rest of the union.
    pub reserved: [u64; 14],
}
const _: () = assert!(size_of::<Nvos32Info>() == 144);
const _: () = assert!(offset_of!(Nvos32Info, offset) == 8);
const _: () = assert!(offset_of!(Nvos32Info, size) == 16);
const _: () = assert!(offset_of!(Nvos32Info, base) == 24);
/// [`Nvos32Parameters`] with the `Info` variant.
pub type Nvos32InfoParameters = Nvos32Parameters<Nvos32Info>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nvos32_variants_share_handle_offsets() {
        // hMemory sits at the same place in every variant that has it, so a
        // FREE can be decoded through any of them.
        assert_eq!(
            offset_of!(Nvos32AllocSize, h_memory),
            offset_of!(Nvos32Free, h_memory)
        );
        assert_eq!(
            offset_of!(Nvos32AllocSize, h_memory),
            offset_of!(Nvos32AllocSizeRange, h_memory)
        );
        let p = Nvos32AllocSizeParameters {
            function: NVOS32_FUNCTION_ALLOC_SIZE,
            data: Nvos32AllocSize {
                size: 1 << 20,
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(p.data.size, 1 << 20);
    }

    #[test]
    fn attr_fields() {
        let attr = NVOS32_ATTR_LOCATION.num(NVOS32_ATTR_LOCATION_PCI)
            | NVOS32_ATTR_PAGE_SIZE.num(NVOS32_ATTR_PAGE_SIZE_BIG)
            | NVOS32_ATTR_PHYSICALITY.num(NVOS32_ATTR_PHYSICALITY_CONTIGUOUS);
        assert_eq!(attr, (1 << 25) | (2 << 23) | (2 << 27));
        assert_eq!(NVOS32_ATTR_LOCATION.get(attr), NVOS32_ATTR_LOCATION_PCI);
        let f = NVOS02_FLAGS_MAPPING.num(NVOS02_FLAGS_MAPPING_NO_MAP)
            | NVOS02_FLAGS_ALLOC.num(NVOS02_FLAGS_ALLOC_NONE);
        assert_eq!(f, 0x4001_0000);
        let caching = NVOS33_FLAGS_CACHING_TYPE.set(0xffff_ffff, NVOS33_FLAGS_CACHING_TYPE_DEFAULT);
        assert_eq!(NVOS33_FLAGS_CACHING_TYPE.get(caching), 6);
    }
}
