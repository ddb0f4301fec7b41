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
 *              issues at initialisation, the TSG and channel controls
 *   channel.c  USERMODE (doorbell) objects, TSGs, context shares, GPFIFO
 *              channels and their engine objects
 *   gpuvm.c    GPU virtual address spaces (FERMI_VASPACE_A): the "page
 *              tables" UVM fills and the engine reads and writes through
 *   engine.c   the engines (one thread per GPU and runlist), the doorbell
 *              poller, pushbuffer execution and ground-truth accounting
 *   uvm.c      /dev/nvidia-uvm
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
 *   uvs->lock              one UVM VA space (uvm.c)
 *   client->lock           one client's object tree; never two at once
 *                          (freeing a channel or TSG waits, under it, for
 *                          the engine thread to let go of it: the engine
 *                          never takes a client lock, a UVM lock or a vas
 *                          lock in write mode)
 *   vas->lock (rwsem)      a GPU VA space's mappings; written by UVM,
 *                          read by the engine (never held across a wait
 *                          for the engine)
 *   owner->clients_lock    the list of clients bound to a ctl file
 *   gpu->files_lock        open GPU files, for revocation; nests outside
 *                          the mm's i_mmap_rwsem (unmap_mapping_range)
 *   nvf->ctx_lock          a file's mmap context
 *     mem->pages_lock      a memory object's backing pages
 *   spinlocks (leaves)     gpu->fb_lock, nvm_events_lock, the file registry,
 *                          the client table (xa_lock), fault injection,
 *                          rl->lock (a runlist: its TSGs, the channels'
 *                          scheduling state and the accounting), then
 *                          gpu->db_lock (doorbell pages) and chan->obj_lock
 */
#ifndef NVIDIA_MOCK_H
#define NVIDIA_MOCK_H

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
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

/* The engines of a mock GPU: one runlist (and one thread) per kind. */
enum nvm_rl_kind {
	NVM_RL_GR,		/* graphics/compute (NV2080_ENGINE_TYPE_GRAPHICS) */
	NVM_RL_CE,		/* copy (NV2080_ENGINE_TYPE_COPY0..9) */
	NVM_RL_COUNT,
};

struct nvm_gpu;
struct nvm_tsg;
struct nvm_chan;

/*
 * A runlist and the engine that runs it (engine.c). rl->lock protects the
 * TSG list, every channel's scheduling state (pending, errored, ...), the
 * current TSG/channel and the accounting; it is a leaf spinlock.
 */
struct nvm_runlist {
	struct nvm_gpu *gpu;
	enum nvm_rl_kind kind;
	u32 id;				/* NV_CTRL_VF_DOORBELL_RUNLIST_ID of tokens */
	spinlock_t lock;
	struct list_head tsgs;		/* nvm_tsg.rl_node, round-robin order */
	u32 ntsgs;
	struct nvm_tsg *cur_tsg;	/* on the engine (the engine holds a ref) */
	struct nvm_chan *cur_chan;	/* executing (the engine holds a ref) */
	u64 run_start;			/* ktime_get_ns() cur_chan started, or 0 */
	struct task_struct *thread;
	atomic_t wake_seq;		/* bumped by every wake-up of the engine */
	wait_queue_head_t idle_wq;	/* cur_tsg/cur_chan changed */
	u64 spin_tail_ns;		/* adaptive spin before a busy period ends */
	u64 clock;			/* engine time (engine.c, "The engine's clock") */
	u64 woken_at;			/* first wake-up while idle, or 0 */
	/* ground truth (under lock) */
	u64 busy_ns;
	u64 switches;
	u64 entries;
	u64 methods;
	u64 doorbells;
	u64 errors;
};

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

	/* Part 2: channels and engines (channel.c, engine.c) */
	struct nvm_runlist rl[NVM_RL_COUNT];
	struct xarray chans;	/* chid -> nvm_chan (token lookup); chid >= 1 */
	struct ida tsg_ids;
	spinlock_t db_lock;	/* doorbells, db_* below */
	struct list_head doorbells;	/* nvm_usermode.gpu_node */
	u32 ndoorbells;
	struct task_struct *poller;	/* the doorbell poller */
	atomic_t db_wake;	/* bumped to wake the poller early */
	u64 db_last_ring;	/* ktime of the last ring (poll pacing) */
	struct xarray pid_stats;	/* tgid -> nvm_pid_stat, for the GPU's lifetime */
	struct mutex pid_stats_lock;
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
	/*
	 * Driver-internal "register" memory: a USERMODE object's doorbell
	 * region and a channel's driver-provided USERD. Backed from creation,
	 * never charged, CPU-mapped through a GPU file like BAR memory (so
	 * revocable, and re-inserted by .fault). offset holds its fake bus
	 * address.
	 */
	NVM_MEM_REG,
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
/* Real pages for pages [first, first + count) of @mem; 0 or -ENOMEM. */
int nvm_mem_populate(struct nvm_mem *mem, u64 first, u64 count);
/* Register memory of @size bytes, backed now; NULL with *status on error. */
struct nvm_mem *nvm_mem_create_reg(struct nvm_gpu *gpu, u64 size, u64 token,
				   u32 *status);

