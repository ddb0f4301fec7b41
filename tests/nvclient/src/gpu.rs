//! Work submission the way a CUDA runtime does it on a Volta+ GPU.
//!
//! A [`Ctx`] is what a CUDA context sets up on one GPU: an RM session with
//! a device and subdevice, an externally owned `FERMI_VASPACE_A`,
//! `/dev/nvidia-uvm` initialised (with its MM file) with the GPU and the VA
//! space registered, and a USERMODE (doorbell) region mapped. Memory is
//! allocated through RM, CPU-mapped through `RM_MAP_MEMORY` + `mmap`, and
//! given a GPU VA with `UVM_CREATE_EXTERNAL_RANGE` +
//! `UVM_MAP_EXTERNAL_ALLOCATION`. Channels live in a TSG with a context
//! share; each has a GPFIFO ring and its USERD in memory of their own, a
//! work submit token, its engine objects, and is registered with UVM before
//! the TSG is scheduled.
//!
//! Submission never enters the kernel: pushbuffer, GPFIFO entry, GPPut in
//! USERD, then the token to the doorbell (a store that vgpu may make wait
//! by revoking the mapping; the caller must expect it to block).
//!
//! Layout of a channel's work buffer (GPU VA `work.va`):
//! `[0, 8 * entries)` the GPFIFO; then `entries` pushbuffer slots of
//! [`SEGMENT_BYTES`] (slot i is used by GPFIFO entry i, so it is reused only
//! after the GPU consumed entry i); then `entries` semaphore pairs of 32
//! bytes (start, end; each {payload u64, timestamp u64}). The USERD is in a
//! separate allocation (or the driver's): that is the only memory of the
//! channel vgpu may revoke, so semaphores stay readable while submission is
//! held back.

