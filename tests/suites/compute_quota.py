#!/usr/bin/env python3
# vgpu-timeout: 1500
"""Channel-time (compute) quotas against the mock's engine. Every share is
the mock's ground truth (busy ns per process over a 5 s window), which vgpu
never reads: weights, caps, caps beside uncapped tenants, short and long
submissions, synchronising tenants, disengagement, runtime changes, vgpu's
own accounting, and the edges: SIGKILL of a held-back tenant, migration of a
running process, process exit, and unload under load."""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403
from nvsession import enter_cgroup, load_mock, move_to_cgroup, mock_live, unload_mock  # noqa: E402
from gpu_time import (burn, busy_fraction, expected_split, finish, measure, saturating_depth,  # noqa: E402
                      snapshot, shares, wait_busy)
from genl import cgroup_id  # noqa: E402

CG = "/sys/fs/cgroup/cq"
TOL = 2.0            # percentage points, the target
# Short (0.1 ms) and long (20 ms) kernels are held to a wider tolerance:
# with 20 ms kernels a 10 s window holds few scheduling decisions, and with
# 0.1 ms kernels the emulated engine's per-entry work is a large part of
# each kernel, so their shares vary more run to run (by up to ~1.5 pp after
# scaling by the busy fraction, see below). docs/performance.md records the
# measured errors of every scenario.
TOL_EMULATED = 3.0
WINDOW = 10.0        # seconds of measurement (the issue asks for at least 5): TCG is noisy
ARBITERS = "/sys/kernel/debug/vgpu/arbiters"


def cg(name, weight=None, cap=None):
    path = f"{CG}/{name}"
    os.makedirs(path, exist_ok=True)
    args = []
    if weight is not None:
        args += ["--compute-weight", str(weight)]
    args += ["--compute-max", cap if cap else "max"]
    vgpuctl("set-quota", "--cgroup", path, "--device", "0", *args)
    if weight is None:
        vgpuctl("set-quota", "--cgroup", path, "--device", "0", "--compute-weight", "100")
    return path


def usage_usec(path):
    """vgpu's own account of `path`'s GPU time (compute.stat usage_usec)."""
    st = read(f"{SYSFS}/cgroups/{cgroup_id(path)}/gpu0/compute.stat")
    return int(re.search(r"usage_usec (\d+)", st).group(1))


def arbiter(gpu=0):
    text = read(ARBITERS)
    m = re.search(rf"^gpu {gpu} (.*)$", text, re.M)
    if not m:
        return {}
    return {k: int(v) for k, v in re.findall(r"(\w+) (-?\d+)", m.group(1))}


def run_scenario(tenants, kernel="2ms", sync_of=(), window=WINDOW, depth=4):
    """tenants: list of cgroup paths; returns (shares in percent of wall
    time, busy fractions: see `busy_fraction`)."""
    procs = [burn(c, duration="0", kernel=kernel, sync=(i in sync_of), depth=depth) for i, c in enumerate(tenants)]
    reports = []
    try:
        sh = measure([p.pid for p in procs], warmup=2.0, window=window)
    finally:
        for p in procs:
            reports.append(finish(p))
    return sh, [busy_fraction(r) for r in reports]


# What the GPU runs and what vgpu can charge differ by the time a tenant's
# work is visibly queued (GPPut != GPGet) or the tenant is between kernels
# faster than vgpu's tick (250 us) can see, while the GPU is idle. On a GPU
# host that is microseconds per kernel and per grant; under TCG it is not:
# a synchronising program's turnaround between kernels takes 0.1-0.4 ms,
# and each time vgpu lets a tenant go after holding it back, its first
# kernel waits ~1-2 ms, visibly queued, for two emulated page faults (GPPut,
# doorbell) and the doorbell pickup (docs/mock.md, "Doorbell latency").
# vgpu charges that time, as it must: it cannot tell it from GPU time. So
# every ground-truth target is scaled by the tenant's busy fraction, the
# share of its chargeable time the GPU really ran its work, measured in the
# same run from the GPU's own timestamps (`gpu_time.busy_fraction`). vgpu's
# own account (compute.stat) is held to the unscaled targets, and a cap is
# a hard bound on the ground truth.


def near(got, want, what, tol=TOL):
    if abs(got - want) > tol:
        raise AssertionError(f"{what}: {got:.2f}%, want {want}% ± {tol} pp")


def pair_share(sh):
    return 100.0 * sh[0] / (sh[0] + sh[1])


