//! `nvclient edges`: the address-space edges of submission mappings that
//! a gating interposer must survive — fork, mremap and munmap of the
//! doorbell and USERD mappings, including while a write to them is held
//! back in a page fault.
//!
//! One context and one channel are set up as `burn` does. Each edge runs
//! in a forked child (which leaves with `_exit`, so the parent's mappings
//! and objects are never torn down twice):
//!
//! - `fork`: the child submits kernels through the mappings it inherited
//!   and waits for each one.
//! - `mremap`: the child moves the doorbell and USERD mappings to new
//!   addresses and submits through the moved mappings.
//! - `munmap`: a child thread submits without pause while the main thread
//!   unmaps the doorbell and USERD under it; the child dies of SIGSEGV (a
//!   write to an unmapped page) or ends; either way it must end promptly.
//!
//! Before and after the edges the parent submits through its own mappings,
//! so the channel, the driver and whatever gates the process must still
//! work. A JSON report says what each step saw.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use serde::Serialize;
use vgpu_uapi::nvidia::alloc_params::NV2080_ENGINE_TYPE_GRAPHICS;
use vgpu_uapi::nvidia::hw::{NVC361_NOTIFY_CHANNEL_PENDING, NVC56F_USERD_GP_PUT};

use crate::gpu::{self, Channel, Ctx, Userd, COMPUTE_CLASS};
use crate::sys::{fork_child, Mapping};

/// The long help of the subcommand.
pub const LONG_HELP: &str = "Exercise fork, mremap and munmap of the doorbell and USERD mappings \
through which work is submitted, each in a forked child, while whatever interposes on the driver \
may hold the process back (run it in a capped cgroup to make every edge meet a revoked mapping). \
The parent submits before and after, so the channel must keep working. Prints a JSON report; \
exits 1 if a step failed.";

/// Arguments of `edges`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Kernels per step.
    #[arg(long, default_value_t = 20)]
    pub kernels: u32,
    /// Length of each kernel (1ms, 500us...).
    #[arg(long, value_parser = duration_arg, default_value = "1ms")]
    pub kernel: u64,
    /// Where the channel's USERD lives.
    #[arg(long, value_enum, default_value = "vidmem")]
    pub userd: Userd,
    /// How long any step may take.
    #[arg(long, value_parser = duration_arg, default_value = "30s")]
    pub timeout: u64,
}

fn duration_arg(s: &str) -> Result<u64, String> {
    crate::units::parse_duration_ns(s).map_err(|e| e.to_string())
}

/// What one step saw.
#[derive(Debug, Serialize)]
pub struct Step {
    pub name: &'static str,
    /// Kernels completed (the parent's steps and the children that wait).
    pub completed: u32,
    /// How the child ended: "exit N", "signal SIGSEGV", "timeout"; "-"
    /// for the parent's own steps.
    pub child: String,
    pub ms: u64,
    pub ok: bool,
    pub detail: String,
}

/// The report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub gpu: u32,
    pub steps: Vec<Step>,
    pub ok: bool,
}

/// The channel and what submits through it.
struct Work {
    ch: Channel,
    doorbell: Arc<Mapping>,
    /// Next semaphore sequence number.
    seq: u64,
    kernel_ns: u64,
    timeout: Duration,
}

impl Work {
    /// Submits one kernel through `userd`/`doorbell` (mappings of the
    /// channel's USERD and of the doorbell page, maybe moved) and returns
    /// its sequence number.
    fn submit_via(&mut self, userd: &Mapping, doorbell: &Mapping) -> Result<u64> {
        self.seq += 1;
        let s = self.seq;
        let mut words = gpu::busy(self.kernel_ns);
        words.extend(gpu::sem_release(self.ch.sem_va(s as u32), s, false));
        let put = self.ch.stage(&words)?;
        self.ch.write_put_to(userd, put);
        self.ch.ring(doorbell);
        Ok(s)
    }

    /// Waits for kernel `s` to complete.
    fn wait(&self, s: u64) -> bool {
        gpu::wait_sem(&self.ch.work.map, self.ch.sem_off(s as u32), s, self.timeout).is_some()
    }

    /// Submits `n` kernels through the given mappings, waiting for each.
    fn run_via(&mut self, n: u32, userd: &Mapping, doorbell: &Mapping) -> Result<u32> {
        for i in 0..n {
            let s = self.submit_via(userd, doorbell)?;
            if !self.wait(s) {
                bail!("kernel {} of {n} did not complete within {:?}", i + 1, self.timeout);
            }
        }
        Ok(n)
    }

