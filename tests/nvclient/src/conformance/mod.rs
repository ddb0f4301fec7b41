//! The ABI conformance suite: checks that the mock driver behaves as the
//! NVIDIA driver does (reference: /work/shared/nvidia-abi.md, mock rules:
//! docs/mock.md), with the mock's debugfs as ground truth.
//!
//! Each check is independent: it opens its own files, and everything it
//! created goes when they close. After every check the suite verifies that
//! the mock's live counters (files, clients, objects, memory, contexts,
//! VMAs, events, CPU mappings, backing pages) and every GPU's `fb_used` are
//! back to what they were before it, and that no fault is left armed; a
//! check that leaks fails.
//!
//! Output: one `VGPU-TEST: PASS conformance/<name>` or `VGPU-TEST: FAIL
//! conformance/<name>: <reason>` line per check (or one JSON object with
//! `--json`); exit status 1 if any check failed.

mod escapes;
mod faults;
mod mapping;
mod memory;
mod objects;
mod util;

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use vgpu_uapi::nvidia::rm::NvIoctlCardInfo;

use crate::debugfs;
use crate::rm::Node;

/// The long help of the subcommand.
pub const LONG_HELP: &str = "Run the ABI conformance suite against the mock NVIDIA driver (nvidia_mock.ko, \
its debugfs mounted at /sys/kernel/debug/nvidia_mock): version checks, card info, every escape's size \
and node rules, XFER, RM objects and handles, identity rules (client bound to its nvidiactl file, \
NV01_DEVICE_0 needs /dev/nvidiaN held open, REGISTER_FD, MAP_MEMORY's tgid check), parameter sizes \
from the class table, rounding, OOM at capacity, cascading frees, DUP, the heap API, mmap rules, \
copy-back on failure, ALLOC_MEMORY, close, and the fault injection knobs. Prints one \
`VGPU-TEST: PASS|FAIL conformance/<name>` line per check; exits 1 if any failed. Run as root \
(debugfs).";

/// Arguments of `conformance`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print one JSON object with every check's result instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Run only these checks (comma-separated names).
    #[arg(long)]
    pub only: Option<String>,
    /// List the checks and what they verify, and exit.
    #[arg(long)]
    pub list: bool,
}

/// What every check may rely on, read once at start.
pub struct Env {
    /// Number of GPUs.
    pub gpus: u32,
    /// CARD_INFO entries, by GPU index.
    pub cards: Vec<NvIoctlCardInfo>,
    /// Framebuffer capacity of each GPU in bytes (debugfs `fb_total`).
    pub capacity: Vec<u64>,
}

/// One check.
pub struct Check {
    /// Name in the `VGPU-TEST` line.
    pub name: &'static str,
    /// What it verifies (for `--list`).
    pub what: &'static str,
    /// The check.
    pub run: fn(&Env) -> Result<()>,
}

fn all_checks() -> Vec<Check> {
    let mut v = Vec::new();
    v.extend(escapes::checks());
    v.extend(objects::checks());
    v.extend(memory::checks());
    v.extend(mapping::checks());
    v.extend(faults::checks());
    v
}

fn env() -> Result<Env> {
    anyhow::ensure!(
        debugfs::present(),
        "the mock's debugfs ({}) is not there: load nvidia_mock.ko and mount debugfs",
        debugfs::DIR
    );
    let stats = debugfs::gpus()?;
    let ctl = Node::ctl().context("cannot open /dev/nvidiactl")?;
    let mut cards: Vec<NvIoctlCardInfo> = ctl
        .card_info(32)?
        .into_iter()
        .filter(|c| c.valid != 0)
        .collect();
    cards.sort_by_key(|c| c.minor_number);
    anyhow::ensure!(
        cards.len() == stats.len(),
        "CARD_INFO reports {} GPUs, debugfs {}",
        cards.len(),
        stats.len()
    );
    Ok(Env {
        gpus: cards.len() as u32,
        cards,
        capacity: stats.iter().map(|g| g.fb_total).collect(),
    })
}

/// The counters that must return to their value after every check.
const LIVE_KEYS: [&str; 9] = [
    "files",
    "clients",
    "objects",
    "memory",
    "contexts",
    "vmas",
    "events",
    "cpu_maps",
    "backing_pages",
];

/// The live counters and every GPU's fb_used.
type Snapshot = (Vec<(String, i64)>, Vec<u64>);

