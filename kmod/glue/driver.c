// SPDX-License-Identifier: GPL-2.0-only
/*
 * Finding the NVIDIA driver's handlers: open its control node, read the
 * handler addresses from the file's f_op and pin the module that owns them.
 * Nothing of the driver is modified here.
 */
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "../../uapi/include/vgpu.h"
#include "glue.h"

#define NV_MAJOR 195
#define NV_CTL_MINOR 255

static char nvidia_ctl[256] = "/dev/nvidiactl";
module_param_string(nvidia_ctl, nvidia_ctl, sizeof(nvidia_ctl), 0444);
MODULE_PARM_DESC(nvidia_ctl,
		 "The NVIDIA control node whose driver vgpu attaches to (default /dev/nvidiactl; "
		 "empty: load without attaching, for control-plane tests only)");

const char *vgpu_param_nvidia_ctl(void)
{
	return nvidia_ctl;
}

int vgpu_driver_probe(struct vgpu_driver *drv)
{
	struct file *f;
	struct inode *inode;
	const struct file_operations *fops;
	int ret = 0;

	memset(drv, 0, sizeof(*drv));
	f = filp_open(nvidia_ctl, O_RDWR, 0);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		pr_err("vgpu: cannot open %s (%d): is the NVIDIA driver loaded?\n", nvidia_ctl, ret);
		return ret;
	}
	inode = file_inode(f);
	if (!S_ISCHR(inode->i_mode) || MAJOR(inode->i_rdev) != NV_MAJOR ||
	    MINOR(inode->i_rdev) != NV_CTL_MINOR) {
		pr_err("vgpu: %s is not an NVIDIA control device (char %d:%d)\n", nvidia_ctl,
		       NV_MAJOR, NV_CTL_MINOR);
		ret = -ENODEV;
		goto out;
	}
	fops = f->f_op;
	if (!fops || !fops->unlocked_ioctl || !fops->release) {
		pr_err("vgpu: the driver behind %s has no ioctl/release handler\n", nvidia_ctl);
		ret = -ENODEV;
		goto out;
	}
	if (fops->owner && !try_module_get(fops->owner)) {
		pr_err("vgpu: the driver behind %s is unloading\n", nvidia_ctl);
		ret = -ENODEV;
		goto out;
	}
	drv->owner = fops->owner;
	drv->fops = fops;
	drv->ioctl = (unsigned long)fops->unlocked_ioctl;
	drv->compat_ioctl = (unsigned long)fops->compat_ioctl;
	drv->mmap = (unsigned long)fops->mmap;
	drv->release = (unsigned long)fops->release;
	strscpy(drv->name, fops->owner ? module_name(fops->owner) : "built-in", sizeof(drv->name));
out:
	filp_close(f, NULL);
	return ret;
}

void vgpu_driver_put(struct vgpu_driver *drv)
{
	if (drv->owner)
		module_put(drv->owner);
	drv->owner = NULL;
}

/* 255 for the control node, the GPU's minor for /dev/nvidiaN. */
unsigned int vgpu_file_minor(const struct file *file)
{
	return MINOR(file_inode(file)->i_rdev);
}

bool vgpu_file_is_driver(const struct file *file, const struct vgpu_driver *drv)
{
	return file->f_op == drv->fops;
}
