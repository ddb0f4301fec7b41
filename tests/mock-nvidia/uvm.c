// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: /dev/nvidia-uvm (kernel-open/nvidia-uvm/uvm.c at the ABI
 * level): the part of UVM a CUDA-like client uses to give its channels a
 * GPU address space.
 *
 *  - A dynamic char major ("nvidia-uvm"), minor 0, its own
 *    file_operations (nvm_uvm_fops): MM_INITIALIZE checks f_op identity.
 *  - ioctl numbers are raw (UVM_INITIALIZE = 0x30000001, the others small
 *    integers), never _IOWR-encoded; the parameters are copied in with the
 *    command's own size, the status goes in rmStatus and the ioctl returns
 *    0 (-EFAULT on a bad pointer). UVM_DEINITIALIZE returns 0 at once.
 *    Every command but INITIALIZE and MM_INITIALIZE on a file that is not
 *    an initialised VA space gets NV_ERR_ILLEGAL_ACTION. Commands the mock
 *    does not model return -ENOSYS (as the real driver does for commands
 *    it does not know, with its test ioctls disabled).
 *  - A VA space registers GPUs, one RM VA space (FERMI_VASPACE_A) per GPU,
 *    external ranges, mappings of RM memory into them (on each GPU's VA
 *    space: see gpuvm.c), and channels. UVM "dups" the user's RM objects:
 *    the client must be the caller's process (default share policy); the
 *    rmCtrlFd is not checked, as UVM does not.
 *  - REGISTER_CHANNEL binds a channel (the RM side then lets its TSG be
 *    scheduled); unregistering it, its GPU VA space or its GPU, releasing
 *    the MM file or closing the VA space stops it.
 *
 * Where the mock differs: no managed memory (mmap of the file is -EINVAL),
 * no HMM/ATS, no peer mappings (vidmem of another GPU is
 * NV_ERR_INVALID_DEVICE), no /dev/nvidia-uvm-tools, channel resources are
 * one 64 KiB range reserved in the channel's [base, base + length).
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mock.h"

#define NVM_UVM_MAX_RANGES	65536
#define NVM_UVM_VA_LIMIT	(1ULL << 57)	/* UVM's largest VA */
#define NVM_GPU_VA_LIMIT	(1ULL << 49)	/* what an Ampere GPU addresses */
#define NVM_CHANNEL_VA_LIMIT	(1ULL << 40)	/* max_channel_va */
#define NVM_CHANNEL_RES_SIZE	SZ_64K		/* a channel's resources */

enum nvm_uvm_type {
	NVM_UVM_UNINIT,
	NVM_UVM_VA_SPACE,
	NVM_UVM_MM,
};

struct nvm_uvm_range {
	struct list_head node;
	u64 start, end;			/* [start, end) */
	bool channel;			/* a channel's resources, not external */
};

struct nvm_uvm_chan {
	struct list_head node;
	struct nvm_chan *chan;		/* a reference */
	u32 h_client, h_channel;
	u32 gpu;
	struct nvm_uvm_range *range;	/* GR channels only */
};

struct nvm_uvm_space {
	struct mutex lock;
	u64 flags;
	bool mm_alive, mm_released;
	DECLARE_BITMAP(gpus, NVM_MAX_GPUS);	/* registered */
	struct nvm_vas *vas[NVM_MAX_GPUS];	/* registered GPU VA spaces */
	struct list_head ranges;
	u32 nranges;
	struct list_head chans;
};

struct nvm_uvm_file {
	struct mutex lock;		/* type transitions */
	enum nvm_uvm_type type;
	struct nvm_uvm_space *space;	/* NVM_UVM_VA_SPACE */
	struct file *va_file;		/* NVM_UVM_MM: the VA space's file */
};

static const struct file_operations nvm_uvm_fops;
static dev_t nvm_uvm_dev;
static struct cdev nvm_uvm_cdev;
static bool nvm_uvm_cdev_added;

