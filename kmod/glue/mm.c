// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory-management helpers for channel-time gating: page frames behind the
 * driver's mappings, vgpu's own kernel mapping of USERD, and revocation of
 * a driver file's mappings. None of them changes a driver identity: vgpu
 * only zaps page-table entries, which the driver's own fault handler
 * re-inserts (that is how the real driver revokes mappings, too).
 */
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/cgroup.h>

#include "glue.h"

/* The page frame mapped at addr in a VM_IO/VM_PFNMAP vma (mmap lock held). */
int vgpu_vma_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long *pfn)
{
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	int ret;

	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EINVAL;
	ret = follow_pfnmap_start(&args);
	if (ret)
		return ret;
	*pfn = args.pfn;
	follow_pfnmap_end(&args);
	return 0;
}

/* The same, for an address of the calling process. */
int vgpu_current_pfn(unsigned long addr, unsigned long *pfn)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = -EFAULT;

	if (!mm)
		return -EINVAL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		ret = vgpu_vma_pfn(vma, addr, pfn);
	mmap_read_unlock(mm);
	return ret;
}

unsigned long vgpu_vma_start(const struct vm_area_struct *vma)
{
	return vma->vm_start;
}

unsigned long vgpu_vma_end(const struct vm_area_struct *vma)
{
	return vma->vm_end;
}

/* The driver's fault handler for this mapping, or 0. */
unsigned long vgpu_vma_fault_fn(const struct vm_area_struct *vma)
{
	return vma->vm_ops && vma->vm_ops->fault ? (unsigned long)vma->vm_ops->fault : 0;
}

struct file *vgpu_vmf_file(const struct vm_fault *vmf)
{
	return vmf->vma->vm_file;
}

/* Zaps every user mapping of a driver file; the next access faults. */
void vgpu_file_revoke(struct file *file)
{
	unmap_mapping_range(file->f_mapping, 0, 0, 1);
}

/* vgpu's own mapping of one page of a GPU's memory (USERD). Framebuffer
 * pages that are RAM (the mock) come from the direct map; BAR pages of a
 * real GPU are ioremapped. */
void *vgpu_map_page(unsigned long pfn)
{
	phys_addr_t phys = PFN_PHYS(pfn);
	void *p;

	if (pfn_valid(pfn))
		return memremap(phys, PAGE_SIZE, MEMREMAP_WB);
	p = (void __force *)ioremap(phys, PAGE_SIZE);
	return p;
}

void vgpu_unmap_page(void *p, unsigned long pfn)
{
	if (!p)
		return;
	if (pfn_valid(pfn))
		memunmap(p);
	else
		iounmap((void __iomem __force *)p);
}

unsigned int vgpu_vm_fault_nopage(void)
{
	return (__force unsigned int)VM_FAULT_NOPAGE;
}

unsigned int vgpu_vm_fault_retry(void)
{
	return (__force unsigned int)VM_FAULT_RETRY;
}

/*
 * How a fault that must wait may do so: 2 if it may drop its lock (the
 * mmap lock or the per-VMA lock), wait, and be retried, as filemap does for
 * a locked folio; 1 if it may only be retried without waiting; 0 if it must
 * be served (or wait) with the lock held.
 */
int vgpu_fault_retry_mode(const struct vm_fault *vmf)
{
	if (!(vmf->flags & FAULT_FLAG_ALLOW_RETRY))
		return 0;
	return (vmf->flags & FAULT_FLAG_RETRY_NOWAIT) ? 1 : 2;
}

/* Drops the fault's lock; vmf->vma must not be used afterwards. */
void vgpu_fault_release_lock(struct vm_fault *vmf)
{
	release_fault_lock(vmf);
}

unsigned int vgpu_vm_fault_sigbus(void)
{
	return (__force unsigned int)VM_FAULT_SIGBUS;
}

/* The calling process, as a counted struct pid. */
struct pid *vgpu_pid_current(void)
{
	return get_task_pid(current, PIDTYPE_TGID);
}

void vgpu_pid_put(struct pid *pid)
{
	put_pid(pid);
}

/* The cgroup id of a process now, or 0 once it has exited. */
u64 vgpu_pid_cgroup_id(struct pid *pid)
{
	struct task_struct *task;
	u64 id = 0;

	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_TGID);
	if (task)
		id = cgroup_id(task_dfl_cgroup(task));
	rcu_read_unlock();
	return id;
}
