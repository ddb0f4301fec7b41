//! RM control commands (`NV_ESC_RM_CONTROL`) and their parameter structs
//! (reference §3.3, §7; values and layouts from NVIDIA's public
//! `ctrl/*.h`, driver 595).
//!
//! A control cmd is `class << 16 | category << 8 | message`. RM requires
//! `NVOS54.paramsSize` to equal the parameter struct's size exactly
//! ([`ctrl_param_size`]), else `NV_ERR_INVALID_PARAM_STRUCT`; an unknown cmd
//! gives `NV_ERR_NOT_SUPPORTED`.
//!
//! Each struct has a `*_PARAMS_SIZE` constant equal to its size.

use core::mem::{offset_of, size_of};

use super::{BitField, NvBool, NvHandle, NvP64};

/// The class a control cmd belongs to (bits 31:16).
pub const fn ctrl_cmd_class(cmd: u32) -> u32 {
    cmd >> 16
}

/// The category (interface) of a control cmd (bits 15:8).
pub const fn ctrl_cmd_category(cmd: u32) -> u32 {
    (cmd >> 8) & 0xff
}

/// The message id of a control cmd (bits 7:0).
pub const fn ctrl_cmd_message(cmd: u32) -> u32 {
    cmd & 0xff
}

/// `NVXXXX_CTRL_XXX_INFO`: one `{index, data}` pair of the info-list
/// controls (FB, GR), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NvxxxxCtrlXxxInfo {
    /// Which value (`*_INFO_INDEX_*`).
    pub index: u32,
    /// OUT: the value.
    pub data: u32,
}
const _: () = assert!(size_of::<NvxxxxCtrlXxxInfo>() == 8);

// ===========================================================================
// NV01_ROOT (client) controls, class 0x0000.

/// `NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2`.
pub const NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2: u32 = 0x0000_013E;
/// `NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE`.
pub const NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE: usize = 256;

/// `NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS`, 1032 bytes. All
/// fields are OUT; strings are NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv0000CtrlSystemGetBuildVersionV2Params {
    /// `NV_VERSION_STRING`, e.g. "595.45.04".
    pub driver_version_buffer: [u8; NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE],
    /// `NV_BUILD_BRANCH_VERSION`.
    pub version_buffer: [u8; NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE],
    /// `NV_BUILD_BRANCH`.
    pub driver_branch: [u8; NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE],
    /// `NV_DISPLAY_DRIVER_TITLE`.
    pub title_buffer: [u8; NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE],
    /// Build changelist.
    pub changelist_number: u32,
    /// Last official changelist.
    pub official_changelist_number: u32,
}
impl Default for Nv0000CtrlSystemGetBuildVersionV2Params {
    fn default() -> Self {
        const N: usize = NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE;
        Self {
            driver_version_buffer: [0; N],
            version_buffer: [0; N],
            driver_branch: [0; N],
            title_buffer: [0; N],
            changelist_number: 0,
            official_changelist_number: 0,
        }
    }
}
/// Size of [`Nv0000CtrlSystemGetBuildVersionV2Params`].
pub const NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS_SIZE: usize =
    size_of::<Nv0000CtrlSystemGetBuildVersionV2Params>();
const _: () = assert!(NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS_SIZE == 1032);
const _: () =
    assert!(offset_of!(Nv0000CtrlSystemGetBuildVersionV2Params, changelist_number) == 1024);

/// `NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS`.
pub const NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS: u32 = 0x0000_0201;
/// `NV0000_CTRL_GPU_MAX_ATTACHED_GPUS`.
pub const NV0000_CTRL_GPU_MAX_ATTACHED_GPUS: usize = 32;
/// `NV0000_CTRL_GPU_INVALID_ID`: terminates the id lists.
pub const NV0000_CTRL_GPU_INVALID_ID: u32 = 0xFFFF_FFFF;

/// `NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS`, 128 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0000CtrlGpuGetAttachedIdsParams {
    /// OUT: gpu ids, terminated by `NV0000_CTRL_GPU_INVALID_ID`.
    pub gpu_ids: [u32; NV0000_CTRL_GPU_MAX_ATTACHED_GPUS],
}
/// Size of [`Nv0000CtrlGpuGetAttachedIdsParams`].
pub const NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS_SIZE: usize =
    size_of::<Nv0000CtrlGpuGetAttachedIdsParams>();
const _: () = assert!(NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS_SIZE == 128);

/// `NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2`.
pub const NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2: u32 = 0x0000_0205;

/// `NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS`, 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0000CtrlGpuGetIdInfoV2Params {
    /// IN: gpu id.
    pub gpu_id: u32,
    /// OUT: `NV0000_CTRL_GPU_ID_INFO_*` flags.
    pub gpu_flags: u32,
    /// OUT: device instance (the `deviceId` for `NV01_DEVICE_0`).
    pub device_instance: u32,
    /// OUT: subdevice instance.
    pub sub_device_instance: u32,
    /// OUT: SLI status.
    pub sli_status: u32,
    /// OUT: board id.
    pub board_id: u32,
    /// OUT: GPU instance (minor number).
    pub gpu_instance: u32,
    /// OUT: NUMA node id or -1.
    pub numa_id: i32,
}
/// Size of [`Nv0000CtrlGpuGetIdInfoV2Params`].
pub const NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS_SIZE: usize =
    size_of::<Nv0000CtrlGpuGetIdInfoV2Params>();
const _: () = assert!(NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS_SIZE == 32);
const _: () = assert!(offset_of!(Nv0000CtrlGpuGetIdInfoV2Params, device_instance) == 8);
const _: () = assert!(offset_of!(Nv0000CtrlGpuGetIdInfoV2Params, gpu_instance) == 24);

/// `NV0000_CTRL_CMD_GPU_GET_PROBED_IDS`.
pub const NV0000_CTRL_CMD_GPU_GET_PROBED_IDS: u32 = 0x0000_0214;
/// `NV0000_CTRL_GPU_MAX_PROBED_GPUS` (= `NV_MAX_DEVICES`).
pub const NV0000_CTRL_GPU_MAX_PROBED_GPUS: usize = 32;

