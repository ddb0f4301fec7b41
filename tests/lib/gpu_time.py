"""GPU-time ground truth from the mock driver and workload helpers for the
compute-quota suites. vgpu never reads these numbers; tests compare vgpu's
behaviour (and its compute.stat) against them."""
import json
import os
import re
import subprocess
import time

from vgpu_test import NVCLIENT, read
from nvsession import DEBUGFS, enter_cgroup


def snapshot(gpu=0):
    """(now_ns, {pid: busy_ns}, gpu_busy_ns) from the mock's busy file."""
    text = read(f"{DEBUGFS}/busy")
    now = int(re.search(r"now_ns (\d+)", text).group(1))
    pids = {int(p): int(b) for p, g, b in re.findall(r"pid (\d+) gpu (\d+) busy_ns (\d+)", text) if int(g) == gpu}
    m = re.search(rf"^gpu {gpu} busy_ns (\d+)", text, re.M)
    return now, pids, int(m.group(1)) if m else 0


def shares(before, after, pids):
    """Percent of wall time each pid kept the GPU busy between two snapshots."""
    dt = after[0] - before[0]
    return [100.0 * (after[1].get(p, 0) - before[1].get(p, 0)) / dt for p in pids]


# A saturating tenant keeps its queue from running dry. With 0.1 ms kernels
# four in flight are 0.4 ms of work, less than the emulated CPU takes to
# notice a completion and refill (a 100 us sleep wakes ~0.3 ms late under
# TCG): such tenants keep 32 in flight (3.2 ms), as a CUDA stream of short
# kernels does (its pushbuffer holds far more).
def saturating_depth(kernel):
    """Kernels in flight for a tenant that saturates the GPU with `kernel`."""
    return 32 if kernel == "100us" else 4


def busy_fraction(report):
    """The share of a tenant's chargeable time in which the GPU really ran
    its work, from a burn report's GPU timestamps: kernel time against
    kernel time plus idle gaps under 1 ms after its queue ran dry (shorter
    than vgpu's tick can see) plus the queued part of each longer gap (work
    visibly pending while held back is let go). See docs/mock.md,
    "Doorbell latency"."""
    busy = report.get("gpu_time_ns", 0)
    idle = report.get("short_gaps_ns", 0) + report.get("resume_wait_ns", 0)
    return busy / (busy + idle) if busy else 1.0


def expected_split(targets, fractions):
    """Percent of the tenants' GPU time each should get: targets (shares of
    chargeable time) scaled by their busy fractions."""
    eff = [t * f for t, f in zip(targets, fractions)]
    return [100.0 * e / sum(eff) for e in eff]


def burn(cgroup=None, duration="20s", kernel="2ms", depth=4, sync=False, userd="vidmem", extra=()):
    """Starts `nvclient burn` (in `cgroup`); returns the Popen."""
    args = [NVCLIENT, "burn", "--duration", duration, "--kernel", kernel, "--depth", str(depth),
            "--userd", userd, "--json", *extra]
    if sync:
        args.append("--sync")
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=enter_cgroup(cgroup) if cgroup else None)


def wait_busy(pids, timeout=20):
    """Waits until every pid has had some GPU time (its channels are set up)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = snapshot()
        if all(s[1].get(p, 0) > 0 for p in pids):
            return
        time.sleep(0.1)
    raise AssertionError(f"workloads never ran: {snapshot()[1]}")


def measure(pids, warmup=2.0, window=5.0):
    """Shares (percent) of `pids` over `window` seconds after `warmup`."""
    wait_busy(pids)
    time.sleep(warmup)
    a = snapshot()
    time.sleep(window)
    b = snapshot()
    return shares(a, b, pids)


def diagnose(pid):
    """What a stuck workload is doing: its threads' kernel stacks, vgpu's
    arbiters and the mock's channels, printed for the suite's log."""
    import glob
    print(f"--- diagnosis of stuck pid {pid}")
    for t in sorted(glob.glob(f"/proc/{pid}/task/*")):
        try:
            state = read(t + "/stat").split()[2]
            print(f"thread {os.path.basename(t)} state {state}\n{read(t + '/stack')}")
        except OSError as e:
            print(f"thread {t}: {e}")
    for f in ("/sys/kernel/debug/vgpu/arbiters", f"{DEBUGFS}/channels", f"{DEBUGFS}/runlist"):
        try:
            print(f"{f}:\n{read(f)}")
        except OSError as e:
            print(f"{f}: {e}")
    print("--- end of diagnosis", flush=True)


def finish(p, timeout=60):
    """Stops a burn (SIGTERM) and returns its JSON report."""
    if p.poll() is None:
        p.terminate()
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        diagnose(p.pid)
        p.kill()
        p.communicate()
        raise AssertionError(f"burn {p.pid} did not stop within {timeout}s of SIGTERM (diagnosis above)")
    if p.returncode not in (0, -15):
        raise AssertionError(f"burn exited {p.returncode}: {err.strip()[-300:]}")
    return json.loads(out) if out.strip() else {}
