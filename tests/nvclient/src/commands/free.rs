//! `nvclient free`: allocate, free by one route, and report the statuses
//! and the free memory RM reports (FB_GET_INFO_V2 through a second,
//! observing session) before, after the allocation and after the free.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::rm::{NvError, Session, Via, ATTR_VIDMEM};

/// How the memory is freed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// RM_FREE of the memory object.
    Object,
    /// VID_HEAP_CONTROL FREE (the memory is allocated through the heap).
    VidHeap,
    /// RM_FREE of the device: the free cascades to its memory.
    Device,
    /// RM_FREE of the client (hObjectOld == hRoot).
    Client,
    /// close() of nvidiactl (and the GPU node): the driver frees the
    /// file's clients.
    Close,
}

/// The long help of the subcommand.
pub const LONG_HELP: &str =
    "Allocate SIZE bytes on a GPU, then free them by the chosen route, and report \
the statuses and the free memory the driver reports (FB_GET_INFO_V2, read through a second \
session) before, after the allocation and after the free. `returned` says whether the free \
memory came back to its value before the allocation. Nothing here reads the mock's debugfs.";

/// Arguments of `free`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// GPU index.
    #[arg(long, default_value_t = 0)]
    pub gpu: u32,
    /// Bytes to allocate.
    #[arg(long, value_parser = super::size_arg)]
    pub size: u64,
    /// Route of the free.
    #[arg(long, value_enum)]
    pub how: How,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Report {
    gpu: u32,
    how: How,
    requested: u64,
    allocated: u64,
    alloc_status: String,
    free_status: String,
    free_kib_before: u64,
    free_kib_after_alloc: u64,
    free_kib_after_free: u64,
    returned: bool,
}

fn name(r: &Result<(), NvError>) -> String {
    match r {
        Ok(()) => "NV_OK".into(),
        Err(e) => e.name(),
    }
}

/// Run `free`.
pub fn run(a: Args) -> Result<ExitCode> {
    let mut observer = Session::open()?;
    let before = observer.fb_info(a.gpu)?.free_kib;
    let mut s = Session::open()?;
    let via = if a.how == How::VidHeap {
        Via::VidHeap
    } else {
        Via::RmAlloc
    };
    let alloc = s.alloc_vidmem(a.gpu, a.size, via, ATTR_VIDMEM, 0);
    let after_alloc = observer.fb_info(a.gpu)?.free_kib;
    let (allocated, alloc_status, free_status) = match alloc {
        Err(e) => (0, e.name(), "not attempted".to_string()),
        Ok(al) => {
            let device = s.gpus[&a.gpu].device;
            let r = match a.how {
                How::Object => s.ctl.free(s.client, device, al.handle),
                How::VidHeap => s.ctl.vid_heap_free(s.client, device, al.handle),
                How::Device => s.ctl.free(s.client, s.client, device),
                How::Client => s.ctl.free(s.client, s.client, s.client),
                How::Close => {
                    drop(s);
                    Ok(())
                }
            };
            (al.size, "NV_OK".to_string(), name(&r))
        }
    };
    let after_free = observer.fb_info(a.gpu)?.free_kib;
    let report = Report {
        gpu: a.gpu,
        how: a.how,
        requested: a.size,
        allocated,
        alloc_status,
        free_status,
        free_kib_before: before,
        free_kib_after_alloc: after_alloc,
        free_kib_after_free: after_free,
        returned: after_free == before,
    };
    if a.json {
        super::print_json(&serde_json::to_value(&report)?);
    } else {
        println!(
            "alloc {} -> {} ({} bytes); free by {:?} -> {}; free memory {} KiB -> {} KiB -> {} KiB ({})",
            report.requested,
            report.alloc_status,
            report.allocated,
            report.how,
            report.free_status,
            before,
            after_alloc,
            after_free,
            if report.returned { "returned" } else { "NOT returned" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
