// SPDX-License-Identifier: GPL-2.0-only
/*
 * Function-entry redirection of the NVIDIA driver's file handlers.
 *
 * vgpu never replaces the driver's f_op, private_data, f_mapping, vm_ops or
 * device nodes: the driver checks those identities (nvidia-abi.md §5).
 * Instead the entry of each handler function is redirected with ftrace, the
 * way livepatch does it: an ftrace_ops with IPMODIFY on the function's
 * __fentry__ site sets the instruction pointer to a vgpu entry with the same
 * signature. The entry calls into Rust, which calls the original through the
 * saved address; a call whose return address lies inside vgpu is not
 * redirected again, so the original runs.
 *
 * Lifetime. Every redirected call runs inside an SRCU read section of
 * vgpu_hook_srcu. Detaching (1) unregisters the ftrace ops, so no new call is
 * redirected; (2) waits with synchronize_rcu_tasks() for tasks caught
 * between the redirection and srcu_read_lock() (that stretch has no
 * voluntary context switch); then, once Rust has woken anything it keeps
 * asleep, (3) waits for every call in flight with synchronize_srcu() and
 * (4) once more with synchronize_rcu_tasks() for tasks still executing the
 * last instructions of an entry after srcu_read_unlock(). Only then may the
 * module's text go away.
 */
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

#include "glue.h"

DEFINE_STATIC_SRCU(vgpu_hook_srcu);

struct vgpu_hook {
	const char *name;
	unsigned long target;		/* the driver's function */
	unsigned long entry;		/* vgpu's replacement */
	struct ftrace_ops ops;
	bool installed;
};

typedef long (*ioctl_fn)(struct file *, unsigned int, unsigned long);
typedef int (*mmap_fn)(struct file *, struct vm_area_struct *);
typedef int (*release_fn)(struct inode *, struct file *);
typedef vm_fault_t (*fault_fn)(struct vm_fault *);

static long vgpu_entry_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
static long vgpu_entry_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
static int vgpu_entry_mmap(struct file *file, struct vm_area_struct *vma);
static int vgpu_entry_release(struct inode *inode, struct file *file);
static vm_fault_t vgpu_entry_fault(struct vm_fault *vmf);

static struct vgpu_hook vgpu_hooks[VGPU_HOOK_NR] = {
	[VGPU_HOOK_IOCTL] = { .name = "unlocked_ioctl", .entry = (unsigned long)vgpu_entry_ioctl },
	[VGPU_HOOK_COMPAT_IOCTL] = { .name = "compat_ioctl", .entry = (unsigned long)vgpu_entry_compat_ioctl },
	[VGPU_HOOK_MMAP] = { .name = "mmap", .entry = (unsigned long)vgpu_entry_mmap },
	[VGPU_HOOK_RELEASE] = { .name = "release", .entry = (unsigned long)vgpu_entry_release },
	[VGPU_HOOK_FAULT] = { .name = "vm_ops.fault", .entry = (unsigned long)vgpu_entry_fault },
};

static void notrace vgpu_ftrace_thunk(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct vgpu_hook *hook = container_of(op, struct vgpu_hook, ops);

	/* vgpu calling the original: let it run. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	ftrace_regs_set_instruction_pointer(fregs, hook->entry);
}

int vgpu_hook_install(unsigned int id, unsigned long target)
{
	struct vgpu_hook *hook;
	int ret;

	if (id >= VGPU_HOOK_NR || !target)
		return -EINVAL;
	hook = &vgpu_hooks[id];
	if (hook->installed)
		return -EBUSY;
	hook->target = target;
	hook->ops.func = vgpu_ftrace_thunk;
	/* Like livepatch: with ftrace args the instruction pointer can be set
	 * without saving a full pt_regs, which costs every redirected call.
	 * RECURSION: the thunk needs no recursion protection (it calls
	 * nothing that is traced). */
	hook->ops.flags = FTRACE_OPS_FL_RECURSION | FTRACE_OPS_FL_IPMODIFY;
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
	hook->ops.flags |= FTRACE_OPS_FL_SAVE_REGS;
#endif
	ret = ftrace_set_filter_ip(&hook->ops, target, 0, 0);
	if (ret) {
		pr_err("vgpu: cannot trace the driver's %s at %pS (%d)\n", hook->name,
		       (void *)target, ret);
		return ret;
	}
	ret = register_ftrace_function(&hook->ops);
	if (ret) {
		pr_err("vgpu: cannot redirect the driver's %s at %pS (%d)\n", hook->name,
		       (void *)target, ret);
		ftrace_set_filter_ip(&hook->ops, target, 1, 0);
		return ret;
	}
	WRITE_ONCE(hook->installed, true);
	return 0;
}

