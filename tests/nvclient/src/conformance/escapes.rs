//! The "nv" escapes and the ioctl entry rules (reference §1.2, §1.3, §2).

use anyhow::{bail, ensure, Result};
use nix::errno::Errno;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;

use super::util::*;
use super::{Check, Env};
use crate::debugfs;
use crate::rm::{c_string, Node};
use crate::sys::{bytes_of, bytes_of_mut, from_bytes, Link};

pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "version-query", what: "CHECK_VERSION_STR '2' returns RECOGNIZED and 595.45.04", run: version_query },
        Check { name: "version-strict", what: "CHECK_VERSION_STR 0: exact match OK; mismatch -EINVAL with the driver's string copied back", run: version_strict },
        Check { name: "version-relaxed", what: "CHECK_VERSION_STR '1' compares up to the first '.'", run: version_relaxed },
        Check { name: "card-info", what: "CARD_INFO entries: valid, PCI ids, gpu_id, minor, BAR1 = framebuffer", run: card_info },
        Check { name: "card-info-too-few", what: "CARD_INFO with fewer entries than GPUs: -EINVAL, entries zeroed", run: card_info_too_few },
        Check { name: "escape-sizes", what: "every known escape with any size but its own: -EINVAL (RM_ALLOC: NVOS21 or NVOS64 only)", run: escape_sizes },
        Check { name: "array-escape-sizes", what: "CARD_INFO and ATTACH_GPUS_TO_FD: zero or non-multiple sizes -EINVAL, multiples accepted", run: array_escape_sizes },
        Check { name: "unknown-nr", what: "every nr outside the escape table: -EINVAL", run: unknown_nr },
        Check { name: "type-and-dir-ignored", what: "only _IOC_NR and _IOC_SIZE are decoded: another type/direction still works", run: type_and_dir_ignored },
        Check { name: "wrong-node-ctl-only", what: "ctl-only escapes on /dev/nvidiaN: -EINVAL (and accepted on nvidiactl); NV01_EVENT classes on any node", run: wrong_node_ctl_only },
        Check { name: "wrong-node-gpu-only", what: "RM_ALLOC_MEMORY and QUERY_DEVICE_INTR on nvidiactl: -EINVAL", run: wrong_node_gpu_only },
        Check { name: "xfer", what: "XFER_CMD unwraps once: inner escape runs, inner size > 16384 -EINVAL, handler size checks, no nesting", run: xfer },
        Check { name: "sys-params", what: "SYS_PARAMS: memblock size set once, a different later value -EBUSY", run: sys_params },
        Check { name: "attach-gpus", what: "ATTACH_GPUS_TO_FD: once per fd, unknown ids -EINVAL, zero ids skipped", run: attach_gpus },
        Check { name: "wait-open-complete", what: "WAIT_OPEN_COMPLETE on any node: rc 0, adapter status NV_OK", run: wait_open_complete },
        Check { name: "os-events", what: "ALLOC/FREE_OS_EVENT: one per (client, fd), unknown free NV_ERR_INVALID_EVENT, freed with the client", run: os_events },
        Check { name: "status-code", what: "STATUS_CODE: a GPU's PCI location NV_OK, an unknown one -EINVAL", run: status_code },
        Check { name: "copy-back-on-failure", what: "RM failures: ioctl 0, status set, other fields unchanged, params not copied out", run: copy_back },
    ]
}

fn version_query(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    let (r, p) = ctl.check_version_raw(NV_RM_API_VERSION_CMD_QUERY, "");
    eq(r, Ok(0), "ioctl")?;
    eq(p.reply, NV_RM_API_VERSION_REPLY_RECOGNIZED, "reply")?;
    eq(
        c_string(&p.version_string).as_str(),
        NV_VERSION_STRING,
        "version string",
    )
}

