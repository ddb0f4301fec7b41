//! Allocation parameter structs of the classes vgpu and the mock handle,
//! and the per-class parameter size table RM uses (reference §3;
//! `resource_list.h`/`rmapiGetClassAllocParamSize` semantics).
//!
//! RM copies `alloc_param_size(class)` bytes from `pAllocParms`,
//! whatever `paramsSize` says. For a *required* struct a NULL pointer fails
//! with `NV_ERR_INVALID_ARGUMENT`; for an *optional* one NULL means "no
//! parameters" and nothing is copied; an unknown class fails with
//! `NV_ERR_INVALID_CLASS`.

use core::mem::{offset_of, size_of};

use super::classes::*;
use super::{NvBool, NvHandle, NvP64};

/// `NV_MEMORY_ALLOCATION_PARAMS` (classes `NV01_MEMORY_LOCAL_USER`,
/// `NV01_MEMORY_SYSTEM`, `NV50_MEMORY_VIRTUAL`), 128 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvMemoryAllocationParams {
    /// Memory owner id.
    pub owner: u32,
    /// `NVOS32_TYPE_*`.
    pub type_: u32,
    /// `NVOS32_ALLOC_FLAGS_*`.
    pub flags: u32,
    /// Surface width.
    pub width: u32,
    /// Surface height.
    pub height: u32,
    /// IN/OUT: pitch.
    pub pitch: i32,
    /// IN/OUT: `NVOS32_ATTR_*`.
    pub attr: u32,
    /// IN/OUT: `NVOS32_ATTR2_*`.
    pub attr2: u32,
    /// IN/OUT: format.
    pub format: u32,
    /// IN/OUT: compression coverage.
    pub compr_covg: u32,
    /// OUT: zcull coverage.
    pub zcull_covg: u32,
    /// Padding before `range_lo`.
    pub _pad0: u32,
    /// Start of the allowed range.
    pub range_lo: u64,
    /// End of the allowed range (inclusive).
    pub range_hi: u64,
    /// IN/OUT: size in bytes (offset 64); RM writes back the real size.
    pub size: u64,
    /// Requested alignment.
    pub alignment: u64,
    /// IN/OUT: offset (with FIXED_ADDRESS_ALLOCATE).
    pub offset: u64,
    /// OUT: limit.
    pub limit: u64,
    /// OUT: address.
    pub address: NvP64,
    /// Comptag offset.
    pub ctag_offset: u32,
    /// VA space (for `NVOS32_ALLOC_FLAGS_VIRTUAL`).
    pub h_va_space: NvHandle,
    /// Internal flags.
    pub internalflags: u32,
    /// Debug tag.
    pub tag: u32,
    /// CPU NUMA node.
    pub numa_node: i32,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<NvMemoryAllocationParams>() == 128);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, type_) == 4);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, flags) == 8);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, pitch) == 20);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, attr) == 24);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, attr2) == 28);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, format) == 32);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, compr_covg) == 36);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, zcull_covg) == 40);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, range_lo) == 48);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, range_hi) == 56);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, size) == 64);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, alignment) == 72);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, offset) == 80);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, limit) == 88);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, address) == 96);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, ctag_offset) == 104);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, h_va_space) == 108);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, internalflags) == 112);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, tag) == 116);
const _: () = assert!(offset_of!(NvMemoryAllocationParams, numa_node) == 120);

/// `NV0080_ALLOC_PARAMETERS` (class `NV01_DEVICE_0`, optional), 56 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0080AllocParameters {
    /// Device instance (0-based).
    pub device_id: u32,
    /// Client to share the device's VA space with.
    pub h_client_share: NvHandle,
    /// Target client (for kernel clients acting on others).
    pub h_target_client: NvHandle,
    /// Target device.
    pub h_target_device: NvHandle,
    /// `NV_DEVICE_ALLOCATION_FLAGS_*`.
    pub flags: u32,
    /// Padding before `va_space_size`.
    pub _pad0: u32,
    /// VA space size.
    pub va_space_size: u64,
    /// Internal VA start.
    pub va_start_internal: u64,
    /// Internal VA limit.
    pub va_limit_internal: u64,
    /// `NV_DEVICE_ALLOCATION_VAMODE_*`.
    pub va_mode: u32,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<Nv0080AllocParameters>() == 56);