static struct nvm_gpu *nvm_gpu_by_uuid(const NvProcessorUuid *u)
{
	unsigned int i;

	for (i = 0; i < nvm_num_gpus; i++)
		if (!memcmp(nvm_gpus[i].uuid, u->uuid, sizeof(u->uuid)))
			return &nvm_gpus[i];
	return NULL;
}

/* A registered GPU (with a VA space if @need_vas), or NULL. */
static struct nvm_gpu *nvm_uvm_gpu(struct nvm_uvm_space *sp,
				   const NvProcessorUuid *u, bool need_vas)
{
	struct nvm_gpu *gpu = nvm_gpu_by_uuid(u);

	if (!gpu || !test_bit(gpu->index, sp->gpus))
		return NULL;
	if (need_vas && !sp->vas[gpu->index])
		return NULL;
	return gpu;
}

/* base, length: PAGE-size or 4K aligned, nonzero, no overflow. */
static bool nvm_range_invalid(u64 base, u64 length, u64 align)
{
	return !IS_ALIGNED(base, align) || !IS_ALIGNED(length, align) ||
	       !base || !length || base + length < base;
}

static struct nvm_uvm_range *nvm_uvm_overlap(struct nvm_uvm_space *sp,
					     u64 start, u64 end)
{
	struct nvm_uvm_range *r;

	list_for_each_entry(r, &sp->ranges, node)
		if (r->start < end && start < r->end)
			return r;
	return NULL;
}

static struct nvm_uvm_range *nvm_uvm_range_add(struct nvm_uvm_space *sp,
					       u64 start, u64 end, bool channel)
{
	struct nvm_uvm_range *r;

	if (sp->nranges >= NVM_UVM_MAX_RANGES)
		return NULL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->start = start;
	r->end = end;
	r->channel = channel;
	list_add_tail(&r->node, &sp->ranges);
	sp->nranges++;
	atomic_inc(&nvm_stats2.uvm_ranges);
	return r;
}

/* Remove a range and its mappings on every GPU. sp->lock held. */
static void nvm_uvm_range_free(struct nvm_uvm_space *sp, struct nvm_uvm_range *r)
{
	unsigned int i;

	if (!r->channel)
		for (i = 0; i < NVM_MAX_GPUS; i++)
			if (sp->vas[i])
				nvm_vas_unmap_tag(sp->vas[i], r);
	list_del(&r->node);
	sp->nranges--;
	kfree(r);
	atomic_dec(&nvm_stats2.uvm_ranges);
}

/* Stop and forget a registered channel. sp->lock held. */
static void nvm_uvm_chan_free(struct nvm_uvm_space *sp, struct nvm_uvm_chan *uc)
{
	nvm_chan_set_bound(uc->chan, false);
	if (uc->range)
		nvm_uvm_range_free(sp, uc->range);
	list_del(&uc->node);
	nvm_chan_put(uc->chan);
	kfree(uc);
}

/* Unregister the GPU VA space of GPU @i: its channels stop, its mappings go. */
static void nvm_uvm_drop_vas(struct nvm_uvm_space *sp, unsigned int i)
{
	struct nvm_uvm_chan *uc, *tmp;
	struct nvm_vas *vas = sp->vas[i];

	if (!vas)
		return;
	list_for_each_entry_safe(uc, tmp, &sp->chans, node)
		if (uc->gpu == i)
			nvm_uvm_chan_free(sp, uc);
	nvm_vas_unmap_all(vas);
	WRITE_ONCE(vas->uvm_owner, NULL);
	sp->vas[i] = NULL;
	nvm_vas_put(vas);
}

static void nvm_uvm_stop_all_channels(struct nvm_uvm_space *sp)
{
	struct nvm_uvm_chan *uc, *tmp;

	list_for_each_entry_safe(uc, tmp, &sp->chans, node)
		nvm_uvm_chan_free(sp, uc);
}

