#!/usr/bin/env python3
"""`make bench`, the guest side: measures, in one boot, what vgpu costs.

Memory path: round trips of alloc+free (RM_ALLOC, VID_HEAP_CONTROL) and of a
control call (FB_GET_INFO_V2) by a tenant in a cgroup with a limit, with the
mock driver alone (baseline), with vgpu attached, and with vgpu attached and
1000 configured cgroups. Configurations alternate over several rounds and
the median of each is kept, to cancel drifts of this shared machine.

Compute: each scenario of the issue's targets (weights, caps, short, long
and synchronising submissions) once, as shares of the mock's ground truth
over a 5 s window; and the throughput of a single uncapped tenant with vgpu
attached relative to the mock alone, alternating over the rounds.

Prints one `VGPU-BENCH {json}` line per result; scripts/bench turns them
into docs/performance.md.
"""
import json
import os
import statistics
import subprocess
import sys

ROOT = os.environ["VGPU_ROOT"]
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from vgpu_test import NVCLIENT, load_vgpu, unload_vgpu, vgpuctl  # noqa: E402
from nvsession import enter_cgroup, load_mock  # noqa: E402
from genl import Genl, H, cgroup_id, u32, u64  # noqa: E402
from gpu_time import burn, busy_fraction, finish, measure, saturating_depth  # noqa: E402

CG = "/sys/fs/cgroup/bench"
ROUNDS = int(os.environ.get("VGPU_BENCH_ROUNDS", "3"))
ITER = int(os.environ.get("VGPU_BENCH_ITERATIONS", "3000"))
OPS = ["passthrough", "control", "alloc-free", "vid-heap"]


def emit(kind, **kv):
    print("VGPU-BENCH " + json.dumps({"kind": kind, **kv}), flush=True)


def bench(op):
    p = subprocess.run([NVCLIENT, "bench", "--op", op, "--iterations", str(ITER), "--json"],
                       capture_output=True, text=True, check=True, preexec_fn=enter_cgroup(CG))
    return json.loads(p.stdout)


def configure_many(n):
    g = Genl()
    os.makedirs(f"{CG}/many", exist_ok=True)
    for i in range(n):
        d = f"{CG}/many/c{i}"
        os.makedirs(d, exist_ok=True)
        _, err = g.request(H["VGPU_CMD_SET_QUOTA"], u64(H["VGPU_A_CGROUP_ID"], cgroup_id(d)) +
                           u32(H["VGPU_A_GPU"], 0) + u64(H["VGPU_A_MEMORY_MAX"], (i + 1) << 20))
        if err:
            raise SystemExit(f"configuring cgroup {i}: errno {err}")


def memory():
    os.makedirs(CG, exist_ok=True)
    load_mock()
    results = {(c, op): [] for c in ("baseline", "vgpu", "vgpu+1000") for op in OPS}
    for r in range(ROUNDS):
        for config in ("baseline", "vgpu", "vgpu+1000"):
            if config == "baseline":
                unload_vgpu()
            else:
                load_vgpu()
                vgpuctl("set-quota", "--cgroup", CG, "--device", "0", "--memory", "8GiB")
                if config == "vgpu+1000":
                    configure_many(1000)
            for op in OPS:
                results[(config, op)].append(bench(op)["median_ns"])
            if config != "baseline":
                unload_vgpu()
    for op in OPS:
        base = statistics.median(results[("baseline", op)])
        for config in ("baseline", "vgpu", "vgpu+1000"):
            med = statistics.median(results[(config, op)])
            emit("memory", op=op, config=config, median_ns=med, ratio=round(med / base, 3),
                 rounds=ROUNDS, iterations=ITER)


def tenant(name, weight=100, cap="max"):
    path = f"{CG}/{name}"
    os.makedirs(path, exist_ok=True)
    vgpuctl("set-quota", "--cgroup", path, "--device", "0", "--compute-weight", str(weight),
            "--compute-max", cap)
    return path


