//! The subcommands.

pub mod alloc;
pub mod bench;
pub mod burn;
pub mod copy;
pub mod edges;
pub mod engine_check;
pub mod free;
pub mod info;
pub mod session;

/// clap value parser for sizes (`512M`, `1.5G`, `4096`).
pub fn size_arg(s: &str) -> Result<u64, String> {
    crate::units::parse_size(s).map_err(|e| e.to_string())
}

/// clap value parser for numbers in decimal or 0x hex.
pub fn u32_arg(s: &str) -> Result<u32, String> {
    crate::units::parse_u32(s).map_err(|e| e.to_string())
}

/// Print a JSON value on one line and flush.
pub fn print_json(v: &serde_json::Value) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}
