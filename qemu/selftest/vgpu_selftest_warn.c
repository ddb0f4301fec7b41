// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner self-test: triggers one kernel WARNING on load, which the QEMU
 * runner must turn into a failed run. Never loaded outside the self-test.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init vgpu_selftest_warn_init(void)
{
	WARN(1, "vgpu runner self-test: deliberate warning\n");
	return 0;
}

static void __exit vgpu_selftest_warn_exit(void)
{
}

module_init(vgpu_selftest_warn_init);
module_exit(vgpu_selftest_warn_exit);
MODULE_DESCRIPTION("vgpu QEMU runner self-test: WARN on load");
MODULE_LICENSE("GPL");