static void nvm_uvm_space_destroy(struct nvm_uvm_space *sp)
{
	struct nvm_uvm_range *r, *rt;
	unsigned int i;

	mutex_lock(&sp->lock);
	nvm_uvm_stop_all_channels(sp);
	for (i = 0; i < NVM_MAX_GPUS; i++)
		nvm_uvm_drop_vas(sp, i);
	list_for_each_entry_safe(r, rt, &sp->ranges, node)
		nvm_uvm_range_free(sp, r);
	mutex_unlock(&sp->lock);
	mutex_destroy(&sp->lock);
	kfree(sp);
}

/* ---------------------------------------------------------------------
 * Commands
 */
static NV_STATUS uvm_initialize(struct nvm_uvm_file *uf, UVM_INITIALIZE_PARAMS *p)
{
	struct nvm_uvm_space *sp;
	NV_STATUS status = NV_OK;

	mutex_lock(&uf->lock);
	switch (uf->type) {
	case NVM_UVM_UNINIT:
		if (p->flags & ~(UVM_INIT_FLAGS_DISABLE_HMM |
				 UVM_INIT_FLAGS_MULTI_PROCESS_SHARING_MODE)) {
			status = NV_ERR_INVALID_ARGUMENT;
			break;
		}
		sp = kzalloc(sizeof(*sp), GFP_KERNEL);
		if (!sp) {
			status = NV_ERR_NO_MEMORY;
			break;
		}
		mutex_init(&sp->lock);
		sp->flags = p->flags;
		INIT_LIST_HEAD(&sp->ranges);
		INIT_LIST_HEAD(&sp->chans);
		uf->space = sp;
		uf->type = NVM_UVM_VA_SPACE;
		break;
	case NVM_UVM_VA_SPACE:
		/* Again with the same flags: fine; other flags: not. */
		if (p->flags != uf->space->flags)
			status = NV_ERR_INVALID_ARGUMENT;
		break;
	default:
		status = NV_ERR_INVALID_ARGUMENT;
		break;
	}
	mutex_unlock(&uf->lock);
	return status;
}

/*
 * MM_INITIALIZE on a second /dev/nvidia-uvm file: uvmFd must be a file of
 * this driver (f_op identity, uvm_file_is_nvidia_uvm) that is a VA space.
 * This file then keeps the VA space's file; releasing it stops the VA
 * space's channels (the process's mm is going away).
 */
static NV_STATUS uvm_mm_initialize(struct file *filp, struct nvm_uvm_file *uf,
				   UVM_MM_INITIALIZE_PARAMS *p)
{
	struct nvm_uvm_file *other;
	struct nvm_uvm_space *sp;
	struct file *f;
	NV_STATUS status = NV_OK;

	f = fget(p->uvmFd);
	if (!f || f->f_op != &nvm_uvm_fops) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	other = f->private_data;
	if (other == uf) {
		status = NV_ERR_IN_USE;	/* this file is already initialised */
		goto out;
	}
	mutex_lock(&other->lock);
	sp = other->type == NVM_UVM_VA_SPACE ? other->space : NULL;
	mutex_unlock(&other->lock);
	if (!sp) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (sp->flags & UVM_INIT_FLAGS_MULTI_PROCESS_SHARING_MODE) {
		status = NV_WARN_NOTHING_TO_DO;	/* "the MM FD is not required" */
		goto out;
	}
	mutex_lock(&uf->lock);
	if (uf->type != NVM_UVM_UNINIT) {
		status = NV_ERR_IN_USE;
	} else {
		mutex_lock(&sp->lock);
		if (sp->mm_alive)
			status = NV_ERR_INVALID_STATE;
		else if (sp->mm_released)
			status = NV_ERR_PAGE_TABLE_NOT_AVAIL;
		else
			sp->mm_alive = true;
		mutex_unlock(&sp->lock);
		if (status == NV_OK) {
			uf->type = NVM_UVM_MM;
			uf->va_file = f;	/* keeps our reference */
			f = NULL;
		}
	}
	mutex_unlock(&uf->lock);
out:
	if (f)
		fput(f);
	return status;
}

