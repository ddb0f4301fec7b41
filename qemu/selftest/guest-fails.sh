#!/bin/bash
# Runner self-test: one test fails; the run must fail.
echo "VGPU-TEST: PASS selftest/fine"
echo "VGPU-TEST: FAIL selftest/broken: deliberate failure"
