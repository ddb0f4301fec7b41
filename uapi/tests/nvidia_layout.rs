//! The NVIDIA ABI has two descriptions, the Rust one (`src/nvidia/`) and the
//! C one (`include/nvidia-abi.h`). This test compiles a C program against
//! the header that prints, for every struct, its size and every field's
//! offset and size, the value of every constant, and the results of the
//! header's helper functions on sample inputs, and compares all of it with
//! the Rust side. Any difference fails the test, naming the item.
//!
//! Nothing can be forgotten silently:
//! - every `#define` constant of the header and every `pub const` of the
//!   Rust module must be in the constant lists below,
//! - every struct/union typedef of the header and every `pub struct` of the
//!   Rust module must be in the layout list below,
//! - each listed Rust struct's fields must cover all its bytes without gaps
//!   (so the list names every field, and there is no implicit padding).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::mem::{offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use vgpu_uapi::nvidia::alloc_params::*;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ctrl::*;
use vgpu_uapi::nvidia::hw::*;
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;
use vgpu_uapi::nvidia::uvm::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One value the C program prints (`key<TAB>value`) and the Rust side
/// expects.
struct Item {
    key: String,
    /// printf conversion for the C expression ("%llu" or "%s").
    fmt: &'static str,
    c_expr: String,
    expected: String,
}

#[derive(Default)]
struct Checks {
    items: Vec<Item>,
    /// Raw C statements printing `key\tvalue` lines themselves, with the
    /// Rust expectations in `raw_expected`.
    raw_c: Vec<String>,
    raw_expected: BTreeMap<String, String>,
    /// Problems found on the Rust side alone (gaps, overlaps).
    errors: Vec<String>,
    c_consts: BTreeSet<String>,
    rust_consts: BTreeSet<String>,
    c_types: BTreeSet<String>,
    rust_types: BTreeSet<String>,
}

impl Checks {
    fn int(&mut self, key: impl Into<String>, c_expr: impl Into<String>, rust: u64) {
        self.items.push(Item {
            key: key.into(),
            fmt: "%llu",
            c_expr: format!("(unsigned long long)({})", c_expr.into()),
            expected: rust.to_string(),
        });
    }

    fn string(&mut self, key: impl Into<String>, c_expr: impl Into<String>, rust: &str) {
        self.items.push(Item {
            key: key.into(),
            fmt: "%s",
            c_expr: c_expr.into(),
            expected: rust.to_string(),
        });
    }

    /// A constant with the same name on both sides.
    fn constant(&mut self, name: &str, rust: u64) {
        self.c_consts.insert(name.to_string());
        self.rust_consts.insert(name.to_string());
        self.int(format!("const {name}"), name, rust);
    }

    /// A C-only constant checked against a Rust expression.
    fn c_constant(&mut self, name: &str, rust: u64) {
        self.c_consts.insert(name.to_string());
        self.int(format!("const {name}"), name, rust);
    }

    /// A string constant with the same name on both sides.
    fn string_constant(&mut self, name: &str, rust: &str) {
        self.c_consts.insert(name.to_string());
        self.rust_consts.insert(name.to_string());
        self.string(format!("const {name}"), name, rust);
    }

    fn bitfield(&mut self, name: &str, f: vgpu_uapi::nvidia::BitField) {
        self.c_consts.insert(name.to_string());
        self.rust_consts.insert(name.to_string());
        self.int(
            format!("field {name} hi"),
            format!("NV_FLD_HI({name})"),
            f.hi.into(),
        );
        self.int(
            format!("field {name} lo"),
            format!("NV_FLD_LO({name})"),
            f.lo.into(),
        );
    }

    /// Check that the listed fields cover `size` bytes exactly, in order.
    fn coverage(&mut self, ty: &str, size: usize, mut fields: Vec<(&str, usize, usize)>) {
        fields.sort_by_key(|f| f.1);
        let mut at = 0;
        for (name, off, len) in fields {
            if off != at {
                self.errors.push(format!(
                    "{ty}: field {name} at offset {off}, expected {at} (implicit padding or an unlisted field)"
                ));
            }
            at = off + len;
        }
        if at != size {
            self.errors.push(format!(
                "{ty}: fields end at {at} but the struct has {size} bytes (tail padding or an unlisted field)"
            ));
        }
    }
}

