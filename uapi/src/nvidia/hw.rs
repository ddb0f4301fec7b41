//! What user space shares with the GPU on Volta and later (reference §3.4):
//! the USERD control area, the USERMODE doorbell, GPFIFO entries,
//! pushbuffer method headers, the host class's semaphore methods, the
//! copy-engine methods of a 1-D copy, and one **mock-only** method.
//!
//! Values come from NVIDIA's public class headers (`clc56f.h`, `clc86f.h`,
//! `clc361.h`, `clc6b5.h`, `clc7b5.h`, `clc8b5.h`) and the Ampere
//! `dev_pbdma.ref` manual. Method offsets are byte offsets as in the class
//! headers; a method header carries them divided by 4.
//!
//! Everything here is pure encode/decode on integers.

use super::BitField;

// ===========================================================================
// USERD (per channel, 512 bytes; `Nvc56fControl`/`Nvc86fControl`).

/// `NV_RAMUSERD_BASE_SHIFT`: USERD blocks are 512-byte aligned.
pub const NV_RAMUSERD_BASE_SHIFT: u32 = 9;
/// Size of one channel's USERD.
pub const NV_RAMUSERD_SIZE: usize = 1 << NV_RAMUSERD_BASE_SHIFT;
/// USERD `Put`: pushbuffer put offset (legacy, non-GPFIFO).
pub const NVC56F_USERD_PUT: usize = 0x40;
/// USERD `Get` (read-only).
pub const NVC56F_USERD_GET: usize = 0x44;
/// USERD `Reference`: the value of the last `SET_REFERENCE` (read-only).
pub const NVC56F_USERD_REFERENCE: usize = 0x48;
/// USERD `PutHi`.
pub const NVC56F_USERD_PUT_HI: usize = 0x4C;
/// USERD `TopLevelGet` (read-only).
pub const NVC56F_USERD_TOP_LEVEL_GET: usize = 0x58;
/// USERD `TopLevelGetHi` (read-only).
pub const NVC56F_USERD_TOP_LEVEL_GET_HI: usize = 0x5C;
/// USERD `GetHi` (read-only).
pub const NVC56F_USERD_GET_HI: usize = 0x60;
/// USERD `GPGet`: index of the next GPFIFO entry the GPU will fetch
/// (read-only for software).
pub const NVC56F_USERD_GP_GET: usize = 0x88;
/// USERD `GPPut`: index one past the last GPFIFO entry software queued.
pub const NVC56F_USERD_GP_PUT: usize = 0x8C;

// ===========================================================================
// USERMODE (the doorbell page, `VOLTA_USERMODE_A` and later).

/// `NVC361_NV_USERMODE__SIZE`: size of the mapped USERMODE region.
pub const NVC361_NV_USERMODE__SIZE: usize = 65536;
/// `NVC361_TIME_0`: GPU timer, low word (ns).
pub const NVC361_TIME_0: usize = 0x80;
/// `NVC361_TIME_1`: GPU timer, high word.
pub const NVC361_TIME_1: usize = 0x84;
/// `NVC361_NOTIFY_CHANNEL_PENDING`: write a channel's work submit token
/// here (after updating GPPut) to make the GPU fetch its GPFIFO.
pub const NVC361_NOTIFY_CHANNEL_PENDING: usize = 0x90;

// ===========================================================================
// GPFIFO entries (8 bytes: entry0 at the lower address, then entry1).

/// `NVC56F_GP_ENTRY__SIZE`.
pub const NVC56F_GP_ENTRY__SIZE: usize = 8;
/// `NVC56F_GP_ENTRY0_FETCH` 0:0 (0 = unconditional).
pub const NVC56F_GP_ENTRY0_FETCH: BitField = BitField::new(0, 0);
/// `NVC56F_GP_ENTRY0_FETCH_CONDITIONAL`.
pub const NVC56F_GP_ENTRY0_FETCH_CONDITIONAL: u32 = 1;
/// `NVC56F_GP_ENTRY0_GET` 31:2: pushbuffer address bits 31:2.
pub const NVC56F_GP_ENTRY0_GET: BitField = BitField::new(31, 2);
/// `NVC56F_GP_ENTRY1_GET_HI` 7:0: pushbuffer address bits 39:32.
pub const NVC56F_GP_ENTRY1_GET_HI: BitField = BitField::new(7, 0);
/// `NVC56F_GP_ENTRY1_LEVEL` 9:9.
pub const NVC56F_GP_ENTRY1_LEVEL: BitField = BitField::new(9, 9);
/// `NVC56F_GP_ENTRY1_LEVEL_MAIN`.
pub const NVC56F_GP_ENTRY1_LEVEL_MAIN: u32 = 0;
/// `NVC56F_GP_ENTRY1_LEVEL_SUBROUTINE`.
pub const NVC56F_GP_ENTRY1_LEVEL_SUBROUTINE: u32 = 1;
/// `NVC56F_GP_ENTRY1_LENGTH` 30:10: pushbuffer length in dwords; 0 makes
/// the entry a control entry.
pub const NVC56F_GP_ENTRY1_LENGTH: BitField = BitField::new(30, 10);
/// `NVC56F_GP_ENTRY1_SYNC` 31:31.
pub const NVC56F_GP_ENTRY1_SYNC: BitField = BitField::new(31, 31);
/// `NVC56F_GP_ENTRY1_SYNC_PROCEED`.
pub const NVC56F_GP_ENTRY1_SYNC_PROCEED: u32 = 0;
/// `NVC56F_GP_ENTRY1_SYNC_WAIT`: wait for the previous segment's engine
/// work to finish before fetching.
pub const NVC56F_GP_ENTRY1_SYNC_WAIT: u32 = 1;
/// `NVC56F_GP_ENTRY1_OPCODE` 7:0 (control entries only).
pub const NVC56F_GP_ENTRY1_OPCODE: BitField = BitField::new(7, 0);
/// `NVC56F_GP_ENTRY1_OPCODE_NOP`.
pub const NVC56F_GP_ENTRY1_OPCODE_NOP: u32 = 0;
/// `NVC56F_GP_ENTRY1_OPCODE_ILLEGAL`.
pub const NVC56F_GP_ENTRY1_OPCODE_ILLEGAL: u32 = 1;
/// `NVC56F_GP_ENTRY1_OPCODE_GP_CRC`.
pub const NVC56F_GP_ENTRY1_OPCODE_GP_CRC: u32 = 2;
/// `NVC56F_GP_ENTRY1_OPCODE_PB_CRC`.
pub const NVC56F_GP_ENTRY1_OPCODE_PB_CRC: u32 = 3;