# (scenario, [(cgroup name, weight, cap, sync)], kernel, targets) where a
# target is ("pair", percent of the pair's GPU time) for weights or
# ("wall", percent of wall time) for caps; None: not a target.
SCENARIOS = [
    ("weights 1:3", [("w1", 100, "max", False), ("w3", 300, "max", False)], "2ms", [("pair", 25), ("pair", 75)]),
    ("weights 1:2:5", [("m1", 100, "max", False), ("m2", 200, "max", False), ("m5", 500, "max", False)], "2ms",
     [("all", 12.5), ("all", 25), ("all", 62.5)]),
    ("cap 30% alone", [("cap", 100, "30%", False)], "2ms", [("wall", 30)]),
    ("cap 30% beside uncapped", [("capb", 100, "30%", False), ("free", 100, "max", False)], "2ms",
     [("wall", 30), None]),
    ("weights 1:3, 0.1 ms kernels", [("s1", 100, "max", False), ("s3", 300, "max", False)], "100us",
     [("pair", 25), ("pair", 75)]),
    ("cap 30%, 0.1 ms kernels", [("scap", 100, "30%", False)], "100us", [("wall", 30)]),
    ("weights 1:3, 20 ms kernels", [("l1", 100, "max", False), ("l3", 300, "max", False)], "20ms",
     [("pair", 25), ("pair", 75)]),
    ("cap 30%, 20 ms kernels", [("lcap", 100, "30%", False)], "20ms", [("wall", 30)]),
    ("synchronising weight 3 vs saturating weight 1", [("y3", 300, "max", True), ("y1", 100, "max", False)],
     "2ms", [("pair", 75), ("pair", 25)]),
    ("synchronising, cap 30%", [("ycap", 100, "30%", True)], "2ms", [("wall", 30)]),
]


def shares_scenario(name, specs, kernel, targets):
    paths = [tenant(n, w, c) for n, w, c, _ in specs]
    procs = [burn(p, duration="0", kernel=kernel, sync=y, depth=saturating_depth(kernel))
             for p, (_, _, _, y) in zip(paths, specs)]
    reports = []
    try:
        sh = measure([p.pid for p in procs], warmup=2.0, window=5.0)
    finally:
        for p in procs:
            reports.append(finish(p))
    frac = [busy_fraction(r) for r in reports]
    # Targets scaled by those fractions: for caps target x fraction; for
    # weights the split of the tenants' scaled targets.
    scaled_total = sum(t[1] * f for t, f in zip(targets, frac) if t is not None)
    for (n, w, c, y), got, target, f in zip(specs, sh, targets, frac):
        label = f"{n} (weight {w}, cap {c}{', sync' if y else ''})"
        if target is None:
            emit("compute", scenario=name, tenant=label, target="rest", measured=got, error_pp=0.0,
                 busy_fraction=f, scaled_error_pp=0.0)
            continue
        how, want = target
        measured = {"wall": got, "pair": 100.0 * got / sum(sh), "all": 100.0 * got / sum(sh)}[how]
        scaled = want * f if how == "wall" else 100.0 * want * f / scaled_total
        emit("compute", scenario=name, tenant=label, target=f"{want}%" + ("" if how == "wall" else " of busy"),
             measured=measured, error_pp=measured - want, busy_fraction=f, scaled_error_pp=measured - scaled)


def throughput(kernel):
    """GPU time (percent of wall, the mock's ground truth) a saturating
    tenant gets: what it completes is proportional to it."""
    p = burn(CG, duration="0", kernel=kernel, depth=saturating_depth(kernel))
    try:
        return measure([p.pid], warmup=1.0, window=4.0)[0]
    finally:
        finish(p)


def compute():
    os.makedirs(CG, exist_ok=True)
    load_mock()
    load_vgpu()
    for sc in SCENARIOS:
        shares_scenario(*sc)
    unload_vgpu()
    for kernel in ("100us", "2ms"):
        base, with_vgpu = [], []
        for _ in range(ROUNDS):
            base.append(throughput(kernel))
            load_vgpu()
            with_vgpu.append(throughput(kernel))
            unload_vgpu()
        b, v = statistics.median(base), statistics.median(with_vgpu)
        emit("compute", metric="overhead", ratio=v / b,
             detail=f"{kernel} kernels, depth {saturating_depth(kernel)}: median GPU busy {v:.2f}% vs {b:.2f}% of 4 s over {ROUNDS} alternating rounds")


if __name__ == "__main__":
    what = sys.argv[1:] or ["memory", "compute"]
    if "memory" in what:
        memory()
    if "compute" in what:
        compute()