static NV_STATUS uvm_register_gpu(struct nvm_uvm_space *sp, UVM_REGISTER_GPU_PARAMS *p)
{
	struct nvm_gpu *gpu = nvm_gpu_by_uuid(&p->gpu_uuid);

	if (!gpu)
		return NV_ERR_GPU_UUID_NOT_FOUND;
	/* nvGpuOpsGetGpuInfo: the process must hold the GPU's device file. */
	if (!nvm_gpu_accessible(gpu))
		return NV_ERR_INSUFFICIENT_PERMISSIONS;
	if (sp->mm_released)
		return NV_ERR_PAGE_TABLE_NOT_AVAIL;
	if (test_bit(gpu->index, sp->gpus))
		return NV_ERR_INVALID_DEVICE;
	set_bit(gpu->index, sp->gpus);
	p->numaEnabled = 0;
	p->numaNodeId = -1;
	return NV_OK;
}

static NV_STATUS uvm_unregister_gpu(struct nvm_uvm_space *sp, UVM_UNREGISTER_GPU_PARAMS *p)
{
	struct nvm_gpu *gpu = nvm_uvm_gpu(sp, &p->gpu_uuid, false);

	if (!gpu)
		return NV_ERR_INVALID_DEVICE;
	nvm_uvm_drop_vas(sp, gpu->index);
	clear_bit(gpu->index, sp->gpus);
	return NV_OK;
}

static NV_STATUS uvm_register_gpu_vaspace(struct nvm_uvm_space *sp,
					  UVM_REGISTER_GPU_VASPACE_PARAMS *p)
{
	struct nvm_gpu *gpu = nvm_uvm_gpu(sp, &p->gpuUuid, false);
	struct nvm_vas *vas;
	NV_STATUS status;

	if (!gpu || sp->vas[gpu->index])
		return NV_ERR_INVALID_DEVICE;
	if (sp->mm_released)
		return NV_ERR_PAGE_TABLE_NOT_AVAIL;
	status = nvm_rm_get_vaspace(p->hClient, p->hVaSpace, &vas);
	if (status != NV_OK)
		return status;
	/* Of this GPU, and not registered by another VA space already. */
	if (vas->gpu != gpu || cmpxchg(&vas->uvm_owner, NULL, sp) != NULL) {
		nvm_vas_put(vas);
		return NV_ERR_INVALID_DEVICE;
	}
	sp->vas[gpu->index] = vas;
	return NV_OK;
}

static NV_STATUS uvm_unregister_gpu_vaspace(struct nvm_uvm_space *sp,
					    UVM_UNREGISTER_GPU_VASPACE_PARAMS *p)
{
	struct nvm_gpu *gpu = nvm_uvm_gpu(sp, &p->gpuUuid, true);

	if (!gpu)
		return NV_ERR_INVALID_DEVICE;
	nvm_uvm_drop_vas(sp, gpu->index);
	return NV_OK;
}

/* The first free, aligned NVM_CHANNEL_RES_SIZE in [base, end). */
static u64 nvm_uvm_find_va(struct nvm_uvm_space *sp, u64 base, u64 end)
{
	struct nvm_uvm_range *r;
	u64 at = ALIGN(base, NVM_CHANNEL_RES_SIZE);

	while (at >= base && at + NVM_CHANNEL_RES_SIZE <= end) {
		r = nvm_uvm_overlap(sp, at, at + NVM_CHANNEL_RES_SIZE);
		if (!r)
			return at;
		at = ALIGN(r->end, NVM_CHANNEL_RES_SIZE);
	}
	return 0;
}

