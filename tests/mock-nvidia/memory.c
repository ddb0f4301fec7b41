// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: the framebuffer allocator, memory objects, mmap contexts,
 * mmap() and mapping revocation (the real driver's nv-mmap.c/nv-usermap.c).
 *
 * Where the mock differs from hardware:
 *  - Vidmem is accounting only until it is CPU-mapped. The first mmap() of a
 *    range allocates real zeroed pages for it; they stay with the memory
 *    object (so contents persist across mappings) until the last reference
 *    (RM object, dup, mmap context or VMA) goes. Total backing is capped by
 *    the max_backing_mib parameter; past it mmap() fails with -ENOMEM.
 *  - "BAR" mappings are remap_pfn_range() of those RAM pages, cacheable
 *    (the real driver maps BAR1 write-combined).
 *  - MAP_MEMORY returns a fake bus address: BAR1 base of the GPU + a fake FB
 *    offset for vidmem, a fake "physical" address for sysmem, a BAR0 or
 *    BAR1 address for register memory (USERMODE, driver USERD). Tokens are
 *    opaque; nothing may dereference them.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/highmem.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mock.h"

/* Fake sysmem "physical" addresses: far from any BAR1 window. */
#define NVM_SYSMEM_BASE		0x100000000000ULL
#define NVM_SYSMEM_WINDOW	(1ULL << 43)
/* Fake GPU virtual addresses for NV50_MEMORY_VIRTUAL. */
#define NVM_VA_LIMIT		(1ULL << 49)

static DEFINE_SPINLOCK(nvm_sys_lock);
static u64 nvm_sys_next;

/*
 * Hand out fake, aligned addresses from a window that wraps: they only need
 * to look plausible and stay inside their window.
 */
static u64 nvm_bump(u64 *next, u64 size, u64 align, u64 window)
{
	u64 at = ALIGN(*next, align);

	if (at >= window || size > window - at)
		at = 0;
	*next = at + size;
	return at;
}

struct nvm_mem *nvm_mem_create(enum nvm_mem_kind kind, struct nvm_gpu *gpu,
			       u64 size, u64 page_size, u32 attr, u32 attr2,
			       u32 *status)
{
	struct nvm_mem *mem;
	u32 injected;

	/* debugfs fail_alloc: only real allocations, not query handles. */
	injected = kind == NVM_MEM_NONE || kind == NVM_MEM_REG ? NV_OK :
		   nvm_fault_take_alloc();
	if (injected != NV_OK) {
		*status = injected;
		return NULL;
	}

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem) {
		*status = NV_ERR_NO_MEMORY;
		return NULL;
	}
	kref_init(&mem->ref);
	atomic_set(&mem->rm_refs, 1);
	mem->kind = kind;
	mem->gpu = gpu;
	mem->size = size;
	mem->page_size = page_size;
	mem->attr = attr;
	mem->attr2 = attr2;
	mutex_init(&mem->pages_lock);
	xa_init(&mem->pages);

	switch (kind) {
	case NVM_MEM_VID:
		/* The framebuffer capacity is really enforced. */
		spin_lock(&gpu->fb_lock);
		if (size > gpu->fb_size - gpu->fb_used) {
			spin_unlock(&gpu->fb_lock);
			mutex_destroy(&mem->pages_lock);
			kfree(mem);
			*status = NV_ERR_NO_MEMORY;
			return NULL;
		}
		gpu->fb_used += size;
		mem->charged = true;
		/*
		 * Fake offsets stay inside the framebuffer (and so tokens
		 * inside the BAR1 window CARD_INFO reports): the size was
		 * just checked against the capacity.
		 */
		mem->offset = nvm_bump(&gpu->fb_next, size, page_size,
				       gpu->fb_size);
		spin_unlock(&gpu->fb_lock);
		break;
	case NVM_MEM_VIRT:
		spin_lock(&gpu->fb_lock);
		mem->offset = nvm_bump(&gpu->va_next, min_t(u64, size, NVM_VA_LIMIT / 2),
				       page_size, NVM_VA_LIMIT);
		spin_unlock(&gpu->fb_lock);
		break;
	case NVM_MEM_SYS:
		spin_lock(&nvm_sys_lock);
		mem->offset = nvm_bump(&nvm_sys_next,
				       min_t(u64, size, NVM_SYSMEM_WINDOW / 2),
				       page_size, NVM_SYSMEM_WINDOW);
		spin_unlock(&nvm_sys_lock);
		break;
	case NVM_MEM_NONE:
	case NVM_MEM_REG:
		break;
	}
	atomic_inc(&nvm_stats.mems);
	*status = NV_OK;
	return mem;
}