fn field_size<T, F>(_: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

/// `RustType => "C_TYPE" { rust_field: "cField", ... }`: size, every
/// field's offset and size, and byte coverage.
macro_rules! layouts {
    ($c:ident; $( $rty:ty => $cty:literal { $( $rf:ident : $cf:literal ),* $(,)? } )*) => {$(
        {
            let rust_name = stringify!($rty).split('<').next().unwrap().trim().to_string();
            $c.rust_types.insert(rust_name);
            $c.c_types.insert($cty.to_string());
            let fields: Vec<(&str, usize, usize)> = vec![
                $( (stringify!($rf), offset_of!($rty, $rf), field_size(|s: &$rty| &s.$rf)) ),*
            ];
            $(
                $c.int(
                    format!("offset {}.{}", $cty, $cf),
                    format!("NVABI_OFFSETOF({}, {})", $cty, $cf),
                    offset_of!($rty, $rf) as u64,
                );
                $c.int(
                    format!("fieldsize {}.{}", $cty, $cf),
                    format!("sizeof((({} *)0)->{})", $cty, $cf),
                    field_size(|s: &$rty| &s.$rf) as u64,
                );
            )*
            $c.int(format!("size {}", $cty), format!("sizeof({})", $cty), size_of::<$rty>() as u64);
            $c.coverage(stringify!($rty), size_of::<$rty>(), fields);
        }
    )*};
}

/// Constants with the same name in Rust and C.
macro_rules! consts {
    ($c:ident; $( $name:ident ),* $(,)?) => {$(
        $c.constant(stringify!($name), $name as u64);
    )*};
}

/// Bit fields (`hi:lo` in C, `BitField` in Rust).
macro_rules! fields {
    ($c:ident; $( $name:ident ),* $(,)?) => {$(
        $c.bitfield(stringify!($name), $name);
    )*};
}

fn layout_checks(c: &mut Checks) {
    layouts! { c;
        Nvos00Parameters => "NVOS00_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", h_object_old: "hObjectOld",
            status: "status",
        }
        Nvos05Parameters => "NVOS05_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", h_object_new: "hObjectNew",
            h_class: "hClass", status: "status",
        }
        Nvos21Parameters => "NVOS21_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", h_object_new: "hObjectNew",
            h_class: "hClass", p_alloc_parms: "pAllocParms", params_size: "paramsSize",
            status: "status",
        }
        Nvos64Parameters => "NVOS64_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", h_object_new: "hObjectNew",
            h_class: "hClass", p_alloc_parms: "pAllocParms",
            p_rights_requested: "pRightsRequested", params_size: "paramsSize", flags: "flags",
            status: "status", _pad0: "_pad0",
        }
        Nvos54Parameters => "NVOS54_PARAMETERS" {
            h_client: "hClient", h_object: "hObject", cmd: "cmd", flags: "flags",
            params: "params", params_size: "paramsSize", status: "status",
        }
        Nvos33Parameters => "NVOS33_PARAMETERS" {
            h_client: "hClient", h_device: "hDevice", h_memory: "hMemory", _pad0: "_pad0",
            offset: "offset", length: "length", p_linear_address: "pLinearAddress",
            status: "status", flags: "flags",
        }
        NvIoctlNvos33ParametersWithFd => "nv_ioctl_nvos33_parameters_with_fd" {
            params: "params", fd: "fd", _pad0: "_pad0",
        }
        Nvos34Parameters => "NVOS34_PARAMETERS" {
            h_client: "hClient", h_device: "hDevice", h_memory: "hMemory", _pad0: "_pad0",
            p_linear_address: "pLinearAddress", status: "status", flags: "flags",
        }
        Nvos02Parameters => "NVOS02_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", h_object_new: "hObjectNew",
            h_class: "hClass", flags: "flags", _pad0: "_pad0", p_memory: "pMemory",
            limit: "limit", status: "status", _pad1: "_pad1",
        }
        NvIoctlNvos02ParametersWithFd => "nv_ioctl_nvos02_parameters_with_fd" {
            params: "params", fd: "fd", _pad0: "_pad0",
        }
        Nvos32AllocSize => "NVOS32_DATA_ALLOC_SIZE" {
            owner: "owner", h_memory: "hMemory", type_: "type", flags: "flags", attr: "attr",
            format: "format", compr_covg: "comprCovg", zcull_covg: "zcullCovg",
            partition_stride: "partitionStride", width: "width", height: "height",
            _pad0: "_pad0", size: "size", alignment: "alignment", offset: "offset",
            limit: "limit", address: "address", range_begin: "rangeBegin",
            range_end: "rangeEnd", attr2: "attr2", ctag_offset: "ctagOffset",
            numa_node: "numaNode", _pad1: "_pad1", reserved: "reserved",
        }
        Nvos32AllocSizeRange => "NVOS32_DATA_ALLOC_SIZE_RANGE" {
            owner: "owner", h_memory: "hMemory", type_: "type", flags: "flags", attr: "attr",
            format: "format", compr_covg: "comprCovg", zcull_covg: "zcullCovg",
            partition_stride: "partitionStride", _pad0: "_pad0", size: "size",
            alignment: "alignment", offset: "offset", limit: "limit",
            range_begin: "rangeBegin", range_end: "rangeEnd", address: "address",
            attr2: "attr2", ctag_offset: "ctagOffset", numa_node: "numaNode",
            _pad1: "_pad1", reserved: "reserved",
        }
        Nvos32Free => "NVOS32_DATA_FREE" {
            owner: "owner", h_memory: "hMemory", flags: "flags", reserved: "reserved",
        }
        Nvos32Data => "NVOS32_DATA" { raw: "raw" }
        Nvos32Parameters<Nvos32Data> => "NVOS32_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", function: "function",
            h_va_space: "hVASpace", ivc_heap_number: "ivcHeapNumber", _pad0: "_pad0",
            status: "status", total: "total", free: "free", data: "data",
        }
        Nvos55Parameters => "NVOS55_PARAMETERS" {
            h_client: "hClient", h_parent: "hParent", h_object: "hObject",
            h_client_src: "hClientSrc", h_object_src: "hObjectSrc", flags: "flags",
            status: "status",
        }
        Nvos56Parameters => "NVOS56_PARAMETERS" {
            h_client: "hClient", h_device: "hDevice", h_memory: "hMemory", _pad0: "_pad0",
            p_old_cpu_address: "pOldCpuAddress", p_new_cpu_address: "pNewCpuAddress",
            status: "status", _pad1: "_pad1",
        }
        NvIoctlXfer => "nv_ioctl_xfer_t" { cmd: "cmd", size: "size", ptr: "ptr" }
        NvIoctlRegisterFd => "nv_ioctl_register_fd_t" { ctl_fd: "ctl_fd" }
        NvPciInfo => "nv_pci_info_t" {
            domain: "domain", bus: "bus", slot: "slot", function: "function", _pad0: "_pad0",
            vendor_id: "vendor_id", device_id: "device_id",
        }
        NvIoctlCardInfo => "nv_ioctl_card_info_t" {
            valid: "valid", _pad0: "_pad0", pci_info: "pci_info", gpu_id: "gpu_id",
            interrupt_line: "interrupt_line", _pad1: "_pad1", reg_address: "reg_address",
            reg_size: "reg_size", fb_address: "fb_address", fb_size: "fb_size",
            minor_number: "minor_number", dev_name: "dev_name", _pad2: "_pad2",
        }
        NvIoctlRmApiVersion => "nv_ioctl_rm_api_version_t" {
            cmd: "cmd", reply: "reply", version_string: "versionString",
        }
        NvIoctlAllocOsEvent => "nv_ioctl_alloc_os_event_t" {
            h_client: "hClient", h_device: "hDevice", fd: "fd", status: "Status",
        }
        NvIoctlFreeOsEvent => "nv_ioctl_free_os_event_t" {
            h_client: "hClient", h_device: "hDevice", fd: "fd", status: "Status",
        }
        NvIoctlStatusCode => "nv_ioctl_status_code_t" {
            domain: "domain", bus: "bus", slot: "slot", _pad0: "_pad0", status: "status",
        }
        NvIoctlQueryDeviceIntr => "nv_ioctl_query_device_intr_t" {
            intr_status: "intrStatus", status: "status",
        }
        NvIoctlSysParams => "nv_ioctl_sys_params_t" { memblock_size: "memblock_size" }
        NvIoctlSetNumaStatus => "nv_ioctl_set_numa_status_t" { status: "status" }
        NvIoctlWaitOpenComplete => "nv_ioctl_wait_open_complete_t" {
            rc: "rc", adapter_status: "adapterStatus",
        }

        NvMemoryAllocationParams => "NV_MEMORY_ALLOCATION_PARAMS" {
            owner: "owner", type_: "type", flags: "flags", width: "width", height: "height",
            pitch: "pitch", attr: "attr", attr2: "attr2", format: "format",
            compr_covg: "comprCovg", zcull_covg: "zcullCovg", _pad0: "_pad0",
            range_lo: "rangeLo", range_hi: "rangeHi", size: "size", alignment: "alignment",
            offset: "offset", limit: "limit", address: "address", ctag_offset: "ctagOffset",
            h_va_space: "hVASpace", internalflags: "internalflags", tag: "tag",
            numa_node: "numaNode", _pad1: "_pad1",
        }
        Nv0080AllocParameters => "NV0080_ALLOC_PARAMETERS" {
            device_id: "deviceId", h_client_share: "hClientShare",
            h_target_client: "hTargetClient", h_target_device: "hTargetDevice",
            flags: "flags", _pad0: "_pad0", va_space_size: "vaSpaceSize",
            va_start_internal: "vaStartInternal", va_limit_internal: "vaLimitInternal",
            va_mode: "vaMode", _pad1: "_pad1",
        }
        Nv2080AllocParameters => "NV2080_ALLOC_PARAMETERS" { sub_device_id: "subDeviceId" }
        NvVaspaceAllocationParameters => "NV_VASPACE_ALLOCATION_PARAMETERS" {
            index: "index", flags: "flags", va_size: "vaSize",
            va_start_internal: "vaStartInternal", va_limit_internal: "vaLimitInternal",
            big_page_size: "bigPageSize", _pad0: "_pad0", va_base: "vaBase", pasid: "pasid",
            _pad1: "_pad1",
        }
        NvChannelGroupAllocationParameters => "NV_CHANNEL_GROUP_ALLOCATION_PARAMETERS" {
            h_object_error: "hObjectError", h_object_ecc_error: "hObjectEccError",
            h_va_space: "hVASpace", engine_type: "engineType",
            b_is_calling_context_vgpu_plugin: "bIsCallingContextVgpuPlugin", _pad0: "_pad0",
        }
        NvCtxshareAllocationParameters => "NV_CTXSHARE_ALLOCATION_PARAMETERS" {
            h_va_space: "hVASpace", flags: "flags", subctx_id: "subctxId",
        }
        NvMemoryDescParams => "NV_MEMORY_DESC_PARAMS" {
            base: "base", size: "size", address_space: "addressSpace",
            cache_attrib: "cacheAttrib",
        }
        NvChannelAllocParams => "NV_CHANNEL_ALLOC_PARAMS" {
            h_object_error: "hObjectError", h_object_buffer: "hObjectBuffer",
            gp_fifo_offset: "gpFifoOffset", gp_fifo_entries: "gpFifoEntries", flags: "flags",
            h_context_share: "hContextShare", h_va_space: "hVASpace",
            h_userd_memory: "hUserdMemory", userd_offset: "userdOffset",
            engine_type: "engineType", cid: "cid", sub_device_id: "subDeviceId",
            h_object_ecc_error: "hObjectEccError", instance_mem: "instanceMem",
            userd_mem: "userdMem", ramfc_mem: "ramfcMem", mthdbuf_mem: "mthdbufMem",
            h_phys_channel_group: "hPhysChannelGroup", internal_flags: "internalFlags",
            error_notifier_mem: "errorNotifierMem",
            ecc_error_notifier_mem: "eccErrorNotifierMem", process_id: "ProcessID",
            sub_process_id: "SubProcessID", encrypt_iv: "encryptIv", decrypt_iv: "decryptIv",
            hmac_nonce: "hmacNonce", tpc_config_id: "tpcConfigID", _pad0: "_pad0",
        }
        NvGrAllocationParameters => "NV_GR_ALLOCATION_PARAMETERS" {
            version: "version", flags: "flags", size: "size", caps: "caps",
        }
        Nvb0b5AllocationParameters => "NVB0B5_ALLOCATION_PARAMETERS" {
            version: "version", engine_type: "engineType",
        }
        NvHopperUsermodeAParams => "NV_HOPPER_USERMODE_A_PARAMS" {
            b_bar1_mapping: "bBar1Mapping", b_priv: "bPriv",
        }
        Nv0005AllocParameters => "NV0005_ALLOC_PARAMETERS" {
            h_parent_client: "hParentClient", h_src_resource: "hSrcResource",
            h_class: "hClass", notify_index: "notifyIndex", data: "data",
        }

        NvxxxxCtrlXxxInfo => "NVXXXX_CTRL_XXX_INFO" { index: "index", data: "data" }
        Nv0000CtrlSystemGetBuildVersionV2Params => "NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS" {
            driver_version_buffer: "driverVersionBuffer", version_buffer: "versionBuffer",
            driver_branch: "driverBranch", title_buffer: "titleBuffer",
            changelist_number: "changelistNumber",
            official_changelist_number: "officialChangelistNumber",
        }
        Nv0000CtrlGpuGetAttachedIdsParams => "NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS" {
            gpu_ids: "gpuIds",
        }
        Nv0000CtrlGpuGetIdInfoV2Params => "NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS" {
            gpu_id: "gpuId", gpu_flags: "gpuFlags", device_instance: "deviceInstance",
            sub_device_instance: "subDeviceInstance", sli_status: "sliStatus",
            board_id: "boardId", gpu_instance: "gpuInstance", numa_id: "numaId",
        }
        Nv0000CtrlGpuGetProbedIdsParams => "NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS" {
            gpu_ids: "gpuIds", excluded_gpu_ids: "excludedGpuIds", gpu_flags: "gpuFlags",
        }
        Nv0080CtrlGpuGetClasslistParams => "NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS" {
            num_classes: "numClasses", _pad0: "_pad0", class_list: "classList",
        }
        Nv0080CtrlGpuGetClasslistV2Params => "NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS" {
            num_classes: "numClasses", class_list: "classList",
        }
        Nv2080CtrlGpuGetGidInfoParams => "NV2080_CTRL_GPU_GET_GID_INFO_PARAMS" {
            index: "index", flags: "flags", length: "length", data: "data",
        }
        Nv2080CtrlGrRouteInfo => "NV2080_CTRL_GR_ROUTE_INFO" {
            flags: "flags", _pad0: "_pad0", route: "route",
        }
        Nv2080CtrlGrGetInfoParams => "NV2080_CTRL_GR_GET_INFO_PARAMS" {
            gr_info_list_size: "grInfoListSize", _pad0: "_pad0", gr_info_list: "grInfoList",
            gr_route_info: "grRouteInfo",
        }
        Nv2080CtrlGrGetInfoV2Params => "NV2080_CTRL_GR_GET_INFO_V2_PARAMS" {
            gr_info_list_size: "grInfoListSize", gr_info_list: "grInfoList", _pad0: "_pad0",
            gr_route_info: "grRouteInfo",
        }
        Nv2080CtrlPerfBoostParams => "NV2080_CTRL_PERF_BOOST_PARAMS" {
            flags: "flags", duration: "duration",
        }
        Nv2080CtrlFbGetInfoParams => "NV2080_CTRL_FB_GET_INFO_PARAMS" {
            fb_info_list_size: "fbInfoListSize", _pad0: "_pad0", fb_info_list: "fbInfoList",
        }
        Nv2080CtrlFbGetInfoV2Params => "NV2080_CTRL_FB_GET_INFO_V2_PARAMS" {
            fb_info_list_size: "fbInfoListSize", fb_info_list: "fbInfoList",
        }
        Nv2080CtrlGpuGetPidsParams => "NV2080_CTRL_GPU_GET_PIDS_PARAMS" {
            id_type: "idType", id: "id", pid_tbl_count: "pidTblCount", pid_tbl: "pidTbl",
        }
        Nv2080CtrlGpuPidInfoVideoMemoryUsageData => "NV2080_CTRL_GPU_PID_INFO_VIDEO_MEMORY_USAGE_DATA" {
            mem_private: "memPrivate", mem_shared_owned: "memSharedOwned",
            mem_shared_duped: "memSharedDuped", protected_mem_private: "protectedMemPrivate",
            protected_mem_shared_owned: "protectedMemSharedOwned",
            protected_mem_shared_duped: "protectedMemSharedDuped",
        }
        Nv2080CtrlSmcSubscriptionInfo => "NV2080_CTRL_SMC_SUBSCRIPTION_INFO" {
            compute_instance_id: "computeInstanceId", gpu_instance_id: "gpuInstanceId",
        }
        Nv2080CtrlGpuPidInfo => "NV2080_CTRL_GPU_PID_INFO" {
            pid: "pid", index: "index", result: "result", _pad0: "_pad0", data: "data",
            smc_subscription: "smcSubscription",
        }
        Nv2080CtrlGpuGetPidInfoParams => "NV2080_CTRL_GPU_GET_PID_INFO_PARAMS" {
            pid_info_list_count: "pidInfoListCount", _pad0: "_pad0",
            pid_info_list: "pidInfoList",
        }
        Nv2080CtrlFifoDisableChannelsParams => "NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS" {
            b_disable: "bDisable", _pad0: "_pad0", num_channels: "numChannels",
            b_only_disable_scheduling: "bOnlyDisableScheduling",
            b_rewind_gp_put: "bRewindGpPut", _pad1: "_pad1",
            p_runlist_preempt_event: "pRunlistPreemptEvent", h_client_list: "hClientList",
            h_channel_list: "hChannelList",
        }
        Nva06cCtrlGpfifoScheduleParams => "NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS" {
            b_enable: "bEnable", b_skip_submit: "bSkipSubmit", b_skip_enable: "bSkipEnable",
        }
        Nva06cCtrlBindParams => "NVA06C_CTRL_BIND_PARAMS" { engine_type: "engineType" }
        Nva06cCtrlTimesliceParams => "NVA06C_CTRL_TIMESLICE_PARAMS" {
            timeslice_us: "timesliceUs",
        }
        Nva06cCtrlPreemptParams => "NVA06C_CTRL_PREEMPT_PARAMS" {
            b_wait: "bWait", b_manual_timeout: "bManualTimeout", _pad0: "_pad0",
            timeout_us: "timeoutUs",
        }
        Nva06cCtrlGetInfoParams => "NVA06C_CTRL_GET_INFO_PARAMS" { tsg_id: "tsgID" }
        Nva06cCtrlInterleaveLevelParams => "NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS" {
            tsg_interleave_level: "tsgInterleaveLevel",
        }
        Nva06cCtrlMakeRealtimeParams => "NVA06C_CTRL_MAKE_REALTIME_PARAMS" {
            b_realtime: "bRealtime",
        }
        Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams => "NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS" {
            work_submit_token: "workSubmitToken",
        }

        NvProcessorUuid => "NvProcessorUuid" { uuid: "uuid" }
        UvmInitializeParams => "UVM_INITIALIZE_PARAMS" {
            flags: "flags", rm_status: "rmStatus", _pad0: "_pad0",
        }
        UvmMmInitializeParams => "UVM_MM_INITIALIZE_PARAMS" {
            uvm_fd: "uvmFd", rm_status: "rmStatus",
        }
        UvmRegisterGpuParams => "UVM_REGISTER_GPU_PARAMS" {
            gpu_uuid: "gpu_uuid", numa_enabled: "numaEnabled", _pad0: "_pad0",
            numa_node_id: "numaNodeId", rm_ctrl_fd: "rmCtrlFd", h_client: "hClient",
            h_smc_part_ref: "hSmcPartRef", rm_status: "rmStatus",
        }
        UvmUnregisterGpuParams => "UVM_UNREGISTER_GPU_PARAMS" {
            gpu_uuid: "gpu_uuid", rm_status: "rmStatus",
        }
        UvmRegisterGpuVaspaceParams => "UVM_REGISTER_GPU_VASPACE_PARAMS" {
            gpu_uuid: "gpuUuid", rm_ctrl_fd: "rmCtrlFd", h_client: "hClient",
            h_va_space: "hVaSpace", rm_status: "rmStatus",
        }
        UvmUnregisterGpuVaspaceParams => "UVM_UNREGISTER_GPU_VASPACE_PARAMS" {
            gpu_uuid: "gpuUuid", rm_status: "rmStatus",
        }
        UvmRegisterChannelParams => "UVM_REGISTER_CHANNEL_PARAMS" {
            gpu_uuid: "gpuUuid", rm_ctrl_fd: "rmCtrlFd", h_client: "hClient",
            h_channel: "hChannel", _pad0: "_pad0", base: "base", length: "length",
            rm_status: "rmStatus", _pad1: "_pad1",
        }
        UvmUnregisterChannelParams => "UVM_UNREGISTER_CHANNEL_PARAMS" {
            h_client: "hClient", h_channel: "hChannel", rm_status: "rmStatus",
        }
        UvmGpuMappingAttributes => "UvmGpuMappingAttributes" {
            gpu_uuid: "gpuUuid", gpu_mapping_type: "gpuMappingType",
            gpu_caching_type: "gpuCachingType", gpu_format_type: "gpuFormatType",
            gpu_element_bits: "gpuElementBits", gpu_compression_type: "gpuCompressionType",
        }
        UvmMapExternalAllocationParams => "UVM_MAP_EXTERNAL_ALLOCATION_PARAMS" {
            base: "base", length: "length", offset: "offset",
            per_gpu_attributes: "perGpuAttributes", gpu_attributes_count: "gpuAttributesCount",
            rm_ctrl_fd: "rmCtrlFd", h_client: "hClient", h_memory: "hMemory",
            rm_status: "rmStatus",
        }
        UvmFreeParams => "UVM_FREE_PARAMS" { base: "base", rm_status: "rmStatus", _pad0: "_pad0" }
        UvmCreateExternalRangeParams => "UVM_CREATE_EXTERNAL_RANGE_PARAMS" {
            base: "base", length: "length", rm_status: "rmStatus", _pad0: "_pad0",
        }
        UvmPageableMemAccessParams => "UVM_PAGEABLE_MEM_ACCESS_PARAMS" {
            pageable_mem_access: "pageableMemAccess", _pad0: "_pad0", rm_status: "rmStatus",
        }
    }

    // The other views of NVOS32_PARAMETERS share the header and put their
    // variant at `data`; check them against the C union members.
    layouts! { c;
        Nvos32Parameters<Nvos32AllocSize> => "NVOS32_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", function: "function",
            h_va_space: "hVASpace", ivc_heap_number: "ivcHeapNumber", _pad0: "_pad0",
            status: "status", total: "total", free: "free", data: "data.AllocSize",
        }
        Nvos32Parameters<Nvos32AllocSizeRange> => "NVOS32_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", function: "function",
            h_va_space: "hVASpace", ivc_heap_number: "ivcHeapNumber", _pad0: "_pad0",
            status: "status", total: "total", free: "free", data: "data.AllocSizeRange",
        }
        Nvos32Parameters<Nvos32Free> => "NVOS32_PARAMETERS" {
            h_root: "hRoot", h_object_parent: "hObjectParent", function: "function",
            h_va_space: "hVASpace", ivc_heap_number: "ivcHeapNumber", _pad0: "_pad0",
            status: "status", total: "total", free: "free", data: "data.Free",
        }
    }
    // Added for the mock.
    layouts! { c;
        Nvos32Info => "NVOS32_DATA_INFO" {
            attr: "attr", _pad0: "_pad0", offset: "offset", size: "size", base: "base",
            reserved: "reserved",
        }
        Nv00fdCtrlAttachGpuParams => "NV00FD_CTRL_ATTACH_GPU_PARAMS" {
            h_subdevice: "hSubdevice", flags: "flags", dev_descriptor: "devDescriptor",
        }
        Nv00e0CtrlExportMemParams => "NV00E0_CTRL_EXPORT_MEM_PARAMS" {
            index: "index", _pad0: "_pad0", h_parent: "hParent", handles: "handles",
            num_handles: "numHandles", _pad1: "_pad1", dev_descriptor: "devDescriptor",
        }
    }
    // Absolute offsets inside the union, the ones interposers read.
    for (c_field, rust) in [
        ("data.AllocSize.size", NVOS32_ALLOC_SIZE_SIZE_OFFSET),
        (
            "data.AllocSizeRange.size",
            NVOS32_ALLOC_SIZE_RANGE_SIZE_OFFSET,
        ),
        ("data.AllocSize.hMemory", NVOS32_DATA_H_MEMORY_OFFSET),
        ("data.Free.hMemory", NVOS32_DATA_H_MEMORY_OFFSET),
    ] {
        c.int(
            format!("offset NVOS32_PARAMETERS.{c_field}"),
            format!("NVABI_OFFSETOF(NVOS32_PARAMETERS, {c_field})"),
            rust as u64,
        );
    }
}

