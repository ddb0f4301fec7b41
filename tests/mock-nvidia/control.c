// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: NV_ESC_RM_CONTROL (NVOS54) and the controls a CUDA-like
 * client issues at initialisation, plus the capacity and per-process
 * accounting controls vgpu rewrites or relies on.
 *
 * Order of checks, from _rmapiRmControl()/serverControl()/resControlLookup():
 *   NULL command -> NV_OK; IRQL_RAISED or LOCK_BYPASS from user space ->
 *   NV_ERR_INVALID_ARGUMENT; unknown client -> NV_ERR_INVALID_CLIENT;
 *   params NULL with a size (or a pointer with size 0), or a size above
 *   1 MiB -> NV_ERR_INVALID_ARGUMENT; params copied in (fault:
 *   NV_ERR_INVALID_ADDRESS); client of another ctl file ->
 *   NV_ERR_INVALID_CLIENT; hObject not in the client ->
 *   NV_ERR_OBJECT_NOT_FOUND; command not exported by the object's class ->
 *   NV_ERR_NOT_SUPPORTED; paramsSize != the control's size ->
 *   NV_ERR_INVALID_PARAM_STRUCT; then the control; params copied out on
 *   success only.
 *
 * Every value reported is computed from the mock's real state (framebuffer
 * accounting, clients, objects): these answers are what vgpu rewrites for
 * tenants with a limit, so they must be exact.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mock.h"

#define NVM_CTRL_MAX_PARAMS	(1U << 20)	/* RMAPI_PARAM_COPY_MAX_PARAMS_SIZE */

/* The class whose exported methods an object's controls are. */
static u32 nvm_ctrl_class(u32 hclass)
{
	switch (hclass) {
	case VOLTA_CHANNEL_GPFIFO_A:
	case TURING_CHANNEL_GPFIFO_A:
	case AMPERE_CHANNEL_GPFIFO_A:
	case HOPPER_CHANNEL_GPFIFO_A:
		return 0xA06F;		/* see nvm_ctrl_class_ok() */
	}
	switch (hclass) {
	case NV01_ROOT_CLIENT:
		return NV01_ROOT;		/* NV0000_CTRL_* */
	case NV01_MEMORY_LOCAL_USER:
	case NV01_MEMORY_SYSTEM:
	case NV50_MEMORY_VIRTUAL:
	case NV01_MEMORY_SYSTEM_DYNAMIC:
	case NV01_MEMORY_LOCAL_PHYSICAL:
		return NV04_MEMORY;		/* NV0041_CTRL_* */
	}
	return hclass;
}

/*
 * Whether commands of class @cmd_class are exported by objects of @hclass.
 * GPFIFO channels inherit KEPLER_CHANNEL_GPFIFO_A's (NVA06F_*) and
 * VOLTA_CHANNEL_GPFIFO_A's (NVC36F_*) controls.
 */
static bool nvm_ctrl_class_ok(u32 hclass, u32 cmd_class)
{
	if (nvm_ctrl_class(hclass) == 0xA06F)
		return cmd_class == 0xA06F || cmd_class == 0xC36F;
	return cmd_class == nvm_ctrl_class(hclass);
}

/* ---------------------------------------------------------------------
 * PIDs, as the caller's namespace sees them (osFindNsPid)
 */
static u32 nvm_pid_to_user(pid_t global)
{
	struct pid *pid;
	u32 nr = 0;

	rcu_read_lock();
	pid = find_pid_ns(global, &init_pid_ns);
	if (pid)
		nr = pid_vnr(pid);
	rcu_read_unlock();
	return nr;
}

static pid_t nvm_pid_from_user(u32 vnr)
{
	struct pid *pid;
	pid_t nr = 0;

	rcu_read_lock();
	pid = find_vpid(vnr);
	if (pid)
		nr = pid_nr(pid);
	rcu_read_unlock();
	return nr;
}

/* ---------------------------------------------------------------------
 * NV0000: client
 */
