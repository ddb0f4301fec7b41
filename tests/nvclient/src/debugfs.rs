//! The mock driver's ground truth: `/sys/kernel/debug/nvidia_mock/`
//! (formats in docs/mock.md). Only the conformance suite reads it; nothing
//! else in nvclient depends on the mock.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};

use crate::units::parse_u64;

/// The mock's debugfs directory.
pub const DIR: &str = "/sys/kernel/debug/nvidia_mock";

fn read(name: &str) -> Result<String> {
    let path = format!("{DIR}/{name}");
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))
}

fn write(name: &str, text: &str) -> Result<()> {
    let path = format!("{DIR}/{name}");
    std::fs::write(&path, text).with_context(|| format!("cannot write {text:?} to {path}"))
}

/// Whether the mock's debugfs is there.
pub fn present() -> bool {
    std::path::Path::new(DIR).join("gpus").exists()
}

/// One line of `gpus`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GpuStat {
    pub index: u32,
    pub minor: u32,
    pub gpu_id: u32,
    pub fb_total: u64,
    pub fb_used: u64,
    pub fb_free: u64,
    pub revocations: u64,
}

/// One line of `clients`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientStat {
    pub handle: u32,
    pub pid: i64,
    pub file: u64,
    pub vidmem: u64,
    pub sysmem: u64,
    pub objects: u64,
}

/// `key value key value ...` after a leading word: the pairs.
fn pairs(line: &str) -> Result<BTreeMap<&str, &str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() & 1 == 1 {
        bail!("odd number of words in {line:?}");
    }
    Ok(words.chunks(2).map(|c| (c[0], c[1])).collect())
}

fn field(m: &BTreeMap<&str, &str>, k: &str, line: &str) -> Result<u64> {
    let v = m.get(k).with_context(|| format!("no {k:?} in {line:?}"))?;
    parse_u64(v)
}

/// Parse `gpus`.
pub fn parse_gpus(text: &str) -> Result<Vec<GpuStat>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let m = pairs(l)?;
            Ok(GpuStat {
                index: field(&m, "gpu", l)? as u32,
                minor: field(&m, "minor", l)? as u32,
                gpu_id: field(&m, "gpu_id", l)? as u32,
                fb_total: field(&m, "fb_total", l)?,
                fb_used: field(&m, "fb_used", l)?,
                fb_free: field(&m, "fb_free", l)?,
                revocations: field(&m, "revocations", l)?,
            })
        })
        .collect()
}

/// Parse `clients`.
pub fn parse_clients(text: &str) -> Result<Vec<ClientStat>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let m = pairs(l)?;
            let pid = m.get("pid").with_context(|| format!("no pid in {l:?}"))?;
            Ok(ClientStat {
                handle: field(&m, "client", l)? as u32,
                pid: pid.parse().with_context(|| format!("bad pid in {l:?}"))?,
                file: field(&m, "file", l)?,
                vidmem: field(&m, "vidmem", l)?,
                sysmem: field(&m, "sysmem", l)?,
                objects: field(&m, "objects", l)?,
            })
        })
        .collect()
}

/// Parse `name value` lines (`live`, `errors`).
pub fn parse_kv(text: &str) -> Result<BTreeMap<String, i64>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut w = l.split_whitespace();
            let (Some(k), Some(v), None) = (w.next(), w.next(), w.next()) else {
                bail!("bad line {l:?}");
            };
            Ok((
                k.to_string(),
                v.parse().with_context(|| format!("bad value in {l:?}"))?,
            ))
        })
        .collect()
}

/// Parse `0x<code> <NAME> <count>` lines (`escapes`, `rm_status`);
/// `other - <n>` is keyed by `u32::MAX`.
pub fn parse_counts(text: &str) -> Result<BTreeMap<u32, u64>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            if w.len() != 3 {
                bail!("bad line {l:?}");
            }
            let code = if w[0] == "other" {
                u32::MAX
            } else {
                parse_u64(w[0])? as u32
            };
            Ok((
                code,
                w[2].parse()
                    .with_context(|| format!("bad count in {l:?}"))?,
            ))
        })
        .collect()
}

/// Every GPU's accounting.
pub fn gpus() -> Result<Vec<GpuStat>> {
    parse_gpus(&read("gpus")?)
}

