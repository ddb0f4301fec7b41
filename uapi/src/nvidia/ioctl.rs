//! Device numbers, ioctl number encoding and the escape codes of
//! `/dev/nvidiactl` and `/dev/nvidiaN` (reference §1).
//!
//! Every nvidia ioctl is `_IOWR('F', nr, param)`. The driver looks only at
//! `_IOC_NR` and `_IOC_SIZE` (never at the type or direction bits) and
//! rejects a size that is not exactly the parameter struct's with `-EINVAL`;
//! [`escape_param_size`] gives the accepted sizes, [`escape_node`] the node
//! an escape must be issued on.

use super::rm;

// ---------------------------------------------------------------------------
// Device numbers (reference §1.1).

/// Character major of `/dev/nvidia*` (`/dev/nvidia-uvm` and the caps nodes
/// use dynamic majors).
pub const NV_MAJOR_DEVICE_NUMBER: u32 = 195;
/// Highest minor of a GPU node `/dev/nvidiaN` (N = 0..=247).
pub const NV_MINOR_DEVICE_NUMBER_REGULAR_MAX: u32 = 247;
/// Minor of `/dev/nvidia-modeset`.
pub const NV_MINOR_DEVICE_NUMBER_MODESET_DEVICE: u32 = 254;
/// Minor of `/dev/nvidiactl`.
pub const NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE: u32 = 255;

// ---------------------------------------------------------------------------
// ioctl number encoding (Linux `_IOC` layout, reference §1.2).

/// ioctl type byte of every nvidia ioctl: `'F'`.
pub const NV_IOCTL_MAGIC: u32 = b'F' as u32;
/// First of the "nv" escapes (200); the RM escapes live below it.
pub const NV_IOCTL_BASE: u32 = 200;
/// Largest parameter size accepted through [`NV_ESC_IOCTL_XFER_CMD`].
pub const NV_ABSOLUTE_MAX_IOCTL_SIZE: u32 = 16384;

/// Linux `_IOC_NRBITS` etc.: nr 7:0, type 15:8, size 29:16, dir 31:30.
pub const NV_IOC_NRMASK: u32 = 0xff;
/// Mask of the (shifted down) size field, 14 bits.
pub const NV_IOC_SIZEMASK: u32 = 0x3fff;
/// Shift of the size field.
pub const NV_IOC_SIZESHIFT: u32 = 16;
/// Shift of the type field.
pub const NV_IOC_TYPESHIFT: u32 = 8;
/// Direction bits of `_IOWR` (read | write) in place.
pub const NV_IOC_READ_WRITE: u32 = 0xc000_0000;

/// `_IOWR('F', nr, size)`: `0xC0000000 | size << 16 | 'F' << 8 | nr`.
/// `nr` is truncated to 8 bits and `size` to 14 bits, as `_IOC` would.
pub const fn nv_iowr(nr: u32, size: usize) -> u32 {
    NV_IOC_READ_WRITE
        | (((size as u32) & NV_IOC_SIZEMASK) << NV_IOC_SIZESHIFT)
        | (NV_IOCTL_MAGIC << NV_IOC_TYPESHIFT)
        | (nr & NV_IOC_NRMASK)
}

/// `_IOC_NR(cmd)`: the escape number.
pub const fn ioc_nr(cmd: u32) -> u32 {
    cmd & NV_IOC_NRMASK
}

/// `_IOC_SIZE(cmd)`: the parameter size in bytes.
pub const fn ioc_size(cmd: u32) -> u32 {
    (cmd >> NV_IOC_SIZESHIFT) & NV_IOC_SIZEMASK
}

/// `_IOC_TYPE(cmd)` (ignored by the driver, `'F'` by convention).
pub const fn ioc_type(cmd: u32) -> u32 {
    (cmd >> NV_IOC_TYPESHIFT) & 0xff
}

// ---------------------------------------------------------------------------
// RM escapes (`nv_escape.h`, reference §1.3).