fn version_strict(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    let (r, p) = ctl.check_version_raw(NV_RM_API_VERSION_CMD_STRICT, NV_VERSION_STRING);
    eq(r, Ok(0), "exact version")?;
    eq(p.reply, NV_RM_API_VERSION_REPLY_RECOGNIZED, "reply")?;
    for bad in ["595.45.03", "595.45.040", "595.45", "", "1.0"] {
        let (r, p) = ctl.check_version_raw(NV_RM_API_VERSION_CMD_STRICT, bad);
        eq(r, Err(Errno::EINVAL), &format!("strict {bad:?}"))?;
        eq(
            p.reply,
            NV_RM_API_VERSION_REPLY_RECOGNIZED,
            "reply after mismatch",
        )?;
        eq(
            c_string(&p.version_string).as_str(),
            NV_VERSION_STRING,
            "string copied back on mismatch",
        )?;
    }
    Ok(())
}

fn version_relaxed(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    for good in ["595.45.04", "595.00.00", "595.", "595.anything"] {
        let (r, _) = ctl.check_version_raw(NV_RM_API_VERSION_CMD_RELAXED, good);
        eq(r, Ok(0), &format!("relaxed {good:?}"))?;
    }
    for bad in ["596.45.04", "59.45.04", "5950.1", "595"] {
        let (r, _) = ctl.check_version_raw(NV_RM_API_VERSION_CMD_RELAXED, bad);
        eq(r, Err(Errno::EINVAL), &format!("relaxed {bad:?}"))?;
    }
    Ok(())
}

fn card_info(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    for n in [env.gpus as usize, 32] {
        let cards = ok(ctl.card_info(n), &format!("CARD_INFO x{n}"))?;
        eq(cards.len(), n, "entries")?;
        for (i, c) in cards.iter().enumerate() {
            if i >= env.gpus as usize {
                eq(c.valid, 0, &format!("entry {i} valid"))?;
                continue;
            }
            eq(c.valid, 1, &format!("entry {i} valid"))?;
            eq(c.pci_info.vendor_id, 0x10de, "vendor id")?;
            eq(c.pci_info.domain, 0, "domain")?;
            let id =
                (c.pci_info.domain << 16) | ((c.pci_info.bus as u32) << 8) | c.pci_info.slot as u32;
            eq(c.gpu_id, id, "gpu_id = (domain<<16)|(bus<<8)|slot")?;
            ensure!(
                c.minor_number < env.gpus,
                "minor {} out of range",
                c.minor_number
            );
            let st = debugfs::gpu(c.minor_number)?;
            eq(c.gpu_id, st.gpu_id, "gpu_id vs debugfs")?;
            eq(
                c.fb_size,
                st.fb_total,
                "fb_size (BAR1 spans the framebuffer)",
            )?;
            ensure!(
                c.fb_address != 0 && c.reg_address != 0,
                "BAR addresses missing"
            );
            ensure!(
                std::path::Path::new(&crate::rm::gpu_path(c.minor_number)).exists(),
                "no /dev/nvidia{}",
                c.minor_number
            );
        }
    }
    Ok(())
}

fn card_info_too_few(env: &Env) -> Result<()> {
    if env.gpus < 2 {
        return Ok(());
    }
    let ctl = ok(Node::ctl(), "open")?;
    let n = env.gpus as usize - 1;
    let size = n * 72;
    let mut buf = vec![0xa5u8; size];
    eq(
        ctl.ioctl_sized(NV_ESC_CARD_INFO, size, &mut buf),
        Err(Errno::EINVAL),
        "too few entries",
    )?;
    ensure!(
        buf.iter().all(|&b| b == 0),
        "entries not zeroed on the copy-back"
    );
    Ok(())
}

