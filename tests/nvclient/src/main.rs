//! nvclient: a client of the NVIDIA kernel driver ABI.
//!
//! It opens `/dev/nvidiactl` and `/dev/nvidiaN` and issues the same
//! escapes, in the same order, with the same structures as a CUDA runtime
//! (libcuda/libnvidia-rm): the version check, a root client, a device per
//! GPU while holding that GPU's node open, a subdevice, memory through
//! `NV_ESC_RM_ALLOC` or the heap API, CPU mappings through
//! `NV_ESC_RM_MAP_MEMORY` and `mmap` of a fresh GPU node. So it works
//! against vgpu's mock driver and would work against the real one.
//!
//! Structure: [`sys`] is the only module with `unsafe` (ioctl, mmap, fork);
//! [`rm`] wraps every escape and sets sessions up; [`gpu`] submits work as
//! a CUDA runtime does (UVM, TSG, channels, doorbell, pushbuffers);
//! [`commands`] holds the subcommands; [`conformance`] the ABI conformance
//! suite run against the mock (and [`debugfs`], the mock's ground truth it
//! reads).

mod commands;
mod conformance;
mod debugfs;
mod gpu;
mod rm;
mod sys;
mod units;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A client of the NVIDIA driver ABI, speaking to /dev/nvidia* exactly as
/// a CUDA runtime does.
#[derive(Parser, Debug)]
#[command(
    name = "nvclient",
    version,
    about = "A client of the NVIDIA driver ABI: talks to /dev/nvidiactl and /dev/nvidiaN exactly as a CUDA runtime does.",
    long_about = "A client of the NVIDIA driver ABI: talks to /dev/nvidiactl and /dev/nvidiaN exactly as a CUDA \
runtime does (version check, root client, a device per GPU while holding /dev/nvidiaN open, subdevice, \
memory through NV_ESC_RM_ALLOC or VID_HEAP_CONTROL, mappings through RM_MAP_MEMORY + mmap).\n\n\
Exit status: 0 success (a refused allocation is a normal, reported outcome), 1 tool error \
(no driver, bad arguments, an unexpected failure), 3 `alloc --expect-full` got less than asked, \
1 `conformance` had a failing check.\n\n\
Sizes accept a binary suffix: 4096, 64K, 64KiB, 512M, 1.5G, 16GiB."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the GPUs (CARD_INFO, GPU id info, UUID) with total and free
    /// memory from FB_GET_INFO_V2.
    #[command(long_about = commands::info::LONG_HELP)]
    Info(commands::info::Args),
    /// Allocate GPU memory in chunks, optionally map and check a pattern,
    /// hold it, and report how much the driver granted.
    #[command(long_about = commands::alloc::LONG_HELP)]
    Alloc(commands::alloc::Args),
    /// Allocate, then free by a chosen route, and report the statuses and
    /// the free memory the driver reports before and after.
    #[command(long_about = commands::free::LONG_HELP)]
    Free(commands::free::Args),
    /// A line-oriented driver for tests: one command per line on stdin,
    /// one JSON reply per line on stdout.
    #[command(long_about = commands::session::LONG_HELP)]
    Session(commands::session::Args),
    /// Time round trips of one operation (ns/op, min/median/p99).
    #[command(long_about = commands::bench::LONG_HELP)]
    Bench(commands::bench::Args),
    /// Run the ABI conformance suite against the mock driver, one
    /// `VGPU-TEST:` line per check.
    #[command(long_about = conformance::LONG_HELP)]
    Conformance(conformance::Args),
    /// Keep a GPU busy as a CUDA program does (TSG, channels, kernels) and
    /// report the GPU time obtained and the latency.
    #[command(long_about = commands::burn::LONG_HELP)]
    Burn(commands::burn::Args),
    /// Copy data host -> GPU -> host with the copy engine and verify it.
    #[command(long_about = commands::copy::LONG_HELP)]
    Copy(commands::copy::Args),
    /// One scenario of the submission path (doorbells, ordering,
    /// scheduling, channel errors, teardown), as JSON.
    #[command(long_about = commands::engine_check::LONG_HELP)]
    EngineCheck(commands::engine_check::Args),
    /// Fork, mremap and munmap of the doorbell and USERD mappings (each in
    /// a child) while the process may be held back, as JSON.
    #[command(long_about = commands::edges::LONG_HELP)]
    Edges(commands::edges::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Info(a) => commands::info::run(a),
        Command::Alloc(a) => commands::alloc::run(a),
        Command::Free(a) => commands::free::run(a),
        Command::Session(a) => commands::session::run(a),
        Command::Bench(a) => commands::bench::run(a),
        Command::Conformance(a) => conformance::run(a),
        Command::Burn(a) => commands::burn::run(a),
        Command::Copy(a) => commands::copy::run(a),
        Command::EngineCheck(a) => commands::engine_check::run(a),
        Command::Edges(a) => commands::edges::run(a),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nvclient: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_subcommands() {
        let c = Cli::try_parse_from([
            "nvclient",
            "alloc",
            "--gpu",
            "1",
            "--size",
            "1G",
            "--chunk",
            "256M",
            "--via",
            "vid-heap",
            "--map",
            "--expect-full",
        ])
        .unwrap();
        match c.command {
            Command::Alloc(a) => {
                assert_eq!(a.gpu, 1);
                assert_eq!(a.size, 1 << 30);
                assert_eq!(a.chunk, Some(256 << 20));
                assert_eq!(a.via, rm::Via::VidHeap);
                assert!(a.map && a.expect_full);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["nvclient", "alloc", "--size", "1Q"]).is_err());
        assert!(Cli::try_parse_from([
            "nvclient",
            "alloc",
            "--size",
            "1G",
            "--hold",
            "1",
            "--hold-until-stdin-closes"
        ])
        .is_err());
        let c = Cli::try_parse_from(["nvclient", "free", "--size", "64M", "--how", "vid-heap"])
            .unwrap();
        assert!(matches!(c.command, Command::Free(_)));
        let c = Cli::try_parse_from([
            "nvclient",
            "bench",
            "--iterations",
            "10",
            "--op",
            "control",
            "--json",
        ])
        .unwrap();
        assert!(matches!(c.command, Command::Bench(_)));
        let c = Cli::try_parse_from([
            "nvclient",
            "conformance",
            "--only",
            "oom-at-capacity",
            "--json",
        ])
        .unwrap();
        assert!(matches!(c.command, Command::Conformance(_)));
        assert!(Cli::try_parse_from(["nvclient", "bench", "--op", "nope"]).is_err());
    }
}
