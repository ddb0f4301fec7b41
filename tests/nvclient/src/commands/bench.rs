//! `nvclient bench`: time round trips of one driver operation, to compare
//! the mock with and without the interposer (`make bench`).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use vgpu_uapi::nvidia::classes::NV01_MEMORY_LOCAL_USER;

use crate::rm::{fb_info_v2, memory_params, Session, ATTR_VIDMEM};

/// The operation timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// RM_ALLOC of NV01_MEMORY_LOCAL_USER then RM_FREE (one op = both).
    AllocFree,
    /// RM_CONTROL NV2080_CTRL_CMD_FB_GET_INFO_V2 on the subdevice.
    Control,
    /// VID_HEAP_CONTROL ALLOC_SIZE then FREE (one op = both).
    VidHeap,
    /// NV_ESC_CHECK_VERSION_STR (strict): an escape vgpu does not handle,
    /// so the interposer's pass-through cost.
    Passthrough,
}

/// The long help of the subcommand.
pub const LONG_HELP: &str =
    "Time N round trips of one operation after a warm-up of N/10 (at least 10), \
and report ns/op (mean), min, median, p99 and max in nanoseconds. An operation that fails \
stops the run with an error (a benchmark of failures measures nothing).";

/// Arguments of `bench`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Timed iterations.
    #[arg(long, default_value_t = 10000)]
    pub iterations: u64,
    /// Operation to time.
    #[arg(long, value_enum)]
    pub op: Op,
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Allocation size for alloc-free and vid-heap.
    #[arg(long, value_parser = super::size_arg, default_value = "64K")]
    pub size: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Summary statistics of a sample of durations in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub iterations: u64,
    pub ns_per_op: f64,
    pub min_ns: u64,
    pub median_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
}

/// Statistics of `samples` (sorted in place). Percentiles are
/// nearest-rank.
pub fn stats(samples: &mut [u64]) -> Stats {
    samples.sort_unstable();
    let n = samples.len();
    if n == 0 {
        return Stats {
            iterations: 0,
            ns_per_op: 0.0,
            min_ns: 0,
            median_ns: 0,
            p99_ns: 0,
            max_ns: 0,
        };
    }
    let rank = |p: f64| -> u64 {
        let r = ((p * n as f64).ceil() as usize).clamp(1, n);
        samples[r - 1]
    };
    let sum: u128 = samples.iter().map(|&s| s as u128).sum();
    Stats {
        iterations: n as u64,
        ns_per_op: sum as f64 / n as f64,
        min_ns: samples[0],
        median_ns: rank(0.5),
        p99_ns: rank(0.99),
        max_ns: samples[n - 1],
    }
}

/// Run `bench`.
pub fn run(a: Args) -> Result<ExitCode> {
    anyhow::ensure!(a.iterations > 0, "--iterations must be positive");
    let mut s = Session::open()?;
    let g = s
        .gpu(a.gpu)
        .with_context(|| format!("cannot set GPU {} up", a.gpu))?;
    let (device, subdevice) = (g.device, g.subdevice);
    let client = s.client;
    let ctl = &s.ctl;
    let size = a.size;
    let once = || -> Result<()> {
        match a.op {
            Op::AllocFree => {
                let mut p = memory_params(size, ATTR_VIDMEM, 0);
                let h = ctl.alloc_memory(client, device, 0, NV01_MEMORY_LOCAL_USER, &mut p)?;
                ctl.free(client, device, h)?;
            }
            Op::Control => {
                fb_info_v2(ctl, client, subdevice)?;
            }
            Op::VidHeap => {
                let (h, _) = ctl.vid_heap_alloc(client, device, size, ATTR_VIDMEM, 0, 0, false)?;
                ctl.vid_heap_free(client, device, h)?;
            }
            Op::Passthrough => {
                ctl.check_version()?;
            }
        }
        Ok(())
    };
    for _ in 0..(a.iterations / 10).max(10) {
        once().context("warm-up")?;
    }
    let mut samples = Vec::with_capacity(a.iterations as usize);
    for i in 0..a.iterations {
        let t = Instant::now();
        once().with_context(|| format!("iteration {i}"))?;
        samples.push(t.elapsed().as_nanos() as u64);
    }
    let st = stats(&mut samples);
    if a.json {
        let mut v = serde_json::to_value(st)?;
        v["op"] = serde_json::to_value(a.op)?;
        v["gpu"] = a.gpu.into();
        v["size"] = a.size.into();
        super::print_json(&v);
    } else {
        println!(
            "{:?} x{}: {:.0} ns/op  min {}  median {}  p99 {}  max {} (ns)",
            a.op, st.iterations, st.ns_per_op, st.min_ns, st.median_ns, st.p99_ns, st.max_ns
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let mut v: Vec<u64> = (1..=100).rev().collect();
        let s = stats(&mut v);
        assert_eq!(s.min_ns, 1);
        assert_eq!(s.median_ns, 50);
        assert_eq!(s.p99_ns, 99);
        assert_eq!(s.max_ns, 100);
        assert_eq!(s.ns_per_op, 50.5);
        let mut one = vec![7];
        let s = stats(&mut one);
        assert_eq!((s.min_ns, s.median_ns, s.p99_ns), (7, 7, 7));
        assert_eq!(stats(&mut []).iterations, 0);
    }
}
