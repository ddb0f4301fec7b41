//! `nvclient burn`: keep a GPU busy the way a CUDA program does, and report
//! the GPU time it obtained.
//!
//! It sets a context up as a CUDA runtime does (UVM, VA space, doorbell,
//! one TSG with N channels registered with UVM and scheduled), then submits
//! "kernels" (the mock's busy-for-N method) bracketed by two semaphore
//! releases with GPU timestamps. The GPU time obtained is the sum of
//! (end - start) timestamps of the completed kernels; latency is from the
//! moment a submission starts (before its GPPut write) to its end
//! timestamp, so time spent held back by vgpu counts.
//!
//! Submission happens in its own thread: under vgpu a GPPut or doorbell
//! write may block for a long time in a page fault. The main thread only
//! waits for the duration or SIGINT/SIGTERM (blocked, read from a
//! signalfd), then collects the completions itself (semaphores are in
//! memory vgpu never revokes) and reports, and exits the process even if
//! the submitter is still stuck.

use std::collections::VecDeque;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use serde::Serialize;
use vgpu_uapi::nvidia::alloc_params::NV2080_ENGINE_TYPE_GRAPHICS;

use crate::gpu::{self, Channel, Ctx, Userd, COMPUTE_CLASS};
use crate::sys::Mapping;

/// The long help of the subcommand.
pub const LONG_HELP: &str = "Create a TSG and N channels the way a CUDA runtime does (UVM \
registration, VA space, doorbell and USERD mappings, work submit tokens, GPFIFO_SCHEDULE), then \
submit kernels of --kernel length (the mock's busy-for-N method, bracketed by semaphore releases \
with GPU timestamps) for --duration, keeping at most --depth in flight (--sync: wait for each one, \
as simple CUDA programs do), at --duty of the kernel length. Reports the GPU time obtained (sum of \
end - start timestamps of completed kernels), its share of the wall time, submissions and latency \
percentiles (submission start to completion, so time held back counts) and the GPU's idle gaps \
between consecutive kernels (from the same timestamps). SIGINT/SIGTERM end the \
run early with a report. Works even when the driver makes doorbell/USERD writes wait.";

/// Arguments of `burn`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Channels in the TSG (submissions go round-robin).
    #[arg(long, default_value_t = 1)]
    pub channels: u32,
    /// Length of each kernel (2ms, 500us, 1s...).
    #[arg(long, value_parser = duration_arg, default_value = "2ms")]
    pub kernel: u64,
    /// How long to run (0: until SIGINT/SIGTERM).
    #[arg(long, value_parser = duration_arg, default_value = "2s")]
    pub duration: u64,
    /// Kernels in flight at most.
    #[arg(long, default_value_t = 4)]
    pub depth: u32,
    /// Fraction of the time the work keeps the GPU busy (0 < duty <= 1):
    /// kernels are paced to kernel/duty apart.
    #[arg(long, default_value_t = 1.0)]
    pub duty: f64,
    /// Wait for every kernel to finish before the next (depth 1).
    #[arg(long)]
    pub sync: bool,
    /// Where the channels' USERD lives.
    #[arg(long, value_enum, default_value = "vidmem")]
    pub userd: Userd,
    /// NVA06C_CTRL_CMD_SET_TIMESLICE for the TSG, in us.
    #[arg(long)]
    pub timeslice_us: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

fn duration_arg(s: &str) -> Result<u64, String> {
    crate::units::parse_duration_ns(s).map_err(|e| e.to_string())
}

/// A submission not yet seen complete.
#[derive(Clone, Copy, Debug)]
struct Pending {
    chan: usize,
    seq: u64,
    submit_ns: u64,
    /// When its GPPut write returned (0 until then): from here on the
    /// work is visibly queued to any observer of USERD.
    put_ns: u64,
}

/// Where a channel's semaphores are (for the completion scan).
struct SemView {
    map: Arc<Mapping>,
    entries: u32,
    base: usize,
}

impl SemView {
    fn pair(&self, seq: u64) -> usize {
        self.base + (seq % self.entries as u64) as usize * 32
    }
}

#[derive(Default)]
struct Tally {
    pending: VecDeque<Pending>,
    completed: u64,
    gpu_ns: u64,
    first_start: u64,
    last_end: u64,
    latency: Vec<u64>,
    start_latency: Vec<u64>,
    /// GPU idle between one completed kernel and the next one's start
    /// (both GPU timestamps), when the next was submitted after the
    /// previous ended.
    gaps: Vec<u64>,
    /// Sum, over kernels that start after a long gap (held back), of the
    /// time from their GPPut write returning to their start.
    resume_wait_ns: u64,
    resumes: u64,
}

