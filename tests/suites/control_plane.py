#!/usr/bin/env python3
# vgpu-timeout: 300
"""Control plane: quotas set, read, listed and cleared over generic netlink
(vgpuctl and raw messages), sysfs layout, permission checks, strict rejection
of malformed requests, and the CLI's errors. The driver is not needed here."""
import errno
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["VGPU_ROOT"], "tests", "lib"))
from vgpu_test import *  # noqa: E402,F403
from genl import Genl, H, u32, u64, nla, cgroup_id  # noqa: E402

CG = "/sys/fs/cgroup"
GIB = 1 << 30
A = f"{CG}/cp/a"
B = f"{CG}/cp/b"


def sysfs_gpu(path, gpu):
    return f"{SYSFS}/cgroups/{cgroup_id(path)}/gpu{gpu}"


@test
def setup():
    os.makedirs(A, exist_ok=True)
    os.makedirs(B, exist_ok=True)
    load_vgpu("nvidia_ctl=")


@test
def set_and_get_one_gpu():
    out = vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--memory", "4GiB").stdout
    contains(out, "4 GiB")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.max"), str(4 * GIB), "sysfs memory.max")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.current"), "0", "memory.current")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.events"), "max 0", "memory.events")
    eq(read(f"{SYSFS}/cgroups/{cgroup_id(A)}/path"), "/cp/a", "path")
    q = vgpuctl("get-quota", "--cgroup", A, "--device", "0", "--json", json_out=True)
    eq(q["memory_max"], 4 * GIB, "netlink memory_max")
    eq(q["cgroup"], "/cp/a")
    eq(q["memory_current"], 0)


@test
def relative_paths_name_the_same_cgroup():
    q = vgpuctl("get-quota", "--cgroup", "cp/a", "--device", "0", "--json", json_out=True)
    eq(q["memory_max"], 4 * GIB)
    eq(q["cgroup_id"], cgroup_id(A))


@test
def ancestors_limit_the_effective_max():
    vgpuctl("set-quota", "--cgroup", f"{CG}/cp", "--device", "0", "--memory", "1GiB")
    q = vgpuctl("get-quota", "--cgroup", A, "--device", "0", "--json", json_out=True)
    eq(q["memory_max"], 4 * GIB, "own limit")
    eq(q["memory_effective_max"], GIB, "effective limit")
    vgpuctl("clear-quota", "--cgroup", f"{CG}/cp", "--device", "0")
    q = vgpuctl("get-quota", "--cgroup", A, "--device", "0", "--json", json_out=True)
    eq(q["memory_effective_max"], 4 * GIB, "effective limit after clearing the parent")


@test
def all_gpus_setting_is_a_default():
    vgpuctl("set-quota", "--cgroup", B, "--device", "all", "--memory", "2GiB")
    all_dir = f"{SYSFS}/cgroups/{cgroup_id(B)}/all"
    eq(read(f"{all_dir}/memory.max"), str(2 * GIB), "all/memory.max")
    # A GPU without its own setting inherits; one with its own keeps it.
    vgpuctl("set-quota", "--cgroup", B, "--device", "1", "--memory", "3GiB")
    q = vgpuctl("get-quota", "--cgroup", B, "--device", "1", "--json", json_out=True)
    eq(q["memory_max"], 3 * GIB)
    vgpuctl("set-quota", "--cgroup", B, "--device", "all", "--memory", "5GiB")
    eq(vgpuctl("get-quota", "--cgroup", B, "--device", "1", "--json", json_out=True)["memory_max"], 3 * GIB)
    vgpuctl("clear-quota", "--cgroup", B, "--device", "1")
    eq(vgpuctl("get-quota", "--cgroup", B, "--device", "1", "--json", json_out=True)["memory_max"], 5 * GIB,
       "a cleared GPU falls back to the all-GPU limit")
    vgpuctl("clear-quota", "--cgroup", B, "--device", "all")
    assert not os.path.exists(all_dir), "all/ left after clearing"
    eq(read(f"{sysfs_gpu(B, 1)}/memory.max"), "max")


