// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: /sys/kernel/debug/nvidia_mock/, the tests' ground truth and
 * fault injection. Every format here is documented in docs/mock.md and is
 * stable: one record per line, space-separated "key value" pairs or plain
 * columns, numbers in decimal unless prefixed 0x.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mock.h"

static struct dentry *nvm_dir;

/* ---------------------------------------------------------------------
 * Fault injection
 */
static DEFINE_SPINLOCK(nvm_fault_lock);
static u32 nvm_fail_count;		/* allocations left to fail */
static u32 nvm_fail_status;
static unsigned long nvm_delay_us[256];	/* per escape nr */

#define NVM_MAX_DELAY_US	(10UL * USEC_PER_SEC)	/* below hung-task */

u32 nvm_fault_take_alloc(void)
{
	u32 status = NV_OK;

	spin_lock(&nvm_fault_lock);
	if (nvm_fail_count) {
		nvm_fail_count--;
		status = nvm_fail_status;
	}
	spin_unlock(&nvm_fault_lock);
	return status;
}

unsigned long nvm_fault_delay_us(unsigned int nr)
{
	if (nr >= ARRAY_SIZE(nvm_delay_us))
		return 0;
	return READ_ONCE(nvm_delay_us[nr]);
}

/* Copy a short command written to a knob into a NUL-terminated buffer. */
static int nvm_read_cmd(const char __user *ubuf, size_t len, char *buf,
			size_t bufsz)
{
	if (len == 0 || len >= bufsz)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	return 0;
}

/* fail_alloc: "N STATUS" fails the next N memory allocations with STATUS. */
static ssize_t nvm_fail_alloc_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	char buf[64], st[24];
	u32 count, status;
	int ret;

	ret = nvm_read_cmd(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	/* STATUS in decimal or 0x-prefixed hex, e.g. "3 0x51". */
	if (sscanf(buf, "%u %23s", &count, st) != 2 || kstrtou32(st, 0, &status))
		return -EINVAL;
	if (count && status == NV_OK)
		return -EINVAL;
	spin_lock(&nvm_fault_lock);
	nvm_fail_count = count;
	nvm_fail_status = status;
	spin_unlock(&nvm_fault_lock);
	return len;
}

static int nvm_fail_alloc_show(struct seq_file *s, void *unused)
{
	u32 count, status;

	spin_lock(&nvm_fault_lock);
	count = nvm_fail_count;
	status = nvm_fail_status;
	spin_unlock(&nvm_fault_lock);
	seq_printf(s, "%u 0x%x\n", count, count ? status : 0);
	return 0;
}

static int nvm_fail_alloc_open(struct inode *inode, struct file *file)
{
	return single_open(file, nvm_fail_alloc_show, NULL);
}

static const struct file_operations nvm_fail_alloc_fops = {
	.owner = THIS_MODULE,
	.open = nvm_fail_alloc_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = nvm_fail_alloc_write,
};

/* delay: "NR USEC" adds USEC of latency to escape NR (0 removes it). */
static ssize_t nvm_delay_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[64], nrs[24];
	unsigned long us;
	unsigned int nr;
	int ret;

	ret = nvm_read_cmd(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	/* NR in decimal or 0x-prefixed hex, e.g. "0x2b 5000". */
	if (sscanf(buf, "%23s %lu", nrs, &us) != 2 || kstrtouint(nrs, 0, &nr))
		return -EINVAL;
	if (nr >= ARRAY_SIZE(nvm_delay_us) || us > NVM_MAX_DELAY_US)
		return -EINVAL;
	WRITE_ONCE(nvm_delay_us[nr], us);
	return len;
}

static int nvm_delay_show(struct seq_file *s, void *unused)
{
	unsigned int nr;
	unsigned long us;

	for (nr = 0; nr < ARRAY_SIZE(nvm_delay_us); nr++) {
		us = READ_ONCE(nvm_delay_us[nr]);
		if (us)
			seq_printf(s, "0x%02x %lu\n", nr, us);
	}
	return 0;
}

static int nvm_delay_open(struct inode *inode, struct file *file)
{
	return single_open(file, nvm_delay_show, NULL);
}

static const struct file_operations nvm_delay_fops = {
	.owner = THIS_MODULE,
	.open = nvm_delay_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = nvm_delay_write,
};