use std::os::fd::AsFd;
use std::sync::atomic::{fence, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use vgpu_uapi::nvidia::alloc_params::*;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ctrl::*;
use vgpu_uapi::nvidia::hw::*;
use vgpu_uapi::nvidia::uvm::*;

use crate::rm::{
    check_status, gpu_uuid, memory_params, NvError, NvResult, Node, Session, ATTR_SYSMEM,
    ATTR_VIDMEM,
};
use crate::sys::{self, bytes_of, bytes_of_mut, from_bytes, Mapping, Pod};

/// Path of the UVM node.
pub const UVM_PATH: &str = "/dev/nvidia-uvm";
/// Bytes of one pushbuffer slot (one GPFIFO entry's segment at most).
pub const SEGMENT_BYTES: u64 = 512;
/// GPFIFO entries of a channel.
pub const DEFAULT_ENTRIES: u32 = 256;
/// The compute class the channels get (Ampere: what the mock GPU is).
pub const COMPUTE_CLASS: u32 = AMPERE_COMPUTE_A;
/// The copy-engine class.
pub const COPY_CLASS: u32 = AMPERE_DMA_COPY_B;
/// The GPFIFO class.
pub const CHANNEL_CLASS: u32 = AMPERE_CHANNEL_GPFIFO_A;
/// The USERMODE class CUDA uses on Turing and Ampere.
pub const USERMODE_CLASS: u32 = TURING_USERMODE_A;
/// Subchannel of the compute object (CUDA's convention).
pub const SUBCH_COMPUTE: u32 = 1;
/// Subchannel of the copy object (CUDA's convention).
pub const SUBCH_COPY: u32 = 4;
/// GPU VA space size reserved for a GR channel's context (UVM_REGISTER_CHANNEL).
const CHANNEL_VA_SIZE: u64 = 64 << 20;
/// GPU VAs handed out by a context start here (below the 40-bit GPFIFO limit).
const VA_BASE: u64 = 0x10_0000_0000;

/// `/dev/nvidia-uvm` initialised as a VA space, and its MM file.
#[derive(Debug)]
#[allow(dead_code)] // `mm` is held open, not read
pub struct Uvm {
    /// The VA space file.
    pub va: Node,
    /// The file `UVM_MM_INITIALIZE` bound to it (kept open).
    pub mm: Node,
}

fn uvm_call<P: Pod>(node: &Node, cmd: u32, p: &mut P) -> NvResult<()> {
    let off = uvm_rm_status_offset(cmd).expect("a UVM command of the ABI subset");
    sys::uvm_ioctl(node.as_fd(), cmd, bytes_of_mut(p))?;
    let st = u32::from_ne_bytes(bytes_of(p)[off..off + 4].try_into().unwrap());
    check_status(st)
}

impl Uvm {
    /// Open and initialise (`UVM_INITIALIZE`, then `UVM_MM_INITIALIZE` on
    /// a second file).
    pub fn open() -> NvResult<Uvm> {
        let va = Node::open_path(UVM_PATH)?;
        uvm_call(&va, UVM_INITIALIZE, &mut UvmInitializeParams::default())?;
        let mm = Node::open_path(UVM_PATH)?;
        let mut p = UvmMmInitializeParams {
            uvm_fd: va.raw(),
            ..Default::default()
        };
        uvm_call(&mm, UVM_MM_INITIALIZE, &mut p)?;
        Ok(Uvm { va, mm })
    }

    /// A command on the VA space file.
    pub fn call<P: Pod>(&self, cmd: u32, p: &mut P) -> NvResult<()> {
        uvm_call(&self.va, cmd, p)
    }
}

/// GPU memory of a context: an RM allocation, its CPU mapping and its GPU
/// VA.
#[derive(Debug)]
pub struct Buffer {
    /// The memory object.
    pub handle: u32,
    /// Size in bytes.
    pub size: u64,
    /// GPU VA of its first byte.
    pub va: u64,
    /// The CPU mapping.
    pub map: Arc<Mapping>,
    /// The file holding the mmap context (kept open).
    _node: Node,
}

/// Where a channel's USERD lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Userd {
    /// Client vidmem (`hUserdMemory`), its own allocation.
    Vidmem,
    /// Client sysmem (`hUserdMemory`), its own allocation.
    Sysmem,
    /// Provided by the driver: MAP_MEMORY of the channel object.
    Driver,
}

/// A GPFIFO channel and its work buffer.
#[derive(Debug)]
pub struct Channel {
    /// The channel object.
    pub handle: u32,
    /// Its work submit token.
    pub token: u32,
    /// GPFIFO entries.
    pub entries: u32,
    /// GPFIFO, pushbuffer slots and semaphores (see the module doc).
    pub work: Buffer,
    /// The CPU mapping holding its USERD, and the USERD's offset in it.
    pub userd: Arc<Mapping>,
    /// Byte offset of USERD in `userd`.
    pub userd_off: usize,
    /// Keeps the USERD allocation or the driver USERD's mapping file.
    _userd_keep: UserdKeep,
    /// Next GPPut.
    pub put: u32,
}

#[derive(Debug)]
#[allow(dead_code)] // held, not read
enum UserdKeep {
    Buffer(Buffer),
    Node(Node),
}

impl Channel {
    /// Byte offset of the pushbuffer slot of GPFIFO entry `i` in `work`.
    fn segment_off(&self, i: u32) -> u64 {
        8 * self.entries as u64 + i as u64 * SEGMENT_BYTES
    }

    /// Byte offset of semaphore pair `slot` (start at +0, end at +16).
    pub fn sem_off(&self, slot: u32) -> usize {
        (8 * self.entries as u64 + self.entries as u64 * SEGMENT_BYTES) as usize
            + (slot % self.entries) as usize * 32
    }

    /// GPU VA of semaphore pair `slot`.
    pub fn sem_va(&self, slot: u32) -> u64 {
        self.work.va + self.sem_off(slot) as u64
    }

    /// (payload, timestamp) of the semaphore at byte `off` of the work
    /// buffer.
    pub fn sem_at(map: &Mapping, off: usize) -> (u64, u64) {
        (map.read_u64(off), map.read_u64(off + 8))
    }

