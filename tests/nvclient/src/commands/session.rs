//! `nvclient session`: a line-oriented driver for tests.
//!
//! A test starts `nvclient session`, writes one command per line on its
//! standard input and reads exactly one JSON object per command on its
//! standard output (flushed after each), so it can drive exact sequences of
//! escapes in one process and hold state (clients, memory, mappings) as
//! long as it likes. End of input is `exit`.
//!
//! # Grammar
//!
//! ```text
//! line     := blank | "#" comment | command [ "#" comment ]
//! command  := word { blank word }
//! GPU      := number                      (device instance = /dev/nvidiaGPU)
//! HANDLE   := number                      (as returned by a reply)
//! SIZE     := number [K|M|G|T|KiB|MiB|GiB|TiB]
//! number   := decimal | 0x hex
//! ```
//!
//! Blank and comment lines get no reply. Commands:
//!
//! | Command | Does | Reply on success |
//! | --- | --- | --- |
//! | `open` | open nvidiactl, strict version check, allocate a root client | `client` |
//! | `device GPU` | open and keep `/dev/nvidiaGPU`, allocate `NV01_DEVICE_0` | `handle` |
//! | `subdevice GPU` | allocate `NV20_SUBDEVICE_0` under the GPU's device | `handle` |
//! | `alloc GPU SIZE [rm\|vidheap\|range] [attr=N] [attr2=N] [parent=device\|subdevice]` | allocate vidmem (RM_ALLOC of NV01_MEMORY_LOCAL_USER, or VID_HEAP_CONTROL ALLOC_SIZE / ALLOC_SIZE_RANGE) | `handle`, `size` (as written back), `requested` |
//! | `free HANDLE` | RM_FREE of an object | — |
//! | `vidheap-free HANDLE` | VID_HEAP_CONTROL FREE | — |
//! | `free-device GPU` | RM_FREE of the GPU's device (cascades) | — |
//! | `free-client [CLIENT]` | RM_FREE of the client (default: the session's) | — |
//! | `dup HANDLE [into-new-client]` | RM_DUP_OBJECT of memory, into the same client or a new one on the same nvidiactl | `handle`, `client` |
//! | `fbinfo GPU` | FB_GET_INFO_V2 and FB_GET_INFO | `total_kib`, `free_kib`, `heap_kib`, `v1` |
//! | `vidheap-info GPU` | VID_HEAP_CONTROL INFO | `total`, `free` (bytes) |
//! | `map HANDLE` | RM_MAP_MEMORY on a fresh /dev/nvidiaGPU + mmap of the whole object | `token`, `size` |
//! | `unmap HANDLE` | munmap, RM_UNMAP_MEMORY, close that node | — |
//! | `write HANDLE PATTERN` | fill the mapping (mapped first if needed) with the pattern named PATTERN | `bytes` |
//! | `verify HANDLE PATTERN` | compare the mapping with the pattern | `bytes`, or `error: "mismatch"` with `offset` |
//! | `close` | close nvidiactl: the driver frees its clients; GPU nodes and mappings stay | — |
//! | `close-gpu GPU` | close the session's `/dev/nvidiaGPU` | — |
//! | `sleep MS` | sleep | — |
//! | `pid` | | `pid` |
//! | `help` | | `commands` |
//! | `exit` | reply, then exit 0 | — |
//!
//! `alloc`, `subdevice`, `fbinfo`, `vidheap-info` and `map` run `open` and
//! `device GPU` (and `subdevice GPU` for `fbinfo`) first when needed.
//! Handles the session allocates are chosen by the session (as libcuda
//! does), unique across its clients.
//!
//! Every reply is one JSON object with `"ok"` and `"cmd"`. A failure is
//! `{"ok":false,"status":"NV_ERR_NO_MEMORY","code":81}` for an RM status,
//! `{"ok":false,"errno":"EINVAL","code":22}` for a failed system call, and
//! `{"ok":false,"error":"..."}` for a malformed command or a session rule
//! (unknown handle, no mapping...).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use serde_json::{json, Value};
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::rm::NVOS32_ATTR_LOCATION;

use crate::rm::*;
use crate::sys::Mapping;
use crate::units::{parse_size, parse_u32, parse_u64};