/// Largest pushbuffer segment length of one GPFIFO entry, in dwords.
pub const GP_ENTRY_MAX_LENGTH: u32 = 0x1F_FFFF;
/// Largest pushbuffer address a GPFIFO entry can hold (40 bits).
pub const GP_ENTRY_MAX_ADDRESS: u64 = (1 << 40) - 1;

/// A GPFIFO entry pointing at a pushbuffer segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GpEntry {
    /// GPU VA of the segment (4-byte aligned, below 2^40).
    pub address: u64,
    /// Length in dwords (1..=`GP_ENTRY_MAX_LENGTH`).
    pub length: u32,
    /// LEVEL_SUBROUTINE instead of MAIN.
    pub subroutine: bool,
    /// SYNC_WAIT instead of SYNC_PROCEED.
    pub sync_wait: bool,
    /// FETCH_CONDITIONAL instead of unconditional.
    pub conditional_fetch: bool,
}

/// A decoded GPFIFO entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpEntryKind {
    /// A pushbuffer segment.
    Pushbuffer(GpEntry),
    /// A control entry (LENGTH == 0): `NVC56F_GP_ENTRY1_OPCODE_*` and its
    /// operand (entry0).
    Control {
        /// The opcode.
        opcode: u32,
        /// Entry0 as a whole.
        operand: u32,
    },
}

impl GpEntry {
    /// The two words of the entry, or `None` if the address is misaligned
    /// or too large or the length is 0 or too large.
    pub const fn encode(self) -> Option<[u32; 2]> {
        if self.address & 3 != 0 || self.address > GP_ENTRY_MAX_ADDRESS {
            return None;
        }
        if self.length == 0 || self.length > GP_ENTRY_MAX_LENGTH {
            return None;
        }
        let entry0 = NVC56F_GP_ENTRY0_GET.num((self.address as u32) >> 2)
            | NVC56F_GP_ENTRY0_FETCH.num(self.conditional_fetch as u32);
        let entry1 = NVC56F_GP_ENTRY1_GET_HI.num((self.address >> 32) as u32)
            | NVC56F_GP_ENTRY1_LEVEL.num(self.subroutine as u32)
            | NVC56F_GP_ENTRY1_LENGTH.num(self.length)
            | NVC56F_GP_ENTRY1_SYNC.num(self.sync_wait as u32);
        Some([entry0, entry1])
    }

    /// The entry as one little-endian 64-bit value (entry0 in the low half).
    pub const fn encode_u64(self) -> Option<u64> {
        match self.encode() {
            Some([e0, e1]) => Some(e0 as u64 | (e1 as u64) << 32),
            None => None,
        }
    }

    /// Decode the two words of an entry.
    pub const fn decode(words: [u32; 2]) -> GpEntryKind {
        let [entry0, entry1] = words;
        let length = NVC56F_GP_ENTRY1_LENGTH.get(entry1);
        if length == 0 {
            return GpEntryKind::Control {
                opcode: NVC56F_GP_ENTRY1_OPCODE.get(entry1),
                operand: entry0,
            };
        }
        let address = ((NVC56F_GP_ENTRY1_GET_HI.get(entry1) as u64) << 32)
            | ((NVC56F_GP_ENTRY0_GET.get(entry0) as u64) << 2);
        GpEntryKind::Pushbuffer(GpEntry {
            address,
            length,
            subroutine: NVC56F_GP_ENTRY1_LEVEL.get(entry1) == NVC56F_GP_ENTRY1_LEVEL_SUBROUTINE,
            sync_wait: NVC56F_GP_ENTRY1_SYNC.get(entry1) == NVC56F_GP_ENTRY1_SYNC_WAIT,
            conditional_fetch: NVC56F_GP_ENTRY0_FETCH.get(entry0)
                == NVC56F_GP_ENTRY0_FETCH_CONDITIONAL,
        })
    }

    /// Decode an entry read as one little-endian 64-bit value.
    pub const fn decode_u64(value: u64) -> GpEntryKind {
        Self::decode([value as u32, (value >> 32) as u32])
    }
}

/// A NOP control entry.
pub const fn gp_entry_nop() -> [u32; 2] {
    [0, NVC56F_GP_ENTRY1_OPCODE.num(NVC56F_GP_ENTRY1_OPCODE_NOP)]
}

// ===========================================================================
// Pushbuffer method headers (Volta+ `NVC56F_DMA_*`).

/// `NVC56F_DMA_METHOD_ADDRESS` 11:0: method byte offset / 4.
pub const NVC56F_DMA_METHOD_ADDRESS: BitField = BitField::new(11, 0);
/// `NVC56F_DMA_METHOD_SUBCHANNEL` 15:13.
pub const NVC56F_DMA_METHOD_SUBCHANNEL: BitField = BitField::new(15, 13);
/// `NVC56F_DMA_TERT_OP` 17:16 (only with SEC_OP GRP0/GRP2).
pub const NVC56F_DMA_TERT_OP: BitField = BitField::new(17, 16);
/// `NVC56F_DMA_METHOD_COUNT` 28:16: number of data dwords that follow.
pub const NVC56F_DMA_METHOD_COUNT: BitField = BitField::new(28, 16);
/// `NVC56F_DMA_IMMD_DATA` 28:16: the data of an immediate-data header.
pub const NVC56F_DMA_IMMD_DATA: BitField = BitField::new(28, 16);
/// `NVC56F_DMA_SEC_OP` 31:29: the header's form.
pub const NVC56F_DMA_SEC_OP: BitField = BitField::new(31, 29);
/// `NVC56F_DMA_SEC_OP_GRP0_USE_TERT` (legacy forms and subdevice masks).
pub const NVC56F_DMA_SEC_OP_GRP0_USE_TERT: u32 = 0;
/// `NVC56F_DMA_SEC_OP_INC_METHOD`: data dword i goes to method + 4i.
pub const NVC56F_DMA_SEC_OP_INC_METHOD: u32 = 1;
/// `NVC56F_DMA_SEC_OP_GRP2_USE_TERT`.
pub const NVC56F_DMA_SEC_OP_GRP2_USE_TERT: u32 = 2;
/// `NVC56F_DMA_SEC_OP_NON_INC_METHOD`: every data dword goes to method.
pub const NVC56F_DMA_SEC_OP_NON_INC_METHOD: u32 = 3;
/// `NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD`: 13-bit data in the header itself.
pub const NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD: u32 = 4;
/// `NVC56F_DMA_SEC_OP_ONE_INC`: first dword to method, the rest to method + 4.
pub const NVC56F_DMA_SEC_OP_ONE_INC: u32 = 5;
/// `NVC56F_DMA_SEC_OP_RESERVED6`.
pub const NVC56F_DMA_SEC_OP_RESERVED6: u32 = 6;
/// `NVC56F_DMA_SEC_OP_END_PB_SEGMENT`.
pub const NVC56F_DMA_SEC_OP_END_PB_SEGMENT: u32 = 7;
/// `NVC56F_DMA_NOP`: an all-zero header is a NOP.
pub const NVC56F_DMA_NOP: u32 = 0;

