#!/usr/bin/env python3
# vgpu-timeout: 600
"""Mock conformance: the mock NVIDIA driver (tests/mock-nvidia) behaves as the
NVIDIA driver's ABI says, proven by nvclient, a client that talks to
/dev/nvidia* exactly as a CUDA runtime does. `nvclient conformance` prints one
VGPU-TEST line per ABI check (relayed here as is); the suite's own tests drive
nvclient's user-facing commands: info, alloc to capacity, the free routes, the
session driver, bench, and unloading once every file is closed. vgpu itself is
not loaded."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403

GIB = 1 << 30
KIB = 1 << 10
DEBUGFS = "/sys/kernel/debug/nvidia_mock"


def nvclient(*args, check=True, timeout=300, input=None):
    return sh([NVCLIENT, *args], check=check, timeout=timeout, input=input)


def nvclient_json(*args, check=True):
    p = nvclient(*args, "--json", check=check)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if not lines:
        raise AssertionError(f"nvclient {' '.join(args)} printed nothing (exit {p.returncode}): {p.stderr.strip()}")
    return json.loads(lines[0]), p


def live():
    out = {}
    for line in read(f"{DEBUGFS}/live").splitlines():
        k, v = line.split()
        out[k] = int(v)
    return out


def fb_used(gpu):
    for line in read(f"{DEBUGFS}/gpus").splitlines():
        w = line.split()
        if w[1] == str(gpu):
            return int(w[w.index("fb_used") + 1])
    raise AssertionError(f"no GPU {gpu} in debugfs")


class Session:
    """`nvclient session` driven line by line."""

    def __init__(self):
        self.p = subprocess.Popen([NVCLIENT, "session"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)

    def __call__(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        reply = self.p.stdout.readline()
        if not reply:
            raise AssertionError(f"session died on {line!r}: {self.p.stderr.read()}")
        return json.loads(reply)

    def ok(self, line):
        r = self(line)
        if not r.get("ok"):
            raise AssertionError(f"{line!r}: {r}")
        return r

    def close(self):
        try:
            self("exit")
        finally:
            self.p.stdin.close()
            self.p.wait(timeout=30)
        eq(self.p.returncode, 0, "session exit status")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.p.poll() is None:
            if exc[0] is None:
                self.close()
            else:
                self.p.kill()
                self.p.wait(timeout=30)
        return False


@test
def mock_loads():
    insmod(MOCK)
    assert loaded("nvidia_mock")
    for node, minor in (("nvidiactl", 255), ("nvidia0", 0), ("nvidia1", 1)):
        st = os.stat(f"/dev/{node}")
        eq((os.major(st.st_rdev), os.minor(st.st_rdev)), (195, minor), f"/dev/{node}")
        eq(st.st_mode & 0o777, 0o666, f"/dev/{node} mode")


@test
def conformance():
    # Every ABI check reports its own VGPU-TEST line; they are relayed as
    # printed. This test fails if nvclient fails, or reports nothing.
    p = subprocess.Popen([NVCLIENT, "conformance"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    checks = failed = 0
    for line in p.stdout:
        line = line.rstrip("\n")
        print(line, flush=True)
        if line.startswith("VGPU-TEST: "):
            checks += 1
            if line.startswith("VGPU-TEST: FAIL"):
                failed += 1
    err = p.stderr.read()
    rc = p.wait(timeout=600)
    assert checks > 0, f"nvclient conformance reported no check (exit {rc}): {err.strip()}"
    assert failed == 0 and rc == 0, f"{failed} of {checks} checks failed, exit {rc} {err.strip()}"


@test
def info_sees_two_gpus_with_16_gib():
    info, _ = nvclient_json("info")
    eq(info["driver_version"], "595.45.04", "driver version")
    eq(len(info["gpus"]), 2, "GPUs")
    for i, g in enumerate(info["gpus"]):
        eq((g["index"], g["minor"]), (i, i), "index/minor")
        eq(g["total_kib"], 16 * GIB // KIB, f"GPU {i} total")
        eq(g["free_kib"], 16 * GIB // KIB, f"GPU {i} free")
        assert g["uuid"].startswith("GPU-"), g["uuid"]
    human = nvclient("info").stdout
    contains(human, "2 GPU(s)")
    contains(human, "16 GiB total")


@test
def alloc_to_capacity_then_refused():
    r, _ = nvclient_json("alloc", "--gpu", "0", "--size", "16G", "--chunk", "1G")
    eq((r["allocated"], r["chunks_allocated"], r["complete"], r["first_failure"]), (16 * GIB, 16, True, None), "16 GiB")
    r, p = nvclient_json("alloc", "--gpu", "1", "--size", "17GiB", "--chunk", "1GiB")
    eq(p.returncode, 0, "a refused allocation is a normal outcome")
    eq((r["allocated"], r["chunks_allocated"], r["chunks_requested"], r["complete"]), (16 * GIB, 16, 17, False), "17 GiB asked")
    eq(r["first_failure"]["status"], "NV_ERR_NO_MEMORY", "status")
    eq((r["first_failure"]["chunk"], r["first_failure"]["code"]), (16, 0x51), "failing chunk")
    p = nvclient("alloc", "--size", "17G", "--chunk", "1G", "--expect-full", check=False)
    eq(p.returncode, 3, "--expect-full exit status")
    contains(p.stdout, "NV_ERR_NO_MEMORY")
    # While one process holds the whole GPU, another is refused.
    holder = subprocess.Popen([NVCLIENT, "alloc", "--size", "16G", "--via", "vid-heap", "--hold-until-stdin-closes", "--json"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    r = json.loads(holder.stdout.readline())
    eq(r["complete"], True, "holder got 16 GiB")
    eq(fb_used(0), 16 * GIB, "debugfs fb_used while held")
    r, _ = nvclient_json("alloc", "--size", "4K")
    eq((r["allocated"], r["first_failure"]["status"]), (0, "NV_ERR_NO_MEMORY"), "4 KiB while full")
    info, _ = nvclient_json("info")
    eq(info["gpus"][0]["free_kib"], 0, "free while held")
    holder.stdin.close()
    eq(holder.wait(timeout=60), 0, "holder exit")
    eq(fb_used(0), 0, "memory returned when the holder exited")


@test
def alloc_maps_and_checks_a_pattern():
    for via in ("rm-alloc", "vid-heap", "vid-heap-range"):
        r, _ = nvclient_json("alloc", "--gpu", "1", "--size", "48M", "--chunk", "16M", "--via", via, "--pattern", "--free-at-end")
        eq((r["complete"], r["mapped"], r["pattern_verified"]), (True, 3, True), via)
    eq(live()["backing_pages"], 0, "backing pages after exit")


@test
def free_routes_return_memory():
    for how in ("object", "vid-heap", "device", "client", "close"):
        r, _ = nvclient_json("free", "--gpu", "0", "--size", "1G", "--how", how)
        eq((r["alloc_status"], r["free_status"]), ("NV_OK", "NV_OK"), how)
        eq(r["free_kib_before"] - r["free_kib_after_alloc"], GIB // KIB, f"{how}: memory taken")
        eq(r["returned"], True, f"{how}: memory returned")


@test
def session_drives_exact_sequences():
    with Session() as s:
        c = s.ok("open")["client"]
        assert 0xC1D00000 <= c < 0xC1D00000 + 0x100000, hex(c)
        total = s.ok("fbinfo 0")["total_kib"]
        eq(total, 16 * GIB // KIB, "total")
        a = s.ok("alloc 0 1G")
        eq(a["size"], GIB, "size")
        eq(s.ok("fbinfo 0")["free_kib"], total - GIB // KIB, "free after alloc")
        r = s.ok("alloc 0 5000 vidheap attr=0x1000000")   # big pages
        eq(r["size"], 64 * KIB, "big-page rounding")
        s.ok(f"vidheap-free {r['handle']}")
        d = s.ok(f"dup {a['handle']}")
        s.ok(f"free {a['handle']}")
        eq(s.ok("fbinfo 0")["free_kib"], total - GIB // KIB, "dup keeps the memory")
        s.ok(f"free {d['handle']}")
        eq(s.ok("fbinfo 0")["free_kib"], total, "free after the dup went")
        # Data through a mapping of the original, read through the dup's.
        m = s.ok("alloc 0 4M")
        s.ok(f"write {m['handle']} hello")
        md = s.ok(f"dup {m['handle']}")
        s.ok(f"verify {md['handle']} hello")
        r = s(f"verify {md['handle']} other")
        eq((r["ok"], r["error"]), (False, "mismatch"), "verify of another pattern")
        s.ok(f"unmap {m['handle']}")
        s.ok(f"unmap {md['handle']}")
        r = s("alloc 0 32G")
        eq((r["ok"], r["status"], r["code"]), (False, "NV_ERR_NO_MEMORY", 0x51), "refused")
        r = s("alloc 0 1G bogus")
        eq((r["ok"], "error" in r), (False, True), "malformed command")
        x = s.ok("alloc 1 2M range")
        n = s.ok(f"dup {x['handle']} into-new-client")
        assert n["client"] != c
        h = s.ok("vidheap-info 1")
        eq(h["total"] - h["free"], 2 << 20, "heap info")
        eq(s.ok("pid")["pid"], s.p.pid, "pid")
        s.ok("free-device 1")
        eq(fb_used(1), 2 << 20, "the dup in the other client keeps the memory")
        s.ok("close")
        eq(fb_used(0), 0, "close of nvidiactl freed every client")
        eq(fb_used(1), 0, "close of nvidiactl freed every client")
        s.ok("open")
    eq(live()["clients"], 0, "clients after exit")


@test
def bench_runs():
    for op in ("alloc-free", "control", "vid-heap"):
        r, _ = nvclient_json("bench", "--iterations", "200", "--op", op)
        eq(r["iterations"], 200, op)
        assert 0 < r["min_ns"] <= r["median_ns"] <= r["p99_ns"] <= r["max_ns"], r


@test
def nothing_left_open():
    for k, v in live().items():
        eq(v, 0, f"debugfs live {k}")


@test
def rmmod_after_all_fds_closed():
    with Session() as s:
        h = s.ok("alloc 0 1M")["handle"]
        s.ok(f"map {h}")
        p = sh(["rmmod", "nvidia_mock"], check=False)
        assert p.returncode != 0, "rmmod succeeded while nvidiactl was open"
        assert loaded("nvidia_mock")
    rmmod("nvidia_mock")
    assert not loaded("nvidia_mock")
    assert not os.path.exists("/dev/nvidiactl"), "/dev/nvidiactl left behind"
    p = nvclient("info", check=False)
    eq(p.returncode, 1, "info without a driver")
    contains(p.stderr, "/dev/nvidiactl")


run()
