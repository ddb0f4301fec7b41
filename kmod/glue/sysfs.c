// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/vgpu: kobjects and attribute tables. Every value is produced
 * by Rust (vgpu_rs_sysfs_show); this file only shapes the tree. Layout and
 * names: uapi/src/sysfs.rs, docs/ABI.md.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "glue.h"

struct vgpu_attr {
	struct attribute attr;
	unsigned int id;
};

struct vgpu_sysfs_node {
	struct kobject kobj;
	const void *obj;	/* the Rust object behind this directory */
};

static struct kobject *vgpu_root;
static struct kobject *vgpu_cgroups;

#define VGPU_ATTR(_var, _name, _id) \
	static struct vgpu_attr _var = { .attr = { .name = _name, .mode = 0444 }, .id = _id }

VGPU_ATTR(a_version, "version", VGPU_SYSFS_VERSION);
VGPU_ATTR(a_abi_version, "abi_version", VGPU_SYSFS_ABI_VERSION);
VGPU_ATTR(a_driver, "driver", VGPU_SYSFS_DRIVER);
VGPU_ATTR(a_path, "path", VGPU_SYSFS_CGROUP_PATH);
VGPU_ATTR(a_memory_max, "memory.max", VGPU_SYSFS_MEMORY_MAX);
VGPU_ATTR(a_memory_current, "memory.current", VGPU_SYSFS_MEMORY_CURRENT);
VGPU_ATTR(a_memory_peak, "memory.peak", VGPU_SYSFS_MEMORY_PEAK);
VGPU_ATTR(a_memory_events, "memory.events", VGPU_SYSFS_MEMORY_EVENTS);
VGPU_ATTR(a_all_memory_max, "memory.max", VGPU_SYSFS_ALL_MEMORY_MAX);
VGPU_ATTR(a_compute_max, "compute.max", VGPU_SYSFS_COMPUTE_MAX);
VGPU_ATTR(a_compute_weight, "compute.weight", VGPU_SYSFS_COMPUTE_WEIGHT);
VGPU_ATTR(a_compute_stat, "compute.stat", VGPU_SYSFS_COMPUTE_STAT);
VGPU_ATTR(a_all_compute_max, "compute.max", VGPU_SYSFS_ALL_COMPUTE_MAX);
VGPU_ATTR(a_all_compute_weight, "compute.weight", VGPU_SYSFS_ALL_COMPUTE_WEIGHT);

static struct attribute *root_attrs[] = {
	&a_version.attr, &a_abi_version.attr, &a_driver.attr, NULL,
};
static const struct attribute_group root_group = { .attrs = root_attrs };

static struct attribute *cgroup_attrs[] = { &a_path.attr, NULL };
ATTRIBUTE_GROUPS(cgroup);

static struct attribute *gpu_attrs[] = {
	&a_memory_max.attr, &a_memory_current.attr, &a_memory_peak.attr,
	&a_memory_events.attr, &a_compute_max.attr, &a_compute_weight.attr,
	&a_compute_stat.attr, NULL,
};
ATTRIBUTE_GROUPS(gpu);

static struct attribute *all_attrs[] = {
	&a_all_memory_max.attr, &a_all_compute_max.attr, &a_all_compute_weight.attr, NULL,
};
ATTRIBUTE_GROUPS(all);

/* The attached driver; written at attach/detach, read by "driver". */
static DEFINE_SPINLOCK(driver_lock);
static char driver_name[64];

void vgpu_sysfs_set_driver(const char *name)
{
	spin_lock(&driver_lock);
	strscpy(driver_name, name ? name : "", sizeof(driver_name));
	spin_unlock(&driver_lock);
}

static ssize_t vgpu_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	const struct vgpu_attr *va = container_of(attr, struct vgpu_attr, attr);
	const void *obj = NULL;

	if (va->id == VGPU_SYSFS_DRIVER) {
		ssize_t n;

		spin_lock(&driver_lock);
		n = sysfs_emit(buf, "%s\n", driver_name);
		spin_unlock(&driver_lock);
		return n;
	}
	if (kobj != vgpu_root)
		obj = container_of(kobj, struct vgpu_sysfs_node, kobj)->obj;
	return vgpu_rs_sysfs_show(obj, va->id, buf);
}