static void nvm_mem_release(struct kref *ref)
{
	struct nvm_mem *mem = container_of(ref, struct nvm_mem, ref);
	struct page *page;
	unsigned long idx;

	WARN_ON(mem->charged);
	xa_for_each(&mem->pages, idx, page)
		__free_page(page);
	xa_destroy(&mem->pages);
	atomic_long_sub(mem->npages, &nvm_stats.backing_pages);
	mutex_destroy(&mem->pages_lock);
	kfree(mem);
	atomic_dec(&nvm_stats.mems);
}

void nvm_mem_put(struct nvm_mem *mem)
{
	kref_put(&mem->ref, nvm_mem_release);
}

void nvm_mem_get_rm(struct nvm_mem *mem)
{
	atomic_inc(&mem->rm_refs);
	kref_get(&mem->ref);
}

/*
 * One RM object naming @mem is gone. At the last one the FB charge is
 * returned even if mappings keep the pages alive: RM frees the memory when
 * its last handle is freed, whatever CPU mappings remain.
 */
void nvm_mem_put_rm(struct nvm_mem *mem)
{
	struct nvm_gpu *gpu = mem->gpu;

	if (atomic_dec_and_test(&mem->rm_refs) && mem->charged) {
		spin_lock(&gpu->fb_lock);
		gpu->fb_used -= mem->size;
		mem->charged = false;
		spin_unlock(&gpu->fb_lock);
	}
	nvm_mem_put(mem);
}

u64 nvm_mem_token(const struct nvm_mem *mem, u64 offset)
{
	if (mem->kind == NVM_MEM_REG)
		return mem->offset + offset;
	if (mem->kind == NVM_MEM_VID)
		return mem->gpu->bar1_base + mem->offset + offset;
	return NVM_SYSMEM_BASE + mem->offset + offset;
}

/*
 * Real pages for [first, first + count) of @mem, allocated on first use
 * (mmap, a GPU mapping through UVM, a USERD).
 */
int nvm_mem_populate(struct nvm_mem *mem, u64 first, u64 count)
{
	long cap = (long)(nvm_max_backing_mib << (20 - PAGE_SHIFT));
	struct page *page;
	int ret = 0;
	u64 i;

	mutex_lock(&mem->pages_lock);
	for (i = first; i < first + count; i++) {
		if (xa_load(&mem->pages, i))
			continue;
		if (atomic_long_inc_return(&nvm_stats.backing_pages) > cap) {
			atomic_long_dec(&nvm_stats.backing_pages);
			ret = -ENOMEM;
			break;
		}
		page = alloc_page(GFP_USER | __GFP_ZERO | __GFP_NOWARN);
		if (!page) {
			atomic_long_dec(&nvm_stats.backing_pages);
			ret = -ENOMEM;
			break;
		}
		if (xa_is_err(xa_store(&mem->pages, i, page, GFP_KERNEL))) {
			__free_page(page);
			atomic_long_dec(&nvm_stats.backing_pages);
			ret = -ENOMEM;
			break;
		}
		mem->npages++;
		cond_resched();
	}
	mutex_unlock(&mem->pages_lock);
	return ret;
}

/*
 * Register memory (USERMODE regions, driver-provided USERD): backed at once
 * (the engine and the doorbell poller read it from creation), mapped like
 * BAR memory, never charged to the framebuffer. @token is its fake bus
 * address, what MAP_MEMORY returns.
 */
struct nvm_mem *nvm_mem_create_reg(struct nvm_gpu *gpu, u64 size, u64 token,
				   u32 *status)
{
	struct nvm_mem *mem;

	mem = nvm_mem_create(NVM_MEM_REG, gpu, size, PAGE_SIZE, 0, 0, status);
	if (!mem)
		return NULL;
	mem->offset = token;
	if (nvm_mem_populate(mem, 0, size >> PAGE_SHIFT)) {
		nvm_mem_put_rm(mem);
		*status = NV_ERR_NO_MEMORY;
		return NULL;
	}
	return mem;
}

/* ---------------------------------------------------------------------
 * mmap contexts (nv_add_mapping_context_to_file)
 */