/// `NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS` as of r580 (with `gpuFlags`),
/// 384 bytes. Drivers up to r575 use the first two arrays only (256
/// bytes, [`NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE_PRE_R580`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0000CtrlGpuGetProbedIdsParams {
    /// OUT: probed gpu ids, terminated by `NV0000_CTRL_GPU_INVALID_ID`.
    pub gpu_ids: [u32; NV0000_CTRL_GPU_MAX_PROBED_GPUS],
    /// OUT: probed but excluded gpu ids.
    pub excluded_gpu_ids: [u32; NV0000_CTRL_GPU_MAX_PROBED_GPUS],
    /// OUT: `NV0000_CTRL_GPU_PROBED_ID_FLAGS_*` per gpu (r580+).
    pub gpu_flags: [u32; NV0000_CTRL_GPU_MAX_PROBED_GPUS],
}
/// Size of [`Nv0000CtrlGpuGetProbedIdsParams`] (r580+).
pub const NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE: usize =
    size_of::<Nv0000CtrlGpuGetProbedIdsParams>();
const _: () = assert!(NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE == 384);
/// Size of the same parameters before r580 (no `gpuFlags`).
pub const NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE_PRE_R580: usize = 256;
const _: () = assert!(offset_of!(Nv0000CtrlGpuGetProbedIdsParams, gpu_flags) == 256);

// ===========================================================================
// NV01_DEVICE_0 controls, class 0x0080.

/// `NV0080_CTRL_CMD_GPU_GET_CLASSLIST`: parameters embed a pointer
/// (`classList`) to a caller buffer of `numClasses` u32; call with 0 first
/// to learn the count. Prefer [`NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2`].
pub const NV0080_CTRL_CMD_GPU_GET_CLASSLIST: u32 = 0x0080_0201;

/// `NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS` (embedded pointer), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv0080CtrlGpuGetClasslistParams {
    /// IN/OUT: number of classes (buffer length in, count out).
    pub num_classes: u32,
    /// Padding before `class_list`.
    pub _pad0: u32,
    /// User pointer to a `u32[num_classes]` buffer, or 0.
    pub class_list: NvP64,
}
/// Size of [`Nv0080CtrlGpuGetClasslistParams`].
pub const NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS_SIZE: usize =
    size_of::<Nv0080CtrlGpuGetClasslistParams>();
const _: () = assert!(NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS_SIZE == 16);
const _: () = assert!(offset_of!(Nv0080CtrlGpuGetClasslistParams, class_list) == 8);

/// `NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2` (fixed-size).
pub const NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2: u32 = 0x0080_0292;
/// `NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE`.
pub const NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE: usize = 200;

/// `NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS`, 804 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv0080CtrlGpuGetClasslistV2Params {
    /// OUT: number of valid entries in `class_list`.
    pub num_classes: u32,
    /// OUT: class ids.
    pub class_list: [u32; NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE],
}
impl Default for Nv0080CtrlGpuGetClasslistV2Params {
    fn default() -> Self {
        Self {
            num_classes: 0,
            class_list: [0; NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE],
        }
    }
}
/// Size of [`Nv0080CtrlGpuGetClasslistV2Params`].
pub const NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS_SIZE: usize =
    size_of::<Nv0080CtrlGpuGetClasslistV2Params>();
const _: () = assert!(NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS_SIZE == 804);

// ===========================================================================
// NV20_SUBDEVICE_0 controls, class 0x2080.

/// `NV2080_CTRL_CMD_GPU_GET_GID_INFO`: the GPU UUID.
pub const NV2080_CTRL_CMD_GPU_GET_GID_INFO: u32 = 0x2080_014A;
/// `NV2080_GPU_MAX_GID_LENGTH`.
pub const NV2080_GPU_MAX_GID_LENGTH: usize = 256;
/// `NV2080_GPU_MAX_SHA1_BINARY_GID_LENGTH`: a binary UUID is 16 bytes.
pub const NV2080_GPU_MAX_SHA1_BINARY_GID_LENGTH: usize = 16;
/// `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT` 1:0.
pub const NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT: BitField = BitField::new(1, 0);
/// `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_ASCII`: "GPU-xxxxxxxx-...".
pub const NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_ASCII: u32 = 0;
/// `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_BINARY`: 16 raw bytes.
pub const NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_BINARY: u32 = 2;
/// `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_TYPE` 2:2 (0 = SHA1).
pub const NV2080_GPU_CMD_GPU_GET_GID_FLAGS_TYPE: BitField = BitField::new(2, 2);
/// `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_MODE` 5:3 (0 = GPU, 1 = UGPU).
pub const NV2080_GPU_CMD_GPU_GET_GID_FLAGS_MODE: BitField = BitField::new(5, 3);

/// `NV2080_CTRL_GPU_GET_GID_INFO_PARAMS`, 268 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlGpuGetGidInfoParams {
    /// IN: index (uGPU mode only).
    pub index: u32,
    /// IN: `NV2080_GPU_CMD_GPU_GET_GID_FLAGS_*`.
    pub flags: u32,
    /// OUT: GID length in bytes.
    pub length: u32,
    /// OUT: the GID (ASCII, NUL-terminated, or binary).
    pub data: [u8; NV2080_GPU_MAX_GID_LENGTH],
}
impl Default for Nv2080CtrlGpuGetGidInfoParams {
    fn default() -> Self {
        Self {
            index: 0,
            flags: 0,
            length: 0,
            data: [0; NV2080_GPU_MAX_GID_LENGTH],
        }
    }
}
/// Size of [`Nv2080CtrlGpuGetGidInfoParams`].
pub const NV2080_CTRL_GPU_GET_GID_INFO_PARAMS_SIZE: usize =
    size_of::<Nv2080CtrlGpuGetGidInfoParams>();
const _: () = assert!(NV2080_CTRL_GPU_GET_GID_INFO_PARAMS_SIZE == 268);
const _: () = assert!(offset_of!(Nv2080CtrlGpuGetGidInfoParams, data) == 12);