static const struct sysfs_ops vgpu_sysfs_ops = {
	.show = vgpu_attr_show,
};

static void vgpu_node_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vgpu_sysfs_node, kobj));
}

static const struct kobj_type cgroup_ktype = {
	.release = vgpu_node_release,
	.sysfs_ops = &vgpu_sysfs_ops,
	.default_groups = cgroup_groups,
};

static const struct kobj_type gpu_ktype = {
	.release = vgpu_node_release,
	.sysfs_ops = &vgpu_sysfs_ops,
	.default_groups = gpu_groups,
};

static const struct kobj_type all_ktype = {
	.release = vgpu_node_release,
	.sysfs_ops = &vgpu_sysfs_ops,
	.default_groups = all_groups,
};

/* The root kobject uses the stock dynamic ktype, whose sysfs_ops expect
 * kobj_attribute; give the root its own ops instead. */
static void vgpu_root_release(struct kobject *kobj)
{
	kfree(kobj);
}

static const struct kobj_type root_ktype = {
	.release = vgpu_root_release,
	.sysfs_ops = &vgpu_sysfs_ops,
};

int vgpu_sysfs_init(void)
{
	int ret;

	vgpu_root = kzalloc(sizeof(*vgpu_root), GFP_KERNEL);
	if (!vgpu_root)
		return -ENOMEM;
	ret = kobject_init_and_add(vgpu_root, &root_ktype, kernel_kobj, "vgpu");
	if (ret)
		goto put_root;
	ret = sysfs_create_group(vgpu_root, &root_group);
	if (ret)
		goto put_root;
	vgpu_cgroups = kobject_create_and_add("cgroups", vgpu_root);
	if (!vgpu_cgroups) {
		ret = -ENOMEM;
		goto remove_group;
	}
	return 0;

remove_group:
	sysfs_remove_group(vgpu_root, &root_group);
put_root:
	kobject_put(vgpu_root);
	vgpu_root = NULL;
	return ret;
}

void vgpu_sysfs_exit(void)
{
	kobject_put(vgpu_cgroups);
	sysfs_remove_group(vgpu_root, &root_group);
	kobject_put(vgpu_root);
	vgpu_cgroups = NULL;
	vgpu_root = NULL;
}

static struct vgpu_sysfs_node *node_add(const struct kobj_type *ktype, struct kobject *parent,
					const void *obj, const char *fmt, ...)
{
	struct vgpu_sysfs_node *node;
	va_list args;
	char *name;
	int ret;

	va_start(args, fmt);
	name = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!name)
		return NULL;
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node) {
		kfree(name);
		return NULL;
	}
	node->obj = obj;
	kobject_init(&node->kobj, ktype);
	ret = kobject_add(&node->kobj, parent, "%s", name);
	kfree(name);
	if (ret) {
		kobject_put(&node->kobj);
		return NULL;
	}
	return node;
}

struct vgpu_sysfs_node *vgpu_sysfs_cgroup_add(u64 cgroup_id, const void *obj)
{
	return node_add(&cgroup_ktype, vgpu_cgroups, obj, "%llu", cgroup_id);
}

struct vgpu_sysfs_node *vgpu_sysfs_gpu_add(struct vgpu_sysfs_node *cgroup, unsigned int gpu,
					   const void *obj)
{
	return node_add(&gpu_ktype, &cgroup->kobj, obj, "gpu%u", gpu);
}

struct vgpu_sysfs_node *vgpu_sysfs_all_add(struct vgpu_sysfs_node *cgroup, const void *obj)
{
	return node_add(&all_ktype, &cgroup->kobj, obj, "all");
}

void vgpu_sysfs_node_del(struct vgpu_sysfs_node *node)
{
	if (!node)
		return;
	/* kobject_del waits for every running show() (kernfs drain). */
	kobject_del(&node->kobj);
	kobject_put(&node->kobj);
}
