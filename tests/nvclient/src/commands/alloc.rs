//! `nvclient alloc`: allocate GPU memory in chunks and report how much the
//! driver granted. A refused allocation is a normal outcome, reported with
//! its status; only tool errors exit non-zero (and `--expect-full`).

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::rm::{CpuMapping, NvError, Pattern, Session, Via, ATTR_VIDMEM};
use crate::units::human;

/// The long help of the subcommand.
pub const LONG_HELP: &str =
    "Allocate SIZE bytes of GPU memory on one GPU in CHUNK pieces (default: one \
piece), the way CUDA does (NV_ESC_RM_ALLOC of NV01_MEMORY_LOCAL_USER, or VID_HEAP_CONTROL \
ALLOC_SIZE / ALLOC_SIZE_RANGE). Stops at the first refused chunk and reports how much succeeded, \
the number of chunks and the first failing status by name (e.g. NV_ERR_NO_MEMORY). With --map each \
chunk is mapped (RM_MAP_MEMORY on a fresh /dev/nvidiaN, then mmap); with --pattern a pattern is \
written through the mapping and read back. The report is printed (and flushed) before holding.\n\n\
Exit status: 0 with the report, even when the driver refused memory; 3 with --expect-full when \
less than SIZE was granted; 1 on a tool error.";

/// Arguments of `alloc`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GPU index (device instance, /dev/nvidiaN).
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Total bytes to allocate (K/M/G/T, KiB/MiB/GiB).
    #[arg(long, value_parser = super::size_arg)]
    pub size: u64,
    /// Bytes per allocation; the last one gets the remainder.
    #[arg(long, value_parser = super::size_arg)]
    pub chunk: Option<u64>,
    /// Allocation path.
    #[arg(long, value_enum, default_value = "rm-alloc")]
    pub via: Via,
    /// NVOS32_ATTR of each allocation (hex), e.g. 0x1000000 for big pages.
    #[arg(long, value_parser = super::u32_arg, default_value = "0")]
    pub attr: u32,
    /// Map every chunk into this process.
    #[arg(long)]
    pub map: bool,
    /// Write a pattern through each mapping and verify it (implies --map).
    #[arg(long)]
    pub pattern: bool,
    /// Keep the memory this many seconds after reporting.
    #[arg(long, conflicts_with = "hold_until_stdin_closes")]
    pub hold: Option<f64>,
    /// Keep the memory until standard input reaches end of file.
    #[arg(long)]
    pub hold_until_stdin_closes: bool,
    /// Free every chunk explicitly before exiting (instead of letting the
    /// close of nvidiactl free them) and report the statuses.
    #[arg(long)]
    pub free_at_end: bool,
    /// Exit 3 if less than SIZE was granted.
    #[arg(long)]
    pub expect_full: bool,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize, Debug)]
struct Failure {
    chunk: u64,
    during: &'static str,
    status: String,
    code: i64,
}

#[derive(Serialize, Debug)]
struct Report {
    gpu: u32,
    via: Via,
    pid: u32,
    client: u32,
    requested: u64,
    chunk: u64,
    chunks_requested: u64,
    chunks_allocated: u64,
    allocated: u64,
    complete: bool,
    mapped: u64,
    pattern_verified: Option<bool>,
    first_failure: Option<Failure>,
}

fn failure(chunk: u64, during: &'static str, e: &NvError) -> Failure {
    let code = match e {
        NvError::Rm(s) => *s as i64,
        NvError::Os(e) => -(*e as i64),
    };
    Failure {
        chunk,
        during,
        status: e.name(),
        code,
    }
}

/// Run `alloc`.
pub fn run(a: Args) -> Result<ExitCode> {
    anyhow::ensure!(a.size > 0, "--size must be positive");
    let chunk = a.chunk.unwrap_or(a.size).min(a.size);
    anyhow::ensure!(chunk > 0, "--chunk must be positive");
    let map = a.map || a.pattern;
    let mut s = Session::open()?;
    s.gpu(a.gpu)
        .map_err(|e| anyhow::anyhow!("cannot set GPU {} up: {e}", a.gpu))?;

    let chunks_requested = a.size.div_ceil(chunk);
    let mut handles = Vec::new();
    let mut mappings: Vec<CpuMapping> = Vec::new();
    let mut allocated = 0u64;
    let mut first_failure = None;
    let mut verified = if a.pattern { Some(true) } else { None };
    let mut left = a.size;
    for i in 0..chunks_requested {
        let want = left.min(chunk);
        match s.alloc_vidmem(a.gpu, want, a.via, a.attr | ATTR_VIDMEM, 0) {
            Ok(al) => {
                handles.push(al.handle);
                allocated += al.size;
                left -= want;
                if map {
                    match s.map(a.gpu, al.handle, 0, al.size) {
                        Ok(m) => {
                            if a.pattern {
                                let p = Pattern::new(&format!("alloc-{i}"));
                                p.write(&m.map);
                                if p.verify(&m.map).is_some() {
                                    verified = Some(false);
                                }
                            }
                            mappings.push(m);
                        }
                        Err(e) => {
                            first_failure = Some(failure(i, "map", &e));
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                first_failure = Some(failure(i, "alloc", &e));
                break;
            }
        }
    }
    let report = Report {
        gpu: a.gpu,
        via: a.via,
        pid: std::process::id(),
        client: s.client,
        requested: a.size,
        chunk,
        chunks_requested,
        chunks_allocated: handles.len() as u64,
        allocated,
        complete: first_failure.is_none(),
        mapped: mappings.len() as u64,
        pattern_verified: verified,
        first_failure,
    };
    if a.json {
        super::print_json(&serde_json::to_value(&report)?);
    } else {
        print!(
            "GPU {}: allocated {} of {} in {}/{} chunk(s) via {:?}",
            a.gpu,
            human(report.allocated),
            human(report.requested),
            report.chunks_allocated,
            report.chunks_requested,
            a.via
        );
        match &report.first_failure {
            Some(f) => println!("; chunk {} refused at {}: {}", f.chunk, f.during, f.status),
            None => println!(),
        }
        if map {
            println!(
                "mapped {} chunk(s){}",
                report.mapped,
                match verified {
                    Some(true) => ", pattern verified",
                    Some(false) => ", PATTERN MISMATCH",
                    None => "",
                }
            );
        }
        std::io::stdout().flush()?;
    }

    if let Some(secs) = a.hold {
        std::thread::sleep(Duration::from_secs_f64(secs.max(0.0)));
    } else if a.hold_until_stdin_closes {
        let mut sink = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        while stdin.read(&mut sink).map(|n| n > 0).unwrap_or(false) {}
    }

    drop(mappings);
    if a.free_at_end {
        let device = s.gpus[&a.gpu].device;
        let mut failed = Vec::new();
        for h in &handles {
            let r = match a.via {
                Via::RmAlloc => s.ctl.free(s.client, device, *h),
                _ => s.ctl.vid_heap_free(s.client, device, *h),
            };
            if let Err(e) = r {
                failed.push(serde_json::json!({"handle": h, "status": e.name()}));
            }
        }
        if a.json {
            super::print_json(
                &serde_json::json!({"freed": handles.len() - failed.len(), "failed": failed}),
            );
        } else {
            println!(
                "freed {} chunk(s), {} failure(s)",
                handles.len() - failed.len(),
                failed.len()
            );
        }
    }
    if verified == Some(false) {
        anyhow::bail!("pattern mismatch in a mapping");
    }
    if a.expect_full && !report.complete {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
