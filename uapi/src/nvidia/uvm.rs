//! `/dev/nvidia-uvm` ioctls (reference §1.3; numbers and layouts from
//! NVIDIA's public `kernel-open/nvidia-uvm/uvm_ioctl.h` and
//! `uvm_linux_ioctl.h`, driver 595).
//!
//! UVM ioctl numbers are **raw integers**, not `_IOWR` encodings: the
//! driver switches on the whole cmd and copies `sizeof(<cmd>_PARAMS)`
//! bytes whatever the cmd's size bits say. The status comes back in each
//! struct's `rm_status`; the ioctl returns 0 unless the copy faults.
//! `UVM_INITIALIZE` must be the first ioctl on a UVM fd (everything else
//! returns `NV_ERR_ILLEGAL_ACTION` until then).

use core::mem::{offset_of, size_of};

use super::{NvBool, NvHandle, NvStatus};

/// Minor of `/dev/nvidia-uvm` (its major is dynamic).
pub const NVIDIA_UVM_PRIMARY_MINOR_NUMBER: u32 = 0;
/// Minor of `/dev/nvidia-uvm-tools`.
pub const NVIDIA_UVM_TOOLS_MINOR_NUMBER: u32 = 1;

/// `UVM_INITIALIZE`.
pub const UVM_INITIALIZE: u32 = 0x3000_0001;
/// `UVM_DEINITIALIZE` (no parameters, returns 0).
pub const UVM_DEINITIALIZE: u32 = 0x3000_0002;
/// `UVM_REGISTER_GPU_VASPACE`.
pub const UVM_REGISTER_GPU_VASPACE: u32 = 25;
/// `UVM_UNREGISTER_GPU_VASPACE`.
pub const UVM_UNREGISTER_GPU_VASPACE: u32 = 26;
/// `UVM_REGISTER_CHANNEL`.
pub const UVM_REGISTER_CHANNEL: u32 = 27;
/// `UVM_UNREGISTER_CHANNEL`.
pub const UVM_UNREGISTER_CHANNEL: u32 = 28;
/// `UVM_MAP_EXTERNAL_ALLOCATION`.
pub const UVM_MAP_EXTERNAL_ALLOCATION: u32 = 33;
/// `UVM_FREE`.
pub const UVM_FREE: u32 = 34;
/// `UVM_REGISTER_GPU`.
pub const UVM_REGISTER_GPU: u32 = 37;
/// `UVM_UNREGISTER_GPU`.
pub const UVM_UNREGISTER_GPU: u32 = 38;
/// `UVM_PAGEABLE_MEM_ACCESS`.
pub const UVM_PAGEABLE_MEM_ACCESS: u32 = 39;
/// `UVM_CREATE_EXTERNAL_RANGE`.
pub const UVM_CREATE_EXTERNAL_RANGE: u32 = 73;
/// `UVM_MM_INITIALIZE`.
pub const UVM_MM_INITIALIZE: u32 = 75;

/// `UVM_INIT_FLAGS_DISABLE_HMM`.
pub const UVM_INIT_FLAGS_DISABLE_HMM: u64 = 0x1;
/// `UVM_INIT_FLAGS_MULTI_PROCESS_SHARING_MODE`.
pub const UVM_INIT_FLAGS_MULTI_PROCESS_SHARING_MODE: u64 = 0x2;

/// `UVM_MAX_GPUS` (`NV_MAX_DEVICES` × `UVM_PARENT_ID_MAX_SUB_PROCESSORS` =
/// 32 × 8 since r550; it was 32 in r535 and earlier, which changes the size
/// of [`UvmMapExternalAllocationParams`]).
pub const UVM_MAX_GPUS: usize = 256;

/// `NvProcessorUuid` (`NvUuid`), 16 bytes: a GPU's binary UUID.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvProcessorUuid {
    /// The 16 UUID bytes.
    pub uuid: [u8; 16],
}
const _: () = assert!(size_of::<NvProcessorUuid>() == 16);