/// `NV2080_CTRL_GR_ROUTE_INFO` (= `NV0080_CTRL_GR_ROUTE_INFO`), 16 bytes:
/// selects the GR engine under MIG; zero otherwise.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlGrRouteInfo {
    /// Routing flags.
    pub flags: u32,
    /// Padding before `route`.
    pub _pad0: u32,
    /// Route.
    pub route: u64,
}
const _: () = assert!(size_of::<Nv2080CtrlGrRouteInfo>() == 16);

/// `NV2080_CTRL_CMD_GR_GET_INFO`: parameters embed a pointer to a caller
/// array of [`NvxxxxCtrlXxxInfo`].
pub const NV2080_CTRL_CMD_GR_GET_INFO: u32 = 0x2080_1201;

/// `NV2080_CTRL_GR_GET_INFO_PARAMS` (embedded pointer), 32 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlGrGetInfoParams {
    /// Number of entries at `gr_info_list`.
    pub gr_info_list_size: u32,
    /// Padding before `gr_info_list`.
    pub _pad0: u32,
    /// User pointer to `NV2080_CTRL_GR_INFO[gr_info_list_size]`.
    pub gr_info_list: NvP64,
    /// GR engine routing (MIG).
    pub gr_route_info: Nv2080CtrlGrRouteInfo,
}
/// Size of [`Nv2080CtrlGrGetInfoParams`].
pub const NV2080_CTRL_GR_GET_INFO_PARAMS_SIZE: usize = size_of::<Nv2080CtrlGrGetInfoParams>();
const _: () = assert!(NV2080_CTRL_GR_GET_INFO_PARAMS_SIZE == 32);
const _: () = assert!(offset_of!(Nv2080CtrlGrGetInfoParams, gr_info_list) == 8);
const _: () = assert!(offset_of!(Nv2080CtrlGrGetInfoParams, gr_route_info) == 16);

/// `NV2080_CTRL_CMD_GR_GET_INFO_V2` (fixed-size list).
pub const NV2080_CTRL_CMD_GR_GET_INFO_V2: u32 = 0x2080_1228;
/// `NV0080_CTRL_CMD_GR_GET_INFO_V2`: the same parameters on the device.
pub const NV0080_CTRL_CMD_GR_GET_INFO_V2: u32 = 0x0080_1110;
/// `NV2080_CTRL_GR_INFO_MAX_SIZE` of r590/r595 (`INDEX_MAX + 1`); this
/// grows between driver branches (0x35 in r535, 0x38 in r550, 0x3A in r570).
pub const NV2080_CTRL_GR_INFO_MAX_SIZE: usize = 0x3B;

/// `NV2080_CTRL_GR_GET_INFO_V2_PARAMS` of r590/r595, 496 bytes. The size
/// depends on the driver branch through [`NV2080_CTRL_GR_INFO_MAX_SIZE`].
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlGrGetInfoV2Params {
    /// Number of valid entries in `gr_info_list`.
    pub gr_info_list_size: u32,
    /// IN: index, OUT: data.
    pub gr_info_list: [NvxxxxCtrlXxxInfo; NV2080_CTRL_GR_INFO_MAX_SIZE],
    /// Padding before `gr_route_info`.
    pub _pad0: u32,
    /// GR engine routing (MIG).
    pub gr_route_info: Nv2080CtrlGrRouteInfo,
}
impl Default for Nv2080CtrlGrGetInfoV2Params {
    fn default() -> Self {
        Self {
            gr_info_list_size: 0,
            gr_info_list: [NvxxxxCtrlXxxInfo { index: 0, data: 0 }; NV2080_CTRL_GR_INFO_MAX_SIZE],
            _pad0: 0,
            gr_route_info: Nv2080CtrlGrRouteInfo {
                flags: 0,
                _pad0: 0,
                route: 0,
            },
        }
    }
}
/// Size of [`Nv2080CtrlGrGetInfoV2Params`].
pub const NV2080_CTRL_GR_GET_INFO_V2_PARAMS_SIZE: usize = size_of::<Nv2080CtrlGrGetInfoV2Params>();
const _: () = assert!(NV2080_CTRL_GR_GET_INFO_V2_PARAMS_SIZE == 496);
const _: () = assert!(offset_of!(Nv2080CtrlGrGetInfoV2Params, gr_route_info) == 480);

/// `NV2080_CTRL_GR_INFO_INDEX_SHADER_PIPE_SUB_COUNT`: RM's own UVM glue
/// reads the enabled **TPC count** from this index (`nv_gpu_ops.c`).
pub const NV2080_CTRL_GR_INFO_INDEX_SHADER_PIPE_SUB_COUNT: u32 = 0x09;
/// `NV2080_CTRL_GR_INFO_INDEX_SM_VERSION`.
pub const NV2080_CTRL_GR_INFO_INDEX_SM_VERSION: u32 = 0x0C;
/// `NV2080_CTRL_GR_INFO_INDEX_MAX_WARPS_PER_SM`.
pub const NV2080_CTRL_GR_INFO_INDEX_MAX_WARPS_PER_SM: u32 = 0x0D;
/// `NV2080_CTRL_GR_INFO_INDEX_MAX_THREADS_PER_WARP`.
pub const NV2080_CTRL_GR_INFO_INDEX_MAX_THREADS_PER_WARP: u32 = 0x0E;
/// `NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_GPCS`: GPC count (max).
pub const NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_GPCS: u32 = 0x14;
/// `NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_TPC_PER_GPC`.
pub const NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_TPC_PER_GPC: u32 = 0x17;
/// `NV2080_CTRL_GR_INFO_INDEX_GPU_CORE_COUNT`.
pub const NV2080_CTRL_GR_INFO_INDEX_GPU_CORE_COUNT: u32 = 0x1D;
/// `NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_SM_PER_TPC`: SM count = TPC count
/// (SHADER_PIPE_SUB_COUNT) × this.
pub const NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_SM_PER_TPC: u32 = 0x20;