    /// Takes up where children left the channel: GPPut as USERD says, the
    /// semaphore sequence past theirs, a ring for anything they queued but
    /// did not ring, and a wait until the GPU caught up.
    fn resync(&mut self, seq_past: u64) -> Result<()> {
        self.ch.put = self.ch.userd.read_u32(self.ch.userd_off + NVC56F_USERD_GP_PUT) % self.ch.entries;
        self.seq = self.seq.max(seq_past);
        self.ch.ring(&self.doorbell);
        let end = Instant::now() + self.timeout;
        while self.ch.gp_get() != self.ch.put {
            if Instant::now() > end {
                bail!("the channel did not drain: GPGet {} GPPut {}", self.ch.gp_get(), self.ch.put);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(())
    }
}

/// Waits for `pid` at most `timeout`; kills it after that.
fn reap(pid: Pid, timeout: Duration) -> String {
    let end = Instant::now() + timeout;
    loop {
        match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(_, code)) => return format!("exit {code}"),
            Ok(WaitStatus::Signaled(_, sig, _)) => return format!("signal {}", sig.as_str()),
            Ok(_) => {}
            Err(e) => return format!("waitpid: {e}"),
        }
        if Instant::now() > end {
            let _ = kill(pid, Signal::SIGKILL);
            let _ = waitpid(pid, None);
            return "timeout".into();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn parent_step(w: &mut Work, name: &'static str, n: u32) -> Step {
    let t = Instant::now();
    let (userd, doorbell) = (w.ch.userd.clone(), w.doorbell.clone());
    let r = w.run_via(n, &userd, &doorbell);
    Step {
        name,
        completed: *r.as_ref().unwrap_or(&0),
        child: "-".into(),
        ms: t.elapsed().as_millis() as u64,
        ok: r.is_ok(),
        detail: r.err().map(|e| format!("{e:#}")).unwrap_or_default(),
    }
}

/// Runs `child` in a forked child and reports how it ended; the child's
/// exit code is the number of kernels it completed (capped at 200), or
/// 250+ on failure.
fn child_step(w: &mut Work, name: &'static str, accept_segv: bool, child: impl FnOnce(&mut Work) -> u8) -> Step {
    let t = Instant::now();
    let seq0 = w.seq;
    let res = fork_child(|| child(w));
    let how = match res {
        Ok(pid) => reap(pid, w.timeout),
        Err(e) => format!("fork: {e}"),
    };
    // An exit code below 250 is the number of kernels the child completed.
    let completed = how.strip_prefix("exit ").and_then(|c| c.parse::<u32>().ok()).filter(|c| *c < 250);
    // The child used sequence numbers after ours; skip well past them.
    let resync = w.resync(seq0 + 4 * w.ch.entries as u64);
    let ok_end = completed.is_some() || (accept_segv && how == "signal SIGSEGV");
    Step {
        name,
        completed: completed.unwrap_or(0),
        child: how,
        ms: t.elapsed().as_millis() as u64,
        ok: ok_end && resync.is_ok(),
        detail: resync.err().map(|e| format!("after the child: {e:#}")).unwrap_or_default(),
    }
}

/// Run `edges`.
pub fn run(a: Args) -> Result<ExitCode> {
    anyhow::ensure!(a.kernels >= 1 && a.kernels <= 200, "--kernels must be 1..=200");
    let mut ctx = Ctx::open(a.gpu)?;
    let tsg = ctx.tsg(NV2080_ENGINE_TYPE_GRAPHICS).context("TSG")?;
    let share = ctx.ctxshare(tsg).context("context share")?;
    let mut ch = ctx.channel(tsg, share, a.userd, &[COMPUTE_CLASS], true)?;
    ctx.schedule(tsg, true).context("GPFIFO_SCHEDULE")?;
    ch.submit(&gpu::set_object(gpu::SUBCH_COMPUTE, COMPUTE_CLASS), &ctx.doorbell)?;
    let mut w = Work {
        ch,
        doorbell: ctx.doorbell.clone(),
        seq: 0,
        kernel_ns: a.kernel,
        timeout: Duration::from_nanos(a.timeout),
    };
    let n = a.kernels;
    let mut steps = Vec::new();

    steps.push(parent_step(&mut w, "before", n));

    // fork: submit through the inherited mappings.
    steps.push(child_step(&mut w, "fork", false, |w| {
        let (userd, doorbell) = (w.ch.userd.clone(), w.doorbell.clone());
        match w.run_via(n, &userd, &doorbell) {
            Ok(done) => done.min(200) as u8,
            Err(_) => 251,
        }
    }));

    // mremap: move both mappings, submit through the moved ones.
    steps.push(child_step(&mut w, "mremap", false, |w| {
        // SAFETY: the child leaves through _exit: the old Mapping objects
        // are never used or dropped after the move.
        let moved = unsafe { (w.ch.userd.move_elsewhere(), w.doorbell.move_elsewhere()) };
        let (Ok(userd), Ok(doorbell)) = moved else { return 252 };
        if userd.addr() == w.ch.userd.addr() || doorbell.addr() == w.doorbell.addr() {
            return 253;
        }
        let r = match w.run_via(n, &userd, &doorbell) {
            Ok(done) => done.min(200) as u8,
            Err(_) => 251,
        };
        std::mem::forget((userd, doorbell));
        r
    }));

    // munmap under a thread that keeps submitting (and may be held back in
    // a fault on exactly those pages).
    steps.push(child_step(&mut w, "munmap", true, |w| {
        // The thread republishes the current GPPut and rings, as fast as
        // it can: nothing new to run, every write a submission-path access.
        let (userd, doorbell) = (w.ch.userd.clone(), w.doorbell.clone());
        let (put_at, put, token) = (w.ch.userd_off + NVC56F_USERD_GP_PUT, w.ch.put, w.ch.token);
        std::thread::spawn(move || loop {
            userd.write_u32(put_at, put);
            doorbell.write_u32(NVC361_NOTIFY_CHANNEL_PENDING, token);
        });
        std::thread::sleep(Duration::from_millis(50));
        // SAFETY: the child leaves through _exit; nothing uses the
        // mappings through these objects afterwards but the submitting
        // thread, whose next access faults on the unmapped range (SIGSEGV).
        let r = unsafe { (w.ch.userd.unmap_now(), w.doorbell.unmap_now()) };
        if r.0.is_err() || r.1.is_err() {
            return 252;
        }
        std::thread::sleep(Duration::from_millis(200));
        0
    }));

    steps.push(parent_step(&mut w, "after", n));

    let ok = steps.iter().all(|s| s.ok);
    let r = Report { gpu: a.gpu, steps, ok };
    super::print_json(&serde_json::to_value(&r)?);
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
