// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup v2 helpers: the caller's cgroup, lookup by id, parents, paths.
 * Returned cgroups carry a reference the caller drops with vgpu_cgroup_put().
 */
#include <linux/cgroup.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "glue.h"

struct cgroup *vgpu_cgroup_current(void)
{
	struct cgroup *cg;

	rcu_read_lock();
	cg = task_dfl_cgroup(current);
	cgroup_get(cg);
	rcu_read_unlock();
	return cg;
}

u64 vgpu_cgroup_current_id(void)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
}

struct cgroup *vgpu_cgroup_from_id(u64 id)
{
	struct cgroup *cg = cgroup_get_from_id(id);

	return IS_ERR(cg) ? NULL : cg;
}

struct cgroup *vgpu_cgroup_parent(struct cgroup *cg)
{
	struct cgroup *parent = cgroup_parent(cg);

	if (parent)
		cgroup_get(parent);
	return parent;
}

u64 vgpu_cgroup_id(struct cgroup *cg)
{
	return cgroup_id(cg);
}

void vgpu_cgroup_put(struct cgroup *cg)
{
	cgroup_put(cg);
}

/* False once the cgroup has been removed (rmdir). */
bool vgpu_cgroup_online(struct cgroup *cg)
{
	return !css_is_dying(&cg->self) && !cgroup_is_dead(cg);
}

/* Path below the cgroup v2 root (the hierarchy's own root, whatever the
 * caller's cgroup namespace). */
int vgpu_cgroup_path(struct cgroup *cg, char *buf, size_t len)
{
	int ret = cgroup_path(cg, buf, len);

	return ret < 0 ? ret : 0;
}
