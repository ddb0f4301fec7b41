#!/usr/bin/env python3
"""`make bench`, the guest side: measures, in one boot, what vgpu costs.

Memory path: round trips of alloc+free (RM_ALLOC, VID_HEAP_CONTROL) and of a
control call (FB_GET_INFO_V2) by a tenant in a cgroup with a limit, with the
mock driver alone (baseline), with vgpu attached, and with vgpu attached and
1000 configured cgroups. Configurations alternate over several rounds and
the median of each is kept, to cancel drifts of this shared machine.

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


if __name__ == "__main__":
    what = sys.argv[1:] or ["memory"]
    if "memory" in what:
        memory()
