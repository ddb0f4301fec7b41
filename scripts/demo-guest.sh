#!/usr/bin/env bash
# The demo, inside the QEMU guest: a mock NVIDIA driver with two 16 GiB GPUs,
# vgpu attached to it, and two tenants in their own cgroups.
set -euo pipefail
cd "$VGPU_ROOT"
B=target/release
step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
as_tenant() { # cgroup, command...: run a command inside a cgroup
	local cg=$1; shift
	bash -c 'echo $$ > /sys/fs/cgroup/'"$cg"'/cgroup.procs && exec "$@"' _ "$@"
}

step "Load the mock NVIDIA driver (stands in for nvidia.ko: /dev/nvidiactl, /dev/nvidia0, /dev/nvidia1)"
run insmod tests/mock-nvidia/nvidia_mock.ko
ls -l /dev/nvidia*

step "Load vgpu: it redirects the driver's own handlers, nothing else changes"
run insmod kmod/vgpu_kmod.ko
dmesg | grep -E 'vgpu' | tail -3
run $B/vgpuctl status --interval 0

step "Two tenants, each in its own cgroup v2"
echo +memory > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
mkdir -p /sys/fs/cgroup/tenants/a /sys/fs/cgroup/tenants/b
run $B/vgpuctl set-quota --cgroup /sys/fs/cgroup/tenants --device 0 --memory 12GiB
run $B/vgpuctl set-quota --cgroup /sys/fs/cgroup/tenants/a --device 0 --memory 4GiB
run $B/vgpuctl set-quota --cgroup tenants/b --device all --memory 10GiB
run $B/vgpuctl list

step "Tenant a sees its quota as the GPU's size (FB_GET_INFO_V2, what cudaMemGetInfo reads)"
as_tenant tenants/a $B/nvclient info

step "Follow denials in the background"
$B/vgpuctl events --count 2 &
EVENTS=$!
sleep 1

step "Tenant a asks for 6 GiB in 1 GiB pieces and holds what it gets: the fifth piece fails exactly like a real GPU OOM"
as_tenant tenants/a $B/nvclient alloc --gpu 0 --size 6GiB --chunk 1GiB --hold 4 &
HOLD_A=$!
sleep 1.5

step "Tenant b asks for 9 GiB on GPU 0: its own 10 GiB would allow it, but the parent's 12 GiB caps a+b"
as_tenant tenants/b $B/nvclient alloc --gpu 0 --size 9GiB --chunk 1GiB --hold 2 &
HOLD_B=$!
sleep 1
run $B/vgpuctl status --interval 0
wait $HOLD_A $HOLD_B || true
wait $EVENTS || true

step "Everything was returned when the processes exited"
run $B/vgpuctl status --interval 0
echo "the mock driver's own ground truth:"
grep '^gpu 0 ' /sys/kernel/debug/nvidia_mock/gpus

step "Compute: tenants a (weight 100) and b (weight 300) both keep GPU 0 saturated with 2 ms kernels"
run $B/vgpuctl set-quota --cgroup tenants/a --device 0 --compute-weight 100
run $B/vgpuctl set-quota --cgroup tenants/b --device 0 --compute-weight 300
as_tenant tenants/a $B/nvclient burn --gpu 0 --duration 6s &
BURN_A=$!
as_tenant tenants/b $B/nvclient burn --gpu 0 --duration 6s &
BURN_B=$!
sleep 3
echo "vgpu's view, measured over one second (no work is ever lost: held-back tenants just wait to submit):"
run $B/vgpuctl status --interval 1
wait $BURN_A $BURN_B
echo "(each burn line above is the mock GPU's own timestamps: expect about 1:3)"

step "A hard cap: tenant a limited to 30% of GPU 0, alone on an otherwise idle GPU"
run $B/vgpuctl set-quota --cgroup tenants/a --device 0 --compute-max 30%
as_tenant tenants/a $B/nvclient burn --gpu 0 --duration 4s
run $B/vgpuctl status --interval 0

step "Unload vgpu; the driver keeps working"
run rmmod vgpu_kmod
run $B/nvclient info
echo
echo "demo complete"