    /// Write `words` as the segment of the next GPFIFO entry and the entry
    /// itself; returns the GPPut that submits it (not written yet).
    pub fn stage(&mut self, words: &[u32]) -> Result<u32> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        if bytes.len() as u64 > SEGMENT_BYTES || words.is_empty() {
            bail!("a segment of {} dwords does not fit", words.len());
        }
        let i = self.put;
        let off = self.segment_off(i);
        self.work.map.write(off as usize, &bytes);
        let e = GpEntry {
            address: self.work.va + off,
            length: words.len() as u32,
            ..Default::default()
        }
        .encode()
        .context("GPFIFO entry out of range")?;
        let entry: Vec<u8> = e.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.work.map.write(8 * i as usize, &entry);
        self.put = (i + 1) % self.entries;
        Ok(self.put)
    }

    /// Write a raw GPFIFO entry (e.g. a control entry) at the next slot;
    /// returns the GPPut that submits it.
    pub fn stage_entry(&mut self, entry: [u32; 2]) -> u32 {
        let bytes: Vec<u8> = entry.iter().flat_map(|w| w.to_le_bytes()).collect();
        self.work.map.write(8 * self.put as usize, &bytes);
        self.put = (self.put + 1) % self.entries;
        self.put
    }

    /// Publish GPPut (USERD +0x8C): may block while vgpu holds the
    /// process back.
    pub fn write_put(&self, put: u32) {
        self.write_put_to(&self.userd, put);
    }

    /// Publish GPPut through `userd`, a mapping of this channel's USERD
    /// page other than its own (e.g. one moved by mremap).
    pub fn write_put_to(&self, userd: &Mapping, put: u32) {
        // Pushbuffer and GPFIFO entry before GPPut (UVM: wmb()).
        fence(Ordering::SeqCst);
        userd.write_u32(self.userd_off + NVC56F_USERD_GP_PUT, put);
    }

    /// Ring the doorbell with this channel's token: may block.
    pub fn ring(&self, doorbell: &Mapping) {
        fence(Ordering::SeqCst);
        doorbell.write_u32(NVC361_NOTIFY_CHANNEL_PENDING, self.token);
    }

    /// Stage, publish and ring: the full submission.
    pub fn submit(&mut self, words: &[u32], doorbell: &Mapping) -> Result<()> {
        let put = self.stage(words)?;
        self.write_put(put);
        self.ring(doorbell);
        Ok(())
    }

    /// GPGet as the GPU reports it in USERD (may block when revoked).
    pub fn gp_get(&self) -> u32 {
        self.userd.read_u32(self.userd_off + NVC56F_USERD_GP_GET)
    }
}

/// What a CUDA context holds on one GPU.
#[derive(Debug)]
#[allow(dead_code)] // `subdevice` is part of the context, not read yet
pub struct Ctx {
    /// The RM session.
    pub s: Session,
    /// GPU index.
    pub gpu: u32,
    /// Its UUID (UVM names GPUs by UUID).
    pub uuid: NvProcessorUuid,
    /// Device and subdevice handles.
    pub device: u32,
    /// Subdevice handle.
    pub subdevice: u32,
    /// The FERMI_VASPACE_A registered with UVM.
    pub vas: u32,
    /// UVM.
    pub uvm: Uvm,
    /// The USERMODE object and its mapping (the doorbell).
    pub doorbell: Arc<Mapping>,
    _doorbell_node: Node,
    next_va: u64,
}

fn parse_uuid(s: &str) -> Result<NvProcessorUuid> {
    let hex: String = s
        .trim_start_matches("GPU-")
        .chars()
        .filter(|c| *c != '-')
        .collect();
    if hex.len() != 32 {
        bail!("bad GPU UUID {s:?}");
    }
    let mut uuid = [0u8; 16];
    for (i, b) in uuid.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .with_context(|| format!("bad GPU UUID {s:?}"))?;
    }
    Ok(NvProcessorUuid { uuid })
}

