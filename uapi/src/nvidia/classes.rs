//! RM class ids (reference §3.1, §3.2; values from NVIDIA's public
//! `class/clXXXX.h`). A class id is what `NV_ESC_RM_ALLOC` takes in
//! `hClass`; for channel and engine classes it is also what a pushbuffer
//! binds to a subchannel with `SET_OBJECT`.

// Root (client) classes. User allocations of any of the three are rewritten
// to NV01_ROOT_CLIENT on the ioctl path.

/// `NV01_ROOT`.
pub const NV01_ROOT: u32 = 0x0000;
/// `NV01_ROOT_NON_PRIV`.
pub const NV01_ROOT_NON_PRIV: u32 = 0x0001;
/// `NV01_ROOT_CLIENT` (the class every user client ends up as).
pub const NV01_ROOT_CLIENT: u32 = 0x0041;
/// `NV04_MEMORY` (same value as `NV01_ROOT_CLIENT`, different header).
pub const NV04_MEMORY: u32 = 0x0041;

// Events.

/// `NV01_EVENT`.
pub const NV01_EVENT: u32 = 0x0005;
/// `NV01_EVENT_KERNEL_CALLBACK`.
pub const NV01_EVENT_KERNEL_CALLBACK: u32 = 0x0078;
/// `NV01_EVENT_OS_EVENT` (event delivered to an `NV_ESC_ALLOC_OS_EVENT` key).
pub const NV01_EVENT_OS_EVENT: u32 = 0x0079;
/// `NV01_EVENT_KERNEL_CALLBACK_EX`.
pub const NV01_EVENT_KERNEL_CALLBACK_EX: u32 = 0x007E;

// Devices.

/// `NV01_DEVICE_0`: a device (parent: client).
pub const NV01_DEVICE_0: u32 = 0x0080;
/// `NV20_SUBDEVICE_0`: a subdevice (parent: device).
pub const NV20_SUBDEVICE_0: u32 = 0x2080;

// Memory classes.

/// `NV01_MEMORY_SYSTEM`: system memory.
pub const NV01_MEMORY_SYSTEM: u32 = 0x003E;
/// `NV01_MEMORY_LOCAL_PRIVILEGED`.
pub const NV01_MEMORY_LOCAL_PRIVILEGED: u32 = 0x003F;
/// `NV01_MEMORY_LOCAL_USER` (alias `NV1_MEMORY_USER`): video memory.
pub const NV01_MEMORY_LOCAL_USER: u32 = 0x0040;
/// `NV01_MEMORY_VIRTUAL` (= `NV01_MEMORY_SYSTEM_DYNAMIC`).
pub const NV01_MEMORY_VIRTUAL: u32 = 0x0070;
/// `NV01_MEMORY_SYSTEM_DYNAMIC` (= `NV01_MEMORY_VIRTUAL`).
pub const NV01_MEMORY_SYSTEM_DYNAMIC: u32 = 0x0070;
/// `NV01_MEMORY_SYSTEM_OS_DESCRIPTOR`: pinned user pages.
pub const NV01_MEMORY_SYSTEM_OS_DESCRIPTOR: u32 = 0x0071;
/// `NV01_MEMORY_LIST_SYSTEM`.
pub const NV01_MEMORY_LIST_SYSTEM: u32 = 0x0081;
/// `NV01_MEMORY_LIST_FBMEM`.
pub const NV01_MEMORY_LIST_FBMEM: u32 = 0x0082;
/// `NV01_MEMORY_LIST_OBJECT`.
pub const NV01_MEMORY_LIST_OBJECT: u32 = 0x0083;
/// `NV01_MEMORY_LOCAL_PHYSICAL` (privileged whole-FB handle).
pub const NV01_MEMORY_LOCAL_PHYSICAL: u32 = 0x00C2;
/// `NV_MEMORY_EXPORT`.
pub const NV_MEMORY_EXPORT: u32 = 0x00E0;
/// `NV_MEMORY_FABRIC`.
pub const NV_MEMORY_FABRIC: u32 = 0x00F8;
/// `NV_MEMORY_MULTICAST_FABRIC`.
pub const NV_MEMORY_MULTICAST_FABRIC: u32 = 0x00FD;
/// `NV50_MEMORY_VIRTUAL`: a GPU VA reservation, no backing.
pub const NV50_MEMORY_VIRTUAL: u32 = 0x50A0;

// Address spaces, channel groups, subcontexts.

/// `FERMI_VASPACE_A`: a GPU virtual address space.
pub const FERMI_VASPACE_A: u32 = 0x90F1;
/// `KEPLER_CHANNEL_GROUP_A`: a TSG.
pub const KEPLER_CHANNEL_GROUP_A: u32 = 0xA06C;
/// `FERMI_CONTEXT_SHARE_A`: a subcontext (parent: TSG).
pub const FERMI_CONTEXT_SHARE_A: u32 = 0x9067;
/// `MPS_COMPUTE`.
pub const MPS_COMPUTE: u32 = 0x900E;

// Channel (GPFIFO / host) classes.

/// `VOLTA_CHANNEL_GPFIFO_A`.
pub const VOLTA_CHANNEL_GPFIFO_A: u32 = 0xC36F;
/// `TURING_CHANNEL_GPFIFO_A`.
pub const TURING_CHANNEL_GPFIFO_A: u32 = 0xC46F;
/// `AMPERE_CHANNEL_GPFIFO_A`.
pub const AMPERE_CHANNEL_GPFIFO_A: u32 = 0xC56F;
/// `HOPPER_CHANNEL_GPFIFO_A`.
pub const HOPPER_CHANNEL_GPFIFO_A: u32 = 0xC86F;
/// `BLACKWELL_CHANNEL_GPFIFO_A`.
pub const BLACKWELL_CHANNEL_GPFIFO_A: u32 = 0xC96F;
/// `BLACKWELL_CHANNEL_GPFIFO_B`.
pub const BLACKWELL_CHANNEL_GPFIFO_B: u32 = 0xCA6F;

