// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: ioctl decoding, exactly as nvidia_ioctl() (nv.c) and
 * RmIoctl()/rm_ioctl() (escape.c, osapi.c) of r595:
 *
 *  - only _IOC_NR and _IOC_SIZE are decoded, never _IOC_TYPE or _IOC_DIR;
 *  - the size must be the escape's exact size (RM_ALLOC: NVOS21 or NVOS64;
 *    CARD_INFO and ATTACH_GPUS_TO_FD: any nonzero multiple of the element),
 *    an unknown nr is -EINVAL (nv_validate_ioctls);
 *  - NV_ESC_IOCTL_XFER_CMD (outer size 16) is unwrapped once: the inner
 *    command (size <= 16384) is not re-validated, each handler checks its
 *    own size, as the real one;
 *  - the argument is copied into a kernel buffer, processed and ALWAYS
 *    copied back (unless the failure was -EFAULT), even when RM failed;
 *  - RM failures are reported in the struct's status with the ioctl
 *    returning 0; -EINVAL is reserved for a wrong size, a wrong node
 *    (ctl-only or GPU-only escapes) or an escape that failed as a whole.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/delay.h>
#include <linux/file.h>
#include <linux/pci_ids.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mock.h"

#define ESC(nr) { (nr), #nr }

/* Names for debugfs; sizes and nodes come from the ABI header's tables. */
static const struct {
	u32 nr;
	const char *name;
} nvm_escape_names[] = {
	ESC(NV_ESC_RM_ALLOC_MEMORY), ESC(NV_ESC_RM_ALLOC_OBJECT),
	ESC(NV_ESC_RM_FREE), ESC(NV_ESC_RM_CONTROL), ESC(NV_ESC_RM_ALLOC),
	ESC(NV_ESC_RM_DUP_OBJECT), ESC(NV_ESC_RM_SHARE),
	ESC(NV_ESC_RM_I2C_ACCESS), ESC(NV_ESC_RM_IDLE_CHANNELS),
	ESC(NV_ESC_RM_VID_HEAP_CONTROL), ESC(NV_ESC_RM_ACCESS_REGISTRY),
	ESC(NV_ESC_RM_MAP_MEMORY), ESC(NV_ESC_RM_UNMAP_MEMORY),
	ESC(NV_ESC_RM_GET_EVENT_DATA), ESC(NV_ESC_RM_ALLOC_CONTEXT_DMA2),
	ESC(NV_ESC_RM_ADD_VBLANK_CALLBACK), ESC(NV_ESC_RM_MAP_MEMORY_DMA),
	ESC(NV_ESC_RM_UNMAP_MEMORY_DMA), ESC(NV_ESC_RM_BIND_CONTEXT_DMA),
	ESC(NV_ESC_RM_EXPORT_OBJECT_TO_FD), ESC(NV_ESC_RM_IMPORT_OBJECT_FROM_FD),
	ESC(NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO),
	ESC(NV_ESC_RM_LOCKLESS_DIAGNOSTIC), ESC(NV_ESC_CARD_INFO),
	ESC(NV_ESC_REGISTER_FD), ESC(NV_ESC_ALLOC_OS_EVENT),
	ESC(NV_ESC_FREE_OS_EVENT), ESC(NV_ESC_STATUS_CODE),
	ESC(NV_ESC_CHECK_VERSION_STR), ESC(NV_ESC_IOCTL_XFER_CMD),
	ESC(NV_ESC_ATTACH_GPUS_TO_FD), ESC(NV_ESC_QUERY_DEVICE_INTR),
	ESC(NV_ESC_SYS_PARAMS), ESC(NV_ESC_NUMA_INFO),
	ESC(NV_ESC_SET_NUMA_STATUS), ESC(NV_ESC_EXPORT_TO_DMABUF_FD),
	ESC(NV_ESC_WAIT_OPEN_COMPLETE),
};

const char *nvm_escape_name(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nvm_escape_names); i++)
		if (nvm_escape_names[i].nr == nr)
			return nvm_escape_names[i].name;
	return "unknown";
}

