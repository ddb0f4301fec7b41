/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C side of vgpu_kmod.
 *
 * vgpu's logic is Rust (kmod/ *.rs). This C glue holds only what Rust cannot
 * reach well: static tables (the generic netlink family and its policies,
 * sysfs attribute groups), static-inline kernel helpers, and function-entry
 * redirection with ftrace. Every function here is declared once more in
 * kmod/ffi.rs; keep the two in step.
 */
#ifndef VGPU_GLUE_H
#define VGPU_GLUE_H

#include <linux/types.h>

struct sk_buff;
struct genl_info;
struct netlink_callback;
struct file;
struct inode;
struct vm_area_struct;
struct vm_fault;
struct module;
struct file_operations;
struct cgroup;

/* ------------------------------------------------------------------ */
/* Implemented in Rust, called by the glue.                            */

/* Generic netlink handlers (kmod/netlink.rs). */
int vgpu_rs_nl_get_status(struct sk_buff *skb, struct genl_info *info);
int vgpu_rs_nl_set_quota(struct sk_buff *skb, struct genl_info *info);
int vgpu_rs_nl_get_quota(struct sk_buff *skb, struct genl_info *info);
int vgpu_rs_nl_dump_quota(struct sk_buff *skb, struct netlink_callback *cb);
int vgpu_rs_nl_del_quota(struct sk_buff *skb, struct genl_info *info);

/* The redirected driver handlers (kmod/hooks.rs). Each runs inside the SRCU
 * read section of hook.c and calls the vgpu_orig_* function to reach the
 * driver. */
long vgpu_rs_ioctl(struct file *file, unsigned int cmd, unsigned long arg, bool compat);
int vgpu_rs_mmap(struct file *file, struct vm_area_struct *vma);
int vgpu_rs_release(struct inode *inode, struct file *file);
unsigned int vgpu_rs_fault(struct vm_fault *vmf);

/* debugfs (kmod/compute.rs). */
struct seq_file;
int vgpu_rs_debugfs_arbiters(struct seq_file *m);

/* sysfs show/store (kmod/sysfs.rs). `obj` is the Rust object the node was
 * created for (NULL for the root); `attr` a VGPU_SYSFS_* number. */
ssize_t vgpu_rs_sysfs_show(const void *obj, unsigned int attr, char *buf);

/* ------------------------------------------------------------------ */
/* Implemented in C (kmod/glue/ *.c), called by Rust.                    */

/* genl.c: the family. */
int vgpu_genl_register(void);
void vgpu_genl_unregister(void);
struct sk_buff *vgpu_genl_new(void);
void vgpu_genl_free(struct sk_buff *skb);
void *vgpu_genl_put_reply(struct sk_buff *skb, struct genl_info *info, u8 cmd);
void *vgpu_genl_put_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
void *vgpu_genl_put_event(struct sk_buff *skb, u8 cmd);
void vgpu_genl_end(struct sk_buff *skb, void *hdr);
void vgpu_genl_cancel(struct sk_buff *skb, void *hdr);
int vgpu_genl_reply(struct sk_buff *skb, struct genl_info *info);
int vgpu_genl_multicast_event(struct sk_buff *skb);
bool vgpu_genl_has_event_listeners(void);
int vgpu_nla_put_u32(struct sk_buff *skb, int attr, u32 value);
int vgpu_nla_put_u64(struct sk_buff *skb, int attr, u64 value);
int vgpu_nla_put_string(struct sk_buff *skb, int attr, const char *s);
int vgpu_nla_get_u32(struct genl_info *info, int attr, u32 *out);
int vgpu_nla_get_u64(struct genl_info *info, int attr, u64 *out);
bool vgpu_genl_require(struct genl_info *info, int attr);
void vgpu_genl_set_err(struct genl_info *info, const char *static_msg);
long *vgpu_genl_cb_args(struct netlink_callback *cb);
unsigned int vgpu_skb_len(const struct sk_buff *skb);

/* sysfs.c: /sys/kernel/vgpu. */
enum vgpu_sysfs_attr {
	VGPU_SYSFS_VERSION,
	VGPU_SYSFS_ABI_VERSION,
	VGPU_SYSFS_DRIVER,
	VGPU_SYSFS_CGROUP_PATH,
	VGPU_SYSFS_MEMORY_MAX,
	VGPU_SYSFS_MEMORY_CURRENT,
	VGPU_SYSFS_MEMORY_PEAK,
	VGPU_SYSFS_MEMORY_EVENTS,
	VGPU_SYSFS_ALL_MEMORY_MAX,
	VGPU_SYSFS_COMPUTE_MAX,
	VGPU_SYSFS_COMPUTE_WEIGHT,
	VGPU_SYSFS_COMPUTE_STAT,
	VGPU_SYSFS_ALL_COMPUTE_MAX,
	VGPU_SYSFS_ALL_COMPUTE_WEIGHT,
};
struct vgpu_sysfs_node;
int vgpu_sysfs_init(void);
void vgpu_sysfs_exit(void);
/* cgroups/<id>/ with its "path" file. */
struct vgpu_sysfs_node *vgpu_sysfs_cgroup_add(u64 cgroup_id, const void *obj);
/* cgroups/<id>/gpu<N>/ with the per-GPU files. */
struct vgpu_sysfs_node *vgpu_sysfs_gpu_add(struct vgpu_sysfs_node *cgroup, unsigned int gpu,
					   const void *obj);