@test
def setup():
    load_mock()
    load_vgpu()
    os.makedirs(CG, exist_ok=True)


@test
def single_uncapped_tenant_is_disengaged():
    a = cg("solo")
    p = burn(a, duration="0")
    try:
        wait_busy([p.pid])
        before = arbiter()
        time.sleep(3)
        after = arbiter()
        s0 = snapshot()
        time.sleep(2)
        s1 = snapshot()
    finally:
        finish(p)
    eq(after.get("engaged"), 0, "arbiter engaged for one uncapped tenant")
    eq(after["revocations"] - before["revocations"], 0, "revocations while alone")
    eq(after["waits"] - before["waits"], 0, "faults that waited while alone")
    assert shares(s0, s1, [p.pid])[0] > 95.0, "the lone tenant keeps the GPU busy"


@test
def weights_1_to_3():
    a, b = cg("w1", weight=100), cg("w3", weight=300)
    sh, f = run_scenario([a, b])
    near(pair_share(sh), expected_split((25, 75), f)[0], f"weight-1 tenant's share of the pair (shares {sh}, busy {f})")
    assert sum(sh) > 80.0, f"GPU mostly busy: {sh}"


@test
def three_mixed_weights():
    ts = [cg("m1", weight=100), cg("m2", weight=200), cg("m5", weight=500)]
    sh, f = run_scenario(ts)
    total = sum(sh)
    for got, want, name in zip(sh, expected_split((12.5, 25.0, 62.5), f), ("100", "200", "500")):
        near(100.0 * got / total, want, f"weight {name} (shares {sh}, busy {f})")


@test
def cap_30_alone():
    a = cg("cap", cap="30%")
    sh, f = run_scenario([a])
    assert sh[0] <= 30.0 + TOL, f"capped tenant alone escaped its cap: {sh[0]:.2f}%"
    near(sh[0], 30.0 * f[0], f"capped tenant alone (busy {f[0]:.3f})")
    st = read(f"{SYSFS}/cgroups/{cgroup_id(a)}/gpu0/compute.stat")
    nr = int(re.search(r"nr_throttled (\d+)", st).group(1))
    assert nr > 0, f"a tenant held to 30% was never throttled: {st}"


@test
def cap_30_beside_uncapped():
    a, b = cg("capb", cap="30%"), cg("free", weight=100)
    sh, _ = run_scenario([a, b])
    assert sh[0] <= 30.0 + TOL, f"capped tenant got {sh[0]:.2f}% (> 32%)"
    assert sh[0] >= 30.0 - 2 * TOL, f"capped tenant starved: {sh[0]:.2f}%"
    assert sh[1] >= 100.0 - sh[0] - 10.0, f"the uncapped tenant should get the rest: {sh}"


@test
def short_submissions():
    a, b = cg("s1", weight=100), cg("s3", weight=300)
    sh, f = run_scenario([a, b], kernel="100us", depth=saturating_depth("100us"))
    near(pair_share(sh), expected_split((25, 75), f)[0], f"weights 1:3 with 0.1 ms kernels (busy {f})", TOL_EMULATED)
    c = cg("scap", cap="30%")
    sh, f = run_scenario([c], kernel="100us", depth=saturating_depth("100us"))
    assert sh[0] <= 30.0 + TOL, f"0.1 ms kernels escaped a 30% cap: {sh[0]:.2f}%"
    near(sh[0], 30.0 * f[0], f"cap 30% with 0.1 ms kernels (busy {f[0]:.3f})", TOL_EMULATED)


@test
def long_submissions():
    a, b = cg("l1", weight=100), cg("l3", weight=300)
    sh, f = run_scenario([a, b], kernel="20ms")
    near(pair_share(sh), expected_split((25, 75), f)[0], f"weights 1:3 with 20 ms kernels (busy {f})", TOL_EMULATED)
    c = cg("lcap", cap="30%")
    sh, f = run_scenario([c], kernel="20ms")
    assert sh[0] <= 30.0 + TOL, f"20 ms kernels escaped a 30% cap: {sh[0]:.2f}%"
    near(sh[0], 30.0 * f[0], f"cap 30% with 20 ms kernels, overruns carried (busy {f[0]:.3f})", TOL_EMULATED)