/// Arguments of `session`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// The long help of `session` (the grammar).
pub const LONG_HELP: &str = r#"A line-oriented driver for tests: reads one command per line on stdin and writes exactly one JSON object per command on stdout, flushed after each. Blank lines and lines starting with # get no reply. Numbers are decimal or 0x hex; SIZE takes K/M/G/T or KiB/MiB/GiB/TiB.

Commands (-> the reply's fields on success):
  open                          nvidiactl, strict version check, root client -> client
  device GPU                    open /dev/nvidiaGPU (kept open), NV01_DEVICE_0 -> handle
  subdevice GPU                 NV20_SUBDEVICE_0 under the GPU's device -> handle
  alloc GPU SIZE [rm|vidheap|range] [attr=N] [attr2=N] [parent=device|subdevice]
                                vidmem by RM_ALLOC (rm, default) or VID_HEAP_CONTROL
                                ALLOC_SIZE (vidheap) / ALLOC_SIZE_RANGE (range)
                                -> handle, size (as written back), requested
  free HANDLE                   RM_FREE of an object
  vidheap-free HANDLE           VID_HEAP_CONTROL FREE
  free-device GPU               RM_FREE of the GPU's device (cascades)
  free-client [CLIENT]          RM_FREE of the client (default: the session's)
  dup HANDLE [into-new-client]  RM_DUP_OBJECT of memory -> handle, client
  fbinfo GPU                    FB_GET_INFO_V2 (and FB_GET_INFO as v1)
                                -> total_kib, free_kib, heap_kib, ram_kib, usable_kib, v1
  vidheap-info GPU              VID_HEAP_CONTROL INFO -> total, free (bytes)
  map HANDLE                    RM_MAP_MEMORY on a fresh /dev/nvidiaN, mmap -> token, size
  unmap HANDLE                  munmap, RM_UNMAP_MEMORY
  write HANDLE PATTERN          fill the mapping with the named pattern (maps if needed)
  verify HANDLE PATTERN         compare the mapping with the pattern
                                (failure: error "mismatch", offset)
  close                         close nvidiactl (the driver frees its clients)
  close-gpu GPU                 close the session's /dev/nvidiaGPU
  sleep MS                      sleep
  pid                           -> pid
  help                          -> commands
  exit                          reply, then exit 0 (so does end of input)

alloc, subdevice, fbinfo, vidheap-info and map run open, device (and subdevice) first when needed. Handles are chosen by the session, unique across its clients.

Replies: {"ok":true,"cmd":"alloc",...}; an RM failure {"ok":false,"status":"NV_ERR_NO_MEMORY","code":81}; a failed system call {"ok":false,"errno":"EINVAL","code":22}; a bad command or session rule {"ok":false,"error":"..."}."#;

/// Where a session allocation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parent {
    Device,
    Subdevice,
}

/// A parsed command.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Open,
    Device(u32),
    Subdevice(u32),
    Alloc {
        gpu: u32,
        size: u64,
        via: Via,
        attr: u32,
        attr2: u32,
        parent: Parent,
    },
    Free(u32),
    VidHeapFree(u32),
    FreeDevice(u32),
    FreeClient(Option<u32>),
    Dup {
        handle: u32,
        new_client: bool,
    },
    FbInfo(u32),
    VidHeapInfo(u32),
    Map(u32),
    Unmap(u32),
    Write {
        handle: u32,
        pattern: String,
    },
    Verify {
        handle: u32,
        pattern: String,
    },
    Close,
    CloseGpu(u32),
    Sleep(u64),
    Pid,
    Help,
    Exit,
}

impl Cmd {
    fn name(&self) -> &'static str {
        match self {
            Cmd::Open => "open",
            Cmd::Device(_) => "device",
            Cmd::Subdevice(_) => "subdevice",
            Cmd::Alloc { .. } => "alloc",
            Cmd::Free(_) => "free",
            Cmd::VidHeapFree(_) => "vidheap-free",
            Cmd::FreeDevice(_) => "free-device",
            Cmd::FreeClient(_) => "free-client",
            Cmd::Dup { .. } => "dup",
            Cmd::FbInfo(_) => "fbinfo",
            Cmd::VidHeapInfo(_) => "vidheap-info",
            Cmd::Map(_) => "map",
            Cmd::Unmap(_) => "unmap",
            Cmd::Write { .. } => "write",
            Cmd::Verify { .. } => "verify",
            Cmd::Close => "close",
            Cmd::CloseGpu(_) => "close-gpu",
            Cmd::Sleep(_) => "sleep",
            Cmd::Pid => "pid",
            Cmd::Help => "help",
            Cmd::Exit => "exit",
        }
    }
}