fn snapshot() -> Result<Snapshot> {
    let live = debugfs::live()?;
    let l = LIVE_KEYS
        .iter()
        .map(|k| (k.to_string(), *live.get(*k).unwrap_or(&-1)))
        .collect();
    let fb = debugfs::gpus()?.iter().map(|g| g.fb_used).collect();
    Ok((l, fb))
}

fn cleanup_problems(before: &Snapshot) -> Result<Option<String>> {
    let after = snapshot()?;
    let mut bad = Vec::new();
    for ((k, b), (_, a)) in before.0.iter().zip(after.0.iter()) {
        if a != b {
            bad.push(format!("{k} {b} -> {a}"));
        }
    }
    for (i, (b, a)) in before.1.iter().zip(after.1.iter()).enumerate() {
        if a != b {
            bad.push(format!("gpu {i} fb_used {b} -> {a}"));
        }
    }
    let (n, _) = debugfs::fail_alloc_state()?;
    if n != 0 {
        bad.push(format!("fail_alloc still armed ({n})"));
        let _ = debugfs::fail_alloc(0, 0);
    }
    let d = debugfs::delays()?;
    if !d.is_empty() {
        bad.push(format!("delays still armed {d:?}"));
        for nr in d.keys() {
            let _ = debugfs::delay(*nr, 0);
        }
    }
    Ok(if bad.is_empty() {
        None
    } else {
        Some(format!("did not clean up: {}", bad.join(", ")))
    })
}

/// Run `conformance`.
pub fn run(a: Args) -> Result<ExitCode> {
    let checks = all_checks();
    if a.list {
        for c in &checks {
            println!("{:<34} {}", c.name, c.what);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let selected: Vec<&Check> = match &a.only {
        None => checks.iter().collect(),
        Some(list) => {
            let names: Vec<&str> = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            for n in &names {
                anyhow::ensure!(
                    checks.iter().any(|c| c.name == *n),
                    "no check named {n:?} (see --list)"
                );
            }
            checks.iter().filter(|c| names.contains(&c.name)).collect()
        }
    };
    let env = match env() {
        Ok(e) => e,
        Err(e) => {
            let reason = format!("{e:#}").replace('\n', " | ");
            if a.json {
                super::commands::print_json(
                    &serde_json::json!({"passed": 0, "failed": 1, "checks": [{"name": "setup", "pass": false, "reason": reason}]}),
                );
            } else {
                println!("VGPU-TEST: FAIL conformance/setup: {reason}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let mut results = Vec::new();
    let mut failed = 0;
    for c in selected {
        let start = Instant::now();
        let outcome = (|| -> Result<Option<String>> {
            let before = snapshot()?;
            let r = (c.run)(&env);
            let leak = cleanup_problems(&before)?;
            Ok(match (r, leak) {
                (Err(e), _) => Some(format!("{e:#}")),
                (Ok(()), Some(l)) => Some(l),
                (Ok(()), None) => None,
            })
        })();
        let reason = match outcome {
            Ok(r) => r,
            Err(e) => Some(format!("debugfs: {e:#}")),
        }
        .map(|r| r.replace('\n', " | "));
        let secs = start.elapsed().as_secs_f64();
        if reason.is_some() {
            failed += 1;
        }
        if !a.json {
            match &reason {
                None => println!("VGPU-TEST: PASS conformance/{} ({secs:.1}s)", c.name),
                Some(r) => println!("VGPU-TEST: FAIL conformance/{}: {r}", c.name),
            }
            let _ = std::io::stdout().flush();
        }
        results.push(serde_json::json!({"name": c.name, "pass": reason.is_none(), "reason": reason, "seconds": secs}));
    }
    if a.json {
        super::commands::print_json(
            &serde_json::json!({"passed": results.len() - failed, "failed": failed, "checks": results}),
        );
    } else {
        println!(
            "conformance summary: {} of {} checks passed",
            results.len() - failed,
            results.len()
        );
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_are_unique_and_clean() {
        let checks = all_checks();
        assert!(checks.len() >= 40, "only {} checks", checks.len());
        for (i, c) in checks.iter().enumerate() {
            assert!(
                c.name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{}",
                c.name
            );
            assert!(!c.what.is_empty());
            for d in &checks[i + 1..] {
                assert_ne!(c.name, d.name);
            }
        }
    }
}