fn constant_checks(c: &mut Checks) {
    // ioctl.rs
    consts! { c;
        NV_MAJOR_DEVICE_NUMBER, NV_MINOR_DEVICE_NUMBER_REGULAR_MAX,
        NV_MINOR_DEVICE_NUMBER_MODESET_DEVICE, NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE,
        NV_IOCTL_MAGIC, NV_IOCTL_BASE, NV_ABSOLUTE_MAX_IOCTL_SIZE, NV_IOC_NRMASK,
        NV_IOC_SIZEMASK, NV_IOC_SIZESHIFT, NV_IOC_TYPESHIFT, NV_IOC_READ_WRITE,
        NV_ESC_RM_ALLOC_MEMORY, NV_ESC_RM_ALLOC_OBJECT, NV_ESC_RM_FREE, NV_ESC_RM_CONTROL,
        NV_ESC_RM_ALLOC, NV_ESC_RM_DUP_OBJECT, NV_ESC_RM_SHARE, NV_ESC_RM_I2C_ACCESS,
        NV_ESC_RM_IDLE_CHANNELS, NV_ESC_RM_VID_HEAP_CONTROL, NV_ESC_RM_ACCESS_REGISTRY,
        NV_ESC_RM_MAP_MEMORY, NV_ESC_RM_UNMAP_MEMORY, NV_ESC_RM_GET_EVENT_DATA,
        NV_ESC_RM_ALLOC_CONTEXT_DMA2, NV_ESC_RM_ADD_VBLANK_CALLBACK, NV_ESC_RM_MAP_MEMORY_DMA,
        NV_ESC_RM_UNMAP_MEMORY_DMA, NV_ESC_RM_BIND_CONTEXT_DMA, NV_ESC_RM_EXPORT_OBJECT_TO_FD,
        NV_ESC_RM_IMPORT_OBJECT_FROM_FD, NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO,
        NV_ESC_RM_LOCKLESS_DIAGNOSTIC, NV_ESC_CARD_INFO, NV_ESC_REGISTER_FD,
        NV_ESC_ALLOC_OS_EVENT, NV_ESC_FREE_OS_EVENT, NV_ESC_STATUS_CODE,
        NV_ESC_CHECK_VERSION_STR, NV_ESC_IOCTL_XFER_CMD, NV_ESC_ATTACH_GPUS_TO_FD,
        NV_ESC_QUERY_DEVICE_INTR, NV_ESC_SYS_PARAMS, NV_ESC_NUMA_INFO, NV_ESC_SET_NUMA_STATUS,
        NV_ESC_EXPORT_TO_DMABUF_FD, NV_ESC_WAIT_OPEN_COMPLETE, NVOS57_PARAMETERS_SIZE,
        NVOS_I2C_ACCESS_PARAMS_SIZE, NVOS30_PARAMETERS_SIZE, NVOS38_PARAMETERS_SIZE,
        NVOS41_PARAMETERS_SIZE, NVOS39_PARAMETERS_SIZE, NVOS46_PARAMETERS_SIZE,
        NVOS47_PARAMETERS_SIZE, NVOS49_PARAMETERS_SIZE, NV_LOCKLESS_DIAGNOSTIC_PARAMS_SIZE,
        NV_IOCTL_NUMA_INFO_SIZE, NV_IOCTL_EXPORT_TO_DMA_BUF_FD_SIZE,
    }
    c.c_constant("VGPU_NV_NODE_CTL", NodeKind::Ctl as u64);
    c.c_constant("VGPU_NV_NODE_DEV", NodeKind::Dev as u64);
    c.c_constant("VGPU_NV_NODE_ANY", NodeKind::Any as u64);

    // status.rs: every code, by the table that status_name() uses.
    for &(value, name) in NV_STATUS_TABLE {
        c.constant(name, value.into());
    }

    // classes.rs
    consts! { c;
        NV01_ROOT, NV01_ROOT_NON_PRIV, NV01_ROOT_CLIENT, NV04_MEMORY, NV01_EVENT,
        NV01_EVENT_KERNEL_CALLBACK, NV01_EVENT_OS_EVENT, NV01_EVENT_KERNEL_CALLBACK_EX,
        NV01_DEVICE_0, NV20_SUBDEVICE_0, NV01_MEMORY_SYSTEM, NV01_MEMORY_LOCAL_PRIVILEGED,
        NV01_MEMORY_LOCAL_USER, NV01_MEMORY_VIRTUAL, NV01_MEMORY_SYSTEM_DYNAMIC,
        NV01_MEMORY_SYSTEM_OS_DESCRIPTOR, NV01_MEMORY_LIST_SYSTEM, NV01_MEMORY_LIST_FBMEM,
        NV01_MEMORY_LIST_OBJECT, NV01_MEMORY_LOCAL_PHYSICAL, NV_MEMORY_EXPORT, NV_MEMORY_FABRIC,
        NV_MEMORY_MULTICAST_FABRIC, NV50_MEMORY_VIRTUAL, FERMI_VASPACE_A, KEPLER_CHANNEL_GROUP_A,
        FERMI_CONTEXT_SHARE_A, MPS_COMPUTE, VOLTA_CHANNEL_GPFIFO_A, TURING_CHANNEL_GPFIFO_A,
        AMPERE_CHANNEL_GPFIFO_A, HOPPER_CHANNEL_GPFIFO_A, BLACKWELL_CHANNEL_GPFIFO_A,
        BLACKWELL_CHANNEL_GPFIFO_B, VOLTA_COMPUTE_A, TURING_COMPUTE_A, AMPERE_COMPUTE_A,
        AMPERE_COMPUTE_B, ADA_COMPUTE_A, HOPPER_COMPUTE_A, BLACKWELL_COMPUTE_A,
        BLACKWELL_COMPUTE_B, TURING_DMA_COPY_A, AMPERE_DMA_COPY_A, AMPERE_DMA_COPY_B,
        HOPPER_DMA_COPY_A, BLACKWELL_DMA_COPY_A, BLACKWELL_DMA_COPY_B, VOLTA_USERMODE_A,
        TURING_USERMODE_A, AMPERE_USERMODE_A, HOPPER_USERMODE_A, BLACKWELL_USERMODE_A,
        AMPERE_SMC_PARTITION_REF, AMPERE_SMC_EXEC_PARTITION_REF,
    }

    // rm.rs
    consts! { c;
        RS_CLIENT_HANDLE_BASE, RS_CLIENT_HANDLE_MAX, RS_UNIQUE_HANDLE_BASE,
        RS_UNIQUE_HANDLE_RANGE, HEAP_OWNER_RM_SCRATCH_BEGIN, HEAP_OWNER_RM_SCRATCH_END,
        NVOS33_FLAGS_PERSISTENT_DISABLE, NVOS33_FLAGS_PERSISTENT_ENABLE,
        NVOS02_FLAGS_KERNEL_MAPPING_NO_MAP, NVOS02_FLAGS_KERNEL_MAPPING_MAP,
        NVOS32_IVC_HEAP_NUMBER_DONT_ALLOCATE_ON_IVC_HEAP, NVOS32_ATTR2_PAGE_SIZE_HUGE_DEFAULT,
        NVOS32_ATTR2_PAGE_SIZE_HUGE_2MB, NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB,
        NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB, NVOS32_ATTR2_PROTECTION_USER_READ_WRITE,
        NVOS32_ATTR2_PROTECTION_USER_READ_ONLY, NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP,
        NVOS64_FLAGS_NONE, NVOS64_FLAGS_FINN_SERIALIZED,
        NVOS54_FLAGS_NONE, NVOS54_FLAGS_IRQL_RAISED, NVOS54_FLAGS_LOCK_BYPASS,
        NVOS54_FLAGS_FINN_SERIALIZED, NVOS33_FLAGS_ACCESS_READ_WRITE,
        NVOS33_FLAGS_ACCESS_READ_ONLY, NVOS33_FLAGS_ACCESS_WRITE_ONLY,
        NVOS33_FLAGS_MEM_SPACE_CLIENT, NVOS33_FLAGS_MEM_SPACE_USER, NVOS33_FLAGS_MAPPING_DEFAULT,
        NVOS33_FLAGS_MAPPING_DIRECT, NVOS33_FLAGS_MAPPING_REFLECTED,
        NVOS33_FLAGS_CACHING_TYPE_CACHED, NVOS33_FLAGS_CACHING_TYPE_UNCACHED,
        NVOS33_FLAGS_CACHING_TYPE_WRITECOMBINED, NVOS33_FLAGS_CACHING_TYPE_WRITEBACK,
        NVOS33_FLAGS_CACHING_TYPE_DEFAULT, NVOS33_FLAGS_CACHING_TYPE_UNCACHED_WEAK,
        NVOS02_FLAGS_PHYSICALITY_CONTIGUOUS, NVOS02_FLAGS_PHYSICALITY_NONCONTIGUOUS,
        NVOS02_FLAGS_LOCATION_PCI, NVOS02_FLAGS_LOCATION_VIDMEM, NVOS02_FLAGS_COHERENCY_UNCACHED,
        NVOS02_FLAGS_COHERENCY_CACHED, NVOS02_FLAGS_COHERENCY_WRITE_COMBINE,
        NVOS02_FLAGS_COHERENCY_WRITE_BACK, NVOS02_FLAGS_ALLOC_NONE, NVOS02_FLAGS_MAPPING_DEFAULT,
        NVOS02_FLAGS_MAPPING_NO_MAP, NVOS02_FLAGS_MAPPING_NEVER_MAP,
        NVOS32_FUNCTION_ALLOC_SIZE, NVOS32_FUNCTION_FREE, NVOS32_FUNCTION_INFO,
        NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT, NVOS32_FUNCTION_ALLOC_SIZE_RANGE,
        NVOS32_FUNCTION_REACQUIRE_COMPR, NVOS32_FUNCTION_RELEASE_COMPR,
        NVOS32_FUNCTION_GET_MEM_ALIGNMENT, NVOS32_FUNCTION_HW_ALLOC, NVOS32_FUNCTION_HW_FREE,
        NVOS32_FUNCTION_ALLOC_OS_DESCRIPTOR, NVOS32_TYPE_IMAGE, NVOS32_TYPE_DEPTH,
        NVOS32_TYPE_TEXTURE, NVOS32_TYPE_NOTIFIER, NVOS32_ATTR_PAGE_SIZE_DEFAULT,
        NVOS32_ATTR_PAGE_SIZE_4KB, NVOS32_ATTR_PAGE_SIZE_BIG, NVOS32_ATTR_PAGE_SIZE_HUGE,
        NVOS32_ATTR_LOCATION_VIDMEM, NVOS32_ATTR_LOCATION_PCI, NVOS32_ATTR_LOCATION_ANY,
        NVOS32_ATTR_PHYSICALITY_DEFAULT, NVOS32_ATTR_PHYSICALITY_NONCONTIGUOUS,
        NVOS32_ATTR_PHYSICALITY_CONTIGUOUS, NVOS32_ATTR_PHYSICALITY_ALLOW_NONCONTIGUOUS,
        NVOS32_ATTR_COHERENCY_UNCACHED, NVOS32_ATTR_COHERENCY_CACHED,
        NVOS32_ATTR_COHERENCY_WRITE_COMBINE, NVOS32_ATTR_COHERENCY_WRITE_BACK,
        NVOS32_ALLOC_FLAGS_IGNORE_BANK_PLACEMENT, NVOS32_ALLOC_FLAGS_FIXED_ADDRESS_ALLOCATE,
        NVOS32_ALLOC_FLAGS_ALIGNMENT_HINT, NVOS32_ALLOC_FLAGS_ALIGNMENT_FORCE,
        NVOS32_ALLOC_FLAGS_MEMORY_HANDLE_PROVIDED, NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED,
        NVOS32_ALLOC_FLAGS_PERSISTENT_VIDMEM, NVOS32_ALLOC_FLAGS_USE_BEGIN_END,
        NVOS32_ALLOC_FLAGS_VIRTUAL, NVOS32_ALLOC_FLAGS_PROTECTED, NVOS32_ALLOC_FLAGS_SPARSE,
        NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED, NVOS32_ALLOC_SIZE_SIZE_OFFSET,
        NVOS32_ALLOC_SIZE_RANGE_SIZE_OFFSET, NVOS32_DATA_H_MEMORY_OFFSET,
        NV04_DUP_HANDLE_FLAGS_NONE, NV04_DUP_HANDLE_FLAGS_REJECT_KERNEL_DUP_PRIVILEGE,
        NV_RM_API_VERSION_STRING_LENGTH, NV_RM_API_VERSION_CMD_STRICT,
        NV_RM_API_VERSION_CMD_RELAXED, NV_RM_API_VERSION_CMD_QUERY,
        NV_RM_API_VERSION_REPLY_UNRECOGNIZED, NV_RM_API_VERSION_REPLY_RECOGNIZED,
    }
    fields! { c;
        NVOS33_FLAGS_ACCESS, NVOS33_FLAGS_SKIP_SIZE_CHECK, NVOS33_FLAGS_MEM_SPACE,
        NVOS33_FLAGS_MAPPING, NVOS33_FLAGS_FIFO_MAPPING, NVOS33_FLAGS_MAP_FIXED,
        NVOS33_FLAGS_RESERVE_ON_UNMAP, NVOS33_FLAGS_BUS, NVOS33_FLAGS_CACHING_TYPE,
        NVOS02_FLAGS_PHYSICALITY, NVOS02_FLAGS_LOCATION, NVOS02_FLAGS_COHERENCY,
        NVOS02_FLAGS_ALLOC, NVOS02_FLAGS_GPU_CACHEABLE, NVOS02_FLAGS_KERNEL_MAPPING,
        NVOS02_FLAGS_ALLOC_USER_READ_ONLY, NVOS02_FLAGS_MAPPING, NVOS32_ATTR_PAGE_SIZE,
        NVOS32_ATTR_LOCATION, NVOS32_ATTR_PHYSICALITY, NVOS32_ATTR_COHERENCY,
        NVOS32_ATTR2_GPU_CACHEABLE, NVOS32_ATTR2_PAGE_SIZE_HUGE, NVOS32_ATTR2_PROTECTION_USER,
        NVOS33_FLAGS_PERSISTENT,
    }
    c.string_constant("NV_VERSION_STRING", NV_VERSION_STRING);

    // alloc_params.rs
    consts! { c;
        NV_DEVICE_ALLOCATION_VAMODE_OPTIONAL_MULTIPLE_VASPACES,
        NV_DEVICE_ALLOCATION_VAMODE_SINGLE_VASPACE, NV_DEVICE_ALLOCATION_VAMODE_MULTIPLE_VASPACES,
        NV_VASPACE_ALLOCATION_INDEX_GPU_NEW, NV2080_ENGINE_TYPE_GRAPHICS,
        NV2080_ENGINE_TYPE_COPY0, NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_SYNC,
        NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_ASYNC, NV_MAX_SUBDEVICES, NV_MAX_DEVICES,
        NVB0B5_ALLOCATION_PARAMETERS_VERSION_0, NVB0B5_ALLOCATION_PARAMETERS_VERSION_1,
        NV_MEMORY_VIRTUAL_ALLOCATION_PARAMS_SIZE, NV_OS_DESC_MEMORY_ALLOCATION_PARAMS_SIZE,
    }
    c.c_constant(
        "VGPU_NV_ALLOC_PARAMS_REQUIRED",
        AllocParamReq::Required as u64,
    );
    c.c_constant(
        "VGPU_NV_ALLOC_PARAMS_OPTIONAL",
        AllocParamReq::Optional as u64,
    );

    // ctrl.rs
    consts! { c;
        NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2,
        NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_MAX_STRING_SIZE,
        NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS_SIZE, NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS,
        NV0000_CTRL_GPU_MAX_ATTACHED_GPUS, NV0000_CTRL_GPU_INVALID_ID,
        NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS_SIZE, NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2,
        NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS_SIZE, NV0000_CTRL_CMD_GPU_GET_PROBED_IDS,
        NV0000_CTRL_GPU_MAX_PROBED_GPUS, NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE,
        NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS_SIZE_PRE_R580, NV0080_CTRL_CMD_GPU_GET_CLASSLIST,
        NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS_SIZE, NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2,
        NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE, NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS_SIZE,
        NV2080_CTRL_CMD_GPU_GET_GID_INFO, NV2080_GPU_MAX_GID_LENGTH,
        NV2080_GPU_MAX_SHA1_BINARY_GID_LENGTH, NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_ASCII,
        NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_BINARY, NV2080_CTRL_GPU_GET_GID_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_GR_GET_INFO, NV2080_CTRL_GR_GET_INFO_PARAMS_SIZE,
        NV2080_CTRL_CMD_GR_GET_INFO_V2, NV0080_CTRL_CMD_GR_GET_INFO_V2,
        NV2080_CTRL_GR_INFO_MAX_SIZE, NV2080_CTRL_GR_GET_INFO_V2_PARAMS_SIZE,
        NV2080_CTRL_GR_INFO_INDEX_SHADER_PIPE_SUB_COUNT, NV2080_CTRL_GR_INFO_INDEX_SM_VERSION,
        NV2080_CTRL_GR_INFO_INDEX_MAX_WARPS_PER_SM,
        NV2080_CTRL_GR_INFO_INDEX_MAX_THREADS_PER_WARP, NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_GPCS,
        NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_TPC_PER_GPC,
        NV2080_CTRL_GR_INFO_INDEX_GPU_CORE_COUNT, NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_SM_PER_TPC,
        NV2080_CTRL_CMD_PERF_BOOST, NV2080_CTRL_PERF_BOOST_FLAGS_CMD_CLEAR,
        NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_1LEVEL, NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_TO_MAX,
        NV2080_CTRL_PERF_BOOST_DURATION_MAX, NV2080_CTRL_PERF_BOOST_DURATION_INFINITE,
        NV2080_CTRL_PERF_BOOST_PARAMS_SIZE, NV2080_CTRL_CMD_FB_GET_INFO,
        NV2080_CTRL_CMD_FB_GET_INFO_V2, NV2080_CTRL_FB_INFO_MAX_LIST_SIZE,
        NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE, NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE,
        NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE, NV2080_CTRL_FB_INFO_INDEX_MAPPABLE_HEAP_SIZE,
        NV2080_CTRL_FB_INFO_INDEX_HEAP_BASE_KB, NV2080_CTRL_FB_INFO_INDEX_LARGEST_FREE_REGION_SIZE_KB,
        NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE, NV2080_CTRL_FB_INFO_INDEX_BAR1_AVAIL_SIZE,
        NV2080_CTRL_FB_INFO_INDEX_HEAP_START, NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE,
        NV2080_CTRL_FB_INFO_INDEX_BAR1_SIZE, NV2080_CTRL_FB_INFO_INDEX_MAX,
        NV2080_CTRL_FB_GET_INFO_PARAMS_SIZE, NV2080_CTRL_FB_GET_INFO_V2_PARAMS_SIZE,
        NV2080_CTRL_CMD_GPU_GET_PIDS, NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT,
        NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_CLASS, NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_VGPU_GUEST,
        NV2080_CTRL_GPU_GET_PIDS_PARAMS_SIZE, NV2080_CTRL_CMD_GPU_GET_PID_INFO,
        NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT, NV2080_CTRL_GPU_PID_INFO_INDEX_VIDEO_MEMORY_USAGE,
        NV2080_CTRL_GPU_GET_PID_INFO_PARAMS_SIZE, NV2080_CTRL_CMD_FIFO_DISABLE_CHANNELS,
        NV2080_CTRL_FIFO_DISABLE_CHANNELS_MAX_ENTRIES, NV2080_CTRL_FIFO_DISABLE_CHANNELS_PARAMS_SIZE,
        NVA06C_CTRL_CMD_GPFIFO_SCHEDULE, NVA06C_CTRL_CMD_BIND, NVA06C_CTRL_CMD_SET_TIMESLICE,
        NVA06C_CTRL_CMD_GET_TIMESLICE, NVA06C_CTRL_CMD_PREEMPT, NVA06C_CTRL_CMD_GET_INFO,
        NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL, NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL,
        NVA06C_CTRL_CMD_MAKE_REALTIME, NVA06C_CTRL_CMD_PREEMPT_MAX_MANUAL_TIMEOUT_US,
        NVA06C_CTRL_INTERLEAVE_LEVEL_LOW, NVA06C_CTRL_INTERLEAVE_LEVEL_MEDIUM,
        NVA06C_CTRL_INTERLEAVE_LEVEL_HIGH, NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS_SIZE,
        NVA06C_CTRL_BIND_PARAMS_SIZE, NVA06C_CTRL_TIMESLICE_PARAMS_SIZE,
        NVA06C_CTRL_PREEMPT_PARAMS_SIZE, NVA06C_CTRL_GET_INFO_PARAMS_SIZE,
        NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS_SIZE, NVA06C_CTRL_MAKE_REALTIME_PARAMS_SIZE,
        NVA06F_CTRL_CMD_GPFIFO_SCHEDULE, NVA06F_CTRL_CMD_BIND,
        NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN,
        NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS_SIZE,
    }
    // ctrl.rs, added for the mock
    consts! { c;
        NV2080_CTRL_GR_INFO_SM_VERSION_8_0, NV2080_CTRL_GPU_PARTITION_ID_INVALID,
        NV00FD_CTRL_CMD_ATTACH_GPU, NV00E0_CTRL_CMD_EXPORT_MEM, NV00E0_MAX_EXPORT_HANDLES,
    }
    fields! { c;
        NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT, NV2080_GPU_CMD_GPU_GET_GID_FLAGS_TYPE,
        NV2080_GPU_CMD_GPU_GET_GID_FLAGS_MODE, NV2080_CTRL_PERF_BOOST_FLAGS_CMD,
        NV2080_CTRL_PERF_BOOST_FLAGS_CUDA, NV2080_CTRL_PERF_BOOST_FLAGS_ASYNC,
        NV2080_CTRL_PERF_BOOST_FLAGS_CUDA_PRIORITY,
    }

    // uvm.rs
    consts! { c;
        NVIDIA_UVM_PRIMARY_MINOR_NUMBER, NVIDIA_UVM_TOOLS_MINOR_NUMBER, UVM_INITIALIZE,
        UVM_DEINITIALIZE, UVM_REGISTER_GPU_VASPACE, UVM_UNREGISTER_GPU_VASPACE,
        UVM_REGISTER_CHANNEL, UVM_UNREGISTER_CHANNEL, UVM_MAP_EXTERNAL_ALLOCATION, UVM_FREE,
        UVM_REGISTER_GPU, UVM_UNREGISTER_GPU, UVM_PAGEABLE_MEM_ACCESS, UVM_CREATE_EXTERNAL_RANGE,
        UVM_MM_INITIALIZE, UVM_INIT_FLAGS_DISABLE_HMM, UVM_INIT_FLAGS_MULTI_PROCESS_SHARING_MODE,
        UVM_MAX_GPUS,
    }

    // hw.rs
    consts! { c;
        NV_RAMUSERD_BASE_SHIFT, NV_RAMUSERD_SIZE, NVC56F_USERD_PUT, NVC56F_USERD_GET,
        NVC56F_USERD_REFERENCE, NVC56F_USERD_PUT_HI, NVC56F_USERD_TOP_LEVEL_GET,
        NVC56F_USERD_TOP_LEVEL_GET_HI, NVC56F_USERD_GET_HI, NVC56F_USERD_GP_GET,
        NVC56F_USERD_GP_PUT, NVC361_NV_USERMODE__SIZE, NVC361_TIME_0, NVC361_TIME_1,
        NVC361_NOTIFY_CHANNEL_PENDING, NVC56F_GP_ENTRY__SIZE, NVC56F_GP_ENTRY0_FETCH_CONDITIONAL,
        NVC56F_GP_ENTRY1_LEVEL_MAIN, NVC56F_GP_ENTRY1_LEVEL_SUBROUTINE,
        NVC56F_GP_ENTRY1_SYNC_PROCEED, NVC56F_GP_ENTRY1_SYNC_WAIT, NVC56F_GP_ENTRY1_OPCODE_NOP,
        NVC56F_GP_ENTRY1_OPCODE_ILLEGAL, NVC56F_GP_ENTRY1_OPCODE_GP_CRC,
        NVC56F_GP_ENTRY1_OPCODE_PB_CRC, GP_ENTRY_MAX_LENGTH, GP_ENTRY_MAX_ADDRESS,
        NVC56F_DMA_SEC_OP_GRP0_USE_TERT, NVC56F_DMA_SEC_OP_INC_METHOD,
        NVC56F_DMA_SEC_OP_GRP2_USE_TERT, NVC56F_DMA_SEC_OP_NON_INC_METHOD,
        NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD, NVC56F_DMA_SEC_OP_ONE_INC,
        NVC56F_DMA_SEC_OP_RESERVED6, NVC56F_DMA_SEC_OP_END_PB_SEGMENT, NVC56F_DMA_NOP,
        NVC56F_NUMBER_OF_SUBCHANNELS, NV_HOST_METHOD_LIMIT, NV_METHOD_MAX, NV_METHOD_COUNT_MAX,
        NVC56F_SET_OBJECT, NVC56F_ILLEGAL, NVC56F_NOP, NVC56F_NON_STALL_INTERRUPT,
        NVC56F_MEM_OP_A, NVC56F_MEM_OP_B, NVC56F_MEM_OP_C, NVC56F_MEM_OP_D, NVC56F_SET_REFERENCE,
        NVC56F_SEM_ADDR_LO, NVC56F_SEM_ADDR_HI, NVC56F_SEM_PAYLOAD_LO, NVC56F_SEM_PAYLOAD_HI,
        NVC56F_SEM_EXECUTE, NVC56F_SEM_EXECUTE_OPERATION_ACQUIRE,
        NVC56F_SEM_EXECUTE_OPERATION_RELEASE, NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ,
        NVC56F_SEM_EXECUTE_OPERATION_ACQ_CIRC_GEQ, NVC56F_SEM_EXECUTE_OPERATION_ACQ_AND,
        NVC56F_SEM_EXECUTE_OPERATION_ACQ_NOR, NVC56F_SEM_EXECUTE_OPERATION_REDUCTION,
        NVC56F_SEM_EXECUTE_RELEASE_WFI_DIS, NVC56F_SEM_EXECUTE_RELEASE_WFI_EN,
        NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_32BIT, NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_64BIT,
        NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_DIS, NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_EN,
        NVC56F_WFI, NVC56F_YIELD, NVC56F_CLEAR_FAULTED, NVC6B5_NOP, NVC6B5_SET_SEMAPHORE_A,
        NVC6B5_SET_SEMAPHORE_B, NVC6B5_SET_SEMAPHORE_PAYLOAD, NVC7B5_SET_SEMAPHORE_PAYLOAD_UPPER,
        NVC6B5_SET_SRC_PHYS_MODE, NVC6B5_SET_DST_PHYS_MODE, NVC6B5_LAUNCH_DMA,
        NVC6B5_OFFSET_IN_UPPER, NVC6B5_OFFSET_IN_LOWER, NVC6B5_OFFSET_OUT_UPPER,
        NVC6B5_OFFSET_OUT_LOWER, NVC6B5_PITCH_IN, NVC6B5_PITCH_OUT, NVC6B5_LINE_LENGTH_IN,
        NVC6B5_LINE_COUNT, NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NONE,
        NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_PIPELINED,
        NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NON_PIPELINED, NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_NONE,
        NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_ONE_WORD_SEMAPHORE,
        NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_FOUR_WORD_SEMAPHORE,
        NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_CONDITIONAL_INTR_SEMAPHORE,
        NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT_PITCH, NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH,
        VGPU_MOCK_BUSY_NS_LO, VGPU_MOCK_BUSY_NS_HI,
    }
    fields! { c;
        NVC56F_GP_ENTRY0_FETCH, NVC56F_GP_ENTRY0_GET, NVC56F_GP_ENTRY1_GET_HI,
        NVC56F_GP_ENTRY1_LEVEL, NVC56F_GP_ENTRY1_LENGTH, NVC56F_GP_ENTRY1_SYNC,
        NVC56F_GP_ENTRY1_OPCODE, NVC56F_DMA_METHOD_ADDRESS, NVC56F_DMA_METHOD_SUBCHANNEL,
        NVC56F_DMA_TERT_OP, NVC56F_DMA_METHOD_COUNT, NVC56F_DMA_IMMD_DATA, NVC56F_DMA_SEC_OP,
        NVC56F_SET_OBJECT_NVCLASS, NVC56F_SET_OBJECT_ENGINE, NVC56F_SEM_ADDR_LO_OFFSET,
        NVC56F_SEM_ADDR_HI_OFFSET, NVC86F_SEM_ADDR_HI_OFFSET, NVC56F_SEM_EXECUTE_OPERATION,
        NVC56F_SEM_EXECUTE_ACQUIRE_SWITCH_TSG, NVC56F_SEM_EXECUTE_RELEASE_WFI,
        NVC56F_SEM_EXECUTE_PAYLOAD_SIZE, NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP,
        NVC56F_SEM_EXECUTE_REDUCTION, NVC6B5_SET_SEMAPHORE_A_UPPER, NVC8B5_SET_SEMAPHORE_A_UPPER,
        NVC6B5_OFFSET_IN_UPPER_UPPER, NVC8B5_OFFSET_IN_UPPER_UPPER,
        NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE, NVC6B5_LAUNCH_DMA_FLUSH_ENABLE,
        NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE, NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE,
        NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT, NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT,
        NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE, NVC6B5_LAUNCH_DMA_REMAP_ENABLE,
        NVC6B5_LAUNCH_DMA_SRC_TYPE, NVC6B5_LAUNCH_DMA_DST_TYPE,
        NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION, NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION_ENABLE,
        NVC6B5_LAUNCH_DMA_FLUSH_TYPE, NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE,
    }
    // Added for the mock (part 2): channels, the engine and UVM.
    consts! { c;
        NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED, ROBUST_CHANNEL_GR_EXCEPTION,
        ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT, ROBUST_CHANNEL_PBDMA_ERROR,
        ROBUST_CHANNEL_CE0_ERROR, UvmGpuMappingTypeDefault, UvmGpuMappingTypeReadWriteAtomic,
        UvmGpuMappingTypeReadWrite, UvmGpuMappingTypeReadOnly, UvmGpuMappingTypeCount,
        UvmGpuCachingTypeCount, UvmGpuFormatTypeCount, UvmGpuFormatElementBitsCount,
        UvmGpuCompressionTypeCount, NVC6C0_LINE_LENGTH_IN, NVC6C0_LINE_COUNT,
        NVC6C0_OFFSET_OUT_UPPER, NVC6C0_OFFSET_OUT, NVC6C0_PITCH_OUT, NVC6C0_LAUNCH_DMA,
        NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_BLOCKLINEAR, NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH,
        NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_DISABLE,
        NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_ONLY,
        NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_RELEASE_SEMAPHORE,
        NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_FOUR_WORDS,
        NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_ONE_WORD, NVC6C0_LOAD_INLINE_DATA,
        NVC6C0_SET_I2M_SEMAPHORE_A, NVC6C0_SET_I2M_SEMAPHORE_B, NVC6C0_SET_I2M_SEMAPHORE_C,
        NVC6C0_SET_REPORT_SEMAPHORE_A, NVC6C0_SET_REPORT_SEMAPHORE_B,
        NVC6C0_SET_REPORT_SEMAPHORE_C, NVC6C0_SET_REPORT_SEMAPHORE_D,
        NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_RELEASE,
        NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_TRAP,
        NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_FOUR_WORDS,
        NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_ONE_WORD,
    }
    fields! { c;
        NV_CTRL_VF_DOORBELL_VECTOR, NV_CTRL_VF_DOORBELL_RUNLIST_ID,
        NVC6C0_OFFSET_OUT_UPPER_VALUE, NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT,
        NVC6C0_LAUNCH_DMA_REDUCTION_ENABLE, NVC6C0_LAUNCH_DMA_COMPLETION_TYPE,
        NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE, NVC6C0_SET_I2M_SEMAPHORE_A_OFFSET_UPPER,
        NVC6C0_SET_REPORT_SEMAPHORE_A_OFFSET_UPPER, NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION,
        NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE,
    }
    c.c_constant("VGPU_NV_PB_METHOD", 1);
    c.c_constant("VGPU_NV_PB_NOP", 2);
    c.c_constant("VGPU_NV_PB_END_SEGMENT", 3);
    c.c_constant("VGPU_NV_PB_UNSUPPORTED", 4);
}

