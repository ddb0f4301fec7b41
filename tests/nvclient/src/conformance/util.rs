//! Helpers shared by the checks.

use std::fmt::Debug;

use anyhow::{bail, Result};
use nix::errno::Errno;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::status::status_name;

use crate::debugfs;
use crate::rm::{memory_params, Node, NvError, NvResult};

/// `r` must be the RM failure `want`.
pub fn expect_status<T: Debug>(r: NvResult<T>, want: u32, what: &str) -> Result<()> {
    match r {
        Err(NvError::Rm(s)) if s == want => Ok(()),
        Err(e) => bail!(
            "{what}: expected {} ({want:#x}), got {e}",
            status_name(want)
        ),
        Ok(v) => bail!(
            "{what}: expected {} ({want:#x}), got success ({v:?})",
            status_name(want)
        ),
    }
}

/// `r` must be the OS failure `want`.
pub fn expect_errno<T: Debug, E: Into<NvError>>(
    r: Result<T, E>,
    want: Errno,
    what: &str,
) -> Result<()> {
    match r.map_err(Into::into) {
        Err(NvError::Os(e)) if e == want => Ok(()),
        Err(e) => bail!("{what}: expected {want:?}, got {e}"),
        Ok(v) => bail!("{what}: expected {want:?}, got success ({v:?})"),
    }
}

/// `r` must succeed.
pub fn ok<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> Result<T> {
    r.map_err(|e| anyhow::anyhow!("{what}: {e}"))
}

/// `a == b`.
pub fn eq<T: PartialEq + Debug>(got: T, want: T, what: &str) -> Result<()> {
    if got != want {
        bail!("{what}: expected {want:?}, got {got:?}");
    }
    Ok(())
}

/// A ctl file with a client and, for one GPU, the GPU node held open, a
/// device and a subdevice.
pub struct Setup {
    pub ctl: Node,
    pub client: u32,
    pub gpu_node: Node,
    pub gpu: u32,
    pub device: u32,
    pub subdevice: u32,
}

/// Open nvidiactl, allocate a client, open `/dev/nvidia<gpu>` and allocate
/// device and subdevice.
pub fn setup(gpu: u32) -> Result<Setup> {
    let ctl = ok(Node::ctl(), "open nvidiactl")?;
    let client = ok(ctl.alloc_client(0), "alloc client")?;
    let gpu_node = ok(Node::gpu(gpu), "open GPU node")?;
    let device = ok(ctl.alloc_device(client, gpu, 0), "alloc device")?;
    let subdevice = ok(ctl.alloc_subdevice(client, device, 0), "alloc subdevice")?;
    Ok(Setup {
        ctl,
        client,
        gpu_node,
        gpu,
        device,
        subdevice,
    })
}

impl Setup {
    /// Allocate vidmem of `size` under the device: (handle, rounded size).
    pub fn vid(&self, size: u64) -> NvResult<(u32, u64)> {
        self.vid_attr(size, 0, 0)
    }

    /// Allocate vidmem with attributes.
    pub fn vid_attr(&self, size: u64, attr: u32, attr2: u32) -> NvResult<(u32, u64)> {
        let mut p = memory_params(size, attr, attr2);
        let h =
            self.ctl
                .alloc_memory(self.client, self.device, 0, NV01_MEMORY_LOCAL_USER, &mut p)?;
        Ok((h, p.size))
    }

    /// Allocate sysmem of `size` under the device.
    pub fn sys(&self, size: u64) -> NvResult<(u32, u64)> {
        let mut p = memory_params(size, crate::rm::ATTR_SYSMEM, 0);
        let h = self
            .ctl
            .alloc_memory(self.client, self.device, 0, NV01_MEMORY_SYSTEM, &mut p)?;
        Ok((h, p.size))
    }

    /// This GPU's fb_used.
    pub fn fb_used(&self) -> Result<u64> {
        Ok(debugfs::gpu(self.gpu)?.fb_used)
    }
}

/// Disarms the mock's fault injection when dropped.
pub struct FaultGuard;

impl Drop for FaultGuard {
    fn drop(&mut self) {
        let _ = debugfs::fail_alloc(0, 0);
        if let Ok(d) = debugfs::delays() {
            for nr in d.keys() {
                let _ = debugfs::delay(*nr, 0);
            }
        }
    }
}

/// A child process's result code: an RM status (< 0x100) or a marker.
pub const CHILD_OS_ERROR: u8 = 255;

/// Encode a call's outcome as a child exit code: the RM status, 0 for
/// success, [`CHILD_OS_ERROR`] for an OS failure.
pub fn child_code<T>(r: NvResult<T>) -> u8 {
    match r {
        Ok(_) => 0,
        Err(NvError::Rm(s)) if s < 0xff => s as u8,
        Err(_) => CHILD_OS_ERROR,
    }
}
