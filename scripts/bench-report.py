#!/usr/bin/env python3
"""Turns the VGPU-BENCH lines of a QEMU console log into the tables of
docs/performance.md (replacing what is between the BENCH markers)."""
import json
import re
import sys
import datetime

log, doc = sys.argv[1], sys.argv[2]
rows = []
for line in open(log, errors="replace"):
    i = line.find("VGPU-BENCH ")
    if i >= 0 and not line.startswith("VGPU-DMESG"):
        rows.append(json.loads(line[i + len("VGPU-BENCH "):]))
if not rows:
    sys.exit("bench-report: the guest reported no result")

out = [f"Measured {datetime.date.today()} by `make bench` (QEMU, TCG, 2 vCPUs).", ""]
mem = [r for r in rows if r["kind"] == "memory"]
if mem:
    out += ["### Memory path (median ns per round trip; ratio to the mock without vgpu)", "",
            "| operation | mock alone | vgpu attached | ratio | vgpu + 1000 cgroups | ratio |",
            "| --- | --- | --- | --- | --- | --- |"]
    for op in dict.fromkeys(r["op"] for r in mem):
        by = {r["config"]: r for r in mem if r["op"] == op}
        out.append(f"| {op} | {by['baseline']['median_ns']:.0f} | {by['vgpu']['median_ns']:.0f} | "
                   f"{by['vgpu']['ratio']:.2f} | {by['vgpu+1000']['median_ns']:.0f} | {by['vgpu+1000']['ratio']:.2f} |")
    r0 = mem[0]
    out += ["", f"{r0['rounds']} alternating rounds of {r0['iterations']} round trips each; the tenant runs "
            "in a cgroup with a memory limit, so every allocation takes the full charge path.", ""]
comp = [r for r in rows if r["kind"] == "compute"]
if comp:
    out += ["### Compute (share of GPU time from the mock's ground truth)", "",
            "| scenario | tenant | target | measured | error (pp) | busy fraction | error vs target × busy fraction (pp) |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in comp:
        if "target" in r:
            out.append(f"| {r['scenario']} | {r['tenant']} | {r['target']} | {r['measured']:.1f}% | "
                       f"{r['error_pp']:+.1f} | {r['busy_fraction']:.3f} | {r['scaled_error_pp']:+.1f} |")
    out.append("")
    for r in comp:
        if r.get("metric") == "overhead":
            out.append(f"- Uncapped single tenant, throughput with vgpu / without: **{r['ratio']:.3f}** "
                       f"({r['detail']}).")
    out += ["", "Busy fraction: the share of the tenant's chargeable time (work visibly queued, or gaps between its "
            "kernels shorter than vgpu's tick) in which the GPU really ran it, measured by the workload from the GPU's "
            "own timestamps; under TCG a synchronising program's turnaround and each resume after being held back "
            "are long (docs/mock.md, \"Doorbell latency\"). The compute suite holds ground truth to target × busy "
            "fraction and vgpu's own account to the target.", ""]

text = open(doc).read()
block = "<!-- BENCH:BEGIN -->\n" + "\n".join(out) + "\n<!-- BENCH:END -->"
text = re.sub(r"<!-- BENCH:BEGIN -->.*<!-- BENCH:END -->", lambda _: block, text, flags=re.S)
open(doc, "w").write(text)
print("\n".join(out))
