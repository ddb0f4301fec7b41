# shellcheck shell=bash
# Shared settings for every vgpu script. Source it; never execute it.
#
# Everything heavy (toolchain helpers, kernel source, kernel builds, the
# guest initramfs) lives in $VGPU_CACHE, outside the repository, keyed by
# version and configuration so that a second run reuses it.

VGPU_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VGPU_CACHE=${VGPU_CACHE:-$HOME/.cache/vgpu}

# The one line to change to move to a newer kernel series.
KERNEL_SERIES=7.3
KERNEL_PACKAGE=linux-source-$KERNEL_SERIES
KERNEL_SUITE=trixie-backports
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# Pinned host tools.
BINDGEN_VERSION=0.72.1
LIBCLANG_WHEEL_VERSION=18.1.1

TOOLS_DIR=$VGPU_CACHE/tools
BINDGEN_ROOT=$TOOLS_DIR/bindgen-$BINDGEN_VERSION
VENV_DIR=$TOOLS_DIR/venv-libclang-$LIBCLANG_WHEEL_VERSION
APT_DIR=$VGPU_CACHE/apt
SRC_DIR=$VGPU_CACHE/src

say() { printf '\033[1m[vgpu]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[vgpu] error:\033[0m %s\n' "$*" >&2; exit 1; }

# libclang from the PyPI wheel (bookworm's clang 14 is too old for the
# kernel's bindgen check).
libclang_path() {
	local p
	p=$(ls -d "$VENV_DIR"/lib/python3*/site-packages/clang/native 2>/dev/null | head -n1)
	[ -n "$p" ] && echo "$p"
}

# The environment in which kernel and module builds run.
kbuild_env() {
	export PATH="$BINDGEN_ROOT/bin:$HOME/.cargo/bin:$PATH"
	LIBCLANG_PATH=$(libclang_path)
	export LIBCLANG_PATH
}

# The unpacked kernel source tree (set up by scripts/setup).
kernel_src() {
	local d
	d=$(cat "$SRC_DIR/$KERNEL_PACKAGE.current" 2>/dev/null) || return 1
	[ -f "$d/Makefile" ] && echo "$d"
}

# The cache key of a kernel build: source package version, the config
# fragment and the Rust compiler (out-of-tree Rust modules must be built with
# the compiler that built the kernel).
kernel_build_dir() {
	local src ver h
	src=$(kernel_src) || return 1
	ver=$(basename "$src")
	h=$( { cat "$VGPU_ROOT/qemu/kernel.config"; rustc --version; "$BINDGEN_ROOT/bin/bindgen" --version 2>/dev/null; } \
		| sha256sum | cut -c1-12)
	echo "$VGPU_CACHE/kernel/$ver-$h"
}

# KDIR: an explicit build tree wins, else the cached one.
resolve_kdir() {
	if [ -n "${KDIR:-}" ]; then echo "$KDIR"; else kernel_build_dir; fi
}
