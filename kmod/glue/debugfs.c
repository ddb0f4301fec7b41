// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/vgpu: vgpu's internals for debugging and tests (not an
 * ABI). The text of each file is produced by Rust.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "glue.h"

static struct dentry *vgpu_debugfs;

static int arbiters_show(struct seq_file *m, void *unused)
{
	return vgpu_rs_debugfs_arbiters(m);
}
DEFINE_SHOW_ATTRIBUTE(arbiters);

void vgpu_debugfs_init(void)
{
	vgpu_debugfs = debugfs_create_dir("vgpu", NULL);
	debugfs_create_file("arbiters", 0444, vgpu_debugfs, NULL, &arbiters_fops);
}

/* Waits for readers (debugfs_remove drains open files' callbacks). */
void vgpu_debugfs_exit(void)
{
	debugfs_remove(vgpu_debugfs);
	vgpu_debugfs = NULL;
}

void vgpu_seq_write(struct seq_file *m, const char *s, size_t len)
{
	seq_write(m, s, len);
}