/// `NV2080_CTRL_CMD_PERF_BOOST`.
pub const NV2080_CTRL_CMD_PERF_BOOST: u32 = 0x2080_200A;
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CMD` 1:0.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CMD: BitField = BitField::new(1, 0);
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CMD_CLEAR`.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CMD_CLEAR: u32 = 0;
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_1LEVEL`.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_1LEVEL: u32 = 1;
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_TO_MAX`.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_TO_MAX: u32 = 2;
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CUDA` 4:4.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CUDA: BitField = BitField::new(4, 4);
/// `NV2080_CTRL_PERF_BOOST_FLAGS_ASYNC` 5:5.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_ASYNC: BitField = BitField::new(5, 5);
/// `NV2080_CTRL_PERF_BOOST_FLAGS_CUDA_PRIORITY` 6:6.
pub const NV2080_CTRL_PERF_BOOST_FLAGS_CUDA_PRIORITY: BitField = BitField::new(6, 6);
/// `NV2080_CTRL_PERF_BOOST_DURATION_MAX` (seconds).
pub const NV2080_CTRL_PERF_BOOST_DURATION_MAX: u32 = 3600;
/// `NV2080_CTRL_PERF_BOOST_DURATION_INFINITE`.
pub const NV2080_CTRL_PERF_BOOST_DURATION_INFINITE: u32 = 0xFFFF_FFFF;

/// `NV2080_CTRL_PERF_BOOST_PARAMS`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlPerfBoostParams {
    /// `NV2080_CTRL_PERF_BOOST_FLAGS_*`.
    pub flags: u32,
    /// Seconds, or `NV2080_CTRL_PERF_BOOST_DURATION_INFINITE`.
    pub duration: u32,
}
/// Size of [`Nv2080CtrlPerfBoostParams`].
pub const NV2080_CTRL_PERF_BOOST_PARAMS_SIZE: usize = size_of::<Nv2080CtrlPerfBoostParams>();
const _: () = assert!(NV2080_CTRL_PERF_BOOST_PARAMS_SIZE == 8);

/// `NV2080_CTRL_CMD_FB_GET_INFO`: parameters embed a pointer to a caller
/// array of [`NvxxxxCtrlXxxInfo`].
pub const NV2080_CTRL_CMD_FB_GET_INFO: u32 = 0x2080_1301;
/// `NV2080_CTRL_CMD_FB_GET_INFO_V2` (fixed-size list).
pub const NV2080_CTRL_CMD_FB_GET_INFO_V2: u32 = 0x2080_1303;
/// `NV2080_CTRL_FB_INFO_MAX_LIST_SIZE`.
pub const NV2080_CTRL_FB_INFO_MAX_LIST_SIZE: usize = 128;

/// `NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE: u32 = 0x07;
/// `NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE: u32 = 0x08;
/// `NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE: u32 = 0x09;
/// `NV2080_CTRL_FB_INFO_INDEX_MAPPABLE_HEAP_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_MAPPABLE_HEAP_SIZE: u32 = 0x0A;
/// `NV2080_CTRL_FB_INFO_INDEX_HEAP_BASE_KB`.
pub const NV2080_CTRL_FB_INFO_INDEX_HEAP_BASE_KB: u32 = 0x11;
/// `NV2080_CTRL_FB_INFO_INDEX_LARGEST_FREE_REGION_SIZE_KB`.
pub const NV2080_CTRL_FB_INFO_INDEX_LARGEST_FREE_REGION_SIZE_KB: u32 = 0x12;
/// `NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE: u32 = 0x16;
/// `NV2080_CTRL_FB_INFO_INDEX_BAR1_AVAIL_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_BAR1_AVAIL_SIZE: u32 = 0x1D;
/// `NV2080_CTRL_FB_INFO_INDEX_HEAP_START` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_HEAP_START: u32 = 0x1E;
/// `NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE: u32 = 0x20;
/// `NV2080_CTRL_FB_INFO_INDEX_BAR1_SIZE` (KiB).
pub const NV2080_CTRL_FB_INFO_INDEX_BAR1_SIZE: u32 = 0x05;
/// `NV2080_CTRL_FB_INFO_INDEX_MAX` (r595).
pub const NV2080_CTRL_FB_INFO_INDEX_MAX: u32 = 0x3B;

/// `NV2080_CTRL_FB_GET_INFO_PARAMS` (embedded pointer), 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlFbGetInfoParams {
    /// Number of entries at `fb_info_list`.
    pub fb_info_list_size: u32,
    /// Padding before `fb_info_list`.
    pub _pad0: u32,
    /// User pointer to `NV2080_CTRL_FB_INFO[fb_info_list_size]`.
    pub fb_info_list: NvP64,
}
/// Size of [`Nv2080CtrlFbGetInfoParams`].
pub const NV2080_CTRL_FB_GET_INFO_PARAMS_SIZE: usize = size_of::<Nv2080CtrlFbGetInfoParams>();
const _: () = assert!(NV2080_CTRL_FB_GET_INFO_PARAMS_SIZE == 16);
const _: () = assert!(offset_of!(Nv2080CtrlFbGetInfoParams, fb_info_list) == 8);

/// `NV2080_CTRL_FB_GET_INFO_V2_PARAMS`, 1028 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlFbGetInfoV2Params {
    /// Number of valid entries in `fb_info_list`.
    pub fb_info_list_size: u32,
    /// IN: index, OUT: data (sizes in KiB).
    pub fb_info_list: [NvxxxxCtrlXxxInfo; NV2080_CTRL_FB_INFO_MAX_LIST_SIZE],
}
impl Default for Nv2080CtrlFbGetInfoV2Params {
    fn default() -> Self {
        Self {
            fb_info_list_size: 0,
            fb_info_list: [NvxxxxCtrlXxxInfo { index: 0, data: 0 };
                NV2080_CTRL_FB_INFO_MAX_LIST_SIZE],
        }
    }
}
/// Size of [`Nv2080CtrlFbGetInfoV2Params`].
pub const NV2080_CTRL_FB_GET_INFO_V2_PARAMS_SIZE: usize = size_of::<Nv2080CtrlFbGetInfoV2Params>();
const _: () = assert!(NV2080_CTRL_FB_GET_INFO_V2_PARAMS_SIZE == 1028);
const _: () = assert!(offset_of!(Nv2080CtrlFbGetInfoV2Params, fb_info_list) == 4);

