//! `nvclient info`: the GPUs and their memory.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::rm::{attached_ids, build_version, gpu_id_info, gpu_uuid, Session};
use crate::units::human;

/// The long help of the subcommand.
pub const LONG_HELP: &str =
    "List the GPUs the driver reports: CARD_INFO (PCI location, ids, minor), \
NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2, the UUID (GPU_GET_GID_INFO) and the memory from \
NV2080_CTRL_CMD_FB_GET_INFO_V2 (exact KiB in --json). Each GPU's device is allocated while holding \
/dev/nvidiaN open, as CUDA does.";

/// Arguments of `info`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// One JSON object on stdout (sizes in exact KiB).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct GpuInfo {
    index: u32,
    minor: u32,
    gpu_id: u32,
    pci: String,
    vendor_id: u16,
    device_id: u16,
    device_instance: u32,
    uuid: String,
    total_kib: u64,
    heap_kib: u64,
    free_kib: u64,
    used_kib: u64,
}

#[derive(Serialize)]
struct Info {
    driver_version: String,
    attached_gpu_ids: Vec<u32>,
    gpus: Vec<GpuInfo>,
}

/// Run `info`.
pub fn run(a: Args) -> Result<ExitCode> {
    let mut s = Session::open()?;
    let driver_version = build_version(&s.ctl, s.client)?;
    let attached = attached_ids(&s.ctl, s.client)?;
    let mut gpus = Vec::new();
    for c in s.cards()? {
        let idinfo = gpu_id_info(&s.ctl, s.client, c.gpu_id)?;
        let index = idinfo.device_instance;
        let sub = s.gpu(index)?.subdevice;
        let fb = s.fb_info(index)?;
        let uuid = gpu_uuid(&s.ctl, s.client, sub)?;
        gpus.push(GpuInfo {
            index,
            minor: c.minor_number,
            gpu_id: c.gpu_id,
            pci: format!(
                "{:04x}:{:02x}:{:02x}.{}",
                c.pci_info.domain, c.pci_info.bus, c.pci_info.slot, c.pci_info.function
            ),
            vendor_id: c.pci_info.vendor_id,
            device_id: c.pci_info.device_id,
            device_instance: idinfo.device_instance,
            uuid,
            total_kib: fb.total_kib,
            heap_kib: fb.heap_kib,
            free_kib: fb.free_kib,
            used_kib: fb.heap_kib.saturating_sub(fb.free_kib),
        });
    }
    let info = Info {
        driver_version,
        attached_gpu_ids: attached,
        gpus,
    };
    if a.json {
        super::print_json(&serde_json::to_value(&info)?);
    } else {
        println!(
            "NVIDIA driver {}, {} GPU(s)",
            info.driver_version,
            info.gpus.len()
        );
        for g in &info.gpus {
            println!(
                "GPU {}  /dev/nvidia{}  {}  {:04x}:{:04x}  id {:#x}  {}",
                g.index, g.minor, g.pci, g.vendor_id, g.device_id, g.gpu_id, g.uuid
            );
            println!(
                "      memory: {} total, {} used, {} free",
                human(g.total_kib * 1024),
                human(g.used_kib * 1024),
                human(g.free_kib * 1024)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
