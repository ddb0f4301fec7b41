// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: module, parameters, character devices and file operations.
 *
 * Like the real driver (kernel-open/nvidia/nv.c, r545 and later) the mock
 * registers char major 195 itself: minors 0..num_gpus-1 are /dev/nvidiaN and
 * minor 255 is /dev/nvidiactl, all served by ONE struct file_operations
 * (nvm_fops), whose handlers are ordinary C functions with ftrace sites so
 * that vgpu can redirect them exactly as it does the real nvidia_fops.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/cdev.h>
#include <linux/file.h>
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "mock.h"

unsigned int nvm_num_gpus = 2;
module_param_named(num_gpus, nvm_num_gpus, uint, 0444);
MODULE_PARM_DESC(num_gpus, "Number of mock GPUs, /dev/nvidia0.. (1-8, default 2)");

unsigned long nvm_fb_size_mib = 16384;
module_param_named(fb_size_mib, nvm_fb_size_mib, ulong, 0444);
MODULE_PARM_DESC(fb_size_mib, "Framebuffer capacity of each GPU in MiB (default 16384)");

unsigned long nvm_max_backing_mib = 512;
module_param_named(max_backing_mib, nvm_max_backing_mib, ulong, 0444);
MODULE_PARM_DESC(max_backing_mib,
		 "Cap on the real RAM backing CPU-mapped mock memory, in MiB (default 512)");

struct nvm_gpu nvm_gpus[NVM_MAX_GPUS];
struct nvm_stats nvm_stats;

static struct cdev nvm_gpu_cdev, nvm_ctl_cdev;
static bool nvm_gpu_cdev_added, nvm_ctl_cdev_added;
static atomic64_t nvm_next_file_id;

/* ---------------------------------------------------------------------
 * Registry of live nvm_files: lets nvm_get_file_private() check that a
 * struct file's private_data really is ours before using it. The real
 * driver casts blindly (§5 row 1); a mock must not be memory-unsafe.
 */
static DEFINE_HASHTABLE(nvm_registry, 6);
static DEFINE_SPINLOCK(nvm_registry_lock);

static void nvm_registry_add(struct nvm_file *nvf)
{
	spin_lock(&nvm_registry_lock);
	hash_add(nvm_registry, &nvf->reg_node, (unsigned long)nvf);
	spin_unlock(&nvm_registry_lock);
}

static void nvm_registry_del(struct nvm_file *nvf)
{
	spin_lock(&nvm_registry_lock);
	hash_del(&nvf->reg_node);
	spin_unlock(&nvm_registry_lock);
}

static bool nvm_registry_has(const void *p, const struct file *filp)
{
	struct nvm_file *nvf;
	bool found = false;

	spin_lock(&nvm_registry_lock);
	hash_for_each_possible(nvm_registry, nvf, reg_node, (unsigned long)p) {
		/*
		 * Only accept our private data on the struct file it was
		 * created for: a different file carrying a copy of it (a
		 * proxy) could outlive it. The real driver would misread such
		 * a file; the mock refuses it instead (documented in mock.md).
		 */
		if (nvf == p && nvf->filp == filp) {
			found = true;
			break;
		}
	}
	spin_unlock(&nvm_registry_lock);
	return found;
}

struct nvm_file *nvm_get_file_private(int fd, bool ctl, struct file **filpp)
{
	struct file *filp;
	struct inode *inode;
	unsigned int minor;

	*filpp = NULL;
	if (fd < 0)
		return NULL;
	filp = fget(fd);
	if (!filp)
		return NULL;
	inode = file_inode(filp);
	if (!inode || !S_ISCHR(inode->i_mode) ||
	    imajor(inode) != NV_MAJOR_DEVICE_NUMBER)
		goto fail;
	minor = iminor(inode);
	if (ctl) {
		if (minor != NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE)
			goto fail;
	} else if (minor >= nvm_num_gpus) {
		goto fail;
	}
	if (!nvm_registry_has(filp->private_data, filp))
		goto fail;
	*filpp = filp;
	return filp->private_data;
fail:
	fput(filp);
	return NULL;
}

struct nvm_gpu *nvm_gpu_by_id(u32 gpu_id)
{
	unsigned int i;

	for (i = 0; i < nvm_num_gpus; i++)
		if (nvm_gpus[i].gpu_id == gpu_id)
			return &nvm_gpus[i];
	return NULL;
}

/* ---------------------------------------------------------------------
 * File operations. None of these may be inline or notrace: vgpu hooks them.
 */