/// Every class id in classes.rs plus values that are not classes.
fn class_samples() -> Vec<u32> {
    let mut v: Vec<u32> = CLASSES.to_vec();
    v.extend([0x2, 0x42, 0xdead, 0xffff, 0xC46C, 0xffff_ffff]);
    v
}

const CLASSES: &[u32] = &[
    NV01_ROOT,
    NV01_ROOT_NON_PRIV,
    NV01_ROOT_CLIENT,
    NV01_EVENT,
    NV01_EVENT_KERNEL_CALLBACK,
    NV01_EVENT_OS_EVENT,
    NV01_EVENT_KERNEL_CALLBACK_EX,
    NV01_DEVICE_0,
    NV20_SUBDEVICE_0,
    NV01_MEMORY_SYSTEM,
    NV01_MEMORY_LOCAL_PRIVILEGED,
    NV01_MEMORY_LOCAL_USER,
    NV01_MEMORY_VIRTUAL,
    NV01_MEMORY_SYSTEM_OS_DESCRIPTOR,
    NV01_MEMORY_LIST_SYSTEM,
    NV01_MEMORY_LIST_FBMEM,
    NV01_MEMORY_LIST_OBJECT,
    NV01_MEMORY_LOCAL_PHYSICAL,
    NV_MEMORY_EXPORT,
    NV_MEMORY_FABRIC,
    NV_MEMORY_MULTICAST_FABRIC,
    NV50_MEMORY_VIRTUAL,
    FERMI_VASPACE_A,
    KEPLER_CHANNEL_GROUP_A,
    FERMI_CONTEXT_SHARE_A,
    MPS_COMPUTE,
    VOLTA_CHANNEL_GPFIFO_A,
    TURING_CHANNEL_GPFIFO_A,
    AMPERE_CHANNEL_GPFIFO_A,
    HOPPER_CHANNEL_GPFIFO_A,
    BLACKWELL_CHANNEL_GPFIFO_A,
    BLACKWELL_CHANNEL_GPFIFO_B,
    VOLTA_COMPUTE_A,
    TURING_COMPUTE_A,
    AMPERE_COMPUTE_A,
    AMPERE_COMPUTE_B,
    ADA_COMPUTE_A,
    HOPPER_COMPUTE_A,
    BLACKWELL_COMPUTE_A,
    BLACKWELL_COMPUTE_B,
    TURING_DMA_COPY_A,
    AMPERE_DMA_COPY_A,
    AMPERE_DMA_COPY_B,
    HOPPER_DMA_COPY_A,
    BLACKWELL_DMA_COPY_A,
    BLACKWELL_DMA_COPY_B,
    VOLTA_USERMODE_A,
    TURING_USERMODE_A,
    AMPERE_USERMODE_A,
    HOPPER_USERMODE_A,
    BLACKWELL_USERMODE_A,
    AMPERE_SMC_PARTITION_REF,
    AMPERE_SMC_EXEC_PARTITION_REF,
];