u32 nvm_rm_status(u32 status)
{
	if (status == NV_OK)
		return status;
	if (status == NV_ERR_GENERIC)
		atomic64_inc(&nvm_stats.rm_fail_generic);
	else
		atomic64_inc(&nvm_stats.rm_fail[min_t(u32, status,
						     NVM_STATUS_BUCKETS - 1)]);
	return status;
}

/* ---------------------------------------------------------------------
 * OS events (osapi.c allocate_os_event/free_os_event). The fd is only a key
 * matched against later NV01_EVENT_OS_EVENT allocations: never
 * dereferenced. The mock never signals an event.
 */
#define NVM_MAX_EVENTS	65536

struct nvm_event {
	struct list_head node;
	u32 h_client;
	u32 fd;
	struct nvm_file *nvf;		/* compared only */
};

static LIST_HEAD(nvm_events);
static DEFINE_SPINLOCK(nvm_events_lock);

static u32 nvm_event_alloc(u32 h_client, struct nvm_file *nvf, u32 fd)
{
	struct nvm_event *e, *new;
	u32 status = NV_OK;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NV_ERR_INSUFFICIENT_RESOURCES;
	new->h_client = h_client;
	new->fd = fd;
	new->nvf = nvf;

	spin_lock(&nvm_events_lock);
	if (atomic_read(&nvm_stats.events) >= NVM_MAX_EVENTS) {
		status = NV_ERR_INSUFFICIENT_RESOURCES;
	} else {
		/* Only one event may be associated with a given fd. */
		list_for_each_entry(e, &nvm_events, node) {
			if (e->h_client == h_client && e->fd == fd) {
				status = NV_ERR_INSUFFICIENT_RESOURCES;
				break;
			}
		}
	}
	if (status == NV_OK) {
		list_add(&new->node, &nvm_events);
		atomic_inc(&nvm_stats.events);
	}
	spin_unlock(&nvm_events_lock);
	if (status != NV_OK)
		kfree(new);
	return status;
}

static u32 nvm_event_free(u32 h_client, u32 fd)
{
	struct nvm_event *e, *found = NULL;

	spin_lock(&nvm_events_lock);
	list_for_each_entry(e, &nvm_events, node) {
		if (e->h_client == h_client && e->fd == fd) {
			list_del(&e->node);
			atomic_dec(&nvm_stats.events);
			found = e;
			break;
		}
	}
	spin_unlock(&nvm_events_lock);
	kfree(found);
	return found ? NV_OK : NV_ERR_INVALID_EVENT;
}

static void nvm_events_free_match(u32 h_client, struct nvm_file *nvf)
{
	struct nvm_event *e, *tmp;
	LIST_HEAD(dead);

	spin_lock(&nvm_events_lock);
	list_for_each_entry_safe(e, tmp, &nvm_events, node) {
		if ((nvf && e->nvf == nvf) || (!nvf && e->h_client == h_client)) {
			list_move(&e->node, &dead);
			atomic_dec(&nvm_stats.events);
		}
	}
	spin_unlock(&nvm_events_lock);
	list_for_each_entry_safe(e, tmp, &dead, node)
		kfree(e);
}

void nvm_events_free_client(u32 h_client)
{
	nvm_events_free_match(h_client, NULL);
}

void nvm_events_free_file(struct nvm_file *nvf)
{
	nvm_events_free_match(0, nvf);
}

/* ---------------------------------------------------------------------
 * NV_ESC_REGISTER_FD (escape.c): link this fd to a ctl fd, whose identity
 * every later RM call on this fd then uses. Failures are RM statuses that
 * the escape turns into -EINVAL (the struct has no status field).
 */
static DEFINE_MUTEX(nvm_register_lock);