/// Parse one input line: `Ok(None)` for a blank or comment line.
pub fn parse_line(line: &str) -> Result<Option<Cmd>, String> {
    let line = line.split('#').next().unwrap_or("");
    let w: Vec<&str> = line.split_whitespace().collect();
    let Some((&verb, args)) = w.split_first() else {
        return Ok(None);
    };
    let nargs = |min: usize, max: usize| -> Result<(), String> {
        if args.len() < min || args.len() > max {
            Err(if min == max {
                format!("{verb} takes {min} argument(s), got {}", args.len())
            } else {
                format!("{verb} takes {min} to {max} arguments, got {}", args.len())
            })
        } else {
            Ok(())
        }
    };
    let num = |s: &str| parse_u32(s).map_err(|e| e.to_string());
    let cmd = match verb {
        "open" => {
            nargs(0, 0)?;
            Cmd::Open
        }
        "device" => {
            nargs(1, 1)?;
            Cmd::Device(num(args[0])?)
        }
        "subdevice" => {
            nargs(1, 1)?;
            Cmd::Subdevice(num(args[0])?)
        }
        "alloc" => {
            nargs(2, 6)?;
            let gpu = num(args[0])?;
            let size = parse_size(args[1]).map_err(|e| e.to_string())?;
            let (mut via, mut attr, mut attr2, mut parent) = (Via::RmAlloc, 0, 0, Parent::Device);
            for opt in &args[2..] {
                if let Some(v) = Via::parse(opt) {
                    via = v;
                } else if let Some(v) = opt.strip_prefix("attr=") {
                    attr = num(v)?;
                } else if let Some(v) = opt.strip_prefix("attr2=") {
                    attr2 = num(v)?;
                } else if let Some(v) = opt.strip_prefix("parent=") {
                    parent = match v {
                        "device" => Parent::Device,
                        "subdevice" => Parent::Subdevice,
                        _ => return Err(format!("parent must be device or subdevice, not {v:?}")),
                    };
                } else {
                    return Err(format!("unknown alloc option {opt:?} (rm|vidheap|range, attr=N, attr2=N, parent=device|subdevice)"));
                }
            }
            Cmd::Alloc {
                gpu,
                size,
                via,
                attr,
                attr2,
                parent,
            }
        }
        "free" => {
            nargs(1, 1)?;
            Cmd::Free(num(args[0])?)
        }
        "vidheap-free" => {
            nargs(1, 1)?;
            Cmd::VidHeapFree(num(args[0])?)
        }
        "free-device" => {
            nargs(1, 1)?;
            Cmd::FreeDevice(num(args[0])?)
        }
        "free-client" => {
            nargs(0, 1)?;
            Cmd::FreeClient(args.first().map(|a| num(a)).transpose()?)
        }
        "dup" => {
            nargs(1, 2)?;
            let new_client = match args.get(1) {
                None => false,
                Some(&"into-new-client") => true,
                Some(o) => return Err(format!("unknown dup option {o:?} (into-new-client)")),
            };
            Cmd::Dup {
                handle: num(args[0])?,
                new_client,
            }
        }
        "fbinfo" => {
            nargs(1, 1)?;
            Cmd::FbInfo(num(args[0])?)
        }
        "vidheap-info" => {
            nargs(1, 1)?;
            Cmd::VidHeapInfo(num(args[0])?)
        }
        "map" => {
            nargs(1, 1)?;
            Cmd::Map(num(args[0])?)
        }
        "unmap" => {
            nargs(1, 1)?;
            Cmd::Unmap(num(args[0])?)
        }
        "write" | "verify" => {
            nargs(2, 2)?;
            let handle = num(args[0])?;
            let pattern = args[1].to_string();
            if verb == "write" {
                Cmd::Write { handle, pattern }
            } else {
                Cmd::Verify { handle, pattern }
            }
        }
        "close" => {
            nargs(0, 0)?;
            Cmd::Close
        }
        "close-gpu" => {
            nargs(1, 1)?;
            Cmd::CloseGpu(num(args[0])?)
        }
        "sleep" => {
            nargs(1, 1)?;
            Cmd::Sleep(parse_u64(args[0]).map_err(|e| e.to_string())?)
        }
        "pid" => {
            nargs(0, 0)?;
            Cmd::Pid
        }
        "help" => {
            nargs(0, 0)?;
            Cmd::Help
        }
        "exit" | "quit" => {
            nargs(0, 0)?;
            Cmd::Exit
        }
        other => return Err(format!("unknown command {other:?} (try help)")),
    };
    Ok(Some(cmd))
}