struct Shared {
    tally: Mutex<Tally>,
    sems: Vec<SemView>,
    stop: AtomicBool,
    submitted: AtomicU64,
    error: Mutex<Option<String>>,
}

impl Shared {
    /// Move completed submissions from pending to the tally.
    fn scan(&self) -> usize {
        let mut t = self.tally.lock().unwrap();
        let mut done = 0;
        let mut i = 0;
        while i < t.pending.len() {
            let p = t.pending[i];
            let v = &self.sems[p.chan];
            let off = v.pair(p.seq);
            let (end_payload, end_ts) = Channel::sem_at(&v.map, off + 16);
            if end_payload != p.seq {
                i += 1;
                continue;
            }
            let (_, start_ts) = Channel::sem_at(&v.map, off);
            t.pending.remove(i);
            t.completed += 1;
            t.gpu_ns += end_ts.saturating_sub(start_ts);
            if t.first_start == 0 || start_ts < t.first_start {
                t.first_start = start_ts;
            }
            // A gap counts when the program had nothing queued at the end
            // of its previous kernel (it submitted this one later): then
            // the engine really idled. Between kernels queued ahead the
            // engine is busy fetching and releasing semaphores.
            if t.last_end != 0 && start_ts > t.last_end && p.put_ns > t.last_end {
                let gap = start_ts - t.last_end;
                t.gaps.push(gap);
                if gap >= SHORT_GAP_NS {
                    // Held back: the part after the GPPut write was queued.
                    t.resume_wait_ns += start_ts.saturating_sub(p.put_ns);
                    t.resumes += 1;
                }
            }
            t.last_end = t.last_end.max(end_ts);
            t.latency.push(end_ts.saturating_sub(p.submit_ns));
            t.start_latency.push(start_ts.saturating_sub(p.submit_ns));
            done += 1;
        }
        done
    }

    fn in_flight(&self) -> usize {
        self.tally.lock().unwrap().pending.len()
    }
}

/// Gaps shorter than this count as `short_gaps_ns`.
const SHORT_GAP_NS: u64 = 1_000_000;

/// Latency percentiles (nearest rank), in ns.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Percentiles {
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: u64,
}

fn percentiles(v: &mut [u64]) -> Percentiles {
    if v.is_empty() {
        return Percentiles::default();
    }
    v.sort_unstable();
    let n = v.len();
    let rank = |p: f64| v[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    Percentiles {
        p50: rank(0.5),
        p90: rank(0.9),
        p99: rank(0.99),
        max: v[n - 1],
        mean: (v.iter().map(|&x| x as u128).sum::<u128>() / n as u128) as u64,
    }
}

/// The report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub gpu: u32,
    pub tsg: u32,
    pub channels: u32,
    pub tokens: Vec<u32>,
    pub userd: Userd,
    pub kernel_ns: u64,
    pub depth: u32,
    pub duty: f64,
    pub sync: bool,
    pub stopped_by: String,
    pub wall_ns: u64,
    pub submitted: u64,
    pub completed: u64,
    pub in_flight: u64,
    pub gpu_time_ns: u64,
    pub gpu_share: f64,
    pub latency_ns: Percentiles,
    pub start_latency_ns: Percentiles,
    /// GPU idle gaps between consecutive kernels where the queue had run
    /// dry (a synchronising program's turnaround, or time held back).
    pub gap_ns: Percentiles,
    /// Sum of the gaps shorter than 1 ms: idle time between kernels that
    /// is shorter than any sampling observer of GPGet/GPPut can resolve.
    pub short_gaps_ns: u64,
    /// Sum, over the kernels that follow a gap of 1 ms or more (the
    /// program was held back), of the part of the gap after their GPPut
    /// write: work visibly queued while the GPU has not started it.
    pub resume_wait_ns: u64,
    /// Kernels that followed a gap of 1 ms or more.
    pub resumes: u64,
    pub error: Option<String>,
}

/// The submitter thread's state.
struct Submitter {
    chans: Vec<Channel>,
    doorbell: Arc<Mapping>,
    shared: Arc<Shared>,
    kernel: u64,
    depth: usize,
    duty: f64,
    sync: bool,
}