/* The backing page @idx of @mem, or NULL. Pages live as long as @mem. */
static inline struct page *nvm_mem_page(struct nvm_mem *mem, u64 idx)
{
	return xa_load(&mem->pages, idx);
}

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
	struct nvm_tsg *tsg;		/* TSG targets: a reference */
	struct nvm_chan *chan;		/* channel targets: a reference */
};

/* Drop the references a successful nvm_rm_ctl_target() took. */
void nvm_ctl_target_put(struct nvm_ctl_target *t);

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
/* osIsGpuAccessible(): does the calling process hold /dev/nvidiaN open? */
bool nvm_gpu_accessible(struct nvm_gpu *gpu);

/*
 * Lookups for UVM, which "dups" a user's objects into its own client
 * (default share policy: the client's ProcID must be the caller's). Each
 * returns an RM status and, on success, a reference the caller drops.
 */
u32 nvm_rm_get_memory(u32 h_client, u32 h_memory, struct nvm_mem **mem);
struct nvm_vas;
u32 nvm_rm_get_vaspace(u32 h_client, u32 h_vaspace, struct nvm_vas **vas);
u32 nvm_rm_get_channel(u32 h_client, u32 h_channel, struct nvm_chan **chan);

/* OS events (ioctl.c) */
void nvm_events_free_client(u32 h_client);
void nvm_events_free_file(struct nvm_file *nvf);

/* A GPU fd named by a control (RmGetDeviceFd); an RM status. */
u32 nvm_ref_device_fd(int fd, struct file **filp);

/* Control dispatch (control.c); the params are kernel copies. */
u32 nvm_control_dispatch(const struct nvm_ctl_target *t, u32 cmd,
			 void *params, u32 size);

/* ---------------------------------------------------------------------
 * GPU virtual memory (gpuvm.c)
 *
 * An nvm_vas is the GPU page tables of one FERMI_VASPACE_A: mappings of
 * GPU VA ranges onto memory objects' backing pages, made and removed by
 * UVM (MAP_EXTERNAL_ALLOCATION, FREE, unregistration). Each mapping holds an
 * RM reference on its memory, as UVM's dup of the handle does on a real
 * driver: the pages (and the FB charge) stay while the GPU can reach them.
 * The engine reads and writes GPU memory only through these functions,
 * under vas->lock held for reading; nothing is freed while it is held.
 */
struct nvm_vas {
	struct kref ref;		/* RM objects, UVM, channels, TSGs */
	struct nvm_gpu *gpu;
	u32 flags;			/* NV_VASPACE_ALLOCATION_FLAGS_* */
	u64 id;				/* debugfs */
	struct rw_semaphore lock;
	struct rb_root maps;		/* nvm_gmap, non-overlapping */
	u32 nmaps;
	void *uvm_owner;		/* the UVM VA space that registered it */
};

struct nvm_vas *nvm_vas_create(struct nvm_gpu *gpu, u32 flags);
void nvm_vas_get(struct nvm_vas *vas);
void nvm_vas_put(struct nvm_vas *vas);
/* Map [va, va + len) onto @mem at @mem_off (replacing what was there). */
int nvm_vas_map(struct nvm_vas *vas, u64 va, u64 len, struct nvm_mem *mem,
		u64 mem_off, bool readonly, const void *tag);