/// `NVC56F_NUMBER_OF_SUBCHANNELS`.
pub const NVC56F_NUMBER_OF_SUBCHANNELS: u32 = 8;
/// Methods below this byte offset are Host methods (executed by the
/// channel itself, on any subchannel); 0x100 and above go to the engine
/// bound to the subchannel.
pub const NV_HOST_METHOD_LIMIT: u32 = 0x100;
/// Largest method byte offset a header can address.
pub const NV_METHOD_MAX: u32 = 0x3FFC;
/// Largest count (or immediate data) of a header.
pub const NV_METHOD_COUNT_MAX: u32 = 0x1FFF;

/// The four method-header forms of Volta and later.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodOp {
    /// `INC_METHOD`: consecutive methods.
    Incrementing = NVC56F_DMA_SEC_OP_INC_METHOD,
    /// `NON_INC_METHOD`: the same method repeatedly.
    NonIncrementing = NVC56F_DMA_SEC_OP_NON_INC_METHOD,
    /// `IMMD_DATA_METHOD`: one method, data in the header.
    Immediate = NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD,
    /// `ONE_INC`: the method, then the next method repeatedly.
    IncrementOnce = NVC56F_DMA_SEC_OP_ONE_INC,
}

/// A method header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodHeader {
    /// The form.
    pub op: MethodOp,
    /// Subchannel 0..=7.
    pub subchannel: u32,
    /// First method, as a byte offset (4-aligned, ≤ `NV_METHOD_MAX`).
    pub method: u32,
    /// Number of data dwords that follow, or for `Immediate` the data
    /// itself (≤ `NV_METHOD_COUNT_MAX`).
    pub count: u32,
}

/// A decoded pushbuffer header dword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PbHeader {
    /// A method header.
    Method(MethodHeader),
    /// An all-zero dword.
    Nop,
    /// `END_PB_SEGMENT`: the rest of the segment is ignored.
    EndSegment,
    /// Anything else (legacy GRP0/GRP2 forms, subdevice masks, reserved).
    Unsupported(u32),
}

impl MethodHeader {
    /// The header dword, or `None` if a field is out of range.
    pub const fn encode(self) -> Option<u32> {
        if self.subchannel >= NVC56F_NUMBER_OF_SUBCHANNELS
            || self.method & 3 != 0
            || self.method > NV_METHOD_MAX
            || self.count > NV_METHOD_COUNT_MAX
        {
            return None;
        }
        Some(
            NVC56F_DMA_SEC_OP.num(self.op as u32)
                | NVC56F_DMA_METHOD_COUNT.num(self.count)
                | NVC56F_DMA_METHOD_SUBCHANNEL.num(self.subchannel)
                | NVC56F_DMA_METHOD_ADDRESS.num(self.method >> 2),
        )
    }

    /// Decode a header dword.
    pub const fn decode(word: u32) -> PbHeader {
        let op = match NVC56F_DMA_SEC_OP.get(word) {
            NVC56F_DMA_SEC_OP_INC_METHOD => MethodOp::Incrementing,
            NVC56F_DMA_SEC_OP_NON_INC_METHOD => MethodOp::NonIncrementing,
            NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD => MethodOp::Immediate,
            NVC56F_DMA_SEC_OP_ONE_INC => MethodOp::IncrementOnce,
            NVC56F_DMA_SEC_OP_END_PB_SEGMENT => return PbHeader::EndSegment,
            _ => {
                return if word == NVC56F_DMA_NOP {
                    PbHeader::Nop
                } else {
                    PbHeader::Unsupported(word)
                }
            }
        };
        PbHeader::Method(MethodHeader {
            op,
            subchannel: NVC56F_DMA_METHOD_SUBCHANNEL.get(word),
            method: NVC56F_DMA_METHOD_ADDRESS.get(word) << 2,
            count: NVC56F_DMA_METHOD_COUNT.get(word),
        })
    }

    /// Number of data dwords following the header in the pushbuffer.
    pub const fn data_dwords(self) -> u32 {
        match self.op {
            MethodOp::Immediate => 0,
            _ => self.count,
        }
    }

    /// The method (byte offset) data dword `i` is written to.
    pub const fn method_for(self, i: u32) -> u32 {
        match self.op {
            MethodOp::Incrementing => self.method.wrapping_add(i.wrapping_mul(4)),
            MethodOp::NonIncrementing | MethodOp::Immediate => self.method,
            MethodOp::IncrementOnce => {
                if i == 0 {
                    self.method
                } else {
                    self.method.wrapping_add(4)
                }
            }
        }
    }

    /// Whether the header addresses Host methods.
    pub const fn is_host_method(self) -> bool {
        self.method < NV_HOST_METHOD_LIMIT
    }
}

// ===========================================================================
// Host class methods (AMPERE_CHANNEL_GPFIFO_A; HOPPER/BLACKWELL keep the
// offsets of everything below except the Ampere-only SEMAPHOREA..D).