/// `UVM_INITIALIZE_PARAMS`, 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmInitializeParams {
    /// `UVM_INIT_FLAGS_*`.
    pub flags: u64,
    /// OUT: status.
    pub rm_status: NvStatus,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<UvmInitializeParams>() == 16);
const _: () = assert!(offset_of!(UvmInitializeParams, rm_status) == 8);

/// `UVM_MM_INITIALIZE_PARAMS`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmMmInitializeParams {
    /// The primary (initialized) UVM fd.
    pub uvm_fd: i32,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmMmInitializeParams>() == 8);
const _: () = assert!(offset_of!(UvmMmInitializeParams, rm_status) == 4);

/// `UVM_REGISTER_GPU_PARAMS`, 40 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmRegisterGpuParams {
    /// IN/OUT: GPU UUID (or GPU instance UUID under MIG).
    pub gpu_uuid: NvProcessorUuid,
    /// OUT: whether the GPU's memory is a NUMA node.
    pub numa_enabled: NvBool,
    /// Padding before `numa_node_id`.
    pub _pad0: [u8; 3],
    /// OUT: NUMA node.
    pub numa_node_id: i32,
    /// The caller's nvidiactl fd (not validated by UVM).
    pub rm_ctrl_fd: i32,
    /// The caller's RM client.
    pub h_client: NvHandle,
    /// MIG partition subscription, or 0.
    pub h_smc_part_ref: NvHandle,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmRegisterGpuParams>() == 40);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, numa_enabled) == 16);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, numa_node_id) == 20);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, rm_ctrl_fd) == 24);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, h_client) == 28);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, h_smc_part_ref) == 32);
const _: () = assert!(offset_of!(UvmRegisterGpuParams, rm_status) == 36);

/// `UVM_UNREGISTER_GPU_PARAMS`, 20 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmUnregisterGpuParams {
    /// GPU UUID.
    pub gpu_uuid: NvProcessorUuid,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmUnregisterGpuParams>() == 20);
const _: () = assert!(offset_of!(UvmUnregisterGpuParams, rm_status) == 16);

/// `UVM_REGISTER_GPU_VASPACE_PARAMS`, 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmRegisterGpuVaspaceParams {
    /// GPU UUID.
    pub gpu_uuid: NvProcessorUuid,
    /// The caller's nvidiactl fd (not validated).
    pub rm_ctrl_fd: i32,
    /// The caller's RM client.
    pub h_client: NvHandle,
    /// The `FERMI_VASPACE_A` object.
    pub h_va_space: NvHandle,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmRegisterGpuVaspaceParams>() == 32);
const _: () = assert!(offset_of!(UvmRegisterGpuVaspaceParams, rm_ctrl_fd) == 16);
const _: () = assert!(offset_of!(UvmRegisterGpuVaspaceParams, h_va_space) == 24);
const _: () = assert!(offset_of!(UvmRegisterGpuVaspaceParams, rm_status) == 28);

/// `UVM_UNREGISTER_GPU_VASPACE_PARAMS`, 20 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmUnregisterGpuVaspaceParams {
    /// GPU UUID.
    pub gpu_uuid: NvProcessorUuid,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmUnregisterGpuVaspaceParams>() == 20);

/// `UVM_REGISTER_CHANNEL_PARAMS`, 56 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmRegisterChannelParams {
    /// GPU UUID.
    pub gpu_uuid: NvProcessorUuid,
    /// The caller's nvidiactl fd (not validated).
    pub rm_ctrl_fd: i32,
    /// The caller's RM client.
    pub h_client: NvHandle,
    /// The channel object.
    pub h_channel: NvHandle,
    /// Padding before `base`.
    pub _pad0: u32,
    /// Base of the VA range UVM reserves for the channel's buffers.
    pub base: u64,
    /// Length of that range.
    pub length: u64,
    /// OUT: status.
    pub rm_status: NvStatus,
    /// Tail padding.
    pub _pad1: u32,
}
const _: () = assert!(size_of::<UvmRegisterChannelParams>() == 56);
const _: () = assert!(offset_of!(UvmRegisterChannelParams, h_channel) == 24);
const _: () = assert!(offset_of!(UvmRegisterChannelParams, base) == 32);
const _: () = assert!(offset_of!(UvmRegisterChannelParams, length) == 40);
const _: () = assert!(offset_of!(UvmRegisterChannelParams, rm_status) == 48);

