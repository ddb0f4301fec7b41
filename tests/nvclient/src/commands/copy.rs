//! `nvclient copy`: move data host -> GPU -> host through the copy engine
//! and verify it byte for byte.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;
use vgpu_uapi::nvidia::alloc_params::NV2080_ENGINE_TYPE_COPY0;

use crate::gpu::{self, Ctx, Userd, COPY_CLASS, SUBCH_COPY};
use crate::rm::Pattern;

/// The long help of the subcommand.
pub const LONG_HELP: &str = "Set a copy-engine TSG and channel up as a CUDA runtime does, fill a \
host (sysmem) buffer with a pattern, copy it to GPU memory (vidmem) and back to a second host \
buffer with LAUNCH_DMA in --chunk pieces, each direction ended by a semaphore release with a GPU \
timestamp, and compare byte for byte. Exit status 0 when the data came back intact, 1 otherwise.";

/// Arguments of `copy`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Bytes to move.
    #[arg(long, value_parser = super::size_arg, default_value = "16M")]
    pub size: u64,
    /// Bytes per LAUNCH_DMA.
    #[arg(long, value_parser = super::size_arg, default_value = "4M")]
    pub chunk: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub gpu: u32,
    pub size: u64,
    pub chunk: u64,
    pub h2d_gpu_ns: u64,
    pub d2h_gpu_ns: u64,
    pub ok: bool,
    pub first_mismatch: Option<usize>,
}

/// Run `copy`.
pub fn run(a: Args) -> Result<ExitCode> {
    anyhow::ensure!(a.size > 0 && a.chunk > 0, "--size and --chunk must be positive");
    anyhow::ensure!(a.chunk <= u32::MAX as u64 & !0xfff, "--chunk must be below 4 GiB");
    let mut ctx = Ctx::open(a.gpu)?;
    let tsg = ctx.tsg(NV2080_ENGINE_TYPE_COPY0).context("copy TSG")?;
    let share = ctx.ctxshare(tsg).context("context share")?;
    let mut ch = ctx.channel(tsg, share, Userd::Vidmem, &[COPY_CLASS], true)?;
    ctx.schedule(tsg, true).context("GPFIFO_SCHEDULE")?;
    let src = ctx.buffer(a.size, true).context("host source")?;
    let dev = ctx.buffer(a.size, false).context("GPU buffer")?;
    let dst = ctx.buffer(a.size, true).context("host destination")?;
    let pattern = Pattern::new("nvclient-copy");
    pattern.write(&src.map);
    let timeout = Duration::from_secs(30 + a.size / (16 << 20));

    // Whole buffers (sizes rounded to 4 KiB): the pattern covers them all.
    let total = src.size;
    let db = ctx.doorbell.clone();
    ch.submit(&gpu::set_object(SUBCH_COPY, COPY_CLASS), &db)?;
    let mut leg = |from: u64, to: u64, pair: u32| -> Result<u64> {
        let sem = ch.sem_va(pair);
        ch.submit(&gpu::sem_release(sem, 1, true), &db)?;
        let mut off = 0;
        while off < total {
            let len = (total - off).min(a.chunk);
            let last = off + len == total;
            let s = last.then_some((sem + 16, 1));
            ch.submit(&gpu::ce_copy(from + off, to + off, len as u32, s), &db)?;
            off += len;
        }
        let map = ch.work.map.clone();
        let end = gpu::wait_sem(&map, ch.sem_off(pair) + 16, 1, timeout)
            .context("the copy did not complete")?;
        let start = crate::gpu::Channel::sem_at(&map, ch.sem_off(pair)).1;
        Ok(end.saturating_sub(start))
    };
    let h2d = leg(src.va, dev.va, 0)?;
    let d2h = leg(dev.va, dst.va, 1)?;
    let mismatch = pattern.verify(&dst.map);
    let r = Report {
        gpu: a.gpu,
        size: total,
        chunk: a.chunk,
        h2d_gpu_ns: h2d,
        d2h_gpu_ns: d2h,
        ok: mismatch.is_none(),
        first_mismatch: mismatch,
    };
    if a.json {
        super::print_json(&serde_json::to_value(&r)?);
    } else {
        println!(
            "GPU {}: {} bytes host->GPU in {:.3} ms, GPU->host in {:.3} ms: {}",
            r.gpu,
            r.size,
            r.h2d_gpu_ns as f64 / 1e6,
            r.d2h_gpu_ns as f64 / 1e6,
            match r.first_mismatch {
                None => "data intact".to_string(),
                Some(o) => format!("MISMATCH at byte {o}"),
            }
        );
    }
    Ok(if r.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