static u32 nvm_register_fd(struct nvm_file *nvf, nv_ioctl_register_fd_t *p)
{
	struct nvm_file *ctl_nvf;
	struct file *ctl_file;
	u32 status = NV_OK;

	mutex_lock(&nvm_register_lock);
	if (READ_ONCE(nvf->ctl_nvf)) {
		status = NV_ERR_INVALID_STATE;
		goto out;
	}
	ctl_nvf = nvm_get_file_private(p->ctl_fd, true, &ctl_file);
	if (!ctl_nvf) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	/* No self-reference, and no link to an fd that has a link itself. */
	if (ctl_nvf == nvf || READ_ONCE(ctl_nvf->ctl_nvf)) {
		fput(ctl_file);
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	/* Not an fd already used as a device fd by a control. */
	if (atomic_cmpxchg(&nvf->reg_state, NVM_REG_NONE, NVM_REG_REGISTERED) !=
	    NVM_REG_NONE) {
		fput(ctl_file);
		status = NV_ERR_IN_USE;
		goto out;
	}
	/* Kept until this fd is closed: the ctl file stays valid. */
	nvf->ctl_file = ctl_file;
	WRITE_ONCE(nvf->ctl_nvf, ctl_nvf);
out:
	mutex_unlock(&nvm_register_lock);
	return status;
}

/* RmGetDeviceFd(): the controls that take a device fd (devDescriptor). */
u32 nvm_ref_device_fd(int fd, struct file **filp)
{
	struct nvm_file *dev;
	int old;

	dev = nvm_get_file_private(fd, false, filp);
	if (!dev)
		return NV_ERR_INVALID_DEVICE;
	/* Check to avoid a cycle with REGISTER_FD. */
	old = atomic_cmpxchg(&dev->reg_state, NVM_REG_NONE, NVM_REG_REFCOUNTED);
	if (old != NVM_REG_NONE && old != NVM_REG_REFCOUNTED) {
		fput(*filp);
		*filp = NULL;
		return NV_ERR_IN_USE;
	}
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * RmIoctl()
 */

static u32 nvm_status_code(nv_ioctl_status_code_t *p)
{
	unsigned int i;

	/* nv_get_adapter_state(domain, bus, slot) */
	for (i = 0; i < nvm_num_gpus; i++) {
		if (p->domain == 0 && p->bus == nvm_gpus[i].bus && p->slot == 0) {
			p->status = NV_OK;	/* rm_get_adapter_status */
			return NV_OK;
		}
	}
	return NV_ERR_INVALID_ARGUMENT;
}

static u32 nvm_rmioctl(struct nvm_file *nvf, u32 nr, void *data, u32 size)
{
	switch (nr) {
	/* rm_ioctl(): handled in the OS layer, any node */
	case NV_ESC_ALLOC_OS_EVENT: {
		nv_ioctl_alloc_os_event_t *p = data;

		if (size != sizeof(*p))
			return NV_ERR_INVALID_ARGUMENT;
		p->Status = nvm_rm_status(nvm_event_alloc(p->hClient, nvf, p->fd));
		return NV_OK;
	}
	case NV_ESC_FREE_OS_EVENT: {
		nv_ioctl_free_os_event_t *p = data;

		if (size != sizeof(*p))
			return NV_ERR_INVALID_ARGUMENT;
		p->Status = nvm_rm_status(nvm_event_free(p->hClient, p->fd));
		return NV_OK;
	}
	/* RmIoctl() */
	case NV_ESC_RM_ALLOC_MEMORY: {
		if (size != sizeof(nv_ioctl_nvos02_parameters_with_fd))
			return NV_ERR_INVALID_ARGUMENT;
		if (nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_alloc_memory(nvf, data) ? NV_ERR_INVALID_ARGUMENT : NV_OK;
	}
	case NV_ESC_RM_ALLOC: {
		NVOS21_PARAMETERS *p = data;

		if (size != sizeof(NVOS21_PARAMETERS) &&
		    size != sizeof(NVOS64_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		switch (p->hClass) {
		case NV01_ROOT:
		case NV01_ROOT_CLIENT:
		case NV01_ROOT_NON_PRIV:
			if (!nvm_is_ctl(nvf))
				return NV_ERR_INVALID_ARGUMENT;
			/* Force userspace client allocations to the _CLIENT class. */
			p->hClass = NV01_ROOT_CLIENT;
			break;
		case NV01_EVENT:
		case NV01_EVENT_OS_EVENT:
		case NV01_EVENT_KERNEL_CALLBACK:
		case NV01_EVENT_KERNEL_CALLBACK_EX:
			break;		/* any node */
		default:
			if (!nvm_is_ctl(nvf))
				return NV_ERR_INVALID_ARGUMENT;
			break;
		}
		return nvm_rm_alloc(nvf, data, size);
	}
	case NV_ESC_RM_FREE:
		if (size != sizeof(NVOS00_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_free(nvf, data);
	case NV_ESC_RM_VID_HEAP_CONTROL:
		if (size != sizeof(NVOS32_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_vid_heap(nvf, data);
	case NV_ESC_RM_MAP_MEMORY:
		if (size != sizeof(nv_ioctl_nvos33_parameters_with_fd))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_map_memory(nvf, data);
	case NV_ESC_RM_UNMAP_MEMORY:
		if (size != sizeof(NVOS34_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_unmap_memory(nvf, data);
	case NV_ESC_RM_DUP_OBJECT:
		if (size != sizeof(NVOS55_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_dup(nvf, data);
	case NV_ESC_RM_CONTROL:
		if (size != sizeof(NVOS54_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_control(nvf, data);
	case NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO:
		if (size != sizeof(NVOS56_PARAMETERS))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_rm_update_mapping(nvf, data);
	case NV_ESC_STATUS_CODE:
		if (size != sizeof(nv_ioctl_status_code_t))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_status_code(data);
	case NV_ESC_REGISTER_FD:
		if (size != sizeof(nv_ioctl_register_fd_t))
			return NV_ERR_INVALID_ARGUMENT;
		return nvm_register_fd(nvf, data);

	/*
	 * Real escapes the mock does not model: after the real size and node
	 * checks they fail as a whole (-EINVAL), and debugfs counts them.
	 */
	case NV_ESC_RM_GET_EVENT_DATA:
		if (!vgpu_nv_escape_size_ok(nr, size))
			return NV_ERR_INVALID_ARGUMENT;
		return NV_ERR_NOT_SUPPORTED;
	case NV_ESC_RM_I2C_ACCESS:
		if (!vgpu_nv_escape_size_ok(nr, size))
			return NV_ERR_INVALID_ARGUMENT;
		if (nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		return NV_ERR_NOT_SUPPORTED;
	case NV_ESC_RM_ALLOC_OBJECT:
	case NV_ESC_RM_SHARE:
	case NV_ESC_RM_IDLE_CHANNELS:
	case NV_ESC_RM_ACCESS_REGISTRY:
	case NV_ESC_RM_ALLOC_CONTEXT_DMA2:
	case NV_ESC_RM_MAP_MEMORY_DMA:
	case NV_ESC_RM_UNMAP_MEMORY_DMA:
	case NV_ESC_RM_BIND_CONTEXT_DMA:
	case NV_ESC_RM_LOCKLESS_DIAGNOSTIC:
		if (!vgpu_nv_escape_size_ok(nr, size))
			return NV_ERR_INVALID_ARGUMENT;
		if (!nvm_is_ctl(nvf))
			return NV_ERR_INVALID_ARGUMENT;
		if (nr == NV_ESC_RM_LOCKLESS_DIAGNOSTIC && !capable(CAP_SYS_ADMIN))
			return NV_ERR_INSUFFICIENT_PERMISSIONS;
		return NV_ERR_NOT_SUPPORTED;
	default:
		/* "unknown NVRM ioctl command" */
		return NV_ERR_GENERIC;
	}
}

/* ---------------------------------------------------------------------
 * The escapes nv.c handles itself
 */
static int nvm_card_info(nv_ioctl_card_info_t *ci, size_t n)
{
	unsigned int i;

	/* Cleared first: copied back even when too small. */
	memset(ci, 0, n * sizeof(*ci));
	if (n < nvm_num_gpus)
		return -EINVAL;
	for (i = 0; i < nvm_num_gpus; i++) {
		struct nvm_gpu *gpu = &nvm_gpus[i];

		ci[i].valid = 1;
		ci[i].pci_info.domain = 0;
		ci[i].pci_info.bus = gpu->bus;
		ci[i].pci_info.slot = 0;
		ci[i].pci_info.vendor_id = PCI_VENDOR_ID_NVIDIA;
		ci[i].pci_info.device_id = NVM_PCI_DEVICE_ID;
		ci[i].gpu_id = gpu->gpu_id;
		ci[i].interrupt_line = 0;
		ci[i].reg_address = gpu->bar0_base;
		ci[i].reg_size = SZ_16M;
		/* A "resizable BAR": BAR1 spans the whole framebuffer. */
		ci[i].fb_address = gpu->bar1_base;
		ci[i].fb_size = gpu->fb_size;
		ci[i].minor_number = gpu->index;
		/* dev_name stays empty, as on Linux (it is for vmkernel). */
	}
	return 0;
}

static int nvm_attach_gpus(struct nvm_file *nvf, const u32 *ids, u32 size)
{
	u32 n = size / sizeof(u32), i;
	int ret = 0;

	if (n == 0 || size % sizeof(u32))
		return -EINVAL;
	mutex_lock(&nvf->attach_lock);
	if (nvf->num_attached_gpus) {
		ret = -EINVAL;		/* once per fd */
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* nvidia_dev_get(): every nonzero id must be a GPU. */
		if (ids[i] && !nvm_gpu_by_id(ids[i])) {
			ret = -EINVAL;
			goto out;
		}
	}
	nvf->attached_gpus = kmemdup(ids, size, GFP_KERNEL);
	if (!nvf->attached_gpus) {
		ret = -ENOMEM;
		goto out;
	}
	nvf->num_attached_gpus = n;
out:
	mutex_unlock(&nvf->attach_lock);
	return ret;
}

static u64 nvm_memblock_size;
static DEFINE_MUTEX(nvm_sys_params_lock);

static int nvm_sys_params(nv_ioctl_sys_params_t *p)
{
	int ret = 0;

	/* numa_memblock_size is set once; later calls must agree. */
	mutex_lock(&nvm_sys_params_lock);
	if (nvm_memblock_size == 0)
		nvm_memblock_size = p->memblock_size;
	else if (nvm_memblock_size != p->memblock_size)
		ret = -EBUSY;
	mutex_unlock(&nvm_sys_params_lock);
	return ret;
}

/* RmPerformVersionCheck() */
static u32 nvm_version_check(nv_ioctl_rm_api_version_t *p, u32 size)
{
	static const char rm[] = NV_VERSION_STRING;
	bool relaxed;
	unsigned int i;

	BUILD_BUG_ON(sizeof(rm) > NV_RM_API_VERSION_STRING_LENGTH);
	if (size != sizeof(*p))
		return NV_ERR_INVALID_ARGUMENT;

	p->reply = NV_RM_API_VERSION_REPLY_RECOGNIZED;
	if (p->cmd == NV_RM_API_VERSION_CMD_QUERY) {
		strscpy(p->versionString, rm, sizeof(p->versionString));
		return NV_OK;
	}
	relaxed = p->cmd == NV_RM_API_VERSION_CMD_RELAXED;
	for (i = 0; i < sizeof(rm); i++) {
		if (p->versionString[i] != rm[i])
			break;
		if (relaxed && rm[i] == '.')
			return NV_OK;
		if (rm[i] == '\0')
			return NV_OK;
	}
	pr_info_ratelimited("API mismatch: the client '%s' (pid %d) has the version %.*s, but this kernel module has the version %s\n",
			    current->comm, task_tgid_nr(current),
			    NV_RM_API_VERSION_STRING_LENGTH - 1, p->versionString, rm);
	strscpy(p->versionString, rm, sizeof(p->versionString));
	return NV_ERR_GENERIC;
}

/* The body of nvidia_ioctl() after the copy-in. */
static int nvm_dispatch(struct nvm_file *nvf, u32 nr, void *data, u32 size)
{
	u32 status;

	switch (nr) {
	case NV_ESC_WAIT_OPEN_COMPLETE: {
		nv_ioctl_wait_open_complete_t *p = data;

		if (size != sizeof(*p))
			return -EINVAL;
		p->rc = 0;			/* opens complete synchronously */
		p->adapterStatus = NV_OK;
		return 0;
	}
	case NV_ESC_QUERY_DEVICE_INTR: {
		nv_ioctl_query_device_intr_t *p = data;

		if (nvm_is_ctl(nvf) || size < sizeof(*p))
			return -EINVAL;
		p->intrStatus = 0;		/* no interrupt ever pending */
		p->status = NV_OK;
		return 0;
	}
	case NV_ESC_CARD_INFO:
		if (!nvm_is_ctl(nvf))
			return -EINVAL;
		return nvm_card_info(data, size / sizeof(nv_ioctl_card_info_t));
	case NV_ESC_ATTACH_GPUS_TO_FD:
		if (!nvm_is_ctl(nvf))
			return -EINVAL;
		return nvm_attach_gpus(nvf, data, size);
	case NV_ESC_CHECK_VERSION_STR:
		if (!nvm_is_ctl(nvf))
			return -EINVAL;
		status = nvm_rm_status(nvm_version_check(data, size));
		return status == NV_OK ? 0 : -EINVAL;
	case NV_ESC_SYS_PARAMS:
		if (!nvm_is_ctl(nvf) || size != sizeof(nv_ioctl_sys_params_t))
			return -EINVAL;
		return nvm_sys_params(data);
	case NV_ESC_SET_NUMA_STATUS:
		if (!capable(CAP_SYS_ADMIN))
			return -EACCES;
		fallthrough;
	case NV_ESC_NUMA_INFO:
	case NV_ESC_EXPORT_TO_DMABUF_FD:
		/* GPU-only escapes the mock does not model (no NUMA, no dma-buf). */
		if (nvm_is_ctl(nvf) || !vgpu_nv_escape_size_ok(nr, size))
			return -EINVAL;
		nvm_rm_status(NV_ERR_NOT_SUPPORTED);
		return -EINVAL;
	default:
		status = nvm_rmioctl(nvf, nr, data, size);
		if (status != NV_OK) {
			nvm_rm_status(status);
			return -EINVAL;
		}
		return 0;
	}
}

static void nvm_inject_delay(unsigned int nr)
{
	unsigned long us = nvm_fault_delay_us(nr);

	if (us)
		fsleep(us);
}

long nvm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct nvm_file *nvf = filp->private_data;
	void __user *uptr = (void __user *)arg;
	u32 nr = _IOC_NR(cmd);
	u32 size = _IOC_SIZE(cmd);
	void *buf;
	int ret;

	atomic64_inc(&nvm_stats.escapes[nr]);
	/* nv_validate_ioctls(): an unknown nr or a wrong size. */
	if (!vgpu_nv_escape_size_ok(nr, size)) {
		ret = -EINVAL;
		goto out;
	}
	nvm_inject_delay(nr);

	if (nr == NV_ESC_IOCTL_XFER_CMD) {
		nv_ioctl_xfer_t xfer;

		if (copy_from_user(&xfer, uptr, sizeof(xfer))) {
			ret = -EFAULT;
			goto out;
		}
		nr = xfer.cmd;
		size = xfer.size;
		uptr = u64_to_user_ptr(xfer.ptr);
		if (size > NV_ABSOLUTE_MAX_IOCTL_SIZE) {
			ret = -EINVAL;
			goto out;
		}
		if (nr < ARRAY_SIZE(nvm_stats.escapes)) {
			atomic64_inc(&nvm_stats.escapes[nr]);
			nvm_inject_delay(nr);
		}
	}

	buf = kmalloc(max_t(u32, size, 1), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(buf, uptr, size)) {
		kfree(buf);
		ret = -EFAULT;
		goto out;
	}

	/* An XFER inside an XFER is not unwrapped again: it is unknown. */
	ret = nvm_dispatch(nvf, nr, buf, size);

	if (ret != -EFAULT && copy_to_user(uptr, buf, size))
		ret = -EFAULT;
	kfree(buf);
out:
	if (ret == -EINVAL)
		atomic64_inc(&nvm_stats.einval);
	else if (ret == -EFAULT)
		atomic64_inc(&nvm_stats.efault);
	return ret;
}