/* Unmap [va, va + len) / everything tagged @tag / everything. */
void nvm_vas_unmap_range(struct nvm_vas *vas, u64 va, u64 len);
void nvm_vas_unmap_tag(struct nvm_vas *vas, const void *tag);
void nvm_vas_unmap_all(struct nvm_vas *vas);
/*
 * GPU accesses: 0, -EFAULT (nothing mapped: an MMU fault) or -EACCES (a
 * write through a read-only mapping). @vas may be NULL (every access
 * faults).
 */
int nvm_vas_read(struct nvm_vas *vas, u64 va, void *buf, u32 len);
int nvm_vas_write(struct nvm_vas *vas, u64 va, const void *buf, u32 len);
int nvm_vas_copy(struct nvm_vas *vas, u64 dst, u64 src, u64 len);
/* Single aligned loads/stores where possible (semaphores). */
int nvm_vas_load(struct nvm_vas *vas, u64 va, u64 *val, bool is64);
int nvm_vas_store(struct nvm_vas *vas, u64 va, u64 val, bool is64);

/* ---------------------------------------------------------------------
 * Channels (channel.c) and the engines (engine.c)
 */
#define NVM_MAX_CHANNELS	2048	/* per GPU: chids 1..2047 */
#define NVM_MAX_TSGS		512	/* per GPU */
#define NVM_MAX_SUBCTX		64	/* context shares (VEIDs) per TSG */
#define NVM_MAX_CHAN_OBJS	8	/* engine objects per channel */
#define NVM_USERMODE_SIZE	NVC361_NV_USERMODE__SIZE

/* A USERMODE object: the 64 KiB region whose +0x90 is the doorbell. */
struct nvm_usermode {
	struct kref ref;		/* the RM object + the poller */
	struct nvm_gpu *gpu;
	struct nvm_mem *mem;		/* NVM_MEM_REG, 16 pages, a reference */
	u32 *bell;			/* kernel address of NOTIFY_CHANNEL_PENDING */
	u64 *time;			/* kernel address of TIME_0/TIME_1 */
	pid_t pid;			/* ProcID of the owning client */
	u32 h_client, h_object;
	struct list_head gpu_node;	/* in gpu->doorbells, under db_lock */
	bool listed;
	u64 rings;			/* tokens read from the doorbell */
	u64 bad_rings;			/* tokens naming no channel of the GPU */
	u64 inferred;			/* channels picked up by the coalescing rule */
};

/* Busy time of one process (creating tgid) on one GPU, never freed. */
struct nvm_pid_stat {
	pid_t pid;
	atomic64_t busy_ns;		/* added to by both runlists */
};

/* A channel group (TSG): the unit the runlist schedules. */
struct nvm_tsg {
	struct kref ref;
	struct nvm_gpu *gpu;
	struct nvm_runlist *rl;
	u32 id;				/* grpID (NVA06C_CTRL_CMD_GET_INFO) */
	u32 engine_type;		/* NV2080_ENGINE_TYPE_* */
	u32 h_client, h_object;		/* h_object 0: implicit (bare channel) */
	pid_t pid;			/* creating tgid */
	struct nvm_vas *vas;		/* hVASpace (a reference) or NULL */
	/* under rl->lock */
	struct list_head rl_node;
	struct list_head channels;	/* nvm_chan.tsg_node, round-robin order */
	u32 nchannels;
	bool scheduled;
	bool dead;
	bool preempt;			/* switch it out at the next check */
	u64 timeslice_us;		/* as set: GET_TIMESLICE returns it */
	u64 slice_ns;			/* rounded to a hardware value, used */
	u32 interleave;
	u64 busy_ns;
	/* under the client's lock (the TSG object's) */
	u64 subctx_used;		/* VEIDs of its context shares */
	int ctxshare_mode;		/* 0 none yet, 1 legacy, 2 context shares */
};

/* A context share (subcontext): a VA space and a VEID within a TSG. */
struct nvm_ctxshare {
	struct nvm_tsg *tsg;		/* the parent's, no reference */
	struct nvm_vas *vas;		/* a reference, or NULL */
	u32 subctx;
};