static u32 ctrl_build_version_v2(const struct nvm_ctl_target *t, void *params)
{
	NV0000_CTRL_SYSTEM_GET_BUILD_VERSION_V2_PARAMS *p = params;

	strscpy(p->driverVersionBuffer, NV_VERSION_STRING, sizeof(p->driverVersionBuffer));
	strscpy(p->versionBuffer, NV_VERSION_STRING, sizeof(p->versionBuffer));
	strscpy(p->driverBranch, NVM_DRIVER_BRANCH, sizeof(p->driverBranch));
	strscpy(p->titleBuffer, NVM_DRIVER_TITLE, sizeof(p->titleBuffer));
	p->changelistNumber = 0;
	p->officialChangelistNumber = 0;
	return NV_OK;
}

static u32 ctrl_attached_ids(const struct nvm_ctl_target *t, void *params)
{
	NV0000_CTRL_GPU_GET_ATTACHED_IDS_PARAMS *p = params;
	unsigned int i;

	for (i = 0; i < NV0000_CTRL_GPU_MAX_ATTACHED_GPUS; i++)
		p->gpuIds[i] = i < nvm_num_gpus ? nvm_gpus[i].gpu_id :
			       NV0000_CTRL_GPU_INVALID_ID;
	return NV_OK;
}

static u32 ctrl_probed_ids(const struct nvm_ctl_target *t, void *params)
{
	NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS *p = params;
	unsigned int i;

	for (i = 0; i < NV0000_CTRL_GPU_MAX_PROBED_GPUS; i++) {
		p->gpuIds[i] = i < nvm_num_gpus ? nvm_gpus[i].gpu_id :
			       NV0000_CTRL_GPU_INVALID_ID;
		p->excludedGpuIds[i] = NV0000_CTRL_GPU_INVALID_ID;
		p->gpuFlags[i] = 0;
	}
	return NV_OK;
}