const _: () = assert!(offset_of!(Nv0080AllocParameters, h_client_share) == 4);
const _: () = assert!(offset_of!(Nv0080AllocParameters, h_target_client) == 8);
const _: () = assert!(offset_of!(Nv0080AllocParameters, h_target_device) == 12);
const _: () = assert!(offset_of!(Nv0080AllocParameters, flags) == 16);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_space_size) == 24);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_start_internal) == 32);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_limit_internal) == 40);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_mode) == 48);

/// `NV_DEVICE_ALLOCATION_VAMODE_OPTIONAL_MULTIPLE_VASPACES`.
pub const NV_DEVICE_ALLOCATION_VAMODE_OPTIONAL_MULTIPLE_VASPACES: u32 = 0;
/// `NV_DEVICE_ALLOCATION_VAMODE_SINGLE_VASPACE`.
pub const NV_DEVICE_ALLOCATION_VAMODE_SINGLE_VASPACE: u32 = 1;
/// `NV_DEVICE_ALLOCATION_VAMODE_MULTIPLE_VASPACES`.
pub const NV_DEVICE_ALLOCATION_VAMODE_MULTIPLE_VASPACES: u32 = 2;

/// `NV2080_ALLOC_PARAMETERS` (class `NV20_SUBDEVICE_0`, optional), 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080AllocParameters {
    /// Subdevice instance (0-based).
    pub sub_device_id: u32,
}
const _: () = assert!(size_of::<Nv2080AllocParameters>() == 4);

/// `NV_VASPACE_ALLOCATION_PARAMETERS` (class `FERMI_VASPACE_A`, required),
/// 56 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvVaspaceAllocationParameters {
    /// `NV_VASPACE_ALLOCATION_INDEX_*`.
    pub index: u32,
    /// `NV_VASPACE_ALLOCATION_FLAGS_*`.
    pub flags: u32,
    /// IN/OUT: size of the VA space.
    pub va_size: u64,
    /// Internal VA start.
    pub va_start_internal: u64,
    /// Internal VA limit.
    pub va_limit_internal: u64,
    /// Big page size (0: default).
    pub big_page_size: u32,
    /// Padding before `va_base`.
    pub _pad0: u32,
    /// IN/OUT: lowest usable address.
    pub va_base: u64,
    /// PASID (internal).
    pub pasid: u32,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<NvVaspaceAllocationParameters>() == 56);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, va_size) == 8);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, big_page_size) == 32);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, va_base) == 40);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, pasid) == 48);

/// `NV_VASPACE_ALLOCATION_INDEX_GPU_NEW`: a new VA space.
pub const NV_VASPACE_ALLOCATION_INDEX_GPU_NEW: u32 = 0;

/// `NV_CHANNEL_GROUP_ALLOCATION_PARAMETERS` (class `KEPLER_CHANNEL_GROUP_A`,
/// required), 20 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvChannelGroupAllocationParameters {
    /// Error notifier.
    pub h_object_error: NvHandle,
    /// ECC error notifier.
    pub h_object_ecc_error: NvHandle,
    /// VA space of the TSG.
    pub h_va_space: NvHandle,
    /// `NV2080_ENGINE_TYPE_*` of every channel in the TSG.
    pub engine_type: u32,
    /// Whether the caller is the vGPU plugin.
    pub b_is_calling_context_vgpu_plugin: NvBool,
    /// Tail padding.
    pub _pad0: [u8; 3],
}
const _: () = assert!(size_of::<NvChannelGroupAllocationParameters>() == 20);
const _: () = assert!(offset_of!(NvChannelGroupAllocationParameters, h_object_ecc_error) == 4);
const _: () = assert!(offset_of!(NvChannelGroupAllocationParameters, h_va_space) == 8);
const _: () = assert!(offset_of!(NvChannelGroupAllocationParameters, engine_type) == 12);
const _: () = assert!(
    offset_of!(
        NvChannelGroupAllocationParameters,
        b_is_calling_context_vgpu_plugin
    ) == 16
);