/// `UVM_UNREGISTER_CHANNEL_PARAMS`, 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmUnregisterChannelParams {
    /// The caller's RM client.
    pub h_client: NvHandle,
    /// The channel object.
    pub h_channel: NvHandle,
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmUnregisterChannelParams>() == 12);
const _: () = assert!(offset_of!(UvmUnregisterChannelParams, rm_status) == 8);

/// `UvmGpuMappingAttributes`, 36 bytes: how one GPU maps an external
/// allocation.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmGpuMappingAttributes {
    /// GPU (or GPU instance) UUID.
    pub gpu_uuid: NvProcessorUuid,
    /// `UvmGpuMappingType`.
    pub gpu_mapping_type: u32,
    /// `UvmGpuCachingType`.
    pub gpu_caching_type: u32,
    /// `UvmGpuFormatType`.
    pub gpu_format_type: u32,
    /// `UvmGpuFormatElementBits`.
    pub gpu_element_bits: u32,
    /// `UvmGpuCompressionType`.
    pub gpu_compression_type: u32,
}
const _: () = assert!(size_of::<UvmGpuMappingAttributes>() == 36);
const _: () = assert!(offset_of!(UvmGpuMappingAttributes, gpu_mapping_type) == 16);
const _: () = assert!(offset_of!(UvmGpuMappingAttributes, gpu_compression_type) == 32);

/// `UVM_MAP_EXTERNAL_ALLOCATION_PARAMS` (r550+), 9264 bytes: map RM memory
/// `h_memory` of client `h_client` at `[base, base + length)` of the UVM VA
/// space on the listed GPUs.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UvmMapExternalAllocationParams {
    /// VA of the mapping (inside an external range).
    pub base: u64,
    /// Length of the mapping.
    pub length: u64,
    /// Offset into the memory object.
    pub offset: u64,
    /// Per-GPU mapping attributes; the first `gpu_attributes_count` count.
    pub per_gpu_attributes: [UvmGpuMappingAttributes; UVM_MAX_GPUS],
    /// Number of valid `per_gpu_attributes`.
    pub gpu_attributes_count: u64,
    /// The caller's nvidiactl fd (not validated).
    pub rm_ctrl_fd: i32,
    /// RM client of the memory.
    pub h_client: NvHandle,
    /// RM memory object.
    pub h_memory: NvHandle,
    /// OUT: status.
    pub rm_status: NvStatus,
}
impl Default for UvmMapExternalAllocationParams {
    fn default() -> Self {
        const Z: UvmGpuMappingAttributes = UvmGpuMappingAttributes {
            gpu_uuid: NvProcessorUuid { uuid: [0; 16] },
            gpu_mapping_type: 0,
            gpu_caching_type: 0,
            gpu_format_type: 0,
            gpu_element_bits: 0,
            gpu_compression_type: 0,
        };
        Self {
            base: 0,
            length: 0,
            offset: 0,
            per_gpu_attributes: [Z; UVM_MAX_GPUS],
            gpu_attributes_count: 0,
            rm_ctrl_fd: 0,
            h_client: 0,
            h_memory: 0,
            rm_status: 0,
        }
    }
}
const _: () = assert!(size_of::<UvmMapExternalAllocationParams>() == 9264);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, per_gpu_attributes) == 24);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, gpu_attributes_count) == 9240);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, rm_ctrl_fd) == 9248);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, h_client) == 9252);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, h_memory) == 9256);
const _: () = assert!(offset_of!(UvmMapExternalAllocationParams, rm_status) == 9260);