/// `NV2080_CTRL_CMD_GPU_GET_PIDS`.
pub const NV2080_CTRL_CMD_GPU_GET_PIDS: u32 = 0x2080_018D;
/// `NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT`.
pub const NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT: usize = 950;
/// `NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_CLASS`: `id` is a class id.
pub const NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_CLASS: u32 = 0;
/// `NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_VGPU_GUEST`.
pub const NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_VGPU_GUEST: u32 = 1;

/// `NV2080_CTRL_GPU_GET_PIDS_PARAMS`, 3812 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlGpuGetPidsParams {
    /// IN: `NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_*`.
    pub id_type: u32,
    /// IN: class id (e.g. `NV20_SUBDEVICE_0`).
    pub id: u32,
    /// OUT: number of pids.
    pub pid_tbl_count: u32,
    /// OUT: pids.
    pub pid_tbl: [u32; NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT],
}
impl Default for Nv2080CtrlGpuGetPidsParams {
    fn default() -> Self {
        Self {
            id_type: 0,
            id: 0,
            pid_tbl_count: 0,
            pid_tbl: [0; NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT],
        }
    }
}
/// Size of [`Nv2080CtrlGpuGetPidsParams`].
pub const NV2080_CTRL_GPU_GET_PIDS_PARAMS_SIZE: usize = size_of::<Nv2080CtrlGpuGetPidsParams>();
const _: () = assert!(NV2080_CTRL_GPU_GET_PIDS_PARAMS_SIZE == 3812);

/// `NV2080_CTRL_CMD_GPU_GET_PID_INFO`.
pub const NV2080_CTRL_CMD_GPU_GET_PID_INFO: u32 = 0x2080_018E;
/// `NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT`.
pub const NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT: usize = 200;
/// `NV2080_CTRL_GPU_PID_INFO_INDEX_VIDEO_MEMORY_USAGE`.
pub const NV2080_CTRL_GPU_PID_INFO_INDEX_VIDEO_MEMORY_USAGE: u32 = 0;

/// `NV2080_CTRL_GPU_PID_INFO_VIDEO_MEMORY_USAGE_DATA` (the only member of
/// the `NV2080_CTRL_GPU_PID_INFO_DATA` union), 48 bytes, all in bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlGpuPidInfoVideoMemoryUsageData {
    /// Memory only this process references.
    pub mem_private: u64,
    /// Memory this process owns and others have duped.
    pub mem_shared_owned: u64,
    /// Memory this process duped from others.
    pub mem_shared_duped: u64,
    /// Protected (CC) counterpart of `mem_private`.
    pub protected_mem_private: u64,
    /// Protected counterpart of `mem_shared_owned`.
    pub protected_mem_shared_owned: u64,
    /// Protected counterpart of `mem_shared_duped`.
    pub protected_mem_shared_duped: u64,
}
const _: () = assert!(size_of::<Nv2080CtrlGpuPidInfoVideoMemoryUsageData>() == 48);

/// `NV2080_CTRL_SMC_SUBSCRIPTION_INFO`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlSmcSubscriptionInfo {
    /// Compute instance id.
    pub compute_instance_id: u32,
    /// GPU instance id.
    pub gpu_instance_id: u32,
}
const _: () = assert!(size_of::<Nv2080CtrlSmcSubscriptionInfo>() == 8);

/// `NV2080_CTRL_GPU_PID_INFO`, 72 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv2080CtrlGpuPidInfo {
    /// IN: pid.
    pub pid: u32,
    /// IN: `NV2080_CTRL_GPU_PID_INFO_INDEX_*`.
    pub index: u32,
    /// OUT: status of this entry.
    pub result: u32,
    /// Padding before `data`.
    pub _pad0: u32,
    /// OUT: the data for `index`.
    pub data: Nv2080CtrlGpuPidInfoVideoMemoryUsageData,
    /// IN: MIG subscription to query.
    pub smc_subscription: Nv2080CtrlSmcSubscriptionInfo,
}
const _: () = assert!(size_of::<Nv2080CtrlGpuPidInfo>() == 72);
const _: () = assert!(offset_of!(Nv2080CtrlGpuPidInfo, data) == 16);
const _: () = assert!(offset_of!(Nv2080CtrlGpuPidInfo, smc_subscription) == 64);

/// `NV2080_CTRL_GPU_GET_PID_INFO_PARAMS`, 14408 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlGpuGetPidInfoParams {
    /// Number of valid entries.
    pub pid_info_list_count: u32,
    /// Padding before `pid_info_list`.
    pub _pad0: u32,
    /// The queries and answers.
    pub pid_info_list: [Nv2080CtrlGpuPidInfo; NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT],
}
impl Default for Nv2080CtrlGpuGetPidInfoParams {
    fn default() -> Self {
        const Z: Nv2080CtrlGpuPidInfo = Nv2080CtrlGpuPidInfo {
            pid: 0,
            index: 0,
            result: 0,
            _pad0: 0,
            data: Nv2080CtrlGpuPidInfoVideoMemoryUsageData {
                mem_private: 0,
                mem_shared_owned: 0,
                mem_shared_duped: 0,
                protected_mem_private: 0,
                protected_mem_shared_owned: 0,
                protected_mem_shared_duped: 0,
            },
            smc_subscription: Nv2080CtrlSmcSubscriptionInfo {
                compute_instance_id: 0,
                gpu_instance_id: 0,
            },
        };
        Self {
            pid_info_list_count: 0,
            _pad0: 0,
            pid_info_list: [Z; NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT],
        }
    }
}
/// Size of [`Nv2080CtrlGpuGetPidInfoParams`].
pub const NV2080_CTRL_GPU_GET_PID_INFO_PARAMS_SIZE: usize =
    size_of::<Nv2080CtrlGpuGetPidInfoParams>();