fn escape_sizes(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    let before = debugfs::errors()?["einval"];
    let mut tried = 0i64;
    for nr in 0..=255u32 {
        let Some(ps) = escape_param_size(nr) else {
            continue;
        };
        let sizes: Vec<usize> = match ps {
            ParamSize::Exact(n) => vec![0, n.saturating_sub(1), n + 1, n + 8, n * 2],
            ParamSize::OneOf(a, b) => vec![0, a - 1, a + 1, (a + b) / 2, b - 1, b + 1, b * 2],
            ParamSize::ArrayOf(_) => continue, // array-escape-sizes
        };
        // The right node, so that only the size is wrong.
        let node = if escape_node(nr) == Some(NodeKind::Dev) {
            &gpu
        } else {
            &ctl
        };
        for size in sizes {
            if ps.accepts(size) || size > NV_IOC_SIZEMASK as usize {
                continue;
            }
            let mut buf = vec![0u8; size.max(64) + 64];
            let r = node.ioctl_sized(nr, size, &mut buf);
            tried += 1;
            if r != Err(Errno::EINVAL) {
                bail!("escape {nr:#x} with size {size}: expected EINVAL, got {r:?}");
            }
        }
    }
    let after = debugfs::errors()?["einval"];
    eq(after - before, tried, "debugfs einval count")
}

fn array_escape_sizes(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    for size in [0usize, 1, 71, 73, 143, 145, 72 * 32 + 4] {
        let mut buf = vec![0u8; size + 64];
        eq(
            ctl.ioctl_sized(NV_ESC_CARD_INFO, size, &mut buf),
            Err(Errno::EINVAL),
            &format!("CARD_INFO size {size}"),
        )?;
    }
    let mut buf = vec![0u8; 72 * 40];
    eq(
        ctl.ioctl_sized(NV_ESC_CARD_INFO, 72 * 40, &mut buf),
        Ok(0),
        "CARD_INFO 40 entries",
    )?;
    for size in [0usize, 1, 2, 3, 5, 6, 7, 9] {
        let fresh = ok(Node::ctl(), "open ctl")?;
        let mut buf = vec![0u8; 64];
        eq(
            fresh.ioctl_sized(NV_ESC_ATTACH_GPUS_TO_FD, size, &mut buf),
            Err(Errno::EINVAL),
            &format!("ATTACH size {size}"),
        )?;
    }
    for n in 1..=3usize {
        let fresh = ok(Node::ctl(), "open ctl")?;
        let ids: Vec<u32> = (0..n)
            .map(|i| if i == 0 { env.cards[0].gpu_id } else { 0 })
            .collect();
        eq(fresh.attach_gpus(&ids), Ok(()), &format!("ATTACH {n} ids"))?;
    }
    Ok(())
}

fn unknown_nr(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    let mut n = 0;
    for nr in 0..=255u32 {
        if escape_param_size(nr).is_some() {
            continue;
        }
        for (node, which) in [(&ctl, "ctl"), (&gpu, "gpu")] {
            for size in [0usize, 8, 32] {
                let mut buf = vec![0u8; 64];
                let r = node.ioctl_sized(nr, size, &mut buf);
                if r != Err(Errno::EINVAL) {
                    bail!("unknown nr {nr:#x} size {size} on {which}: expected EINVAL, got {r:?}");
                }
                n += 1;
            }
        }
    }
    ensure!(n > 0);
    Ok(())
}

fn type_and_dir_ignored(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let mut p = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    // Type 'X', direction _IOR: the driver looks at nr and size only.
    let cmd = (2u32 << 30) | ((72u32) << 16) | ((b'X' as u32) << 8) | NV_ESC_CHECK_VERSION_STR;
    let r = ctl.ioctl_linked(cmd, &mut [bytes_of_mut(&mut p)], &[]);
    eq(r, Ok(0), "CHECK_VERSION_STR with type 'X', dir READ")?;
    eq(
        c_string(&p.version_string).as_str(),
        NV_VERSION_STRING,
        "version",
    )?;
    // No direction bits at all.
    let mut p = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    let cmd = (72u32 << 16) | (0x12 << 8) | NV_ESC_CHECK_VERSION_STR;
    eq(
        ctl.ioctl_linked(cmd, &mut [bytes_of_mut(&mut p)], &[]),
        Ok(0),
        "CHECK_VERSION_STR with _IOC_NONE",
    )?;
    eq(p.reply, NV_RM_API_VERSION_REPLY_RECOGNIZED, "reply")
}