/// An object the session allocated.
#[derive(Clone, Copy, Debug)]
struct Obj {
    client: u32,
    gpu: u32,
    parent: u32,
    size: u64,
}

struct SessionMap {
    map: Mapping,
    _node: Node,
    token: u64,
    client: u32,
    device: u32,
}

#[derive(Default)]
struct State {
    ctl: Option<Node>,
    client: u32,
    nodes: BTreeMap<u32, Node>,
    /// (client, gpu) -> (device, subdevice)
    devices: BTreeMap<(u32, u32), (u32, Option<u32>)>,
    objects: BTreeMap<u32, Obj>,
    maps: BTreeMap<u32, SessionMap>,
    next_handle: u32,
}

type Reply = Result<Value, Value>;

fn rm_err(e: NvError) -> Value {
    e.to_json()
}

fn usage(msg: impl Into<String>) -> Value {
    json!({"ok": false, "error": msg.into()})
}

impl State {
    fn handle(&mut self) -> u32 {
        if self.next_handle == 0 {
            self.next_handle = 0x5e55_0000;
        }
        self.next_handle += 1;
        self.next_handle
    }

    fn ctl(&self) -> Result<&Node, Value> {
        self.ctl
            .as_ref()
            .ok_or_else(|| usage("no nvidiactl open (run open)"))
    }

    fn open(&mut self) -> Reply {
        if self.ctl.is_some() {
            return Err(usage("already open (close first)"));
        }
        let s = Session::open().map_err(|e| usage(format!("{e:#}")))?;
        self.client = s.client;
        self.ctl = Some(s.ctl);
        Ok(json!({"client": self.client}))
    }

    fn ensure_open(&mut self) -> Result<(), Value> {
        if self.ctl.is_none() {
            self.open()?;
        }
        Ok(())
    }

    fn device_in(&mut self, client: u32, gpu: u32) -> Result<u32, Value> {
        self.ensure_open()?;
        if let Some((d, _)) = self.devices.get(&(client, gpu)) {
            return Ok(*d);
        }
        if let std::collections::btree_map::Entry::Vacant(e) = self.nodes.entry(gpu) {
            e.insert(Node::gpu(gpu).map_err(rm_err)?);
        }
        let h = self.handle();
        let d = self.ctl()?.alloc_device(client, gpu, h).map_err(rm_err)?;
        self.devices.insert((client, gpu), (d, None));
        Ok(d)
    }

    fn subdevice(&mut self, gpu: u32) -> Result<u32, Value> {
        let client = {
            self.ensure_open()?;
            self.client
        };
        let d = self.device_in(client, gpu)?;
        if let Some((_, Some(s))) = self.devices.get(&(client, gpu)) {
            return Ok(*s);
        }
        let h = self.handle();
        let s = self.ctl()?.alloc_subdevice(client, d, h).map_err(rm_err)?;
        self.devices.insert((client, gpu), (d, Some(s)));
        Ok(s)
    }

    fn obj(&self, h: u32) -> Result<Obj, Value> {
        self.objects
            .get(&h)
            .copied()
            .ok_or_else(|| usage(format!("unknown handle {h:#x}")))
    }

    fn forget_client(&mut self, client: u32) {
        self.devices.retain(|(c, _), _| *c != client);
        self.objects.retain(|_, o| o.client != client);
    }