/// `NV2080_ENGINE_TYPE_GRAPHICS` (= GR0): the graphics/compute engine.
pub const NV2080_ENGINE_TYPE_GRAPHICS: u32 = 0x1;
/// `NV2080_ENGINE_TYPE_COPY0`: the first copy engine (COPYn = COPY0 + n for
/// n < 10).
pub const NV2080_ENGINE_TYPE_COPY0: u32 = 0x9;

/// `NV_CTXSHARE_ALLOCATION_PARAMETERS` (class `FERMI_CONTEXT_SHARE_A`,
/// required), 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvCtxshareAllocationParameters {
    /// VA space of the subcontext.
    pub h_va_space: NvHandle,
    /// `NV_CTXSHARE_ALLOCATION_FLAGS_*`.
    pub flags: u32,
    /// IN/OUT: subcontext id (VEID).
    pub subctx_id: u32,
}
const _: () = assert!(size_of::<NvCtxshareAllocationParameters>() == 12);
const _: () = assert!(offset_of!(NvCtxshareAllocationParameters, subctx_id) == 8);

/// `NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_SYNC` (flags 1:0).
pub const NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_SYNC: u32 = 0;
/// `NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_ASYNC`.
pub const NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_ASYNC: u32 = 1;

/// `NV_MAX_SUBDEVICES`.
pub const NV_MAX_SUBDEVICES: usize = 8;
/// `NV_MAX_DEVICES`: device instances (`deviceId`) are below this.
pub const NV_MAX_DEVICES: usize = 32;

/// `NV_MEMORY_DESC_PARAMS`, 24 bytes (part of the channel parameters).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvMemoryDescParams {
    /// Base address.
    pub base: u64,
    /// Size.
    pub size: u64,
    /// Address space.
    pub address_space: u32,
    /// Cache attribute.
    pub cache_attrib: u32,
}
const _: () = assert!(size_of::<NvMemoryDescParams>() == 24);

/// `NV_CHANNEL_ALLOC_PARAMS` (= `NV_CHANNELGPFIFO_ALLOCATION_PARAMETERS`;
/// channel GPFIFO classes, required), 368 bytes. Fields after
/// `h_object_ecc_error` are internal to RM ("reserved" in the header) but
/// laid out here so that every byte is named.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvChannelAllocParams {
    /// Error notifier.
    pub h_object_error: NvHandle,
    /// No longer used.
    pub h_object_buffer: NvHandle,
    /// GPU VA of the GPFIFO ring.
    pub gp_fifo_offset: u64,
    /// Number of GPFIFO entries.
    pub gp_fifo_entries: u32,
    /// `NVOS04_FLAGS_*`.
    pub flags: u32,
    /// Subcontext (`FERMI_CONTEXT_SHARE_A`) handle, or 0.
    pub h_context_share: NvHandle,
    /// VA space handle, or 0.
    pub h_va_space: NvHandle,
    /// USERD memory per subdevice (ignored if `[0]` is 0).
    pub h_userd_memory: [NvHandle; NV_MAX_SUBDEVICES],
    /// Offset of USERD within `h_userd_memory[i]`.
    pub userd_offset: [u64; NV_MAX_SUBDEVICES],
    /// `NV2080_ENGINE_TYPE_*` of the channel.
    pub engine_type: u32,
    /// Channel id unique in the RM session.
    pub cid: u32,
    /// One-hot subdevice mask.
    pub sub_device_id: u32,
    /// ECC error notifier.
    pub h_object_ecc_error: NvHandle,
    /// Internal: instance memory.
    pub instance_mem: NvMemoryDescParams,
    /// Internal: USERD memory.
    pub userd_mem: NvMemoryDescParams,
    /// Internal: RAMFC memory.
    pub ramfc_mem: NvMemoryDescParams,
    /// Internal: method buffer memory.
    pub mthdbuf_mem: NvMemoryDescParams,
    /// Internal.
    pub h_phys_channel_group: NvHandle,
    /// Internal.
    pub internal_flags: u32,
    /// Internal.
    pub error_notifier_mem: NvMemoryDescParams,
    /// Internal.
    pub ecc_error_notifier_mem: NvMemoryDescParams,
    /// Internal.
    pub process_id: u32,
    /// Internal.
    pub sub_process_id: u32,
    /// Internal (confidential computing).
    pub encrypt_iv: [u32; 3],
    /// Internal (confidential computing).
    pub decrypt_iv: [u32; 3],
    /// Internal (confidential computing).
    pub hmac_nonce: [u32; 8],
    /// TPC configuration id.
    pub tpc_config_id: u32,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<NvChannelAllocParams>() == 368);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_object_buffer) == 4);
