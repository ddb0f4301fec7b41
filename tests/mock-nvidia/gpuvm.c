// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: GPU virtual address spaces (FERMI_VASPACE_A).
 *
 * A real GPU resolves every pushbuffer, GPFIFO, semaphore and copy address
 * through the page tables of the channel's VA space, which UVM fills with
 * MAP_EXTERNAL_ALLOCATION. The mock keeps those "page tables" as a set of
 * non-overlapping mappings [start, end) -> (memory object, offset) per VA
 * space, and the engine reaches memory only through the accessors below.
 *
 * Lifetime: a mapping holds an RM reference on its memory object (UVM dups
 * the handle on a real driver), so freeing the memory object through RM
 * does not free the pages the GPU can still reach, and the framebuffer
 * charge stays until UVM unmaps it, as on hardware. The engine accesses
 * pages with vas->lock held for reading; mappings are only removed with it
 * held for writing; pages only go with the memory object's last reference.
 * So the engine never touches freed memory, whatever is freed under it.
 *
 * Where the mock differs from hardware: one page size (the host's) for
 * every mapping, no TLBs, no faults to UVM (a GPU access to an unmapped VA
 * is a channel error, as an MMU fault on a channel without replayable
 * faults is), mappings are by the host page.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mock.h"

struct nvm_gmap {
	struct rb_node node;
	u64 start, end;			/* GPU VA [start, end) */
	struct nvm_mem *mem;		/* an RM reference */
	u64 mem_off;			/* byte offset in mem of start */
	bool readonly;
	const void *tag;		/* who made it (a UVM range) */
};

static atomic64_t nvm_vas_next_id;

struct nvm_vas *nvm_vas_create(struct nvm_gpu *gpu, u32 flags)
{
	struct nvm_vas *vas = kzalloc(sizeof(*vas), GFP_KERNEL);

	if (!vas)
		return NULL;
	kref_init(&vas->ref);
	vas->gpu = gpu;
	vas->flags = flags;
	vas->id = atomic64_inc_return(&nvm_vas_next_id);
	init_rwsem(&vas->lock);
	vas->maps = RB_ROOT;
	atomic_inc(&nvm_stats2.vaspaces);
	return vas;
}

void nvm_vas_get(struct nvm_vas *vas)
{
	kref_get(&vas->ref);
}

static void nvm_gmap_free(struct nvm_vas *vas, struct nvm_gmap *m)
{
	rb_erase(&m->node, &vas->maps);
	vas->nmaps--;
	nvm_mem_put_rm(m->mem);
	kfree(m);
	atomic_dec(&nvm_stats2.gpu_maps);
}

static void nvm_vas_release(struct kref *ref)
{
	struct nvm_vas *vas = container_of(ref, struct nvm_vas, ref);

	nvm_vas_unmap_all(vas);
	WARN_ON(vas->uvm_owner);
	kfree(vas);
	atomic_dec(&nvm_stats2.vaspaces);
}

void nvm_vas_put(struct nvm_vas *vas)
{
	if (vas)
		kref_put(&vas->ref, nvm_vas_release);
}

/* The mapping holding @va, or NULL. vas->lock held. */
static struct nvm_gmap *nvm_gmap_find(struct nvm_vas *vas, u64 va)
{
	struct rb_node *n = vas->maps.rb_node;

	while (n) {
		struct nvm_gmap *m = rb_entry(n, struct nvm_gmap, node);

		if (va < m->start)
			n = n->rb_left;
		else if (va >= m->end)
			n = n->rb_right;
		else
			return m;
	}
	return NULL;
}

/* The first mapping ending after @va, or NULL. vas->lock held. */
static struct nvm_gmap *nvm_gmap_first_after(struct nvm_vas *vas, u64 va)
{
	struct rb_node *n = vas->maps.rb_node;
	struct nvm_gmap *best = NULL;

	while (n) {
		struct nvm_gmap *m = rb_entry(n, struct nvm_gmap, node);

		if (m->end > va) {
			best = m;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

static void nvm_gmap_insert(struct nvm_vas *vas, struct nvm_gmap *new)
{
	struct rb_node **link = &vas->maps.rb_node, *parent = NULL;

	while (*link) {
		struct nvm_gmap *m = rb_entry(*link, struct nvm_gmap, node);

		parent = *link;
		link = new->start < m->start ? &(*link)->rb_left : &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &vas->maps);
	vas->nmaps++;
	atomic_inc(&nvm_stats2.gpu_maps);
}

/*
 * Remove [va, end) from the mappings, trimming or splitting the ones that
 * stick out. @spare is a preallocated mapping for the one split that can
 * happen (a mapping covering the whole range); returns it if unused.
 * vas->lock held for writing.
 */
static struct nvm_gmap *nvm_gmap_punch(struct nvm_vas *vas, u64 va, u64 end,
				       struct nvm_gmap *spare)
{
	struct nvm_gmap *m = nvm_gmap_first_after(vas, va), *next;

	while (m && m->start < end) {
		struct rb_node *nn = rb_next(&m->node);

		next = nn ? rb_entry(nn, struct nvm_gmap, node) : NULL;
		if (m->start < va && m->end > end) {
			/* Split: [m->start, va) stays, [end, m->end) is new. */
			if (WARN_ON(!spare))
				return NULL;
			*spare = *m;
			spare->mem_off += end - m->start;
			spare->start = end;
			nvm_mem_get_rm(spare->mem);
			m->end = va;
			nvm_gmap_insert(vas, spare);
			return NULL;
		} else if (m->start < va) {
			m->end = va;
		} else if (m->end > end) {
			m->mem_off += end - m->start;
			m->start = end;	/* the order in the tree is kept */
		} else {
			nvm_gmap_free(vas, m);
		}
		m = next;
	}
	return spare;
}

int nvm_vas_map(struct nvm_vas *vas, u64 va, u64 len, struct nvm_mem *mem,
		u64 mem_off, bool readonly, const void *tag)
{
	struct nvm_gmap *m, *spare;
	u64 end;

	if (!len || check_add_overflow(va, len, &end))
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (!m || !spare) {
		kfree(m);
		kfree(spare);
		return -ENOMEM;
	}
	m->start = va;
	m->end = end;
	m->mem = mem;
	m->mem_off = mem_off;
	m->readonly = readonly;
	m->tag = tag;
	nvm_mem_get_rm(mem);

	down_write(&vas->lock);
	spare = nvm_gmap_punch(vas, va, end, spare);
	nvm_gmap_insert(vas, m);
	up_write(&vas->lock);
	kfree(spare);
	return 0;
}

void nvm_vas_unmap_range(struct nvm_vas *vas, u64 va, u64 len)
{
	struct nvm_gmap *spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	u64 end;

	if (check_add_overflow(va, len, &end))
		end = U64_MAX;
	down_write(&vas->lock);
	/* Without a spare a covering mapping is removed whole (no memory). */
	if (!spare) {
		struct nvm_gmap *m = nvm_gmap_find(vas, va);

		if (m && m->start < va && m->end > end)
			nvm_gmap_free(vas, m);
	}
	spare = nvm_gmap_punch(vas, va, end, spare);
	up_write(&vas->lock);
	kfree(spare);
}

void nvm_vas_unmap_tag(struct nvm_vas *vas, const void *tag)
{
	struct rb_node *n;

	down_write(&vas->lock);
	for (n = rb_first(&vas->maps); n;) {
		struct nvm_gmap *m = rb_entry(n, struct nvm_gmap, node);

		n = rb_next(n);
		if (m->tag == tag)
			nvm_gmap_free(vas, m);
	}
	up_write(&vas->lock);
}

void nvm_vas_unmap_all(struct nvm_vas *vas)
{
	struct rb_node *n;

	down_write(&vas->lock);
	while ((n = rb_first(&vas->maps)))
		nvm_gmap_free(vas, rb_entry(n, struct nvm_gmap, node));
	up_write(&vas->lock);
}

/*
 * Translate @va: the kernel address of its byte and how many bytes follow
 * it in the same page and mapping. vas->lock held for reading.
 */
static int nvm_vas_xlate(struct nvm_vas *vas, u64 va, bool write, u8 **kaddr,
			 u32 *avail)
{
	struct nvm_gmap *m = nvm_gmap_find(vas, va);
	struct page *page;
	u64 off, in_map;
	u32 in_page;

	if (!m)
		return -EFAULT;
	if (write && m->readonly)
		return -EACCES;
	off = va - m->start + m->mem_off;
	page = nvm_mem_page(m->mem, off >> PAGE_SHIFT);
	if (!page)
		return -EFAULT;	/* never populated: cannot happen once mapped */
	in_page = PAGE_SIZE - (off & ~PAGE_MASK);
	in_map = m->end - va;
	*kaddr = (u8 *)page_address(page) + (off & ~PAGE_MASK);
	*avail = in_map < in_page ? (u32)in_map : in_page;
	return 0;
}

static int nvm_vas_rw(struct nvm_vas *vas, u64 va, void *buf, u32 len,
		      bool write)
{
	u8 *p = buf, *k;
	u32 avail, n;
	int ret = 0;

	if (!vas)
		return -EFAULT;
	down_read(&vas->lock);
	while (len) {
		ret = nvm_vas_xlate(vas, va, write, &k, &avail);
		if (ret)
			break;
		n = min(avail, len);
		if (write)
			memcpy(k, p, n);
		else
			memcpy(p, k, n);
		p += n;
		va += n;
		len -= n;
	}
	up_read(&vas->lock);
	return ret;
}

int nvm_vas_read(struct nvm_vas *vas, u64 va, void *buf, u32 len)
{
	return nvm_vas_rw(vas, va, buf, len, false);
}

int nvm_vas_write(struct nvm_vas *vas, u64 va, const void *buf, u32 len)
{
	return nvm_vas_rw(vas, va, (void *)buf, len, true);
}

/*
 * A copy-engine copy. The lock is dropped every few hundred KiB so that a
 * big copy neither starves UVM nor hogs a CPU.
 */
int nvm_vas_copy(struct nvm_vas *vas, u64 dst, u64 src, u64 len)
{
	u32 sa, da, n, since = 0;
	u8 *s, *d;
	int ret = 0;

	if (!vas)
		return len ? -EFAULT : 0;
	down_read(&vas->lock);
	while (len) {
		ret = nvm_vas_xlate(vas, src, false, &s, &sa);
		if (!ret)
			ret = nvm_vas_xlate(vas, dst, true, &d, &da);
		if (ret)
			break;
		n = min3(sa, da, (u32)min_t(u64, len, U32_MAX));
		memmove(d, s, n);
		src += n;
		dst += n;
		len -= n;
		since += n;
		if (since >= SZ_256K && len) {
			since = 0;
			up_read(&vas->lock);
			cond_resched();
			down_read(&vas->lock);
		}
	}
	up_read(&vas->lock);
	return ret;
}

/* Semaphores: one aligned access when the address allows it. */
int nvm_vas_load(struct nvm_vas *vas, u64 va, u64 *val, bool is64)
{
	u32 size = is64 ? 8 : 4, avail;
	int ret;
	u8 *k;

	if (!vas)
		return -EFAULT;
	if (va & (size - 1)) {
		*val = 0;
		return nvm_vas_read(vas, va, val, size);	/* little endian */
	}
	down_read(&vas->lock);
	ret = nvm_vas_xlate(vas, va, false, &k, &avail);
	if (!ret)
		*val = is64 ? READ_ONCE(*(u64 *)k) : READ_ONCE(*(u32 *)k);
	up_read(&vas->lock);
	return ret;
}

int nvm_vas_store(struct nvm_vas *vas, u64 va, u64 val, bool is64)
{
	u32 size = is64 ? 8 : 4, avail;
	int ret;
	u8 *k;

	if (!vas)
		return -EFAULT;
	if (va & (size - 1))
		return nvm_vas_write(vas, va, &val, size);	/* little endian */
	down_read(&vas->lock);
	ret = nvm_vas_xlate(vas, va, true, &k, &avail);
	if (!ret) {
		if (is64)
			WRITE_ONCE(*(u64 *)k, val);
		else
			WRITE_ONCE(*(u32 *)k, (u32)val);
	}
	up_read(&vas->lock);
	return ret;
}