    fn map(&mut self, h: u32) -> Reply {
        if let Some(m) = self.maps.get(&h) {
            return Ok(json!({"token": m.token, "size": m.map.len(), "existing": true}));
        }
        let o = self.obj(h)?;
        let device = self
            .devices
            .get(&(o.client, o.gpu))
            .map(|d| d.0)
            .ok_or_else(|| usage("the object's device is gone"))?;
        let node = Node::gpu(o.gpu).map_err(rm_err)?;
        let token = self
            .ctl()?
            .map_memory(o.client, device, h, 0, o.size, 0, node.raw())
            .map_err(rm_err)?;
        match Mapping::new(
            std::os::fd::AsFd::as_fd(&node),
            o.size as usize,
            0,
            true,
            true,
        ) {
            Ok(map) => {
                let size = map.len();
                self.maps.insert(
                    h,
                    SessionMap {
                        map,
                        _node: node,
                        token,
                        client: o.client,
                        device,
                    },
                );
                Ok(json!({"token": token, "size": size}))
            }
            Err(e) => {
                let _ = self.ctl()?.unmap_memory(o.client, device, h, token);
                Err(rm_err(NvError::Os(e)))
            }
        }
    }

    fn exec(&mut self, cmd: &Cmd) -> Reply {
        match cmd {
            Cmd::Open => self.open(),
            Cmd::Device(gpu) => {
                self.ensure_open()?;
                let client = self.client;
                let d = self.device_in(client, *gpu)?;
                Ok(json!({"handle": d}))
            }
            Cmd::Subdevice(gpu) => Ok(json!({"handle": self.subdevice(*gpu)?})),
            Cmd::Alloc {
                gpu,
                size,
                via,
                attr,
                attr2,
                parent,
            } => {
                self.ensure_open()?;
                let client = self.client;
                let device = self.device_in(client, *gpu)?;
                let parent_h = match parent {
                    Parent::Device => device,
                    Parent::Subdevice => self.subdevice(*gpu)?,
                };
                let h = self.handle();
                let ctl = self.ctl()?;
                let got = match via {
                    Via::RmAlloc => {
                        let mut p = memory_params(*size, *attr, *attr2);
                        let class = if NVOS32_ATTR_LOCATION.get(*attr) == 0 {
                            NV01_MEMORY_LOCAL_USER
                        } else {
                            NV01_MEMORY_SYSTEM
                        };
                        ctl.alloc_memory(client, parent_h, h, class, &mut p)
                            .map(|h| (h, p.size))
                    }
                    Via::VidHeap | Via::VidHeapRange => ctl.vid_heap_alloc(
                        client,
                        parent_h,
                        *size,
                        *attr,
                        *attr2,
                        h,
                        *via == Via::VidHeapRange,
                    ),
                };
                let (handle, rounded) = got.map_err(rm_err)?;
                self.objects.insert(
                    handle,
                    Obj {
                        client,
                        gpu: *gpu,
                        parent: parent_h,
                        size: rounded,
                    },
                );
                Ok(json!({"handle": handle, "size": rounded, "requested": size}))
            }
            Cmd::Free(h) | Cmd::VidHeapFree(h) => {
                let o = self.obj(*h)?;
                self.maps.remove(h);
                let ctl = self.ctl()?;
                let r = if matches!(cmd, Cmd::Free(_)) {
                    ctl.free(o.client, o.parent, *h)
                } else {
                    ctl.vid_heap_free(o.client, o.parent, *h)
                };
                r.map_err(rm_err)?;
                self.objects.remove(h);
                Ok(json!({}))
            }
            Cmd::FreeDevice(gpu) => {
                let client = self.client;
                let (d, _) = *self
                    .devices
                    .get(&(client, *gpu))
                    .ok_or_else(|| usage(format!("no device for GPU {gpu}")))?;
                self.ctl()?.free(client, client, d).map_err(rm_err)?;
                self.devices.remove(&(client, *gpu));
                self.objects
                    .retain(|_, o| !(o.client == client && o.gpu == *gpu));
                Ok(json!({}))
            }
            Cmd::FreeClient(c) => {
                let client = c.unwrap_or(self.client);
                self.ctl()?.free(client, client, client).map_err(rm_err)?;
                self.forget_client(client);
                Ok(json!({"client": client}))
            }
            Cmd::Dup { handle, new_client } => {
                let o = self.obj(*handle)?;
                let dst_client = if *new_client {
                    self.ctl()?.alloc_client(0).map_err(rm_err)?
                } else {
                    o.client
                };
                let parent = self.device_in(dst_client, o.gpu)?;
                let h = self.handle();
                let d = self
                    .ctl()?
                    .dup(dst_client, parent, h, o.client, *handle)
                    .map_err(rm_err)?;
                self.objects.insert(
                    d,
                    Obj {
                        client: dst_client,
                        gpu: o.gpu,
                        parent,
                        size: o.size,
                    },
                );
                Ok(json!({"handle": d, "client": dst_client}))
            }
            Cmd::FbInfo(gpu) => {
                let sub = self.subdevice(*gpu)?;
                let ctl = self.ctl()?;
                let v2 = fb_info_v2(ctl, self.client, sub).map_err(rm_err)?;
                let v1 = fb_info_v1(ctl, self.client, sub).map_err(rm_err)?;
                Ok(
                    json!({"total_kib": v2.total_kib, "free_kib": v2.free_kib, "heap_kib": v2.heap_kib,
                          "ram_kib": v2.ram_kib, "usable_kib": v2.usable_kib, "v1": v1}),
                )
            }
            Cmd::VidHeapInfo(gpu) => {
                self.ensure_open()?;
                let client = self.client;
                let d = self.device_in(client, *gpu)?;
                let (total, free) = self.ctl()?.vid_heap_info(client, d).map_err(rm_err)?;
                Ok(json!({"total": total, "free": free}))
            }
            Cmd::Map(h) => self.map(*h),
            Cmd::Unmap(h) => {
                let m = self
                    .maps
                    .remove(h)
                    .ok_or_else(|| usage(format!("{h:#x} is not mapped")))?;
                let (client, device, token) = (m.client, m.device, m.token);
                drop(m);
                self.ctl()?
                    .unmap_memory(client, device, *h, token)
                    .map_err(rm_err)?;
                Ok(json!({}))
            }
            Cmd::Write { handle, pattern } => {
                self.map(*handle)?;
                let m = &self.maps[handle];
                Pattern::new(pattern).write(&m.map);
                Ok(json!({"bytes": m.map.len()}))
            }
            Cmd::Verify { handle, pattern } => {
                self.map(*handle)?;
                let m = &self.maps[handle];
                match Pattern::new(pattern).verify(&m.map) {
                    None => Ok(json!({"bytes": m.map.len()})),
                    Some(off) => Err(json!({"ok": false, "error": "mismatch", "offset": off})),
                }
            }
            Cmd::Close => {
                if self.ctl.take().is_none() {
                    return Err(usage("nvidiactl is not open"));
                }
                self.client = 0;
                self.devices.clear();
                self.objects.clear();
                Ok(json!({}))
            }
            Cmd::CloseGpu(gpu) => {
                self.nodes
                    .remove(gpu)
                    .ok_or_else(|| usage(format!("/dev/nvidia{gpu} is not open")))?;
                Ok(json!({}))
            }
            Cmd::Sleep(ms) => {
                std::thread::sleep(Duration::from_millis(*ms));
                Ok(json!({}))
            }
            Cmd::Pid => Ok(json!({"pid": std::process::id()})),
            Cmd::Help => Ok(
                json!({"commands": ["open", "device", "subdevice", "alloc", "free", "vidheap-free",
                "free-device", "free-client", "dup", "fbinfo", "vidheap-info", "map", "unmap", "write",
                "verify", "close", "close-gpu", "sleep", "pid", "help", "exit"]}),
            ),
            Cmd::Exit => Ok(json!({})),
        }
    }
}