/// `UVM_FREE_PARAMS`, 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmFreeParams {
    /// Base of the range to free.
    pub base: u64,
    /// OUT: status.
    pub rm_status: NvStatus,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<UvmFreeParams>() == 16);
const _: () = assert!(offset_of!(UvmFreeParams, rm_status) == 8);

/// `UVM_CREATE_EXTERNAL_RANGE_PARAMS`, 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmCreateExternalRangeParams {
    /// Base of the range.
    pub base: u64,
    /// Length of the range.
    pub length: u64,
    /// OUT: status.
    pub rm_status: NvStatus,
    /// Tail padding.
    pub _pad0: u32,
}
const _: () = assert!(size_of::<UvmCreateExternalRangeParams>() == 24);
const _: () = assert!(offset_of!(UvmCreateExternalRangeParams, rm_status) == 16);

/// `UVM_PAGEABLE_MEM_ACCESS_PARAMS`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UvmPageableMemAccessParams {
    /// OUT: whether GPUs can access pageable memory.
    pub pageable_mem_access: NvBool,
    /// Padding before `rm_status`.
    pub _pad0: [u8; 3],
    /// OUT: status.
    pub rm_status: NvStatus,
}
const _: () = assert!(size_of::<UvmPageableMemAccessParams>() == 8);
const _: () = assert!(offset_of!(UvmPageableMemAccessParams, rm_status) == 4);

/// The parameter size the UVM driver copies for `cmd`, for the ioctls in
/// this module (`Some(0)` for `UVM_DEINITIALIZE`, which takes none), or
/// `None` for another cmd.
pub const fn uvm_param_size(cmd: u32) -> Option<usize> {
    Some(match cmd {
        UVM_INITIALIZE => size_of::<UvmInitializeParams>(),
        UVM_DEINITIALIZE => 0,
        UVM_MM_INITIALIZE => size_of::<UvmMmInitializeParams>(),
        UVM_REGISTER_GPU => size_of::<UvmRegisterGpuParams>(),
        UVM_UNREGISTER_GPU => size_of::<UvmUnregisterGpuParams>(),
        UVM_REGISTER_GPU_VASPACE => size_of::<UvmRegisterGpuVaspaceParams>(),
        UVM_UNREGISTER_GPU_VASPACE => size_of::<UvmUnregisterGpuVaspaceParams>(),
        UVM_REGISTER_CHANNEL => size_of::<UvmRegisterChannelParams>(),
        UVM_UNREGISTER_CHANNEL => size_of::<UvmUnregisterChannelParams>(),
        UVM_MAP_EXTERNAL_ALLOCATION => size_of::<UvmMapExternalAllocationParams>(),
        UVM_FREE => size_of::<UvmFreeParams>(),
        UVM_CREATE_EXTERNAL_RANGE => size_of::<UvmCreateExternalRangeParams>(),
        UVM_PAGEABLE_MEM_ACCESS => size_of::<UvmPageableMemAccessParams>(),
        _ => return None,
    })
}