const _: () = assert!(NV2080_CTRL_GPU_GET_PID_INFO_PARAMS_SIZE == 14408);
const _: () = assert!(offset_of!(Nv2080CtrlGpuGetPidInfoParams, pid_info_list) == 8);

/// `NV2080_CTRL_CMD_FIFO_DISABLE_CHANNELS`.
pub const NV2080_CTRL_CMD_FIFO_DISABLE_CHANNELS: u32 = 0x2080_110B;
/// `NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES`.
pub const NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES: usize = 64;

/// `NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS`, 536 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv2080CtrlFifoDisableChannelsParams {
    /// Disable (TRUE) or enable (FALSE).
    pub b_disable: NvBool,
    /// Padding before `num_channels`.
    pub _pad0: [u8; 3],
    /// Number of valid entries in the lists.
    pub num_channels: u32,
    /// Only stop scheduling.
    pub b_only_disable_scheduling: NvBool,
    /// Rewind GP_PUT.
    pub b_rewind_gp_put: NvBool,
    /// Padding before `p_runlist_preempt_event`.
    pub _pad1: [u8; 6],
    /// Kernel-only event pointer (must be 0 from user space).
    pub p_runlist_preempt_event: NvP64,
    /// Client of each channel.
    pub h_client_list: [NvHandle; NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES],
    /// Channel handles.
    pub h_channel_list: [NvHandle; NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES],
}
impl Default for Nv2080CtrlFifoDisableChannelsParams {
    fn default() -> Self {
        const N: usize = NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES;
        Self {
            b_disable: 0,
            _pad0: [0; 3],
            num_channels: 0,
            b_only_disable_scheduling: 0,
            b_rewind_gp_put: 0,
            _pad1: [0; 6],
            p_runlist_preempt_event: 0,
            h_client_list: [0; N],
            h_channel_list: [0; N],
        }
    }
}
/// Size of [`Nv2080CtrlFifoDisableChannelsParams`].
pub const NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS_SIZE: usize =
    size_of::<Nv2080CtrlFifoDisableChannelsParams>();
const _: () = assert!(NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS_SIZE == 536);
const _: () = assert!(offset_of!(Nv2080CtrlFifoDisableChannelsParams, num_channels) == 4);
const _: () = assert!(offset_of!(Nv2080CtrlFifoDisableChannelsParams, b_rewind_gp_put) == 9);
const _: () =
    assert!(offset_of!(Nv2080CtrlFifoDisableChannelsParams, p_runlist_preempt_event) == 16);
const _: () = assert!(offset_of!(Nv2080CtrlFifoDisableChannelsParams, h_client_list) == 24);
const _: () = assert!(offset_of!(Nv2080CtrlFifoDisableChannelsParams, h_channel_list) == 280);

// ===========================================================================
// KEPLER_CHANNEL_GROUP_A (TSG) controls, class 0xA06C; all NON_PRIVILEGED
// except SET_INTERLEAVE_LEVEL.

/// `NVA06C_CTRL_CMD_GPFIFO_SCHEDULE`.
pub const NVA06C_CTRL_CMD_GPFIFO_SCHEDULE: u32 = 0xA06C_0101;
/// `NVA06C_CTRL_CMD_BIND`.
pub const NVA06C_CTRL_CMD_BIND: u32 = 0xA06C_0102;
/// `NVA06C_CTRL_CMD_SET_TIMESLICE`.
pub const NVA06C_CTRL_CMD_SET_TIMESLICE: u32 = 0xA06C_0103;
/// `NVA06C_CTRL_CMD_GET_TIMESLICE`.
pub const NVA06C_CTRL_CMD_GET_TIMESLICE: u32 = 0xA06C_0104;
/// `NVA06C_CTRL_CMD_PREEMPT`.
pub const NVA06C_CTRL_CMD_PREEMPT: u32 = 0xA06C_0105;
/// `NVA06C_CTRL_CMD_GET_INFO`.
pub const NVA06C_CTRL_CMD_GET_INFO: u32 = 0xA06C_0106;
/// `NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL`.
pub const NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL: u32 = 0xA06C_0107;
/// `NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL`.
pub const NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL: u32 = 0xA06C_0108;
/// `NVA06C_CTRL_CMD_MAKE_REALTIME`.
pub const NVA06C_CTRL_CMD_MAKE_REALTIME: u32 = 0xA06C_0110;
/// `NVA06C_CTRL_CMD_PREEMPT_MAX_MANUAL_TIMEOUT_US` (1 s).
pub const NVA06C_CTRL_CMD_PREEMPT_MAX_MANUAL_TIMEOUT_US: u32 = 1_000_000;
/// `NVA06C_CTRL_INTERLEAVE_LEVEL_LOW`.
pub const NVA06C_CTRL_INTERLEAVE_LEVEL_LOW: u32 = 0;
/// `NVA06C_CTRL_INTERLEAVE_LEVEL_MEDIUM`.
pub const NVA06C_CTRL_INTERLEAVE_LEVEL_MEDIUM: u32 = 1;
/// `NVA06C_CTRL_INTERLEAVE_LEVEL_HIGH`.
pub const NVA06C_CTRL_INTERLEAVE_LEVEL_HIGH: u32 = 2;

/// `NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS` (= `NVA06F_CTRL_GPFIFO_SCHEDULE_PARAMS`),
/// 3 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlGpfifoScheduleParams {
    /// Enable (TRUE) or disable scheduling.
    pub b_enable: NvBool,
    /// Do not submit the runlist.
    pub b_skip_submit: NvBool,
    /// Do not enable the channels.
    pub b_skip_enable: NvBool,
}
/// Size of [`Nva06cCtrlGpfifoScheduleParams`].
pub const NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS_SIZE: usize =
    size_of::<Nva06cCtrlGpfifoScheduleParams>();
const _: () = assert!(NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS_SIZE == 3);

/// `NVA06C_CTRL_BIND_PARAMS` (= `NVA06F_CTRL_BIND_PARAMS`), 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlBindParams {
    /// `NV2080_ENGINE_TYPE_*`.
    pub engine_type: u32,
}
/// Size of [`Nva06cCtrlBindParams`].
pub const NVA06C_CTRL_BIND_PARAMS_SIZE: usize = size_of::<Nva06cCtrlBindParams>();
const _: () = assert!(NVA06C_CTRL_BIND_PARAMS_SIZE == 4);