@test
def compute_settings():
    out = vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--compute-max", "30%", "--compute-weight", "200").stdout
    contains(out, "compute.max = 30%")
    g = sysfs_gpu(A, 0)
    eq(read(f"{g}/compute.max"), "30000 100000", "compute.max")
    eq(read(f"{g}/compute.weight"), "200", "compute.weight")
    eq(read(f"{g}/compute.stat").splitlines(), ["usage_usec 0", "nr_throttled 0", "throttled_usec 0"])
    eq(read(f"{g}/memory.max"), str(4 * GIB), "memory limit untouched by compute settings")
    vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--compute-max", "5000 20000")
    eq(read(f"{g}/compute.max"), "5000 20000")
    q = vgpuctl("get-quota", "--cgroup", A, "--device", "0", "--json", json_out=True)
    eq((q["compute_quota_us"], q["compute_period_us"], q["compute_weight"]), (5000, 20000, 200))
    vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--compute-max", "max")
    eq(read(f"{g}/compute.max"), "max 100000")
    vgpuctl("set-quota", "--cgroup", B, "--device", "all", "--compute-weight", "50")
    eq(read(f"{SYSFS}/cgroups/{cgroup_id(B)}/all/compute.weight"), "50")
    eq(read(f"{sysfs_gpu(B, 1)}/compute.weight"), "50", "inherited by a GPU without its own")
    vgpuctl("clear-quota", "--cgroup", B, "--device", "all")
    eq(read(f"{sysfs_gpu(B, 1)}/compute.weight"), "100", "back to the default")
    for bad in (["--compute-weight", "0"], ["--compute-weight", "10001"], ["--compute-max", "150%"],
                ["--compute-max", "200000"], ["--compute-period", "5000"]):
        p = vgpuctl("set-quota", "--cgroup", A, "--device", "0", *bad, check=False)
        assert p.returncode != 0, f"{bad} accepted"


@test
def compute_requests_are_checked_by_the_kernel():
    key = u64(H["VGPU_A_CGROUP_ID"], cgroup_id(A)) + u32(H["VGPU_A_GPU"], 0)
    cases = {
        "weight 0": u32(H["VGPU_A_COMPUTE_WEIGHT"], 0),
        "weight 10001": u32(H["VGPU_A_COMPUTE_WEIGHT"], 10001),
        "period below 1 ms": u64(H["VGPU_A_COMPUTE_QUOTA_US"], 10) + u64(H["VGPU_A_COMPUTE_PERIOD_US"], 10),
        "quota above period": u64(H["VGPU_A_COMPUTE_QUOTA_US"], 200000) + u64(H["VGPU_A_COMPUTE_PERIOD_US"], 100000),
        "zero quota": u64(H["VGPU_A_COMPUTE_QUOTA_US"], 0),
        "period without quota": u64(H["VGPU_A_COMPUTE_PERIOD_US"], 100000),
        "usage is read-only": u64(H["VGPU_A_COMPUTE_USAGE_US"], 1),
    }
    for what, extra in cases.items():
        err = set_quota_raw(key + extra)
        # The policy answers ERANGE for a value outside its range.
        assert err in (errno.EINVAL, errno.ERANGE), f"{what}: errno {err}"
    eq(read(f"{sysfs_gpu(A, 0)}/compute.weight"), "200", "unchanged")


@test
def list_dumps_every_entry():
    entries = vgpuctl("list", "--json", json_out=True)
    keys = {(e["cgroup"], e["device"]) for e in entries}
    assert ("/cp/a", "0") in keys, keys
    assert ("/cp/b", "1") in keys, keys
    text = vgpuctl("list").stdout
    contains(text, "/cp/a")


@test
def status_shows_the_table():
    out = vgpuctl("status").stdout
    contains(out, "CGROUP")
    contains(out, "/cp/a")
    st = vgpuctl("status", "--json", json_out=True)
    rows = [r for r in st["cgroups"] if r["cgroup"] == "/cp/a" and r["gpu"] == 0]
    eq(len(rows), 1)
    eq(rows[0]["memory_max"], 4 * GIB)


@test
def cli_errors_are_specific():
    p = vgpuctl("set-quota", "--cgroup", f"{CG}/does/not/exist", "--device", "0", "--memory", "1GiB", check=False)
    eq(p.returncode, 1)
    contains(p.stderr, "no such cgroup")
    p = vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--memory", "4GB", check=False)
    eq(p.returncode, 2)
    contains(p.stderr, "GiB")
    p = vgpuctl("set-quota", "--cgroup", A, "--device", "300", "--memory", "1G", check=False)
    eq(p.returncode, 2)
    contains(p.stderr, "bad device")
    p = vgpuctl("set-quota", "--cgroup", "/proc", "--device", "0", "--memory", "1G", check=False)
    eq(p.returncode, 1)
    contains(p.stderr, "cgroup")


@test
def unprivileged_users_may_read_not_write():
    out = vgpuctl("get-quota", "--cgroup", A, "--device", "0", user=NOBODY).stdout
    contains(out, "4 GiB")
    vgpuctl("list", user=NOBODY)
    vgpuctl("status", user=NOBODY)
    p = vgpuctl("set-quota", "--cgroup", A, "--device", "0", "--memory", "8GiB", check=False, user=NOBODY)
    eq(p.returncode, 1)
    contains(p.stderr, "permission denied")
    contains(p.stderr, "CAP_SYS_ADMIN")
    p = vgpuctl("clear-quota", "--cgroup", A, "--device", "0", check=False, user=NOBODY)
    contains(p.stderr, "permission denied")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.max"), str(4 * GIB), "unchanged")


