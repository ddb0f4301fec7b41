//! The mock's fault injection and counters (debugfs), which vgpu's own
//! suites rely on.

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::status::*;

use super::util::*;
use super::{Check, Env};
use crate::debugfs;
use crate::rm::{fb_info_v2, Node, Pattern};
use crate::sys::Mapping;

pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "fault-fail-next", what: "fail_alloc N STATUS fails exactly the next N memory allocations with STATUS, on every path", run: fail_next },
        Check { name: "fault-delay", what: "delay NR USEC slows exactly that escape (also through XFER), and can be removed", run: delay },
        Check { name: "fault-revoke", what: "revoke zaps a GPU's mappings; the next access faults the same data back", run: revoke },
        Check { name: "debugfs-counters", what: "escapes, errors and rm_status count what happened; reset_counters zeroes them", run: counters },
    ]
}

fn fail_next(_: &Env) -> Result<()> {
    let _guard = FaultGuard;
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    debugfs::fail_alloc(2, NV_ERR_NO_MEMORY)?;
    eq(
        debugfs::fail_alloc_state()?,
        (2, NV_ERR_NO_MEMORY),
        "fail_alloc armed",
    )?;
    // Non-memory allocations do not consume it.
    ok(
        s.ctl.alloc_vaspace(s.client, s.device, 0),
        "vaspace while armed",
    )?;
    eq(
        debugfs::fail_alloc_state()?.0,
        2,
        "not consumed by a vaspace",
    )?;
    expect_status(s.vid(4096), NV_ERR_NO_MEMORY, "first injected failure")?;
    expect_status(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 4096, 0, 0, 0, false),
        NV_ERR_NO_MEMORY,
        "second injected failure (heap)",
    )?;
    eq(debugfs::fail_alloc_state()?.0, 0, "consumed")?;
    ok(s.vid(4096), "third allocation")?;
    debugfs::fail_alloc(1, NV_ERR_INSUFFICIENT_RESOURCES)?;
    expect_status(
        s.sys(4096),
        NV_ERR_INSUFFICIENT_RESOURCES,
        "injected status on sysmem",
    )?;
    ok(s.sys(4096), "after")?;
    debugfs::fail_alloc(5, NV_ERR_NO_MEMORY)?;
    debugfs::fail_alloc(0, 0)?;
    ok(s.vid(4096), "disarmed")?;
    eq(
        s.fb_used()? - used0,
        8192,
        "only the real allocations charged",
    )
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn delay(_: &Env) -> Result<()> {
    let _guard = FaultGuard;
    let s = setup(0)?;
    let d = Duration::from_millis(200);
    debugfs::delay(NV_ESC_RM_CONTROL, d.as_micros() as u64)?;
    eq(
        debugfs::delays()?.get(&NV_ESC_RM_CONTROL).copied(),
        Some(d.as_micros() as u64),
        "delay armed",
    )?;
    let (r, t) = timed(|| fb_info_v2(&s.ctl, s.client, s.subdevice));
    ok(r, "control while delayed")?;
    ensure!(t >= d, "delayed control took {t:?}, less than {d:?}");
    let (r, t) = timed(|| s.ctl.query_version());
    ok(r, "version query")?;
    ensure!(t < d, "an undelayed escape took {t:?}");
    debugfs::delay(NV_ESC_RM_CONTROL, 0)?;
    let (r, t) = timed(|| fb_info_v2(&s.ctl, s.client, s.subdevice));
    ok(r, "control after removal")?;
    ensure!(t < d, "control still delayed after removal ({t:?})");
    ensure!(debugfs::delays()?.is_empty(), "delay not removed");
    Ok(())
}

fn revoke(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let t = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "map",
    )?;
    let m = ok(
        Mapping::new(std::os::fd::AsFd::as_fd(&t), size as usize, 0, true, true),
        "mmap",
    )?;
    Pattern::new("rev").write(&m);
    let r0 = debugfs::gpu(0)?.revocations;
    debugfs::revoke(0)?;
    eq(debugfs::gpu(0)?.revocations - r0, 1, "revocations")?;
    eq(
        Pattern::new("rev").verify(&m),
        None,
        "data after the mapping faulted back",
    )?;
    Pattern::new("rev2").write(&m);
    debugfs::revoke(0)?;
    eq(
        Pattern::new("rev2").verify(&m),
        None,
        "writes after a revocation kept",
    )?;
    Ok(())
}

fn counters(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let e0 = debugfs::escapes()?;
    for _ in 0..5 {
        ok(s.ctl.card_info(4), "CARD_INFO")?;
    }
    let e1 = debugfs::escapes()?;
    eq(
        debugfs::delta(&e0, &e1, NV_ESC_CARD_INFO),
        5,
        "escapes count of CARD_INFO",
    )?;
    let st0 = debugfs::rm_status()?;
    let cap = debugfs::gpu(0)?.fb_total;
    expect_status(s.vid(cap * 2), NV_ERR_NO_MEMORY, "refused alloc")?;
    expect_status(
        s.ctl.free(0x0bad, 0x0bad, 0x0bad),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "bad free",
    )?;
    let st1 = debugfs::rm_status()?;
    eq(
        debugfs::delta(&st0, &st1, NV_ERR_NO_MEMORY),
        1,
        "rm_status NV_ERR_NO_MEMORY",
    )?;
    eq(
        debugfs::delta(&st0, &st1, NV_ERR_INVALID_OBJECT_HANDLE),
        1,
        "rm_status NV_ERR_INVALID_OBJECT_HANDLE",
    )?;
    let er0 = debugfs::errors()?["einval"];
    let mut b = [0u8; 16];
    let _ = s.ctl.ioctl_sized(NV_ESC_RM_FREE, 15, &mut b);
    eq(debugfs::errors()?["einval"] - er0, 1, "errors einval")?;
    std::fs::write(format!("{}/reset_counters", debugfs::DIR), "1\n")?;
    let e2 = debugfs::escapes()?;
    ensure!(e2.values().all(|&n| n == 0), "escapes not zeroed: {e2:?}");
    ensure!(
        debugfs::rm_status()?.values().all(|&n| n == 0),
        "rm_status not zeroed"
    );
    eq(debugfs::errors()?["einval"], 0, "einval zeroed")?;
    Ok(())
}