static NV_STATUS uvm_register_channel(struct nvm_uvm_space *sp,
				      UVM_REGISTER_CHANNEL_PARAMS *p)
{
	struct nvm_gpu *gpu = nvm_uvm_gpu(sp, &p->gpuUuid, true);
	struct nvm_uvm_chan *uc;
	struct nvm_chan *chan;
	NV_STATUS status;
	u64 at;

	if (!gpu)
		return NV_ERR_INVALID_DEVICE;
	if (sp->mm_released)
		return NV_ERR_INVALID_STATE;
	status = nvm_rm_get_channel(p->hClient, p->hChannel, &chan);
	if (status != NV_OK)
		return status;
	/* RetainChannel through the duped VA space: it must be the channel's. */
	if (chan->gpu != gpu || chan->vas != sp->vas[gpu->index]) {
		status = NV_ERR_INVALID_CHANNEL;
		goto err;
	}
	list_for_each_entry(uc, &sp->chans, node) {
		if (uc->h_client == p->hClient && uc->h_channel == p->hChannel) {
			status = NV_ERR_INVALID_CHANNEL;
			goto err;
		}
	}
	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc) {
		status = NV_ERR_NO_MEMORY;
		goto err;
	}
	/* GR channels have context resources to map; CE channels none. */
	if (chan->rl->kind == NVM_RL_GR) {
		if (nvm_range_invalid(p->base, p->length, PAGE_SIZE)) {
			status = NV_ERR_INVALID_ADDRESS;
			goto err_uc;
		}
		if (p->base + p->length - 1 >= NVM_CHANNEL_VA_LIMIT) {
			status = NV_ERR_OUT_OF_RANGE;
			goto err_uc;
		}
		at = nvm_uvm_find_va(sp, p->base, p->base + p->length);
		if (!at) {
			status = NV_ERR_INVALID_ADDRESS;
			goto err_uc;
		}
		uc->range = nvm_uvm_range_add(sp, at, at + NVM_CHANNEL_RES_SIZE, true);
		if (!uc->range) {
			status = NV_ERR_NO_MEMORY;
			goto err_uc;
		}
	}
	uc->chan = chan;
	uc->h_client = p->hClient;
	uc->h_channel = p->hChannel;
	uc->gpu = gpu->index;
	list_add_tail(&uc->node, &sp->chans);
	nvm_chan_set_bound(chan, true);
	return NV_OK;
err_uc:
	kfree(uc);
err:
	nvm_chan_put(chan);
	return status;
}

static NV_STATUS uvm_unregister_channel(struct nvm_uvm_space *sp,
					UVM_UNREGISTER_CHANNEL_PARAMS *p)
{
	struct nvm_uvm_chan *uc;

	list_for_each_entry(uc, &sp->chans, node) {
		if (uc->h_client == p->hClient && uc->h_channel == p->hChannel) {
			nvm_uvm_chan_free(sp, uc);
			return NV_OK;
		}
	}
	return NV_ERR_INVALID_CHANNEL;
}

static NV_STATUS uvm_create_external_range(struct nvm_uvm_space *sp,
					   UVM_CREATE_EXTERNAL_RANGE_PARAMS *p)
{
	if (nvm_range_invalid(p->base, p->length, SZ_4K) ||
	    p->base + p->length > NVM_UVM_VA_LIMIT)
		return NV_ERR_INVALID_ADDRESS;
	if (nvm_uvm_overlap(sp, p->base, p->base + p->length))
		return NV_ERR_UVM_ADDRESS_IN_USE;
	if (!nvm_uvm_range_add(sp, p->base, p->base + p->length, false))
		return NV_ERR_NO_MEMORY;
	return NV_OK;
}