fn zeroed(size: usize) -> Vec<u8> {
    vec![0u8; size + 64]
}

fn wrong_node_ctl_only(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    // (nr, size, contents that nvidiactl accepts at the ioctl level)
    let mut cases: Vec<(u32, usize, Vec<u8>)> = Vec::new();
    let mut alloc = Nvos21Parameters {
        h_class: NV01_MEMORY_LOCAL_USER,
        ..Default::default()
    };
    cases.push((NV_ESC_RM_ALLOC, 32, bytes_of(&alloc).to_vec()));
    alloc.h_class = NV01_ROOT_CLIENT;
    cases.push((NV_ESC_RM_ALLOC, 32, bytes_of(&alloc).to_vec()));
    cases.push((NV_ESC_RM_ALLOC, 48, zeroed(48)));
    cases.push((NV_ESC_RM_FREE, 16, zeroed(16)));
    cases.push((NV_ESC_RM_CONTROL, 32, zeroed(32)));
    cases.push((NV_ESC_RM_DUP_OBJECT, 28, zeroed(28)));
    cases.push((NV_ESC_RM_VID_HEAP_CONTROL, 184, zeroed(184)));
    cases.push((NV_ESC_RM_MAP_MEMORY, 56, zeroed(56)));
    cases.push((NV_ESC_RM_UNMAP_MEMORY, 32, zeroed(32)));
    cases.push((NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO, 40, zeroed(40)));
    cases.push((NV_ESC_CARD_INFO, 72 * 32, zeroed(72 * 32)));
    let q = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    cases.push((NV_ESC_CHECK_VERSION_STR, 72, bytes_of(&q).to_vec()));
    let sp = NvIoctlSysParams {
        memblock_size: MEMBLOCK,
    };
    cases.push((NV_ESC_SYS_PARAMS, 8, bytes_of(&sp).to_vec()));
    let sc = NvIoctlStatusCode {
        domain: 0,
        bus: env.cards[0].pci_info.bus,
        slot: 0,
        ..Default::default()
    };
    cases.push((NV_ESC_STATUS_CODE, 12, bytes_of(&sc).to_vec()));
    for (nr, size, data) in &cases {
        let mut b = data.clone();
        b.resize(size + 64, 0);
        eq(
            gpu.ioctl_sized(*nr, *size, &mut b),
            Err(Errno::EINVAL),
            &format!("escape {nr:#x} ({size} B) on /dev/nvidia0"),
        )?;
        let mut b = data.clone();
        b.resize(size + 64, 0);
        eq(
            ctl.ioctl_sized(*nr, *size, &mut b),
            Ok(0),
            &format!("escape {nr:#x} ({size} B) on nvidiactl"),
        )?;
    }
    // ATTACH_GPUS_TO_FD: once per fd, so a fresh ctl for the good case.
    let ids = env.cards[0].gpu_id.to_ne_bytes();
    let mut b = ids.to_vec();
    eq(
        gpu.ioctl_sized(NV_ESC_ATTACH_GPUS_TO_FD, 4, &mut b),
        Err(Errno::EINVAL),
        "ATTACH_GPUS_TO_FD on /dev/nvidia0",
    )?;
    // NV01_EVENT_OS_EVENT may be allocated through any node: no -EINVAL.
    let mut ev = Nvos21Parameters {
        h_class: NV01_EVENT_OS_EVENT,
        ..Default::default()
    };
    eq(
        gpu.escape(NV_ESC_RM_ALLOC, &mut ev),
        Ok(0),
        "RM_ALLOC of an NV01_EVENT class on /dev/nvidia0",
    )?;
    ensure!(
        ev.status != NV_OK,
        "event alloc without parameters succeeded"
    );
    Ok(())
}

/// The memblock size the suite uses for SYS_PARAMS (128 MiB, x86_64's).
pub const MEMBLOCK: u64 = 128 << 20;