fn finish(cmd: &str, r: Reply) -> Value {
    let mut v = match r {
        Ok(v) => {
            let mut v = v;
            v["ok"] = json!(true);
            v
        }
        Err(v) => v,
    };
    v["cmd"] = json!(cmd);
    v
}

/// Run `session`.
pub fn run(_a: Args) -> Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut st = State::default();
    for line in stdin.lock().lines() {
        let line = line?;
        let (name, reply, exit) = match parse_line(&line) {
            Ok(None) => continue,
            Ok(Some(cmd)) => (cmd.name().to_string(), st.exec(&cmd), cmd == Cmd::Exit),
            Err(e) => (
                line.split_whitespace().next().unwrap_or("").to_string(),
                Err(usage(e)),
                false,
            ),
        };
        writeln!(out, "{}", finish(&name, reply))?;
        out.flush()?;
        if exit {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_comments() {
        assert_eq!(parse_line(""), Ok(None));
        assert_eq!(parse_line("   "), Ok(None));
        assert_eq!(parse_line("# hello"), Ok(None));
        assert_eq!(parse_line("open # comment"), Ok(Some(Cmd::Open)));
    }

    #[test]
    fn alloc_forms() {
        assert_eq!(
            parse_line("alloc 0 1G").unwrap().unwrap(),
            Cmd::Alloc {
                gpu: 0,
                size: 1 << 30,
                via: Via::RmAlloc,
                attr: 0,
                attr2: 0,
                parent: Parent::Device
            }
        );
        assert_eq!(
            parse_line("alloc 1 64KiB vidheap attr=0x1000000 parent=subdevice")
                .unwrap()
                .unwrap(),
            Cmd::Alloc {
                gpu: 1,
                size: 64 << 10,
                via: Via::VidHeap,
                attr: 0x100_0000,
                attr2: 0,
                parent: Parent::Subdevice
            }
        );
        assert!(matches!(
            parse_line("alloc 0 4096 range attr2=3").unwrap().unwrap(),
            Cmd::Alloc {
                via: Via::VidHeapRange,
                attr2: 3,
                ..
            }
        ));
        assert!(parse_line("alloc 0").is_err());
        assert!(parse_line("alloc 0 1G bogus").is_err());
        assert!(parse_line("alloc x 1G").is_err());
        assert!(parse_line("alloc 0 1Q").is_err());
        assert!(parse_line("alloc 0 1G parent=client").is_err());
    }

    #[test]
    fn other_commands() {
        assert_eq!(parse_line("device 1").unwrap(), Some(Cmd::Device(1)));
        assert_eq!(
            parse_line("free 0xcaf00001").unwrap(),
            Some(Cmd::Free(0xcaf0_0001))
        );
        assert_eq!(
            parse_line("free-client").unwrap(),
            Some(Cmd::FreeClient(None))
        );
        assert_eq!(
            parse_line("free-client 0xc1d00001").unwrap(),
            Some(Cmd::FreeClient(Some(0xc1d0_0001)))
        );
        assert_eq!(
            parse_line("dup 5").unwrap(),
            Some(Cmd::Dup {
                handle: 5,
                new_client: false
            })
        );
        assert_eq!(
            parse_line("dup 5 into-new-client").unwrap(),
            Some(Cmd::Dup {
                handle: 5,
                new_client: true
            })
        );
        assert!(parse_line("dup 5 somewhere").is_err());
        assert_eq!(
            parse_line("write 7 abc").unwrap(),
            Some(Cmd::Write {
                handle: 7,
                pattern: "abc".into()
            })
        );
        assert_eq!(
            parse_line("verify 7 abc").unwrap(),
            Some(Cmd::Verify {
                handle: 7,
                pattern: "abc".into()
            })
        );
        assert_eq!(parse_line("sleep 250").unwrap(), Some(Cmd::Sleep(250)));
        assert_eq!(parse_line("exit").unwrap(), Some(Cmd::Exit));
        assert_eq!(parse_line("close-gpu 0").unwrap(), Some(Cmd::CloseGpu(0)));
        assert!(parse_line("open now").is_err());
        assert!(parse_line("frobnicate").is_err());
        assert!(parse_line("fbinfo").is_err());
    }

    #[test]
    fn replies_have_ok_and_cmd() {
        let v = finish("pid", Ok(json!({"pid": 1})));
        assert_eq!(v["ok"], true);
        assert_eq!(v["cmd"], "pid");
        let v = finish("alloc", Err(NvError::Rm(0x51).to_json()));
        assert_eq!(v["ok"], false);
        assert_eq!(v["status"], "NV_ERR_NO_MEMORY");
        assert_eq!(v["code"], 81);
        assert_eq!(v["cmd"], "alloc");
    }

    #[test]
    fn commands_without_open_fail_cleanly() {
        let mut st = State::default();
        let r = st.exec(&Cmd::Free(1));
        assert!(r.is_err());
        let r = st.exec(&Cmd::Close);
        assert!(r.is_err());
        assert!(st.exec(&Cmd::Pid).is_ok());
    }
}
