#!/usr/bin/env python3
# vgpu-timeout: 300
"""Foundation: the module loads and unloads cleanly, answers over netlink
(vgpuctl inside the guest) and sysfs, and vgpuctl fails usefully without it."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403

VERSION = read(os.path.join(ROOT, "uapi", "src", "version.rs")).split('"')[1]
# No NVIDIA driver in this suite: the control plane alone.
NO_DRIVER = "nvidia_ctl="


@test
def load_fails_clearly_without_driver():
    mark = kernel_log_mark()
    p = sh(["insmod", KMOD], check=False)
    assert p.returncode != 0, "vgpu loaded with no NVIDIA driver present"
    assert not loaded("vgpu_kmod")
    contains("\n".join(kernel_log_since(mark)), "cannot open /dev/nvidiactl", "kernel log")


@test
def module_loads():
    mark = kernel_log_mark()
    load_vgpu(NO_DRIVER)
    assert loaded("vgpu_kmod")
    contains("\n".join(kernel_log_since(mark)), f"vgpu {VERSION} loaded", "kernel log")


@test
def sysfs_reports_version():
    eq(read(f"{SYSFS}/version"), VERSION, "version")
    eq(read(f"{SYSFS}/abi_version"), "1", "abi_version")
    eq(read(f"{SYSFS}/driver"), "", "driver (not attached)")
    assert os.path.isdir(f"{SYSFS}/cgroups")


@test
def sysfs_is_read_only():
    try:
        write(f"{SYSFS}/version", "x")
    except PermissionError:
        return
    except OSError:
        return
    raise AssertionError("writing /sys/kernel/vgpu/version succeeded")


@test
def vgpuctl_version():
    out = vgpuctl("--version").stdout
    eq(out.strip(), f"vgpuctl {VERSION}")


@test
def netlink_status_round_trip():
    out = vgpuctl("status").stdout
    contains(out, f"vgpu module {VERSION} (ABI 1)")
    contains(out, "driver: not attached")


@test
def netlink_status_json():
    st = vgpuctl("status", "--json", json_out=True)
    eq(st["module_version"], VERSION, "module_version")
    eq(st["module_abi_version"], 1, "module_abi_version")
    eq(st["sysfs"]["version"], VERSION, "sysfs version")
    eq(st["driver"], None, "driver")


@test
def status_is_readable_unprivileged():
    out = vgpuctl("status", user=NOBODY).stdout
    contains(out, f"vgpu module {VERSION}")


@test
def module_unloads_cleanly():
    unload_vgpu()
    assert not loaded("vgpu_kmod")
    assert not os.path.exists(SYSFS), "sysfs tree left behind"


@test
def vgpuctl_explains_missing_module():
    p = vgpuctl("status", check=False)
    eq(p.returncode, 1, "exit status")
    contains(p.stderr, "vgpu kernel module is not loaded")
    contains(p.stderr, "hint:")


@test
def load_unload_cycles():
    for _ in range(20):
        load_vgpu(NO_DRIVER)
        vgpuctl("status")
        unload_vgpu()
    assert not os.path.exists(SYSFS)


@test
def netlink_reads_race_with_unload():
    # Status requests in flight while the module goes away must either
    # succeed or fail cleanly; the kernel must stay healthy (the runner
    # checks the log).
    import subprocess
    load_vgpu(NO_DRIVER)
    procs = [subprocess.Popen(["/bin/sh", "-c", f"for i in $(seq 50); do {VGPUCTL} status >/dev/null 2>&1; done"])
             for _ in range(3)]
    for _ in range(5):
        unload_vgpu()
        load_vgpu(NO_DRIVER)
    for p in procs:
        p.wait(timeout=120)
    unload_vgpu()


run()
