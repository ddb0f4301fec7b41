/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvidia_mock: a mock of the NVIDIA kernel driver (nvidia.ko) at the ABI
 * level, the test bed every vgpu claim is proven against.
 *
 * This private header ties the pieces together:
 *
 *   main.c     module, parameters, char devices, file_operations, poll
 *   ioctl.c    escape decoding (_IOC_NR/_IOC_SIZE only), XFER, the non-RM
 *              escapes (version check, card info, REGISTER_FD, OS events...)
 *   rm.c       the RM object model: clients, objects, alloc/free/dup,
 *              VID_HEAP_CONTROL and ALLOC_MEMORY
 *   memory.c   the framebuffer allocator, memory objects and their lazily
 *              allocated backing pages, MAP/UNMAP_MEMORY, mmap, vm_ops and
 *              mapping revocation
 *   control.c  RM_CONTROL dispatch and the controls a CUDA-like client
 *              issues at initialisation
 *   debugfs.c  observability and fault injection
 *
 * Every NVIDIA definition (struct, class, escape, status, control) comes
 * from the project's single ABI header, uapi/include/nvidia-abi.h; nothing
 * NVIDIA-defined is redefined here.
 *
 * Locking (outermost first; no mock lock is ever held across a user copy, so
 * the mm's mmap_lock never nests inside one of ours except in .mmap, where
 * the kernel holds it and we only take ctx_lock and pages_lock):
 *
 *   nvm_register_lock      REGISTER_FD (plays the part of RM's API lock)
 *   client->lock           one client's object tree; never two at once
 *   owner->clients_lock    the list of clients bound to a ctl file
 *   gpu->files_lock        open GPU files, for revocation; nests outside
 *                          the mm's i_mmap_rwsem (unmap_mapping_range)
 *   nvf->ctx_lock          a file's mmap context
 *     mem->pages_lock      a memory object's backing pages
 *   spinlocks (leaves)     gpu->fb_lock, nvm_events_lock, the file registry,
 *                          the client table (xa_lock), fault injection
 */
#ifndef NVIDIA_MOCK_H
#define NVIDIA_MOCK_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "../../uapi/include/nvidia-abi.h"

#define NVM_NAME		"nvidia_mock"
#define NVM_MAX_GPUS		8

/*
 * What the mock GPU claims to be: choices of the mock, not NVIDIA ABI
 * (an Ampere GA100-like part: SM 8.0, 8 GPCs x 8 TPCs x 2 SMs).
 */
#define NVM_PCI_DEVICE_ID	0x20B0
#define NVM_DRIVER_BRANCH	"r595_00"
#define NVM_DRIVER_TITLE	"NVIDIA UNIX Open Kernel Module for x86_64  " \
				NV_VERSION_STRING "  (nvidia_mock)"
#define NVM_GR_SM_VERSION	NV2080_CTRL_GR_INFO_SM_VERSION_8_0
#define NVM_GR_GPCS		8
#define NVM_GR_TPCS_PER_GPC	8
#define NVM_GR_SMS_PER_TPC	2
#define NVM_PARTITIONID_INVALID	NV2080_CTRL_GPU_PARTITION_ID_INVALID

/* ---------------------------------------------------------------------
 * Module parameters (main.c)
 */
extern unsigned int nvm_num_gpus;
extern unsigned long nvm_fb_size_mib;
extern unsigned long nvm_max_backing_mib;

/* ---------------------------------------------------------------------
 * GPUs
 */
struct nvm_gpu {
	u32 index;		/* device instance == minor number */
	u32 gpu_id;		/* (domain << 16) | (bus << 8) | slot, as RM */
	u8 bus;			/* fake PCI location: domain 0, slot 0, fn 0 */
	u8 uuid[16];		/* stable fake UUID */
	u64 bar0_base;		/* fake register BAR */
	u64 bar1_base;		/* fake FB BAR: vidmem mapping tokens live here */

	spinlock_t fb_lock;	/* fb_used, fb_next, va_next */
	u64 fb_size;		/* capacity in bytes, really enforced */
	u64 fb_used;		/* bytes charged by vidmem allocations */
	u64 fb_next;		/* bump allocator for fake FB offsets */
	u64 va_next;		/* bump allocator for fake GPU VAs */

	struct mutex files_lock;
	struct list_head files;	/* open /dev/nvidiaN files (revocation) */
	atomic64_t revocations;
};

extern struct nvm_gpu nvm_gpus[NVM_MAX_GPUS];

struct nvm_gpu *nvm_gpu_by_id(u32 gpu_id);

/* ---------------------------------------------------------------------
 * Open files (one per struct file of /dev/nvidiactl or /dev/nvidiaN)
 */
enum nvm_reg_state {
	NVM_REG_NONE = 0,
	NVM_REG_REGISTERED,	/* REGISTER_FD'ed to a ctl file */
	NVM_REG_REFCOUNTED,	/* used as a device fd by a control */
};

struct nvm_ctx;

struct nvm_file {
	struct file *filp;
	struct nvm_gpu *gpu;		/* NULL for nvidiactl */
	u64 id;				/* stable id shown in debugfs */

	/*
	 * Our own address_space as f_mapping, as the real driver's
	 * nv_init_mapping_revocation(): revocation zaps exactly the VMAs of
	 * this file with unmap_mapping_range().
	 */
	struct address_space mapping;
	struct list_head gpu_node;	/* in gpu->files */
	struct hlist_node reg_node;	/* in the registry of live files */

	/* REGISTER_FD: set once, kept until close (we hold ctl_file) */
	struct nvm_file *ctl_nvf;
	struct file *ctl_file;
	atomic_t reg_state;		/* enum nvm_reg_state */

	/* RM clients bound to this file as their ctl identity */
	struct mutex clients_lock;
	struct list_head clients;

	/* The one mmap context an fd can hold (MAP_MEMORY/ALLOC_MEMORY) */
	struct mutex ctx_lock;
	struct nvm_ctx *ctx;

	/* ATTACH_GPUS_TO_FD: once per fd */
	struct mutex attach_lock;
	u32 *attached_gpus;
	u32 num_attached_gpus;

	wait_queue_head_t poll_wq;	/* no event is ever queued */
};

/* The identity RM calls on this file act with (§5 rows 2 and 7). */
static inline struct nvm_file *nvm_identity(struct nvm_file *nvf)
{
	struct nvm_file *ctl = READ_ONCE(nvf->ctl_nvf);

	return ctl ? ctl : nvf;
}

static inline bool nvm_is_ctl(const struct nvm_file *nvf)
{
	return nvf->gpu == NULL;
}

extern const struct file_operations nvm_fops;

/*
 * fget() an fd and return our private data if it is one of our nodes:
 * major 195, minor 255 if @ctl else an existing GPU minor, and private data
 * that is a live nvm_file (checked against a registry, never dereferenced
 * blindly). On success *@filp holds a reference the caller must fput().
 */
struct nvm_file *nvm_get_file_private(int fd, bool ctl, struct file **filp);

/* ---------------------------------------------------------------------
 * Statistics (debugfs)
 */
#define NVM_STATUS_BUCKETS	0x101	/* 0..0xff, and 0x100 = anything else */

struct nvm_stats {
	atomic64_t escapes[256];	/* every ioctl, by _IOC_NR (and XFER's inner nr) */
	atomic64_t einval;		/* ioctls answered -EINVAL */
	atomic64_t efault;		/* ioctls answered -EFAULT */
	atomic64_t rm_fail[NVM_STATUS_BUCKETS];
	atomic64_t rm_fail_generic;	/* NV_ERR_GENERIC (0xffff) */

	atomic_t files;
	atomic_t clients;
	atomic_t objects;		/* every RM object, client roots included */
	atomic_t mems;			/* memory allocations (shared by dups) */
	atomic_t contexts;		/* mmap contexts attached to files */
	atomic_t vmas;			/* VMAs mapping mock memory */
	atomic_t events;		/* OS events */
	atomic_t cpu_maps;		/* RM CPU-mapping records (MAP_MEMORY) */
	atomic_long_t backing_pages;	/* real pages backing mock memory */
};

extern struct nvm_stats nvm_stats;

/* Record an RM status (counted by debugfs when not NV_OK); returns it. */
u32 nvm_rm_status(u32 status);

/* ---------------------------------------------------------------------
 * Fault injection (debugfs)
 */
/* If an allocation failure is armed, consume it and return its status. */
u32 nvm_fault_take_alloc(void);
/* Latency to add to escape @nr, in microseconds (0: none). */
unsigned long nvm_fault_delay_us(unsigned int nr);

/* ---------------------------------------------------------------------
 * Memory (memory.c)
 */
enum nvm_mem_kind {
	NVM_MEM_VID,		/* NV01_MEMORY_LOCAL_USER: charged to the FB */
	NVM_MEM_SYS,		/* NV01_MEMORY_SYSTEM */
	NVM_MEM_VIRT,		/* NV50_MEMORY_VIRTUAL: VA only */
	NVM_MEM_NONE,		/* legacy ALLOC_MEMORY query handles: no memory */
};

/*
 * An allocation. Shared by every RM object that names it (the original and
 * its dups) and kept alive by mmap contexts and VMAs.
 */
struct nvm_mem {
	struct kref ref;		/* RM objects + contexts + VMAs */
	atomic_t rm_refs;		/* RM objects; the FB charge goes at 0 */
	enum nvm_mem_kind kind;
	struct nvm_gpu *gpu;
	u64 size;			/* final size (rounded to page size) */
	u64 page_size;
	u64 offset;			/* fake FB offset / sysmem address / GPU VA */
	u32 attr, attr2;
	bool charged;

	struct mutex pages_lock;
	struct xarray pages;		/* page index -> struct page *, lazily */
	unsigned long npages;		/* pages populated */
};

/* An mmap context: what MAP_MEMORY attached to an fd for its mmap(). */
struct nvm_ctx {
	struct nvm_mem *mem;		/* holds a reference */
	u64 first_page;			/* page index in mem of the mapping start */
	u64 npages;			/* size of the context in pages */
	bool sysmem;			/* maps on nvidiactl, page by page */
	bool readonly;
};

struct nvm_mem *nvm_mem_create(enum nvm_mem_kind kind, struct nvm_gpu *gpu,
			       u64 size, u64 page_size, u32 attr, u32 attr2,
			       u32 *status);
/* Drop one RM object's reference (uncharges the FB at the last one). */
void nvm_mem_put_rm(struct nvm_mem *mem);
void nvm_mem_get_rm(struct nvm_mem *mem);
void nvm_mem_put(struct nvm_mem *mem);
u64 nvm_mem_token(const struct nvm_mem *mem, u64 offset);

/* Attach an mmap context to @fd; returns an RM status. */
u32 nvm_ctx_attach(int fd, struct nvm_mem *mem, u64 offset, u64 length,
		   bool readonly);
void nvm_ctx_release(struct nvm_file *nvf);

int nvm_mmap(struct file *filp, struct vm_area_struct *vma);
void nvm_revoke_gpu_mappings(struct nvm_gpu *gpu);

/* ---------------------------------------------------------------------
 * RM (rm.c)
 */
struct nvm_client;

/* What a control handler learns about its target (no lock held). */
struct nvm_ctl_target {
	u32 h_client;
	u32 h_object;
	u32 h_class;			/* class of the target object */
	struct nvm_gpu *gpu;		/* NULL for client-level controls */
	struct nvm_file *identity;
};

u32 nvm_rm_alloc(struct nvm_file *nvf, void *params, size_t size);
u32 nvm_rm_free(struct nvm_file *nvf, NVOS00_PARAMETERS *p);
u32 nvm_rm_dup(struct nvm_file *nvf, NVOS55_PARAMETERS *p);
u32 nvm_rm_vid_heap(struct nvm_file *nvf, NVOS32_PARAMETERS *p);
int nvm_rm_alloc_memory(struct nvm_file *nvf, nv_ioctl_nvos02_parameters_with_fd *p);
u32 nvm_rm_map_memory(struct nvm_file *nvf, nv_ioctl_nvos33_parameters_with_fd *p);
u32 nvm_rm_unmap_memory(struct nvm_file *nvf, NVOS34_PARAMETERS *p);
u32 nvm_rm_update_mapping(struct nvm_file *nvf, NVOS56_PARAMETERS *p);
u32 nvm_rm_control(struct nvm_file *nvf, NVOS54_PARAMETERS *p);

/* Look a control's target up and validate ownership; an RM status. */
u32 nvm_rm_ctl_target(struct nvm_file *nvf, u32 h_client, u32 h_object,
		      struct nvm_ctl_target *t);

/* Free every client bound to @owner (its ctl file is being closed). */
void nvm_rm_release_owner(struct nvm_file *owner);

/* Iterate the live clients for debugfs/PID queries. */
struct nvm_client_info {
	u32 handle;
	pid_t pid;
	u64 file_id;
	u64 vidmem;
	u64 sysmem;
	u32 objects;
};
typedef void (*nvm_client_visit_fn)(const struct nvm_client_info *ci,
				    void *arg);
void nvm_rm_for_each_client(nvm_client_visit_fn fn, void *arg);
/* Video memory on @gpu of the clients whose ProcID is @pid (GET_PID_INFO). */
void nvm_rm_pid_vidmem(struct nvm_gpu *gpu, pid_t pid, u64 *priv, u64 *owned,
		       u64 *duped);
/* ProcIDs of clients with a @hclass object on @gpu, up to @max. */
u32 nvm_rm_gpu_pids(struct nvm_gpu *gpu, u32 hclass, u32 *pids, u32 max);
bool nvm_rm_client_exists(u32 h_client);

/* OS events (ioctl.c) */
void nvm_events_free_client(u32 h_client);
void nvm_events_free_file(struct nvm_file *nvf);

/* A GPU fd named by a control (RmGetDeviceFd); an RM status. */
u32 nvm_ref_device_fd(int fd, struct file **filp);

/* Control dispatch (control.c); the params are kernel copies. */
u32 nvm_control_dispatch(const struct nvm_ctl_target *t, u32 cmd,
			 void *params, u32 size);

/* ---------------------------------------------------------------------
 * ioctl.c / debugfs.c
 */
long nvm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
const char *nvm_escape_name(unsigned int nr);

int nvm_debugfs_init(void);
void nvm_debugfs_exit(void);

#endif /* NVIDIA_MOCK_H */
