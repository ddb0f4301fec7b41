//! `nvclient engine-check`: small scenarios of the submission path that a
//! test suite asserts on (doorbells, semaphore ordering across engines,
//! scheduling, channel errors, teardown while busy). Each prints one JSON
//! object with `"ok"` and what it saw; the suite checks the driver's ground
//! truth (debugfs) besides.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use vgpu_uapi::nvidia::alloc_params::{NV2080_ENGINE_TYPE_COPY0, NV2080_ENGINE_TYPE_GRAPHICS};
use vgpu_uapi::nvidia::hw::NVC56F_GP_ENTRY1_OPCODE_ILLEGAL;
use vgpu_uapi::nvidia::status::NV_ERR_INVALID_STATE;

use crate::gpu::{self, Channel, Ctx, Userd, COMPUTE_CLASS, COPY_CLASS, SUBCH_COPY};
use crate::rm::{NvError, Pattern};

/// The scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Check {
    /// Work written (GPFIFO entry, GPPut) without a doorbell does not run
    /// on an idle channel; the doorbell starts it.
    Doorbell,
    /// A compute channel waits (semaphore acquire) for a copy channel's
    /// copy and semaphore release; the copy is verified.
    Order,
    /// An unscheduled TSG does not run until scheduled; a TSG whose GR
    /// channel is not registered with UVM cannot be scheduled.
    Unscheduled,
    /// An illegal GPFIFO entry faults only its channel.
    BadEntry,
    /// A pushbuffer at an unmapped GPU VA faults only its channel.
    BadVa,
    /// Freeing a busy channel, then a busy TSG, returns promptly.
    Teardown,
}

/// The long help of the subcommand.
pub const LONG_HELP: &str = "Run one scenario of the GPU submission path and print a JSON object \
with \"ok\" and the observations (handles, tokens, GPGet values, timestamps). doorbell: no run \
without a doorbell on an idle channel; order: compute waits for copy through a semaphore; \
unscheduled: no run until GPFIFO_SCHEDULE, and scheduling an unregistered GR channel is refused; \
bad-entry / bad-va: only the faulting channel stops; teardown: freeing a busy channel and a busy \
TSG. Exit status 0 when ok.";

/// Arguments of `engine-check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scenario.
    #[arg(value_enum)]
    pub check: Check,
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Where the channels' USERD lives.
    #[arg(long, value_enum, default_value = "vidmem")]
    pub userd: Userd,
}

const T: Duration = Duration::from_secs(10);

fn gr(ctx: &mut Ctx, userd: Userd, channels: usize) -> Result<(u32, Vec<Channel>)> {
    let tsg = ctx.tsg(NV2080_ENGINE_TYPE_GRAPHICS).context("TSG")?;
    let share = ctx.ctxshare(tsg).context("context share")?;
    let mut v = Vec::new();
    for _ in 0..channels {
        v.push(ctx.channel(tsg, share, userd, &[COMPUTE_CLASS], true)?);
    }
    Ok((tsg, v))
}

fn sem_end(ch: &Channel, pair: u32) -> (u64, u64) {
    Channel::sem_at(&ch.work.map, ch.sem_off(pair) + 16)
}

fn doorbell(ctx: &mut Ctx, userd: Userd) -> Result<serde_json::Value> {
    let (tsg, mut chs) = gr(ctx, userd, 1)?;
    ctx.schedule(tsg, true)?;
    let ch = &mut chs[0];
    let put = ch.stage(&gpu::sem_release(ch.sem_va(0) + 16, 7, true))?;
    ch.write_put(put);
    std::thread::sleep(Duration::from_millis(300));
    let before = (ch.gp_get(), sem_end(ch, 0).0);
    let t0 = gpu::realtime_ns();
    ch.ring(&ctx.doorbell);
    let ts = gpu::wait_sem(&ch.work.map, ch.sem_off(0) + 16, 7, T);
    let deadline = Instant::now() + T;
    while ch.gp_get() != put && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
    let after = ch.gp_get();
    Ok(json!({
        "ok": before == (0, 0) && ts.is_some() && after == put,
        "client": ctx.s.client, "channel": ch.handle, "token": ch.token,
        "put": put, "gpget_before_ring": before.0, "sem_before_ring": before.1,
        "gpget_after_ring": after, "ring_to_done_ns": ts.map(|t| t.saturating_sub(t0)),
    }))
}