impl Ctx {
    /// Set a context up on GPU `gpu`.
    pub fn open(gpu: u32) -> Result<Ctx> {
        let mut s = Session::open()?;
        let g = s
            .gpu(gpu)
            .with_context(|| format!("cannot set GPU {gpu} up"))?;
        let (device, subdevice) = (g.device, g.subdevice);
        let uuid = parse_uuid(&gpu_uuid(&s.ctl, s.client, subdevice)?)?;
        let mut vp = NvVaspaceAllocationParameters {
            flags: NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED,
            ..Default::default()
        };
        let vas = s
            .ctl
            .alloc(s.client, device, 0, FERMI_VASPACE_A, Some(bytes_of_mut(&mut vp)))
            .context("FERMI_VASPACE_A")?;
        let uvm = Uvm::open().context("cannot initialise /dev/nvidia-uvm")?;
        let mut rg = UvmRegisterGpuParams {
            gpu_uuid: uuid,
            rm_ctrl_fd: s.ctl.raw(),
            h_client: s.client,
            ..Default::default()
        };
        uvm.call(UVM_REGISTER_GPU, &mut rg)
            .context("UVM_REGISTER_GPU")?;
        let mut rv = UvmRegisterGpuVaspaceParams {
            gpu_uuid: uuid,
            rm_ctrl_fd: s.ctl.raw(),
            h_client: s.client,
            h_va_space: vas,
            ..Default::default()
        };
        uvm.call(UVM_REGISTER_GPU_VASPACE, &mut rv)
            .context("UVM_REGISTER_GPU_VASPACE")?;
        // The doorbell: a USERMODE object mapped through a fresh GPU node.
        let um = s
            .ctl
            .alloc(s.client, subdevice, 0, USERMODE_CLASS, None)
            .context("USERMODE object")?;
        let node = Node::gpu(gpu)?;
        s.ctl
            .map_memory(
                s.client,
                subdevice,
                um,
                0,
                NVC361_NV_USERMODE__SIZE as u64,
                0,
                node.raw(),
            )
            .context("MAP_MEMORY of the USERMODE object")?;
        let doorbell = Mapping::new(node.as_fd(), NVC361_NV_USERMODE__SIZE, 0, true, true)
            .map_err(NvError::Os)
            .context("mmap of the USERMODE region")?;
        Ok(Ctx {
            s,
            gpu,
            uuid,
            device,
            subdevice,
            vas,
            uvm,
            doorbell: Arc::new(doorbell),
            _doorbell_node: node,
            next_va: VA_BASE,
        })
    }

    /// The next free GPU VA range of `size` (2 MiB aligned).
    fn take_va(&mut self, size: u64) -> u64 {
        let va = self.next_va;
        self.next_va += (size + (2 << 20) - 1) & !((2 << 20) - 1);
        va
    }