static int nvm_open(struct inode *inode, struct file *filp)
{
	unsigned int minor = iminor(inode);
	struct nvm_gpu *gpu = NULL;
	struct nvm_file *nvf;

	if (minor != NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE) {
		if (minor >= nvm_num_gpus)
			return -ENODEV;
		gpu = &nvm_gpus[minor];
	}

	nvf = kzalloc(sizeof(*nvf), GFP_KERNEL);
	if (!nvf)
		return -ENOMEM;
	nvf->filp = filp;
	nvf->gpu = gpu;
	nvf->id = atomic64_inc_return(&nvm_next_file_id);
	atomic_set(&nvf->reg_state, NVM_REG_NONE);
	mutex_init(&nvf->clients_lock);
	INIT_LIST_HEAD(&nvf->clients);
	mutex_init(&nvf->ctx_lock);
	mutex_init(&nvf->attach_lock);
	init_waitqueue_head(&nvf->poll_wq);
	INIT_LIST_HEAD(&nvf->gpu_node);

	/* A private address_space per file, as nv_init_mapping_revocation(). */
	address_space_init_once(&nvf->mapping);
	nvf->mapping.host = inode;
	nvf->mapping.a_ops = inode->i_mapping->a_ops;
	filp->f_mapping = &nvf->mapping;
	filp->private_data = nvf;

	if (gpu) {
		mutex_lock(&gpu->files_lock);
		list_add(&nvf->gpu_node, &gpu->files);
		mutex_unlock(&gpu->files_lock);
	}
	nvm_registry_add(nvf);
	atomic_inc(&nvm_stats.files);
	return 0;
}

/*
 * Close: as the real driver, closing a ctl file frees every RM client bound
 * to it (and everything below them), its OS events and its mmap context.
 * VMAs hold a reference on their file, so no mapping of this file exists any
 * more; an ioctl in flight on it holds one too, so none is running.
 */
static int nvm_release(struct inode *inode, struct file *filp)
{
	struct nvm_file *nvf = filp->private_data;

	nvm_registry_del(nvf);
	if (nvf->gpu) {
		mutex_lock(&nvf->gpu->files_lock);
		list_del_init(&nvf->gpu_node);
		mutex_unlock(&nvf->gpu->files_lock);
	}

	nvm_events_free_file(nvf);
	nvm_rm_release_owner(nvf);
	nvm_ctx_release(nvf);

	if (nvf->ctl_file)
		fput(nvf->ctl_file);
	kfree(nvf->attached_gpus);

	filp->private_data = NULL;
	mutex_destroy(&nvf->clients_lock);
	mutex_destroy(&nvf->ctx_lock);
	mutex_destroy(&nvf->attach_lock);
	kfree(nvf);
	atomic_dec(&nvm_stats.files);
	return 0;
}

/*
 * The real nvidia_poll() reports queued RM events. The mock never queues
 * one: poll only ever sleeps until timeout.
 */
static __poll_t nvm_poll(struct file *filp, poll_table *wait)
{
	struct nvm_file *nvf = filp->private_data;

	poll_wait(filp, &nvf->poll_wq, wait);
	return 0;
}

static long nvm_unlocked_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	return nvm_ioctl(filp, cmd, arg);
}

static int nvm_mmap_fop(struct file *filp, struct vm_area_struct *vma)
{
	return nvm_mmap(filp, vma);
}

const struct file_operations nvm_fops = {
	.owner		= THIS_MODULE,
	.open		= nvm_open,
	.release	= nvm_release,
	.unlocked_ioctl	= nvm_unlocked_ioctl,
	/* The same function, as nvidia_fops does on x86_64 and aarch64. */
	.compat_ioctl	= nvm_unlocked_ioctl,
	.mmap		= nvm_mmap_fop,
	.poll		= nvm_poll,
	.llseek		= noop_llseek,
};

/* ---------------------------------------------------------------------
 * Devices: a class so that devtmpfs creates the nodes, mode 0666.
 */
static char *nvm_devnode(const struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0666;
	return NULL;
}

static const struct class nvm_class = {
	.name = NVM_NAME,
	.devnode = nvm_devnode,
};
static bool nvm_class_registered;