fn wrong_node_gpu_only(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    let mut p = NvIoctlNvos02ParametersWithFd::default();
    eq(
        ctl.alloc_memory_os02_raw(&mut p),
        Err(Errno::EINVAL),
        "RM_ALLOC_MEMORY on nvidiactl",
    )?;
    let mut p = NvIoctlNvos02ParametersWithFd::default();
    eq(
        gpu.alloc_memory_os02_raw(&mut p),
        Ok(0),
        "RM_ALLOC_MEMORY on /dev/nvidia0",
    )?;
    ensure!(p.params.status != NV_OK, "a zeroed ALLOC_MEMORY succeeded");
    let mut q = NvIoctlQueryDeviceIntr::default();
    eq(
        ctl.escape(NV_ESC_QUERY_DEVICE_INTR, &mut q),
        Err(Errno::EINVAL),
        "QUERY_DEVICE_INTR on nvidiactl",
    )?;
    let mut q = NvIoctlQueryDeviceIntr {
        intr_status: 7,
        status: 7,
    };
    eq(
        gpu.escape(NV_ESC_QUERY_DEVICE_INTR, &mut q),
        Ok(0),
        "QUERY_DEVICE_INTR on /dev/nvidia0",
    )?;
    eq(
        (q.intr_status, q.status),
        (0, NV_OK),
        "QUERY_DEVICE_INTR reply",
    )
}

/// XFER of `inner` (size `size`, escape `nr`) on `node`; `inner` comes
/// back with what the driver copied out.
fn do_xfer(node: &Node, nr: u32, size: u32, inner: &mut [u8]) -> Result<i32, Errno> {
    let mut x = NvIoctlXfer {
        cmd: nr,
        size,
        ptr: 0,
    };
    let mut outer = bytes_of(&x).to_vec();
    let r = node.ioctl_linked(
        nv_iowr(NV_ESC_IOCTL_XFER_CMD, 16),
        &mut [&mut outer, inner],
        &[Link {
            from: 0,
            offset: 8,
            to: 1,
        }],
    );
    x = from_bytes(&outer);
    debug_assert_eq!(x.cmd, nr);
    r
}