/* cgroups/<id>/all/ with the settings that apply to every GPU. */
struct vgpu_sysfs_node *vgpu_sysfs_all_add(struct vgpu_sysfs_node *cgroup, const void *obj);
/* Text of the "driver" file (the attached driver's module name, or ""). */
void vgpu_sysfs_set_driver(const char *name);
/* Removes a node; returns after every show() on it has finished. */
void vgpu_sysfs_node_del(struct vgpu_sysfs_node *node);

/* hook.c: function-entry redirection (see the comment at its top). */
enum vgpu_hook_id {
	VGPU_HOOK_IOCTL,
	VGPU_HOOK_COMPAT_IOCTL,
	VGPU_HOOK_MMAP,
	VGPU_HOOK_RELEASE,
	VGPU_HOOK_FAULT,
	VGPU_HOOK_NR,
};
int vgpu_hook_install(unsigned int id, unsigned long target);
void vgpu_hook_fault_async(unsigned long target);
bool vgpu_hook_installed(unsigned int id);
void vgpu_hooks_unregister(void);
void vgpu_hooks_drain(void);
long vgpu_orig_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long vgpu_orig_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int vgpu_orig_mmap(struct file *file, struct vm_area_struct *vma);
int vgpu_orig_release(struct inode *inode, struct file *file);
unsigned int vgpu_orig_fault(struct vm_fault *vmf);

/* driver.c: the driver behind the control node. Mirrored by ffi::Driver. */
struct vgpu_driver {
	struct module *owner;
	const struct file_operations *fops;
	unsigned long ioctl;
	unsigned long compat_ioctl;
	unsigned long mmap;
	unsigned long release;
	char name[64];
};
const char *vgpu_param_nvidia_ctl(void);
int vgpu_driver_probe(struct vgpu_driver *drv);
void vgpu_driver_put(struct vgpu_driver *drv);
unsigned int vgpu_file_minor(const struct file *file);
bool vgpu_file_is_driver(const struct file *file, const struct vgpu_driver *drv);

/* cgroup.c: cgroup v2. Returned cgroups hold a reference. */
struct cgroup *vgpu_cgroup_current(void);
u64 vgpu_cgroup_current_id(void);
struct cgroup *vgpu_cgroup_from_id(u64 id);
struct cgroup *vgpu_cgroup_parent(struct cgroup *cg);
u64 vgpu_cgroup_id(struct cgroup *cg);
void vgpu_cgroup_put(struct cgroup *cg);
bool vgpu_cgroup_online(struct cgroup *cg);
int vgpu_cgroup_path(struct cgroup *cg, char *buf, size_t len);

/* mm.c: page frames, vgpu's USERD mappings, revocation, processes. */
struct pid;
int vgpu_vma_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long *pfn);
int vgpu_current_pfn(unsigned long addr, unsigned long *pfn);
unsigned long vgpu_vma_start(const struct vm_area_struct *vma);
unsigned long vgpu_vma_end(const struct vm_area_struct *vma);
unsigned long vgpu_vma_fault_fn(const struct vm_area_struct *vma);
struct file *vgpu_vmf_file(const struct vm_fault *vmf);
void vgpu_file_revoke(struct file *file);
void *vgpu_map_page(unsigned long pfn);
void vgpu_unmap_page(void *p, unsigned long pfn);
unsigned int vgpu_vm_fault_nopage(void);
unsigned int vgpu_vm_fault_sigbus(void);
unsigned int vgpu_vm_fault_retry(void);
int vgpu_fault_retry_mode(const struct vm_fault *vmf);
void vgpu_fault_release_lock(struct vm_fault *vmf);
struct pid *vgpu_pid_current(void);
void vgpu_pid_put(struct pid *pid);
u64 vgpu_pid_cgroup_id(struct pid *pid);

/* thread.c: the per-GPU arbiter threads. */
struct task_struct;
struct task_struct *vgpu_thread_start(int (*fn)(void *), void *arg, unsigned int gpu);
int vgpu_thread_stop(struct task_struct *t);
bool vgpu_thread_should_stop(void);
void vgpu_thread_wake(struct task_struct *t);
void vgpu_thread_sleep_ns(u64 ns);
u64 vgpu_now_ns(void);

/* debugfs.c: /sys/kernel/debug/vgpu (not an ABI). */
void vgpu_debugfs_init(void);
void vgpu_debugfs_exit(void);
void vgpu_seq_write(struct seq_file *m, const char *s, size_t len);

#endif /* VGPU_GLUE_H */