impl Submitter {
    fn run(mut self) {
        if let Err(e) = self.go() {
            *self.shared.error.lock().unwrap() = Some(format!("{e:#}"));
            self.shared.stop.store(true, Ordering::SeqCst);
        }
    }

    fn go(&mut self) -> Result<()> {
        let n = self.chans.len();
        let period = Duration::from_nanos((self.kernel as f64 / self.duty) as u64);
        let mut next_at = Instant::now();
        let mut seq = vec![0u64; n];
        let mut rr = 0usize;
        while !self.shared.stop.load(Ordering::SeqCst) {
            self.shared.scan();
            if self.shared.in_flight() >= self.depth {
                std::thread::sleep(Duration::from_micros(100));
                continue;
            }
            // Pacing (duty < 1): kernel/duty apart, at most one period of
            // backlog made up.
            let now = Instant::now();
            if self.duty < 1.0 {
                if now < next_at {
                    std::thread::sleep((next_at - now).min(Duration::from_millis(5)));
                    continue;
                }
                next_at = next_at.max(now.checked_sub(period).unwrap_or(now)) + period;
            }
            let c = rr % n;
            rr += 1;
            seq[c] += 1;
            let s = seq[c];
            let ch = &mut self.chans[c];
            let pair = ch.sem_va((s % ch.entries as u64) as u32);
            let mut words = gpu::sem_release(pair, s, true);
            words.extend(gpu::busy(self.kernel));
            words.extend(gpu::sem_release(pair + 16, s, true));
            let put = ch.stage(&words)?;
            let submit_ns = gpu::realtime_ns();
            self.shared.tally.lock().unwrap().pending.push_back(Pending {
                chan: c,
                seq: s,
                submit_ns,
                put_ns: 0,
            });
            self.shared.submitted.fetch_add(1, Ordering::SeqCst);
            // These two stores may block (vgpu holds the process back).
            ch.write_put(put);
            let put_ns = gpu::realtime_ns();
            if let Some(p) = self.shared.tally.lock().unwrap().pending.iter_mut().find(|p| p.chan == c && p.seq == s) {
                p.put_ns = put_ns;
            }
            ch.ring(&self.doorbell);
            if self.sync {
                // Wait the way CUDA's cudaDeviceScheduleYield does: poll
                // the completion semaphore, yielding the CPU between looks.
                while self.shared.in_flight() > 0 && !self.shared.stop.load(Ordering::SeqCst) {
                    if self.shared.scan() == 0 {
                        std::thread::yield_now();
                    }
                }
            }
        }
        Ok(())
    }
}

