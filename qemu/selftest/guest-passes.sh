#!/bin/bash
# Runner self-test: a healthy suite; the run must pass.
echo "VGPU-TEST: PASS selftest/healthy"