u32 nvm_ctx_attach(int fd, struct nvm_mem *mem, u64 offset, u64 length,
		   bool readonly)
{
	bool sysmem = mem->kind == NVM_MEM_SYS;
	struct nvm_file *target;
	struct nvm_ctx *ctx;
	struct file *filp;
	u32 status = NV_OK;

	/* A ctl fd for sysmem, a GPU fd for "BAR" (vidmem) mappings. */
	target = nvm_get_file_private(fd, sysmem, &filp);
	if (!target)
		return NV_ERR_INVALID_ARGUMENT;
	if (!sysmem && target->gpu != mem->gpu) {
		status = NV_ERR_INVALID_ARGUMENT;
		goto out;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		status = NV_ERR_NO_MEMORY;
		goto out;
	}
	ctx->first_page = offset >> PAGE_SHIFT;
	ctx->npages = PAGE_ALIGN((offset & ~PAGE_MASK) + length) >> PAGE_SHIFT;
	ctx->sysmem = sysmem;
	ctx->readonly = readonly;

	mutex_lock(&target->ctx_lock);
	if (target->ctx) {
		/* One context per fd: gVisor calls this "reusing an FD". */
		status = NV_ERR_STATE_IN_USE;
		kfree(ctx);
	} else {
		kref_get(&mem->ref);
		ctx->mem = mem;
		target->ctx = ctx;
		atomic_inc(&nvm_stats.contexts);
	}
	mutex_unlock(&target->ctx_lock);
out:
	fput(filp);
	return status;
}

void nvm_ctx_release(struct nvm_file *nvf)
{
	struct nvm_ctx *ctx;

	mutex_lock(&nvf->ctx_lock);
	ctx = nvf->ctx;
	nvf->ctx = NULL;
	mutex_unlock(&nvf->ctx_lock);
	if (!ctx)
		return;
	nvm_mem_put(ctx->mem);
	kfree(ctx);
	atomic_dec(&nvm_stats.contexts);
}

/* ---------------------------------------------------------------------
 * VMAs
 */
struct nvm_vma {
	struct kref ref;		/* one per VMA (split/fork call .open) */
	struct nvm_mem *mem;		/* holds a reference */
	u64 first_page;
	u64 npages;
	bool sysmem;
};

static void nvm_vma_release(struct kref *ref)
{
	struct nvm_vma *map = container_of(ref, struct nvm_vma, ref);

	nvm_mem_put(map->mem);
	kfree(map);
}

static void nvm_vm_open(struct vm_area_struct *vma)
{
	struct nvm_vma *map = vma->vm_private_data;

	kref_get(&map->ref);
	atomic_inc(&nvm_stats.vmas);
}

static void nvm_vm_close(struct vm_area_struct *vma)
{
	struct nvm_vma *map = vma->vm_private_data;

	atomic_dec(&nvm_stats.vmas);
	kref_put(&map->ref, nvm_vma_release);
}

/*
 * Like nvidia_fault(): only GPU ("BAR") mappings fault, and only after a
 * revocation zapped them; every PFN of the mapping is re-inserted at once.
 * Ctl (sysmem) mappings and split-off pieces (vm_pgoff != 0) get SIGBUS, as
 * on the real driver. The pages exist for as long as the VMA does, so no
 * lock is needed here.
 */
static vm_fault_t nvm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct nvm_vma *map = vma->vm_private_data;
	unsigned long addr = vma->vm_start;
	struct page *page;
	vm_fault_t ret;
	u64 i;

	if (map->sysmem || vma->vm_pgoff != 0)
		return VM_FAULT_SIGBUS;

	for (i = 0; i < map->npages && addr < vma->vm_end;
	     i++, addr += PAGE_SIZE) {
		page = xa_load(&map->mem->pages, map->first_page + i);
		if (!page)
			return VM_FAULT_SIGBUS;
		ret = vmf_insert_pfn_prot(vma, addr, page_to_pfn(page),
					  vma->vm_page_prot);
		if (ret != VM_FAULT_NOPAGE)
			return ret;
	}
	return VM_FAULT_NOPAGE;
}

/* ptrace/proc access to the mapping (nvidia_vma_access). */
static int nvm_vm_access(struct vm_area_struct *vma, unsigned long addr,
			 void *buf, int len, int write)
{
	struct nvm_vma *map = vma->vm_private_data;
	u64 idx = (addr - vma->vm_start) >> PAGE_SHIFT;
	unsigned int off = addr & ~PAGE_MASK;
	struct page *page;
	void *kaddr;

	if (len < 0)
		return -EINVAL;
	idx += vma->vm_pgoff;
	if (idx >= map->npages)
		return -EINVAL;
	if (write && !(vma->vm_flags & VM_WRITE))
		return -EACCES;
	page = xa_load(&map->mem->pages, map->first_page + idx);
	if (!page)
		return -EINVAL;
	len = min_t(int, len, PAGE_SIZE - off);
	kaddr = kmap_local_page(page);
	if (write)
		memcpy(kaddr + off, buf, len);
	else
		memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	return len;
}

