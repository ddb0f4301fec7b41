#!/bin/bash
# Runner self-test: a suite that reports no test; the run must fail.
true