def measured_with_accounts(paths, procs):
    """(ground-truth shares, vgpu's charged shares, burn reports) of `procs`
    over WINDOW seconds: truth from the mock, charges from compute.stat."""
    try:
        wait_busy([p.pid for p in procs])
        time.sleep(2)
        s0, u0 = snapshot(), [usage_usec(c) for c in paths]
        time.sleep(WINDOW)
        s1, u1 = snapshot(), [usage_usec(c) for c in paths]
    finally:
        reports = [finish(p) for p in procs]
    wall_us = (s1[0] - s0[0]) / 1000
    return shares(s0, s1, [p.pid for p in procs]), [100.0 * (y - x) / wall_us for x, y in zip(u0, u1)], reports


# A tenant that synchronises after every kernel rings, waits for it, rings
# again: its turnaround between kernels is the part of its chargeable time
# that `busy_fraction` finds largest under emulation.


@test
def synchronising_tenants():
    a, b = cg("y3", weight=300), cg("y1", weight=100)
    procs = [burn(a, duration="0", sync=True), burn(b, duration="0")]
    truth, charged, reports = measured_with_accounts([a, b], procs)
    f = [busy_fraction(r) for r in reports]
    expect = expected_split((75, 25), f)[0]
    print(f"synchronising weight 3 vs saturating weight 1: truth {truth}, charged {charged}, "
          f"busy fractions {f} (gaps p50 {reports[0]['gap_ns']['p50'] / 1e3:.0f} us), "
          f"so {expect:.2f}% of the pair expected")
    near(pair_share(charged), 75.0, "vgpu's account of a synchronising weight-3 tenant vs a saturating weight-1 one")
    near(pair_share(truth), expect, "ground truth of a synchronising weight-3 tenant vs a saturating weight-1 one, "
         "given its measured turnaround")


@test
def synchronising_tenant_capped():
    c = cg("ycap", cap="30%")
    truth, charged, reports = measured_with_accounts([c], [burn(c, duration="0", sync=True)])
    f = busy_fraction(reports[0])
    expect = 30.0 * f
    print(f"synchronising tenant capped at 30%: truth {truth[0]:.2f}%, charged {charged[0]:.2f}%, "
          f"busy fraction {f:.3f} (gaps p50 {reports[0]['gap_ns']['p50'] / 1e3:.0f} us), so {expect:.2f}% expected")
    near(charged[0], 30.0, "vgpu's account of a synchronising tenant capped at 30%")
    assert truth[0] <= 30.0 + TOL, f"a synchronising tenant escaped its cap: {truth[0]:.2f}%"
    near(truth[0], expect, "ground truth of a synchronising tenant capped at 30%, given its measured turnaround")


@test
def runtime_changes_take_effect():
    a = cg("rt", cap="20%")
    p = burn(a, duration="0")
    try:
        wait_busy([p.pid])
        time.sleep(2)
        s0 = snapshot()
        time.sleep(WINDOW)
        s1 = snapshot()
        vgpuctl("set-quota", "--cgroup", a, "--device", "0", "--compute-max", "60%")
        time.sleep(1.0)  # more than one period (100 ms)
        s2 = snapshot()
        time.sleep(WINDOW)
        s3 = snapshot()
    finally:
        f = busy_fraction(finish(p))  # over both phases: one grant per period in each
    before, after = shares(s0, s1, [p.pid])[0], shares(s2, s3, [p.pid])[0]
    assert before <= 20.0 + TOL and after <= 60.0 + TOL, f"a cap was escaped: {before:.2f}%, {after:.2f}%"
    near(before, 20.0 * f, f"before the change (busy {f:.3f})")
    near(after, 60.0 * f, f"after raising the cap to 60% (busy {f:.3f})")


@test
def vgpu_accounting_matches_ground_truth():
    a, b = cg("acc1", weight=100), cg("acc3", weight=300)
    truth, mine, reports = measured_with_accounts([a, b], [burn(a, duration="0"), burn(b, duration="0")])
    for t, m, r, name in zip(truth, mine, reports, ("weight 1", "weight 3")):
        f = busy_fraction(r)
        near(m * f, t, f"compute.stat usage of the {name} tenant, {m:.2f}%, of which the GPU was busy "
             f"{f:.3f}, vs ground truth {t:.2f}%", tol=3.0)