fn order(ctx: &mut Ctx, userd: Userd) -> Result<serde_json::Value> {
    const SIZE: u64 = 1 << 20;
    let (gtsg, mut gch) = gr(ctx, userd, 1)?;
    let ctsg = ctx.tsg(NV2080_ENGINE_TYPE_COPY0).context("copy TSG")?;
    let cshare = ctx.ctxshare(ctsg)?;
    let mut cch = ctx.channel(ctsg, cshare, userd, &[COPY_CLASS], true)?;
    ctx.schedule(gtsg, true)?;
    ctx.schedule(ctsg, true)?;
    let src = ctx.buffer(SIZE, true)?;
    let dst = ctx.buffer(SIZE, false)?;
    let pattern = Pattern::new("engine-check-order");
    pattern.write(&src.map);
    let x = cch.sem_va(0) + 16; // released by the copy engine
    let g = &mut gch[0];
    let y = g.sem_va(0) + 16; // released by compute after its acquire
    let mut w = gpu::sem_acquire_geq(x, 1);
    w.extend(gpu::sem_release(y, 1, true));
    g.submit(&w, &ctx.doorbell)?;
    std::thread::sleep(Duration::from_millis(200));
    let y_before = sem_end(g, 0).0;
    let mut c = gpu::set_object(SUBCH_COPY, COPY_CLASS);
    c.extend(gpu::busy(20_000_000)); // the copy engine is slow today
    c.extend(gpu::ce_copy(src.va, dst.va, SIZE as u32, Some((x, 1))));
    cch.submit(&c, &ctx.doorbell)?;
    let y_ts = gpu::wait_sem(&g.work.map, g.sem_off(0) + 16, 1, T);
    let (xp, x_ts) = sem_end(&cch, 0);
    let intact = pattern.verify(&dst.map).is_none();
    Ok(json!({
        "ok": y_before == 0 && xp == 1 && y_ts.is_some_and(|y| y >= x_ts) && intact,
        "compute_waited": y_before == 0, "copy_sem_ts": x_ts, "compute_sem_ts": y_ts,
        "copy_intact": intact, "client": ctx.s.client,
        "compute_channel": g.handle, "copy_channel": cch.handle,
    }))
}

fn unscheduled(ctx: &mut Ctx, userd: Userd) -> Result<serde_json::Value> {
    let (tsg, mut chs) = gr(ctx, userd, 1)?;
    let ch = &mut chs[0];
    ch.submit(&gpu::sem_release(ch.sem_va(0) + 16, 3, true), &ctx.doorbell)?;
    std::thread::sleep(Duration::from_millis(300));
    let ran_unscheduled = sem_end(ch, 0).0 != 0;
    ctx.schedule(tsg, true)?;
    let ran = gpu::wait_sem(&ch.work.map, ch.sem_off(0) + 16, 3, T).is_some();
    // A GR channel on UVM's VA space that UVM has not bound.
    let tsg2 = ctx.tsg(NV2080_ENGINE_TYPE_GRAPHICS)?;
    let share2 = ctx.ctxshare(tsg2)?;
    let unreg = ctx.channel(tsg2, share2, userd, &[COMPUTE_CLASS], false)?;
    let st = ctx.schedule(tsg2, true);
    let refused = matches!(st, Err(NvError::Rm(s)) if s == NV_ERR_INVALID_STATE);
    ctx.register_channel(unreg.handle)?;
    let then = ctx.schedule(tsg2, true).is_ok();
    Ok(json!({
        "ok": !ran_unscheduled && ran && refused && then,
        "ran_while_unscheduled": ran_unscheduled, "ran_once_scheduled": ran,
        "unregistered_schedule_status": st.err().map(|e| e.name()),
        "scheduled_after_registration": then, "client": ctx.s.client, "tsg": tsg,
    }))
}