/* revoke: "GPU" zaps every CPU mapping of that GPU (faults re-insert them). */
static ssize_t nvm_revoke_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	unsigned int idx;
	char buf[32];
	int ret;

	ret = nvm_read_cmd(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	if (kstrtouint(strim(buf), 0, &idx) || idx >= nvm_num_gpus)
		return -EINVAL;
	nvm_revoke_gpu_mappings(&nvm_gpus[idx]);
	return len;
}

static const struct file_operations nvm_revoke_fops = {
	.owner = THIS_MODULE,
	.write = nvm_revoke_write,
	.llseek = noop_llseek,
};

/*
 * reset_counters: any write zeroes the escape and RM-failure counters and
 * the unknown-method table (never the busy-time ground truth).
 */
static ssize_t nvm_reset_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nvm_stats.escapes); i++)
		atomic64_set(&nvm_stats.escapes[i], 0);
	for (i = 0; i < ARRAY_SIZE(nvm_stats.rm_fail); i++)
		atomic64_set(&nvm_stats.rm_fail[i], 0);
	atomic64_set(&nvm_stats.rm_fail_generic, 0);
	atomic64_set(&nvm_stats.einval, 0);
	atomic64_set(&nvm_stats.efault, 0);
	nvm_engine_reset_logs();
	return len;
}

static const struct file_operations nvm_reset_fops = {
	.owner = THIS_MODULE,
	.write = nvm_reset_write,
	.llseek = noop_llseek,
};

/* ---------------------------------------------------------------------
 * Read-only views
 */

/* gpus: one line per GPU. */
static int nvm_gpus_show(struct seq_file *s, void *unused)
{
	unsigned int i;
	u64 used;

	for (i = 0; i < nvm_num_gpus; i++) {
		struct nvm_gpu *gpu = &nvm_gpus[i];

		spin_lock(&gpu->fb_lock);
		used = gpu->fb_used;
		spin_unlock(&gpu->fb_lock);
		seq_printf(s, "gpu %u minor %u gpu_id 0x%x fb_total %llu fb_used %llu fb_free %llu revocations %lld\n",
			   i, gpu->index, gpu->gpu_id, gpu->fb_size, used,
			   gpu->fb_size - used,
			   (long long)atomic64_read(&gpu->revocations));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_gpus);

/* clients: one line per live RM client. */
static void nvm_client_line(const struct nvm_client_info *ci, void *arg)
{
	struct seq_file *s = arg;

	seq_printf(s, "client 0x%08x pid %d file %llu vidmem %llu sysmem %llu objects %u\n",
		   ci->handle, ci->pid, ci->file_id, ci->vidmem, ci->sysmem,
		   ci->objects);
}

static int nvm_clients_show(struct seq_file *s, void *unused)
{
	nvm_rm_for_each_client(nvm_client_line, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_clients);

/* escapes: "0xNR NAME COUNT" for every escape seen since the last reset. */
static int nvm_escapes_show(struct seq_file *s, void *unused)
{
	unsigned int nr;
	s64 n;

	for (nr = 0; nr < ARRAY_SIZE(nvm_stats.escapes); nr++) {
		n = atomic64_read(&nvm_stats.escapes[nr]);
		if (n)
			seq_printf(s, "0x%02x %s %lld\n", nr,
				   nvm_escape_name(nr), (long long)n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_escapes);

/* errors: ioctls that failed at the ioctl level. */
static int nvm_errors_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "einval %lld\nefault %lld\n",
		   (long long)atomic64_read(&nvm_stats.einval),
		   (long long)atomic64_read(&nvm_stats.efault));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_errors);

/* rm_status: "0xSTATUS NAME COUNT" for every RM failure status seen. */
static int nvm_rm_status_show(struct seq_file *s, void *unused)
{
	unsigned int st;
	s64 n;

	for (st = 1; st < NVM_STATUS_BUCKETS - 1; st++) {
		n = atomic64_read(&nvm_stats.rm_fail[st]);
		if (n)
			seq_printf(s, "0x%08x %s %lld\n", st,
				   vgpu_nv_status_name(st), (long long)n);
	}
	n = atomic64_read(&nvm_stats.rm_fail_generic);
	if (n)
		seq_printf(s, "0x%08x %s %lld\n", NV_ERR_GENERIC,
			   vgpu_nv_status_name(NV_ERR_GENERIC), (long long)n);
	n = atomic64_read(&nvm_stats.rm_fail[NVM_STATUS_BUCKETS - 1]);
	if (n)
		seq_printf(s, "other - %lld\n", (long long)n);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_rm_status);

/* live: counts of every kind of live object (all 0 when nothing leaks). */
static int nvm_live_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "files %d\nclients %d\nobjects %d\nmemory %d\ncontexts %d\nvmas %d\nevents %d\ncpu_maps %d\nbacking_pages %ld\n",
		   atomic_read(&nvm_stats.files),
		   atomic_read(&nvm_stats.clients),
		   atomic_read(&nvm_stats.objects),
		   atomic_read(&nvm_stats.mems),
		   atomic_read(&nvm_stats.contexts),
		   atomic_read(&nvm_stats.vmas),
		   atomic_read(&nvm_stats.events),
		   atomic_read(&nvm_stats.cpu_maps),
		   atomic_long_read(&nvm_stats.backing_pages));
	seq_printf(s, "usermodes %d\ntsgs %d\nchannels %d\nvaspaces %d\ngpu_maps %d\nuvm_files %d\nuvm_ranges %d\n",
		   atomic_read(&nvm_stats2.usermodes),
		   atomic_read(&nvm_stats2.tsgs),
		   atomic_read(&nvm_stats2.channels),
		   atomic_read(&nvm_stats2.vaspaces),
		   atomic_read(&nvm_stats2.gpu_maps),
		   atomic_read(&nvm_stats2.uvm_files),
		   atomic_read(&nvm_stats2.uvm_ranges));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nvm_live);

