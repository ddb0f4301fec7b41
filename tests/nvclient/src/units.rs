//! Sizes on the command line and in reports.
//!
//! A size is a whole number of bytes with an optional binary suffix:
//! `4096`, `64K`, `64KiB`, `1.5G`, `16GiB`, `2T` (K/M/G/T, with or
//! without `iB` or `B`, any case; every multiplier is a power of 1024).
//! Handles and other numbers accept decimal or `0x` hex.

use anyhow::{bail, Context, Result};

/// Parse a size such as `512MiB`, `1G` or `4096` into bytes.
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim();
    if t.is_empty() {
        bail!("empty size");
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    if num.is_empty() {
        bail!("size {s:?} does not start with a number");
    }
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            bail!("unknown size suffix {other:?} in {s:?} (use K, M, G, T, KiB, MiB, GiB, TiB)")
        }
    };
    let mult = 1u64 << shift;
    if let Some((whole, frac)) = num.split_once('.') {
        if frac.contains('.') || frac.is_empty() {
            bail!("bad number in size {s:?}");
        }
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().with_context(|| format!("bad size {s:?}"))?
        };
        // Exact fixed-point: frac digits / 10^n of the multiplier.
        let digits = frac.len() as u32;
        if digits > 12 {
            bail!("too many decimals in {s:?}");
        }
        let frac_n: u128 = frac.parse().with_context(|| format!("bad size {s:?}"))?;
        let den = 10u128.pow(digits);
        let frac_bytes = frac_n * mult as u128;
        if (frac_bytes / den) * den != frac_bytes {
            bail!("size {s:?} is not a whole number of bytes");
        }
        let total = whole as u128 * mult as u128 + frac_bytes / den;
        u64::try_from(total).map_err(|_| anyhow::anyhow!("size {s:?} is too large"))
    } else {
        let n: u64 = num.parse().with_context(|| format!("bad size {s:?}"))?;
        n.checked_mul(mult)
            .ok_or_else(|| anyhow::anyhow!("size {s:?} is too large"))
    }
}

/// Parse an unsigned number, decimal or `0x` hex.
pub fn parse_u64(s: &str) -> Result<u64> {
    let t = s.trim();
    let r = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16)
    } else {
        t.parse()
    };
    r.with_context(|| format!("bad number {s:?}"))
}

/// Parse a 32-bit unsigned number, decimal or `0x` hex.
pub fn parse_u32(s: &str) -> Result<u32> {
    let v = parse_u64(s)?;
    u32::try_from(v).map_err(|_| anyhow::anyhow!("{s:?} does not fit in 32 bits"))
}

/// Bytes for people: `16 GiB`, `1.50 MiB`, `4096 B`.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if v.fract() == 0.0 {
        format!("{} {}", v as u64, UNITS[i])
    } else {
        format!("{:.2} {}", v, UNITS[i])
    }
}

/// Parse a duration such as `2ms`, `500us`, `1.5s` or `250000ns` (no
/// suffix: seconds) into nanoseconds.
pub fn parse_duration_ns(s: &str) -> Result<u64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, suffix) = t.split_at(split);
    let mult: f64 = match suffix.to_ascii_lowercase().as_str() {
        "" | "s" => 1e9,
        "ms" => 1e6,
        "us" | "\u{b5}s" => 1e3,
        "ns" => 1.0,
        other => bail!("unknown duration suffix {other:?} in {s:?} (use s, ms, us, ns)"),
    };
    let n: f64 = num
        .parse()
        .with_context(|| format!("bad duration {s:?}"))?;
    let ns = (n * mult).round();
    if !ns.is_finite() || ns < 0.0 || ns > u64::MAX as f64 {
        bail!("duration {s:?} out of range");
    }
    Ok(ns as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("4096B").unwrap(), 4096);
        assert_eq!(parse_size("64K").unwrap(), 64 << 10);
        assert_eq!(parse_size("64KiB").unwrap(), 64 << 10);
        assert_eq!(parse_size("64kb").unwrap(), 64 << 10);
        assert_eq!(parse_size("512M").unwrap(), 512 << 20);
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("16G").unwrap(), 16 << 30);
        assert_eq!(parse_size("16GiB").unwrap(), 16 << 30);
        assert_eq!(parse_size("1T").unwrap(), 1 << 40);
        assert_eq!(parse_size("1.5G").unwrap(), 3 << 29);
        assert_eq!(parse_size(" 2M ").unwrap(), 2 << 20);
        assert_eq!(parse_size("0.5K").unwrap(), 512);
    }

    #[test]
    fn bad_sizes() {
        for s in [
            "",
            "G",
            "1X",
            "1.5",
            "1..5G",
            "99999999999999999999",
            "16777216T",
            "0.1K",
            "-1",
        ] {
            assert!(parse_size(s).is_err(), "{s:?} accepted");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64("0x10").unwrap(), 16);
        assert_eq!(parse_u64("16").unwrap(), 16);
        assert_eq!(parse_u32("0xc1d00000").unwrap(), 0xc1d0_0000);
        assert!(parse_u32("0x100000000").is_err());
        assert!(parse_u64("zz").is_err());
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(100), "100 B");
        assert_eq!(human(16 << 30), "16 GiB");
        assert_eq!(human(3 << 19), "1.50 MiB");
        assert_eq!(human(4096), "4 KiB");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ns("2ms").unwrap(), 2_000_000);
        assert_eq!(parse_duration_ns("1.5s").unwrap(), 1_500_000_000);
        assert_eq!(parse_duration_ns("500us").unwrap(), 500_000);
        assert_eq!(parse_duration_ns("3").unwrap(), 3_000_000_000);
        assert_eq!(parse_duration_ns("7ns").unwrap(), 7);
        assert!(parse_duration_ns("2h").is_err());
        assert!(parse_duration_ns("ms").is_err());
    }
}