fn bad(ctx: &mut Ctx, userd: Userd, va: bool) -> Result<serde_json::Value> {
    let (tsg, mut chs) = gr(ctx, userd, 2)?;
    ctx.schedule(tsg, true)?;
    let (good, bad) = chs.split_at_mut(1);
    let (good, bad) = (&mut good[0], &mut bad[0]);
    let put = if va {
        // A pushbuffer segment at a GPU VA nothing maps.
        let e = vgpu_uapi::nvidia::hw::GpEntry {
            address: 0x00F0_0000_0000,
            length: 8,
            ..Default::default()
        }
        .encode()
        .unwrap();
        bad.stage_entry(e)
    } else {
        bad.stage_entry([0, NVC56F_GP_ENTRY1_OPCODE_ILLEGAL])
    };
    bad.write_put(put);
    bad.ring(&ctx.doorbell);
    let mut w = gpu::busy(1_000_000);
    w.extend(gpu::sem_release(good.sem_va(0) + 16, 9, true));
    good.submit(&w, &ctx.doorbell)?;
    let good_done = gpu::wait_sem(&good.work.map, good.sem_off(0) + 16, 9, T).is_some();
    std::thread::sleep(Duration::from_millis(100));
    bad.ring(&ctx.doorbell); // ignored: the channel is in error
    std::thread::sleep(Duration::from_millis(100));
    let bad_gpget = bad.gp_get();
    // The client can still free it; the others keep working.
    let freed = ctx.free(bad.handle).is_ok();
    good.submit(&gpu::sem_release(good.sem_va(1) + 16, 10, true), &ctx.doorbell)?;
    let again = gpu::wait_sem(&good.work.map, good.sem_off(1) + 16, 10, T).is_some();
    Ok(json!({
        "ok": good_done && bad_gpget == 0 && freed && again,
        "good_done": good_done, "bad_gpget": bad_gpget, "bad_freed": freed,
        "good_after_free": again, "client": ctx.s.client,
        "bad_channel": bad.handle, "good_channel": good.handle,
    }))
}

fn teardown(ctx: &mut Ctx, userd: Userd) -> Result<serde_json::Value> {
    let (tsg, mut chs) = gr(ctx, userd, 2)?;
    ctx.schedule(tsg, true)?;
    chs[0].submit(&gpu::busy(30_000_000_000), &ctx.doorbell)?;
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let freed_chan = ctx.free(chs[0].handle).is_ok();
    let chan_ms = t.elapsed().as_secs_f64() * 1e3;
    chs[1].submit(&gpu::busy(30_000_000_000), &ctx.doorbell)?;
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let freed_tsg = ctx.free(tsg).is_ok();
    let tsg_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(json!({
        "ok": freed_chan && freed_tsg && chan_ms < 1000.0 && tsg_ms < 1000.0,
        "free_busy_channel_ms": chan_ms, "free_busy_tsg_ms": tsg_ms, "client": ctx.s.client,
    }))
}

/// Run `engine-check`.
pub fn run(a: Args) -> Result<ExitCode> {
    let mut ctx = Ctx::open(a.gpu)?;
    let v = match a.check {
        Check::Doorbell => doorbell(&mut ctx, a.userd)?,
        Check::Order => order(&mut ctx, a.userd)?,
        Check::Unscheduled => unscheduled(&mut ctx, a.userd)?,
        Check::BadEntry => bad(&mut ctx, a.userd, false)?,
        Check::BadVa => bad(&mut ctx, a.userd, true)?,
        Check::Teardown => teardown(&mut ctx, a.userd)?,
    };
    let ok = v["ok"].as_bool().unwrap_or(false);
    super::print_json(&v);
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
