"""Helpers for vgpu guest test suites (run inside QEMU by qemu/run).

A suite is a Python script that defines functions decorated with @test and
ends with run(). Each test prints exactly one line the runner understands:

    VGPU-TEST: PASS <suite>/<test>
    VGPU-TEST: FAIL <suite>/<test>: <reason>

Tests run in definition order; a failing test does not stop the suite.
"""
import json
import os
import subprocess
import sys
import time
import traceback

ROOT = os.environ.get("VGPU_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
TARGET = os.path.join(ROOT, "target", "release")
VGPUCTL = os.path.join(TARGET, "vgpuctl")
NVCLIENT = os.path.join(TARGET, "nvclient")
KMOD = os.path.join(ROOT, "kmod", "vgpu_kmod.ko")
MOCK = os.path.join(ROOT, "tests", "mock-nvidia", "nvidia_mock.ko")
SYSFS = "/sys/kernel/vgpu"
NOBODY = 65534

_tests = []
_suite = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def test(fn):
    """Register a test; its name is the function name with dashes."""
    _tests.append(fn)
    return fn


def run():
    """Run every registered test; exit 1 if any failed."""
    failed = 0
    for fn in _tests:
        name = fn.__name__.replace("_", "-")
        start = time.monotonic()
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failed += 1
            tb = traceback.extract_tb(e.__traceback__)
            where = f"{os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else "?"
            reason = f"{type(e).__name__}: {e} [{where}]".replace("\n", " | ")
            print(f"VGPU-TEST: FAIL {_suite}/{name}: {reason}", flush=True)
            traceback.print_exc(file=sys.stdout)
            continue
        print(f"VGPU-TEST: PASS {_suite}/{name} ({time.monotonic() - start:.1f}s)", flush=True)
    sys.exit(1 if failed else 0)


class CmdError(AssertionError):
    pass


def sh(cmd, check=True, user=None, timeout=120, env=None, input=None):
    """Run a command (list or shell string); return CompletedProcess with text output."""
    if user is not None:
        pre = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--"]
        cmd = pre + (cmd if isinstance(cmd, list) else ["/bin/sh", "-c", cmd])
    p = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True,
                       timeout=timeout, env=env, input=input)
    if check and p.returncode != 0:
        raise CmdError(f"{cmd!r} exited {p.returncode}: {p.stderr.strip() or p.stdout.strip()}")
    return p


def read(path):
    with open(path) as f:
        return f.read().strip()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def loaded(name):
    return os.path.isdir(f"/sys/module/{name}")


def insmod(path, *params):
    sh(["insmod", path, *params])


def rmmod(name):
    sh(["rmmod", name])


def load_vgpu(*params):
    if not loaded("vgpu_kmod"):
        insmod(KMOD, *params)


def unload_vgpu():
    if loaded("vgpu_kmod"):
        rmmod("vgpu_kmod")


def vgpuctl(*args, check=True, user=None, json_out=False):
    p = sh([VGPUCTL, *args], check=check, user=user)
    if json_out:
        return json.loads(p.stdout)
    return p


def eq(a, b, what=""):
    if a != b:
        raise AssertionError(f"{what}: expected {b!r}, got {a!r}" if what else f"expected {b!r}, got {a!r}")


def contains(text, needle, what=""):
    if needle not in text:
        raise AssertionError(f"{what}: {needle!r} not in {text!r}")


def kernel_log_since(mark):
    """Kernel log lines after `mark` (a line count from kernel_log_mark())."""
    lines = sh("dmesg").stdout.splitlines()
    return lines[mark:]


def kernel_log_mark():
    return len(sh("dmesg").stdout.splitlines())
