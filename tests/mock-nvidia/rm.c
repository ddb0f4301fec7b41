// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: the RM object model (resserv/rmapi at the ABI level).
 *
 * Clients live in a global table keyed by handle. Each client owns a tree of
 * objects (root -> device -> subdevice/memory/vaspace ...) keyed by handle in
 * a per-client xarray and protected by the client's mutex. A client is bound
 * to the nvidiactl file that created it (or the ctl file its fd was
 * REGISTER_FD'ed to); every call naming it through another ctl file fails
 * with NV_ERR_INVALID_CLIENT (PDB_PROP_SYS_VALIDATE_CLIENT_HANDLE_STRICT).
 *
 * The order of checks, and so which status a call with several faults gets,
 * follows r595's serverAllocResource/serverFreeResourceTree/serverCopyResource
 * /serverMap: class and parameters first, then the client, its ownership,
 * the parent, the handle, and the class's own constructor.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/capability.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mock.h"

/*
 * Bounds of the mock's own (RM has none this small, but a fuzzer must not
 * be able to exhaust kernel memory through one client or one object).
 */
#define NVM_MAX_CPU_MAPS	4096	/* MAP_MEMORY records per memory object */
#define NVM_MAX_OBJECTS		65536	/* objects per client */

struct nvm_client {
	struct kref ref;		/* the table's + lookups in flight */
	u32 handle;
	pid_t pid;			/* ProcID: tgid at creation */
	struct nvm_file *owner;		/* ctl identity; compared, never used */
	u64 owner_id;
	struct list_head owner_node;	/* in owner->clients */

	struct mutex lock;		/* everything below */
	bool dead;
	struct xarray objects;		/* handle -> nvm_object, root included */
	u32 gen_idx;			/* clientGenResourceHandle */
	u32 nobjects;
	u64 vidmem, sysmem;		/* bytes of memory objects in the client */
};

struct nvm_cpu_map {
	struct list_head node;
	u64 token;
	pid_t pid;
};

struct nvm_object {
	u32 handle;
	u32 hclass;
	struct nvm_object *parent;	/* NULL for the client root */
	struct list_head children;
	struct list_head sibling;
	struct nvm_gpu *gpu;		/* device and below */
	u32 subdev_inst;		/* NV20_SUBDEVICE_0 */
	struct nvm_mem *mem;		/* memory classes: an RM reference */
	bool dup;			/* made by RM_DUP_OBJECT (!isMemDescOwner) */
	/* Part 2: the object's state (one of these, by class) */
	struct nvm_vas *vas;		/* FERMI_VASPACE_A: a reference */
	struct nvm_tsg *tsg;		/* KEPLER_CHANNEL_GROUP_A */
	struct nvm_chan *chan;		/* GPFIFO channels */
	struct nvm_usermode *um;	/* USERMODE */
	struct nvm_ctxshare *cs;	/* FERMI_CONTEXT_SHARE_A */
	bool engine_obj;		/* a compute/copy object on its parent channel */
	struct list_head cpu_maps;	/* MAP_MEMORY records */
	u32 ncpu_maps;
};

/* ---------------------------------------------------------------------
 * Class table
 */
#define PAR_CLIENT	BIT(0)
#define PAR_DEVICE	BIT(1)
#define PAR_SUBDEVICE	BIT(2)
#define PAR_TSG		BIT(3)
#define PAR_CHANNEL	BIT(4)

/*
 * The classes the mock models, with their parents (resource_list.h) and
 * whether RM_DUP_OBJECT may copy them (resCanCopy). The size and the
 * requirement of each class's parameters come from the ABI header's table,
 * vgpu_nv_alloc_param_size(): RM copies that many bytes whatever paramsSize
 * says.
 */
struct nvm_class_desc {
	u32 hclass;
	u8 parents;
	bool copyable;
	bool user;		/* allocatable through RM_ALLOC by the mock */
};

static const struct nvm_class_desc nvm_classes[] = {
	{ NV01_ROOT_CLIENT, 0, false, true },
	{ NV01_DEVICE_0, PAR_CLIENT, false, true },
	{ NV20_SUBDEVICE_0, PAR_DEVICE, false, true },
	{ FERMI_VASPACE_A, PAR_DEVICE | PAR_SUBDEVICE, true, true },
	{ NV01_MEMORY_LOCAL_USER, PAR_DEVICE | PAR_SUBDEVICE, true, true },
	{ NV01_MEMORY_SYSTEM, PAR_DEVICE, true, true },
	{ NV50_MEMORY_VIRTUAL, PAR_DEVICE, true, true },
	/* Created only by the legacy ALLOC_MEMORY query (§3.1 item 3). */
	{ NV01_MEMORY_SYSTEM_DYNAMIC, PAR_DEVICE, false, false },
	{ NV01_MEMORY_LOCAL_PHYSICAL, PAR_DEVICE, false, false },
	/*
	 * Part 2: work submission. The mock GPU accepts the Volta..Hopper
	 * classes of each kind (a real GA100 only Ampere's and older ones).
	 */
	{ VOLTA_USERMODE_A, PAR_SUBDEVICE, false, true },
	{ TURING_USERMODE_A, PAR_SUBDEVICE, false, true },
	{ AMPERE_USERMODE_A, PAR_SUBDEVICE, false, true },
	{ HOPPER_USERMODE_A, PAR_SUBDEVICE, false, true },
	{ KEPLER_CHANNEL_GROUP_A, PAR_DEVICE, false, true },
	{ FERMI_CONTEXT_SHARE_A, PAR_TSG, false, true },
	{ VOLTA_CHANNEL_GPFIFO_A, PAR_DEVICE | PAR_TSG, false, true },
	{ TURING_CHANNEL_GPFIFO_A, PAR_DEVICE | PAR_TSG, false, true },
	{ AMPERE_CHANNEL_GPFIFO_A, PAR_DEVICE | PAR_TSG, false, true },
	{ HOPPER_CHANNEL_GPFIFO_A, PAR_DEVICE | PAR_TSG, false, true },
	{ TURING_COMPUTE_A, PAR_CHANNEL, false, true },
	{ AMPERE_COMPUTE_A, PAR_CHANNEL, false, true },
	{ AMPERE_COMPUTE_B, PAR_CHANNEL, false, true },
	{ ADA_COMPUTE_A, PAR_CHANNEL, false, true },
	{ HOPPER_COMPUTE_A, PAR_CHANNEL, false, true },
	{ TURING_DMA_COPY_A, PAR_CHANNEL, false, true },
	{ AMPERE_DMA_COPY_A, PAR_CHANNEL, false, true },
	{ AMPERE_DMA_COPY_B, PAR_CHANNEL, false, true },
	{ HOPPER_DMA_COPY_A, PAR_CHANNEL, false, true },
};

static bool nvm_is_channel_class(u32 hclass)
{
	switch (hclass) {
	case VOLTA_CHANNEL_GPFIFO_A:
	case TURING_CHANNEL_GPFIFO_A:
	case AMPERE_CHANNEL_GPFIFO_A:
	case HOPPER_CHANNEL_GPFIFO_A:
		return true;
	}
	return false;
}

static const struct nvm_class_desc *nvm_class_find(u32 hclass, bool user)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nvm_classes); i++)
		if (nvm_classes[i].hclass == hclass &&
		    (!user || nvm_classes[i].user))
			return &nvm_classes[i];
	return NULL;
}

static u8 nvm_parent_kind(const struct nvm_object *o)
{
	switch (o->hclass) {
	case NV01_ROOT_CLIENT:
		return PAR_CLIENT;
	case NV01_DEVICE_0:
		return PAR_DEVICE;
	case NV20_SUBDEVICE_0:
		return PAR_SUBDEVICE;
	case KEPLER_CHANNEL_GROUP_A:
		return PAR_TSG;
	}
	if (nvm_is_channel_class(o->hclass))
		return PAR_CHANNEL;
	return 0;
}

/* ---------------------------------------------------------------------
 * The client table
 */
static DEFINE_XARRAY(nvm_clients);
static DEFINE_MUTEX(nvm_clients_mutex);	/* serialises inserts/generation */
static u32 nvm_client_next_idx;

static void nvm_client_free(struct kref *ref)
{
	struct nvm_client *c = container_of(ref, struct nvm_client, ref);

	WARN_ON(!xa_empty(&c->objects));
	xa_destroy(&c->objects);
	mutex_destroy(&c->lock);
	kfree(c);
}

static void nvm_client_put(struct nvm_client *c)
{
	kref_put(&c->ref, nvm_client_free);
}

static struct nvm_client *nvm_client_get(u32 handle)
{
	struct nvm_client *c;

	xa_lock(&nvm_clients);
	c = xa_load(&nvm_clients, handle);
	if (c)
		kref_get(&c->ref);	/* the table holds one: never zero here */
	xa_unlock(&nvm_clients);
	return c;
}

/*
 * Lock @c and check that it is alive and that @identity may use it.
 * Returns NV_OK with the lock held, or a status without it.
 */
