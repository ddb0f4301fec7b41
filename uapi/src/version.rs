//! vgpu's version.

/// The version the kernel module, vgpuctl and the tools report. Equal to the
/// workspace version (checked by `tests/agree.rs`).
pub const VERSION: &str = "0.1.0";