/// `NVOS02` on a GPU node: allocate (sysmem) memory, may create an mmap context.
pub const NV_ESC_RM_ALLOC_MEMORY: u32 = 0x27;
/// `NVOS05`: legacy object allocation.
pub const NV_ESC_RM_ALLOC_OBJECT: u32 = 0x28;
/// `NVOS00`: free an object (or a whole client).
pub const NV_ESC_RM_FREE: u32 = 0x29;
/// `NVOS54`: RM control call.
pub const NV_ESC_RM_CONTROL: u32 = 0x2A;
/// `NVOS21` or `NVOS64`: allocate an object of a class.
pub const NV_ESC_RM_ALLOC: u32 = 0x2B;
/// `NVOS55`: duplicate an object into another client.
pub const NV_ESC_RM_DUP_OBJECT: u32 = 0x34;
/// `NVOS57`: set an object's share policy.
pub const NV_ESC_RM_SHARE: u32 = 0x35;
/// `NVOS_I2C_ACCESS_PARAMS` on a GPU node.
pub const NV_ESC_RM_I2C_ACCESS: u32 = 0x39;
/// `NVOS30`.
pub const NV_ESC_RM_IDLE_CHANNELS: u32 = 0x41;
/// `NVOS32`: legacy heap control (ALLOC_SIZE allocates video memory).
pub const NV_ESC_RM_VID_HEAP_CONTROL: u32 = 0x4A;
/// `NVOS38`.
pub const NV_ESC_RM_ACCESS_REGISTRY: u32 = 0x4D;
/// `nv_ioctl_nvos33_parameters_with_fd`: create a CPU mapping context.
pub const NV_ESC_RM_MAP_MEMORY: u32 = 0x4E;
/// `NVOS34`.
pub const NV_ESC_RM_UNMAP_MEMORY: u32 = 0x4F;
/// `NVOS41`.
pub const NV_ESC_RM_GET_EVENT_DATA: u32 = 0x52;
/// `NVOS39`.
pub const NV_ESC_RM_ALLOC_CONTEXT_DMA2: u32 = 0x54;
/// Defined but not in the validation tables: rejected with `-EINVAL`.
pub const NV_ESC_RM_ADD_VBLANK_CALLBACK: u32 = 0x56;
/// `NVOS46`.
pub const NV_ESC_RM_MAP_MEMORY_DMA: u32 = 0x57;
/// `NVOS47`.
pub const NV_ESC_RM_UNMAP_MEMORY_DMA: u32 = 0x58;
/// `NVOS49`.
pub const NV_ESC_RM_BIND_CONTEXT_DMA: u32 = 0x59;
/// Defined, no handler (r535–r595): rejected with `-EINVAL`.
pub const NV_ESC_RM_EXPORT_OBJECT_TO_FD: u32 = 0x5C;
/// Defined, no handler (r535–r595): rejected with `-EINVAL`.
pub const NV_ESC_RM_IMPORT_OBJECT_FROM_FD: u32 = 0x5D;
/// `NVOS56`.
pub const NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO: u32 = 0x5E;
/// `NV_LOCKLESS_DIAGNOSTIC_PARAMS` (admin only).
pub const NV_ESC_RM_LOCKLESS_DIAGNOSTIC: u32 = 0x5F;

// "nv" escapes (`nv-ioctl-numbers.h`, `nv-ioctl-numa.h`).

