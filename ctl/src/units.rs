//! Human sizes in and out, the cgroup v2 way: K, M, G, T are binary
//! (KiB, MiB, GiB, TiB), and "max" means no limit.

use vgpu_uapi::netlink::LIMIT_MAX;

/// Parses "4GiB", "4G", "512m", "1.5GiB", "1048576" or "max".
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("max") {
        return Ok(LIMIT_MAX);
    }
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        "t" | "tib" => 40,
        "kb" | "mb" | "gb" | "tb" => {
            return Err(format!(
                "ambiguous size '{s}': say {}iB for binary units (vgpu, like cgroup v2, counts K/M/G/T in powers of 1024)",
                &unit[..1].to_ascii_uppercase()
            ))
        }
        _ => return Err(format!("bad size '{s}': use bytes, a unit (KiB, MiB, GiB, TiB or K, M, G, T) or 'max'")),
    };
    if num.is_empty() {
        return Err(format!("bad size '{s}': no number"));
    }
    let bytes = if let Some((int, frac)) = num.split_once('.') {
        let int: u128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| format!("bad size '{s}'"))? };
        if frac.is_empty() || frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("bad size '{s}'"));
        }
        let f: u128 = frac.parse().map_err(|_| format!("bad size '{s}'"))?;
        let scale = 10u128.pow(frac.len() as u32);
        (int << shift) + ((f << shift) / scale)
    } else {
        let n: u128 = num.parse().map_err(|_| format!("bad size '{s}'"))?;
        n << shift
    };
    if bytes >= LIMIT_MAX as u128 {
        return Err(format!("size '{s}' is too large; use 'max' for no limit"));
    }
    Ok(bytes as u64)
}

/// "max", or the size in the largest binary unit that keeps it readable:
/// exact when it divides ("4 GiB"), else with two decimals ("1.50 GiB").
pub fn format_size(bytes: u64) -> String {
    if bytes == LIMIT_MAX {
        return "max".into();
    }
    const UNITS: [(&str, u32); 4] = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in UNITS {
        let unit = 1u64 << shift;
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes >> shift)
            } else {
                format!("{:.2} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} B")
}

/// `compute.max` as the operator gives it: "max", "30%" (of the period),
/// "QUOTA PERIOD" or "QUOTA" in microseconds, like `cpu.max`. Returns
/// (quota µs or LIMIT_MAX, period µs).
pub fn parse_compute_max(s: &str, period: Option<u64>) -> Result<(u64, u64), String> {
    use vgpu_uapi::netlink::{COMPUTE_PERIOD_DEFAULT_US, COMPUTE_PERIOD_MAX_US, COMPUTE_PERIOD_MIN_US};
    let t = s.trim();
    let mut words = t.split_whitespace();
    let first = words.next().ok_or_else(|| format!("bad compute max '{s}'"))?;
    let second = words.next();
    if words.next().is_some() {
        return Err(format!("bad compute max '{s}': give 'max', 'N%', 'QUOTA' or 'QUOTA PERIOD' (µs)"));
    }
    let period = match second {
        Some(p) => p.parse::<u64>().map_err(|_| format!("bad compute period '{p}'"))?,
        None => period.unwrap_or(COMPUTE_PERIOD_DEFAULT_US),
    };
    if !(COMPUTE_PERIOD_MIN_US..=COMPUTE_PERIOD_MAX_US).contains(&period) {
        return Err(format!("compute period {period} µs is outside {COMPUTE_PERIOD_MIN_US}..={COMPUTE_PERIOD_MAX_US} µs"));
    }
    if first.eq_ignore_ascii_case("max") {
        return Ok((LIMIT_MAX, period));
    }
    let quota = if let Some(pct) = first.strip_suffix('%') {
        let p: f64 = pct.parse().map_err(|_| format!("bad percentage '{first}'"))?;
        if !(p > 0.0 && p <= 100.0) {
            return Err(format!("compute max {first} must be above 0% and at most 100%"));
        }
        ((period as f64) * p / 100.0).round() as u64
    } else {
        first.parse::<u64>().map_err(|_| format!("bad compute quota '{first}': give microseconds, N% or max"))?
    };
    if quota == 0 || quota > period {
        return Err(format!("compute quota {quota} µs must be 1..={period} µs (the period)"));
    }
    Ok((quota, period))
}

/// "max" or the share of the period, e.g. "30% (30000/100000 µs)".
pub fn format_compute_max(quota: u64, period: u64) -> String {
    if quota == LIMIT_MAX {
        "max".into()
    } else {
        format!("{:.0}% ({quota}/{period} µs)", 100.0 * quota as f64 / period.max(1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_max_forms() {
        assert_eq!(parse_compute_max("30%", None), Ok((30_000, 100_000)));
        assert_eq!(parse_compute_max("30%", Some(50_000)), Ok((15_000, 50_000)));
        assert_eq!(parse_compute_max("25000 50000", None), Ok((25_000, 50_000)));
        assert_eq!(parse_compute_max("25000", None), Ok((25_000, 100_000)));
        assert_eq!(parse_compute_max("max", None), Ok((LIMIT_MAX, 100_000)));
        for bad in ["0%", "101%", "200000", "0", "x", "30% 10", "1 2 3", "50 999999999"] {
            assert!(parse_compute_max(bad, None).is_err(), "{bad} accepted");
        }
        assert_eq!(format_compute_max(30_000, 100_000), "30% (30000/100000 µs)");
    }
    use proptest::prelude::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_size("4GiB"), Ok(4 << 30));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("max"), Ok(LIMIT_MAX));
        assert_eq!(parse_size(" 2 MiB "), Ok(2 << 20));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "GiB", "4XB", "-1", "1..5G", "4GB", "99999999999999999999", "1.G", "16777216TiB"] {
            assert!(parse_size(bad).is_err(), "{bad} accepted");
        }
        assert!(parse_size("4GB").unwrap_err().contains("GiB"));
    }

    #[test]
    fn formats() {
        assert_eq!(format_size(4 << 30), "4 GiB");
        assert_eq!(format_size(3 << 29), "1.50 GiB");
        assert_eq!(format_size(512), "512 B");
        assert_eq!(format_size(LIMIT_MAX), "max");
    }

    proptest! {
        #[test]
        fn exact_sizes_round_trip(n in 0u64..1<<20, shift in prop::sample::select(vec![0u32, 10, 20, 30, 40])) {
            let bytes = n << shift;
            let s = format_size(bytes);
            if !s.contains('.') {
                prop_assert_eq!(parse_size(&s.replace(' ', "")), Ok(bytes));
            }
        }
    }
}