static const struct vm_operations_struct nvm_vm_ops = {
	.open	= nvm_vm_open,
	.close	= nvm_vm_close,
	.fault	= nvm_vm_fault,
	.access	= nvm_vm_access,
};

/*
 * mmap() of an fd that received an mmap context (nvidia_mmap_helper):
 *  - no context: -EINVAL; vm_pgoff != 0: -EINVAL (r525 and later);
 *  - /dev/nvidiaN ("BAR", vidmem): the VMA must be exactly the context
 *    (-ENXIO), mapped eagerly with remap_pfn_range, VM_IO|VM_PFNMAP|
 *    VM_DONTEXPAND;
 *  - /dev/nvidiactl (sysmem): page by page with vm_insert_page, up to the
 *    end of the allocation (-ERANGE past it), VM_DONTEXPAND|VM_DONTDUMP;
 *  - read-only contexts lose VM_WRITE and VM_MAYWRITE.
 */
int nvm_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct nvm_file *nvf = filp->private_data;
	unsigned long npages = vma_pages(vma);
	unsigned long addr;
	struct nvm_vma *map;
	struct nvm_ctx *ctx;
	struct nvm_mem *mem;
	struct page *page;
	unsigned long i;
	int ret;

	mutex_lock(&nvf->ctx_lock);
	ctx = nvf->ctx;
	ret = -EINVAL;
	if (!ctx || vma->vm_pgoff != 0)
		goto out;
	mem = ctx->mem;

	if (!ctx->sysmem) {
		if (npages != ctx->npages) {
			ret = -ENXIO;
			goto out;
		}
		/*
		 * The mock's "BAR" pages are not physically contiguous, and a
		 * private (COW) PFN mapping must be one remap of the whole VMA:
		 * MAP_PRIVATE mappings of vidmem are refused (see mock.md).
		 */
		if (vma_is_cow_mapping(vma))
			goto out;
	} else if (ctx->first_page + npages > mem->size >> PAGE_SHIFT) {
		ret = -ERANGE;
		goto out;
	}

	if (ctx->readonly) {
		vm_flags_clear(vma, VM_WRITE | VM_MAYWRITE);
		vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	}

	ret = nvm_mem_populate(mem, ctx->first_page, npages);
	if (ret)
		goto out;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map) {
		ret = -ENOMEM;
		goto out;
	}
	kref_init(&map->ref);
	map->first_page = ctx->first_page;
	map->npages = npages;
	map->sysmem = ctx->sysmem;

	for (i = 0, addr = vma->vm_start; i < npages; i++, addr += PAGE_SIZE) {
		page = xa_load(&mem->pages, ctx->first_page + i);
		if (ctx->sysmem)
			ret = vm_insert_page(vma, addr, page);
		else
			ret = remap_pfn_range(vma, addr, page_to_pfn(page),
					      PAGE_SIZE, vma->vm_page_prot);
		if (ret) {
			/* The kernel zaps what was inserted when mmap fails. */
			kfree(map);
			ret = -EAGAIN;
			goto out;
		}
	}

	if (ctx->sysmem)
		vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	else
		vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND);

	kref_get(&mem->ref);
	map->mem = mem;
	vma->vm_private_data = map;
	vma->vm_ops = &nvm_vm_ops;
	atomic_inc(&nvm_stats.vmas);
	ret = 0;
out:
	mutex_unlock(&nvf->ctx_lock);
	return ret;
}

/*
 * nv_revoke_gpu_mappings_locked(): zap every mapping of every open file of
 * the GPU. Later accesses fault and nvm_vm_fault() re-inserts the PFNs.
 */
void nvm_revoke_gpu_mappings(struct nvm_gpu *gpu)
{
	struct nvm_file *nvf;

	mutex_lock(&gpu->files_lock);
	list_for_each_entry(nvf, &gpu->files, gpu_node)
		unmap_mapping_range(&nvf->mapping, 0, 0, 1);
	atomic64_inc(&gpu->revocations);
	mutex_unlock(&gpu->files_lock);
}