/// Run `burn`.
pub fn run(a: Args) -> Result<ExitCode> {
    anyhow::ensure!(a.channels >= 1 && a.channels <= 64, "--channels must be 1..=64");
    anyhow::ensure!(a.duty > 0.0 && a.duty <= 1.0, "--duty must be in (0, 1]");
    anyhow::ensure!(a.kernel > 0, "--kernel must be positive");
    let depth = if a.sync { 1 } else { a.depth.max(1) };
    anyhow::ensure!(depth < gpu::DEFAULT_ENTRIES, "--depth must be below {}", gpu::DEFAULT_ENTRIES);

    // Signals are taken through a signalfd: block them before any thread.
    let mut mask = SigSet::empty();
    mask.add(Signal::SIGINT);
    mask.add(Signal::SIGTERM);
    mask.thread_block().context("blocking SIGINT/SIGTERM")?;
    let sfd = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
        .context("signalfd")?;

    let mut ctx = Ctx::open(a.gpu)?;
    let tsg = ctx.tsg(NV2080_ENGINE_TYPE_GRAPHICS).context("TSG")?;
    let share = ctx.ctxshare(tsg).context("context share")?;
    let mut chans = Vec::new();
    for _ in 0..a.channels {
        chans.push(ctx.channel(tsg, share, a.userd, &[COMPUTE_CLASS], true)?);
    }
    if let Some(us) = a.timeslice_us {
        ctx.set_timeslice(tsg, us).context("SET_TIMESLICE")?;
    }
    ctx.schedule(tsg, true).context("GPFIFO_SCHEDULE")?;
    // Bind the compute object to its subchannel, as a runtime does first.
    for ch in chans.iter_mut() {
        ch.submit(&gpu::set_object(gpu::SUBCH_COMPUTE, COMPUTE_CLASS), &ctx.doorbell)?;
    }

    let tokens = chans.iter().map(|c| c.token).collect();
    let sems = chans
        .iter()
        .map(|c| SemView {
            map: c.work.map.clone(),
            entries: c.entries,
            base: c.sem_off(0),
        })
        .collect();
    let shared = Arc::new(Shared {
        tally: Mutex::new(Tally::default()),
        sems,
        stop: AtomicBool::new(false),
        submitted: AtomicU64::new(0),
        error: Mutex::new(None),
    });
    let sub = Submitter {
        chans,
        doorbell: ctx.doorbell.clone(),
        shared: shared.clone(),
        kernel: a.kernel,
        depth: depth as usize,
        duty: a.duty,
        sync: a.sync,
    };
    let start = Instant::now();
    let start_ns = gpu::realtime_ns();
    std::thread::Builder::new()
        .name("submit".into())
        .spawn(move || sub.run())
        .context("submitter thread")?;

    // Wait for the duration, a signal, or the submitter failing.
    let deadline = (a.duration > 0).then(|| start + Duration::from_nanos(a.duration));
    let stopped_by = loop {
        if shared.stop.load(Ordering::SeqCst) {
            break "error".to_string();
        }
        let wait = match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    break "duration".to_string();
                }
                (d - now).min(Duration::from_millis(100))
            }
            None => Duration::from_millis(100),
        };
        let mut fds = [PollFd::new(sfd.as_fd(), PollFlags::POLLIN)];
        let ms = PollTimeout::try_from(wait.as_millis().max(1) as i32).unwrap_or(PollTimeout::NONE);
        if poll(&mut fds, ms).unwrap_or(0) > 0 {
            if let Ok(Some(si)) = sfd.read_signal() {
                let name = Signal::try_from(si.ssi_signo as i32)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|_| "signal".into());
                break name;
            }
        }
    };
    shared.stop.store(true, Ordering::SeqCst);
    let wall_ns = gpu::realtime_ns().saturating_sub(start_ns);
    shared.scan();

    let r = {
        let mut t = shared.tally.lock().unwrap();
        let mut lat = std::mem::take(&mut t.latency);
        let mut slat = std::mem::take(&mut t.start_latency);
        let mut gaps = std::mem::take(&mut t.gaps);
        let short_gaps_ns = gaps.iter().filter(|g| **g < SHORT_GAP_NS).sum();
        Report {
            gpu: a.gpu,
            tsg,
            channels: a.channels,
            tokens,
            userd: a.userd,
            kernel_ns: a.kernel,
            depth,
            duty: a.duty,
            sync: a.sync,
            stopped_by,
            wall_ns,
            submitted: shared.submitted.load(Ordering::SeqCst),
            completed: t.completed,
            in_flight: t.pending.len() as u64,
            gpu_time_ns: t.gpu_ns,
            gpu_share: if wall_ns > 0 { t.gpu_ns as f64 / wall_ns as f64 } else { 0.0 },
            latency_ns: percentiles(&mut lat),
            start_latency_ns: percentiles(&mut slat),
            gap_ns: percentiles(&mut gaps),
            short_gaps_ns,
            resume_wait_ns: t.resume_wait_ns,
            resumes: t.resumes,
            error: shared.error.lock().unwrap().clone(),
        }
    };
    if a.json {
        super::print_json(&serde_json::to_value(&r)?);
    } else {
        let ms = |ns: u64| ns as f64 / 1e6;
        println!(
            "GPU {}: {} of {} kernels of {:.3} ms completed in {:.3} s ({}); GPU time {:.1} ms = {:.1}% of the wall time",
            r.gpu,
            r.completed,
            r.submitted,
            ms(r.kernel_ns),
            r.wall_ns as f64 / 1e9,
            r.stopped_by,
            ms(r.gpu_time_ns),
            100.0 * r.gpu_share
        );
        println!(
            "latency (submit -> done) ms: p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}; start p50 {:.3} p99 {:.3}",
            ms(r.latency_ns.p50),
            ms(r.latency_ns.p90),
            ms(r.latency_ns.p99),
            ms(r.latency_ns.max),
            ms(r.start_latency_ns.p50),
            ms(r.start_latency_ns.p99)
        );
        if let Some(e) = &r.error {
            println!("error: {e}");
        }
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let code = if r.error.is_some() { 1 } else { 0 };
    // The submitter may be blocked in a write vgpu holds back: leave
    // without waiting for it (exit_group ends every thread).
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_nearest_rank() {
        let mut v: Vec<u64> = (1..=100).collect();
        let p = percentiles(&mut v);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50, 90, 99, 100));
        assert_eq!(percentiles(&mut []).max, 0);
    }
}