fn xfer(env: &Env) -> Result<()> {
    let _ = env;
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    let esc0 = debugfs::escapes()?;
    // The inner escape runs and its result is copied back.
    let mut q = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    eq(
        do_xfer(&ctl, NV_ESC_CHECK_VERSION_STR, 72, bytes_of_mut(&mut q)),
        Ok(0),
        "XFER(CHECK_VERSION_STR)",
    )?;
    eq(
        c_string(&q.version_string).as_str(),
        NV_VERSION_STRING,
        "XFER'd version string",
    )?;
    let esc1 = debugfs::escapes()?;
    eq(
        debugfs::delta(&esc0, &esc1, NV_ESC_IOCTL_XFER_CMD),
        1,
        "debugfs XFER count",
    )?;
    eq(
        debugfs::delta(&esc0, &esc1, NV_ESC_CHECK_VERSION_STR),
        1,
        "debugfs inner escape count",
    )?;
    // An RM escape through XFER reports RM status normally.
    let mut f = Nvos00Parameters {
        h_root: 0x1234_5678,
        ..Default::default()
    };
    eq(
        do_xfer(&ctl, NV_ESC_RM_FREE, 16, bytes_of_mut(&mut f)),
        Ok(0),
        "XFER(RM_FREE)",
    )?;
    eq(
        f.status,
        NV_ERR_INVALID_OBJECT_HANDLE,
        "XFER(RM_FREE) status",
    )?;
    // Inner size above NV_ABSOLUTE_MAX_IOCTL_SIZE.
    let mut big = vec![0u8; 16385 + 64];
    eq(
        do_xfer(&ctl, NV_ESC_CARD_INFO, 16385, &mut big),
        Err(Errno::EINVAL),
        "XFER inner size 16385",
    )?;
    // 16384 is allowed through XFER, the handler's own size check applies.
    let mut big = vec![0u8; 16384 + 64];
    eq(
        do_xfer(&ctl, NV_ESC_RM_FREE, 16384, &mut big),
        Err(Errno::EINVAL),
        "XFER(RM_FREE) with inner size 16384",
    )?;
    let mut small = vec![0u8; 64];
    eq(
        do_xfer(&ctl, NV_ESC_RM_CONTROL, 31, &mut small),
        Err(Errno::EINVAL),
        "XFER(RM_CONTROL) with inner size 31",
    )?;
    // The inner escape's node rule applies.
    let mut q = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    eq(
        do_xfer(&gpu, NV_ESC_CHECK_VERSION_STR, 72, bytes_of_mut(&mut q)),
        Err(Errno::EINVAL),
        "XFER(CHECK_VERSION_STR) on /dev/nvidia0",
    )?;
    // XFER is not unwrapped twice.
    let mut inner_q = NvIoctlRmApiVersion {
        cmd: NV_RM_API_VERSION_CMD_QUERY,
        ..Default::default()
    };
    let inner_x = NvIoctlXfer {
        cmd: NV_ESC_CHECK_VERSION_STR,
        size: 72,
        ptr: 0,
    };
    let mut outer = bytes_of(&NvIoctlXfer {
        cmd: NV_ESC_IOCTL_XFER_CMD,
        size: 16,
        ptr: 0,
    })
    .to_vec();
    let mut mid = bytes_of(&inner_x).to_vec();
    let r = ctl.ioctl_linked(
        nv_iowr(NV_ESC_IOCTL_XFER_CMD, 16),
        &mut [&mut outer, &mut mid, bytes_of_mut(&mut inner_q)],
        &[
            Link {
                from: 0,
                offset: 8,
                to: 1,
            },
            Link {
                from: 1,
                offset: 8,
                to: 2,
            },
        ],
    );
    eq(r, Err(Errno::EINVAL), "XFER inside XFER")?;
    eq(inner_q.reply, 0, "nested XFER's inner escape ran")?;
    // Outer size must be exactly 16.
    for size in [0usize, 8, 15, 17, 24] {
        let mut b = vec![0u8; 64];
        eq(
            ctl.ioctl_sized(NV_ESC_IOCTL_XFER_CMD, size, &mut b),
            Err(Errno::EINVAL),
            &format!("XFER outer size {size}"),
        )?;
    }
    Ok(())
}

fn sys_params(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    let gpu = ok(Node::gpu(0), "open gpu")?;
    eq(
        ctl.sys_params(MEMBLOCK),
        Ok(()),
        "SYS_PARAMS (first or same value)",
    )?;
    eq(
        ctl.sys_params(MEMBLOCK),
        Ok(()),
        "SYS_PARAMS same value again",
    )?;
    expect_errno(
        ctl.sys_params(MEMBLOCK / 2),
        Errno::EBUSY,
        "SYS_PARAMS with another value",
    )?;
    expect_errno(
        gpu.sys_params(MEMBLOCK),
        Errno::EINVAL,
        "SYS_PARAMS on /dev/nvidia0",
    )
}

fn attach_gpus(env: &Env) -> Result<()> {
    let ids: Vec<u32> = env.cards.iter().map(|c| c.gpu_id).collect();
    let a = ok(Node::ctl(), "open ctl")?;
    eq(a.attach_gpus(&ids), Ok(()), "ATTACH every GPU")?;
    expect_errno(
        a.attach_gpus(&ids),
        Errno::EINVAL,
        "second ATTACH on the same fd",
    )?;
    let b = ok(Node::ctl(), "open ctl")?;
    expect_errno(
        b.attach_gpus(&[0xdead]),
        Errno::EINVAL,
        "ATTACH of an unknown id",
    )?;
    let mut with_unknown = ids.clone();
    with_unknown.push(0xbeef00);
    let c = ok(Node::ctl(), "open ctl")?;
    expect_errno(
        c.attach_gpus(&with_unknown),
        Errno::EINVAL,
        "ATTACH with one unknown id",
    )?;
    eq(
        c.attach_gpus(&[0, ids[0]]),
        Ok(()),
        "ATTACH with a zero id after a refused one",
    )
}