static void nvm_gpu_init(struct nvm_gpu *gpu, u32 index)
{
	static const u8 uuid_base[16] = {
		0x4e, 0x56, 0x4d, 0x4f, 0x43, 0x4b, 0x40, 0x00,	/* "NVMOCK" */
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};

	gpu->index = index;
	gpu->bus = index + 1;
	gpu->gpu_id = ((u32)gpu->bus << 8);	/* domain 0, slot 0 */
	memcpy(gpu->uuid, uuid_base, sizeof(gpu->uuid));
	gpu->uuid[15] = index;
	gpu->bar0_base = 0xf0000000ULL + (u64)index * 0x01000000ULL;
	gpu->bar1_base = 0x380000000000ULL + ((u64)index << 40);
	spin_lock_init(&gpu->fb_lock);
	gpu->fb_size = (u64)nvm_fb_size_mib << 20;
	gpu->fb_used = 0;
	gpu->fb_next = 0;
	gpu->va_next = 0x200000000ULL;		/* 8 GiB, clear of page 0 */
	mutex_init(&gpu->files_lock);
	INIT_LIST_HEAD(&gpu->files);
	atomic64_set(&gpu->revocations, 0);
}

static void nvm_devices_destroy(void)
{
	unsigned int i;

	if (nvm_class_registered) {
		for (i = 0; i < nvm_num_gpus; i++)
			device_destroy(&nvm_class,
				       MKDEV(NV_MAJOR_DEVICE_NUMBER, i));
		device_destroy(&nvm_class,
			       MKDEV(NV_MAJOR_DEVICE_NUMBER,
				     NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE));
		class_unregister(&nvm_class);
		nvm_class_registered = false;
	}
	if (nvm_ctl_cdev_added)
		cdev_del(&nvm_ctl_cdev);
	if (nvm_gpu_cdev_added)
		cdev_del(&nvm_gpu_cdev);
	nvm_ctl_cdev_added = nvm_gpu_cdev_added = false;
}

static int __init nvm_init(void)
{
	dev_t gpu_dev = MKDEV(NV_MAJOR_DEVICE_NUMBER, 0);
	dev_t ctl_dev = MKDEV(NV_MAJOR_DEVICE_NUMBER,
			      NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE);
	struct device *dev;
	unsigned int i;
	int ret;

	if (nvm_num_gpus < 1 || nvm_num_gpus > NVM_MAX_GPUS) {
		pr_err("num_gpus=%u is out of range (1-%d)\n", nvm_num_gpus,
		       NVM_MAX_GPUS);
		return -EINVAL;
	}
	/* 1 MiB .. 1 TiB per GPU keeps every size computation far from overflow. */
	if (nvm_fb_size_mib < 1 || nvm_fb_size_mib > (1UL << 20)) {
		pr_err("fb_size_mib=%lu is out of range (1-%lu)\n",
		       nvm_fb_size_mib, 1UL << 20);
		return -EINVAL;
	}
	if (nvm_max_backing_mib > (1UL << 20)) {
		pr_err("max_backing_mib=%lu is out of range (0-%lu)\n",
		       nvm_max_backing_mib, 1UL << 20);
		return -EINVAL;
	}

	for (i = 0; i < nvm_num_gpus; i++)
		nvm_gpu_init(&nvm_gpus[i], i);
	/* The engines run before any node exists (nothing to do yet). */
	for (i = 0; i < nvm_num_gpus; i++) {
		ret = nvm_engine_init(&nvm_gpus[i]);
		if (ret) {
			while (i--)
				nvm_engine_exit(&nvm_gpus[i]);
			return ret;
		}
	}

	ret = register_chrdev_region(gpu_dev, nvm_num_gpus, "nvidia");
	if (ret) {
		pr_err("char major %d minors 0-%u are already in use (is the NVIDIA driver loaded?): %d\n",
		       NV_MAJOR_DEVICE_NUMBER, nvm_num_gpus - 1, ret);
		goto err_engines;
	}
	ret = register_chrdev_region(ctl_dev, 1, "nvidiactl");
	if (ret) {
		pr_err("char major %d minor %d is already in use (is the NVIDIA driver loaded?): %d\n",
		       NV_MAJOR_DEVICE_NUMBER,
		       NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE, ret);
		goto err_gpu_region;
	}

	cdev_init(&nvm_gpu_cdev, &nvm_fops);
	nvm_gpu_cdev.owner = THIS_MODULE;
	ret = cdev_add(&nvm_gpu_cdev, gpu_dev, nvm_num_gpus);
	if (ret)
		goto err_ctl_region;
	nvm_gpu_cdev_added = true;

	cdev_init(&nvm_ctl_cdev, &nvm_fops);
	nvm_ctl_cdev.owner = THIS_MODULE;
	ret = cdev_add(&nvm_ctl_cdev, ctl_dev, 1);
	if (ret)
		goto err_devices;
	nvm_ctl_cdev_added = true;

	ret = class_register(&nvm_class);
	if (ret)
		goto err_devices;
	nvm_class_registered = true;

	for (i = 0; i < nvm_num_gpus; i++) {
		dev = device_create(&nvm_class, NULL,
				    MKDEV(NV_MAJOR_DEVICE_NUMBER, i), NULL,
				    "nvidia%u", i);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			goto err_devices;
		}
	}
	dev = device_create(&nvm_class, NULL, ctl_dev, NULL, "nvidiactl");
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_devices;
	}

	/* /dev/nvidia-uvm: a dynamic major of its own. */
	ret = nvm_uvm_init(&nvm_class);
	if (ret)
		goto err_devices;

	ret = nvm_debugfs_init();
	if (ret)
		goto err_uvm;

	pr_info("%s loaded: %u GPU(s), %lu MiB of framebuffer each\n",
		NV_VERSION_STRING, nvm_num_gpus, nvm_fb_size_mib);
	return 0;