/// `nv_ioctl_card_info_t[]`.
pub const NV_ESC_CARD_INFO: u32 = NV_IOCTL_BASE;
/// `nv_ioctl_register_fd_t`: bind a GPU fd to a ctl fd.
pub const NV_ESC_REGISTER_FD: u32 = NV_IOCTL_BASE + 1;
/// `nv_ioctl_alloc_os_event_t`.
pub const NV_ESC_ALLOC_OS_EVENT: u32 = NV_IOCTL_BASE + 6;
/// `nv_ioctl_free_os_event_t`.
pub const NV_ESC_FREE_OS_EVENT: u32 = NV_IOCTL_BASE + 7;
/// `nv_ioctl_status_code_t`.
pub const NV_ESC_STATUS_CODE: u32 = NV_IOCTL_BASE + 9;
/// `nv_ioctl_rm_api_version_t`.
pub const NV_ESC_CHECK_VERSION_STR: u32 = NV_IOCTL_BASE + 10;
/// `nv_ioctl_xfer_t`: indirect call with a larger parameter buffer.
pub const NV_ESC_IOCTL_XFER_CMD: u32 = NV_IOCTL_BASE + 11;
/// `NvU32[]` gpu ids.
pub const NV_ESC_ATTACH_GPUS_TO_FD: u32 = NV_IOCTL_BASE + 12;
/// `nv_ioctl_query_device_intr_t`.
pub const NV_ESC_QUERY_DEVICE_INTR: u32 = NV_IOCTL_BASE + 13;
/// `nv_ioctl_sys_params_t`.
pub const NV_ESC_SYS_PARAMS: u32 = NV_IOCTL_BASE + 14;
/// `nv_ioctl_numa_info_t`.
pub const NV_ESC_NUMA_INFO: u32 = NV_IOCTL_BASE + 15;
/// `nv_ioctl_set_numa_status_t` (CAP_SYS_ADMIN).
pub const NV_ESC_SET_NUMA_STATUS: u32 = NV_IOCTL_BASE + 16;
/// `nv_ioctl_export_to_dma_buf_fd_t`.
pub const NV_ESC_EXPORT_TO_DMABUF_FD: u32 = NV_IOCTL_BASE + 17;
/// `nv_ioctl_wait_open_complete_t`.
pub const NV_ESC_WAIT_OPEN_COMPLETE: u32 = NV_IOCTL_BASE + 18;

// Sizes of parameter structs that vgpu does not model field by field
// (x86_64, from the reference §1.3/§2, confirmed against the public headers).

/// `sizeof(NVOS57_PARAMETERS)`.
pub const NVOS57_PARAMETERS_SIZE: usize = 24;
/// `sizeof(NVOS_I2C_ACCESS_PARAMS)`.
pub const NVOS_I2C_ACCESS_PARAMS_SIZE: usize = 32;
/// `sizeof(NVOS30_PARAMETERS)`.
pub const NVOS30_PARAMETERS_SIZE: usize = 56;
/// `sizeof(NVOS38_PARAMETERS)`.
pub const NVOS38_PARAMETERS_SIZE: usize = 72;
/// `sizeof(NVOS41_PARAMETERS)`.
pub const NVOS41_PARAMETERS_SIZE: usize = 16;
/// `sizeof(NVOS39_PARAMETERS)`.
pub const NVOS39_PARAMETERS_SIZE: usize = 56;
/// `sizeof(NVOS46_PARAMETERS)`.
pub const NVOS46_PARAMETERS_SIZE: usize = 64;
/// `sizeof(NVOS47_PARAMETERS)`.
pub const NVOS47_PARAMETERS_SIZE: usize = 48;
/// `sizeof(NVOS49_PARAMETERS)`.
pub const NVOS49_PARAMETERS_SIZE: usize = 16;
/// `sizeof(NV_LOCKLESS_DIAGNOSTIC_PARAMS)`.
pub const NV_LOCKLESS_DIAGNOSTIC_PARAMS_SIZE: usize = 15412;
/// `sizeof(nv_ioctl_numa_info_t)`.
pub const NV_IOCTL_NUMA_INFO_SIZE: usize = 560;
/// `sizeof(nv_ioctl_export_to_dma_buf_fd_t)`.
pub const NV_IOCTL_EXPORT_TO_DMA_BUF_FD_SIZE: usize = 2608;

/// Which device node an escape must be issued on.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `/dev/nvidiactl` only (`NV_CTL_DEVICE_ONLY`).
    Ctl = 1,
    /// A GPU node `/dev/nvidiaN` only (`NV_ACTUAL_DEVICE_ONLY`).
    Dev = 2,
    /// Either.
    Any = 3,
}