@test
def sigkill_of_a_held_back_tenant_is_prompt():
    a, b = cg("k1", weight=100), cg("k2", weight=100)
    pa, pb = burn(a, duration="0"), burn(b, duration="0")
    try:
        wait_busy([pa.pid, pb.pid])
        # Kill whichever is held back at some moment: both take turns.
        time.sleep(1.0)
        start = time.monotonic()
        pb.send_signal(signal.SIGKILL)
        pb.wait(timeout=10)
        elapsed = time.monotonic() - start
        assert elapsed < 5.0, f"SIGKILL took {elapsed:.1f}s"
        s0 = snapshot()
        time.sleep(2)
        s1 = snapshot()
        assert shares(s0, s1, [pa.pid])[0] > 80.0, "the survivor gets the GPU back"
    finally:
        finish(pa)
    eq(arbiter().get("engaged"), 0, "alone again: disengaged")


@test
def migration_of_a_running_process():
    a, b = cg("mg1", weight=100), cg("mg3", weight=300)
    c = cg("mgx", weight=100)
    pa, pc = burn(a, duration="0"), burn(c, duration="0")
    try:
        wait_busy([pa.pid, pc.pid])
        time.sleep(2)
        move_to_cgroup(pa.pid, b)   # now weight 300 against 100
        time.sleep(2)
        s0 = snapshot()
        time.sleep(WINDOW)
        s1 = snapshot()
    finally:
        finish(pa)
        finish(pc)
    near(pair_share(shares(s0, s1, [pa.pid, pc.pid])), 75.0, "the moved process gets its new cgroup's weight")
    st = read(f"{SYSFS}/cgroups/{cgroup_id(b)}/gpu0/compute.stat")
    assert int(re.search(r"usage_usec (\d+)", st).group(1)) > 1_000_000, f"usage charged to the new cgroup: {st}"


@test
def exit_while_held_back_and_unload_under_load():
    a, b = cg("u1", weight=100), cg("u2", weight=100)
    pa, pb = burn(a, duration="0"), burn(b, duration="0")
    wait_busy([pa.pid, pb.pid])
    time.sleep(1)
    r = finish(pb)     # exit (SIGTERM) while the other may hold the GPU
    assert r.get("completed", 0) > 0, r
    pb = burn(b, duration="0")
    wait_busy([pb.pid])
    time.sleep(1)
    unload_vgpu()      # held-back tenants are let go; the driver keeps working
    s0 = snapshot()
    time.sleep(2)
    s1 = snapshot()
    sh = shares(s0, s1, [pa.pid, pb.pid])
    assert min(sh) > 30.0, f"both run after unload (the engine shares): {sh}"
    for p in (pa, pb):
        r = finish(p)
        assert r.get("completed", 0) > 0 and not r.get("error"), r
    load_vgpu()


@test
def fork_mremap_munmap_of_gated_mappings():
    # A tenant capped at 10% beside a saturating one is held back most of
    # the time, so its doorbell and USERD mappings are revoked whenever a
    # child forked with them, a moved (mremap) copy of them, or a thread
    # under an munmap writes to them.
    a, b = cg("e1", cap="10%"), cg("e2", weight=100)
    pb = burn(b, duration="0")
    try:
        wait_busy([pb.pid])
        before = arbiter()
        p = subprocess.run([NVCLIENT, "edges", "--kernels", "20", "--kernel", "1ms"], capture_output=True,
                           text=True, timeout=300, preexec_fn=enter_cgroup(a))
        after = arbiter()
        s0 = snapshot()
        time.sleep(1)
        s1 = snapshot()
    finally:
        rb = finish(pb)
    print(p.stdout.strip())
    rep = json.loads(p.stdout)
    steps = {s["name"]: s for s in rep["steps"]}
    for name in ("before", "after"):
        eq(steps[name]["completed"], 20, f"the parent's kernels {name} the edges ({steps[name]})")
    for name in ("fork", "mremap"):
        eq(steps[name]["child"], "exit 20", f"a {name} child submitting through the gated mappings ({steps[name]})")
    assert steps["munmap"]["child"] in ("exit 0", "signal SIGSEGV"), \
        f"a child whose mappings were unmapped under a held-back writer must end promptly: {steps['munmap']}"
    assert rep["ok"] and p.returncode == 0, (p.returncode, rep, p.stderr[-500:])
    assert after["waits"] > before["waits"], f"the edges never met a revoked mapping: {before} -> {after}"
    assert shares(s0, s1, [pb.pid])[0] > 80.0, "the other tenant has the GPU again"
    assert rb.get("completed", 0) > 0 and not rb.get("error"), rb


@test
def teardown():
    unload_vgpu()
    live = mock_live()
    eq(live.get("clients", 0), 0, "no client left")
    unload_mock()


run()