/// `NVC56F_SET_OBJECT`: bind a class to the subchannel.
pub const NVC56F_SET_OBJECT: u32 = 0x0000;
/// `NVC56F_SET_OBJECT_NVCLASS` 15:0.
pub const NVC56F_SET_OBJECT_NVCLASS: BitField = BitField::new(15, 0);
/// `NVC56F_SET_OBJECT_ENGINE` 20:16.
pub const NVC56F_SET_OBJECT_ENGINE: BitField = BitField::new(20, 16);
/// `NVC56F_ILLEGAL`.
pub const NVC56F_ILLEGAL: u32 = 0x0004;
/// `NVC56F_NOP`.
pub const NVC56F_NOP: u32 = 0x0008;
/// `NVC56F_NON_STALL_INTERRUPT`.
pub const NVC56F_NON_STALL_INTERRUPT: u32 = 0x0020;
/// `NVC56F_MEM_OP_A`.
pub const NVC56F_MEM_OP_A: u32 = 0x0028;
/// `NVC56F_MEM_OP_B`.
pub const NVC56F_MEM_OP_B: u32 = 0x002C;
/// `NVC56F_MEM_OP_C`.
pub const NVC56F_MEM_OP_C: u32 = 0x0030;
/// `NVC56F_MEM_OP_D`.
pub const NVC56F_MEM_OP_D: u32 = 0x0034;
/// `NVC56F_SET_REFERENCE`: value appears in USERD `Reference`.
pub const NVC56F_SET_REFERENCE: u32 = 0x0050;
/// `NVC56F_SEM_ADDR_LO`: semaphore GPU VA bits 31:2 (field 31:2).
pub const NVC56F_SEM_ADDR_LO: u32 = 0x005C;
/// `NVC56F_SEM_ADDR_LO_OFFSET` 31:2.
pub const NVC56F_SEM_ADDR_LO_OFFSET: BitField = BitField::new(31, 2);
/// `NVC56F_SEM_ADDR_HI`: semaphore GPU VA high bits.
pub const NVC56F_SEM_ADDR_HI: u32 = 0x0060;
/// `NVC56F_SEM_ADDR_HI_OFFSET` 7:0 (Ampere: VA bits 39:32).
pub const NVC56F_SEM_ADDR_HI_OFFSET: BitField = BitField::new(7, 0);
/// `NVC86F_SEM_ADDR_HI_OFFSET` 24:0 (Hopper+: VA bits 56:32).
pub const NVC86F_SEM_ADDR_HI_OFFSET: BitField = BitField::new(24, 0);
/// `NVC56F_SEM_PAYLOAD_LO`.
pub const NVC56F_SEM_PAYLOAD_LO: u32 = 0x0064;
/// `NVC56F_SEM_PAYLOAD_HI` (64-bit payloads).
pub const NVC56F_SEM_PAYLOAD_HI: u32 = 0x0068;
/// `NVC56F_SEM_EXECUTE`: performs the semaphore operation.
pub const NVC56F_SEM_EXECUTE: u32 = 0x006C;
/// `NVC56F_SEM_EXECUTE_OPERATION` 2:0.
pub const NVC56F_SEM_EXECUTE_OPERATION: BitField = BitField::new(2, 0);
/// `NVC56F_SEM_EXECUTE_OPERATION_ACQUIRE`: wait until value == payload.
pub const NVC56F_SEM_EXECUTE_OPERATION_ACQUIRE: u32 = 0;
/// `NVC56F_SEM_EXECUTE_OPERATION_RELEASE`: write payload.
pub const NVC56F_SEM_EXECUTE_OPERATION_RELEASE: u32 = 1;
/// `NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ`.
pub const NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ: u32 = 2;
/// `NVC56F_SEM_EXECUTE_OPERATION_ACQ_CIRC_GEQ`.
pub const NVC56F_SEM_EXECUTE_OPERATION_ACQ_CIRC_GEQ: u32 = 3;
/// `NVC56F_SEM_EXECUTE_OPERATION_ACQ_AND`.
pub const NVC56F_SEM_EXECUTE_OPERATION_ACQ_AND: u32 = 4;
/// `NVC56F_SEM_EXECUTE_OPERATION_ACQ_NOR`.
pub const NVC56F_SEM_EXECUTE_OPERATION_ACQ_NOR: u32 = 5;
/// `NVC56F_SEM_EXECUTE_OPERATION_REDUCTION`.
pub const NVC56F_SEM_EXECUTE_OPERATION_REDUCTION: u32 = 6;
/// `NVC56F_SEM_EXECUTE_ACQUIRE_SWITCH_TSG` 12:12.
pub const NVC56F_SEM_EXECUTE_ACQUIRE_SWITCH_TSG: BitField = BitField::new(12, 12);
/// `NVC56F_SEM_EXECUTE_RELEASE_WFI` 20:20.
pub const NVC56F_SEM_EXECUTE_RELEASE_WFI: BitField = BitField::new(20, 20);
/// `NVC56F_SEM_EXECUTE_RELEASE_WFI_DIS`.
pub const NVC56F_SEM_EXECUTE_RELEASE_WFI_DIS: u32 = 0;
/// `NVC56F_SEM_EXECUTE_RELEASE_WFI_EN`.
pub const NVC56F_SEM_EXECUTE_RELEASE_WFI_EN: u32 = 1;
/// `NVC56F_SEM_EXECUTE_PAYLOAD_SIZE` 24:24.
pub const NVC56F_SEM_EXECUTE_PAYLOAD_SIZE: BitField = BitField::new(24, 24);
/// `NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_32BIT`.
pub const NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_32BIT: u32 = 0;
/// `NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_64BIT`.
pub const NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_64BIT: u32 = 1;
/// `NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP` 25:25: also write the GPU time
/// (16-byte semaphore: payload, then the 64-bit timestamp at +8).
pub const NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP: BitField = BitField::new(25, 25);
/// `NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_DIS`.
pub const NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_DIS: u32 = 0;
/// `NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_EN`.
pub const NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP_EN: u32 = 1;
/// `NVC56F_SEM_EXECUTE_REDUCTION` 30:27.
pub const NVC56F_SEM_EXECUTE_REDUCTION: BitField = BitField::new(30, 27);
/// `NVC56F_WFI`: wait for the engine to idle.
pub const NVC56F_WFI: u32 = 0x0078;
/// `NVC56F_YIELD`.
pub const NVC56F_YIELD: u32 = 0x0080;
/// `NVC56F_CLEAR_FAULTED`.
pub const NVC56F_CLEAR_FAULTED: u32 = 0x0084;

/// The fields of a `SEM_EXECUTE` data word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SemExecute {
    /// `NVC56F_SEM_EXECUTE_OPERATION_*`.
    pub operation: u32,
    /// Switch TSG while an acquire waits.
    pub acquire_switch_tsg: bool,
    /// Wait for idle before a release.
    pub release_wfi: bool,
    /// 64-bit payload (SEM_PAYLOAD_HI:LO) instead of 32-bit.
    pub payload_64bit: bool,
    /// Write the timestamp after the payload.
    pub release_timestamp: bool,
    /// `NVC56F_SEM_EXECUTE_REDUCTION` (with OPERATION_REDUCTION).
    pub reduction: u32,
}

impl SemExecute {
    /// The data word, or `None` if `operation` or `reduction` is out of range.
    pub const fn encode(self) -> Option<u32> {
        if !NVC56F_SEM_EXECUTE_OPERATION.fits(self.operation)
            || !NVC56F_SEM_EXECUTE_REDUCTION.fits(self.reduction)
        {
            return None;
        }
        Some(
            NVC56F_SEM_EXECUTE_OPERATION.num(self.operation)
                | NVC56F_SEM_EXECUTE_ACQUIRE_SWITCH_TSG.num(self.acquire_switch_tsg as u32)
                | NVC56F_SEM_EXECUTE_RELEASE_WFI.num(self.release_wfi as u32)
                | NVC56F_SEM_EXECUTE_PAYLOAD_SIZE.num(self.payload_64bit as u32)
                | NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP.num(self.release_timestamp as u32)
                | NVC56F_SEM_EXECUTE_REDUCTION.num(self.reduction),
        )
    }