    /// Allocate `size` bytes (vidmem or sysmem), CPU-map them and map them
    /// at a GPU VA through UVM.
    pub fn buffer(&mut self, size: u64, sysmem: bool) -> Result<Buffer> {
        let size = (size + 0xfff) & !0xfff;
        let (class, attr) = if sysmem {
            (NV01_MEMORY_SYSTEM, ATTR_SYSMEM)
        } else {
            (NV01_MEMORY_LOCAL_USER, ATTR_VIDMEM)
        };
        let mut p = memory_params(size, attr, 0);
        let handle = self
            .s
            .ctl
            .alloc_memory(self.s.client, self.device, 0, class, &mut p)
            .with_context(|| format!("allocating {size} bytes"))?;
        // Vidmem maps through a fresh GPU node, sysmem through a ctl node.
        let node = if sysmem { Node::ctl()? } else { Node::gpu(self.gpu)? };
        self.s
            .ctl
            .map_memory(self.s.client, self.device, handle, 0, size, 0, node.raw())
            .context("MAP_MEMORY")?;
        let map = Mapping::new(node.as_fd(), size as usize, 0, true, true)
            .map_err(NvError::Os)
            .context("mmap")?;
        let va = self.take_va(size);
        let mut r = UvmCreateExternalRangeParams {
            base: va,
            length: size,
            ..Default::default()
        };
        self.uvm
            .call(UVM_CREATE_EXTERNAL_RANGE, &mut r)
            .context("UVM_CREATE_EXTERNAL_RANGE")?;
        let mut m: Box<UvmMapExternalAllocationParams> =
            Box::new(from_bytes(&vec![0u8; std::mem::size_of::<UvmMapExternalAllocationParams>()]));
        m.base = va;
        m.length = size;
        m.per_gpu_attributes[0].gpu_uuid = self.uuid;
        m.per_gpu_attributes[0].gpu_mapping_type = UvmGpuMappingTypeReadWriteAtomic;
        m.gpu_attributes_count = 1;
        m.rm_ctrl_fd = self.s.ctl.raw();
        m.h_client = self.s.client;
        m.h_memory = handle;
        self.uvm
            .call(UVM_MAP_EXTERNAL_ALLOCATION, m.as_mut())
            .context("UVM_MAP_EXTERNAL_ALLOCATION")?;
        Ok(Buffer {
            handle,
            size,
            va,
            map: Arc::new(map),
            _node: node,
        })
    }

    /// A TSG for `engine_type` (NV2080_ENGINE_TYPE_GRAPHICS or COPYn) on
    /// the context's VA space.
    pub fn tsg(&self, engine_type: u32) -> NvResult<u32> {
        let mut p = NvChannelGroupAllocationParameters {
            h_va_space: self.vas,
            engine_type,
            ..Default::default()
        };
        self.s.ctl.alloc(
            self.s.client,
            self.device,
            0,
            KEPLER_CHANNEL_GROUP_A,
            Some(bytes_of_mut(&mut p)),
        )
    }

    /// A context share (asynchronous subcontext) in `tsg`.
    pub fn ctxshare(&self, tsg: u32) -> NvResult<u32> {
        let mut p = NvCtxshareAllocationParameters {
            h_va_space: self.vas,
            flags: NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_ASYNC,
            ..Default::default()
        };
        self.s.ctl.alloc(
            self.s.client,
            tsg,
            0,
            FERMI_CONTEXT_SHARE_A,
            Some(bytes_of_mut(&mut p)),
        )
    }

    /// A channel in `tsg` with context share `ctxshare`, its engine
    /// objects, its token, registered with UVM (not scheduled: see
    /// [`Ctx::schedule`]).
    pub fn channel(
        &mut self,
        tsg: u32,
        ctxshare: u32,
        userd: Userd,
        objects: &[u32],
        register: bool,
    ) -> Result<Channel> {
        let entries = DEFAULT_ENTRIES;
        let work_size = 8 * entries as u64 + entries as u64 * SEGMENT_BYTES + 32 * entries as u64;
        let work = self.buffer(work_size, false).context("channel work buffer")?;
        let userd_buf = match userd {
            Userd::Vidmem => Some(self.buffer(4096, false).context("USERD")?),
            Userd::Sysmem => Some(self.buffer(4096, true).context("USERD")?),
            Userd::Driver => None,
        };
        let mut p = NvChannelAllocParams {
            gp_fifo_offset: work.va,
            gp_fifo_entries: entries,
            h_context_share: ctxshare,
            ..Default::default()
        };
        if let Some(b) = &userd_buf {
            p.h_userd_memory[0] = b.handle;
            p.userd_offset[0] = 0;
        }
        let handle = self
            .s
            .ctl
            .alloc(self.s.client, tsg, 0, CHANNEL_CLASS, Some(bytes_of_mut(&mut p)))
            .context("GPFIFO channel")?;
        for &class in objects {
            self.s
                .ctl
                .alloc(self.s.client, handle, 0, class, None)
                .with_context(|| format!("engine object {class:#x}"))?;
        }
        let mut t = Nvc36fCtrlCmdGpfifoGetWorkSubmitTokenParams::default();
        self.s
            .ctl
            .control(
                self.s.client,
                handle,
                NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN,
                &mut t,
            )
            .context("GET_WORK_SUBMIT_TOKEN")?;
        let (userd_map, keep) = match userd_buf {
            Some(b) => (b.map.clone(), UserdKeep::Buffer(b)),
            None => {
                // Driver-provided USERD: map the channel object itself.
                let node = Node::gpu(self.gpu)?;
                self.s
                    .ctl
                    .map_memory(self.s.client, self.device, handle, 0, 4096, 0, node.raw())
                    .context("MAP_MEMORY of the channel (USERD)")?;
                let m = Mapping::new(node.as_fd(), 4096, 0, true, true)
                    .map_err(NvError::Os)
                    .context("mmap of USERD")?;
                (Arc::new(m), UserdKeep::Node(node))
            }
        };
        if register {
            self.register_channel(handle)?;
        }
        Ok(Channel {
            handle,
            token: t.work_submit_token,
            entries,
            work,
            userd: userd_map,
            userd_off: 0,
            _userd_keep: keep,
            put: 0,
        })
    }