/// `NVA06C_CTRL_TIMESLICE_PARAMS` (SET and GET_TIMESLICE), 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlTimesliceParams {
    /// Timeslice in microseconds (SET rounds down to a hardware value).
    pub timeslice_us: u64,
}
/// Size of [`Nva06cCtrlTimesliceParams`].
pub const NVA06C_CTRL_TIMESLICE_PARAMS_SIZE: usize = size_of::<Nva06cCtrlTimesliceParams>();
const _: () = assert!(NVA06C_CTRL_TIMESLICE_PARAMS_SIZE == 8);

/// `NVA06C_CTRL_PREEMPT_PARAMS`, 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlPreemptParams {
    /// Wait for the preemption to complete.
    pub b_wait: NvBool,
    /// Use `timeout_us` instead of the default timeout.
    pub b_manual_timeout: NvBool,
    /// Padding before `timeout_us`.
    pub _pad0: [u8; 2],
    /// Timeout (≤ `NVA06C_CTRL_CMD_PREEMPT_MAX_MANUAL_TIMEOUT_US`).
    pub timeout_us: u32,
}
/// Size of [`Nva06cCtrlPreemptParams`].
pub const NVA06C_CTRL_PREEMPT_PARAMS_SIZE: usize = size_of::<Nva06cCtrlPreemptParams>();
const _: () = assert!(NVA06C_CTRL_PREEMPT_PARAMS_SIZE == 8);
const _: () = assert!(offset_of!(Nva06cCtrlPreemptParams, b_manual_timeout) == 1);
const _: () = assert!(offset_of!(Nva06cCtrlPreemptParams, timeout_us) == 4);

/// `NVA06C_CTRL_GET_INFO_PARAMS`, 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlGetInfoParams {
    /// OUT: hardware TSG id.
    pub tsg_id: u32,
}
/// Size of [`Nva06cCtrlGetInfoParams`].
pub const NVA06C_CTRL_GET_INFO_PARAMS_SIZE: usize = size_of::<Nva06cCtrlGetInfoParams>();
const _: () = assert!(NVA06C_CTRL_GET_INFO_PARAMS_SIZE == 4);

/// `NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS`, 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlInterleaveLevelParams {
    /// `NVA06C_CTRL_INTERLEAVE_LEVEL_*`.
    pub tsg_interleave_level: u32,
}
/// Size of [`Nva06cCtrlInterleaveLevelParams`].
pub const NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS_SIZE: usize =
    size_of::<Nva06cCtrlInterleaveLevelParams>();
const _: () = assert!(NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS_SIZE == 4);

/// `NVA06C_CTRL_MAKE_REALTIME_PARAMS`, 1 byte.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nva06cCtrlMakeRealtimeParams {
    /// Make the TSG realtime.
    pub b_realtime: NvBool,
}
/// Size of [`Nva06cCtrlMakeRealtimeParams`].
pub const NVA06C_CTRL_MAKE_REALTIME_PARAMS_SIZE: usize = size_of::<Nva06cCtrlMakeRealtimeParams>();
const _: () = assert!(NVA06C_CTRL_MAKE_REALTIME_PARAMS_SIZE == 1);

// ===========================================================================
// Channel controls.

/// `NVA06F_CTRL_CMD_GPFIFO_SCHEDULE`: schedule a single channel (same
/// parameters as the TSG control).
pub const NVA06F_CTRL_CMD_GPFIFO_SCHEDULE: u32 = 0xA06F_0103;
/// `NVA06F_CTRL_CMD_BIND`: bind a channel to an engine.
pub const NVA06F_CTRL_CMD_BIND: u32 = 0xA06F_0104;

/// `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN`: the value to write to
/// the USERMODE doorbell (`NVC361_NOTIFY_CHANNEL_PENDING`).
pub const NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN: u32 = 0xC36F_0108;

/// `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS`, 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams {
    /// OUT: the work submit token.
    pub work_submit_token: u32,
}
/// Size of [`Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams`].
pub const NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS_SIZE: usize =
    size_of::<Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams>();
const _: () = assert!(NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS_SIZE == 4);

/// The exact parameter size of control `cmd`, for every control in this
/// module; `None` for a cmd outside vgpu's subset (RM: `NV_ERR_NOT_SUPPORTED`
/// if it does not know it either).
pub const fn ctrl_param_size(cmd: u32) -> Option<usize> {
    Some(match cmd {
        NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2 => {
            NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS_SIZE
        }
        NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS => NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS_SIZE,
        NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2 => NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS_SIZE,
        NV0000_CTRL_CMD_GPU_GET_PROBED_IDS => NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE,
        NV0080_CTRL_CMD_GPU_GET_CLASSLIST => NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS_SIZE,
        NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2 => NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS_SIZE,
        NV0080_CTRL_CMD_GR_GET_INFO_V2 | NV2080_CTRL_CMD_GR_GET_INFO_V2 => {
            NV2080_CTRL_GR_GET_INFO_V2_PARAMS_SIZE
        }
        NV2080_CTRL_CMD_GPU_GET_GID_INFO => NV2080_CTRL_GPU_GET_GID_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_GR_GET_INFO => NV2080_CTRL_GR_GET_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_PERF_BOOST => NV2080_CTRL_PERF_BOOST_PARAMS_SIZE,
        NV2080_CTRL_CMD_FB_GET_INFO => NV2080_CTRL_FB_GET_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_FB_GET_INFO_V2 => NV2080_CTRL_FB_GET_INFO_V2_PARAMS_SIZE,
        NV2080_CTRL_CMD_GPU_GET_PIDS => NV2080_CTRL_GPU_GET_PIDS_PARAMS_SIZE,
        NV2080_CTRL_CMD_GPU_GET_PID_INFO => NV2080_CTRL_GPU_GET_PID_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_FIFO_DISABLE_CHANNELS => NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS_SIZE,
        NVA06C_CTRL_CMD_GPFIFO_SCHEDULE | NVA06F_CTRL_CMD_GPFIFO_SCHEDULE => {
            NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS_SIZE
        }
        NVA06C_CTRL_CMD_BIND | NVA06F_CTRL_CMD_BIND => NVA06C_CTRL_BIND_PARAMS_SIZE,
        NVA06C_CTRL_CMD_SET_TIMESLICE | NVA06C_CTRL_CMD_GET_TIMESLICE => {
            NVA06C_CTRL_TIMESLICE_PARAMS_SIZE
        }
        NVA06C_CTRL_CMD_PREEMPT => NVA06C_CTRL_PREEMPT_PARAMS_SIZE,
        NVA06C_CTRL_CMD_GET_INFO => NVA06C_CTRL_GET_INFO_PARAMS_SIZE,
        NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL | NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL => {
            NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS_SIZE
        }
        NVA06C_CTRL_CMD_MAKE_REALTIME => NVA06C_CTRL_MAKE_REALTIME_PARAMS_SIZE,
        NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN => {
            NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS_SIZE
        }
        _ => return None,
    })
}