    /// Decode a data word (bits outside the known fields are ignored).
    pub const fn decode(word: u32) -> Self {
        Self {
            operation: NVC56F_SEM_EXECUTE_OPERATION.get(word),
            acquire_switch_tsg: NVC56F_SEM_EXECUTE_ACQUIRE_SWITCH_TSG.get(word) != 0,
            release_wfi: NVC56F_SEM_EXECUTE_RELEASE_WFI.get(word) != 0,
            payload_64bit: NVC56F_SEM_EXECUTE_PAYLOAD_SIZE.get(word) != 0,
            release_timestamp: NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP.get(word) != 0,
            reduction: NVC56F_SEM_EXECUTE_REDUCTION.get(word),
        }
    }
}

/// The semaphore VA from the `SEM_ADDR_LO`/`SEM_ADDR_HI` data words
/// (Hopper's wider HI field; Ampere's upper bits are zero).
pub const fn sem_address(addr_lo: u32, addr_hi: u32) -> u64 {
    ((NVC86F_SEM_ADDR_HI_OFFSET.get(addr_hi) as u64) << 32)
        | ((NVC56F_SEM_ADDR_LO_OFFSET.get(addr_lo) as u64) << 2)
}

// ===========================================================================
// Copy-engine methods (AMPERE_DMA_COPY_A/B, HOPPER_DMA_COPY_A share these
// offsets).

/// `NVC6B5_NOP`.
pub const NVC6B5_NOP: u32 = 0x0100;
/// `NVC6B5_SET_SEMAPHORE_A`: semaphore VA, upper bits.
pub const NVC6B5_SET_SEMAPHORE_A: u32 = 0x0240;
/// `NVC6B5_SET_SEMAPHORE_A_UPPER` 16:0 (Ampere); Hopper: 24:0.
pub const NVC6B5_SET_SEMAPHORE_A_UPPER: BitField = BitField::new(16, 0);
/// `NVC8B5_SET_SEMAPHORE_A_UPPER` 24:0.
pub const NVC8B5_SET_SEMAPHORE_A_UPPER: BitField = BitField::new(24, 0);
/// `NVC6B5_SET_SEMAPHORE_B`: semaphore VA, lower 32 bits.
pub const NVC6B5_SET_SEMAPHORE_B: u32 = 0x0244;
/// `NVC6B5_SET_SEMAPHORE_PAYLOAD`: payload (low word).
pub const NVC6B5_SET_SEMAPHORE_PAYLOAD: u32 = 0x0248;
/// `NVC7B5_SET_SEMAPHORE_PAYLOAD_UPPER`: payload high word (C7B5+).
pub const NVC7B5_SET_SEMAPHORE_PAYLOAD_UPPER: u32 = 0x024C;
/// `NVC6B5_SET_SRC_PHYS_MODE`.
pub const NVC6B5_SET_SRC_PHYS_MODE: u32 = 0x0260;
/// `NVC6B5_SET_DST_PHYS_MODE`.
pub const NVC6B5_SET_DST_PHYS_MODE: u32 = 0x0264;
/// `NVC6B5_LAUNCH_DMA`: starts the copy described by the methods below.
pub const NVC6B5_LAUNCH_DMA: u32 = 0x0300;
/// `NVC6B5_OFFSET_IN_UPPER`: source VA, upper bits (16:0; Hopper 24:0).
pub const NVC6B5_OFFSET_IN_UPPER: u32 = 0x0400;
/// `NVC6B5_OFFSET_IN_LOWER`: source VA, lower 32 bits.
pub const NVC6B5_OFFSET_IN_LOWER: u32 = 0x0404;
/// `NVC6B5_OFFSET_OUT_UPPER`: destination VA, upper bits.
pub const NVC6B5_OFFSET_OUT_UPPER: u32 = 0x0408;
/// `NVC6B5_OFFSET_OUT_LOWER`: destination VA, lower 32 bits.
pub const NVC6B5_OFFSET_OUT_LOWER: u32 = 0x040C;
/// `NVC6B5_PITCH_IN`.
pub const NVC6B5_PITCH_IN: u32 = 0x0410;
/// `NVC6B5_PITCH_OUT`.
pub const NVC6B5_PITCH_OUT: u32 = 0x0414;
/// `NVC6B5_LINE_LENGTH_IN`: bytes per line (a 1-D copy is one line).
pub const NVC6B5_LINE_LENGTH_IN: u32 = 0x0418;
/// `NVC6B5_LINE_COUNT`: number of lines (with MULTI_LINE_ENABLE).
pub const NVC6B5_LINE_COUNT: u32 = 0x041C;
/// `NVC6B5_OFFSET_IN_UPPER_UPPER` 16:0.
pub const NVC6B5_OFFSET_IN_UPPER_UPPER: BitField = BitField::new(16, 0);
/// `NVC8B5_OFFSET_IN_UPPER_UPPER` 24:0.
pub const NVC8B5_OFFSET_IN_UPPER_UPPER: BitField = BitField::new(24, 0);