static NV_STATUS uvm_map_external(struct nvm_uvm_space *sp,
				  UVM_MAP_EXTERNAL_ALLOCATION_PARAMS *p)
{
	u8 gi[UVM_MAX_GPUS];		/* GPU index of each attribute */
	struct nvm_uvm_range *r, *range = NULL;
	struct nvm_gpu *gpu;
	UvmGpuMappingAttributes *a;
	struct nvm_mem *mem;
	NV_STATUS status;
	u64 i, n = p->gpuAttributesCount, end;

	if (nvm_range_invalid(p->base, p->length, SZ_4K))
		return NV_ERR_INVALID_ADDRESS;
	if (n == 0 || n > UVM_MAX_GPUS)
		return NV_ERR_INVALID_ARGUMENT;
	end = p->base + p->length;
	list_for_each_entry(r, &sp->ranges, node) {
		if (!r->channel && r->start <= p->base && p->base < r->end) {
			range = r;
			break;
		}
	}
	if (!range || end > range->end)
		return NV_ERR_INVALID_ADDRESS;
	for (i = 0; i < n; i++) {
		a = &p->perGpuAttributes[i];
		if (a->gpuMappingType >= UvmGpuMappingTypeCount ||
		    a->gpuCachingType >= UvmGpuCachingTypeCount ||
		    a->gpuFormatType >= UvmGpuFormatTypeCount ||
		    a->gpuElementBits >= UvmGpuFormatElementBitsCount ||
		    a->gpuCompressionType >= UvmGpuCompressionTypeCount)
			return NV_ERR_INVALID_ARGUMENT;
		gpu = nvm_uvm_gpu(sp, &a->gpuUuid, true);
		if (!gpu)
			return NV_ERR_INVALID_DEVICE;
		gi[i] = gpu->index;
		if (end > NVM_GPU_VA_LIMIT)
			return NV_ERR_OUT_OF_RANGE;
	}
	status = nvm_rm_get_memory(p->hClient, p->hMemory, &mem);
	if (status != NV_OK)
		return status;
	if (!IS_ALIGNED(p->offset, SZ_4K)) {
		status = NV_ERR_INVALID_ADDRESS;
		goto out;
	}
	if (p->offset >= mem->size || p->length > mem->size - p->offset) {
		status = NV_ERR_INVALID_OFFSET;
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* Vidmem of another GPU would be a peer mapping. */
		if (mem->kind == NVM_MEM_VID && mem->gpu != &nvm_gpus[gi[i]]) {
			status = NV_ERR_INVALID_DEVICE;
			goto out;
		}
	}
	/* What the GPU can reach must be real memory (and stays while mapped). */
	if (nvm_mem_populate(mem, p->offset >> PAGE_SHIFT,
			     (PAGE_ALIGN(p->offset + p->length) >> PAGE_SHIFT) -
			     (p->offset >> PAGE_SHIFT))) {
		status = NV_ERR_NO_MEMORY;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (nvm_vas_map(sp->vas[gi[i]], p->base, p->length, mem,
				p->offset,
				p->perGpuAttributes[i].gpuMappingType ==
				UvmGpuMappingTypeReadOnly, range)) {
			/* Undo the GPUs mapped so far, as UVM does. */
			while (i--)
				nvm_vas_unmap_range(sp->vas[gi[i]], p->base, p->length);
			status = NV_ERR_NO_MEMORY;
			goto out;
		}
	}
out:
	nvm_mem_put(mem);
	return status;
}

static NV_STATUS uvm_free(struct nvm_uvm_space *sp, UVM_FREE_PARAMS *p)
{
	struct nvm_uvm_range *r;

	list_for_each_entry(r, &sp->ranges, node) {
		if (!r->channel && r->start == p->base) {
			nvm_uvm_range_free(sp, r);
			return NV_OK;
		}
	}
	return NV_ERR_INVALID_ADDRESS;
}

/* ---------------------------------------------------------------------
 * File operations (each an ordinary function with an ftrace site)
 */
static int nvm_uvm_open(struct inode *inode, struct file *filp)
{
	struct nvm_uvm_file *uf;

	if (iminor(inode) != NVIDIA_UVM_PRIMARY_MINOR_NUMBER)
		return -ENODEV;
	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf)
		return -ENOMEM;
	mutex_init(&uf->lock);
	uf->type = NVM_UVM_UNINIT;
	filp->private_data = uf;
	atomic_inc(&nvm_stats2.uvm_files);
	return 0;
}

