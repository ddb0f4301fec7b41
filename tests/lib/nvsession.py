"""Driving `nvclient session` (an NVIDIA-ABI client speaking to /dev/nvidia*
like a CUDA runtime) from tests, and reading the mock driver's ground truth.
"""
import json
import os
import re
import subprocess

from vgpu_test import NVCLIENT, MOCK, insmod, loaded, read, rmmod, sh

DEBUGFS = "/sys/kernel/debug/nvidia_mock"
GIB = 1 << 30
MIB = 1 << 20


def enter_cgroup(path):
    """A preexec function that moves the child into cgroup `path`."""
    def move():
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    return move


def move_to_cgroup(pid, path):
    with open(os.path.join(path, "cgroup.procs"), "w") as f:
        f.write(str(pid))


class Session:
    """One `nvclient session` process, optionally started in a cgroup."""

    def __init__(self, cgroup=None):
        self.p = subprocess.Popen([NVCLIENT, "session"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1,
                                  preexec_fn=enter_cgroup(cgroup) if cgroup else None)

    @property
    def pid(self):
        return self.p.pid

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        if not out:
            raise AssertionError(f"nvclient session died on {line!r}: {self.p.stderr.read()}")
        return json.loads(out)

    def ok(self, line):
        r = self.cmd(line)
        if not r.get("ok"):
            raise AssertionError(f"{line!r} failed: {r}")
        return r

    def alloc(self, gpu, size, via="rm", extra=""):
        """(ok, reply) of one allocation."""
        r = self.cmd(f"alloc {gpu} {size} {via} {extra}".strip())
        return r.get("ok", False), r

    def close(self):
        if self.p.poll() is None:
            try:
                self.cmd("exit")
            except (AssertionError, BrokenPipeError, OSError):
                pass
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

    def kill(self):
        self.p.kill()
        self.p.wait()


def load_mock(*params):
    if not loaded("nvidia_mock"):
        insmod(MOCK, *params)


def unload_mock():
    if loaded("nvidia_mock"):
        rmmod("nvidia_mock")


def mock_gpus():
    """Ground truth per GPU: {gpu: {"fb_total": .., "fb_used": .., "fb_free": ..}}."""
    out = {}
    for line in read(f"{DEBUGFS}/gpus").splitlines():
        kv = dict(re.findall(r"(\w+) (\S+)", line))
        out[int(kv["gpu"])] = {k: int(v, 0) for k, v in kv.items() if k != "gpu"}
    return out


def mock_used(gpu=0):
    return mock_gpus()[gpu]["fb_used"]


def mock_live():
    """{"clients": n, "objects": n, ...}: all zero when nothing leaks."""
    return {k: int(v) for k, v in re.findall(r"(\w+)\s+(\d+)", read(f"{DEBUGFS}/live"))}


def nvclient(*args, cgroup=None, json_out=False, check=True, timeout=120):
    p = subprocess.run([NVCLIENT, *args], capture_output=True, text=True, timeout=timeout,
                       preexec_fn=enter_cgroup(cgroup) if cgroup else None)
    if check and p.returncode != 0:
        raise AssertionError(f"nvclient {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout) if json_out else p