/// Offset of `rmStatus` in the parameters of `cmd` (for an interposer that
/// only wants to patch the status), or `None` for an unknown cmd or
/// `UVM_DEINITIALIZE`.
pub const fn uvm_rm_status_offset(cmd: u32) -> Option<usize> {
    Some(match cmd {
        UVM_INITIALIZE => offset_of!(UvmInitializeParams, rm_status),
        UVM_MM_INITIALIZE => offset_of!(UvmMmInitializeParams, rm_status),
        UVM_REGISTER_GPU => offset_of!(UvmRegisterGpuParams, rm_status),
        UVM_UNREGISTER_GPU => offset_of!(UvmUnregisterGpuParams, rm_status),
        UVM_REGISTER_GPU_VASPACE => offset_of!(UvmRegisterGpuVaspaceParams, rm_status),
        UVM_UNREGISTER_GPU_VASPACE => offset_of!(UvmUnregisterGpuVaspaceParams, rm_status),
        UVM_REGISTER_CHANNEL => offset_of!(UvmRegisterChannelParams, rm_status),
        UVM_UNREGISTER_CHANNEL => offset_of!(UvmUnregisterChannelParams, rm_status),
        UVM_MAP_EXTERNAL_ALLOCATION => offset_of!(UvmMapExternalAllocationParams, rm_status),
        UVM_FREE => offset_of!(UvmFreeParams, rm_status),
        UVM_CREATE_EXTERNAL_RANGE => offset_of!(UvmCreateExternalRangeParams, rm_status),
        UVM_PAGEABLE_MEM_ACCESS => offset_of!(UvmPageableMemAccessParams, rm_status),
        _ => return None,
    })
}

// --- added for the mock ---
// `UvmGpuMappingAttributes` values (`nv_uvm_user_types.h`), with NVIDIA's
// enumerator names.

/// `UvmGpuMappingTypeDefault`.
#[allow(non_upper_case_globals)]
pub const UvmGpuMappingTypeDefault: u32 = 0;
/// `UvmGpuMappingTypeReadWriteAtomic`.
#[allow(non_upper_case_globals)]
pub const UvmGpuMappingTypeReadWriteAtomic: u32 = 1;
/// `UvmGpuMappingTypeReadWrite`.
#[allow(non_upper_case_globals)]
pub const UvmGpuMappingTypeReadWrite: u32 = 2;
/// `UvmGpuMappingTypeReadOnly`: GPU writes through the mapping fault.
#[allow(non_upper_case_globals)]
pub const UvmGpuMappingTypeReadOnly: u32 = 3;
/// `UvmGpuMappingTypeCount`: mapping types are below this.
#[allow(non_upper_case_globals)]
pub const UvmGpuMappingTypeCount: u32 = 4;
/// `UvmGpuCachingTypeCount`: caching types are below this.
#[allow(non_upper_case_globals)]
pub const UvmGpuCachingTypeCount: u32 = 3;
/// `UvmGpuFormatTypeCount`: format types are below this.
#[allow(non_upper_case_globals)]
pub const UvmGpuFormatTypeCount: u32 = 2;
/// `UvmGpuFormatElementBitsCount`: element sizes are below this.
#[allow(non_upper_case_globals)]
pub const UvmGpuFormatElementBitsCount: u32 = 7;
/// `UvmGpuCompressionTypeCount`: compression types are below this.
#[allow(non_upper_case_globals)]
pub const UvmGpuCompressionTypeCount: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(uvm_param_size(UVM_MAP_EXTERNAL_ALLOCATION), Some(9264));
        assert_eq!(uvm_param_size(UVM_DEINITIALIZE), Some(0));
        assert_eq!(uvm_param_size(12345), None);
        for cmd in [
            UVM_INITIALIZE,
            UVM_MM_INITIALIZE,
            UVM_REGISTER_GPU,
            UVM_UNREGISTER_GPU,
            UVM_REGISTER_GPU_VASPACE,
            UVM_UNREGISTER_GPU_VASPACE,
            UVM_REGISTER_CHANNEL,
            UVM_UNREGISTER_CHANNEL,
            UVM_MAP_EXTERNAL_ALLOCATION,
            UVM_FREE,
            UVM_CREATE_EXTERNAL_RANGE,
            UVM_PAGEABLE_MEM_ACCESS,
        ] {
            let (Some(size), Some(status)) = (uvm_param_size(cmd), uvm_rm_status_offset(cmd))
            else {
                panic!("cmd {cmd}");
            };
            assert!(status + 4 <= size, "cmd {cmd}");
        }
    }
}