const CTRL_CMDS: &[u32] = &[
    NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2,
    NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS,
    NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2,
    NV0000_CTRL_CMD_GPU_GET_PROBED_IDS,
    NV0080_CTRL_CMD_GPU_GET_CLASSLIST,
    NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2,
    NV0080_CTRL_CMD_GR_GET_INFO_V2,
    NV2080_CTRL_CMD_GPU_GET_GID_INFO,
    NV2080_CTRL_CMD_GR_GET_INFO,
    NV2080_CTRL_CMD_GR_GET_INFO_V2,
    NV2080_CTRL_CMD_PERF_BOOST,
    NV2080_CTRL_CMD_FB_GET_INFO,
    NV2080_CTRL_CMD_FB_GET_INFO_V2,
    NV2080_CTRL_CMD_GPU_GET_PIDS,
    NV2080_CTRL_CMD_GPU_GET_PID_INFO,
    NV2080_CTRL_CMD_FIFO_DISABLE_CHANNELS,
    NVA06C_CTRL_CMD_GPFIFO_SCHEDULE,
    NVA06C_CTRL_CMD_BIND,
    NVA06C_CTRL_CMD_SET_TIMESLICE,
    NVA06C_CTRL_CMD_GET_TIMESLICE,
    NVA06C_CTRL_CMD_PREEMPT,
    NVA06C_CTRL_CMD_GET_INFO,
    NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL,
    NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL,
    NVA06C_CTRL_CMD_MAKE_REALTIME,
    NVA06F_CTRL_CMD_GPFIFO_SCHEDULE,
    NVA06F_CTRL_CMD_BIND,
    NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN,
];