enum nvm_chan_stop {
	NVM_STOP_DONE,			/* caught up (GPGet == GPPut): idle */
	NVM_STOP_BLOCKED,		/* a semaphore acquire is not satisfied */
	NVM_STOP_SLICE,			/* the timeslice ended */
	NVM_STOP_PREEMPT,		/* preempted, freed, unscheduled, unbound */
	NVM_STOP_ERROR,			/* the channel faulted */
	NVM_STOP_YIELD,			/* a few methods done, let others look */
};

/* The engine-private execution state of a channel (engine.c). */
struct nvm_exec {
	bool in_entry;			/* a GPFIFO entry is being executed */
	u64 pb_va;			/* next pushbuffer dword */
	u32 pb_left;			/* dwords left in the entry */
	/* the method header being fed data */
	u32 m_op, m_subch, m_method, m_left, m_i;
	u32 subch_class[8];		/* SET_OBJECT bindings */
	/* host */
	u32 sem_lo, sem_hi, pay_lo, pay_hi, busy_lo;
	bool acq;			/* an acquire waits */
	u64 acq_va, acq_payload;
	u32 acq_op;
	bool acq_64;
	u64 busy_left_ns;		/* of the busy period in progress */
	/* copy engine */
	u32 ce[0x100];			/* methods 0x100..0x4fc, latched */
	/* compute: inline-to-memory and report semaphore */
	u32 cmp[0x30];			/* methods 0x180..0x1e4, latched */
	u32 rep_a, rep_b, rep_c;
	bool i2m_active;
	u64 i2m_dst;
	u32 i2m_line_len, i2m_lines, i2m_pitch, i2m_launch;
	u64 i2m_total, i2m_done;
	u64 stage_va;			/* contiguous bytes waiting to be written */
	u32 stage_len;
	u8 stage[256];
};

struct nvm_chan {
	struct kref ref;
	struct nvm_gpu *gpu;
	struct nvm_runlist *rl;
	struct nvm_tsg *tsg;		/* a reference */
	bool implicit_tsg;		/* allocated under a device */
	u32 chid, token;
	u32 hclass;			/* the GPFIFO class */
	u32 h_client, h_object;
	pid_t pid;			/* creating tgid */
	struct nvm_pid_stat *pid_stat;
	struct nvm_vas *vas;		/* a reference, or NULL: every access faults */
	bool needs_bind;		/* GR on an externally owned VA space */
	u32 subctx;
	/* USERD: 512 bytes at userd (kernel address of a backing page) */
	struct nvm_mem *userd_mem;	/* a reference */
	u64 userd_off;
	u32 *userd;
	bool userd_internal;		/* driver-provided (MAP_MEMORY of the channel) */
	u64 gpfifo_va;
	u32 gpfifo_entries;
	/* engine objects (classes) allocated on the channel */
	spinlock_t obj_lock;
	u32 objs[NVM_MAX_CHAN_OBJS];
	/* scheduling state, under rl->lock */
	struct list_head tsg_node;
	bool pending;			/* rung and not yet caught up */
	u64 ready_at;			/* ktime_get_ns() it last became pending */
	u32 ring_seq;			/* bumped by every ring */
	bool dead;			/* freed */
	bool bound;			/* UVM_REGISTER_CHANNEL */
	bool stopped;			/* UVM unregistered it: not runnable */
	bool blocked;			/* an acquire waits; retry at acq_retry */
	u64 acq_retry;
	u64 acq_backoff;
	u32 error_xid;			/* 0: no error */
	const char *error_reason;
	u64 error_info;
	/* ground truth, under rl->lock */
	u64 busy_ns;
	u64 entries;
	u64 doorbells;
	u64 methods;
	u64 unknown;
	u32 gpget;			/* the engine's GP_GET (also in USERD) */
	/* the engine's alone */
	struct nvm_exec x;
};

/* channel.c: objects (called by rm.c with the client's lock held) */
struct nvm_usermode *nvm_usermode_create(struct nvm_gpu *gpu, pid_t pid,
					 u32 h_client, u32 h_object,
					 u32 *status);
void nvm_usermode_destroy(struct nvm_usermode *um);
void nvm_usermode_put(struct nvm_usermode *um);

bool nvm_engine_type_valid(u32 engine_type);
struct nvm_tsg *nvm_tsg_create(struct nvm_gpu *gpu, u32 engine_type,
			       struct nvm_vas *vas, u32 h_client, u32 h_object,
			       u32 *status);