    /// `UVM_REGISTER_CHANNEL` (binds the channel: its TSG may then be
    /// scheduled).
    pub fn register_channel(&mut self, handle: u32) -> Result<()> {
        let base = self.take_va(CHANNEL_VA_SIZE);
        let mut r = UvmRegisterChannelParams {
            gpu_uuid: self.uuid,
            rm_ctrl_fd: self.s.ctl.raw(),
            h_client: self.s.client,
            h_channel: handle,
            base,
            length: CHANNEL_VA_SIZE,
            ..Default::default()
        };
        self.uvm
            .call(UVM_REGISTER_CHANNEL, &mut r)
            .context("UVM_REGISTER_CHANNEL")?;
        Ok(())
    }

    /// `NVA06C_CTRL_CMD_GPFIFO_SCHEDULE`.
    pub fn schedule(&self, tsg: u32, enable: bool) -> NvResult<()> {
        let mut p = Nva06cCtrlGpfifoScheduleParams {
            b_enable: enable as u8,
            ..Default::default()
        };
        self.s
            .ctl
            .control(self.s.client, tsg, NVA06C_CTRL_CMD_GPFIFO_SCHEDULE, &mut p)
    }

    /// `NVA06C_CTRL_CMD_SET_TIMESLICE`.
    pub fn set_timeslice(&self, tsg: u32, us: u64) -> NvResult<()> {
        let mut p = Nva06cCtrlTimesliceParams { timeslice_us: us };
        self.s
            .ctl
            .control(self.s.client, tsg, NVA06C_CTRL_CMD_SET_TIMESLICE, &mut p)
    }

    /// Free an object.
    pub fn free(&self, handle: u32) -> NvResult<()> {
        self.s.ctl.free(self.s.client, self.device, handle)
    }
}

// ---------------------------------------------------------------------
// Pushbuffer building blocks.

/// An incrementing method header on `subch` at `method` with `data`.
pub fn method(subch: u32, method: u32, data: &[u32]) -> Vec<u32> {
    let h = MethodHeader {
        op: MethodOp::Incrementing,
        subchannel: subch,
        method,
        count: data.len() as u32,
    }
    .encode()
    .expect("method header in range");
    let mut v = vec![h];
    v.extend_from_slice(data);
    v
}

/// `SET_OBJECT` of `class` on `subch`.
pub fn set_object(subch: u32, class: u32) -> Vec<u32> {
    method(subch, NVC56F_SET_OBJECT, &[class])
}