/// `NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE` 1:0.
pub const NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE: BitField = BitField::new(1, 0);
/// `NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NONE` (semaphore only).
pub const NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NONE: u32 = 0;
/// `NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_PIPELINED`.
pub const NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_PIPELINED: u32 = 1;
/// `NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NON_PIPELINED`.
pub const NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NON_PIPELINED: u32 = 2;
/// `NVC6B5_LAUNCH_DMA_FLUSH_ENABLE` 2:2.
pub const NVC6B5_LAUNCH_DMA_FLUSH_ENABLE: BitField = BitField::new(2, 2);
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE` 4:3.
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE: BitField = BitField::new(4, 3);
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_NONE`.
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_NONE: u32 = 0;
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_ONE_WORD_SEMAPHORE` (C7B5+
/// name: `RELEASE_SEMAPHORE_NO_TIMESTAMP`).
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_ONE_WORD_SEMAPHORE: u32 = 1;
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_FOUR_WORD_SEMAPHORE` (C7B5+
/// name: `RELEASE_SEMAPHORE_WITH_TIMESTAMP`).
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_FOUR_WORD_SEMAPHORE: u32 = 2;
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_CONDITIONAL_INTR_SEMAPHORE`.
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_CONDITIONAL_INTR_SEMAPHORE: u32 = 3;
/// `NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE` 6:5.
pub const NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE: BitField = BitField::new(6, 5);
/// `NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT` 7:7 (0 = BLOCKLINEAR, 1 = PITCH).
pub const NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT: BitField = BitField::new(7, 7);
/// `NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT` 8:8.
pub const NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT: BitField = BitField::new(8, 8);
/// `NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT_PITCH`.
pub const NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT_PITCH: u32 = 1;
/// `NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH`.
pub const NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH: u32 = 1;
/// `NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE` 9:9.
pub const NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE: BitField = BitField::new(9, 9);
/// `NVC6B5_LAUNCH_DMA_REMAP_ENABLE` 10:10.
pub const NVC6B5_LAUNCH_DMA_REMAP_ENABLE: BitField = BitField::new(10, 10);
/// `NVC6B5_LAUNCH_DMA_SRC_TYPE` 12:12 (0 = VIRTUAL, 1 = PHYSICAL).
pub const NVC6B5_LAUNCH_DMA_SRC_TYPE: BitField = BitField::new(12, 12);
/// `NVC6B5_LAUNCH_DMA_DST_TYPE` 13:13.
pub const NVC6B5_LAUNCH_DMA_DST_TYPE: BitField = BitField::new(13, 13);
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION` 17:14.
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION: BitField = BitField::new(17, 14);
/// `NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION_ENABLE` 19:19.
pub const NVC6B5_LAUNCH_DMA_SEMAPHORE_REDUCTION_ENABLE: BitField = BitField::new(19, 19);
/// `NVC6B5_LAUNCH_DMA_FLUSH_TYPE` 25:25 (0 = SYS, 1 = GL).
pub const NVC6B5_LAUNCH_DMA_FLUSH_TYPE: BitField = BitField::new(25, 25);
/// `NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE` 27:27 (C7B5+; 1 = TWO_WORD,
/// a 64-bit payload).
pub const NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE: BitField = BitField::new(27, 27);

/// The fields of a `LAUNCH_DMA` data word a 1-D copy uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaunchDma {
    /// `NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_*`.
    pub data_transfer_type: u32,
    /// Flush before the semaphore release.
    pub flush_enable: bool,
    /// `NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_*`.
    pub semaphore_type: u32,
    /// `NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE` value.
    pub interrupt_type: u32,
    /// Source is pitch-linear (a 1-D copy sets both layouts to PITCH).
    pub src_pitch: bool,
    /// Destination is pitch-linear.
    pub dst_pitch: bool,
    /// LINE_COUNT lines instead of one.
    pub multi_line: bool,
    /// Source address is physical instead of virtual.
    pub src_physical: bool,
    /// Destination address is physical instead of virtual.
    pub dst_physical: bool,
    /// 64-bit semaphore payload (C7B5+).
    pub semaphore_payload_64bit: bool,
}

impl LaunchDma {
    /// The data word, or `None` if a multi-bit field is out of range.
    pub const fn encode(self) -> Option<u32> {
        if !NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE.fits(self.data_transfer_type)
            || !NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE.fits(self.semaphore_type)
            || !NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE.fits(self.interrupt_type)
        {
            return None;
        }
        Some(
            NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE.num(self.data_transfer_type)
                | NVC6B5_LAUNCH_DMA_FLUSH_ENABLE.num(self.flush_enable as u32)
                | NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE.num(self.semaphore_type)
                | NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE.num(self.interrupt_type)
                | NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT.num(self.src_pitch as u32)
                | NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT.num(self.dst_pitch as u32)
                | NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE.num(self.multi_line as u32)
                | NVC6B5_LAUNCH_DMA_SRC_TYPE.num(self.src_physical as u32)
                | NVC6B5_LAUNCH_DMA_DST_TYPE.num(self.dst_physical as u32)
                | NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE.num(self.semaphore_payload_64bit as u32),
        )
    }

    /// Decode a data word (other fields are ignored).
    pub const fn decode(word: u32) -> Self {
        Self {
            data_transfer_type: NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE.get(word),
            flush_enable: NVC6B5_LAUNCH_DMA_FLUSH_ENABLE.get(word) != 0,
            semaphore_type: NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE.get(word),
            interrupt_type: NVC6B5_LAUNCH_DMA_INTERRUPT_TYPE.get(word),
            src_pitch: NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT.get(word) != 0,
            dst_pitch: NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT.get(word) != 0,
            multi_line: NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE.get(word) != 0,
            src_physical: NVC6B5_LAUNCH_DMA_SRC_TYPE.get(word) != 0,
            dst_physical: NVC6B5_LAUNCH_DMA_DST_TYPE.get(word) != 0,
            semaphore_payload_64bit: NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE.get(word) != 0,
        }
    }
}

/// A 64-bit copy-engine address from its UPPER/LOWER method data (Hopper's
/// wider UPPER field; Ampere's extra bits are zero).
pub const fn ce_address(upper: u32, lower: u32) -> u64 {
    ((NVC8B5_OFFSET_IN_UPPER_UPPER.get(upper) as u64) << 32) | lower as u64
}

// ===========================================================================
// Mock-only method. NOT an NVIDIA method.
//
// The mock NVIDIA driver has no engines; to give tests GPU work with a known
// duration it implements one extra Host method pair in the range the Host
// manual reserves for future Host methods (below 0x100, above every Host
// method any public class header defines; the last real one is
// CLEAR_FAULTED at 0x84). Being Host methods they work on any subchannel.
// Write the duration in ns as LO then HI (one incrementing header with
// count 2); the HI write makes the channel "busy" for that long before it
// processes the next method. Never send these to real hardware.

/// Mock only: busy duration in ns, low 32 bits (latched).
pub const VGPU_MOCK_BUSY_NS_LO: u32 = 0x00F8;
/// Mock only: busy duration in ns, high 32 bits; writing it starts the
/// busy period of `HI << 32 | LO` ns.
pub const VGPU_MOCK_BUSY_NS_HI: u32 = 0x00FC;

/// The pushbuffer words (header and data) of a mock busy period of `ns`
/// nanoseconds on `subchannel`, or `None` for a bad subchannel.
pub const fn mock_busy_ns(subchannel: u32, ns: u64) -> Option<[u32; 3]> {
    let header = MethodHeader {
        op: MethodOp::Incrementing,
        subchannel,
        method: VGPU_MOCK_BUSY_NS_LO,
        count: 2,
    };
    match header.encode() {
        Some(h) => Some([h, ns as u32, (ns >> 32) as u32]),
        None => None,
    }
}