fn wait_open_complete(_: &Env) -> Result<()> {
    for node in [ok(Node::ctl(), "open ctl")?, ok(Node::gpu(0), "open gpu")?] {
        let r = ok(node.wait_open_complete(), "WAIT_OPEN_COMPLETE")?;
        eq((r.rc, r.adapter_status), (0, NV_OK), "rc, adapterStatus")?;
    }
    Ok(())
}

fn os_events(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let ev0 = debugfs::live()?["events"];
    ok(
        s.ctl.alloc_os_event(s.client, s.device, 7),
        "ALLOC_OS_EVENT",
    )?;
    expect_status(
        s.ctl.alloc_os_event(s.client, s.device, 7),
        NV_ERR_INSUFFICIENT_RESOURCES,
        "second event on the same (client, fd)",
    )?;
    ok(
        s.ctl.alloc_os_event(s.client, s.device, 8),
        "ALLOC_OS_EVENT other fd key",
    )?;
    ok(
        s.gpu_node.alloc_os_event(s.client, s.device, 9),
        "ALLOC_OS_EVENT on /dev/nvidia0",
    )?;
    eq(debugfs::live()?["events"] - ev0, 3, "debugfs events")?;
    ok(s.ctl.free_os_event(s.client, s.device, 7), "FREE_OS_EVENT")?;
    expect_status(
        s.ctl.free_os_event(s.client, s.device, 7),
        NV_ERR_INVALID_EVENT,
        "FREE_OS_EVENT twice",
    )?;
    expect_status(
        s.ctl.free_os_event(s.client, s.device, 1234),
        NV_ERR_INVALID_EVENT,
        "FREE_OS_EVENT of an unknown key",
    )?;
    eq(
        debugfs::live()?["events"] - ev0,
        2,
        "debugfs events after free",
    )?;
    ok(s.ctl.free(s.client, s.client, s.client), "free client")?;
    eq(
        debugfs::live()?["events"] - ev0,
        0,
        "events freed with their client",
    )
}

fn status_code(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open ctl")?;
    for c in &env.cards {
        let mut p = NvIoctlStatusCode {
            domain: 0,
            bus: c.pci_info.bus,
            slot: 0,
            status: 0xdead,
            ..Default::default()
        };
        eq(
            ctl.escape(NV_ESC_STATUS_CODE, &mut p),
            Ok(0),
            "STATUS_CODE of a GPU",
        )?;
        eq(p.status, NV_OK, "status")?;
    }
    let mut p = NvIoctlStatusCode {
        domain: 0,
        bus: 0xee,
        slot: 3,
        ..Default::default()
    };
    eq(
        ctl.escape(NV_ESC_STATUS_CODE, &mut p),
        Err(Errno::EINVAL),
        "STATUS_CODE of no GPU",
    )
}