err_uvm:
	nvm_uvm_exit(&nvm_class);
err_devices:
	nvm_devices_destroy();
err_ctl_region:
	unregister_chrdev_region(ctl_dev, 1);
err_gpu_region:
	unregister_chrdev_region(gpu_dev, nvm_num_gpus);
err_engines:
	for (i = 0; i < nvm_num_gpus; i++)
		nvm_engine_exit(&nvm_gpus[i]);
	return ret;
}

static void __exit nvm_exit(void)
{
	unsigned int i;

	nvm_debugfs_exit();
	nvm_uvm_exit(&nvm_class);
	nvm_devices_destroy();
	unregister_chrdev_region(MKDEV(NV_MAJOR_DEVICE_NUMBER,
				       NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE), 1);
	unregister_chrdev_region(MKDEV(NV_MAJOR_DEVICE_NUMBER, 0), nvm_num_gpus);

	/*
	 * Every file holds a module reference, so nothing can be left: any
	 * count that is not zero here is a leak in the mock itself.
	 */
	WARN(atomic_read(&nvm_stats.files) || atomic_read(&nvm_stats.clients) ||
	     atomic_read(&nvm_stats.objects) || atomic_read(&nvm_stats.mems) ||
	     atomic_read(&nvm_stats.contexts) || atomic_read(&nvm_stats.vmas) ||
	     atomic_read(&nvm_stats.events) || atomic_read(&nvm_stats.cpu_maps) ||
	     atomic_long_read(&nvm_stats.backing_pages),
	     NVM_NAME ": leak at unload: files %d clients %d objects %d mems %d contexts %d vmas %d events %d cpu_maps %d pages %ld\n",
	     atomic_read(&nvm_stats.files), atomic_read(&nvm_stats.clients),
	     atomic_read(&nvm_stats.objects), atomic_read(&nvm_stats.mems),
	     atomic_read(&nvm_stats.contexts), atomic_read(&nvm_stats.vmas),
	     atomic_read(&nvm_stats.events), atomic_read(&nvm_stats.cpu_maps),
	     atomic_long_read(&nvm_stats.backing_pages));
	WARN(atomic_read(&nvm_stats2.usermodes) || atomic_read(&nvm_stats2.tsgs) ||
	     atomic_read(&nvm_stats2.channels) || atomic_read(&nvm_stats2.vaspaces) ||
	     atomic_read(&nvm_stats2.gpu_maps) || atomic_read(&nvm_stats2.uvm_files) ||
	     atomic_read(&nvm_stats2.uvm_ranges),
	     NVM_NAME ": leak at unload: usermodes %d tsgs %d channels %d vaspaces %d gpu_maps %d uvm_files %d uvm_ranges %d\n",
	     atomic_read(&nvm_stats2.usermodes), atomic_read(&nvm_stats2.tsgs),
	     atomic_read(&nvm_stats2.channels), atomic_read(&nvm_stats2.vaspaces),
	     atomic_read(&nvm_stats2.gpu_maps), atomic_read(&nvm_stats2.uvm_files),
	     atomic_read(&nvm_stats2.uvm_ranges));
	for (i = 0; i < nvm_num_gpus; i++) {
		nvm_engine_exit(&nvm_gpus[i]);
		WARN(nvm_gpus[i].fb_used, NVM_NAME ": GPU %u: %llu bytes still charged at unload\n",
		     i, nvm_gpus[i].fb_used);
		mutex_destroy(&nvm_gpus[i].files_lock);
	}
	pr_info("unloaded\n");
}

module_init(nvm_init);
module_exit(nvm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mock NVIDIA driver (ABI-level) for the vgpu test bed");
MODULE_AUTHOR("vgpu");
