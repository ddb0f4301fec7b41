//! Reading `/sys/kernel/vgpu` (names: `vgpu_uapi::sysfs`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use vgpu_uapi::sysfs as names;

use crate::error::CtlError;

/// The module's sysfs tree (overridable for tests with `VGPU_SYSFS`).
pub fn root() -> PathBuf {
    std::env::var_os("VGPU_SYSFS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(names::ROOT))
}

/// Contents of a sysfs file, trimmed.
pub fn read(path: &Path) -> Result<String> {
    let s = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(s.trim_end_matches('\n').to_string())
}

/// Top-level facts from sysfs.
#[derive(Debug, serde::Serialize)]
pub struct Top {
    pub version: String,
    pub abi_version: u32,
    pub driver: Option<String>,
}

pub fn top() -> Result<Top> {
    let r = root();
    if !r.is_dir() {
        return Err(CtlError::ModuleNotLoaded.into());
    }
    let version = read(&r.join(names::VERSION))?;
    let abi_version = read(&r.join(names::ABI_VERSION))?
        .parse()
        .with_context(|| format!("{} is not a number", r.join(names::ABI_VERSION).display()))?;
    let driver = read(&r.join(names::DRIVER))?;
    Ok(Top { version, abi_version, driver: (!driver.is_empty()).then_some(driver) })
}