static u32 ctrl_id_info_v2(const struct nvm_ctl_target *t, void *params)
{
	NV0000_CTRL_GPU_GET_ID_INFO_V2_PARAMS *p = params;
	struct nvm_gpu *gpu = nvm_gpu_by_id(p->gpuId);

	if (!gpu)
		return NV_ERR_INVALID_ARGUMENT;
	p->gpuFlags = 0;
	p->deviceInstance = gpu->index;
	p->subDeviceInstance = 0;
	p->sliStatus = 0;
	p->boardId = gpu->gpu_id;
	p->gpuInstance = gpu->index;
	p->numaId = -1;			/* NV0000_CTRL_NO_NUMA_NODE */
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV0080: device
 */

/* The classes the mock can allocate on a GPU, ascending. */
static const u32 nvm_gpu_classes[] = {
	NV01_ROOT, NV01_ROOT_NON_PRIV, NV01_MEMORY_SYSTEM, NV01_MEMORY_LOCAL_USER,
	NV01_ROOT_CLIENT, NV01_MEMORY_SYSTEM_DYNAMIC, NV01_DEVICE_0,
	NV01_MEMORY_LOCAL_PHYSICAL, NV20_SUBDEVICE_0, NV50_MEMORY_VIRTUAL,
	FERMI_CONTEXT_SHARE_A, FERMI_VASPACE_A, KEPLER_CHANNEL_GROUP_A,
	VOLTA_USERMODE_A, VOLTA_CHANNEL_GPFIFO_A, TURING_USERMODE_A,
	TURING_CHANNEL_GPFIFO_A, AMPERE_USERMODE_A, AMPERE_CHANNEL_GPFIFO_A,
	TURING_DMA_COPY_A, TURING_COMPUTE_A, HOPPER_USERMODE_A,
	AMPERE_DMA_COPY_A, AMPERE_COMPUTE_A, AMPERE_DMA_COPY_B,
	AMPERE_COMPUTE_B, HOPPER_CHANNEL_GPFIFO_A, HOPPER_DMA_COPY_A,
	ADA_COMPUTE_A, HOPPER_COMPUTE_A,
};

static u32 ctrl_classlist(const struct nvm_ctl_target *t, void *params)
{
	NV0080_CTRL_GPU_GET_CLASSLIST_PARAMS *p = params;
	void __user *ulist = u64_to_user_ptr(p->classList);
	u32 n = ARRAY_SIZE(nvm_gpu_classes);

	/* The list is an embedded pointer: NULL asks for the count. */
	if (!ulist) {
		p->numClasses = n;
		return NV_OK;
	}
	if (p->numClasses < n)
		return NV_ERR_INVALID_PARAM_STRUCT;
	if (copy_to_user(ulist, nvm_gpu_classes, sizeof(nvm_gpu_classes)))
		return NV_ERR_INVALID_ADDRESS;
	p->numClasses = n;
	return NV_OK;
}

static u32 ctrl_classlist_v2(const struct nvm_ctl_target *t, void *params)
{
	NV0080_CTRL_GPU_GET_CLASSLIST_V2_PARAMS *p = params;

	BUILD_BUG_ON(ARRAY_SIZE(nvm_gpu_classes) > NV0080_CTRL_GPU_CLASSLIST_MAX_SIZE);
	memcpy(p->classList, nvm_gpu_classes, sizeof(nvm_gpu_classes));
	p->numClasses = ARRAY_SIZE(nvm_gpu_classes);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV2080: subdevice
 */
static u32 ctrl_gid_info(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_GPU_GET_GID_INFO_PARAMS *p = params;
	const u8 *u = t->gpu->uuid;

	/* Only MODE_GPU and TYPE_SHA1 exist on a GPU without MIG. */
	if (NV_FLD_GET(NV2080_GPU_CMD_GPU_GET_GID_FLAGS_MODE, p->flags) != 0)
		return NV_ERR_INVALID_PARAMETER;
	if (NV_FLD_GET(NV2080_GPU_CMD_GPU_GET_GID_FLAGS_TYPE, p->flags) != 0)
		return NV_ERR_INVALID_FLAGS;
	memset(p->data, 0, sizeof(p->data));
	if (NV_FLD_GET(NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT, p->flags) ==
	    NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_BINARY) {
		memcpy(p->data, u, NV2080_GPU_MAX_SHA1_BINARY_GID_LENGTH);
		p->length = NV2080_GPU_MAX_SHA1_BINARY_GID_LENGTH;
	} else {
		/* "GPU-" and the UUID, NUL included: NV_UUID_STR_LEN (41). */
		p->length = 1 + snprintf(p->data, sizeof(p->data),
			"GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
			u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	}
	return NV_OK;
}

/* GR info of the mock GPU (an Ampere GA100-like part), by index. */
static u32 nvm_gr_info(u32 index)
{
	switch (index) {
	case NV2080_CTRL_GR_INFO_INDEX_SM_VERSION:
		return NVM_GR_SM_VERSION;
	case NV2080_CTRL_GR_INFO_INDEX_MAX_WARPS_PER_SM:
		return 64;
	case NV2080_CTRL_GR_INFO_INDEX_MAX_THREADS_PER_WARP:
		return 32;
	case NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_GPCS:
		return NVM_GR_GPCS;
	case NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_TPC_PER_GPC:
		return NVM_GR_TPCS_PER_GPC;
	case NV2080_CTRL_GR_INFO_INDEX_LITTER_NUM_SM_PER_TPC:
		return NVM_GR_SMS_PER_TPC;
	case NV2080_CTRL_GR_INFO_INDEX_GPU_CORE_COUNT:
		return NVM_GR_GPCS * NVM_GR_TPCS_PER_GPC * NVM_GR_SMS_PER_TPC * 64;
	}
	return 0;	/* indices the mock does not model read as 0 */
}

static u32 nvm_gr_fill(NV2080_CTRL_GR_INFO *list, u32 n)
{
	u32 i;

	if (n == 0 || n > NV2080_CTRL_GR_INFO_MAX_SIZE)
		return NV_ERR_INVALID_ARGUMENT;
	for (i = 0; i < n; i++) {
		if (list[i].index >= NV2080_CTRL_GR_INFO_MAX_SIZE)
			return NV_ERR_INVALID_ARGUMENT;
		list[i].data = nvm_gr_info(list[i].index);
	}
	return NV_OK;
}

static u32 ctrl_gr_info_v2(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_GR_GET_INFO_V2_PARAMS *p = params;

	return nvm_gr_fill(p->grInfoList, p->grInfoListSize);
}

/* V1 embeds a pointer to the list, copied in and out around the call. */
static u32 ctrl_gr_info(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_GR_GET_INFO_PARAMS *p = params;
	NV2080_CTRL_GR_INFO list[NV2080_CTRL_GR_INFO_MAX_SIZE];
	void __user *ulist = u64_to_user_ptr(p->grInfoList);
	u32 n = min_t(u32, p->grInfoListSize, NV2080_CTRL_GR_INFO_MAX_SIZE);
	u32 status;

	if (!ulist)
		return NV_ERR_INVALID_ARGUMENT;
	if (n && copy_from_user(list, ulist, n * sizeof(list[0])))
		return NV_ERR_INVALID_ADDRESS;
	status = nvm_gr_fill(list, n);
	if (status == NV_OK && copy_to_user(ulist, list, n * sizeof(list[0])))
		status = NV_ERR_INVALID_ADDRESS;
	return status;
}

static u32 ctrl_perf_boost(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_PERF_BOOST_PARAMS *p = params;

	/* Accepted and forgotten: the mock has no clocks. */
	if (NV_FLD_GET(NV2080_CTRL_PERF_BOOST_FLAGS_CMD, p->flags) >
	    NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_TO_MAX)
		return NV_ERR_INVALID_ARGUMENT;
	return NV_OK;
}

/*
 * Framebuffer information in KiB, from the real accounting. The heap is
 * the whole framebuffer (the mock reserves nothing for RM itself).
 * Indices the mock does not model are left untouched, as RM does with
 * indices it does not handle.
 */
static u32 nvm_fb_fill(struct nvm_gpu *gpu, NV2080_CTRL_FB_INFO *list, u32 n)
{
	u64 used, total = gpu->fb_size >> 10;
	u32 i;

	if (n == 0 || n > NV2080_CTRL_FB_INFO_MAX_LIST_SIZE)
		return NV_ERR_INVALID_ARGUMENT;
	spin_lock(&gpu->fb_lock);
	used = gpu->fb_used;
	spin_unlock(&gpu->fb_lock);

	for (i = 0; i < n; i++) {
		switch (list[i].index) {
		case NV2080_CTRL_FB_INFO_INDEX_RAM_SIZE:
		case NV2080_CTRL_FB_INFO_INDEX_TOTAL_RAM_SIZE:
		case NV2080_CTRL_FB_INFO_INDEX_USABLE_RAM_SIZE:
		case NV2080_CTRL_FB_INFO_INDEX_HEAP_SIZE:
		case NV2080_CTRL_FB_INFO_INDEX_MAPPABLE_HEAP_SIZE:
		case NV2080_CTRL_FB_INFO_INDEX_BAR1_SIZE:
			list[i].data = total;
			break;
		case NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE:
		case NV2080_CTRL_FB_INFO_INDEX_LARGEST_FREE_REGION_SIZE_KB:
		case NV2080_CTRL_FB_INFO_INDEX_BAR1_AVAIL_SIZE:
			list[i].data = (gpu->fb_size - used) >> 10;
			break;
		case NV2080_CTRL_FB_INFO_INDEX_HEAP_BASE_KB:
		case NV2080_CTRL_FB_INFO_INDEX_HEAP_START:
			list[i].data = 0;
			break;
		default:
			break;
		}
	}
	return NV_OK;
}

static u32 ctrl_fb_info_v2(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_FB_GET_INFO_V2_PARAMS *p = params;

	return nvm_fb_fill(t->gpu, p->fbInfoList, p->fbInfoListSize);
}

static u32 ctrl_fb_info(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_FB_GET_INFO_PARAMS *p = params;
	void __user *ulist = u64_to_user_ptr(p->fbInfoList);
	NV2080_CTRL_FB_INFO *list;
	u32 n = p->fbInfoListSize;
	u32 status;

	if (n == 0 || n > NV2080_CTRL_FB_INFO_MAX_LIST_SIZE || !ulist)
		return NV_ERR_INVALID_ARGUMENT;
	list = kmalloc_array(n, sizeof(*list), GFP_KERNEL);
	if (!list)
		return NV_ERR_NO_MEMORY;
	if (copy_from_user(list, ulist, n * sizeof(*list))) {
		status = NV_ERR_INVALID_ADDRESS;
		goto out;
	}
	status = nvm_fb_fill(t->gpu, list, n);
	if (status == NV_OK && copy_to_user(ulist, list, n * sizeof(*list)))
		status = NV_ERR_INVALID_ADDRESS;
out:
	kfree(list);
	return status;
}

/* Processes with objects of class id on this GPU (gpuGetProcWithObject). */
static u32 ctrl_get_pids(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_GPU_GET_PIDS_PARAMS *p = params;
	u32 i, n, count = 0;

	switch (p->idType) {
	case NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_CLASS:
		/* Subdevice; MPS and compute objects do not exist in the mock. */
		n = p->id == NV20_SUBDEVICE_0 ?
		    nvm_rm_gpu_pids(t->gpu, NV20_SUBDEVICE_0, p->pidTbl,
				    NV2080_CTRL_GPU_GET_PIDS_MAX_COUNT) : 0;
		break;
	case NV2080_CTRL_GPU_GET_PIDS_ID_TYPE_VGPU_GUEST:
		n = 0;
		break;
	default:
		return NV_ERR_INVALID_ARGUMENT;
	}
	/* In the caller's PID namespace; invisible processes are skipped. */
	for (i = 0; i < n; i++) {
		u32 vnr = nvm_pid_to_user(p->pidTbl[i]);

		if (vnr)
			p->pidTbl[count++] = vnr;
	}
	p->pidTblCount = count;
	return NV_OK;
}

/* Per-process video memory (gpuFindClientInfoWithPidIterator). */
static u32 ctrl_get_pid_info(const struct nvm_ctl_target *t, void *params)
{
	NV2080_CTRL_GPU_GET_PID_INFO_PARAMS *p = params;
	NV2080_CTRL_GPU_PID_INFO *e;
	pid_t pid;
	u32 i;

	if (p->pidInfoListCount == 0 ||
	    p->pidInfoListCount > NV2080_CTRL_GPU_GET_PID_INFO_MAX_COUNT)
		return NV_ERR_INVALID_ARGUMENT;
	for (i = 0; i < p->pidInfoListCount; i++) {
		e = &p->pidInfoList[i];
		e->smcSubscription.computeInstanceId = NVM_PARTITIONID_INVALID;
		e->smcSubscription.gpuInstanceId = NVM_PARTITIONID_INVALID;
		if (e->index != NV2080_CTRL_GPU_PID_INFO_INDEX_VIDEO_MEMORY_USAGE) {
			e->result = NV_ERR_INVALID_ARGUMENT;
			continue;
		}
		memset(&e->data, 0, sizeof(e->data));
		if (e->pid == 0) {
			e->result = NV_ERR_INVALID_ARGUMENT;
			continue;
		}
		pid = nvm_pid_from_user(e->pid);
		if (pid)
			nvm_rm_pid_vidmem(t->gpu, pid, &e->data.memPrivate,
					  &e->data.memSharedOwned,
					  &e->data.memSharedDuped);
		e->result = NV_OK;
	}
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * KEPLER_CHANNEL_GROUP_A (TSG) and GPFIFO channels
 */
static u32 ctrl_tsg_schedule(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS *p = params;

	/* bSkipSubmit/bSkipEnable only defer RM's runlist update. */
	return nvm_tsg_schedule(t->tsg, p->bEnable);
}

static u32 ctrl_tsg_set_timeslice(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_TIMESLICE_PARAMS *p = params;

	return nvm_tsg_set_timeslice(t->tsg, p->timesliceUs);
}

static u32 ctrl_tsg_get_timeslice(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_TIMESLICE_PARAMS *p = params;

	p->timesliceUs = nvm_tsg_get_timeslice(t->tsg);
	return NV_OK;
}

static u32 ctrl_tsg_preempt(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_PREEMPT_PARAMS *p = params;
	u32 timeout = USEC_PER_SEC;	/* RM's default preempt timeout */

	if (p->bManualTimeout) {
		if (p->timeoutUs > NVA06C_CTRL_CMD_PREEMPT_MAX_MANUAL_TIMEOUT_US)
			return NV_ERR_INVALID_ARGUMENT;
		timeout = p->timeoutUs;
	}
	return nvm_tsg_preempt(t->tsg, p->bWait, timeout);
}

static u32 ctrl_tsg_get_info(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_GET_INFO_PARAMS *p = params;

	p->tsgID = t->tsg->id;
	return NV_OK;
}

static u32 ctrl_tsg_set_interleave(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS *p = params;

	return nvm_tsg_set_interleave(t->tsg, p->tsgInterleaveLevel);
}

static u32 ctrl_tsg_get_interleave(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_INTERLEAVE_LEVEL_PARAMS *p = params;

	p->tsgInterleaveLevel = nvm_tsg_get_interleave(t->tsg);
	return NV_OK;
}

/* NVA06F_CTRL_CMD_GPFIFO_SCHEDULE on a channel schedules its TSG. */
static u32 ctrl_chan_schedule(const struct nvm_ctl_target *t, void *params)
{
	NVA06C_CTRL_GPFIFO_SCHEDULE_PARAMS *p = params;

	return nvm_tsg_schedule(t->chan->tsg, p->bEnable);
}

static u32 ctrl_chan_token(const struct nvm_ctl_target *t, void *params)
{
	NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS *p = params;

	p->workSubmitToken = t->chan->token;
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * Dispatch
 */
/* Sizes come from the ABI header's table, vgpu_nv_ctrl_param_size(). */
struct nvm_ctrl {
	u32 cmd;
	u32 (*fn)(const struct nvm_ctl_target *t, void *params);
};

static const struct nvm_ctrl nvm_ctrls[] = {
	{ NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2, ctrl_build_version_v2 },
	{ NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS, ctrl_attached_ids },
	{ NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2, ctrl_id_info_v2 },
	{ NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, ctrl_probed_ids },
	{ NV0080_CTRL_CMD_GPU_GET_CLASSLIST, ctrl_classlist },
	{ NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2, ctrl_classlist_v2 },
	{ NV0080_CTRL_CMD_GR_GET_INFO_V2, ctrl_gr_info_v2 },
	{ NV2080_CTRL_CMD_GPU_GET_GID_INFO, ctrl_gid_info },
	{ NV2080_CTRL_CMD_GR_GET_INFO, ctrl_gr_info },
	{ NV2080_CTRL_CMD_GR_GET_INFO_V2, ctrl_gr_info_v2 },
	{ NV2080_CTRL_CMD_PERF_BOOST, ctrl_perf_boost },
	{ NV2080_CTRL_CMD_FB_GET_INFO, ctrl_fb_info },
	{ NV2080_CTRL_CMD_FB_GET_INFO_V2, ctrl_fb_info_v2 },
	{ NV2080_CTRL_CMD_GPU_GET_PIDS, ctrl_get_pids },
	{ NV2080_CTRL_CMD_GPU_GET_PID_INFO, ctrl_get_pid_info },
	{ NVA06C_CTRL_CMD_GPFIFO_SCHEDULE, ctrl_tsg_schedule },
	{ NVA06C_CTRL_CMD_SET_TIMESLICE, ctrl_tsg_set_timeslice },
	{ NVA06C_CTRL_CMD_GET_TIMESLICE, ctrl_tsg_get_timeslice },
	{ NVA06C_CTRL_CMD_PREEMPT, ctrl_tsg_preempt },
	{ NVA06C_CTRL_CMD_GET_INFO, ctrl_tsg_get_info },
	{ NVA06C_CTRL_CMD_SET_INTERLEAVE_LEVEL, ctrl_tsg_set_interleave },
	{ NVA06C_CTRL_CMD_GET_INTERLEAVE_LEVEL, ctrl_tsg_get_interleave },
	{ NVA06F_CTRL_CMD_GPFIFO_SCHEDULE, ctrl_chan_schedule },
	{ NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN, ctrl_chan_token },
};

u32 nvm_control_dispatch(const struct nvm_ctl_target *t, u32 cmd,
			 void *params, u32 size)
{
	unsigned int i;

	/* resControlLookup: the command must be one of the object's class. */
	if (!nvm_ctrl_class_ok(t->h_class, cmd >> 16))
		return NV_ERR_NOT_SUPPORTED;
	for (i = 0; i < ARRAY_SIZE(nvm_ctrls); i++) {
		if (nvm_ctrls[i].cmd != cmd)
			continue;
		if (size != vgpu_nv_ctrl_param_size(cmd))
			return NV_ERR_INVALID_PARAM_STRUCT;
		return nvm_ctrls[i].fn(t, params);
	}
	return NV_ERR_NOT_SUPPORTED;
}

/*
 * RmGetDeviceFd(): two controls name a GPU fd in their parameters; the
 * escape takes it (marking the fd "ref-counted", which REGISTER_FD then
 * refuses) before the control runs. Failures here fail the ioctl.
 */
static u32 nvm_control_device_fd(NVOS54_PARAMETERS *p, struct file **devf)
{
	void __user *uparams = u64_to_user_ptr(p->params);
	union {
		NV00FD_CTRL_ATTACH_GPU_PARAMS attach;
		NV00E0_CTRL_EXPORT_MEM_PARAMS export;
	} *k;
	u32 size, status;
	bool skip;
	u64 fd;

	*devf = NULL;
	if (p->cmd == NV00FD_CTRL_CMD_ATTACH_GPU)
		size = sizeof(NV00FD_CTRL_ATTACH_GPU_PARAMS);
	else if (p->cmd == NV00E0_CTRL_CMD_EXPORT_MEM)
		size = sizeof(NV00E0_CTRL_EXPORT_MEM_PARAMS);
	else
		return NV_OK;
	if (!uparams)
		return NV_ERR_INVALID_ARGUMENT;
	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return NV_ERR_NO_MEMORY;
	if (copy_from_user(k, uparams, size)) {
		kfree(k);
		return NV_ERR_INVALID_ADDRESS;
	}
	if (p->cmd == NV00FD_CTRL_CMD_ATTACH_GPU) {
		fd = k->attach.devDescriptor;
		skip = false;
	} else {
		fd = k->export.devDescriptor;
		/* If hParent is the client, no device is referenced. */
		skip = k->export.hParent == p->hClient;
	}
	kfree(k);
	if (skip)
		return NV_OK;
	status = nvm_ref_device_fd((int)(s32)fd, devf);
	return status;
}

u32 nvm_rm_control(struct nvm_file *nvf, NVOS54_PARAMETERS *p)
{
	void __user *uparams = u64_to_user_ptr(p->params);
	struct nvm_file *identity = nvm_identity(nvf);
	u32 cmd = p->cmd, size = p->paramsSize;
	struct nvm_ctl_target t;
	struct file *devf;
	void *kparams = NULL;
	u32 status;

	status = nvm_control_device_fd(p, &devf);
	if (status != NV_OK)
		return status;			/* the escape fails: -EINVAL */

	/* NVXXXX_CTRL_CMD_NULL and every class's NULL command. */
	if (cmd == 0 || (cmd & 0xffff) == 0) {
		status = NV_OK;
		goto out;
	}
	if (p->flags & (NVOS54_FLAGS_IRQL_RAISED | NVOS54_FLAGS_LOCK_BYPASS)) {
		/* Neither is allowed from user space for these controls. */
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (!nvm_rm_client_exists(p->hClient)) {
		status = NV_ERR_INVALID_CLIENT;
		goto out;
	}
	if ((size && !uparams) || (!size && uparams) ||
	    size > NVM_CTRL_MAX_PARAMS) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (p->flags & NVOS54_FLAGS_FINN_SERIALIZED) {
		/* The mock does not decode FINN-serialised parameters. */
		status = NV_ERR_NOT_SUPPORTED;
		goto out;
	}
	if (size) {
		kparams = kvmalloc(size, GFP_KERNEL);
		if (!kparams) {
			status = NV_ERR_INSUFFICIENT_RESOURCES;
			goto out;
		}
		if (copy_from_user(kparams, uparams, size)) {
			status = NV_ERR_INVALID_ADDRESS;
			goto out;
		}
	}

	status = nvm_rm_ctl_target(identity, p->hClient, p->hObject, &t);
	if (status == NV_OK)
		status = nvm_control_dispatch(&t, cmd, kparams, size);
	nvm_ctl_target_put(&t);
	if (status == NV_OK && size && copy_to_user(uparams, kparams, size))
		status = NV_ERR_INVALID_ADDRESS;
out:
	kvfree(kparams);
	/*
	 * A device fd taken for a control that failed is released; had the
	 * control succeeded RM would keep it with the object, but no object
	 * of those classes exists in the mock.
	 */
	if (devf)
		fput(devf);
	p->status = nvm_rm_status(status);
	return NV_OK;
}