/// The node restriction of escape `nr`, or `None` for an escape the driver
/// rejects outright (unknown nr). For [`NV_ESC_RM_ALLOC`] this is the
/// restriction of ordinary classes; see [`rm_alloc_node`] for the
/// class-dependent answer.
pub const fn escape_node(nr: u32) -> Option<NodeKind> {
    use NodeKind::{Any, Ctl, Dev};
    Some(match nr {
        NV_ESC_RM_ALLOC_MEMORY | NV_ESC_RM_I2C_ACCESS => Dev,
        NV_ESC_RM_ALLOC_OBJECT
        | NV_ESC_RM_FREE
        | NV_ESC_RM_CONTROL
        | NV_ESC_RM_ALLOC
        | NV_ESC_RM_DUP_OBJECT
        | NV_ESC_RM_SHARE
        | NV_ESC_RM_IDLE_CHANNELS
        | NV_ESC_RM_VID_HEAP_CONTROL
        | NV_ESC_RM_ACCESS_REGISTRY
        | NV_ESC_RM_MAP_MEMORY
        | NV_ESC_RM_UNMAP_MEMORY
        | NV_ESC_RM_ALLOC_CONTEXT_DMA2
        | NV_ESC_RM_MAP_MEMORY_DMA
        | NV_ESC_RM_UNMAP_MEMORY_DMA
        | NV_ESC_RM_BIND_CONTEXT_DMA
        | NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO
        | NV_ESC_RM_LOCKLESS_DIAGNOSTIC
        | NV_ESC_STATUS_CODE
        | NV_ESC_CARD_INFO
        | NV_ESC_CHECK_VERSION_STR
        | NV_ESC_ATTACH_GPUS_TO_FD
        | NV_ESC_SYS_PARAMS => Ctl,
        NV_ESC_QUERY_DEVICE_INTR
        | NV_ESC_NUMA_INFO
        | NV_ESC_SET_NUMA_STATUS
        | NV_ESC_EXPORT_TO_DMABUF_FD => Dev,
        NV_ESC_RM_GET_EVENT_DATA
        | NV_ESC_REGISTER_FD
        | NV_ESC_ALLOC_OS_EVENT
        | NV_ESC_FREE_OS_EVENT
        | NV_ESC_IOCTL_XFER_CMD
        | NV_ESC_WAIT_OPEN_COMPLETE => Any,
        _ => return None,
    })
}

/// The node restriction of `NV_ESC_RM_ALLOC` for class `h_class`: the event
/// classes (`NV01_EVENT*`) may be allocated through any node, everything
/// else only through nvidiactl.
pub const fn rm_alloc_node(h_class: u32) -> NodeKind {
    use super::classes::{
        NV01_EVENT, NV01_EVENT_KERNEL_CALLBACK, NV01_EVENT_KERNEL_CALLBACK_EX, NV01_EVENT_OS_EVENT,
    };
    match h_class {
        NV01_EVENT
        | NV01_EVENT_OS_EVENT
        | NV01_EVENT_KERNEL_CALLBACK
        | NV01_EVENT_KERNEL_CALLBACK_EX => NodeKind::Any,
        _ => NodeKind::Ctl,
    }
}

/// The parameter sizes an escape accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamSize {
    /// Exactly this many bytes.
    Exact(usize),
    /// Either of two sizes (`NV_ESC_RM_ALLOC`: NVOS21 or NVOS64).
    OneOf(usize, usize),
    /// A nonzero whole number of elements of this size.
    ArrayOf(usize),
}

impl ParamSize {
    /// Whether `size` (the ioctl's `_IOC_SIZE`) is accepted.
    pub const fn accepts(self, size: usize) -> bool {
        match self {
            ParamSize::Exact(n) => size == n,
            ParamSize::OneOf(a, b) => size == a || size == b,
            ParamSize::ArrayOf(elem) => elem != 0 && size != 0 && (size / elem) * elem == size,
        }
    }
}