/// A Host semaphore release of a 64-bit `payload` at `va`, with the GPU
/// timestamp at `va + 8` when `timestamp`.
pub fn sem_release(va: u64, payload: u64, timestamp: bool) -> Vec<u32> {
    let ex = SemExecute {
        operation: NVC56F_SEM_EXECUTE_OPERATION_RELEASE,
        payload_64bit: true,
        release_timestamp: timestamp,
        ..Default::default()
    }
    .encode()
    .unwrap();
    method(
        0,
        NVC56F_SEM_ADDR_LO,
        &[va as u32, (va >> 32) as u32, payload as u32, (payload >> 32) as u32, ex],
    )
}

/// A Host semaphore acquire: wait until the 32-bit value at `va` is at
/// least `payload`.
pub fn sem_acquire_geq(va: u64, payload: u32) -> Vec<u32> {
    let ex = SemExecute {
        operation: NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ,
        ..Default::default()
    }
    .encode()
    .unwrap();
    method(
        0,
        NVC56F_SEM_ADDR_LO,
        &[va as u32, (va >> 32) as u32, payload, 0, ex],
    )
}

/// The mock-only busy period ("a kernel of `ns` nanoseconds").
pub fn busy(ns: u64) -> Vec<u32> {
    mock_busy_ns(0, ns).expect("subchannel 0").to_vec()
}

/// A copy-engine copy of `len` bytes from `src` to `dst` (1-D, pitch),
/// releasing `payload` with a timestamp (four-word semaphore) at `sem_va`.
pub fn ce_copy(src: u64, dst: u64, len: u32, sem: Option<(u64, u32)>) -> Vec<u32> {
    let mut v = method(
        SUBCH_COPY,
        NVC6B5_OFFSET_IN_UPPER,
        &[(src >> 32) as u32, src as u32, (dst >> 32) as u32, dst as u32],
    );
    v.extend(method(SUBCH_COPY, NVC6B5_LINE_LENGTH_IN, &[len]));
    let mut launch = LaunchDma {
        data_transfer_type: NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_PIPELINED,
        flush_enable: true,
        src_pitch: true,
        dst_pitch: true,
        ..Default::default()
    };
    if let Some((va, payload)) = sem {
        v.extend(method(
            SUBCH_COPY,
            NVC6B5_SET_SEMAPHORE_A,
            &[(va >> 32) as u32, va as u32, payload],
        ));
        launch.semaphore_type = NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_FOUR_WORD_SEMAPHORE;
    }
    v.extend(method(SUBCH_COPY, NVC6B5_LAUNCH_DMA, &[launch.encode().unwrap()]));
    v
}

/// Wait (polling, 100 us sleeps) until the semaphore at `off` of `map`
/// holds `payload`; returns its timestamp, or `None` after `timeout`.
pub fn wait_sem(map: &Mapping, off: usize, payload: u64, timeout: std::time::Duration) -> Option<u64> {
    let end = std::time::Instant::now() + timeout;
    loop {
        let (p, ts) = Channel::sem_at(map, off);
        if p == payload {
            return Some(ts);
        }
        if std::time::Instant::now() > end {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// CLOCK_REALTIME in ns: the GPU timestamps' clock (the driver keeps PTIMER
/// in step with the time of day).
pub fn realtime_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_parses() {
        let u = parse_uuid("GPU-4e564d4f-434b-4000-8000-000000000001").unwrap();
        assert_eq!(u.uuid[0], 0x4e);
        assert_eq!(u.uuid[15], 1);
        assert!(parse_uuid("GPU-12").is_err());
    }

    #[test]
    fn pushbuffer_words() {
        let v = sem_release(0x12_3456_7000, 5, true);
        assert_eq!(v.len(), 6);
        assert_eq!(v[1], 0x3456_7000);
        assert_eq!(v[2], 0x12);
        assert_eq!(busy(7).len(), 3);
        let c = ce_copy(0x1000, 0x2000, 64, Some((0x3000, 1)));
        assert_eq!(c.len(), 5 + 2 + 4 + 2);
    }
}
