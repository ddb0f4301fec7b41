#!/usr/bin/env python3
# vgpu-timeout: 900
"""Per-cgroup GPU memory quotas against the mock NVIDIA driver, checked
against the mock's ground truth (debugfs): limits, both allocation paths,
hierarchy, concurrency, SIGKILL storms, cascading frees, DUP, migration,
runtime resize, capacity virtualization, denial events, load/unload with
clients active, and pass-through of escapes vgpu does not handle."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403
from nvsession import (GIB, MIB, Session, load_mock, mock_gpus, mock_live, mock_used, move_to_cgroup,  # noqa: E402
                       nvclient, unload_mock)
from genl import cgroup_id  # noqa: E402

CG = "/sys/fs/cgroup/mq"
NO_MEMORY = "NV_ERR_NO_MEMORY"
PAGE_4K = "attr=0x800000"   # NVOS32_ATTR_PAGE_SIZE = 4KB (bits 24:23 = 1): no rounding up


def cg(name):
    path = f"{CG}/{name}"
    os.makedirs(path, exist_ok=True)
    return path


def limit(path, size, gpu="0"):
    vgpuctl("set-quota", "--cgroup", path, "--device", gpu, "--memory", size)


def current(path, gpu=0):
    return int(read(f"{SYSFS}/cgroups/{cgroup_id(path)}/gpu{gpu}/memory.current"))


def events_max(path, gpu=0):
    return int(read(f"{SYSFS}/cgroups/{cgroup_id(path)}/gpu{gpu}/memory.events").split()[1])


def settle(pred, what, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def all_returned():
    """Nothing charged anywhere and nothing allocated in the mock."""
    eq(mock_used(0), 0, "mock fb_used on GPU 0")
    eq(mock_used(1), 0, "mock fb_used on GPU 1")
    root = f"{SYSFS}/cgroups/{cgroup_id('/sys/fs/cgroup')}"
    for gpu in (0, 1):
        f = f"{root}/gpu{gpu}/memory.current"
        if os.path.exists(f):
            eq(int(read(f)), 0, f"root memory.current gpu{gpu}")


@test
def setup():
    load_mock()
    load_vgpu()
    os.makedirs(CG, exist_ok=True)
    eq(read(f"{SYSFS}/driver"), "nvidia_mock")


@test
def limit_refuses_exactly_like_an_oom():
    a = cg("a")
    limit(a, "3GiB")
    s = Session(a)
    try:
        for i in range(3):
            ok, r = s.alloc(0, "1GiB")
            assert ok, f"allocation {i}: {r}"
        ok, r = s.alloc(0, "1GiB")
        assert not ok, "allocation past the limit succeeded"
        eq(r.get("status"), NO_MEMORY, "status of the refused allocation")
        eq(current(a), 3 * GIB, "memory.current")
        eq(mock_used(0), 3 * GIB, "mock ground truth: nothing past the limit reached the driver")
        eq(events_max(a), 1, "memory.events max")
        ok, r = s.alloc(0, "4KiB", "rm", PAGE_4K)
        assert not ok, "even a page past a full limit"
        eq(events_max(a), 2, "memory.events max")
    finally:
        s.close()
    settle(lambda: current(a) == 0, "memory.current back to 0 after exit")
    all_returned()


@test
def free_makes_room_again():
    a = cg("a")
    limit(a, "2GiB")
    s = Session(a)
    try:
        h1 = s.ok("alloc 0 1GiB")["handle"]
        s.ok("alloc 0 1GiB")
        assert not s.alloc(0, "1GiB")[0]
        s.ok(f"free {h1}")
        eq(current(a), GIB)
        assert s.alloc(0, "1GiB")[0], "allocation after a free"
        eq(mock_used(0), 2 * GIB)
    finally:
        s.close()
    all_returned()


@test
def vid_heap_paths_are_limited_too():
    a = cg("a")
    limit(a, "1GiB")
    for via in ("vidheap", "range"):
        s = Session(a)
        try:
            h = s.ok(f"alloc 0 512MiB {via}")["handle"]
            s.ok(f"alloc 0 512MiB {via}")
            ok, r = s.alloc(0, "4KiB", via, PAGE_4K)
            assert not ok, f"{via}: allocation past the limit succeeded"
            eq(r.get("status"), NO_MEMORY, via)
            eq(mock_used(0), GIB, f"{via}: mock ground truth")
            s.ok(f"vidheap-free {h}")
            eq(current(a), 512 * MIB, f"{via}: after VID_HEAP FREE")
        finally:
            s.close()
        all_returned()


@test
def exact_fit_with_small_pages():
    a = cg("exact")
    limit(a, "10MiB")
    s = Session(a)
    try:
        s.ok(f"alloc 0 9MiB rm {PAGE_4K}")
        s.ok(f"alloc 0 1MiB rm {PAGE_4K}")
        ok, r = s.alloc(0, "4KiB", "rm", PAGE_4K)
        assert not ok and r.get("status") == NO_MEMORY, r
        eq(current(a), 10 * MIB)
    finally:
        s.close()
    all_returned()


@test
def rounding_charges_what_the_driver_allocated():
    a = cg("round")
    s = Session(a)
    try:
        r = s.ok("alloc 0 5000")  # default page size: the mock rounds to 4 KiB
        eq(r["size"], 8192, "size written back")
        eq(current(a), 8192, "charged at the size the driver allocated")
        eq(mock_used(0), 8192)
    finally:
        s.close()
    all_returned()


@test
def parent_caps_the_sum_of_children():
    p = cg("p")
    c1, c2 = cg("p/c1"), cg("p/c2")
    limit(p, "4GiB")
    limit(c1, "3GiB")
    s1, s2 = Session(c1), Session(c2)
    try:
        for _ in range(3):
            s1.ok("alloc 0 1GiB")
        s2.ok("alloc 0 1GiB")
        ok, r = s2.alloc(0, "1GiB")
        assert not ok and r.get("status") == NO_MEMORY, f"parent limit not enforced: {r}"
        eq(current(p), 4 * GIB, "parent usage = sum of children")
        eq(events_max(p), 1, "parent counts the denial it caused")
        eq(events_max(c2), 1, "the child that was refused counts it")
        q = vgpuctl("get-quota", "--cgroup", c2, "--device", "0", "--json", json_out=True)
        eq(q["memory_effective_max"], 4 * GIB, "effective limit of c2")
        eq(mock_used(0), 4 * GIB)
    finally:
        s1.close()
        s2.close()
    all_returned()


@test
def gpus_are_limited_separately():
    a = cg("two")
    limit(a, "1GiB", gpu="0")
    s = Session(a)
    try:
        s.ok("alloc 0 1GiB")
        assert not s.alloc(0, "1GiB")[0], "GPU 0 over its limit"
        s.ok("alloc 1 4GiB")  # GPU 1 has no limit
        eq(current(a, 1), 4 * GIB)
        vgpuctl("set-quota", "--cgroup", a, "--device", "all", "--memory", "5GiB")
        assert not s.alloc(1, "2GiB")[0], "the all-GPU limit applies to GPU 1"
        eq(current(a, 0), GIB, "GPU 0 keeps its own limit")
    finally:
        s.close()
    vgpuctl("clear-quota", "--cgroup", a, "--device", "all")
    all_returned()


@test
def cascading_frees_return_everything():
    a = cg("cascade")
    for how in ("free-device 0", "free-client", "close"):
        s = Session(a)
        try:
            for _ in range(3):
                s.ok("alloc 0 256MiB")
            s.ok("alloc 0 256MiB vidheap")
            eq(current(a), GIB)
            s.ok(how)
            eq(current(a), 0, f"after {how}")
            eq(mock_used(0), 0, f"mock after {how}")
        finally:
            s.close()
    all_returned()


@test
def dup_shares_the_charge_until_the_last_reference():
    a = cg("dup")
    limit(a, "1GiB")
    s = Session(a)
    try:
        h = s.ok("alloc 0 1GiB")["handle"]
        d = s.ok(f"dup {h} into-new-client")
        eq(current(a), GIB, "a dup is not a new allocation")
        assert not s.alloc(0, "4KiB", "rm", PAGE_4K)[0], "still at the limit"
        s.ok(f"free {h}")
        eq(current(a), GIB, "the dup keeps the memory charged")
        eq(mock_used(0), GIB, "and allocated in the driver")
        s.ok(f"free {d['handle']}")
        eq(current(a), 0, "the last reference returns it")
        eq(mock_used(0), 0)
    finally:
        s.close()
    all_returned()


@test
def migration_charges_new_allocations_to_the_new_cgroup():
    a, b = cg("mig-a"), cg("mig-b")
    s = Session(a)
    try:
        h = s.ok("alloc 0 1GiB")["handle"]
        move_to_cgroup(s.pid, b)
        s.ok("alloc 0 512MiB")
        eq(current(a), GIB, "old charge stays where it was made")
        eq(current(b), 512 * MIB, "new allocation charged to the new cgroup")
        s.ok(f"free {h}")
        eq(current(a), 0, "free uncharges where the charge was made")
        eq(current(b), 512 * MIB)
    finally:
        s.close()
    all_returned()


@test
def resize_at_runtime():
    a = cg("resize")
    limit(a, "4GiB")
    s = Session(a)
    try:
        for _ in range(3):
            s.ok("alloc 0 1GiB")
        limit(a, "2GiB")
        eq(current(a), 3 * GIB, "existing allocations survive a lower limit")
        assert not s.alloc(0, "4KiB", "rm", PAGE_4K)[0], "new allocations refused over the lower limit"
        limit(a, "8GiB")
        s.ok("alloc 0 4GiB")
        eq(current(a), 7 * GIB)
        limit(a, "max")
        s.ok("alloc 0 2GiB")
    finally:
        s.close()
    all_returned()


@test
def tenants_see_their_quota_as_capacity():
    a = cg("cap")
    limit(a, "4GiB")
    info = nvclient("info", "--json", cgroup=a, json_out=True)
    gpu0 = info["gpus"][0] if isinstance(info, dict) else info[0]
    text = json.dumps(gpu0)
    assert str(4 * 1024 * 1024) in text, f"4 GiB (in KiB) not reported: {text}"
    s = Session(a)
    try:
        s.ok("alloc 0 1GiB")
        fb = s.ok("fbinfo 0")
        eq(fb["total_kib"], 4 << 20, "FB_GET_INFO_V2 total")
        eq(fb["free_kib"], 3 << 20, "FB_GET_INFO_V2 free")
        eq(fb["v1"]["total_kib"] if isinstance(fb.get("v1"), dict) else fb["total_kib"], 4 << 20, "FB_GET_INFO")
        vh = s.ok("vidheap-info 0")
        eq(vh["total"], 4 * GIB, "VID_HEAP INFO total")
        eq(vh["free"], 3 * GIB, "VID_HEAP INFO free")
        # GPU 1 has no limit: the truth.
        fb1 = s.ok("fbinfo 1")
        eq(fb1["total_kib"], 16 << 20, "an unlimited GPU shows its real size")
    finally:
        s.close()
    unlimited = cg("nocap")
    s = Session(unlimited)
    try:
        eq(s.ok("fbinfo 0")["total_kib"], 16 << 20, "a cgroup without a limit sees the truth")
    finally:
        s.close()
    all_returned()


@test
def denials_are_reported_as_events():
    a = cg("ev")
    limit(a, "1GiB")
    ev = subprocess.Popen([VGPUCTL, "events", "--json", "--count", "1"], stdout=subprocess.PIPE, text=True)
    time.sleep(1.0)
    s = Session(a)
    try:
        s.ok("alloc 0 768MiB")
        assert not s.alloc(0, "512MiB")[0]
        pid = s.pid
    finally:
        s.close()
    out, _ = ev.communicate(timeout=30)
    e = json.loads(out.strip().splitlines()[-1])
    eq(e["pid"], pid, "pid")
    eq(e["cgroup"], "/mq/ev", "cgroup")
    eq(e["device"], 0, "device")
    eq(e["limit"], GIB, "limit")
    eq(e["usage"], 768 * MIB, "usage")
    assert e["requested"] >= 512 * MIB, e
    eq(e["limit_cgroup_id"], cgroup_id(a))
    all_returned()


@test
def concurrent_tenants_never_exceed_the_limit():
    a = cg("storm")
    lim = 2 * GIB
    limit(a, "2GiB")
    stop = threading.Event()
    worst = [0]
    errors = []

    def checker():
        while not stop.is_set():
            try:
                c = current(a)
                worst[0] = max(worst[0], c)
                if c > lim:
                    errors.append(f"memory.current {c} above the limit")
                if mock_used(0) > lim:
                    errors.append("mock usage above the limit")
            except (OSError, ValueError):
                pass
            time.sleep(0.005)

    def worker(seed):
        rng = random.Random(seed)
        s = Session(a)
        held = []
        try:
            end = time.monotonic() + 8
            while time.monotonic() < end:
                if held and rng.random() < 0.45:
                    s.ok(f"free {held.pop(rng.randrange(len(held)))}")
                else:
                    size = rng.choice(["64MiB", "128MiB", "256MiB"])
                    via = rng.choice(["rm", "vidheap"])
                    ok, r = s.alloc(0, size, via)
                    if ok:
                        held.append(r["handle"])
                    elif r.get("status") != NO_MEMORY:
                        errors.append(f"unexpected failure {r}")
        finally:
            s.close()

    t = threading.Thread(target=checker)
    t.start()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    t.join()
    assert not errors, errors[:5]
    assert worst[0] > lim // 2, f"the storm never came near the limit ({worst[0]})"
    eq(current(a), 0, "everything returned")
    all_returned()


@test
def sigkill_storm_returns_everything():
    a = cg("kill")
    limit(a, "6GiB")
    for round_ in range(3):
        procs = []
        for i in range(6):
            p = subprocess.Popen([NVCLIENT, "alloc", "--gpu", "0", "--size", "8GiB", "--chunk", "64MiB",
                                  "--hold", "30"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 preexec_fn=lambda: open(f"{a}/cgroup.procs", "w").write(str(os.getpid())))
            procs.append(p)
        time.sleep(random.uniform(0.2, 1.5))
        for p in procs:
            p.send_signal(signal.SIGKILL)
        for p in procs:
            p.wait()
        settle(lambda: current(a) == 0 and mock_used(0) == 0, f"round {round_}: everything returned")
    live = mock_live()
    eq(live.get("clients", 0), 0, "no client left in the driver")
    all_returned()


@test
def unknown_escapes_pass_through_unchanged():
    a = cg("pass")

    def escapes():
        return {l.split()[1]: int(l.split()[-1]) for l in read("/sys/kernel/debug/nvidia_mock/escapes").splitlines()
                if len(l.split()) >= 3}

    def one_run():
        before = escapes()
        out = nvclient("info", "--json", cgroup=a, json_out=True)
        after = escapes()
        return out, {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}

    with_vgpu, seen_with = one_run()
    unload_vgpu()
    without, seen_without = one_run()
    load_vgpu()
    eq(with_vgpu, without, "answers with and without vgpu (no limit set)")
    eq(seen_with, seen_without, "every escape reached the driver exactly as often")


@test
def unload_and_reload_with_clients_active():
    a = cg("live")
    limit(a, "2GiB")
    s = Session(a)
    try:
        s.ok("alloc 0 1GiB")
        unload_vgpu()
        s.ok("alloc 0 2GiB")          # no vgpu: no limit, the driver works
        s.ok("fbinfo 0")
        eq(mock_used(0), 3 * GIB)
        load_vgpu()
        limit(a, "1GiB")
        # Objects from before the reload are unknown to vgpu: memory below a
        # device created before it attached is not charged (docs/design.md).
        ok, r = s.alloc(0, "512MiB")
        assert ok, r
        eq(current(a), 0, "memory below an unknown device is not charged")
        s.ok("free-client")
    finally:
        s.close()
    eq(mock_used(0), 0, "the driver freed everything")
    eq(current(a), 0, "nothing left charged, nothing uncharged twice")
    all_returned()


@test
def teardown():
    unload_vgpu()
    eq(mock_live().get("clients", 0), 0)
    unload_mock()


run()
