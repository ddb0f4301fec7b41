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
struct vm_area_struct;

/* ------------------------------------------------------------------ */
/* Implemented in Rust, called by the glue.                            */

/* Generic netlink handlers (kmod/netlink.rs). */
int vgpu_rs_nl_get_status(struct sk_buff *skb, struct genl_info *info);

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
	VGPU_SYSFS_COMPUTE_MAX,
	VGPU_SYSFS_COMPUTE_WEIGHT,
	VGPU_SYSFS_COMPUTE_STAT,
};
struct vgpu_sysfs_node;
int vgpu_sysfs_init(void);
void vgpu_sysfs_exit(void);
/* cgroups/<id>/ with its "path" file. */
struct vgpu_sysfs_node *vgpu_sysfs_cgroup_add(u64 cgroup_id, const void *obj);
/* cgroups/<id>/<name>/ with the memory.* and compute.* files. */
struct vgpu_sysfs_node *vgpu_sysfs_gpu_add(struct vgpu_sysfs_node *cgroup,
					   const char *name, const void *obj);
/* Removes a node; returns after every show() on it has finished. */
void vgpu_sysfs_node_del(struct vgpu_sysfs_node *node);

#endif /* VGPU_GLUE_H */