static int nvm_uvm_release(struct inode *inode, struct file *filp)
{
	struct nvm_uvm_file *uf = filp->private_data;
	struct nvm_uvm_file *owner;
	struct nvm_uvm_space *sp;

	if (uf->type == NVM_UVM_VA_SPACE) {
		nvm_uvm_space_destroy(uf->space);
	} else if (uf->type == NVM_UVM_MM) {
		/* The mm goes: the VA space's channels stop, no new ones. */
		owner = uf->va_file->private_data;
		sp = owner->space;
		mutex_lock(&sp->lock);
		sp->mm_alive = false;
		sp->mm_released = true;
		nvm_uvm_stop_all_channels(sp);
		mutex_unlock(&sp->lock);
		fput(uf->va_file);
	}
	mutex_destroy(&uf->lock);
	kfree(uf);
	atomic_dec(&nvm_stats2.uvm_files);
	return 0;
}

/* The status field of each command's parameters. */
static NV_STATUS *nvm_uvm_status(u32 cmd, void *p)
{
	switch (cmd) {
	case UVM_INITIALIZE: return &((UVM_INITIALIZE_PARAMS *)p)->rmStatus;
	case UVM_MM_INITIALIZE: return &((UVM_MM_INITIALIZE_PARAMS *)p)->rmStatus;
	case UVM_REGISTER_GPU: return &((UVM_REGISTER_GPU_PARAMS *)p)->rmStatus;
	case UVM_UNREGISTER_GPU: return &((UVM_UNREGISTER_GPU_PARAMS *)p)->rmStatus;
	case UVM_REGISTER_GPU_VASPACE: return &((UVM_REGISTER_GPU_VASPACE_PARAMS *)p)->rmStatus;
	case UVM_UNREGISTER_GPU_VASPACE: return &((UVM_UNREGISTER_GPU_VASPACE_PARAMS *)p)->rmStatus;
	case UVM_REGISTER_CHANNEL: return &((UVM_REGISTER_CHANNEL_PARAMS *)p)->rmStatus;
	case UVM_UNREGISTER_CHANNEL: return &((UVM_UNREGISTER_CHANNEL_PARAMS *)p)->rmStatus;
	case UVM_MAP_EXTERNAL_ALLOCATION: return &((UVM_MAP_EXTERNAL_ALLOCATION_PARAMS *)p)->rmStatus;
	case UVM_FREE: return &((UVM_FREE_PARAMS *)p)->rmStatus;
	case UVM_CREATE_EXTERNAL_RANGE: return &((UVM_CREATE_EXTERNAL_RANGE_PARAMS *)p)->rmStatus;
	case UVM_PAGEABLE_MEM_ACCESS: return &((UVM_PAGEABLE_MEM_ACCESS_PARAMS *)p)->rmStatus;
	}
	return NULL;
}