/// The parameter size(s) escape `nr` accepts (r595 `nv_validate_ioctls`
/// semantics), or `None` for an nr the driver rejects with `-EINVAL`.
pub const fn escape_param_size(nr: u32) -> Option<ParamSize> {
    use core::mem::size_of;
    use ParamSize::{ArrayOf, Exact, OneOf};
    Some(match nr {
        NV_ESC_RM_ALLOC_MEMORY => Exact(size_of::<rm::NvIoctlNvos02ParametersWithFd>()),
        NV_ESC_RM_ALLOC_OBJECT => Exact(size_of::<rm::Nvos05Parameters>()),
        NV_ESC_RM_FREE => Exact(size_of::<rm::Nvos00Parameters>()),
        NV_ESC_RM_CONTROL => Exact(size_of::<rm::Nvos54Parameters>()),
        NV_ESC_RM_ALLOC => OneOf(
            size_of::<rm::Nvos21Parameters>(),
            size_of::<rm::Nvos64Parameters>(),
        ),
        NV_ESC_RM_DUP_OBJECT => Exact(size_of::<rm::Nvos55Parameters>()),
        NV_ESC_RM_SHARE => Exact(NVOS57_PARAMETERS_SIZE),
        NV_ESC_RM_I2C_ACCESS => Exact(NVOS_I2C_ACCESS_PARAMS_SIZE),
        NV_ESC_RM_IDLE_CHANNELS => Exact(NVOS30_PARAMETERS_SIZE),
        NV_ESC_RM_VID_HEAP_CONTROL => Exact(size_of::<rm::Nvos32Parameters<rm::Nvos32Data>>()),
        NV_ESC_RM_ACCESS_REGISTRY => Exact(NVOS38_PARAMETERS_SIZE),
        NV_ESC_RM_MAP_MEMORY => Exact(size_of::<rm::NvIoctlNvos33ParametersWithFd>()),
        NV_ESC_RM_UNMAP_MEMORY => Exact(size_of::<rm::Nvos34Parameters>()),
        NV_ESC_RM_GET_EVENT_DATA => Exact(NVOS41_PARAMETERS_SIZE),
        NV_ESC_RM_ALLOC_CONTEXT_DMA2 => Exact(NVOS39_PARAMETERS_SIZE),
        NV_ESC_RM_MAP_MEMORY_DMA => Exact(NVOS46_PARAMETERS_SIZE),
        NV_ESC_RM_UNMAP_MEMORY_DMA => Exact(NVOS47_PARAMETERS_SIZE),
        NV_ESC_RM_BIND_CONTEXT_DMA => Exact(NVOS49_PARAMETERS_SIZE),
        NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO => Exact(size_of::<rm::Nvos56Parameters>()),
        NV_ESC_RM_LOCKLESS_DIAGNOSTIC => Exact(NV_LOCKLESS_DIAGNOSTIC_PARAMS_SIZE),
        NV_ESC_CARD_INFO => ArrayOf(size_of::<rm::NvIoctlCardInfo>()),
        NV_ESC_REGISTER_FD => Exact(size_of::<rm::NvIoctlRegisterFd>()),
        NV_ESC_ALLOC_OS_EVENT => Exact(size_of::<rm::NvIoctlAllocOsEvent>()),
        NV_ESC_FREE_OS_EVENT => Exact(size_of::<rm::NvIoctlFreeOsEvent>()),
        NV_ESC_STATUS_CODE => Exact(size_of::<rm::NvIoctlStatusCode>()),
        NV_ESC_CHECK_VERSION_STR => Exact(size_of::<rm::NvIoctlRmApiVersion>()),
        NV_ESC_IOCTL_XFER_CMD => Exact(size_of::<rm::NvIoctlXfer>()),
        NV_ESC_ATTACH_GPUS_TO_FD => ArrayOf(size_of::<u32>()),
        NV_ESC_QUERY_DEVICE_INTR => Exact(size_of::<rm::NvIoctlQueryDeviceIntr>()),
        NV_ESC_SYS_PARAMS => Exact(size_of::<rm::NvIoctlSysParams>()),
        NV_ESC_NUMA_INFO => Exact(NV_IOCTL_NUMA_INFO_SIZE),
        NV_ESC_SET_NUMA_STATUS => Exact(size_of::<rm::NvIoctlSetNumaStatus>()),
        NV_ESC_EXPORT_TO_DMABUF_FD => Exact(NV_IOCTL_EXPORT_TO_DMA_BUF_FD_SIZE),
        NV_ESC_WAIT_OPEN_COMPLETE => Exact(size_of::<rm::NvIoctlWaitOpenComplete>()),
        _ => return None,
    })
}