static u32 nvm_client_lock(struct nvm_client *c, struct nvm_file *identity,
			   u32 dead_status)
{
	mutex_lock(&c->lock);
	if (c->dead) {
		mutex_unlock(&c->lock);
		return dead_status;
	}
	if (identity && c->owner != identity) {
		mutex_unlock(&c->lock);
		return NV_ERR_INVALID_CLIENT;
	}
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * Objects
 */
static void nvm_object_account(struct nvm_client *c, struct nvm_object *o,
			       int sign)
{
	if (!o->mem)
		return;
	if (o->mem->kind == NVM_MEM_VID)
		c->vidmem += sign * o->mem->size;
	else if (o->mem->kind == NVM_MEM_SYS)
		c->sysmem += sign * o->mem->size;
}

static struct nvm_object *nvm_object_new(u32 handle, u32 hclass,
					 struct nvm_object *parent)
{
	struct nvm_object *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return NULL;
	o->handle = handle;
	o->hclass = hclass;
	o->parent = parent;
	INIT_LIST_HEAD(&o->children);
	INIT_LIST_HEAD(&o->sibling);
	INIT_LIST_HEAD(&o->cpu_maps);
	if (parent)
		o->gpu = parent->gpu;
	return o;
}

/* Insert @o (fully constructed) into @c; the caller holds c->lock. */
static u32 nvm_object_insert(struct nvm_client *c, struct nvm_object *o)
{
	if (c->nobjects >= NVM_MAX_OBJECTS)
		return NV_ERR_INSUFFICIENT_RESOURCES;
	if (xa_insert(&c->objects, o->handle, o, GFP_KERNEL))
		return NV_ERR_NO_MEMORY;
	if (o->parent)
		list_add_tail(&o->sibling, &o->parent->children);
	c->nobjects++;
	nvm_object_account(c, o, 1);
	atomic_inc(&nvm_stats.objects);
	return NV_OK;
}

/*
 * Destroy @o's state. The client's lock is held; stopping a channel or TSG
 * waits here for the engine, which never takes a client lock.
 */
static void nvm_object_destroy(struct nvm_object *o)
{
	struct nvm_cpu_map *m, *tmp;

	list_for_each_entry_safe(m, tmp, &o->cpu_maps, node) {
		list_del(&m->node);
		kfree(m);
		atomic_dec(&nvm_stats.cpu_maps);
	}
	if (o->engine_obj)
		nvm_chan_del_object(o->parent->chan, o->hclass);
	if (o->chan)
		nvm_chan_destroy(o->chan);
	if (o->cs) {
		o->cs->tsg->subctx_used &= ~BIT_ULL(o->cs->subctx);
		nvm_vas_put(o->cs->vas);
		kfree(o->cs);
	}
	if (o->tsg)
		nvm_tsg_destroy(o->tsg);
	if (o->um)
		nvm_usermode_destroy(o->um);
	nvm_vas_put(o->vas);
	if (o->mem)
		nvm_mem_put_rm(o->mem);
	kfree(o);
}

/*
 * Free @o and everything below it (children first, as RM's free stack).
 * Objects nest at most five deep (client, device, TSG, channel, engine
 * object).
 */
static void nvm_object_free_tree(struct nvm_client *c, struct nvm_object *o)
{
	struct nvm_object *child, *tmp;

	list_for_each_entry_safe(child, tmp, &o->children, sibling)
		nvm_object_free_tree(c, child);

	xa_erase(&c->objects, o->handle);
	list_del(&o->sibling);
	c->nobjects--;
	nvm_object_account(c, o, -1);
	atomic_dec(&nvm_stats.objects);
	nvm_object_destroy(o);
}

/* clientGenResourceHandle: RS_UNIQUE_HANDLE_BASE upwards, skipping used. */
static u32 nvm_gen_handle(struct nvm_client *c, u32 *handle)
{
	u32 i, h;

	for (i = 0; i < RS_UNIQUE_HANDLE_RANGE; i++) {
		h = RS_UNIQUE_HANDLE_BASE + (c->gen_idx++ % RS_UNIQUE_HANDLE_RANGE);
		if (h != c->handle && !xa_load(&c->objects, h)) {
			*handle = h;
			return NV_OK;
		}
	}
	return NV_ERR_INSUFFICIENT_RESOURCES;
}

/* clientAssignResourceHandle */
static u32 nvm_assign_handle(struct nvm_client *c, u32 *handle)
{
	if (*handle == 0)
		return nvm_gen_handle(c, handle);
	if (*handle == c->handle)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	if (xa_load(&c->objects, *handle))
		return NV_ERR_INSERT_DUPLICATE_NAME;
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * Clients
 */
static u32 nvm_client_create(struct nvm_file *owner, u32 requested, u32 *out)
{
	struct nvm_object *root;
	struct nvm_client *c;
	u32 handle = requested, i;
	u32 status = NV_OK;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NV_ERR_INSUFFICIENT_RESOURCES;
	kref_init(&c->ref);
	mutex_init(&c->lock);
	xa_init(&c->objects);
	INIT_LIST_HEAD(&c->owner_node);
	c->pid = task_tgid_nr(current);
	c->owner = owner;
	c->owner_id = owner->id;

	mutex_lock(&nvm_clients_mutex);
	if (handle) {
		/* RS_COMPATABILITY_MODE: a client may ask for its handle. */
		if (xa_load(&nvm_clients, handle))
			status = NV_ERR_INSERT_DUPLICATE_NAME;
	} else {
		status = NV_ERR_INSUFFICIENT_RESOURCES;
		for (i = 0; i < RS_CLIENT_HANDLE_MAX; i++) {
			handle = RS_CLIENT_HANDLE_BASE + nvm_client_next_idx;
			nvm_client_next_idx = (nvm_client_next_idx + 1) %
					      RS_CLIENT_HANDLE_MAX;
			if (!xa_load(&nvm_clients, handle)) {
				status = NV_OK;
				break;
			}
		}
	}
	if (status != NV_OK)
		goto err_unlock;
	c->handle = handle;

	/* The client's own resource (RmClientResource) under its handle. */
	root = nvm_object_new(handle, NV01_ROOT_CLIENT, NULL);
	if (!root) {
		status = NV_ERR_INSUFFICIENT_RESOURCES;
		goto err_unlock;
	}
	mutex_lock(&c->lock);
	status = nvm_object_insert(c, root);
	mutex_unlock(&c->lock);
	if (status != NV_OK) {
		kfree(root);
		goto err_unlock;
	}
	if (xa_insert(&nvm_clients, handle, c, GFP_KERNEL)) {
		mutex_lock(&c->lock);
		nvm_object_free_tree(c, root);
		mutex_unlock(&c->lock);
		status = NV_ERR_INSUFFICIENT_RESOURCES;
		goto err_unlock;
	}
	mutex_unlock(&nvm_clients_mutex);

	mutex_lock(&owner->clients_lock);
	list_add_tail(&c->owner_node, &owner->clients);
	mutex_unlock(&owner->clients_lock);
	atomic_inc(&nvm_stats.clients);
	*out = handle;
	return NV_OK;

err_unlock:
	mutex_unlock(&nvm_clients_mutex);
	nvm_client_put(c);
	return status;
}

/*
 * Free a client and everything it owns. The caller holds a reference on @c
 * but not its lock. Returns false if someone else freed it first.
 */
static bool nvm_client_destroy(struct nvm_client *c)
{
	struct nvm_object *root;

	mutex_lock(&c->lock);
	if (c->dead) {
		mutex_unlock(&c->lock);
		return false;
	}
	c->dead = true;
	root = xa_load(&c->objects, c->handle);
	if (root)
		nvm_object_free_tree(c, root);
	mutex_unlock(&c->lock);

	mutex_lock(&c->owner->clients_lock);
	list_del_init(&c->owner_node);
	mutex_unlock(&c->owner->clients_lock);

	xa_erase(&nvm_clients, c->handle);
	atomic_dec(&nvm_stats.clients);
	nvm_client_put(c);		/* the table's reference */
	return true;
}

void nvm_rm_release_owner(struct nvm_file *owner)
{
	struct nvm_client *c;

	for (;;) {
		mutex_lock(&owner->clients_lock);
		c = list_first_entry_or_null(&owner->clients,
					     struct nvm_client, owner_node);
		if (c) {
			list_del_init(&c->owner_node);
			kref_get(&c->ref);
		}
		mutex_unlock(&owner->clients_lock);
		if (!c)
			break;
		/*
		 * As RmFreeUnusedClients(): the client goes, but OS events
		 * keyed by its handle on other fds stay until those close.
		 */
		nvm_client_destroy(c);
		nvm_client_put(c);
	}
}

/* ---------------------------------------------------------------------
 * Constructors
 */
static int nvm_match_gpu_file(const void *data, struct file *filp,
			      unsigned int fd)
{
	const struct nvm_file *nvf;

	/* nv_match_dev_state(), r550+: the f_op must be the driver's own. */
	if (filp->f_op != &nvm_fops || !filp->private_data)
		return 0;
	nvf = filp->private_data;
	return nvf->gpu == data;
}

/* osIsGpuAccessible(): does the calling process hold /dev/nvidiaN open? */
bool nvm_gpu_accessible(struct nvm_gpu *gpu)
{
	if (!current->files)
		return false;
	return iterate_fd(current->files, 0, nvm_match_gpu_file, gpu) != 0;
}

static u32 nvm_construct_device(struct nvm_object *o, void *params)
{
	NV0080_ALLOC_PARAMETERS *p = params;

	/* resservResourceFactory needs the parameters for a device. */
	if (!p)
		return NV_ERR_INVALID_ARGUMENT;
	if (p->deviceId >= NV_MAX_DEVICES)
		return NV_ERR_INVALID_ARGUMENT;
	/* Device instance N is GPU N (minor N): no SLI groups. */
	if (p->deviceId >= nvm_num_gpus)
		return NV_ERR_INVALID_STATE;
	o->gpu = &nvm_gpus[p->deviceId];
	if (!nvm_gpu_accessible(o->gpu))
		return NV_ERR_INSUFFICIENT_PERMISSIONS;
	return NV_OK;
}

static u32 nvm_construct_subdevice(struct nvm_object *o, void *params)
{
	NV2080_ALLOC_PARAMETERS *p = params;
	u32 inst = p ? p->subDeviceId : 0;
	struct nvm_object *sib;

	if (inst >= NV_MAX_SUBDEVICES)
		return NV_ERR_INVALID_CLASS;
	/* One GPU per device: only subdevice instance 0 exists. */
	if (inst != 0)
		return NV_ERR_INVALID_CLASS;
	list_for_each_entry(sib, &o->parent->children, sibling)
		if (sib->hclass == NV20_SUBDEVICE_0 && sib->subdev_inst == inst)
			return NV_ERR_INSUFFICIENT_RESOURCES;
	o->subdev_inst = inst;
	return NV_OK;
}

/*
 * Page size from NVOS32_ATTR_PAGE_SIZE (the mock's rule, see mock.md):
 * DEFAULT and 4KB -> 4 KiB, BIG -> 64 KiB, HUGE -> 2 MiB (512 MiB with
 * NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB; 256GB is refused).
 */
static u32 nvm_page_size(u32 attr, u32 attr2, u64 *page_size)
{
	switch (NV_FLD_GET(NVOS32_ATTR_PAGE_SIZE, attr)) {
	case NVOS32_ATTR_PAGE_SIZE_BIG:
		*page_size = SZ_64K;
		break;
	case NVOS32_ATTR_PAGE_SIZE_HUGE:
		switch (NV_FLD_GET(NVOS32_ATTR2_PAGE_SIZE_HUGE, attr2)) {
		case NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB:
			*page_size = SZ_512M;
			break;
		case NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB:
			return NV_ERR_INVALID_ARGUMENT;
		default:
			*page_size = SZ_2M;
			break;
		}
		break;
	default:
		*page_size = SZ_4K;
		break;
	}
	return NV_OK;
}

/*
 * NV01_MEMORY_LOCAL_USER / NV01_MEMORY_SYSTEM / NV50_MEMORY_VIRTUAL with
 * NV_MEMORY_ALLOCATION_PARAMS: stdmemValidateParams() and the class's own
 * checks, then the allocator. The final size, limit and offset are written
 * back into @p (and so to the caller).
 */
static u32 nvm_construct_memory(struct nvm_client *c, struct nvm_object *o,
				NV_MEMORY_ALLOCATION_PARAMS *p)
{
	bool vidmem_loc = NV_FLD_GET(NVOS32_ATTR_LOCATION, p->attr) ==
			  NVOS32_ATTR_LOCATION_VIDMEM;
	bool virt = p->flags & NVOS32_ALLOC_FLAGS_VIRTUAL;
	enum nvm_mem_kind kind;
	struct nvm_object *vas;
	u64 page_size, size;
	u32 status;

	if (p->internalflags != 0)
		return NV_ERR_INVALID_ARGUMENT;
	if (p->size == 0)
		return NV_ERR_INVALID_ARGUMENT;
	/* "These flags don't do anything in this path." */
	p->flags |= NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED;
	p->flags &= ~NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP;
	p->address = 0;
	if (p->owner == 0 || p->owner == 0xFFFFFFFFU ||
	    (p->owner >= HEAP_OWNER_RM_SCRATCH_BEGIN &&
	     p->owner <= HEAP_OWNER_RM_SCRATCH_END))
		return NV_ERR_INVALID_OWNER;
	if (!(p->flags & NVOS32_ALLOC_FLAGS_USE_BEGIN_END) &&
	    (p->rangeLo || p->rangeHi))
		return NV_ERR_INVALID_ARGUMENT;

	switch (o->hclass) {
	case NV01_MEMORY_LOCAL_USER:
		if (!vidmem_loc || virt)
			return NV_ERR_INVALID_ARGUMENT;
		kind = NVM_MEM_VID;
		break;
	case NV01_MEMORY_SYSTEM:
		if (vidmem_loc || virt)
			return NV_ERR_INVALID_ARGUMENT;
		kind = NVM_MEM_SYS;
		break;
	default: /* NV50_MEMORY_VIRTUAL */
		if (!virt)
			return NV_ERR_INVALID_ARGUMENT;
		if (p->hVASpace) {
			vas = xa_load(&c->objects, p->hVASpace);
			if (!vas || vas->hclass != FERMI_VASPACE_A)
				return NV_ERR_INVALID_OBJECT_HANDLE;
		}
		kind = NVM_MEM_VIRT;
		break;
	}

	status = nvm_page_size(p->attr, p->attr2, &page_size);
	if (status != NV_OK)
		return status;
	/* Sizes that cannot be rounded cannot fit in any framebuffer. */
	if (p->size > U64_MAX - (page_size - 1))
		return NV_ERR_NO_MEMORY;
	size = ALIGN(p->size, page_size);

	o->mem = nvm_mem_create(kind, o->gpu, size, page_size, p->attr,
				p->attr2, &status);
	if (!o->mem)
		return status;
	p->size = size;
	p->limit = size - 1;
	if (kind != NVM_MEM_SYS)
		p->offset = o->mem->offset;
	return NV_OK;
}

/* A memory object without memory (the legacy ALLOC_MEMORY query handles). */
static u32 nvm_construct_nomem(struct nvm_object *o)
{
	u32 status;

	o->mem = nvm_mem_create(NVM_MEM_NONE, o->gpu, 0, SZ_4K, 0, 0, &status);
	return o->mem ? NV_OK : status;
}

/* ---------------------------------------------------------------------
 * Part 2 constructors: VA spaces, USERMODE, TSGs, context shares,
 * channels and engine objects (the state lives in gpuvm.c/channel.c).
 */
static u32 nvm_construct_vaspace(struct nvm_object *o,
				 NV_VASPACE_ALLOCATION_PARAMETERS *p)
{
	o->vas = nvm_vas_create(o->gpu, p ? p->flags : 0);
	return o->vas ? NV_OK : NV_ERR_NO_MEMORY;
}

/* hVASpace of a TSG, context share or bare channel: 0 is the default. */
static u32 nvm_find_vaspace(struct nvm_client *c, struct nvm_gpu *gpu, u32 h,
			    struct nvm_vas **vas)
{
	struct nvm_object *vo;

	*vas = NULL;
	if (!h)
		return NV_OK;
	vo = xa_load(&c->objects, h);
	if (!vo || vo->hclass != FERMI_VASPACE_A || vo->gpu != gpu)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	*vas = vo->vas;
	return NV_OK;
}

static u32 nvm_construct_usermode(struct nvm_client *c, struct nvm_object *o,
				  NV_HOPPER_USERMODE_A_PARAMS *p)
{
	u32 status;

	/* A privileged (BAR0 PRIV) mapping is for kernel clients. */
	if (p && p->bPriv && !capable(CAP_SYS_ADMIN))
		return NV_ERR_INSUFFICIENT_PERMISSIONS;
	o->um = nvm_usermode_create(o->gpu, c->pid, c->handle, o->handle,
				    &status);
	if (!o->um)
		return status;
	/* MAP_MEMORY of the object maps its region. */
	o->mem = o->um->mem;
	nvm_mem_get_rm(o->mem);
	return NV_OK;
}

static u32 nvm_construct_tsg(struct nvm_client *c, struct nvm_object *o,
			     NV_CHANNEL_GROUP_ALLOCATION_PARAMETERS *p)
{
	struct nvm_vas *vas;
	u32 status;

	status = nvm_find_vaspace(c, o->gpu, p->hVASpace, &vas);
	if (status != NV_OK)
		return status;
	o->tsg = nvm_tsg_create(o->gpu, p->engineType, vas, c->handle,
				o->handle, &status);
	return o->tsg ? NV_OK : status;
}

static u32 nvm_construct_ctxshare(struct nvm_client *c, struct nvm_object *o,
				  NV_CTXSHARE_ALLOCATION_PARAMETERS *p)
{
	struct nvm_tsg *tsg = o->parent->tsg;
	struct nvm_vas *vas;
	u32 status, id;

	if (p->flags > NV_CTXSHARE_ALLOCATION_FLAGS_SUBCONTEXT_ASYNC)
		return NV_ERR_INVALID_ARGUMENT;
	status = nvm_find_vaspace(c, o->gpu, p->hVASpace, &vas);
	if (status != NV_OK)
		return status;
	if (!vas)
		vas = tsg->vas;
	/* The lowest free VEID, returned in subctxId. */
	if (tsg->subctx_used == U64_MAX)
		return NV_ERR_INSUFFICIENT_RESOURCES;
	id = __ffs64(~tsg->subctx_used);
	o->cs = kzalloc(sizeof(*o->cs), GFP_KERNEL);
	if (!o->cs)
		return NV_ERR_NO_MEMORY;
	o->cs->tsg = tsg;
	o->cs->subctx = id;
	if (vas)
		nvm_vas_get(vas);
	o->cs->vas = vas;
	tsg->subctx_used |= BIT_ULL(id);
	p->subctxId = id;
	return NV_OK;
}

/*
 * GPFIFO channels, with kchannelConstruct's checks: a context share and an
 * explicit VA space are exclusive; a bare channel (under a device) takes a
 * valid engine type and no context share and gets an implicit TSG; a TSG
 * channel names no VA space, matches the TSG's engine and, as the other
 * channels of the TSG, uses a context share or not. USERD is client memory
 * (hUserdMemory[0] at userdOffset[0], 512-byte aligned) or, with no
 * handle, provided by the driver (r595 refuses that on bare metal; the
 * mock keeps it, as older drivers and vGPU do, because vgpu follows both).
 */
static u32 nvm_construct_channel(struct nvm_client *c, struct nvm_object *o,
				 NV_CHANNEL_ALLOC_PARAMS *p)
{
	struct nvm_object *parent = o->parent, *cso, *mo;
	struct nvm_chan_args a = {
		.gpu = o->gpu,
		.hclass = o->hclass,
		.h_client = c->handle,
		.h_object = o->handle,
		.gpfifo_va = p->gpFifoOffset,
		.gpfifo_entries = p->gpFifoEntries,
	};
	u32 status, mode;
	u64 end;

	if (p->hContextShare && p->hVASpace)
		return NV_ERR_INVALID_ARGUMENT;
	if (parent->hclass == NV01_DEVICE_0) {
		if (p->hContextShare || !nvm_engine_type_valid(p->engineType))
			return NV_ERR_INVALID_ARGUMENT;
		status = nvm_find_vaspace(c, o->gpu, p->hVASpace, &a.vas);
		if (status != NV_OK)
			return status;
		a.engine_type = p->engineType;
	} else {
		a.tsg = parent->tsg;
		if (p->hVASpace)
			return NV_ERR_INVALID_ARGUMENT;
		if (p->engineType && p->engineType != a.tsg->engine_type)
			return NV_ERR_INVALID_ARGUMENT;
		mode = p->hContextShare ? 2 : 1;
		if (READ_ONCE(a.tsg->nchannels) && a.tsg->ctxshare_mode != mode)
			return NV_ERR_INVALID_ARGUMENT;
		if (p->hContextShare) {
			cso = xa_load(&c->objects, p->hContextShare);
			if (!cso)
				return NV_ERR_OBJECT_NOT_FOUND;
			if (cso->hclass != FERMI_CONTEXT_SHARE_A)
				return NV_ERR_INVALID_OBJECT;
			if (cso->parent != parent)
				return NV_ERR_INVALID_OBJECT_PARENT;
			a.vas = cso->cs->vas;
			a.subctx = cso->cs->subctx;
		} else {
			a.vas = a.tsg->vas;
		}
		a.tsg->ctxshare_mode = mode;
	}
	if (p->hUserdMemory[0]) {
		mo = xa_load(&c->objects, p->hUserdMemory[0]);
		if (!mo || !mo->mem ||
		    (mo->mem->kind != NVM_MEM_VID && mo->mem->kind != NVM_MEM_SYS))
			return NV_ERR_OBJECT_NOT_FOUND;
		if (mo->mem->kind == NVM_MEM_VID && mo->gpu != o->gpu)
			return NV_ERR_INVALID_ARGUMENT;
		if (p->userdOffset[0] & (NV_RAMUSERD_SIZE - 1))
			return NV_ERR_INVALID_ADDRESS;
		if (check_add_overflow(p->userdOffset[0], (u64)NV_RAMUSERD_SIZE, &end) ||
		    end > mo->mem->size)
			return NV_ERR_INVALID_ARGUMENT;
		a.userd_mem = mo->mem;
		a.userd_off = p->userdOffset[0];
	}
	o->chan = nvm_chan_create(&a, &status);
	if (!o->chan)
		return status;
	if (o->chan->userd_internal) {
		/* MAP_MEMORY of the channel maps its USERD page. */
		o->mem = o->chan->userd_mem;
		nvm_mem_get_rm(o->mem);
	}
	return NV_OK;
}

static u32 nvm_construct_engine_obj(struct nvm_object *o)
{
	u32 status = nvm_chan_add_object(o->parent->chan, o->hclass);

	o->engine_obj = status == NV_OK;
	return status;
}

/*
 * Allocate an object of class @desc under (@h_client, @h_parent). @params is
 * the kernel copy of the class's parameters (NULL if none were given).
 * *@h_new is the requested handle (0: generate) and receives the handle.
 */
static u32 nvm_alloc_object(struct nvm_file *identity, u32 h_client,
			    u32 h_parent, u32 *h_new,
			    const struct nvm_class_desc *desc, void *params)
{
	struct nvm_object *parent, *o;
	struct nvm_client *c;
	u32 handle = *h_new;
	u32 status;

	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	status = nvm_client_lock(c, identity, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out_put;

	if (handle == h_client) {
		/* Only a class whose parent is the root may take hClient. */
		status = NV_ERR_INVALID_OBJECT_PARENT;
		goto out_unlock;
	}
	parent = xa_load(&c->objects, h_parent);
	if (!parent) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (!(nvm_parent_kind(parent) & desc->parents)) {
		status = NV_ERR_INVALID_OBJECT_PARENT;
		goto out_unlock;
	}
	status = nvm_assign_handle(c, &handle);
	if (status != NV_OK)
		goto out_unlock;

	o = nvm_object_new(handle, desc->hclass, parent);
	if (!o) {
		status = NV_ERR_NO_MEMORY;
		goto out_unlock;
	}
	switch (desc->hclass) {
	case NV01_DEVICE_0:
		status = nvm_construct_device(o, params);
		break;
	case NV20_SUBDEVICE_0:
		status = nvm_construct_subdevice(o, params);
		break;
	case NV01_MEMORY_LOCAL_USER:
	case NV01_MEMORY_SYSTEM:
	case NV50_MEMORY_VIRTUAL:
		status = nvm_construct_memory(c, o, params);
		break;
	case NV01_MEMORY_SYSTEM_DYNAMIC:
	case NV01_MEMORY_LOCAL_PHYSICAL:
		status = nvm_construct_nomem(o);
		break;
	case FERMI_VASPACE_A:
		status = nvm_construct_vaspace(o, params);
		break;
	case VOLTA_USERMODE_A:
	case TURING_USERMODE_A:
	case AMPERE_USERMODE_A:
	case HOPPER_USERMODE_A:
		status = nvm_construct_usermode(c, o, desc->hclass == HOPPER_USERMODE_A ?
						params : NULL);
		break;
	case KEPLER_CHANNEL_GROUP_A:
		status = nvm_construct_tsg(c, o, params);
		break;
	case FERMI_CONTEXT_SHARE_A:
		status = nvm_construct_ctxshare(c, o, params);
		break;
	default:
		if (nvm_is_channel_class(desc->hclass))
			status = nvm_construct_channel(c, o, params);
		else
			status = nvm_construct_engine_obj(o);
		break;
	}
	if (status == NV_OK)
		status = nvm_object_insert(c, o);
	if (status != NV_OK) {
		nvm_object_destroy(o);
		goto out_unlock;
	}
	*h_new = handle;
out_unlock:
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
	return status;
}

/* ---------------------------------------------------------------------
 * NV_ESC_RM_ALLOC (NVOS21 or NVOS64)
 */
u32 nvm_rm_alloc(struct nvm_file *nvf, void *args, size_t size)
{
	NVOS21_PARAMETERS *p21 = args;		/* shares the NVOS64 prefix */
	NVOS64_PARAMETERS *p64 = args;
	bool v64 = size == sizeof(NVOS64_PARAMETERS);
	u32 *pstatus = v64 ? &p64->status : &p21->status;
	void __user *uparams = u64_to_user_ptr(p21->pAllocParms);
	struct nvm_file *identity = nvm_identity(nvf);
	const struct nvm_class_desc *desc;
	u32 h_new = p21->hObjectNew;
	u32 table_size = 0;
	int required;
	size_t psize = 0;
	void *kparams = NULL;
	u32 status;

	if (v64 && (p64->flags & NVOS64_FLAGS_FINN_SERIALIZED)) {
		/* The mock does not decode FINN-serialised parameters. */
		status = NV_ERR_NOT_SUPPORTED;
		goto out;
	}

	/* rmapiGetClassAllocParamSize: the class table decides the size. */
	desc = nvm_class_find(p21->hClass, true);
	if (!desc || vgpu_nv_alloc_param_size(desc->hclass, &table_size, &required)) {
		status = NV_ERR_INVALID_CLASS;
		goto out;
	}
	if (required == VGPU_NV_ALLOC_PARAMS_REQUIRED && !uparams) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}
	if (uparams)
		psize = table_size;
	if (psize) {
		kparams = kzalloc(psize, GFP_KERNEL);
		if (!kparams) {
			status = NV_ERR_INSUFFICIENT_RESOURCES;
			goto out;
		}
		if (copy_from_user(kparams, uparams, psize)) {
			status = NV_ERR_INVALID_ADDRESS;
			goto out;
		}
	}

	if (desc->hclass == NV01_ROOT_CLIENT) {
		/* serverAllocClient takes the handle from hRoot, not hObjectNew. */
		status = nvm_client_create(identity, p21->hRoot, &h_new);
		if (status == NV_OK && kparams)
			*(NvHandle *)kparams = h_new;
	} else {
		status = nvm_alloc_object(identity, p21->hRoot,
					  p21->hObjectParent, &h_new, desc,
					  kparams);
	}
	if (status == NV_OK) {
		p21->hObjectNew = h_new;
		/* Parameters are copied out on success only. */
		if (psize && copy_to_user(uparams, kparams, psize))
			status = NV_ERR_INVALID_ADDRESS;
	}
out:
	kfree(kparams);
	*pstatus = nvm_rm_status(status);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV_ESC_RM_FREE
 */
static u32 nvm_free_object(struct nvm_file *identity, u32 h_client,
			   u32 h_object)
{
	struct nvm_object *o;
	struct nvm_client *c;
	u32 status;

	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	status = nvm_client_lock(c, identity, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out_put;

	if (h_object == h_client) {
		mutex_unlock(&c->lock);
		if (!nvm_client_destroy(c))
			status = NV_ERR_INVALID_OBJECT_HANDLE;
		goto out_put;
	}
	o = xa_load(&c->objects, h_object);
	/*
	 * RS_COMPATABILITY_MODE: freeing a handle the client does not have
	 * "succeeds" (serverFreeResourceTreeLockAndFindResource), so a double
	 * free returns NV_OK too.
	 */
	if (o)
		nvm_object_free_tree(c, o);
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
	return status;
}

u32 nvm_rm_free(struct nvm_file *nvf, NVOS00_PARAMETERS *p)
{
	u32 status;

	/* hObjectParent is not used by RM's free. */
	status = nvm_free_object(nvm_identity(nvf), p->hRoot, p->hObjectOld);
	if (status == NV_OK && p->hObjectOld == p->hRoot)
		nvm_events_free_client(p->hRoot);
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV_ESC_RM_DUP_OBJECT (NVOS55)
 *
 * A dup is a second handle on the same memory: nothing is allocated or
 * charged, and the FB charge goes only when the last handle is freed.
 * Across clients the default inherited share policy applies
 * (RS_SHARE_TYPE_PID: both clients' ProcID must match).
 */
u32 nvm_rm_dup(struct nvm_file *nvf, NVOS55_PARAMETERS *p)
{
	struct nvm_file *identity = nvm_identity(nvf);
	struct nvm_client *src = NULL, *dst = NULL;
	struct nvm_object *so, *parent, *o;
	struct nvm_mem *mem = NULL;
	struct nvm_vas *vas = NULL;	/* a dup of a VA space shares it */
	u8 src_parent_kind = 0;
	struct nvm_gpu *gpu = NULL;
	bool copyable = false;
	u32 hclass = 0, handle;
	pid_t src_pid;
	u32 status;

	dst = nvm_client_get(p->hClient);
	src = nvm_client_get(p->hClientSrc);
	if (!dst || !src) {
		status = NV_ERR_INVALID_OBJECT_HANDLE;
		goto out;
	}
	/* Only the destination client is validated against the caller. */
	if (dst->owner != identity) {
		status = NV_ERR_INVALID_CLIENT;
		goto out;
	}

	/* Snapshot the source under its lock, keeping the memory alive. */
	status = nvm_client_lock(src, NULL, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out;
	src_pid = src->pid;
	so = xa_load(&src->objects, p->hObjectSrc);
	if (!so) {
		status = NV_ERR_OBJECT_NOT_FOUND;
	} else {
		hclass = so->hclass;
		gpu = so->gpu;
		copyable = nvm_class_find(hclass, false) &&
			   nvm_class_find(hclass, false)->copyable;
		src_parent_kind = so->parent ? nvm_parent_kind(so->parent) : 0;
		if (copyable && so->mem) {
			mem = so->mem;
			nvm_mem_get_rm(mem);
		}
		if (copyable && so->vas) {
			vas = so->vas;
			nvm_vas_get(vas);
		}
	}
	mutex_unlock(&src->lock);
	if (status != NV_OK)
		goto out;

	status = nvm_client_lock(dst, identity, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out;
	parent = xa_load(&dst->objects, p->hParent);
	if (!parent) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (!copyable) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out_unlock;
	}
	handle = p->hObject;
	status = nvm_assign_handle(dst, &handle);
	if (status != NV_OK)
		goto out_unlock;
	if (src != dst && src_pid != dst->pid) {
		status = NV_ERR_INSUFFICIENT_PERMISSIONS;
		goto out_unlock;
	}
	if (!(nvm_parent_kind(parent) & nvm_class_find(hclass, false)->parents) ||
	    nvm_parent_kind(parent) != src_parent_kind ||
	    parent->gpu != gpu) {
		/* memCopyConstruct: same parent type; the mock: same GPU. */
		status = NV_ERR_INVALID_OBJECT_PARENT;
		goto out_unlock;
	}

	o = nvm_object_new(handle, hclass, parent);
	if (!o) {
		status = NV_ERR_NO_MEMORY;
		goto out_unlock;
	}
	o->mem = mem;
	o->vas = vas;
	o->dup = true;
	status = nvm_object_insert(dst, o);
	if (status != NV_OK) {
		o->mem = NULL;
		o->vas = NULL;
		kfree(o);
		goto out_unlock;
	}
	mem = NULL;			/* now the object's */
	vas = NULL;
	p->hObject = handle;
out_unlock:
	mutex_unlock(&dst->lock);
out:
	if (mem)
		nvm_mem_put_rm(mem);
	nvm_vas_put(vas);
	if (src)
		nvm_client_put(src);
	if (dst)
		nvm_client_put(dst);
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV_ESC_RM_VID_HEAP_CONTROL (NVOS32): the deprecated heap API, routed into
 * the same allocator as RM_ALLOC (rmapi_deprecated_vidheapctrl.c).
 */
static u32 nvm_vid_heap_alloc(struct nvm_file *identity, NVOS32_PARAMETERS *p,
			      bool range)
{
	NV_MEMORY_ALLOCATION_PARAMS ap = { 0 };
	const struct nvm_class_desc *desc;
	u32 *phMemory;
	u32 hclass, handle, status;

	if (range) {
		NVOS32_DATA_ALLOC_SIZE_RANGE *d = &p->data.AllocSizeRange;

		ap.owner = d->owner;
		ap.type = d->type;
		ap.flags = d->flags;
		ap.rangeLo = d->rangeBegin;
		ap.rangeHi = d->rangeEnd;
		ap.size = d->size;
		ap.alignment = d->alignment;
		ap.numaNode = d->numaNode;
		ap.offset = d->offset;
		ap.attr = d->attr;
		ap.attr2 = d->attr2;
		ap.format = d->format;
		ap.limit = d->limit;
		ap.address = d->address;
		ap.comprCovg = d->comprCovg;
		ap.zcullCovg = d->zcullCovg;
		ap.ctagOffset = d->ctagOffset;
		d->partitionStride = 256;
		phMemory = &d->hMemory;
	} else {
		NVOS32_DATA_ALLOC_SIZE *d = &p->data.AllocSize;

		if (d->flags & NVOS32_ALLOC_FLAGS_USE_BEGIN_END) {
			ap.rangeLo = d->rangeBegin;
			ap.rangeHi = d->rangeEnd;
		}
		ap.owner = d->owner;
		ap.type = d->type;
		ap.flags = d->flags;
		ap.height = d->height;
		ap.width = d->width;
		ap.size = d->size;
		ap.alignment = d->alignment;
		ap.numaNode = d->numaNode;
		ap.offset = d->offset;
		ap.attr = d->attr;
		ap.attr2 = d->attr2;
		ap.format = d->format;
		ap.limit = d->limit;
		ap.address = d->address;
		ap.comprCovg = d->comprCovg;
		ap.zcullCovg = d->zcullCovg;
		ap.ctagOffset = d->ctagOffset;
		d->partitionStride = 256;
		phMemory = &d->hMemory;
	}

	/* _rmVidHeapControlAllocCommon */
	if (!(ap.flags & NVOS32_ALLOC_FLAGS_MEMORY_HANDLE_PROVIDED))
		*phMemory = 0;
	ap.hVASpace = p->hVASpace;
	if (ap.flags & NVOS32_ALLOC_FLAGS_VIRTUAL)
		hclass = NV50_MEMORY_VIRTUAL;
	else if (NV_FLD_GET(NVOS32_ATTR_LOCATION, ap.attr) == NVOS32_ATTR_LOCATION_VIDMEM)
		hclass = NV01_MEMORY_LOCAL_USER;
	else
		hclass = NV01_MEMORY_SYSTEM;
	desc = nvm_class_find(hclass, true);

	handle = *phMemory;
	status = nvm_alloc_object(identity, p->hRoot, p->hObjectParent, &handle,
				  desc, &ap);
	if (status == NV_OK)
		*phMemory = handle;
	p->free = 0;
	p->total = 0;

	/* The in/out fields are copied back whatever the status. */
	if (range) {
		NVOS32_DATA_ALLOC_SIZE_RANGE *d = &p->data.AllocSizeRange;

		d->size = ap.size;
		d->offset = ap.offset;
		d->attr = ap.attr;
		d->attr2 = ap.attr2;
		d->format = ap.format;
		d->limit = ap.limit;
		d->address = ap.address;
		d->comprCovg = ap.comprCovg;
		d->zcullCovg = ap.zcullCovg;
		d->ctagOffset = ap.ctagOffset;
	} else {
		NVOS32_DATA_ALLOC_SIZE *d = &p->data.AllocSize;

		d->size = ap.size;
		d->offset = ap.offset;
		d->attr = ap.attr;
		d->attr2 = ap.attr2;
		d->format = ap.format;
		d->limit = ap.limit;
		d->address = ap.address;
		d->comprCovg = ap.comprCovg;
		d->zcullCovg = ap.zcullCovg;
		d->ctagOffset = ap.ctagOffset;
	}
	return status;
}

/* NVOS32_FUNCTION_INFO: the heap of the device's GPU, as FB_GET_INFO_V2. */
static u32 nvm_vid_heap_info(struct nvm_file *identity, NVOS32_PARAMETERS *p)
{
	struct nvm_ctl_target t;
	NVOS32_DATA_INFO *info;
	struct nvm_gpu *gpu;
	u64 used;
	u32 status;

	status = nvm_rm_ctl_target(NULL, p->hRoot, p->hObjectParent, &t);
	nvm_ctl_target_put(&t);		/* a device: no reference taken */
	if (status == NV_OK && t.identity != identity)
		status = NV_ERR_INVALID_CLIENT;
	if (status != NV_OK)
		return status;
	if (t.h_class != NV01_DEVICE_0)
		return NV_ERR_INVALID_OBJECT_PARENT;
	gpu = t.gpu;
	spin_lock(&gpu->fb_lock);
	used = gpu->fb_used;
	spin_unlock(&gpu->fb_lock);
	/* KiB granularity, as the controls it is built on. */
	p->free = ((gpu->fb_size - used) >> 10) << 10;
	p->total = (gpu->fb_size >> 10) << 10;
	info = (NVOS32_DATA_INFO *)&p->data;
	info->base = 0;
	info->size = p->free;
	info->offset = (used >> 10) << 10;
	return NV_OK;
}

u32 nvm_rm_vid_heap(struct nvm_file *nvf, NVOS32_PARAMETERS *p)
{
	struct nvm_file *identity = nvm_identity(nvf);
	u32 status;

	if (p->ivcHeapNumber > NVOS32_IVC_HEAP_NUMBER_DONT_ALLOCATE_ON_IVC_HEAP) {
		status = NV_ERR_NOT_SUPPORTED;
		goto out;
	}
	switch (p->function) {
	case NVOS32_FUNCTION_ALLOC_SIZE:
		status = nvm_vid_heap_alloc(identity, p, false);
		break;
	case NVOS32_FUNCTION_ALLOC_SIZE_RANGE:
		status = nvm_vid_heap_alloc(identity, p, true);
		break;
	case NVOS32_FUNCTION_FREE:
		if (!(p->data.Free.flags & NVOS32_FREE_FLAGS_MEMORY_HANDLE_PROVIDED))
			status = NV_ERR_INVALID_ARGUMENT;
		else
			status = nvm_free_object(identity, p->hRoot,
						 p->data.Free.hMemory);
		break;
	case NVOS32_FUNCTION_INFO:
		status = nvm_vid_heap_info(identity, p);
		break;
	case NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT:
	case NVOS32_FUNCTION_RELEASE_COMPR:
	case NVOS32_FUNCTION_REACQUIRE_COMPR:
	case NVOS32_FUNCTION_GET_MEM_ALIGNMENT:
	case NVOS32_FUNCTION_HW_ALLOC:
	case NVOS32_FUNCTION_HW_FREE:
	case NVOS32_FUNCTION_ALLOC_OS_DESCRIPTOR:
		/* Real functions the mock does not model. */
		status = NV_ERR_NOT_SUPPORTED;
		break;
	default:
		status = NV_ERR_INVALID_ARGUMENT;
		break;
	}
out:
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * CPU mappings: NV_ESC_RM_MAP_MEMORY / NV_ESC_RM_UNMAP_MEMORY
 */

/* serverMap_Prologue's checks of hDevice against the memory's parent. */
static u32 nvm_map_context_check(struct nvm_client *c, struct nvm_object *mo,
				 u32 h_device)
{
	struct nvm_object *ctx;

	if (h_device == c->handle)
		return NV_ERR_INVALID_OBJECT_PARENT;	/* memory is never client-level */
	ctx = xa_load(&c->objects, h_device);
	if (!ctx)
		return NV_ERR_OBJECT_NOT_FOUND;
	if (ctx->hclass != NV01_DEVICE_0 && ctx->hclass != NV20_SUBDEVICE_0)
		return NV_ERR_INVALID_OBJECT_PARENT;
	if (ctx->gpu != mo->gpu)
		return NV_ERR_INVALID_OBJECT_PARENT;	/* mock: same GPU */
	return NV_OK;
}

/*
 * Create the RM side of a CPU mapping of @h_memory: validate and record it,
 * and return the token. On success *@memp holds a reference on the memory.
 */
static u32 nvm_map_rm(struct nvm_file *identity, u32 h_client, u32 h_device,
		      u32 h_memory, u64 offset, u64 length, u32 flags,
		      u64 *token, struct nvm_mem **memp, pid_t *client_pid)
{
	struct nvm_cpu_map *m;
	struct nvm_object *mo;
	struct nvm_client *c;
	u64 end;
	u32 status;

	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	status = nvm_client_lock(c, identity, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out_put;

	mo = xa_load(&c->objects, h_memory);
	if (!mo) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (!mo->mem || (mo->mem->kind != NVM_MEM_VID &&
			 mo->mem->kind != NVM_MEM_SYS &&
			 mo->mem->kind != NVM_MEM_REG)) {
		/* Not CPU-mappable (resMap_IMPL). */
		status = NV_ERR_NOT_SUPPORTED;
		goto out_unlock;
	}
	if (NV_FLD_GET(NVOS33_FLAGS_PERSISTENT, flags) == NVOS33_FLAGS_PERSISTENT_ENABLE) {
		status = NV_ERR_INVALID_FLAGS;
		goto out_unlock;
	}
	status = nvm_map_context_check(c, mo, h_device);
	if (status != NV_OK)
		goto out_unlock;
	if (NV_FLD_GET(NVOS33_FLAGS_ACCESS, flags) > NVOS33_FLAGS_ACCESS_WRITE_ONLY) {
		status = NV_ERR_INVALID_FLAGS;
		goto out_unlock;
	}
	if (NV_FLD_GET(NVOS32_ATTR2_PROTECTION_USER, mo->mem->attr2) ==
	    NVOS32_ATTR2_PROTECTION_USER_READ_ONLY &&
	    NV_FLD_GET(NVOS33_FLAGS_ACCESS, flags) != NVOS33_FLAGS_ACCESS_READ_ONLY) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out_unlock;
	}
	if (offset >= mo->mem->size) {
		status = NV_ERR_INVALID_BASE;
		goto out_unlock;
	}
	if (length == 0 || check_add_overflow(offset, length, &end) ||
	    end > mo->mem->size) {
		status = NV_ERR_INVALID_LIMIT;
		goto out_unlock;
	}
	if (mo->ncpu_maps >= NVM_MAX_CPU_MAPS) {
		status = NV_ERR_INSUFFICIENT_RESOURCES;
		goto out_unlock;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		status = NV_ERR_NO_MEMORY;
		goto out_unlock;
	}
	m->token = nvm_mem_token(mo->mem, offset);
	m->pid = task_tgid_nr(current);
	list_add_tail(&m->node, &mo->cpu_maps);
	mo->ncpu_maps++;
	atomic_inc(&nvm_stats.cpu_maps);

	*token = m->token;
	kref_get(&mo->mem->ref);
	*memp = mo->mem;
	*client_pid = c->pid;
out_unlock:
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
	return status;
}

/* Remove the CPU-mapping record of @token made by this process. */
static u32 nvm_unmap_rm(struct nvm_file *identity, u32 h_client, u32 h_device,
			u32 h_memory, u64 token)
{
	struct nvm_cpu_map *m;
	struct nvm_object *mo;
	struct nvm_client *c;
	pid_t pid = task_tgid_nr(current);
	u32 status;

	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	status = nvm_client_lock(c, identity, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out_put;
	mo = xa_load(&c->objects, h_memory);
	if (!mo) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (!mo->mem) {
		status = NV_ERR_NOT_SUPPORTED;
		goto out_unlock;
	}
	status = nvm_map_context_check(c, mo, h_device);
	if (status != NV_OK)
		goto out_unlock;
	status = NV_ERR_OBJECT_NOT_FOUND;
	list_for_each_entry(m, &mo->cpu_maps, node) {
		if (m->token == token && m->pid == pid) {
			list_del(&m->node);
			kfree(m);
			mo->ncpu_maps--;
			atomic_dec(&nvm_stats.cpu_maps);
			status = NV_OK;
			break;
		}
	}
out_unlock:
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
	return status;
}

/*
 * NV_ESC_RM_MAP_MEMORY: the RM mapping, then rm_create_mmap_context() on
 * the fd named in the call (undoing the RM mapping if that fails). The
 * caller gets a token, not a pointer: userspace then mmap()s that fd.
 */
u32 nvm_rm_map_memory(struct nvm_file *nvf, nv_ioctl_nvos33_parameters_with_fd *pw)
{
	NVOS33_PARAMETERS *p = &pw->params;
	struct nvm_file *identity = nvm_identity(nvf);
	struct nvm_mem *mem = NULL;
	pid_t client_pid = 0;
	u64 token = 0;
	u32 status;

	/* "Don't allow userspace to override the caching type". */
	p->flags = NV_FLD_SET(NVOS33_FLAGS_CACHING_TYPE, p->flags,
			       NVOS33_FLAGS_CACHING_TYPE_DEFAULT);

	status = nvm_map_rm(identity, p->hClient, p->hDevice, p->hMemory,
			    p->offset, p->length, p->flags, &token, &mem,
			    &client_pid);
	if (status != NV_OK)
		goto out;
	p->pLinearAddress = token;

	/* rm_create_mmap_context: only the client's own process may. */
	if (client_pid != task_tgid_nr(current))
		status = NV_ERR_INVALID_CLIENT;
	else
		status = nvm_ctx_attach(pw->fd, mem, p->offset, p->length,
					NV_FLD_GET(NVOS33_FLAGS_ACCESS, p->flags) ==
					NVOS33_FLAGS_ACCESS_READ_ONLY);
	if (status != NV_OK)
		nvm_unmap_rm(identity, p->hClient, p->hDevice, p->hMemory, token);
	nvm_mem_put(mem);
out:
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/*
 * NV_ESC_RM_UNMAP_MEMORY: forget the RM mapping. As on Linux the VMA is
 * untouched (osUnmapPciMemoryUser does nothing): userspace munmap()s.
 */
u32 nvm_rm_unmap_memory(struct nvm_file *nvf, NVOS34_PARAMETERS *p)
{
	u32 status;

	status = nvm_unmap_rm(nvm_identity(nvf), p->hClient, p->hDevice,
			      p->hMemory, p->pLinearAddress);
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/*
 * NV_ESC_RM_UPDATE_DEVICE_MAPPING_INFO (RmUpdateDeviceMappingInfo): after
 * mmap() userspace replaces the token of its CPU mapping by the address it
 * got, so that a later UNMAP_MEMORY names the mapping by that address. As
 * the real one, this path does not check which ctl file the client belongs
 * to; the mapping must be one of the calling process.
 */
u32 nvm_rm_update_mapping(struct nvm_file *nvf, NVOS56_PARAMETERS *p)
{
	pid_t pid = task_tgid_nr(current);
	struct nvm_object *ctx, *mo;
	struct nvm_cpu_map *m;
	struct nvm_client *c;
	u32 status;

	c = nvm_client_get(p->hClient);
	if (!c) {
		status = NV_ERR_INVALID_OBJECT_HANDLE;
		goto out;
	}
	status = nvm_client_lock(c, NULL, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK)
		goto out_put;
	ctx = xa_load(&c->objects, p->hDevice);
	mo = xa_load(&c->objects, p->hMemory);
	if (!ctx) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (ctx->hclass != NV01_DEVICE_0 && ctx->hclass != NV20_SUBDEVICE_0) {
		status = NV_ERR_INVALID_OBJECT_HANDLE;
		goto out_unlock;
	}
	if (!mo) {
		status = NV_ERR_OBJECT_NOT_FOUND;
		goto out_unlock;
	}
	if (!mo->mem) {
		status = NV_ERR_INVALID_OBJECT_HANDLE;	/* not a Memory */
		goto out_unlock;
	}
	status = NV_ERR_OBJECT_NOT_FOUND;
	list_for_each_entry(m, &mo->cpu_maps, node) {
		if (m->token == p->pOldCpuAddress && m->pid == pid) {
			m->token = p->pNewCpuAddress;
			status = NV_OK;
			break;
		}
	}
out_unlock:
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
out:
	p->status = nvm_rm_status(status);
	return NV_OK;
}

/* ---------------------------------------------------------------------
 * NV_ESC_RM_ALLOC_MEMORY (NVOS02 with fd, on /dev/nvidiaN)
 * (rmapi_deprecated_allocmemory.c and escape.c)
 *
 * Returns 0, or -EINVAL when the mmap context could not be created (the
 * real escape returns an RM error then, leaving the allocation in place).
 */
int nvm_rm_alloc_memory(struct nvm_file *nvf, nv_ioctl_nvos02_parameters_with_fd *pw)
{
	NVOS02_PARAMETERS *p = &pw->params;
	struct nvm_file *identity = nvm_identity(nvf);
	NV_MEMORY_ALLOCATION_PARAMS ap = { 0 };
	const struct nvm_class_desc *desc;
	u32 flags = p->flags;
	u32 handle = p->hObjectNew;	/* by value: a generated one is lost */
	struct nvm_mem *mem = NULL;
	u32 coherency, status;
	pid_t client_pid;
	u64 token;

	switch (p->hClass) {
	case NV01_MEMORY_SYSTEM:
		if (NV_FLD_GET(NVOS02_FLAGS_LOCATION, flags) != NVOS02_FLAGS_LOCATION_PCI ||
		    NV_FLD_GET(NVOS02_FLAGS_ALLOC, flags) == NVOS02_FLAGS_ALLOC_NONE) {
			status = NV_ERR_INVALID_FLAGS;
			break;
		}
		coherency = NV_FLD_GET(NVOS02_FLAGS_COHERENCY, flags);
		if (coherency > NVOS02_FLAGS_COHERENCY_WRITE_BACK) {
			status = NV_ERR_INVALID_FLAGS;
			break;
		}
		ap.owner = 0x7368696D;		/* 'shim', as RM */
		ap.size = p->limit + 1;
		ap.type = NV_FLD_GET(NVOS02_FLAGS_KERNEL_MAPPING, flags) ==
			  NVOS02_FLAGS_KERNEL_MAPPING_MAP ?
			  NVOS32_TYPE_NOTIFIER : NVOS32_TYPE_IMAGE;
		ap.attr = NV_FLD_SET(NVOS32_ATTR_LOCATION, 0,
				      NVOS32_ATTR_LOCATION_PCI);
		if (NV_FLD_GET(NVOS02_FLAGS_ALLOC_USER_READ_ONLY, flags))
			ap.attr2 = NV_FLD_SET(NVOS32_ATTR2_PROTECTION_USER, 0,
					       NVOS32_ATTR2_PROTECTION_USER_READ_ONLY);
		desc = nvm_class_find(NV01_MEMORY_SYSTEM, true);
		status = nvm_alloc_object(identity, p->hRoot, p->hObjectParent,
					  &handle, desc, &ap);
		p->pMemory = 0;
		if (status != NV_OK ||
		    NV_FLD_GET(NVOS02_FLAGS_MAPPING, flags) != NVOS02_FLAGS_MAPPING_DEFAULT)
			break;
		/* "RmAllocMemory creates mappings by default." */
		status = nvm_map_rm(identity, p->hRoot, p->hObjectParent, handle,
				    0, p->limit + 1, 0, &token, &mem, &client_pid);
		if (status != NV_OK) {
			nvm_free_object(identity, p->hRoot, handle);
			break;
		}
		p->pMemory = token;
		break;
	case NV01_MEMORY_LOCAL_USER:
		/*
		 * Not an allocation: the legacy query of the heap size. Root
		 * gets an NV01_MEMORY_LOCAL_PHYSICAL handle on the whole FB,
		 * others a dummy NV01_MEMORY_SYSTEM_DYNAMIC handle; both carry
		 * limit = FB size - 1 and no memory.
		 */
		desc = nvm_class_find(capable(CAP_SYS_ADMIN) ?
				      NV01_MEMORY_LOCAL_PHYSICAL :
				      NV01_MEMORY_SYSTEM_DYNAMIC, false);
		status = nvm_alloc_object(identity, p->hRoot, p->hObjectParent,
					  &handle, desc, NULL);
		if (status == NV_OK) {
			struct nvm_ctl_target t;

			if (nvm_rm_ctl_target(NULL, p->hRoot, handle, &t) == NV_OK && t.gpu)
				p->limit = t.gpu->fb_size - 1;
			nvm_ctl_target_put(&t);
		}
		break;
	case NV01_MEMORY_SYSTEM_DYNAMIC:
	case NV01_MEMORY_SYSTEM_OS_DESCRIPTOR:
	case NV01_MEMORY_LOCAL_PRIVILEGED:
	case NV01_MEMORY_LIST_SYSTEM:
	case NV01_MEMORY_LIST_FBMEM:
	case NV01_MEMORY_LIST_OBJECT:
		/* Real classes of this path the mock does not model. */
		status = NV_ERR_NOT_SUPPORTED;
		break;
	default:
		status = NV_ERR_INVALID_CLASS;
		break;
	}
	p->status = nvm_rm_status(status);

	/* escape.c: map sysmem now unless asked not to. */
	if (p->hClass == NV01_MEMORY_SYSTEM && status == NV_OK &&
	    NV_FLD_GET(NVOS02_FLAGS_ALLOC, flags) != NVOS02_FLAGS_ALLOC_NONE &&
	    NV_FLD_GET(NVOS02_FLAGS_MAPPING, flags) != NVOS02_FLAGS_MAPPING_NO_MAP) {
		/*
		 * rm_create_mmap_context(hRoot, hObjectParent, hObjectNew,
		 * pMemory, limit + 1, 0, ...): with the caller's hObjectNew
		 * and token, so a generated handle or NEVER_MAP fails here.
		 */
		if (!mem || handle != p->hObjectNew ||
		    client_pid != task_tgid_nr(current) ||
		    nvm_ctx_attach(pw->fd, mem, 0, p->limit + 1, false) != NV_OK) {
			if (mem)
				nvm_mem_put(mem);
			nvm_rm_status(NV_ERR_INVALID_ARGUMENT);
			return -EINVAL;
		}
	}
	if (mem)
		nvm_mem_put(mem);
	return 0;
}

/* ---------------------------------------------------------------------
 * Controls: target lookup
 */
u32 nvm_rm_ctl_target(struct nvm_file *identity, u32 h_client, u32 h_object,
		      struct nvm_ctl_target *t)
{
	struct nvm_object *o;
	struct nvm_client *c;
	u32 status;

	t->tsg = NULL;
	t->chan = NULL;
	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_CLIENT;
	status = nvm_client_lock(c, identity, NV_ERR_INVALID_CLIENT);
	if (status != NV_OK)
		goto out_put;
	o = xa_load(&c->objects, h_object);
	if (!o) {
		status = NV_ERR_OBJECT_NOT_FOUND;
	} else {
		t->h_client = h_client;
		t->h_object = h_object;
		t->h_class = o->hclass;
		t->gpu = o->gpu;
		t->identity = c->owner;
		t->tsg = o->tsg;
		t->chan = o->chan;
		if (t->tsg)
			nvm_tsg_get(t->tsg);
		if (t->chan)
			nvm_chan_get(t->chan);
	}
	mutex_unlock(&c->lock);
out_put:
	nvm_client_put(c);
	return status;
}

void nvm_ctl_target_put(struct nvm_ctl_target *t)
{
	if (t->tsg)
		nvm_tsg_put(t->tsg);
	if (t->chan)
		nvm_chan_put(t->chan);
	t->tsg = NULL;
	t->chan = NULL;
}

/*
 * UVM's view of a user's object (nvUvmInterfaceDup*): the client must be
 * dup-able from the calling process (RS_SHARE_TYPE_PID, the default), the
 * object of the right kind. The rmCtrlFd is not checked, as UVM does not.
 */
static u32 nvm_rm_uvm_lookup(u32 h_client, u32 h_object,
			     struct nvm_client **cp, struct nvm_object **op)
{
	struct nvm_client *c;
	u32 status;

	c = nvm_client_get(h_client);
	if (!c)
		return NV_ERR_INVALID_OBJECT_HANDLE;
	status = nvm_client_lock(c, NULL, NV_ERR_INVALID_OBJECT_HANDLE);
	if (status != NV_OK) {
		nvm_client_put(c);
		return status;
	}
	if (c->pid != task_tgid_nr(current)) {
		status = NV_ERR_INSUFFICIENT_PERMISSIONS;
	} else {
		*op = xa_load(&c->objects, h_object);
		if (!*op || h_object == h_client)
			status = NV_ERR_OBJECT_NOT_FOUND;
	}
	if (status != NV_OK) {
		mutex_unlock(&c->lock);
		nvm_client_put(c);
		return status;
	}
	*cp = c;		/* locked, referenced */
	return NV_OK;
}

static void nvm_rm_uvm_done(struct nvm_client *c)
{
	mutex_unlock(&c->lock);
	nvm_client_put(c);
}

u32 nvm_rm_get_memory(u32 h_client, u32 h_memory, struct nvm_mem **mem)
{
	struct nvm_client *c;
	struct nvm_object *o;
	u32 status;

	status = nvm_rm_uvm_lookup(h_client, h_memory, &c, &o);
	if (status != NV_OK)
		return status;
	if (!o->mem || (o->mem->kind != NVM_MEM_VID && o->mem->kind != NVM_MEM_SYS)) {
		status = NV_ERR_INVALID_ARGUMENT;	/* virtual, or not memory */
	} else {
		kref_get(&o->mem->ref);
		*mem = o->mem;
	}
	nvm_rm_uvm_done(c);
	return status;
}

u32 nvm_rm_get_vaspace(u32 h_client, u32 h_vaspace, struct nvm_vas **vas)
{
	struct nvm_client *c;
	struct nvm_object *o;
	u32 status;

	status = nvm_rm_uvm_lookup(h_client, h_vaspace, &c, &o);
	if (status != NV_OK)
		return status;
	if (o->hclass != FERMI_VASPACE_A || !o->vas) {
		status = NV_ERR_INVALID_OBJECT_HANDLE;
	} else {
		nvm_vas_get(o->vas);
		*vas = o->vas;
	}
	nvm_rm_uvm_done(c);
	return status;
}

u32 nvm_rm_get_channel(u32 h_client, u32 h_channel, struct nvm_chan **chan)
{
	struct nvm_client *c;
	struct nvm_object *o;
	u32 status;

	status = nvm_rm_uvm_lookup(h_client, h_channel, &c, &o);
	if (status != NV_OK)
		return status == NV_ERR_OBJECT_NOT_FOUND ? NV_ERR_INVALID_CHANNEL : status;
	if (!o->chan) {
		status = NV_ERR_INVALID_CHANNEL;
	} else {
		nvm_chan_get(o->chan);
		*chan = o->chan;
	}
	nvm_rm_uvm_done(c);
	return status;
}

bool nvm_rm_client_exists(u32 h_client)
{
	struct nvm_client *c = nvm_client_get(h_client);

	if (c)
		nvm_client_put(c);
	return c != NULL;
}

/* ---------------------------------------------------------------------
 * Iteration for debugfs and the per-process controls
 */
void nvm_rm_for_each_client(nvm_client_visit_fn fn, void *arg)
{
	struct nvm_client_info ci;
	struct nvm_client *c;
	unsigned long idx = 0;
	bool alive;

	for (;;) {
		xa_lock(&nvm_clients);
		c = xa_find(&nvm_clients, &idx, ULONG_MAX, XA_PRESENT);
		if (c)
			kref_get(&c->ref);
		xa_unlock(&nvm_clients);
		if (!c)
			break;

		mutex_lock(&c->lock);
		alive = !c->dead;
		if (alive) {
			ci.handle = c->handle;
			ci.pid = c->pid;
			ci.file_id = c->owner_id;
			ci.vidmem = c->vidmem;
			ci.sysmem = c->sysmem;
			ci.objects = c->nobjects;
		}
		mutex_unlock(&c->lock);
		if (alive)
			fn(&ci, arg);
		nvm_client_put(c);
		if (idx == ULONG_MAX)
			break;
		idx++;
	}
}

struct nvm_pid_query {
	struct nvm_gpu *gpu;
	pid_t pid;			/* 0: collect ProcIDs instead */
	u32 hclass;			/* ... of clients with this class */
	u64 priv, owned, duped;		/* video memory of @pid */
	u32 *pids;
	u32 npids, max;
};

/* Scan one client (its lock held) for the query. */
static void nvm_pid_scan(struct nvm_client *c, struct nvm_pid_query *q)
{
	bool has_class = false;
	struct nvm_object *o;
	unsigned long idx;
	u32 i;

	xa_for_each(&c->objects, idx, o) {
		if (o->gpu != q->gpu)
			continue;
		if (o->hclass == q->hclass)
			has_class = true;
		/*
		 * _gpuCollectMemInfo: NV01_MEMORY_LOCAL_USER objects; private
		 * while the memory has one handle, else shared: owned by the
		 * original allocation, duped by the dups.
		 */
		if (q->pid && o->hclass == NV01_MEMORY_LOCAL_USER && o->mem) {
			if (atomic_read(&o->mem->rm_refs) == 1)
				q->priv += o->mem->size;
			else if (!o->dup)
				q->owned += o->mem->size;
			else
				q->duped += o->mem->size;
		}
	}
	if (q->pid || !has_class)
		return;
	for (i = 0; i < q->npids; i++)
		if (q->pids[i] == (u32)c->pid)
			return;
	if (q->npids < q->max)
		q->pids[q->npids++] = c->pid;
}

static void nvm_rm_pid_walk(struct nvm_pid_query *q)
{
	struct nvm_client *c;
	unsigned long idx = 0;

	for (;;) {
		xa_lock(&nvm_clients);
		c = xa_find(&nvm_clients, &idx, ULONG_MAX, XA_PRESENT);
		if (c)
			kref_get(&c->ref);
		xa_unlock(&nvm_clients);
		if (!c)
			break;
		mutex_lock(&c->lock);
		if (!c->dead && (!q->pid || c->pid == q->pid))
			nvm_pid_scan(c, q);
		mutex_unlock(&c->lock);
		nvm_client_put(c);
		if (idx == ULONG_MAX)
			break;
		idx++;
	}
}

void nvm_rm_pid_vidmem(struct nvm_gpu *gpu, pid_t pid, u64 *priv, u64 *owned,
		       u64 *duped)
{
	struct nvm_pid_query q = { .gpu = gpu, .pid = pid };

	nvm_rm_pid_walk(&q);
	*priv = q.priv;
	*owned = q.owned;
	*duped = q.duped;
}

u32 nvm_rm_gpu_pids(struct nvm_gpu *gpu, u32 hclass, u32 *pids, u32 max)
{
	struct nvm_pid_query q = { .gpu = gpu, .hclass = hclass, .pids = pids,
				   .max = max };

	nvm_rm_pid_walk(&q);
	return q.npids;
}
