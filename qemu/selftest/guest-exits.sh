#!/bin/bash
# Runner self-test: tests pass but the suite exits non-zero; the run must fail.
echo "VGPU-TEST: PASS selftest/passes-then-exits"
exit 3
