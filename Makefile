# vgpu — kernel-enforced GPU sharing for NVIDIA GPUs.
#
#   make demo      set up what is missing, build, boot QEMU, show vgpu working
#   make test      every test: cargo tests, the QEMU runner self-test, every QEMU suite
#   make bench     benchmarks (ratios against a baseline in the same boot)
#
# Building blocks: make setup | kernel | modules | tools | clean
# KDIR=/path/to/kernel/build uses another Rust-enabled kernel tree.
# Heavy artefacts live in $(VGPU_CACHE) (default ~/.cache/vgpu).

SHELL := /bin/bash
ROOT := $(CURDIR)
export VGPU_CACHE ?= $(HOME)/.cache/vgpu

# Evaluated lazily: the source tree may not exist before `make setup`.
kdir = $(shell $(ROOT)/scripts/kdir)
kenv = . $(ROOT)/scripts/env.sh && kbuild_env

.PHONY: all setup kernel modules tools test demo bench clean help

all: modules tools

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@$(ROOT)/scripts/setup --check >/dev/null 2>&1 || $(ROOT)/scripts/setup

kernel: setup
ifeq ($(KDIR),)
	@$(ROOT)/scripts/build-kernel
else
	@echo "[vgpu] using KDIR=$(KDIR)"
endif

modules: kernel
	@$(kenv) && $(MAKE) -s -C $(kdir) M=$(ROOT) modules

tools: setup
	@cargo build --release --workspace --quiet

test: modules tools
	@$(ROOT)/scripts/test

demo: modules tools
	@$(ROOT)/scripts/demo

bench: modules tools
	@$(ROOT)/scripts/bench

clean:
	@if [ -d "$(kdir)" ]; then $(kenv) && $(MAKE) -s -C $(kdir) M=$(ROOT) clean; fi
	@cargo clean --quiet