/// GPU `index`'s accounting.
pub fn gpu(index: u32) -> Result<GpuStat> {
    gpus()?
        .into_iter()
        .find(|g| g.index == index)
        .with_context(|| format!("debugfs has no GPU {index}"))
}

/// Every live client.
pub fn clients() -> Result<Vec<ClientStat>> {
    parse_clients(&read("clients")?)
}

/// Client `handle`, if alive.
pub fn client(handle: u32) -> Result<Option<ClientStat>> {
    Ok(clients()?.into_iter().find(|c| c.handle == handle))
}

/// The live-object counters.
pub fn live() -> Result<BTreeMap<String, i64>> {
    parse_kv(&read("live")?)
}

/// Ioctl counts by escape nr.
pub fn escapes() -> Result<BTreeMap<u32, u64>> {
    parse_counts(&read("escapes")?)
}

/// `einval` and `efault` counts.
pub fn errors() -> Result<BTreeMap<String, i64>> {
    parse_kv(&read("errors")?)
}

/// RM failure counts by status.
pub fn rm_status() -> Result<BTreeMap<u32, u64>> {
    parse_counts(&read("rm_status")?)
}

/// Arm `fail_alloc`: the next `count` allocations fail with `status`.
pub fn fail_alloc(count: u32, status: u32) -> Result<()> {
    write("fail_alloc", &format!("{count} {status:#x}\n"))
}

/// `fail_alloc` as read: (remaining, status).
pub fn fail_alloc_state() -> Result<(u32, u32)> {
    let t = read("fail_alloc")?;
    let w: Vec<&str> = t.split_whitespace().collect();
    if w.len() != 2 {
        bail!("bad fail_alloc {t:?}");
    }
    Ok((parse_u64(w[0])? as u32, parse_u64(w[1])? as u32))
}

/// Delay every ioctl of escape `nr` by `usec` (0 removes the delay).
pub fn delay(nr: u32, usec: u64) -> Result<()> {
    write("delay", &format!("{nr:#x} {usec}\n"))
}

/// The armed delays: nr -> usec.
pub fn delays() -> Result<BTreeMap<u32, u64>> {
    read("delay")?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            if w.len() != 2 {
                bail!("bad delay line {l:?}");
            }
            Ok((parse_u64(w[0])? as u32, parse_u64(w[1])?))
        })
        .collect()
}

/// Revoke every CPU mapping of GPU `index`.
pub fn revoke(index: u32) -> Result<()> {
    write("revoke", &format!("{index}\n"))
}

/// Difference of a counter map: `after[k] - before[k]`.
pub fn delta(before: &BTreeMap<u32, u64>, after: &BTreeMap<u32, u64>, k: u32) -> i64 {
    *after.get(&k).unwrap_or(&0) as i64 - *before.get(&k).unwrap_or(&0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpus_format() {
        let g = parse_gpus(
            "gpu 0 minor 0 gpu_id 0x100 fb_total 17179869184 fb_used 4096 fb_free 17179865088 revocations 0\n\
             gpu 1 minor 1 gpu_id 0x200 fb_total 17179869184 fb_used 0 fb_free 17179869184 revocations 2\n",
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].gpu_id, 0x100);
        assert_eq!(g[0].fb_used, 4096);
        assert_eq!(g[1].revocations, 2);
    }

    #[test]
    fn clients_format() {
        let c = parse_clients("client 0xc1d00000 pid 123 file 4 vidmem 8192 sysmem 0 objects 3\n")
            .unwrap();
        assert_eq!(c[0].handle, 0xc1d0_0000);
        assert_eq!(c[0].pid, 123);
        assert_eq!(c[0].objects, 3);
        assert!(parse_clients("client 0x1 pid\n").is_err());
    }

    #[test]
    fn counters() {
        let l = parse_kv("files 2\nclients 1\nbacking_pages 0\n").unwrap();
        assert_eq!(l["files"], 2);
        let e = parse_counts("0x2b NV_ESC_RM_ALLOC 12\n0xd2 NV_ESC_CHECK_VERSION_STR 3\n").unwrap();
        assert_eq!(e[&0x2b], 12);
        let s = parse_counts("0x00000051 NV_ERR_NO_MEMORY 2\nother - 5\n").unwrap();
        assert_eq!(s[&0x51], 2);
        assert_eq!(s[&u32::MAX], 5);
        assert_eq!(delta(&e, &s, 0x51), 2);
    }
}