/*
 * The driver's vm_ops->fault is only known once it has mapped something.
 * vgpu learns it in the mmap handler, under the mmap lock, where changing
 * ftrace is not welcome; the hook is installed from a work item instead.
 * Revocation waits until it is in place (vgpu_hook_installed).
 */
static unsigned long vgpu_fault_target;
static void vgpu_fault_hook_work(struct work_struct *w)
{
	unsigned long target = READ_ONCE(vgpu_fault_target);

	if (target && !vgpu_hook_installed(VGPU_HOOK_FAULT))
		vgpu_hook_install(VGPU_HOOK_FAULT, target);
}
static DECLARE_WORK(vgpu_fault_work, vgpu_fault_hook_work);

void vgpu_hook_fault_async(unsigned long target)
{
	if (vgpu_hook_installed(VGPU_HOOK_FAULT) || READ_ONCE(vgpu_fault_target))
		return;
	WRITE_ONCE(vgpu_fault_target, target);
	schedule_work(&vgpu_fault_work);
}

bool vgpu_hook_installed(unsigned int id)
{
	return id < VGPU_HOOK_NR && READ_ONCE(vgpu_hooks[id].installed);
}

/* Step (1) and (2) of detaching: no call is redirected any more, and every
 * redirected call is inside an SRCU read section. */
void vgpu_hooks_unregister(void)
{
	int i;

	flush_work(&vgpu_fault_work);
	for (i = 0; i < VGPU_HOOK_NR; i++) {
		struct vgpu_hook *hook = &vgpu_hooks[i];

		if (!hook->installed)
			continue;
		unregister_ftrace_function(&hook->ops);
		ftrace_set_filter_ip(&hook->ops, hook->target, 1, 0);
	}
	synchronize_rcu_tasks();
}

/* Steps (3) and (4): every call in flight has left vgpu's text. */
void vgpu_hooks_drain(void)
{
	int i;

	synchronize_srcu(&vgpu_hook_srcu);
	synchronize_rcu_tasks();
	for (i = 0; i < VGPU_HOOK_NR; i++) {
		vgpu_hooks[i].installed = false;
		vgpu_hooks[i].target = 0;
	}
	WRITE_ONCE(vgpu_fault_target, 0);
}

/* The originals. Calls from here carry a return address inside vgpu, so the
 * thunk lets them through. */
long vgpu_orig_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return ((ioctl_fn)vgpu_hooks[VGPU_HOOK_IOCTL].target)(file, cmd, arg);
}

long vgpu_orig_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned long t = vgpu_hooks[VGPU_HOOK_COMPAT_IOCTL].target;

	/* The real driver uses one function for both; then only one is hooked. */
	if (!t)
		t = vgpu_hooks[VGPU_HOOK_IOCTL].target;
	return ((ioctl_fn)t)(file, cmd, arg);
}

int vgpu_orig_mmap(struct file *file, struct vm_area_struct *vma)
{
	return ((mmap_fn)vgpu_hooks[VGPU_HOOK_MMAP].target)(file, vma);
}

int vgpu_orig_release(struct inode *inode, struct file *file)
{
	return ((release_fn)vgpu_hooks[VGPU_HOOK_RELEASE].target)(inode, file);
}

unsigned int vgpu_orig_fault(struct vm_fault *vmf)
{
	return ((fault_fn)vgpu_hooks[VGPU_HOOK_FAULT].target)(vmf);
}

/* The entries: same signatures as the driver's handlers. */
static long vgpu_entry_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	int idx = srcu_read_lock(&vgpu_hook_srcu);
	long ret = vgpu_rs_ioctl(file, cmd, arg, false);

	srcu_read_unlock(&vgpu_hook_srcu, idx);
	return ret;
}

static long vgpu_entry_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	int idx = srcu_read_lock(&vgpu_hook_srcu);
	long ret = vgpu_rs_ioctl(file, cmd, arg, true);

	srcu_read_unlock(&vgpu_hook_srcu, idx);
	return ret;
}

static int vgpu_entry_mmap(struct file *file, struct vm_area_struct *vma)
{
	int idx = srcu_read_lock(&vgpu_hook_srcu);
	int ret = vgpu_rs_mmap(file, vma);

	srcu_read_unlock(&vgpu_hook_srcu, idx);
	return ret;
}

static int vgpu_entry_release(struct inode *inode, struct file *file)
{
	int idx = srcu_read_lock(&vgpu_hook_srcu);
	int ret = vgpu_rs_release(inode, file);

	srcu_read_unlock(&vgpu_hook_srcu, idx);
	return ret;
}

static vm_fault_t vgpu_entry_fault(struct vm_fault *vmf)
{
	int idx = srcu_read_lock(&vgpu_hook_srcu);
	vm_fault_t ret = vgpu_rs_fault(vmf);

	srcu_read_unlock(&vgpu_hook_srcu, idx);
	return ret;
}