fn copy_back(_: &Env) -> Result<()> {
    let s = setup(0)?;
    // RM_ALLOC naming an unknown client.
    let mut params = [0x5au8; 256];
    let mut p = Nvos21Parameters {
        h_root: 0x0bad_c11e,
        h_object_parent: 0x1111,
        h_object_new: 0x2222,
        h_class: NV01_MEMORY_LOCAL_USER,
        params_size: 0x56,
        status: 0xdead_beef,
        ..Default::default()
    };
    let before = p;
    eq(
        s.ctl.alloc_raw(&mut p, Some(&mut params)),
        Ok(0),
        "RM_ALLOC ioctl",
    )?;
    eq(p.status, NV_ERR_INVALID_OBJECT_HANDLE, "RM_ALLOC status")?;
    let mut want = before;
    want.status = p.status;
    want.p_alloc_parms = p.p_alloc_parms;
    eq(p, want, "RM_ALLOC other fields")?;
    ensure!(
        params.iter().all(|&b| b == 0x5a),
        "allocation parameters written on failure"
    );
    // RM_FREE of an unknown client.
    let mut f = Nvos00Parameters {
        h_root: 0x0bad_c11e,
        h_object_parent: 0x77,
        h_object_old: 0x88,
        status: 0x1234,
    };
    eq(s.ctl.escape(NV_ESC_RM_FREE, &mut f), Ok(0), "RM_FREE ioctl")?;
    eq(
        f,
        Nvos00Parameters {
            status: NV_ERR_INVALID_OBJECT_HANDLE,
            ..Nvos00Parameters {
                h_root: 0x0bad_c11e,
                h_object_parent: 0x77,
                h_object_old: 0x88,
                status: 0,
            }
        },
        "RM_FREE copied back",
    )?;
    // RM_CONTROL with a wrong paramsSize: params untouched.
    let mut buf = [0xc3u8; 1100];
    let mut c = Nvos54Parameters {
        h_client: s.client,
        h_object: s.subdevice,
        cmd: vgpu_uapi::nvidia::ctrl::NV2080_CTRL_CMD_FB_GET_INFO_V2,
        params_size: 1027,
        status: 0x4242,
        flags: 0,
        ..Default::default()
    };
    let cb = c;
    eq(
        s.ctl.control_raw(&mut c, Some(&mut buf)),
        Ok(0),
        "RM_CONTROL ioctl",
    )?;
    eq(c.status, NV_ERR_INVALID_PARAM_STRUCT, "RM_CONTROL status")?;
    eq(
        (c.h_client, c.h_object, c.cmd, c.flags, c.params_size),
        (cb.h_client, cb.h_object, cb.cmd, cb.flags, cb.params_size),
        "RM_CONTROL other fields",
    )?;
    ensure!(
        buf.iter().all(|&b| b == 0xc3),
        "control parameters written on failure"
    );
    // VID_HEAP_CONTROL FREE without MEMORY_HANDLE_PROVIDED.
    let mut v = Nvos32FreeParameters {
        h_root: s.client,
        h_object_parent: s.device,
        function: NVOS32_FUNCTION_FREE,
        h_va_space: 0x99,
        ..Default::default()
    };
    v.data.h_memory = 0x4444;
    v.data.owner = 0x5555;
    let vb = v;
    eq(s.ctl.vid_heap_raw(&mut v), Ok(0), "VID_HEAP ioctl")?;
    eq(
        v.status,
        NV_ERR_INVALID_ARGUMENT,
        "VID_HEAP FREE without the flag",
    )?;
    let mut vw = vb;
    vw.status = v.status;
    eq(v, vw, "VID_HEAP other fields")?;
    // MAP_MEMORY of an unknown object: status set, caching type forced.
    let mut m = NvIoctlNvos33ParametersWithFd {
        params: Nvos33Parameters {
            h_client: s.client,
            h_device: s.device,
            h_memory: 0x7777,
            offset: 0,
            length: 4096,
            flags: NVOS33_FLAGS_CACHING_TYPE.num(NVOS33_FLAGS_CACHING_TYPE_CACHED),
            ..Default::default()
        },
        fd: s.gpu_node.raw(),
        ..Default::default()
    };
    eq(s.ctl.map_memory_raw(&mut m), Ok(0), "MAP_MEMORY ioctl")?;
    eq(
        m.params.status,
        NV_ERR_OBJECT_NOT_FOUND,
        "MAP_MEMORY status",
    )?;
    eq(
        NVOS33_FLAGS_CACHING_TYPE.get(m.params.flags),
        NVOS33_FLAGS_CACHING_TYPE_DEFAULT,
        "caching type forced to DEFAULT",
    )?;
    eq(
        (m.fd, m.params.h_memory, m.params.length),
        (s.gpu_node.raw(), 0x7777, 4096),
        "MAP_MEMORY other fields",
    )
}