const _: () = assert!(offset_of!(NvChannelAllocParams, gp_fifo_offset) == 8);
const _: () = assert!(offset_of!(NvChannelAllocParams, gp_fifo_entries) == 16);
const _: () = assert!(offset_of!(NvChannelAllocParams, flags) == 20);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_context_share) == 24);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_va_space) == 28);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_userd_memory) == 32);
const _: () = assert!(offset_of!(NvChannelAllocParams, userd_offset) == 64);
const _: () = assert!(offset_of!(NvChannelAllocParams, engine_type) == 128);
const _: () = assert!(offset_of!(NvChannelAllocParams, cid) == 132);
const _: () = assert!(offset_of!(NvChannelAllocParams, sub_device_id) == 136);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_object_ecc_error) == 140);
const _: () = assert!(offset_of!(NvChannelAllocParams, instance_mem) == 144);
const _: () = assert!(offset_of!(NvChannelAllocParams, h_phys_channel_group) == 240);
const _: () = assert!(offset_of!(NvChannelAllocParams, error_notifier_mem) == 248);
const _: () = assert!(offset_of!(NvChannelAllocParams, process_id) == 296);
const _: () = assert!(offset_of!(NvChannelAllocParams, hmac_nonce) == 328);
const _: () = assert!(offset_of!(NvChannelAllocParams, tpc_config_id) == 360);

/// `NV_GR_ALLOCATION_PARAMETERS` (compute classes, optional), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvGrAllocationParameters {
    /// Set to 2.
    pub version: u32,
    /// No flags are defined.
    pub flags: u32,
    /// `sizeof(NV_GR_ALLOCATION_PARAMETERS)`.
    pub size: u32,
    /// OUT: class-dependent capabilities.
    pub caps: u32,
}
const _: () = assert!(size_of::<NvGrAllocationParameters>() == 16);

/// `NVB0B5_ALLOCATION_PARAMETERS_VERSION_0`.
pub const NVB0B5_ALLOCATION_PARAMETERS_VERSION_0: u32 = 0;
/// `NVB0B5_ALLOCATION_PARAMETERS_VERSION_1`: `engine_type` is valid.
pub const NVB0B5_ALLOCATION_PARAMETERS_VERSION_1: u32 = 1;

/// `NVB0B5_ALLOCATION_PARAMETERS` (copy classes, optional), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvb0b5AllocationParameters {
    /// `NVB0B5_ALLOCATION_PARAMETERS_VERSION_*`.
    pub version: u32,
    /// `NV2080_ENGINE_TYPE_COPY*`.
    pub engine_type: u32,
}
const _: () = assert!(size_of::<Nvb0b5AllocationParameters>() == 8);

/// `NV_HOPPER_USERMODE_A_PARAMS` (`HOPPER_USERMODE_A`,
/// `BLACKWELL_USERMODE_A`, optional), 2 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvHopperUsermodeAParams {
    /// Map through BAR1 (TRUE for user doorbells) instead of BAR0.
    pub b_bar1_mapping: NvBool,
    /// The privileged page instead of the user page.
    pub b_priv: NvBool,
}
const _: () = assert!(size_of::<NvHopperUsermodeAParams>() == 2);