const UVM_CMDS: &[u32] = &[
    UVM_INITIALIZE,
    UVM_DEINITIALIZE,
    UVM_REGISTER_GPU_VASPACE,
    UVM_UNREGISTER_GPU_VASPACE,
    UVM_REGISTER_CHANNEL,
    UVM_UNREGISTER_CHANNEL,
    UVM_MAP_EXTERNAL_ALLOCATION,
    UVM_FREE,
    UVM_REGISTER_GPU,
    UVM_UNREGISTER_GPU,
    UVM_PAGEABLE_MEM_ACCESS,
    UVM_CREATE_EXTERNAL_RANGE,
    UVM_MM_INITIALIZE,
];

/// The header's helper macros and functions against the Rust functions.
fn function_checks(c: &mut Checks) {
    // Escape tables, for every nr and a spread of sizes.
    const SIZES: &[u32] = &[
        0, 1, 3, 4, 6, 8, 12, 16, 20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 73, 144, 184, 216, 560,
        2608, 15412, 16383,
    ];
    let sizes_c = SIZES
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    c.raw_c.push(format!(
        "{{ static const __u32 sizes[] = {{ {sizes_c} }};
           for (__u32 nr = 0; nr < 256; nr++) {{
             printf(\"escape_node %u\\t%llu\\n\", nr, (unsigned long long)vgpu_nv_escape_node(nr));
             for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
               printf(\"escape_size_ok %u %u\\t%d\\n\", nr, sizes[i], vgpu_nv_escape_size_ok(nr, sizes[i]));
           }} }}"
    ));
    for nr in 0..256u32 {
        let node = escape_node(nr).map_or(u64::MAX, |k| k as u64);
        c.raw_expected
            .insert(format!("escape_node {nr}"), node.to_string());
        for &size in SIZES {
            let ok = escape_param_size(nr).is_some_and(|p| p.accepts(size as usize));
            c.raw_expected.insert(
                format!("escape_size_ok {nr} {size}"),
                (ok as u32).to_string(),
            );
        }
    }

    // Full cmd values.
    for (macro_name, nr) in [
        ("NV_IOCTL_CMD_RM_ALLOC_MEMORY", NV_ESC_RM_ALLOC_MEMORY),
        ("NV_IOCTL_CMD_RM_ALLOC_OBJECT", NV_ESC_RM_ALLOC_OBJECT),
        ("NV_IOCTL_CMD_RM_FREE", NV_ESC_RM_FREE),
        ("NV_IOCTL_CMD_RM_CONTROL", NV_ESC_RM_CONTROL),
        ("NV_IOCTL_CMD_RM_ALLOC", NV_ESC_RM_ALLOC),
        ("NV_IOCTL_CMD_RM_DUP_OBJECT", NV_ESC_RM_DUP_OBJECT),
        (
            "NV_IOCTL_CMD_RM_VID_HEAP_CONTROL",
            NV_ESC_RM_VID_HEAP_CONTROL,
        ),
        ("NV_IOCTL_CMD_RM_MAP_MEMORY", NV_ESC_RM_MAP_MEMORY),
        ("NV_IOCTL_CMD_RM_UNMAP_MEMORY", NV_ESC_RM_UNMAP_MEMORY),
        (
            "NV_IOCTL_CMD_RM_UPDATE_DEVICE_MAPPING_INFO",
            NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO,
        ),
        ("NV_IOCTL_CMD_REGISTER_FD", NV_ESC_REGISTER_FD),
        ("NV_IOCTL_CMD_ALLOC_OS_EVENT", NV_ESC_ALLOC_OS_EVENT),
        ("NV_IOCTL_CMD_FREE_OS_EVENT", NV_ESC_FREE_OS_EVENT),
        ("NV_IOCTL_CMD_STATUS_CODE", NV_ESC_STATUS_CODE),
        ("NV_IOCTL_CMD_CHECK_VERSION_STR", NV_ESC_CHECK_VERSION_STR),
        ("NV_IOCTL_CMD_IOCTL_XFER_CMD", NV_ESC_IOCTL_XFER_CMD),
        ("NV_IOCTL_CMD_QUERY_DEVICE_INTR", NV_ESC_QUERY_DEVICE_INTR),
        ("NV_IOCTL_CMD_SYS_PARAMS", NV_ESC_SYS_PARAMS),
        ("NV_IOCTL_CMD_SET_NUMA_STATUS", NV_ESC_SET_NUMA_STATUS),
        ("NV_IOCTL_CMD_WAIT_OPEN_COMPLETE", NV_ESC_WAIT_OPEN_COMPLETE),
    ] {
        let cmd = escape_cmd(nr).expect("fixed-size escape");
        c.c_constant(macro_name, cmd.into());
    }
    c.c_constant(
        "NV_IOCTL_CMD_RM_ALLOC64",
        nv_iowr(NV_ESC_RM_ALLOC, size_of::<Nvos64Parameters>()).into(),
    );
    for n in [1usize, 2, 8] {
        c.int(
            format!("NV_IOCTL_CMD_CARD_INFO({n})"),
            format!("NV_IOCTL_CMD_CARD_INFO({n})"),
            nv_iowr(NV_ESC_CARD_INFO, n * size_of::<NvIoctlCardInfo>()).into(),
        );
        c.int(
            format!("NV_IOCTL_CMD_ATTACH_GPUS_TO_FD({n})"),
            format!("NV_IOCTL_CMD_ATTACH_GPUS_TO_FD({n})"),
            nv_iowr(NV_ESC_ATTACH_GPUS_TO_FD, n * 4).into(),
        );
    }
    for (nr, size) in [
        (0u32, 0usize),
        (0x2B, 32),
        (0xFF, 0x3FFF),
        (0x1FF, 0x4001),
        (200, 72),
    ] {
        let cmd = nv_iowr(nr, size);
        c.int(
            format!("NV_IOWR({nr},{size})"),
            format!("NV_IOWR({nr}U, {size}U)"),
            cmd.into(),
        );
        c.int(
            format!("NV_IOC_NR({cmd:#x})"),
            format!("NV_IOC_NR({cmd:#x}U)"),
            ioc_nr(cmd).into(),
        );
        c.int(
            format!("NV_IOC_SIZE({cmd:#x})"),
            format!("NV_IOC_SIZE({cmd:#x}U)"),
            ioc_size(cmd).into(),
        );
    }

    // Classes.
    c.raw_c.push(
        "static const __u32 classes[] = { CLASS_LIST };
         for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
           __u32 size; int req;
           int rc = vgpu_nv_alloc_param_size(classes[i], &size, &req);
           if (rc) printf(\"alloc_param_size %u\\tnone\\n\", classes[i]);
           else printf(\"alloc_param_size %u\\t%u %d\\n\", classes[i], size, req);
           printf(\"rm_alloc_node %u\\t%d\\n\", classes[i], vgpu_nv_rm_alloc_node(classes[i]));
         }"
        .replace(
            "CLASS_LIST",
            &class_samples()
                .iter()
                .map(|v| format!("{v:#x}U"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    for class in class_samples() {
        let v = match alloc_param_size(class) {
            None => "none".to_string(),
            Some((size, req)) => format!("{size} {}", req as u32),
        };
        c.raw_expected
            .insert(format!("alloc_param_size {class}"), v);
        c.raw_expected.insert(
            format!("rm_alloc_node {class}"),
            (rm_alloc_node(class) as u32).to_string(),
        );
    }

    // Controls and UVM.
    let mut cmds: Vec<u32> = CTRL_CMDS.to_vec();
    cmds.extend([0, 0xA06C_0100, 0x2080_0000, 0xffff_ffff]);
    for cmd in cmds {
        let rust = ctrl_param_size(cmd).map_or(u64::MAX, |s| s as u64);
        c.int(
            format!("ctrl_param_size {cmd:#x}"),
            format!("vgpu_nv_ctrl_param_size({cmd:#x}U)"),
            rust,
        );
    }
    let mut cmds: Vec<u32> = UVM_CMDS.to_vec();
    cmds.extend([0, 36, 0x3000_0003, 0xC0A8_0000]);
    for cmd in cmds {
        let rust = uvm_param_size(cmd).map_or(u64::MAX, |s| s as u64);
        c.int(
            format!("uvm_param_size {cmd:#x}"),
            format!("vgpu_nv_uvm_param_size({cmd:#x}U)"),
            rust,
        );
    }

    // Status names.
    let mut statuses: Vec<u32> = NV_STATUS_TABLE.iter().map(|s| s.0).collect();
    statuses.extend([0x8D, 0x1234, 0x0001_0000, 0xffff_ffff]);
    for s in statuses {
        c.string(
            format!("status_name {s:#x}"),
            format!("vgpu_nv_status_name({s:#x}U)"),
            status_name(s),
        );
    }

    // Bit field helpers.
    for (i, word) in [0u32, 0xffff_ffff, 0x1234_5678, 0x8000_0001]
        .into_iter()
        .enumerate()
    {
        for (name, f) in [
            ("NVOS32_ATTR_LOCATION", NVOS32_ATTR_LOCATION),
            ("NVC56F_GP_ENTRY1_LENGTH", NVC56F_GP_ENTRY1_LENGTH),
            ("NVC56F_DMA_SEC_OP", NVC56F_DMA_SEC_OP),
            ("NVC56F_GP_ENTRY0_FETCH", NVC56F_GP_ENTRY0_FETCH),
        ] {
            c.int(
                format!("NV_FLD_GET {name} {i}"),
                format!("NV_FLD_GET({name}, {word:#x}U)"),
                f.get(word).into(),
            );
            c.int(
                format!("NV_FLD_NUM {name} {i}"),
                format!("NV_FLD_NUM({name}, {word:#x}U)"),
                f.num(word).into(),
            );
            c.int(
                format!("NV_FLD_SET {name} {i}"),
                format!("NV_FLD_SET({name}, {word:#x}U, 0x5U)"),
                f.set(word, 5).into(),
            );
            c.int(
                format!("NV_FLD_MASK {name}"),
                format!("NV_FLD_MASK({name})"),
                f.mask().into(),
            );
        }
    }

    // GPFIFO entries.
    let entries: Vec<[u32; 2]> = vec![
        GpEntry {
            address: 0x12_3456_7890 & !3,
            length: 0x1234,
            sync_wait: true,
            ..Default::default()
        }
        .encode()
        .unwrap(),
        GpEntry {
            address: GP_ENTRY_MAX_ADDRESS & !3,
            length: GP_ENTRY_MAX_LENGTH,
            subroutine: true,
            conditional_fetch: true,
            sync_wait: false,
        }
        .encode()
        .unwrap(),
        gp_entry_nop(),
        [0xdead_beef, 0x0000_0003],
        [0xffff_ffff, 0xffff_ffff],
    ];
    let mut gp_c = String::new();
    for (i, [e0, e1]) in entries.iter().enumerate() {
        let _ = write!(
            gp_c,
            "{{ struct vgpu_nv_gp_entry e; int pb = vgpu_nv_gp_entry_decode({e0:#x}U, {e1:#x}U, &e);
               if (pb) printf(\"gp_entry {i}\\tpb %llu %u %d %d %d\\n\", (unsigned long long)e.address, e.length, e.subroutine, e.sync_wait, e.conditional_fetch);
               else printf(\"gp_entry {i}\\tcontrol %u %u\\n\", e.opcode, e.operand); }}\n"
        );
        let v = match GpEntry::decode([*e0, *e1]) {
            GpEntryKind::Pushbuffer(g) => format!(
                "pb {} {} {} {} {}",
                g.address,
                g.length,
                g.subroutine as u32,
                g.sync_wait as u32,
                g.conditional_fetch as u32
            ),
            GpEntryKind::Control { opcode, operand } => format!("control {opcode} {operand}"),
        };
        c.raw_expected.insert(format!("gp_entry {i}"), v);
    }
    c.raw_c.push(gp_c);

    // Method headers: decode, method addressing, encode macro.
    let mut words = vec![
        0u32,
        7 << 29,
        6 << 29,
        0x0001_0000,
        0xffff_ffff,
        0x2007_2017,
    ];
    for (op, sub, method, count) in [
        (MethodOp::Incrementing, 0, NVC56F_SEM_ADDR_LO, 5),
        (MethodOp::NonIncrementing, 3, NVC6B5_LAUNCH_DMA, 1),
        (MethodOp::Immediate, 7, NVC56F_NOP, 0x1fff),
        (MethodOp::IncrementOnce, 5, NVC6B5_OFFSET_IN_UPPER, 4),
        (MethodOp::Incrementing, 1, VGPU_MOCK_BUSY_NS_LO, 2),
    ] {
        let h = MethodHeader {
            op,
            subchannel: sub,
            method,
            count,
        };
        let w = h.encode().unwrap();
        words.push(w);
        c.int(
            format!("VGPU_NV_METHOD_HEADER {w:#x}"),
            format!(
                "VGPU_NV_METHOD_HEADER({}U, {sub}U, {method:#x}U, {count:#x}U)",
                op as u32
            ),
            w.into(),
        );
    }
    let mut pb_c = String::new();
    for w in words {
        let _ = write!(
            pb_c,
            "{{ struct vgpu_nv_method_header h; int k = vgpu_nv_pb_header_decode({w:#x}U, &h);
               if (k == VGPU_NV_PB_METHOD) printf(\"pb_header {w:#x}\\tmethod %u %u %u %u data %u for %u %u %u\\n\", h.sec_op, h.subchannel, h.method, h.count,
                   vgpu_nv_method_data_dwords(&h), vgpu_nv_method_for(&h, 0), vgpu_nv_method_for(&h, 1), vgpu_nv_method_for(&h, 3));
               else printf(\"pb_header {w:#x}\\tkind %d\\n\", k); }}\n"
        );
        let v = match MethodHeader::decode(w) {
            PbHeader::Method(h) => format!(
                "method {} {} {} {} data {} for {} {} {}",
                h.op as u32,
                h.subchannel,
                h.method,
                h.count,
                h.data_dwords(),
                h.method_for(0),
                h.method_for(1),
                h.method_for(3)
            ),
            PbHeader::Nop => "kind 2".into(),
            PbHeader::EndSegment => "kind 3".into(),
            PbHeader::Unsupported(_) => "kind 4".into(),
        };
        c.raw_expected.insert(format!("pb_header {w:#x}"), v);
    }
    c.raw_c.push(pb_c);

    // Semaphore and copy-engine addresses.
    for (lo, hi) in [
        (0u32, 0u32),
        (0xdead_beef, 0x12),
        (0xffff_ffff, 0xffff_ffff),
    ] {
        c.int(
            format!("sem_address {lo:#x} {hi:#x}"),
            format!("vgpu_nv_sem_address({lo:#x}U, {hi:#x}U)"),
            sem_address(lo, hi),
        );
        c.int(
            format!("ce_address {hi:#x} {lo:#x}"),
            format!("vgpu_nv_ce_address({hi:#x}U, {lo:#x}U)"),
            ce_address(hi, lo),
        );
    }
}

/// Object-like `#define NAME value` names of the header.
fn header_defines(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"(?m)^#define\s+([A-Za-z_][A-Za-z0-9_]*)(\s|$)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// Names of `typedef struct/union {...} NAME;` in the header.
fn header_types(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"(?m)^\}\s*([A-Za-z_][A-Za-z0-9_]*)\s*;").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// `pub const NAME:` and `pub struct Name` of the Rust module.
fn rust_items() -> (BTreeSet<String>, BTreeSet<String>) {
    let konst = regex::Regex::new(r"(?m)^pub const ([A-Z][A-Z0-9_]*):").unwrap();
    let strukt = regex::Regex::new(r"(?m)^pub struct ([A-Za-z0-9_]+)").unwrap();
    let mut consts = BTreeSet::new();
    let mut structs = BTreeSet::new();
    let dir = root().join("src/nvidia");
    for entry in std::fs::read_dir(&dir).expect("read src/nvidia") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            consts.extend(konst.captures_iter(&text).map(|c| c[1].to_string()));
            structs.extend(strukt.captures_iter(&text).map(|c| c[1].to_string()));
        }
    }
    (consts, structs)
}

/// Compile and run the C side; returns its `key -> value` lines.
fn run_c(checks: &Checks) -> BTreeMap<String, String> {
    let mut prog =
        String::from("#include <stdio.h>\n#include \"nvidia-abi.h\"\nint main(void)\n{\n");
    for item in &checks.items {
        let _ = writeln!(
            prog,
            "\tprintf(\"%s\\t{}\\n\", \"{}\", {});",
            item.fmt,
            item.key.replace('\\', "\\\\").replace('"', "\\\""),
            item.c_expr
        );
    }
    for raw in &checks.raw_c {
        prog.push_str(raw);
        prog.push('\n');
    }
    prog.push_str("\treturn 0;\n}\n");

    let dir = std::env::temp_dir().join(format!("vgpu-nvidia-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("layout.c");
    let exe = dir.join("layout");
    std::fs::write(&src, &prog).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(&cc)
        .args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(root().join("include"))
        .arg(&src)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
    assert!(
        out.status.success(),
        "compiling the C side failed ({}):\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run the C side");
    assert!(run.status.success(), "the C side failed");
    let text = String::from_utf8(run.stdout).expect("utf-8 output");
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let (k, v) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        if let Some(old) = map.insert(k.to_string(), v.to_string()) {
            assert_eq!(old, v, "C printed {k} twice with different values");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    map
}

#[test]
fn c_header_and_rust_agree() {
    let mut checks = Checks::default();
    layout_checks(&mut checks);
    constant_checks(&mut checks);
    function_checks(&mut checks);

    let c_out = run_c(&checks);
    let mut errors = std::mem::take(&mut checks.errors);

    let mut expected: BTreeMap<String, String> = checks.raw_expected.clone();
    for item in &checks.items {
        if let Some(old) = expected.insert(item.key.clone(), item.expected.clone()) {
            if old != item.expected {
                errors.push(format!(
                    "Rust side: {} has two values {old} and {}",
                    item.key, item.expected
                ));
            }
        }
    }
    for (key, want) in &expected {
        match c_out.get(key) {
            None => errors.push(format!("C side did not print {key}")),
            Some(got) if got != want => errors.push(format!("{key}: C {got}, Rust {want}")),
            Some(_) => {}
        }
    }
    for key in c_out.keys() {
        if !expected.contains_key(key) {
            errors.push(format!("C side printed unexpected {key}"));
        }
    }

    // Completeness: nothing defined on one side escapes the lists above.
    let header = std::fs::read_to_string(root().join("include/nvidia-abi.h")).unwrap();
    let c_ignore: BTreeSet<&str> = ["_UAPI_VGPU_NVIDIA_ABI_H", "NVABI_ALIGN8"].into();
    for name in header_defines(&header) {
        if !c_ignore.contains(name.as_str()) && !checks.c_consts.contains(&name) {
            errors.push(format!(
                "header constant {name} is not checked (add it to the lists)"
            ));
        }
    }
    for name in header_types(&header) {
        if !checks.c_types.contains(&name) {
            errors.push(format!("header type {name} has no layout check"));
        }
    }
    let (rust_consts, rust_structs) = rust_items();
    for name in rust_consts {
        if name != "NV_STATUS_TABLE" && !checks.rust_consts.contains(&name) {
            errors.push(format!(
                "Rust constant {name} is not checked (add it to the lists)"
            ));
        }
    }
    let helpers: BTreeSet<&str> = [
        "BitField",
        "GpEntry",
        "MethodHeader",
        "SemExecute",
        "LaunchDma",
    ]
    .into();
    for name in rust_structs {
        if !helpers.contains(name.as_str()) && !checks.rust_types.contains(&name) {
            errors.push(format!("Rust struct {name} has no layout check"));
        }
    }

    assert!(
        errors.is_empty(),
        "{} disagreement(s) between include/nvidia-abi.h and src/nvidia/:\n  {}",
        errors.len(),
        errors.join("\n  ")
    );
    // Sanity: the comparison really ran.
    assert!(
        expected.len() > 2000,
        "only {} items compared",
        expected.len()
    );
}

#[test]
fn header_compiles_strictly_as_c11() {
    // The mock driver's Kbuild uses gnu11; host tools may use plain C11
    // with -pedantic. Both must be warning-free.
    let dir = std::env::temp_dir().join(format!("vgpu-nvidia-c11-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("c11.c");
    std::fs::write(
        &src,
        "#include \"nvidia-abi.h\"\nint main(void) { return 0; }\n",
    )
    .unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(&cc)
        .args([
            "-std=c11",
            "-pedantic",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fsyntax-only",
            "-I",
        ])
        .arg(root().join("include"))
        .arg(&src)
        .output()
        .expect("run cc");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
