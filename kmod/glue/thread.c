// SPDX-License-Identifier: GPL-2.0-only
/* Kernel threads and time for the per-GPU compute arbiters. */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include "glue.h"

/*
 * The arbiter samples the tenants' USERD on a fixed tick; its estimate of
 * each tenant's GPU time is only unbiased if the samples land independently
 * of what the tenants' CPU threads do. A normal-priority thread runs late
 * exactly when the CPUs are busy, e.g. while a synchronising tenant reacts
 * to a completion, and so would miss its idle gaps. Like the kernel's
 * threaded interrupt handlers it therefore runs at the lowest FIFO
 * priority: on time, briefly (a tick is a few microseconds of work).
 */
struct task_struct *vgpu_thread_start(int (*fn)(void *), void *arg, unsigned int gpu)
{
	struct task_struct *t = kthread_create(fn, arg, "vgpu-arbiter/%u", gpu);

	if (IS_ERR(t))
		return NULL;
	sched_set_fifo_low(t);
	wake_up_process(t);
	return t;
}

/* Asks the thread to stop, wakes it and waits for it to return. */
int vgpu_thread_stop(struct task_struct *t)
{
	return kthread_stop(t);
}

bool vgpu_thread_should_stop(void)
{
	return kthread_should_stop();
}

void vgpu_thread_wake(struct task_struct *t)
{
	wake_up_process(t);
}

/* Sleeps up to ns nanoseconds; a wake-up ends it early. */
void vgpu_thread_sleep_ns(u64 ns)
{
	ktime_t t = ns_to_ktime(ns);

	set_current_state(TASK_INTERRUPTIBLE);
	if (kthread_should_stop()) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	schedule_hrtimeout_range(&t, 20 * NSEC_PER_USEC, HRTIMER_MODE_REL);
}

u64 vgpu_now_ns(void)
{
	return ktime_get_ns();
}
