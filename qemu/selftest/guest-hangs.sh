#!/bin/bash
# vgpu-timeout: 20
# Runner self-test: the guest never finishes; the run must fail on timeout.
echo "VGPU-TEST: PASS selftest/before-hang"
sleep 100000
