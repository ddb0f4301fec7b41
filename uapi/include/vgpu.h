/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * vgpu user-kernel ABI: the "vgpu" generic netlink family.
 *
 * Mirrors uapi/vgpu.yaml (YNL spec) and uapi/src/netlink.rs; the test
 * uapi/tests/agree.rs fails if the three disagree. See docs/ABI.md.
 */
#ifndef _UAPI_VGPU_H
#define _UAPI_VGPU_H

#define VGPU_FAMILY_NAME	"vgpu"
#define VGPU_FAMILY_VERSION	1
#define VGPU_MCGRP_EVENTS	"events"
#define VGPU_ABI_VERSION	1

/* "gpu" value meaning every GPU (a default for GPUs without a setting). */
#define VGPU_GPU_ALL		0xffffffffU
/* Limit value meaning no limit (cgroup v2 "max"). */
#define VGPU_LIMIT_MAX		0xffffffffffffffffULL
#define VGPU_GPU_MINOR_MAX	247

#define VGPU_COMPUTE_WEIGHT_MIN		1
#define VGPU_COMPUTE_WEIGHT_MAX		10000
#define VGPU_COMPUTE_WEIGHT_DEFAULT	100
#define VGPU_COMPUTE_PERIOD_DEFAULT_US	100000
#define VGPU_COMPUTE_PERIOD_MIN_US	1000
#define VGPU_COMPUTE_PERIOD_MAX_US	1000000

enum {
	VGPU_CMD_UNSPEC,
	VGPU_CMD_GET_STATUS = 1,
	VGPU_CMD_SET_QUOTA = 2,
	VGPU_CMD_GET_QUOTA = 3,
	VGPU_CMD_DEL_QUOTA = 4,
	VGPU_CMD_DENIAL = 5,

	__VGPU_CMD_MAX,
	VGPU_CMD_MAX = (__VGPU_CMD_MAX - 1)
};

enum {
	VGPU_A_UNSPEC,
	VGPU_A_PAD = 1,
	VGPU_A_VERSION = 2,
	VGPU_A_ABI_VERSION = 3,
	VGPU_A_DRIVER = 4,
	VGPU_A_CGROUP_ID = 5,
	VGPU_A_CGROUP_PATH = 6,
	VGPU_A_GPU = 7,
	VGPU_A_MEMORY_MAX = 8,
	VGPU_A_MEMORY_CURRENT = 9,
	VGPU_A_MEMORY_PEAK = 10,
	VGPU_A_MEMORY_EVENTS_MAX = 11,
	VGPU_A_MEMORY_EFFECTIVE_MAX = 12,
	VGPU_A_SYSMEM_CURRENT = 13,
	VGPU_A_COMPUTE_QUOTA_US = 14,
	VGPU_A_COMPUTE_PERIOD_US = 15,
	VGPU_A_COMPUTE_WEIGHT = 16,
	VGPU_A_COMPUTE_USAGE_US = 17,
	VGPU_A_COMPUTE_THROTTLED_US = 18,
	VGPU_A_COMPUTE_NR_THROTTLED = 19,
	VGPU_A_PID = 20,
	VGPU_A_REQUESTED = 21,
	VGPU_A_LIMIT = 22,
	VGPU_A_USAGE = 23,
	VGPU_A_LIMIT_CGROUP_ID = 24,
	VGPU_A_NR_CGROUPS = 25,
	VGPU_A_NR_GPUS = 26,

	__VGPU_A_MAX,
	VGPU_A_MAX = (__VGPU_A_MAX - 1)
};

#endif /* _UAPI_VGPU_H */
