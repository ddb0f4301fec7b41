//! vgpu's ABIs, shared by the kernel module, vgpuctl and the test tools.
//!
//! Everything here is `core`-only, with no dependencies: the kernel module
//! includes these very files (see `kmod/abi.rs`), so one definition serves
//! kernel and user space.
//!
//! - [`netlink`]: the `vgpu` generic netlink family (mirrored by `vgpu.yaml`,
//!   the YNL spec, and `include/vgpu.h`, the C header; `tests/agree.rs`
//!   proves the three agree).
//! - [`sysfs`]: the names under `/sys/kernel/vgpu/`.
//! - [`nvidia`]: the subset of NVIDIA's ioctl ABI that vgpu decodes and the
//!   mock driver implements (mirrored by `include/nvidia-abi.h`;
//!   `tests/nvidia_layout.rs` proves the layouts agree).
#![no_std]
#![forbid(unsafe_code)]

pub mod netlink;
pub mod nvidia;
pub mod sysfs;
pub mod version;

pub use version::VERSION;