void nvm_tsg_destroy(struct nvm_tsg *tsg);
void nvm_tsg_get(struct nvm_tsg *tsg);
void nvm_tsg_put(struct nvm_tsg *tsg);

struct nvm_chan_args {
	struct nvm_gpu *gpu;
	u32 hclass, h_client, h_object;
	struct nvm_tsg *tsg;		/* NULL: an implicit TSG is made */
	u32 engine_type;		/* for an implicit TSG */
	struct nvm_vas *vas;		/* the channel's VA space, or NULL */
	u32 subctx;
	struct nvm_mem *userd_mem;	/* NULL: driver-provided USERD */
	u64 userd_off;
	u64 gpfifo_va;
	u32 gpfifo_entries;
};
struct nvm_chan *nvm_chan_create(const struct nvm_chan_args *a, u32 *status);
void nvm_chan_destroy(struct nvm_chan *chan);
void nvm_chan_get(struct nvm_chan *chan);
void nvm_chan_put(struct nvm_chan *chan);
u32 nvm_chan_add_object(struct nvm_chan *chan, u32 hclass);
void nvm_chan_del_object(struct nvm_chan *chan, u32 hclass);
bool nvm_chan_has_object(struct nvm_chan *chan, u32 hclass);
/* UVM binding (UVM_REGISTER_CHANNEL / unregistration) */
void nvm_chan_set_bound(struct nvm_chan *chan, bool bound);

/* channel.c: controls (the target's reference held) */
u32 nvm_tsg_schedule(struct nvm_tsg *tsg, bool enable);
u32 nvm_tsg_set_timeslice(struct nvm_tsg *tsg, u64 us);
u64 nvm_tsg_get_timeslice(struct nvm_tsg *tsg);
u32 nvm_tsg_preempt(struct nvm_tsg *tsg, bool wait, u32 timeout_us);
u32 nvm_tsg_set_interleave(struct nvm_tsg *tsg, u32 level);
u32 nvm_tsg_get_interleave(struct nvm_tsg *tsg);

/* engine.c */
int nvm_engine_init(struct nvm_gpu *gpu);
void nvm_engine_exit(struct nvm_gpu *gpu);
void nvm_engine_wake(struct nvm_runlist *rl);
void nvm_engine_wake_gpu(struct nvm_gpu *gpu);
void nvm_poller_wake(struct nvm_gpu *gpu);
/* Kick @tsg/@chan off the engine; wait until the engine let go of it. */
void nvm_engine_evict_tsg(struct nvm_tsg *tsg);
void nvm_engine_evict_chan(struct nvm_chan *chan);
bool nvm_engine_wait_off(struct nvm_tsg *tsg, unsigned long timeout_jiffies);
u64 nvm_slice_ns(u64 timeslice_us);
u64 nvm_gpu_time_ns(void);
struct nvm_pid_stat *nvm_pid_stat_get(struct nvm_gpu *gpu, pid_t pid);
extern unsigned int nvm_default_timeslice_us;

/* uvm.c */
struct class;
int nvm_uvm_init(const struct class *cls);
void nvm_uvm_exit(const struct class *cls);

/* Live objects of part 2 (debugfs "live"; 0 when nothing is open). */
struct nvm_stats2 {
	atomic_t usermodes;
	atomic_t tsgs;
	atomic_t channels;
	atomic_t vaspaces;
	atomic_t gpu_maps;
	atomic_t uvm_files;
	atomic_t uvm_ranges;
};
extern struct nvm_stats2 nvm_stats2;

/* debugfs views (engine.c, uvm.c) */
struct seq_file;
void nvm_engine_show_engines(struct seq_file *s);
void nvm_engine_show_runlists(struct seq_file *s);
void nvm_engine_show_channels(struct seq_file *s);
void nvm_engine_show_busy(struct seq_file *s);
void nvm_engine_show_unknown(struct seq_file *s);
void nvm_engine_show_errors(struct seq_file *s);
void nvm_engine_show_doorbells(struct seq_file *s);
void nvm_engine_reset_logs(void);

/* ---------------------------------------------------------------------
 * ioctl.c / debugfs.c
 */
long nvm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
const char *nvm_escape_name(unsigned int nr);

int nvm_debugfs_init(void);
void nvm_debugfs_exit(void);

#endif /* NVIDIA_MOCK_H */