/// `NV0005_ALLOC_PARAMETERS` (event classes, required), 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0005AllocParameters {
    /// Client of the object the event watches.
    pub h_parent_client: NvHandle,
    /// Object the event watches.
    pub h_src_resource: NvHandle,
    /// Event class (`NV01_EVENT_OS_EVENT`, ...).
    pub h_class: u32,
    /// Notifier index.
    pub notify_index: u32,
    /// OS event key / callback data.
    pub data: NvP64,
}
const _: () = assert!(size_of::<Nv0005AllocParameters>() == 24);
const _: () = assert!(offset_of!(Nv0005AllocParameters, notify_index) == 12);
const _: () = assert!(offset_of!(Nv0005AllocParameters, data) == 16);

/// `sizeof(NV_MEMORY_VIRTUAL_ALLOCATION_PARAMS)` (class
/// `NV01_MEMORY_VIRTUAL`, not modelled field by field).
pub const NV_MEMORY_VIRTUAL_ALLOCATION_PARAMS_SIZE: usize = 24;
/// `sizeof(NV_OS_DESC_MEMORY_ALLOCATION_PARAMS)` (class
/// `NV01_MEMORY_SYSTEM_OS_DESCRIPTOR`, not modelled field by field).
pub const NV_OS_DESC_MEMORY_ALLOCATION_PARAMS_SIZE: usize = 40;

/// Whether a class's allocation parameters must be present.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocParamReq {
    /// `RS_REQUIRED`: a NULL pointer fails with `NV_ERR_INVALID_ARGUMENT`.
    Required = 1,
    /// `RS_OPTIONAL` (or `RS_NONE` with size 0): NULL means no parameters.
    Optional = 2,
}

/// The size of `class`'s allocation parameters and whether they are
/// required, for every class vgpu and the mock handle; `None` means RM
/// answers `NV_ERR_INVALID_CLASS` (or the class is outside vgpu's subset).
/// Classes that take no parameters (`RS_NONE`) report `(0, Optional)`.
pub const fn alloc_param_size(class: u32) -> Option<(usize, AllocParamReq)> {
    use AllocParamReq::{Optional, Required};
    Some(match class {
        NV01_ROOT | NV01_ROOT_NON_PRIV | NV01_ROOT_CLIENT => (size_of::<NvHandle>(), Optional),
        NV01_DEVICE_0 => (size_of::<Nv0080AllocParameters>(), Optional),
        NV20_SUBDEVICE_0 => (size_of::<Nv2080AllocParameters>(), Optional),
        NV01_MEMORY_LOCAL_USER | NV01_MEMORY_SYSTEM | NV50_MEMORY_VIRTUAL => {
            (size_of::<NvMemoryAllocationParams>(), Required)
        }
        NV01_MEMORY_LOCAL_PRIVILEGED => (0, Optional),
        NV01_MEMORY_VIRTUAL => (NV_MEMORY_VIRTUAL_ALLOCATION_PARAMS_SIZE, Required),
        NV01_MEMORY_SYSTEM_OS_DESCRIPTOR => (NV_OS_DESC_MEMORY_ALLOCATION_PARAMS_SIZE, Required),
        FERMI_VASPACE_A => (size_of::<NvVaspaceAllocationParameters>(), Required),
        KEPLER_CHANNEL_GROUP_A => (size_of::<NvChannelGroupAllocationParameters>(), Required),
        FERMI_CONTEXT_SHARE_A => (size_of::<NvCtxshareAllocationParameters>(), Required),
        VOLTA_CHANNEL_GPFIFO_A
        | TURING_CHANNEL_GPFIFO_A
        | AMPERE_CHANNEL_GPFIFO_A
        | HOPPER_CHANNEL_GPFIFO_A
        | BLACKWELL_CHANNEL_GPFIFO_A
        | BLACKWELL_CHANNEL_GPFIFO_B => (size_of::<NvChannelAllocParams>(), Required),
        TURING_COMPUTE_A | AMPERE_COMPUTE_A | AMPERE_COMPUTE_B | ADA_COMPUTE_A
        | HOPPER_COMPUTE_A | BLACKWELL_COMPUTE_A | BLACKWELL_COMPUTE_B => {
            (size_of::<NvGrAllocationParameters>(), Optional)
        }
        TURING_DMA_COPY_A | AMPERE_DMA_COPY_A | AMPERE_DMA_COPY_B | HOPPER_DMA_COPY_A
        | BLACKWELL_DMA_COPY_A | BLACKWELL_DMA_COPY_B => {
            (size_of::<Nvb0b5AllocationParameters>(), Optional)
        }
        VOLTA_USERMODE_A | TURING_USERMODE_A | AMPERE_USERMODE_A => (0, Optional),
        HOPPER_USERMODE_A | BLACKWELL_USERMODE_A => {
            (size_of::<NvHopperUsermodeAParams>(), Optional)
        }
        NV01_EVENT
        | NV01_EVENT_OS_EVENT
        | NV01_EVENT_KERNEL_CALLBACK
        | NV01_EVENT_KERNEL_CALLBACK_EX => (size_of::<Nv0005AllocParameters>(), Required),
        MPS_COMPUTE => (0, Optional),
        _ => return None,
    })
}