const _: () = assert!(VGPU_MOCK_BUSY_NS_HI == VGPU_MOCK_BUSY_NS_LO + 4);
const _: () = assert!(VGPU_MOCK_BUSY_NS_HI < NV_HOST_METHOD_LIMIT);
const _: () = assert!(VGPU_MOCK_BUSY_NS_LO > NVC56F_CLEAR_FAULTED);

// --- added for the mock ---

/// `NV_CTRL_VF_DOORBELL_VECTOR` 11:0 (`dev_ctrl.h`, GA100): the channel id
/// in a work submit token.
pub const NV_CTRL_VF_DOORBELL_VECTOR: BitField = BitField::new(11, 0);
/// `NV_CTRL_VF_DOORBELL_RUNLIST_ID` 22:16: the runlist id in a work submit
/// token.
pub const NV_CTRL_VF_DOORBELL_RUNLIST_ID: BitField = BitField::new(22, 16);

// Compute-class methods (`clc6c0.h`, AMPERE_COMPUTE_A; the other compute
// classes use the same offsets): inline-to-memory writes and the report
// semaphore.

/// `NVC6C0_LINE_LENGTH_IN`: bytes per line of an inline-to-memory write.
pub const NVC6C0_LINE_LENGTH_IN: u32 = 0x0180;
/// `NVC6C0_LINE_COUNT`: lines of an inline-to-memory write.
pub const NVC6C0_LINE_COUNT: u32 = 0x0184;
/// `NVC6C0_OFFSET_OUT_UPPER`: destination VA, upper bits.
pub const NVC6C0_OFFSET_OUT_UPPER: u32 = 0x0188;
/// `NVC6C0_OFFSET_OUT_UPPER_VALUE` 16:0.
pub const NVC6C0_OFFSET_OUT_UPPER_VALUE: BitField = BitField::new(16, 0);
/// `NVC6C0_OFFSET_OUT`: destination VA, lower 32 bits.
pub const NVC6C0_OFFSET_OUT: u32 = 0x018C;
/// `NVC6C0_PITCH_OUT`: destination pitch between lines.
pub const NVC6C0_PITCH_OUT: u32 = 0x0190;
/// `NVC6C0_LAUNCH_DMA`: starts an inline-to-memory write; the data follows
/// as `LOAD_INLINE_DATA`.
pub const NVC6C0_LAUNCH_DMA: u32 = 0x01B0;
/// `NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT` 0:0.
pub const NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT: BitField = BitField::new(0, 0);
/// `NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_BLOCKLINEAR`.
pub const NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_BLOCKLINEAR: u32 = 0;
/// `NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH`.
pub const NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH: u32 = 1;
/// `NVC6C0_LAUNCH_DMA_REDUCTION_ENABLE` 1:1.
pub const NVC6C0_LAUNCH_DMA_REDUCTION_ENABLE: BitField = BitField::new(1, 1);
/// `NVC6C0_LAUNCH_DMA_COMPLETION_TYPE` 5:4.
pub const NVC6C0_LAUNCH_DMA_COMPLETION_TYPE: BitField = BitField::new(5, 4);
/// `NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_DISABLE`.
pub const NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_DISABLE: u32 = 0;
/// `NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_ONLY`.
pub const NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_FLUSH_ONLY: u32 = 1;
/// `NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_RELEASE_SEMAPHORE`: release the I2M
/// semaphore when the write is done.
pub const NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_RELEASE_SEMAPHORE: u32 = 2;
/// `NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE` 12:12.
pub const NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE: BitField = BitField::new(12, 12);
/// `NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_FOUR_WORDS` (payload, timestamp).
pub const NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_FOUR_WORDS: u32 = 0;
/// `NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_ONE_WORD`.
pub const NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_ONE_WORD: u32 = 1;
/// `NVC6C0_LOAD_INLINE_DATA`: the data of an inline-to-memory write
/// (non-incrementing).
pub const NVC6C0_LOAD_INLINE_DATA: u32 = 0x01B4;
/// `NVC6C0_SET_I2M_SEMAPHORE_A`: I2M semaphore VA, upper bits.
pub const NVC6C0_SET_I2M_SEMAPHORE_A: u32 = 0x01DC;
/// `NVC6C0_SET_I2M_SEMAPHORE_A_OFFSET_UPPER` 7:0.
pub const NVC6C0_SET_I2M_SEMAPHORE_A_OFFSET_UPPER: BitField = BitField::new(7, 0);
/// `NVC6C0_SET_I2M_SEMAPHORE_B`: I2M semaphore VA, lower 32 bits.
pub const NVC6C0_SET_I2M_SEMAPHORE_B: u32 = 0x01E0;
/// `NVC6C0_SET_I2M_SEMAPHORE_C`: I2M semaphore payload.
pub const NVC6C0_SET_I2M_SEMAPHORE_C: u32 = 0x01E4;
/// `NVC6C0_SET_REPORT_SEMAPHORE_A`: report semaphore VA, upper bits.
pub const NVC6C0_SET_REPORT_SEMAPHORE_A: u32 = 0x1B00;
/// `NVC6C0_SET_REPORT_SEMAPHORE_A_OFFSET_UPPER` 7:0.
pub const NVC6C0_SET_REPORT_SEMAPHORE_A_OFFSET_UPPER: BitField = BitField::new(7, 0);
/// `NVC6C0_SET_REPORT_SEMAPHORE_B`: report semaphore VA, lower 32 bits.
pub const NVC6C0_SET_REPORT_SEMAPHORE_B: u32 = 0x1B04;
/// `NVC6C0_SET_REPORT_SEMAPHORE_C`: report semaphore payload.
pub const NVC6C0_SET_REPORT_SEMAPHORE_C: u32 = 0x1B08;
/// `NVC6C0_SET_REPORT_SEMAPHORE_D`: performs the report semaphore operation.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D: u32 = 0x1B0C;
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION` 1:0.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION: BitField = BitField::new(1, 0);
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_RELEASE`.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_RELEASE: u32 = 0;
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_TRAP`.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_TRAP: u32 = 3;
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE` 28:28.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE: BitField = BitField::new(28, 28);
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_FOUR_WORDS` (payload,
/// timestamp at +8).
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_FOUR_WORDS: u32 = 0;
/// `NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_ONE_WORD`.
pub const NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_ONE_WORD: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gp_entry_roundtrip() {
        let e = GpEntry {
            address: 0x12_3456_7890 & !3,
            length: 0x1234,
            subroutine: false,
            sync_wait: true,
            conditional_fetch: false,
        };
        let words = e.encode().unwrap();
        assert_eq!(GpEntry::decode(words), GpEntryKind::Pushbuffer(e));
        let v = e.encode_u64().unwrap();
        assert_eq!(GpEntry::decode_u64(v), GpEntryKind::Pushbuffer(e));
        // Field placement by hand.
        assert_eq!(words[0], 0x3456_7890);
        assert_eq!(words[1], 0x12 | (0x1234 << 10) | (1 << 31));
        let max = GpEntry {
            address: GP_ENTRY_MAX_ADDRESS & !3,
            length: GP_ENTRY_MAX_LENGTH,
            subroutine: true,
            sync_wait: false,
            conditional_fetch: true,
        };
        assert_eq!(
            GpEntry::decode(max.encode().unwrap()),
            GpEntryKind::Pushbuffer(max)
        );
        // Invalid entries.
        assert_eq!(
            GpEntry {
                address: 2,
                length: 1,
                ..Default::default()
            }
            .encode(),
            None
        );
        assert_eq!(
            GpEntry {
                address: 1 << 40,
                length: 1,
                ..Default::default()
            }
            .encode(),
            None
        );
        assert_eq!(
            GpEntry {
                address: 0,
                length: 0,
                ..Default::default()
            }
            .encode(),
            None
        );
        assert_eq!(
            GpEntry {
                address: 0,
                length: 1 << 21,
                ..Default::default()
            }
            .encode(),
            None
        );
        assert_eq!(
            GpEntry::decode(gp_entry_nop()),
            GpEntryKind::Control {
                opcode: 0,
                operand: 0
            }
        );
    }

    #[test]
    fn method_header_roundtrip() {
        for op in [
            MethodOp::Incrementing,
            MethodOp::NonIncrementing,
            MethodOp::Immediate,
            MethodOp::IncrementOnce,
        ] {
            for subchannel in 0..8 {
                for method in [0u32, 4, 0x5C, 0xFC, 0x100, 0x300, 0x41C, NV_METHOD_MAX] {
                    for count in [0u32, 1, 2, 0x123, NV_METHOD_COUNT_MAX] {
                        let h = MethodHeader {
                            op,
                            subchannel,
                            method,
                            count,
                        };
                        let w = h.encode().unwrap();
                        if w == 0 {
                            continue;
                        }
                        assert_eq!(MethodHeader::decode(w), PbHeader::Method(h));
                    }
                }
            }
        }
        // The SEC_OP field is bits 31:29, count 28:16, subchannel 15:13,
        // dword address 11:0.
        let h = MethodHeader {
            op: MethodOp::Incrementing,
            subchannel: 3,
            method: 0x5C,
            count: 5,
        };
        assert_eq!(
            h.encode(),
            Some((1 << 29) | (5 << 16) | (3 << 13) | (0x5C >> 2))
        );
        let imm = MethodHeader {
            op: MethodOp::Immediate,
            subchannel: 0,
            method: 0x8,
            count: 7,
        };
        assert_eq!(imm.encode(), Some(0x8007_0002));
        assert_eq!(imm.data_dwords(), 0);
        // Out of range.
        assert_eq!(MethodHeader { subchannel: 8, ..h }.encode(), None);
        assert_eq!(MethodHeader { method: 2, ..h }.encode(), None);
        assert_eq!(
            MethodHeader {
                method: 0x4000,
                ..h
            }
            .encode(),
            None
        );
        assert_eq!(MethodHeader { count: 0x2000, ..h }.encode(), None);
        // Other dwords.
        assert_eq!(MethodHeader::decode(0), PbHeader::Nop);
        assert_eq!(MethodHeader::decode(7 << 29), PbHeader::EndSegment);
        assert_eq!(
            MethodHeader::decode(0x0001_0000),
            PbHeader::Unsupported(0x0001_0000)
        );
        assert_eq!(
            MethodHeader::decode(6 << 29),
            PbHeader::Unsupported(6 << 29)
        );
    }

    #[test]
    fn method_addressing() {
        let inc = MethodHeader {
            op: MethodOp::Incrementing,
            subchannel: 0,
            method: 0x400,
            count: 4,
        };
        assert_eq!(inc.method_for(3), 0x40C);
        let one = MethodHeader {
            op: MethodOp::IncrementOnce,
            ..inc
        };
        assert_eq!(
            (one.method_for(0), one.method_for(1), one.method_for(3)),
            (0x400, 0x404, 0x404)
        );
        let non = MethodHeader {
            op: MethodOp::NonIncrementing,
            ..inc
        };
        assert_eq!(non.method_for(3), 0x400);
        assert!(!inc.is_host_method());
        assert!(MethodHeader {
            method: NVC56F_SEM_EXECUTE,
            ..inc
        }
        .is_host_method());
    }

    #[test]
    fn semaphore_fields() {
        let s = SemExecute {
            operation: NVC56F_SEM_EXECUTE_OPERATION_RELEASE,
            payload_64bit: true,
            release_timestamp: true,
            release_wfi: true,
            ..Default::default()
        };
        let w = s.encode().unwrap();
        assert_eq!(w, 1 | (1 << 20) | (1 << 24) | (1 << 25));
        assert_eq!(SemExecute::decode(w), s);
        assert_eq!(SemExecute { operation: 8, ..s }.encode(), None);
        assert_eq!(sem_address(0xdead_beef, 0x12), 0x12_dead_beec);
    }

    #[test]
    fn launch_dma_fields() {
        let l = LaunchDma {
            data_transfer_type: NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NON_PIPELINED,
            flush_enable: true,
            semaphore_type: NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_ONE_WORD_SEMAPHORE,
            src_pitch: true,
            dst_pitch: true,
            ..Default::default()
        };
        let w = l.encode().unwrap();
        assert_eq!(w, 2 | (1 << 2) | (1 << 3) | (1 << 7) | (1 << 8));
        assert_eq!(LaunchDma::decode(w), l);
        assert_eq!(
            LaunchDma {
                semaphore_type: 4,
                ..l
            }
            .encode(),
            None
        );
        assert_eq!(ce_address(0x1, 0x2000), 0x1_0000_2000);
    }

    #[test]
    fn mock_busy() {
        let words = mock_busy_ns(2, 0x1_0000_0005).unwrap();
        let PbHeader::Method(h) = MethodHeader::decode(words[0]) else {
            panic!()
        };
        assert!(h.is_host_method());
        assert_eq!(h.method_for(0), VGPU_MOCK_BUSY_NS_LO);
        assert_eq!(h.method_for(1), VGPU_MOCK_BUSY_NS_HI);
        assert_eq!((words[1], words[2]), (5, 1));
        assert_eq!(mock_busy_ns(8, 1), None);
    }
}
