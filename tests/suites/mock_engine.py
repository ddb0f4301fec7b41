#!/usr/bin/env python3
# vgpu-timeout: 900
"""The mock's GPU engines (part 2): work submitted the way a CUDA runtime
submits it (UVM, TSG, channels, doorbell, USERD, pushbuffers) runs, is
scheduled round-robin by timeslice, faults only the faulting channel and is
torn down cleanly; the busy time in the mock's ground truth (debugfs) is
what the clients see. Driven by nvclient burn/copy/engine-check; vgpu itself
is not loaded."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403
from nvsession import DEBUGFS, load_mock, mock_live, nvclient, unload_mock  # noqa: E402

# Objects of part 2 that must all be gone once every client has exited.
ENGINE_LIVE = ("usermodes", "tsgs", "channels", "vaspaces", "gpu_maps", "uvm_files", "uvm_ranges",
               "clients", "objects", "files", "backing_pages")


def kv_lines(name):
    """debugfs file `name` as a list of {key: value} dicts (one per line)."""
    out = []
    for line in read(f"{DEBUGFS}/{name}").splitlines():
        w = line.split()
        out.append({w[i]: w[i + 1] for i in range(0, len(w) - 1, 2)})
    return out


def busy():
    """debugfs busy: {"now": ns, ("gpu", i): ns, ("pid", pid): ns on GPU 0}."""
    out = {}
    for line in read(f"{DEBUGFS}/busy").splitlines():
        w = line.split()
        if w[0] == "now_ns":
            out["now"] = int(w[1])
        elif w[0] == "gpu" and w[2] == "busy_ns":
            out[("gpu", int(w[1]))] = int(w[3])
        elif w[0] == "pid" and w[3] == "0":
            out[("pid", int(w[1]))] = int(w[5])
    return out


def check(name, *args):
    r = nvclient("engine-check", name, *args, json_out=True, check=False)
    assert r["ok"], f"engine-check {name} {' '.join(args)}: {r}"
    return r


def burn(*args, timeout=120):
    return nvclient("burn", *args, "--json", json_out=True, timeout=timeout)


def spawn_burn(*args):
    return subprocess.Popen([NVCLIENT, "burn", *args, "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(p, timeout=60):
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, f"burn exited {p.returncode}: {err.strip()}"
    return json.loads(out)


def share_window(pids, start_after, window):
    """Busy share of each pid on GPU 0 over `window` s, `start_after` s from now."""
    time.sleep(start_after)
    b0 = busy()
    time.sleep(window)
    b1 = busy()
    wall = b1["now"] - b0["now"]
    return [(b1.get(("pid", p), 0) - b0.get(("pid", p), 0)) / wall for p in pids], \
        (b1[("gpu", 0)] - b0[("gpu", 0)]) / wall


def settle_live(timeout=10):
    end = time.monotonic() + timeout
    while True:
        live = mock_live()
        left = {k: live[k] for k in ENGINE_LIVE if live.get(k)}
        if not left:
            return
        if time.monotonic() > end:
            raise AssertionError(f"objects left in the mock: {left}")
        time.sleep(0.1)


def errors_of(client):
    return [e for e in kv_lines("channel_errors")[1:] if int(e["client"], 16) == client]


@test
def setup():
    load_mock()
    assert os.path.exists("/dev/nvidia-uvm"), "/dev/nvidia-uvm missing"
    eq(len([l for l in kv_lines("engines") if "engine" in l]), 4, "two GPUs x (gr, ce) engines")


@test
def submission_and_completion_client_userd():
    p = spawn_burn("--duration", "1s", "--kernel", "2ms", "--depth", "4", "--userd", "vidmem")
    r = finish(p)
    assert r["error"] is None and r["completed"] >= 100, r
    assert r["completed"] + r["in_flight"] == r["submitted"], r
    # The mock's ground truth for that process agrees with the client's
    # semaphore timestamps (the bracketing semaphores add a little).
    truth = busy()[("pid", p.pid)]
    assert abs(truth - r["gpu_time_ns"]) <= 0.05 * truth + 10e6, (truth, r["gpu_time_ns"])


@test
def submission_and_completion_driver_userd():
    r = burn("--duration", "1s", "--kernel", "2ms", "--sync", "--userd", "driver")
    assert r["error"] is None and r["completed"] >= 50, r
    eq(r["in_flight"] + r["completed"], r["submitted"], "submitted")
    r = burn("--duration", "1s", "--kernel", "1ms", "--channels", "3", "--userd", "sysmem")
    assert r["error"] is None and r["completed"] >= 100, r


@test
def doorbell_needed_for_an_idle_channel():
    for userd in ("vidmem", "driver", "sysmem"):
        r = check("doorbell", "--userd", userd)
        eq(r["gpget_before_ring"], 0, f"{userd}: GPGet moved without a doorbell")
        eq(r["gpget_after_ring"], r["put"], f"{userd}: GPGet after the doorbell")


@test
def semaphore_ordering_compute_and_copy():
    r = check("order")
    assert r["compute_waited"] and r["compute_sem_ts"] >= r["copy_sem_ts"], r


@test
def copy_engine_data_integrity():
    r = nvclient("copy", "--size", "32M", "--chunk", "3M", "--json", json_out=True)
    assert r["ok"] and r["first_mismatch"] is None and r["size"] == 32 << 20, r


@test
def round_robin_fairness_between_equal_tsgs():
    ps = [spawn_burn("--duration", "4s", "--kernel", "1ms", "--depth", "4") for _ in range(2)]
    try:
        shares, total = share_window([p.pid for p in ps], 1.0, 2.0)
    finally:
        rs = [finish(p) for p in ps]
    print(f"shares {[round(100 * s, 2) for s in shares]} total {100 * total:.2f}%")
    # Fair: each gets half of what the engine gave; and the engine stays busy.
    for s in shares:
        assert abs(s / sum(shares) - 0.5) <= 0.02, f"share {s:.4f} not within 2 points of half: {shares}"
    assert total >= 0.95, f"engine busy {total:.4f} of the time with two saturating TSGs"
    for r in rs:
        assert r["error"] is None, r


@test
def set_timeslice_changes_the_shares():
    # 10 ms kernels are preempted at timeslice ends: 4000 vs 1000 us -> 80/20.
    ps = [spawn_burn("--duration", "4s", "--kernel", "10ms", "--depth", "2", "--timeslice-us", ts)
          for ts in ("4000", "1000")]
    try:
        shares, _ = share_window([p.pid for p in ps], 1.0, 2.0)
    finally:
        for p in ps:
            finish(p)
    print(f"shares {[round(100 * s, 2) for s in shares]}")
    assert abs(shares[0] - 0.8) <= 0.03 and abs(shares[1] - 0.2) <= 0.03, shares


@test
def unscheduled_tsg_does_not_run():
    r = check("unscheduled")
    eq(r["unregistered_schedule_status"], "NV_ERR_INVALID_STATE", "schedule without UVM binding")


@test
def teardown_while_busy():
    check("teardown")
    # A process killed in the middle of its work: everything goes.
    p = spawn_burn("--duration", "0", "--kernel", "20ms", "--depth", "8", "--channels", "2")
    time.sleep(1.0)
    live = mock_live()
    assert live["channels"] >= 2 and live["tsgs"] >= 1, live
    p.kill()
    p.wait()
    settle_live()
    # And the busy counters stop growing.
    b0 = busy()[("gpu", 0)]
    time.sleep(0.2)
    eq(busy()[("gpu", 0)], b0, "GPU 0 busy time after the last client died")


@test
def bad_gpfifo_entry_faults_only_that_channel():
    r = check("bad-entry")
    errs = [e for e in errors_of(r["client"]) if int(e["handle"], 16) == r["bad_channel"]]
    assert errs and errs[-1]["xid"] == "32", errs
    assert not [e for e in errors_of(r["client"]) if int(e["handle"], 16) == r["good_channel"]]


@test
def bad_gpu_va_faults_only_that_channel():
    r = check("bad-va")
    errs = [e for e in errors_of(r["client"]) if int(e["handle"], 16) == r["bad_channel"]]
    assert errs and errs[-1]["xid"] == "31", errs


@test
def revocation_then_doorbell_faults_back():
    # Zap every mapping of GPU 0 (doorbell and USERD included) while a
    # synchronous client submits: its next GPPut/doorbell write faults and
    # the driver puts the mapping back.
    stop = threading.Event()
    n = [0]

    def revoker():
        while not stop.is_set():
            write(f"{DEBUGFS}/revoke", "0")
            n[0] += 1
            time.sleep(0.005)

    t = threading.Thread(target=revoker)
    t.start()
    try:
        r = burn("--duration", "1.5s", "--kernel", "500us", "--sync", "--userd", "driver")
    finally:
        stop.set()
        t.join()
    assert r["error"] is None and r["completed"] >= 50 and n[0] >= 50, (r, n[0])


@test
def sigterm_ends_a_run_with_a_report():
    p = spawn_burn("--duration", "0", "--kernel", "5ms")
    time.sleep(1.0)
    p.send_signal(signal.SIGTERM)
    r = finish(p, timeout=10)
    eq(r["stopped_by"], "SIGTERM", "stopped_by")
    assert r["completed"] > 50 and 0.8e9 < r["wall_ns"] < 3e9, r


@test
def busy_share_of_one_saturating_tenant():
    p = spawn_burn("--duration", "3.5s", "--kernel", "2ms", "--depth", "4")
    try:
        (share,), total = share_window([p.pid], 1.0, 2.0)
    finally:
        r = finish(p)
    print(f"saturating tenant: debugfs busy share {100 * total:.2f}%, "
          f"client-measured GPU share {100 * r['gpu_share']:.2f}%")
    assert total >= 0.95, f"busy share {total:.4f} below 95%"
    assert share >= 0.95, f"tenant share {share:.4f} below 95%"


@test
def nothing_left_and_unload():
    settle_live()
    unload_mock()
    assert not loaded("nvidia_mock")
    assert not os.path.exists("/dev/nvidia-uvm"), "/dev/nvidia-uvm left behind"


run()