/* Part 2: the engines' ground truth (formats in docs/mock.md). */
#define NVM_ENGINE_VIEW(name, fn)					\
static int nvm_##name##_show(struct seq_file *s, void *unused)		\
{									\
	fn(s);								\
	return 0;							\
}									\
DEFINE_SHOW_ATTRIBUTE(nvm_##name)

NVM_ENGINE_VIEW(engines, nvm_engine_show_engines);
NVM_ENGINE_VIEW(runlist, nvm_engine_show_runlists);
NVM_ENGINE_VIEW(channels, nvm_engine_show_channels);
NVM_ENGINE_VIEW(busy, nvm_engine_show_busy);
NVM_ENGINE_VIEW(unknown_methods, nvm_engine_show_unknown);
NVM_ENGINE_VIEW(channel_errors, nvm_engine_show_errors);
NVM_ENGINE_VIEW(doorbells, nvm_engine_show_doorbells);

int nvm_debugfs_init(void)
{
	nvm_dir = debugfs_create_dir(NVM_NAME, NULL);
	if (IS_ERR(nvm_dir)) {
		/* Not fatal: the mock works without its observability. */
		pr_warn("debugfs unavailable (%ld)\n", PTR_ERR(nvm_dir));
		nvm_dir = NULL;
		return 0;
	}
	debugfs_create_file("gpus", 0444, nvm_dir, NULL, &nvm_gpus_fops);
	debugfs_create_file("clients", 0444, nvm_dir, NULL, &nvm_clients_fops);
	debugfs_create_file("escapes", 0444, nvm_dir, NULL, &nvm_escapes_fops);
	debugfs_create_file("errors", 0444, nvm_dir, NULL, &nvm_errors_fops);
	debugfs_create_file("rm_status", 0444, nvm_dir, NULL, &nvm_rm_status_fops);
	debugfs_create_file("live", 0444, nvm_dir, NULL, &nvm_live_fops);
	debugfs_create_file("fail_alloc", 0644, nvm_dir, NULL, &nvm_fail_alloc_fops);
	debugfs_create_file("delay", 0644, nvm_dir, NULL, &nvm_delay_fops);
	debugfs_create_file("revoke", 0200, nvm_dir, NULL, &nvm_revoke_fops);
	debugfs_create_file("reset_counters", 0200, nvm_dir, NULL, &nvm_reset_fops);
	debugfs_create_file("engines", 0444, nvm_dir, NULL, &nvm_engines_fops);
	debugfs_create_file("runlist", 0444, nvm_dir, NULL, &nvm_runlist_fops);
	debugfs_create_file("channels", 0444, nvm_dir, NULL, &nvm_channels_fops);
	debugfs_create_file("busy", 0444, nvm_dir, NULL, &nvm_busy_fops);
	debugfs_create_file("unknown_methods", 0444, nvm_dir, NULL,
			    &nvm_unknown_methods_fops);
	debugfs_create_file("channel_errors", 0444, nvm_dir, NULL,
			    &nvm_channel_errors_fops);
	debugfs_create_file("doorbells", 0444, nvm_dir, NULL, &nvm_doorbells_fops);
	return 0;
}

void nvm_debugfs_exit(void)
{
	debugfs_remove(nvm_dir);
	nvm_dir = NULL;
}