// Compute classes.

/// `VOLTA_COMPUTE_A` (not allocatable with the open kernel modules, which
/// support Turing and later).
pub const VOLTA_COMPUTE_A: u32 = 0xC3C0;
/// `TURING_COMPUTE_A`.
pub const TURING_COMPUTE_A: u32 = 0xC5C0;
/// `AMPERE_COMPUTE_A`.
pub const AMPERE_COMPUTE_A: u32 = 0xC6C0;
/// `AMPERE_COMPUTE_B`.
pub const AMPERE_COMPUTE_B: u32 = 0xC7C0;
/// `ADA_COMPUTE_A`.
pub const ADA_COMPUTE_A: u32 = 0xC9C0;
/// `HOPPER_COMPUTE_A`.
pub const HOPPER_COMPUTE_A: u32 = 0xCBC0;
/// `BLACKWELL_COMPUTE_A`.
pub const BLACKWELL_COMPUTE_A: u32 = 0xCDC0;
/// `BLACKWELL_COMPUTE_B`.
pub const BLACKWELL_COMPUTE_B: u32 = 0xCEC0;

// Copy-engine classes.

/// `TURING_DMA_COPY_A`.
pub const TURING_DMA_COPY_A: u32 = 0xC5B5;
/// `AMPERE_DMA_COPY_A`.
pub const AMPERE_DMA_COPY_A: u32 = 0xC6B5;
/// `AMPERE_DMA_COPY_B`.
pub const AMPERE_DMA_COPY_B: u32 = 0xC7B5;
/// `HOPPER_DMA_COPY_A`.
pub const HOPPER_DMA_COPY_A: u32 = 0xC8B5;
/// `BLACKWELL_DMA_COPY_A`.
pub const BLACKWELL_DMA_COPY_A: u32 = 0xC9B5;
/// `BLACKWELL_DMA_COPY_B`.
pub const BLACKWELL_DMA_COPY_B: u32 = 0xCAB5;

// USERMODE (doorbell page) classes, parent: subdevice.

/// `VOLTA_USERMODE_A`.
pub const VOLTA_USERMODE_A: u32 = 0xC361;
/// `TURING_USERMODE_A`.
pub const TURING_USERMODE_A: u32 = 0xC461;
/// `AMPERE_USERMODE_A`.
pub const AMPERE_USERMODE_A: u32 = 0xC561;
/// `HOPPER_USERMODE_A`.
pub const HOPPER_USERMODE_A: u32 = 0xC661;
/// `BLACKWELL_USERMODE_A`.
pub const BLACKWELL_USERMODE_A: u32 = 0xC761;

// MIG.

/// `AMPERE_SMC_PARTITION_REF` (GPU instance subscription).
pub const AMPERE_SMC_PARTITION_REF: u32 = 0xC637;
/// `AMPERE_SMC_EXEC_PARTITION_REF` (compute instance subscription).
pub const AMPERE_SMC_EXEC_PARTITION_REF: u32 = 0xC638;

/// Whether `class` is one of the root (client) classes.
pub const fn is_root_class(class: u32) -> bool {
    matches!(class, NV01_ROOT | NV01_ROOT_NON_PRIV | NV01_ROOT_CLIENT)
}

/// Whether `class` is a channel (GPFIFO) class of Volta or later.
pub const fn is_channel_gpfifo_class(class: u32) -> bool {
    matches!(
        class,
        VOLTA_CHANNEL_GPFIFO_A
            | TURING_CHANNEL_GPFIFO_A
            | AMPERE_CHANNEL_GPFIFO_A
            | HOPPER_CHANNEL_GPFIFO_A
            | BLACKWELL_CHANNEL_GPFIFO_A
            | BLACKWELL_CHANNEL_GPFIFO_B
    )
}

/// Whether `class` is a compute class.
pub const fn is_compute_class(class: u32) -> bool {
    matches!(
        class,
        VOLTA_COMPUTE_A
            | TURING_COMPUTE_A
            | AMPERE_COMPUTE_A
            | AMPERE_COMPUTE_B
            | ADA_COMPUTE_A
            | HOPPER_COMPUTE_A
            | BLACKWELL_COMPUTE_A
            | BLACKWELL_COMPUTE_B
    )
}

/// Whether `class` is a copy-engine class.
pub const fn is_copy_class(class: u32) -> bool {
    matches!(
        class,
        TURING_DMA_COPY_A
            | AMPERE_DMA_COPY_A
            | AMPERE_DMA_COPY_B
            | HOPPER_DMA_COPY_A
            | BLACKWELL_DMA_COPY_A
            | BLACKWELL_DMA_COPY_B
    )
}

/// Whether `class` is a USERMODE (doorbell) class.
pub const fn is_usermode_class(class: u32) -> bool {
    matches!(
        class,
        VOLTA_USERMODE_A
            | TURING_USERMODE_A
            | AMPERE_USERMODE_A
            | HOPPER_USERMODE_A
            | BLACKWELL_USERMODE_A
    )
}

/// Whether `class` is a memory class whose objects count toward a process's
/// video memory in RM's per-PID accounting (reference §7).
pub const fn is_vidmem_accounted_class(class: u32) -> bool {
    matches!(
        class,
        NV01_MEMORY_LOCAL_USER | NV01_MEMORY_LIST_FBMEM | NV01_MEMORY_LIST_OBJECT
    )
}