/// Whether the driver accepts ioctl `cmd` at the entry (r595
/// `nv_validate_ioctls`): a known nr with an accepted size. Note that the
/// *inner* command of [`NV_ESC_IOCTL_XFER_CMD`] is not checked this way.
pub const fn cmd_is_valid(cmd: u32) -> bool {
    match escape_param_size(ioc_nr(cmd)) {
        Some(p) => p.accepts(ioc_size(cmd) as usize),
        None => false,
    }
}

/// The canonical full ioctl cmd of a fixed-size escape (`None` for array
/// escapes and unknown nrs; [`NV_ESC_RM_ALLOC`] gives the NVOS21 form).
pub const fn escape_cmd(nr: u32) -> Option<u32> {
    match escape_param_size(nr) {
        Some(ParamSize::Exact(n)) | Some(ParamSize::OneOf(n, _)) => Some(nv_iowr(nr, n)),
        _ => None,
    }
}

const _: () = assert!(NV_LOCKLESS_DIAGNOSTIC_PARAMS_SIZE as u32 <= NV_IOC_SIZEMASK);
const _: () = assert!(NV_IOCTL_EXPORT_TO_DMA_BUF_FD_SIZE as u32 <= NV_IOC_SIZEMASK);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iowr_matches_reference() {
        // Full cmd values from the reference's §1.3 table.
        let table: &[(u32, u32)] = &[
            (NV_ESC_RM_ALLOC_MEMORY, 0xC038_4627),
            (NV_ESC_RM_ALLOC_OBJECT, 0xC014_4628),
            (NV_ESC_RM_FREE, 0xC010_4629),
            (NV_ESC_RM_CONTROL, 0xC020_462A),
            (NV_ESC_RM_ALLOC, 0xC020_462B),
            (NV_ESC_RM_DUP_OBJECT, 0xC01C_4634),
            (NV_ESC_RM_SHARE, 0xC018_4635),
            (NV_ESC_RM_I2C_ACCESS, 0xC020_4639),
            (NV_ESC_RM_IDLE_CHANNELS, 0xC038_4641),
            (NV_ESC_RM_VID_HEAP_CONTROL, 0xC0B8_464A),
            (NV_ESC_RM_ACCESS_REGISTRY, 0xC048_464D),
            (NV_ESC_RM_MAP_MEMORY, 0xC038_464E),
            (NV_ESC_RM_UNMAP_MEMORY, 0xC020_464F),
            (NV_ESC_RM_GET_EVENT_DATA, 0xC010_4652),
            (NV_ESC_RM_ALLOC_CONTEXT_DMA2, 0xC038_4654),
            (NV_ESC_RM_MAP_MEMORY_DMA, 0xC040_4657),
            (NV_ESC_RM_UNMAP_MEMORY_DMA, 0xC030_4658),
            (NV_ESC_RM_BIND_CONTEXT_DMA, 0xC010_4659),
            (NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO, 0xC028_465E),
            (NV_ESC_RM_LOCKLESS_DIAGNOSTIC, 0xFC34_465F),
            (NV_ESC_REGISTER_FD, 0xC004_46C9),
            (NV_ESC_ALLOC_OS_EVENT, 0xC010_46CE),
            (NV_ESC_FREE_OS_EVENT, 0xC010_46CF),
            (NV_ESC_STATUS_CODE, 0xC00C_46D1),
            (NV_ESC_CHECK_VERSION_STR, 0xC048_46D2),
            (NV_ESC_IOCTL_XFER_CMD, 0xC010_46D3),
            (NV_ESC_QUERY_DEVICE_INTR, 0xC008_46D5),
            (NV_ESC_SYS_PARAMS, 0xC008_46D6),
            (NV_ESC_NUMA_INFO, 0xC230_46D7),
            (NV_ESC_SET_NUMA_STATUS, 0xC004_46D8),
            (NV_ESC_EXPORT_TO_DMABUF_FD, 0xCA30_46D9),
            (NV_ESC_WAIT_OPEN_COMPLETE, 0xC008_46DA),
        ];
        for &(nr, cmd) in table {
            assert_eq!(escape_cmd(nr), Some(cmd), "nr {nr:#x}");
            assert_eq!(ioc_nr(cmd), nr);
            assert_eq!(ioc_type(cmd), NV_IOCTL_MAGIC);
            assert!(cmd_is_valid(cmd), "cmd {cmd:#x}");
            assert!(escape_node(nr).is_some());
        }
        assert_eq!(nv_iowr(NV_ESC_RM_ALLOC, 48), 0xC030_462B);
        assert_eq!(nv_iowr(NV_ESC_CARD_INFO, 72), 0xC048_46C8);
    }

    #[test]
    fn encode_decode_roundtrip() {
        for nr in 0..=255u32 {
            for size in [0usize, 1, 4, 72, 184, 9264, 16383] {
                let cmd = nv_iowr(nr, size);
                assert_eq!(ioc_nr(cmd), nr);
                assert_eq!(ioc_size(cmd) as usize, size);
                assert_eq!(cmd >> 30, 3);
            }
        }
    }

    #[test]
    fn param_sizes() {
        let alloc = escape_param_size(NV_ESC_RM_ALLOC).unwrap();
        assert!(alloc.accepts(32) && alloc.accepts(48) && !alloc.accepts(40));
        let card = escape_param_size(NV_ESC_CARD_INFO).unwrap();
        assert!(card.accepts(72) && card.accepts(144) && !card.accepts(0) && !card.accepts(73));
        let attach = escape_param_size(NV_ESC_ATTACH_GPUS_TO_FD).unwrap();
        assert!(
            attach.accepts(4) && attach.accepts(32) && !attach.accepts(6) && !attach.accepts(0)
        );
        assert_eq!(
            escape_param_size(NV_ESC_RM_VID_HEAP_CONTROL),
            Some(ParamSize::Exact(184))
        );
        assert_eq!(
            escape_param_size(NV_ESC_RM_MAP_MEMORY),
            Some(ParamSize::Exact(56))
        );
        assert_eq!(
            escape_param_size(NV_ESC_STATUS_CODE),
            Some(ParamSize::Exact(12))
        );
        for nr in [
            NV_ESC_RM_ADD_VBLANK_CALLBACK,
            NV_ESC_RM_EXPORT_OBJECT_TO_FD,
            NV_ESC_RM_IMPORT_OBJECT_FROM_FD,
            0,
            NV_IOCTL_BASE + 2,
            255,
        ] {
            assert_eq!(escape_param_size(nr), None);
            assert_eq!(escape_node(nr), None);
        }
        assert!(!cmd_is_valid(nv_iowr(NV_ESC_RM_FREE, 20)));
        assert!(!ParamSize::ArrayOf(0).accepts(0));
    }

    #[test]
    fn nodes() {
        assert_eq!(escape_node(NV_ESC_RM_ALLOC_MEMORY), Some(NodeKind::Dev));
        assert_eq!(escape_node(NV_ESC_RM_MAP_MEMORY), Some(NodeKind::Ctl));
        assert_eq!(escape_node(NV_ESC_REGISTER_FD), Some(NodeKind::Any));
        assert_eq!(
            rm_alloc_node(super::super::classes::NV01_EVENT_OS_EVENT),
            NodeKind::Any
        );
        assert_eq!(
            rm_alloc_node(super::super::classes::NV01_MEMORY_LOCAL_USER),
            NodeKind::Ctl
        );
    }
}