@test
def root_in_a_user_namespace_is_refused():
    p = sh(["unshare", "--user", "--map-root-user", "--", VGPUCTL, "set-quota", "--cgroup", A,
            "--device", "0", "--memory", "8GiB"], check=False)
    eq(p.returncode, 1, "exit status")
    contains(p.stderr, "permission denied")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.max"), str(4 * GIB), "unchanged")


def set_quota_raw(payload):
    g = Genl()
    return g.request(H["VGPU_CMD_SET_QUOTA"], payload)[1]


@test
def malformed_requests_are_rejected():
    cg = cgroup_id(A)
    key = u64(H["VGPU_A_CGROUP_ID"], cg) + u32(H["VGPU_A_GPU"], 0)
    good = key + u64(H["VGPU_A_MEMORY_MAX"], 3 * GIB)
    cases = {
        "missing gpu": u64(H["VGPU_A_CGROUP_ID"], cg) + u64(H["VGPU_A_MEMORY_MAX"], GIB),
        "missing cgroup": u32(H["VGPU_A_GPU"], 0) + u64(H["VGPU_A_MEMORY_MAX"], GIB),
        "nothing to set": key,
        "u32 where u64 belongs": u32(H["VGPU_A_CGROUP_ID"], cg) + u32(H["VGPU_A_GPU"], 0) + u64(H["VGPU_A_MEMORY_MAX"], GIB),
        "short attribute": key + nla(H["VGPU_A_MEMORY_MAX"], b"\1\2"),
        "reply-only attribute": key + u64(H["VGPU_A_MEMORY_CURRENT"], 1),
        "unknown attribute": key + u64(H["VGPU_A_MAX"] + 7, 1),
        "gpu out of range": u64(H["VGPU_A_CGROUP_ID"], cg) + u32(H["VGPU_A_GPU"], 248) + u64(H["VGPU_A_MEMORY_MAX"], GIB),
        "truncated attribute header": key + b"\x08\x00",
    }
    for what, payload in cases.items():
        err = set_quota_raw(payload)
        assert err != 0, f"{what}: accepted"
        assert err in (errno.EINVAL, errno.ERANGE), f"{what}: errno {err}"
    eq(read(f"{sysfs_gpu(A, 0)}/memory.max"), str(4 * GIB), "no malformed request changed anything")
    eq(set_quota_raw(good), 0, "the well-formed request")
    eq(read(f"{sysfs_gpu(A, 0)}/memory.max"), str(3 * GIB))


@test
def unknown_cgroup_and_command():
    g = Genl()
    _, err = g.request(H["VGPU_CMD_SET_QUOTA"], u64(H["VGPU_A_CGROUP_ID"], 0xdead_beef_0000) +
                       u32(H["VGPU_A_GPU"], 0) + u64(H["VGPU_A_MEMORY_MAX"], GIB))
    eq(err, errno.ENOENT, "unknown cgroup id")
    _, err = g.request(H["VGPU_CMD_MAX"] + 10)
    eq(err, errno.EOPNOTSUPP, "unknown command")
    _, err = g.request(H["VGPU_CMD_GET_STATUS"], u32(H["VGPU_A_GPU"], 0))
    eq(err, errno.EINVAL, "get-status takes no attribute")
    replies, err = g.request(H["VGPU_CMD_GET_STATUS"])
    eq(err, 0)
    eq(replies[0][1][H["VGPU_A_ABI_VERSION"]][:4], (1).to_bytes(4, "little"))


@test
def raw_dump_matches_list():
    g = Genl()
    replies, err = g.request(H["VGPU_CMD_GET_QUOTA"], dump=True)
    eq(err, 0)
    ids = {int.from_bytes(a[H["VGPU_A_CGROUP_ID"]][:8], "little") for _, a in replies}
    assert cgroup_id(A) in ids and cgroup_id(B) in ids, ids


@test
def removed_cgroup_state_is_freed():
    d = f"{CG}/cp/gone"
    os.makedirs(d, exist_ok=True)
    vgpuctl("set-quota", "--cgroup", d, "--device", "0", "--memory", "1GiB")
    cid = cgroup_id(d)
    assert os.path.isdir(f"{SYSFS}/cgroups/{cid}")
    os.rmdir(d)
    entries = vgpuctl("list", "--json", json_out=True)
    assert all(e["cgroup_id"] != cid for e in entries), "removed cgroup still listed"
    assert not os.path.exists(f"{SYSFS}/cgroups/{cid}"), "sysfs directory left behind"


@test
def unload_with_state_is_clean():
    unload_vgpu()
    assert not os.path.exists(SYSFS)
    load_vgpu("nvidia_ctl=")
    eq(vgpuctl("list", "--json", json_out=True), [], "a fresh module has no state")
    unload_vgpu()


run()
