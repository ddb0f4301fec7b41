#!/bin/bash
# Runner self-test: every test passes but the kernel WARNs; the run must fail.
insmod "$VGPU_ROOT/qemu/selftest/vgpu_selftest_warn.ko" || exit 1
echo "VGPU-TEST: PASS selftest/loaded-warning-module"