// --- added for the mock ---

/// `NV2080_CTRL_GR_INFO_SM_VERSION_8_0`: `GR_INFO_INDEX_SM_VERSION` of SM 8.0.
pub const NV2080_CTRL_GR_INFO_SM_VERSION_8_0: u32 = 0x800;
/// `NV2080_CTRL_GPU_PARTITION_ID_INVALID`: no MIG partition.
pub const NV2080_CTRL_GPU_PARTITION_ID_INVALID: u32 = 0xFFFF_FFFF;

/// `NV00FD_CTRL_CMD_ATTACH_GPU` (multicast fabric memory): its
/// `devDescriptor` names a GPU fd the escape layer takes first.
pub const NV00FD_CTRL_CMD_ATTACH_GPU: u32 = 0x00FD_0104;

/// `NV00FD_CTRL_ATTACH_GPU_PARAMS`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nv00fdCtrlAttachGpuParams {
    /// Subdevice of the GPU to attach.
    pub h_subdevice: NvHandle,
    /// Flags.
    pub flags: u32,
    /// A file descriptor of `/dev/nvidiaN`.
    pub dev_descriptor: u64,
}
const _: () = assert!(size_of::<Nv00fdCtrlAttachGpuParams>() == 16);
const _: () = assert!(offset_of!(Nv00fdCtrlAttachGpuParams, dev_descriptor) == 8);

/// `NV00E0_CTRL_CMD_EXPORT_MEM` (memory export object): its `devDescriptor`
/// names a GPU fd the escape layer takes first (unless `hParent` is the
/// client).
pub const NV00E0_CTRL_CMD_EXPORT_MEM: u32 = 0x00E0_0101;
/// `NV00E0_MAX_EXPORT_HANDLES`.
pub const NV00E0_MAX_EXPORT_HANDLES: usize = 256;

/// `NV00E0_CTRL_EXPORT_MEM_PARAMS`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nv00e0CtrlExportMemParams {
    /// Index in the export object.
    pub index: u16,
    /// Padding before `h_parent`.
    pub _pad0: u16,
    /// Parent of the exported handles (the client: no device fd used).
    pub h_parent: NvHandle,
    /// Handles to export.
    pub handles: [NvHandle; NV00E0_MAX_EXPORT_HANDLES],
    /// Number of valid `handles`.
    pub num_handles: u16,
    /// Padding before `dev_descriptor`.
    pub _pad1: [u8; 6],
    /// A file descriptor of `/dev/nvidiaN`.
    pub dev_descriptor: u64,
}
impl Default for Nv00e0CtrlExportMemParams {
    fn default() -> Self {
        Self {
            index: 0,
            _pad0: 0,
            h_parent: 0,
            handles: [0; NV00E0_MAX_EXPORT_HANDLES],
            num_handles: 0,
            _pad1: [0; 6],
            dev_descriptor: 0,
        }
    }
}
const _: () = assert!(size_of::<Nv00e0CtrlExportMemParams>() == 1048);
const _: () = assert!(offset_of!(Nv00e0CtrlExportMemParams, h_parent) == 4);
const _: () = assert!(offset_of!(Nv00e0CtrlExportMemParams, num_handles) == 1032);
const _: () = assert!(offset_of!(Nv00e0CtrlExportMemParams, dev_descriptor) == 1040);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmd_fields() {
        assert_eq!(ctrl_cmd_class(NVA06C_CTRL_CMD_SET_TIMESLICE), 0xA06C);
        assert_eq!(ctrl_cmd_category(NVA06C_CTRL_CMD_SET_TIMESLICE), 0x01);
        assert_eq!(ctrl_cmd_message(NVA06C_CTRL_CMD_SET_TIMESLICE), 0x03);
        assert_eq!(ctrl_cmd_class(NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2), 0);
        assert_eq!(ctrl_cmd_class(NV2080_CTRL_CMD_FB_GET_INFO_V2), 0x2080);
    }

    #[test]
    fn sizes_from_reference() {
        assert_eq!(ctrl_param_size(NVA06C_CTRL_CMD_GPFIFO_SCHEDULE), Some(3));
        assert_eq!(ctrl_param_size(NVA06C_CTRL_CMD_SET_TIMESLICE), Some(8));
        assert_eq!(ctrl_param_size(NVA06C_CTRL_CMD_GET_TIMESLICE), Some(8));
        assert_eq!(ctrl_param_size(NVA06C_CTRL_CMD_PREEMPT), Some(8));
        assert_eq!(
            ctrl_param_size(NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN),
            Some(4)
        );
        assert_eq!(ctrl_param_size(NV2080_CTRL_CMD_FB_GET_INFO), Some(16));
        assert_eq!(
            ctrl_param_size(NV2080_CTRL_CMD_FB_GET_INFO_V2),
            Some(4 + 128 * 8)
        );
        assert_eq!(ctrl_param_size(0x1234_5678), None);
    }
}