static NV_STATUS nvm_uvm_dispatch(struct file *filp, struct nvm_uvm_file *uf,
				  u32 cmd, void *p)
{
	struct nvm_uvm_space *sp;
	NV_STATUS status;

	if (cmd == UVM_INITIALIZE)
		return uvm_initialize(uf, p);
	if (cmd == UVM_MM_INITIALIZE)
		return uvm_mm_initialize(filp, uf, p);

	mutex_lock(&uf->lock);
	sp = uf->type == NVM_UVM_VA_SPACE ? uf->space : NULL;
	mutex_unlock(&uf->lock);
	if (!sp)
		return NV_ERR_ILLEGAL_ACTION;	/* not an initialised VA space */

	mutex_lock(&sp->lock);
	switch (cmd) {
	case UVM_REGISTER_GPU:
		status = uvm_register_gpu(sp, p);
		break;
	case UVM_UNREGISTER_GPU:
		status = uvm_unregister_gpu(sp, p);
		break;
	case UVM_REGISTER_GPU_VASPACE:
		status = uvm_register_gpu_vaspace(sp, p);
		break;
	case UVM_UNREGISTER_GPU_VASPACE:
		status = uvm_unregister_gpu_vaspace(sp, p);
		break;
	case UVM_REGISTER_CHANNEL:
		status = uvm_register_channel(sp, p);
		break;
	case UVM_UNREGISTER_CHANNEL:
		status = uvm_unregister_channel(sp, p);
		break;
	case UVM_CREATE_EXTERNAL_RANGE:
		status = uvm_create_external_range(sp, p);
		break;
	case UVM_MAP_EXTERNAL_ALLOCATION:
		status = uvm_map_external(sp, p);
		break;
	case UVM_FREE:
		status = uvm_free(sp, p);
		break;
	case UVM_PAGEABLE_MEM_ACCESS:
		((UVM_PAGEABLE_MEM_ACCESS_PARAMS *)p)->pageableMemAccess = 0;
		status = NV_OK;
		break;
	default:
		status = NV_ERR_NOT_SUPPORTED;
		break;
	}
	mutex_unlock(&sp->lock);
	return status;
}

static long nvm_uvm_unlocked_ioctl(struct file *filp, unsigned int cmd,
				   unsigned long arg)
{
	struct nvm_uvm_file *uf = filp->private_data;
	void __user *uptr = (void __user *)arg;
	long size;
	void *p;
	long ret = 0;

	if (cmd == UVM_DEINITIALIZE)
		return 0;	/* deprecated: does nothing */
	size = vgpu_nv_uvm_param_size(cmd);
	if (size <= 0)
		return -ENOSYS;
	p = kvmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (copy_from_user(p, uptr, size)) {
		kvfree(p);
		return -EFAULT;
	}
	*nvm_uvm_status(cmd, p) = nvm_uvm_dispatch(filp, uf, cmd, p);
	if (copy_to_user(uptr, p, size))
		ret = -EFAULT;
	kvfree(p);
	return ret;
}

/* Managed memory is not modelled. */
static int nvm_uvm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct file_operations nvm_uvm_fops = {
	.owner		= THIS_MODULE,
	.open		= nvm_uvm_open,
	.release	= nvm_uvm_release,
	.unlocked_ioctl	= nvm_uvm_unlocked_ioctl,
	.compat_ioctl	= nvm_uvm_unlocked_ioctl,	/* x86_64, as uvm_fops */
	.mmap		= nvm_uvm_mmap,
	.llseek		= noop_llseek,
};

int nvm_uvm_init(const struct class *cls)
{
	struct device *dev;
	int ret;

	ret = alloc_chrdev_region(&nvm_uvm_dev, NVIDIA_UVM_PRIMARY_MINOR_NUMBER,
				  1, "nvidia-uvm");
	if (ret)
		return ret;
	cdev_init(&nvm_uvm_cdev, &nvm_uvm_fops);
	nvm_uvm_cdev.owner = THIS_MODULE;
	ret = cdev_add(&nvm_uvm_cdev, nvm_uvm_dev, 1);
	if (ret)
		goto err_region;
	nvm_uvm_cdev_added = true;
	dev = device_create(cls, NULL, nvm_uvm_dev, NULL, "nvidia-uvm");
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_cdev;
	}
	return 0;
err_cdev:
	cdev_del(&nvm_uvm_cdev);
	nvm_uvm_cdev_added = false;
err_region:
	unregister_chrdev_region(nvm_uvm_dev, 1);
	nvm_uvm_dev = 0;
	return ret;
}

void nvm_uvm_exit(const struct class *cls)
{
	if (!nvm_uvm_dev)
		return;
	device_destroy(cls, nvm_uvm_dev);
	if (nvm_uvm_cdev_added)
		cdev_del(&nvm_uvm_cdev);
	nvm_uvm_cdev_added = false;
	unregister_chrdev_region(nvm_uvm_dev, 1);
	nvm_uvm_dev = 0;
}