/// How many bytes RM copies in for `class` given the user's pointer
/// (`rmapiGetClassAllocParamSize` + `rmapiParamsCopyInit`): `Ok(n)` (0 for
/// "nothing"), or the status RM fails the allocation with.
pub const fn alloc_param_copy_size(class: u32, p_alloc_parms: NvP64) -> Result<usize, u32> {
    use super::status::{NV_ERR_INVALID_ARGUMENT, NV_ERR_INVALID_CLASS};
    match alloc_param_size(class) {
        None => Err(NV_ERR_INVALID_CLASS),
        Some((size, AllocParamReq::Required)) => {
            if p_alloc_parms == 0 {
                Err(NV_ERR_INVALID_ARGUMENT)
            } else {
                Ok(size)
            }
        }
        Some((size, AllocParamReq::Optional)) => {
            if p_alloc_parms == 0 {
                Ok(0)
            } else {
                Ok(size)
            }
        }
    }
}

// --- added for the mock ---

/// `NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED` (`nvos.h`): a VA space
/// managed by UVM; its GR channels must be bound by `UVM_REGISTER_CHANNEL`
/// before they can be scheduled.
pub const NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED: u32 = 1 << 3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nvidia::status::{NV_ERR_INVALID_ARGUMENT, NV_ERR_INVALID_CLASS};

    #[test]
    fn table() {
        assert_eq!(
            alloc_param_size(NV01_ROOT_CLIENT),
            Some((4, AllocParamReq::Optional))
        );
        assert_eq!(
            alloc_param_size(NV01_DEVICE_0),
            Some((56, AllocParamReq::Optional))
        );
        assert_eq!(
            alloc_param_size(NV01_MEMORY_LOCAL_USER),
            Some((128, AllocParamReq::Required))
        );
        assert_eq!(
            alloc_param_size(KEPLER_CHANNEL_GROUP_A),
            Some((20, AllocParamReq::Required))
        );
        assert_eq!(
            alloc_param_size(AMPERE_CHANNEL_GPFIFO_A),
            Some((368, AllocParamReq::Required))
        );
        assert_eq!(
            alloc_param_size(HOPPER_USERMODE_A),
            Some((2, AllocParamReq::Optional))
        );
        assert_eq!(
            alloc_param_size(TURING_USERMODE_A),
            Some((0, AllocParamReq::Optional))
        );
        assert_eq!(alloc_param_size(VOLTA_COMPUTE_A), None);
        assert_eq!(alloc_param_size(0xdead), None);
    }

    #[test]
    fn copy_size() {
        assert_eq!(
            alloc_param_copy_size(NV01_MEMORY_LOCAL_USER, 0),
            Err(NV_ERR_INVALID_ARGUMENT)
        );
        assert_eq!(
            alloc_param_copy_size(NV01_MEMORY_LOCAL_USER, 0x1000),
            Ok(128)
        );
        assert_eq!(alloc_param_copy_size(NV01_ROOT_CLIENT, 0), Ok(0));
        assert_eq!(alloc_param_copy_size(NV01_ROOT_CLIENT, 0x1000), Ok(4));
        assert_eq!(
            alloc_param_copy_size(0xbeef, 0x1000),
            Err(NV_ERR_INVALID_CLASS)
        );
    }
}
