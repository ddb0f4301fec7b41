// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: the engines.
 *
 * Each mock GPU has two runlists, graphics/compute (GR) and copy (CE), and
 * one kernel thread per runlist that does what Host (PBDMA) and the engine
 * do on a Volta+ GPU:
 *
 *  - It runs the scheduled TSGs of its runlist round-robin, each for its
 *    timeslice (default 2 ms, NVA06C_CTRL_CMD_SET_TIMESLICE), switching
 *    early when the TSG has nothing runnable or blocks on a semaphore
 *    acquire, and extending the slice when no other TSG is runnable (as a
 *    runlist with one entry does).
 *  - A channel becomes pending when its work submit token is written to a
 *    doorbell (NOTIFY_CHANNEL_PENDING of a USERMODE region). A pending
 *    channel is executed: GPPut is re-read from USERD, each GPFIFO entry
 *    (the real 8-byte format) is fetched through the channel's GPU VA
 *    space and its pushbuffer segment executed (incrementing,
 *    non-incrementing, one-increment and immediate method headers) until
 *    GPGet catches up with GPPut; then it is idle until the next doorbell.
 *    An idle channel whose GPPut moved without a doorbell is not noticed.
 *  - GPGet (USERD +0x88) is advanced past an entry only when every method
 *    of that entry has executed, busy periods included. A DELIBERATE
 *    SIMPLIFICATION: hardware advances GP_GET when it *fetches* an entry.
 *    With the mock's rule GPGet == GPPut means "all submitted work is
 *    finished", which is what vgpu's drain detection relies on.
 *  - Methods: Host semaphores (acquire with the five comparisons, release
 *    of 32/64-bit payloads with or without timestamp), SET_OBJECT,
 *    SET_REFERENCE, the no-op Host methods, the mock-only busy period
 *    (VGPU_MOCK_BUSY_NS_LO/HI, a "kernel" of that wall-clock length,
 *    preemptible at timeslice ends like compute preemption), copy-engine
 *    copies (1-D and multi-line pitch copies between GPU VAs) with their
 *    semaphore release, compute inline-to-memory writes with their
 *    semaphore, and the compute report semaphore. Anything else is counted
 *    (debugfs unknown_methods) and skipped; it never stops the engine.
 *  - A bad GPFIFO entry, a GPPut beyond the ring, an access to an unmapped
 *    GPU VA or a method to a subchannel without an object faults only that
 *    channel (a "robust channel" error with its Xid, as the real driver
 *    reports): it stops, its further doorbells are ignored, debugfs
 *    counts it, and the client can still free it.
 *
 * Doorbells are detected by polling the pages of the USERMODE objects the
 * mock handed out (one poller thread per GPU): the poller exchanges the
 * doorbell register with 0 and marks the channel named by the token
 * pending. Polling can coalesce several rings of one page between two
 * polls into the last one; the mock avoids losing them three ways: every
 * USERMODE object has its own pages (rings of different objects never
 * coalesce), the poller polls often while rings are arriving and an
 * engine is idle (200 us by default, else 2 ms; an engine also looks at the
 * doorbells itself before it goes idle and when a timeslice ends), and a
 * ring is also a reason to look at every channel of the ringing process on
 * that GPU: any that is not pending but has GPPut != GPGet is made pending
 * (counted as
 * "inferred"). A process that writes GPPut of one of its channels without
 * ringing is therefore noticed once it rings for another of its channels;
 * a process that never rings is never noticed, as on hardware.
 *
 * Time is wall-clock time (CLOCK_MONOTONIC for accounting, CLOCK_REALTIME
 * for GPU timestamps, as the driver keeps PTIMER in step with the host's
 * time of day). A busy period sleeps on an hrtimer and spins only for a
 * short tail, adapted to how late this machine's timers fire, so busy time
 * is accurate without burning the host CPU.
 *
 * Ground truth (debugfs): busy nanoseconds per channel, TSG, creating
 * process and GPU/engine, counted while the engine executes a channel
 * (methods, busy periods, copies; not while it waits for work or for a
 * semaphore), including the period in progress when read.
 *
 * Lifetime: the engine holds a reference on the TSG and the channel it
 * runs; their RM objects' destruction marks them dead and waits until the
 * engine has let go. GPU memory is reached only through gpuvm.c.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "mock.h"

unsigned int nvm_default_timeslice_us = 2000;
module_param_named(timeslice_us, nvm_default_timeslice_us, uint, 0644);
MODULE_PARM_DESC(timeslice_us, "Default TSG timeslice in us (default 2000)");

static unsigned int nvm_poll_us = 200;
module_param_named(doorbell_poll_us, nvm_poll_us, uint, 0644);
MODULE_PARM_DESC(doorbell_poll_us, "Doorbell poll interval while rings arrive and an engine is idle, us (default 200)");

static unsigned int nvm_idle_poll_us = 2000;
module_param_named(doorbell_idle_poll_us, nvm_idle_poll_us, uint, 0644);
MODULE_PARM_DESC(doorbell_idle_poll_us, "Doorbell poll interval otherwise, us (default 2000)");

static unsigned int nvm_active_ms = 200;
module_param_named(doorbell_active_ms, nvm_active_ms, uint, 0644);
MODULE_PARM_DESC(doorbell_active_ms, "Fast polling lasts this long after a ring, ms (default 200)");

static unsigned int nvm_linger_us = 500;
module_param_named(idle_linger_us, nvm_linger_us, uint, 0644);
MODULE_PARM_DESC(idle_linger_us, "After running work, an engine that runs dry keeps watching the doorbells this long before it waits for the poller, us (default 500; 0: never)");

static unsigned int nvm_acquire_poll_us = 100;
module_param_named(acquire_poll_us, nvm_acquire_poll_us, uint, 0644);
MODULE_PARM_DESC(acquire_poll_us, "Re-check of a blocked semaphore acquire, us (default 100)");

static unsigned int nvm_spin_max_us = 200;
module_param_named(spin_max_us, nvm_spin_max_us, uint, 0644);
MODULE_PARM_DESC(spin_max_us, "Longest spin at the end of a busy period, us (default 200)");

static unsigned int nvm_lag_max_us = 20000;
module_param_named(engine_lag_max_us, nvm_lag_max_us, uint, 0644);
MODULE_PARM_DESC(engine_lag_max_us, "How far an engine's clock may fall behind the wall clock and catch up, us (default 20000; 0: none, the engine runs on the wall clock)");

#define NVM_MIN_SLICE_NS	(100 * NSEC_PER_USEC)
#define NVM_CHUNK_DWORDS	128	/* pushbuffer dwords read at a time */
#define NVM_MIN_SLEEP_NS	(20 * NSEC_PER_USEC)
#define NVM_MAX_RINGS		64	/* collected per poll pass */

/* ---------------------------------------------------------------------
 * Time
 */
u64 nvm_gpu_time_ns(void)
{
	return ktime_get_real_ns();
}

/*
 * The engine's clock (rl->clock, on the ktime_get_ns() scale).
 *
 * A GPU engine is hardware: it never waits for a CPU. The mock's engine is
 * a kernel thread, and a thread can be late -- a timer fires late, the
 * vCPU is descheduled by the host (under an emulator on a shared machine,
 * for milliseconds). If the engine used the wall clock directly, every
 * late wake-up would stretch the busy period or the timeslice in progress
 * and shift GPU time between TSGs. So the engine keeps its own clock: a
 * busy period of N ns advances it by exactly N ns and a timeslice ends at
 * exactly its length in engine time, however late the thread ran; when the
 * thread was late, the engine catches up (runs what is queued without
 * waiting) until its clock reaches the wall clock again. Other work (a
 * copy, a method) advances it by the wall time it took. The clock never
 * runs ahead of the wall clock, work never starts before the event that
 * made it runnable (a doorbell noticed, a wake-up), and it never falls
 * more than engine_lag_max_us behind (beyond that, time is lost as idle).
 * With engine_lag_max_us=0 the engine runs on the wall clock.
 */
static void nvm_clock_sync(struct nvm_runlist *rl, u64 *mark)
{
	u64 now = ktime_get_ns(), lag = (u64)READ_ONCE(nvm_lag_max_us) * NSEC_PER_USEC;

	rl->clock += now - *mark;
	*mark = now;
	if (rl->clock > now || !lag)
		rl->clock = now;
	else if (now - rl->clock > lag)
		rl->clock = now - lag;
}

/* Work became runnable at wall time @at: it cannot start before that. */
static void nvm_clock_start(struct nvm_runlist *rl, u64 at)
{
	u64 now = ktime_get_ns();

	if (!READ_ONCE(nvm_lag_max_us) || at > now)
		at = now;
	rl->clock = clamp(rl->clock, at, now);
}

/* GPU timestamps of an engine's work: its clock, as time of day. */
static u64 nvm_engine_gpu_time(struct nvm_runlist *rl)
{
	return rl->clock + (ktime_get_real_ns() - ktime_get_ns());
}

/*
 * SET_TIMESLICE "will be rounded down to a valid hardware value": a runlist
 * entry holds TIMEOUT (8 bits) << SCALE (4 bits) microseconds. Slices
 * shorter than 100 us are stretched to 100 us (a limit of the mock).
 */
u64 nvm_slice_ns(u64 us)
{
	u32 scale = 0;

	while (us > 255 && scale < 15) {
		us >>= 1;
		scale++;
	}
	us = min_t(u64, us, 255) << scale;
	return max_t(u64, us * NSEC_PER_USEC, NVM_MIN_SLICE_NS);
}

/* ---------------------------------------------------------------------
 * Logs: unknown methods and channel errors (debugfs)
 */
#define NVM_UNKNOWN_SLOTS	64
#define NVM_ERROR_LOG		64

static DEFINE_SPINLOCK(nvm_log_lock);
static struct {
	u32 hclass, method;
	u64 count;
} nvm_unknown[NVM_UNKNOWN_SLOTS];
static u64 nvm_unknown_other;

static struct nvm_error_rec {
	u64 when;
	u32 gpu, chid, h_client, h_object, xid;
	pid_t pid;
	const char *reason;
	u64 info;
} nvm_errors[NVM_ERROR_LOG];
static u64 nvm_errors_total;

static void nvm_log_unknown(u32 hclass, u32 method)
{
	unsigned int i;

	spin_lock(&nvm_log_lock);
	for (i = 0; i < NVM_UNKNOWN_SLOTS; i++) {
		if (nvm_unknown[i].count &&
		    (nvm_unknown[i].hclass != hclass || nvm_unknown[i].method != method))
			continue;
		nvm_unknown[i].hclass = hclass;
		nvm_unknown[i].method = method;
		nvm_unknown[i].count++;
		break;
	}
	if (i == NVM_UNKNOWN_SLOTS)
		nvm_unknown_other++;
	spin_unlock(&nvm_log_lock);
}

void nvm_engine_reset_logs(void)
{
	spin_lock(&nvm_log_lock);
	memset(nvm_unknown, 0, sizeof(nvm_unknown));
	nvm_unknown_other = 0;
	spin_unlock(&nvm_log_lock);
}

/* ---------------------------------------------------------------------
 * Per-process accounting
 */
struct nvm_pid_stat *nvm_pid_stat_get(struct nvm_gpu *gpu, pid_t pid)
{
	struct nvm_pid_stat *ps;

	mutex_lock(&gpu->pid_stats_lock);
	ps = xa_load(&gpu->pid_stats, pid);
	if (!ps) {
		ps = kzalloc(sizeof(*ps), GFP_KERNEL);
		if (ps) {
			ps->pid = pid;
			if (xa_err(xa_store(&gpu->pid_stats, pid, ps, GFP_KERNEL))) {
				kfree(ps);
				ps = NULL;
			}
		}
	}
	mutex_unlock(&gpu->pid_stats_lock);
	return ps;
}

/* ---------------------------------------------------------------------
 * Waking and evicting
 */
void nvm_engine_wake(struct nvm_runlist *rl)
{
	/* When an idle engine was first given a reason to look (its clock). */
	if (!READ_ONCE(rl->woken_at))
		cmpxchg(&rl->woken_at, 0, ktime_get_ns());
	atomic_inc(&rl->wake_seq);
	if (rl->thread)
		wake_up_process(rl->thread);
}

void nvm_engine_wake_gpu(struct nvm_gpu *gpu)
{
	unsigned int k;

	for (k = 0; k < NVM_RL_COUNT; k++)
		nvm_engine_wake(&gpu->rl[k]);
}

void nvm_poller_wake(struct nvm_gpu *gpu)
{
	atomic_inc(&gpu->db_wake);
	if (gpu->poller)
		wake_up_process(gpu->poller);
}

/* Wait until the engine does not hold @chan; it was marked first. */
void nvm_engine_evict_chan(struct nvm_chan *chan)
{
	struct nvm_runlist *rl = chan->rl;

	nvm_engine_wake(rl);
	wait_event(rl->idle_wq, READ_ONCE(rl->cur_chan) != chan);
}

void nvm_engine_evict_tsg(struct nvm_tsg *tsg)
{
	struct nvm_runlist *rl = tsg->rl;

	nvm_engine_wake(rl);
	wait_event(rl->idle_wq, READ_ONCE(rl->cur_tsg) != tsg);
}

/* PREEMPT with bWait: until @tsg was switched out (or is not on). */
bool nvm_engine_wait_off(struct nvm_tsg *tsg, unsigned long timeout)
{
	struct nvm_runlist *rl = tsg->rl;

	/* tsg->preempt is cleared by the engine when it switches @tsg out. */
	return wait_event_timeout(rl->idle_wq,
				  READ_ONCE(rl->cur_tsg) != tsg ||
				  !READ_ONCE(tsg->preempt), timeout) != 0;
}

/* ---------------------------------------------------------------------
 * Channel errors
 */
static enum nvm_chan_stop nvm_chan_fault(struct nvm_runlist *rl,
					 struct nvm_chan *chan, u32 xid,
					 const char *reason, u64 info)
{
	struct nvm_error_rec *e;

	spin_lock(&rl->lock);
	chan->error_xid = xid;
	chan->error_reason = reason;
	chan->error_info = info;
	chan->pending = false;
	chan->blocked = false;
	rl->errors++;
	spin_unlock(&rl->lock);

	spin_lock(&nvm_log_lock);
	e = &nvm_errors[nvm_errors_total++ % NVM_ERROR_LOG];
	e->when = ktime_get_ns();
	e->gpu = rl->gpu->index;
	e->chid = chan->chid;
	e->h_client = chan->h_client;
	e->h_object = chan->h_object;
	e->pid = chan->pid;
	e->xid = xid;
	e->reason = reason;
	e->info = info;
	spin_unlock(&nvm_log_lock);

	/* As the real driver reports robust-channel errors. */
	pr_info_ratelimited("NVRM: Xid (PCI:0000:%02x:00): %u, pid=%d, channel 0x%x (client 0x%x handle 0x%x): %s (0x%llx)\n",
			    rl->gpu->bus, xid, chan->pid, chan->chid,
			    chan->h_client, chan->h_object, reason, info);
	return NVM_STOP_ERROR;
}

static void nvm_unknown_method(struct nvm_runlist *rl, struct nvm_chan *chan,
			       u32 hclass, u32 method)
{
	chan->unknown++;
	nvm_log_unknown(hclass, method);
}

/* ---------------------------------------------------------------------
 * Semaphores
 */

/*
 * A semaphore release: with a timestamp, the 16-byte structure {payload,
 * pad, timestamp}; the timestamp is written first so that a reader that
 * sees the payload sees its timestamp.
 */
static int nvm_sem_release(struct nvm_chan *chan, u64 va, u64 payload,
			   bool is64, bool timestamp)
{
	int ret;

	if (timestamp) {
		ret = nvm_vas_store(chan->vas, va + 8,
				    nvm_engine_gpu_time(chan->rl), true);
		if (ret)
			return ret;
		smp_wmb();
	}
	ret = nvm_vas_store(chan->vas, va, payload, is64);
	if (!ret) {
		/* A release may satisfy an acquire on the other engine. */
		struct nvm_gpu *gpu = chan->gpu;
		unsigned int k;

		for (k = 0; k < NVM_RL_COUNT; k++) {
			struct nvm_runlist *rl = &gpu->rl[k];
			struct nvm_tsg *tsg;
			struct nvm_chan *c;
			bool any = false;

			spin_lock(&rl->lock);
			list_for_each_entry(tsg, &rl->tsgs, rl_node)
				list_for_each_entry(c, &tsg->channels, tsg_node)
					if (c->blocked) {
						c->acq_retry = 0;
						c->acq_backoff = 0;
						any = true;
					}
			spin_unlock(&rl->lock);
			if (any && rl != chan->rl)
				nvm_engine_wake(rl);
		}
	}
	return ret;
}

static bool nvm_acquire_met(u32 op, u64 val, u64 payload, bool is64)
{
	if (!is64) {
		val = (u32)val;
		payload = (u32)payload;
	}
	switch (op) {
	case NVC56F_SEM_EXECUTE_OPERATION_ACQUIRE:
		return val == payload;
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ:
		return val >= payload;
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_CIRC_GEQ:
		return is64 ? (s64)(val - payload) >= 0 : (s32)(u32)(val - payload) >= 0;
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_AND:
		return (val & payload) != 0;
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_NOR:
		return is64 ? ~(val | payload) != 0 : (u32)~(val | payload) != 0;
	}
	return true;
}

/* The pending acquire: satisfied (0), not yet (1), or a fault (<0). */
static int nvm_acquire_check(struct nvm_chan *chan)
{
	struct nvm_exec *x = &chan->x;
	u64 val;
	int ret;

	ret = nvm_vas_load(chan->vas, x->acq_va, &val, x->acq_64);
	if (ret)
		return ret;
	if (!nvm_acquire_met(x->acq_op, val, x->acq_payload, x->acq_64))
		return 1;
	x->acq = false;
	return 0;
}

static u64 nvm_host_sem_va(struct nvm_chan *chan)
{
	struct nvm_exec *x = &chan->x;
	u32 hi = chan->hclass >= HOPPER_CHANNEL_GPFIFO_A ?
		 NV_FLD_GET(NVC86F_SEM_ADDR_HI_OFFSET, x->sem_hi) :
		 NV_FLD_GET(NVC56F_SEM_ADDR_HI_OFFSET, x->sem_hi);

	return ((u64)hi << 32) |
	       ((u64)NV_FLD_GET(NVC56F_SEM_ADDR_LO_OFFSET, x->sem_lo) << 2);
}

static enum nvm_chan_stop nvm_sem_execute(struct nvm_runlist *rl,
					  struct nvm_chan *chan, u32 data)
{
	struct nvm_exec *x = &chan->x;
	u32 op = NV_FLD_GET(NVC56F_SEM_EXECUTE_OPERATION, data);
	bool is64 = NV_FLD_GET(NVC56F_SEM_EXECUTE_PAYLOAD_SIZE, data) ==
		    NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_64BIT;
	u64 va = nvm_host_sem_va(chan);
	u64 payload = is64 ? ((u64)x->pay_hi << 32) | x->pay_lo : x->pay_lo;

	switch (op) {
	case NVC56F_SEM_EXECUTE_OPERATION_RELEASE:
		if (nvm_sem_release(chan, va, payload, is64,
				    NV_FLD_GET(NVC56F_SEM_EXECUTE_RELEASE_TIMESTAMP, data)))
			return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
					      "semaphore release to an unmapped or read-only GPU VA",
					      va);
		return NVM_STOP_DONE;
	case NVC56F_SEM_EXECUTE_OPERATION_ACQUIRE:
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_STRICT_GEQ:
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_CIRC_GEQ:
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_AND:
	case NVC56F_SEM_EXECUTE_OPERATION_ACQ_NOR:
		x->acq = true;
		x->acq_va = va;
		x->acq_payload = payload;
		x->acq_op = op;
		x->acq_64 = is64;
		return NVM_STOP_DONE;	/* checked by the caller's loop */
	default:
		/* Reductions and reserved operations are not modelled. */
		nvm_unknown_method(rl, chan, 0, NVC56F_SEM_EXECUTE | (op << 16));
		return NVM_STOP_DONE;
	}
}

/* ---------------------------------------------------------------------
 * Methods
 */

/* Host methods: below NV_HOST_METHOD_LIMIT, whatever the subchannel. */
static enum nvm_chan_stop nvm_host_method(struct nvm_runlist *rl,
					  struct nvm_chan *chan, u32 subch,
					  u32 method, u32 data)
{
	struct nvm_exec *x = &chan->x;
	u32 cls;

	switch (method) {
	case NVC56F_SET_OBJECT:
		cls = NV_FLD_GET(NVC56F_SET_OBJECT_NVCLASS, data);
		if (!nvm_chan_has_object(chan, cls))
			return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_GR_EXCEPTION,
					      "SET_OBJECT of a class not allocated on the channel",
					      ((u64)subch << 32) | cls);
		x->subch_class[subch] = cls;
		return NVM_STOP_DONE;
	case NVC56F_ILLEGAL:
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_PBDMA_ERROR,
				      "ILLEGAL method", data);
	case NVC56F_NOP:
	case NVC56F_NON_STALL_INTERRUPT:	/* no interrupts in the mock */
	case NVC56F_MEM_OP_A:			/* no TLBs or caches to flush */
	case NVC56F_MEM_OP_B:
	case NVC56F_MEM_OP_C:
	case NVC56F_MEM_OP_D:
	case NVC56F_WFI:			/* in order: always idle */
	case NVC56F_YIELD:
	case NVC56F_CLEAR_FAULTED:
		return NVM_STOP_DONE;
	case NVC56F_SET_REFERENCE:
		WRITE_ONCE(chan->userd[NVC56F_USERD_REFERENCE / 4], data);
		return NVM_STOP_DONE;
	case NVC56F_SEM_ADDR_LO:
		x->sem_lo = data;
		return NVM_STOP_DONE;
	case NVC56F_SEM_ADDR_HI:
		x->sem_hi = data;
		return NVM_STOP_DONE;
	case NVC56F_SEM_PAYLOAD_LO:
		x->pay_lo = data;
		return NVM_STOP_DONE;
	case NVC56F_SEM_PAYLOAD_HI:
		x->pay_hi = data;
		return NVM_STOP_DONE;
	case NVC56F_SEM_EXECUTE:
		return nvm_sem_execute(rl, chan, data);
	case VGPU_MOCK_BUSY_NS_LO:
		x->busy_lo = data;
		return NVM_STOP_DONE;
	case VGPU_MOCK_BUSY_NS_HI:
		x->busy_left_ns = ((u64)data << 32) | x->busy_lo;
		return NVM_STOP_DONE;
	}
	nvm_unknown_method(rl, chan, 0, method);
	return NVM_STOP_DONE;
}

static bool nvm_is_copy_class(u32 cls)
{
	switch (cls) {
	case TURING_DMA_COPY_A:
	case AMPERE_DMA_COPY_A:
	case AMPERE_DMA_COPY_B:
	case HOPPER_DMA_COPY_A:
		return true;
	}
	return false;
}

/* Copy engine: LAUNCH_DMA of a (multi-line) pitch copy and its semaphore. */
static enum nvm_chan_stop nvm_ce_launch(struct nvm_runlist *rl,
					struct nvm_chan *chan, u32 cls, u32 flags)
{
	u32 *ce = chan->x.ce;
#define CE(m) ce[((m) - 0x100) / 4]
	bool hopper = cls >= HOPPER_DMA_COPY_A;
	u32 xfer = NV_FLD_GET(NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE, flags);
	u32 sem = NV_FLD_GET(NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE, flags);
	u64 src, dst, va, payload;
	u32 lines, l, upper;
	bool is64;

	if (xfer != NVC6B5_LAUNCH_DMA_DATA_TRANSFER_TYPE_NONE) {
		if (NV_FLD_GET(NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT, flags) !=
		    NVC6B5_LAUNCH_DMA_SRC_MEMORY_LAYOUT_PITCH ||
		    NV_FLD_GET(NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT, flags) !=
		    NVC6B5_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH ||
		    NV_FLD_GET(NVC6B5_LAUNCH_DMA_REMAP_ENABLE, flags) ||
		    NV_FLD_GET(NVC6B5_LAUNCH_DMA_SRC_TYPE, flags) ||
		    NV_FLD_GET(NVC6B5_LAUNCH_DMA_DST_TYPE, flags)) {
			/* Block-linear, remapped or physical copies: not modelled. */
			nvm_unknown_method(rl, chan, cls, NVC6B5_LAUNCH_DMA);
		} else {
			upper = hopper ? NV_FLD_GET(NVC8B5_OFFSET_IN_UPPER_UPPER, CE(NVC6B5_OFFSET_IN_UPPER)) :
					 NV_FLD_GET(NVC6B5_OFFSET_IN_UPPER_UPPER, CE(NVC6B5_OFFSET_IN_UPPER));
			src = ((u64)upper << 32) | CE(NVC6B5_OFFSET_IN_LOWER);
			upper = hopper ? NV_FLD_GET(NVC8B5_OFFSET_IN_UPPER_UPPER, CE(NVC6B5_OFFSET_OUT_UPPER)) :
					 NV_FLD_GET(NVC6B5_OFFSET_IN_UPPER_UPPER, CE(NVC6B5_OFFSET_OUT_UPPER));
			dst = ((u64)upper << 32) | CE(NVC6B5_OFFSET_OUT_LOWER);
			lines = NV_FLD_GET(NVC6B5_LAUNCH_DMA_MULTI_LINE_ENABLE, flags) ?
				CE(NVC6B5_LINE_COUNT) : 1;
			for (l = 0; l < lines; l++) {
				int ret = nvm_vas_copy(chan->vas,
					dst + (u64)l * CE(NVC6B5_PITCH_OUT),
					src + (u64)l * CE(NVC6B5_PITCH_IN),
					CE(NVC6B5_LINE_LENGTH_IN));

				if (ret)
					return nvm_chan_fault(rl, chan,
						ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
						ret == -EACCES ? "copy to a read-only GPU VA" :
								 "copy from or to an unmapped GPU VA",
						src);
				/*
				 * A copy is not preempted at timeslice ends, but
				 * one of billions of lines must not keep a freed
				 * or stopped channel on the engine.
				 */
				if (lines > 1 && !(l % 256)) {
					if (READ_ONCE(chan->dead) || READ_ONCE(chan->stopped) ||
					    READ_ONCE(chan->tsg->dead) || kthread_should_stop())
						return NVM_STOP_PREEMPT;
					cond_resched();
				}
			}
		}
	}
	if (sem != NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_NONE) {
		upper = hopper ? NV_FLD_GET(NVC8B5_SET_SEMAPHORE_A_UPPER, CE(NVC6B5_SET_SEMAPHORE_A)) :
				 NV_FLD_GET(NVC6B5_SET_SEMAPHORE_A_UPPER, CE(NVC6B5_SET_SEMAPHORE_A));
		va = ((u64)upper << 32) | CE(NVC6B5_SET_SEMAPHORE_B);
		is64 = cls >= AMPERE_DMA_COPY_B &&
		       NV_FLD_GET(NVC7B5_LAUNCH_DMA_SEMAPHORE_PAYLOAD_SIZE, flags);
		payload = CE(NVC6B5_SET_SEMAPHORE_PAYLOAD);
		if (is64)
			payload |= (u64)CE(NVC7B5_SET_SEMAPHORE_PAYLOAD_UPPER) << 32;
		if (nvm_sem_release(chan, va, payload, is64,
				    sem == NVC6B5_LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_FOUR_WORD_SEMAPHORE))
			return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
					      "copy-engine semaphore to an unmapped or read-only GPU VA",
					      va);
	}
	return NVM_STOP_DONE;
#undef CE
}

static enum nvm_chan_stop nvm_ce_method(struct nvm_runlist *rl,
					struct nvm_chan *chan, u32 cls,
					u32 method, u32 data)
{
	if (method < 0x500)
		chan->x.ce[(method - 0x100) / 4] = data;
	switch (method) {
	case NVC6B5_LAUNCH_DMA:
		return nvm_ce_launch(rl, chan, cls, data);
	case NVC6B5_NOP:
	case NVC6B5_SET_SEMAPHORE_A:
	case NVC6B5_SET_SEMAPHORE_B:
	case NVC6B5_SET_SEMAPHORE_PAYLOAD:
	case NVC7B5_SET_SEMAPHORE_PAYLOAD_UPPER:
	case NVC6B5_SET_SRC_PHYS_MODE:
	case NVC6B5_SET_DST_PHYS_MODE:
	case NVC6B5_OFFSET_IN_UPPER:
	case NVC6B5_OFFSET_IN_LOWER:
	case NVC6B5_OFFSET_OUT_UPPER:
	case NVC6B5_OFFSET_OUT_LOWER:
	case NVC6B5_PITCH_IN:
	case NVC6B5_PITCH_OUT:
	case NVC6B5_LINE_LENGTH_IN:
	case NVC6B5_LINE_COUNT:
		return NVM_STOP_DONE;
	}
	nvm_unknown_method(rl, chan, cls, method);
	return NVM_STOP_DONE;
}

/* The latched compute method @m (0x180..0x23c). */
#define CMP(m) (chan->x.cmp[((m) - 0x180) / 4])

/* Compute: inline-to-memory data, staged in contiguous runs. */
static int nvm_i2m_flush(struct nvm_chan *chan)
{
	struct nvm_exec *x = &chan->x;
	int ret = 0;

	if (x->stage_len)
		ret = nvm_vas_write(chan->vas, x->stage_va, x->stage, x->stage_len);
	x->stage_len = 0;
	return ret;
}

static int nvm_i2m_put(struct nvm_chan *chan, u64 va, const u8 *p, u32 n)
{
	struct nvm_exec *x = &chan->x;
	int ret;

	if (x->stage_len && (x->stage_va + x->stage_len != va ||
			     x->stage_len + n > sizeof(x->stage))) {
		ret = nvm_i2m_flush(chan);
		if (ret)
			return ret;
	}
	if (!x->stage_len)
		x->stage_va = va;
	memcpy(x->stage + x->stage_len, p, n);
	x->stage_len += n;
	return 0;
}

static enum nvm_chan_stop nvm_i2m_done(struct nvm_runlist *rl,
				       struct nvm_chan *chan, u32 cls)
{
	struct nvm_exec *x = &chan->x;
	u64 va;

	x->i2m_active = false;
	if (nvm_i2m_flush(chan))
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
				      "inline data to an unmapped or read-only GPU VA",
				      x->i2m_dst);
	if (NV_FLD_GET(NVC6C0_LAUNCH_DMA_COMPLETION_TYPE, x->i2m_launch) !=
	    NVC6C0_LAUNCH_DMA_COMPLETION_TYPE_RELEASE_SEMAPHORE)
		return NVM_STOP_DONE;
	va = ((u64)NV_FLD_GET(NVC6C0_SET_I2M_SEMAPHORE_A_OFFSET_UPPER,
			      CMP(NVC6C0_SET_I2M_SEMAPHORE_A)) << 32) |
	     CMP(NVC6C0_SET_I2M_SEMAPHORE_B);
	if (nvm_sem_release(chan, va, CMP(NVC6C0_SET_I2M_SEMAPHORE_C), false,
			    NV_FLD_GET(NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE, x->i2m_launch) ==
			    NVC6C0_LAUNCH_DMA_SEMAPHORE_STRUCT_SIZE_FOUR_WORDS))
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
				      "inline-data semaphore to an unmapped or read-only GPU VA",
				      va);
	return NVM_STOP_DONE;
}

static enum nvm_chan_stop nvm_compute_method(struct nvm_runlist *rl,
					     struct nvm_chan *chan, u32 cls,
					     u32 method, u32 data)
{
	struct nvm_exec *x = &chan->x;
	u64 va, total;
	u8 bytes[4];
	u32 n, i, line, col, take;

	if (method >= 0x180 && method < 0x180 + 4 * ARRAY_SIZE(x->cmp))
		CMP(method) = data;
	switch (method) {
	case 0x100:	/* NOP: the same offset in every class */
	case NVC6C0_LINE_LENGTH_IN:
	case NVC6C0_LINE_COUNT:
	case NVC6C0_OFFSET_OUT_UPPER:
	case NVC6C0_OFFSET_OUT:
	case NVC6C0_PITCH_OUT:
	case NVC6C0_SET_I2M_SEMAPHORE_A:
	case NVC6C0_SET_I2M_SEMAPHORE_B:
	case NVC6C0_SET_I2M_SEMAPHORE_C:
		return NVM_STOP_DONE;
	case NVC6C0_LAUNCH_DMA:
		if (NV_FLD_GET(NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT, data) !=
		    NVC6C0_LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH ||
		    NV_FLD_GET(NVC6C0_LAUNCH_DMA_REDUCTION_ENABLE, data)) {
			nvm_unknown_method(rl, chan, cls, method);
			x->i2m_active = false;
			return NVM_STOP_DONE;
		}
		x->i2m_line_len = CMP(NVC6C0_LINE_LENGTH_IN);
		x->i2m_lines = CMP(NVC6C0_LINE_COUNT);
		x->i2m_pitch = CMP(NVC6C0_PITCH_OUT);
		x->i2m_launch = data;
		x->i2m_dst = ((u64)NV_FLD_GET(NVC6C0_OFFSET_OUT_UPPER_VALUE,
					      CMP(NVC6C0_OFFSET_OUT_UPPER)) << 32) |
			     CMP(NVC6C0_OFFSET_OUT);
		total = (u64)x->i2m_line_len * x->i2m_lines;
		x->i2m_total = total;
		x->i2m_done = 0;
		x->stage_len = 0;
		x->i2m_active = true;
		if (!total)
			return nvm_i2m_done(rl, chan, cls);
		return NVM_STOP_DONE;
	case NVC6C0_LOAD_INLINE_DATA:
		if (!x->i2m_active) {
			nvm_unknown_method(rl, chan, cls, method);
			return NVM_STOP_DONE;
		}
		memcpy(bytes, &data, 4);
		n = min_t(u64, 4, x->i2m_total - x->i2m_done);
		for (i = 0; i < n; i += take) {
			line = (x->i2m_done + i) / x->i2m_line_len;
			col = (x->i2m_done + i) % x->i2m_line_len;
			take = min(n - i, x->i2m_line_len - col);
			va = x->i2m_dst + (u64)line * x->i2m_pitch + col;
			if (nvm_i2m_put(chan, va, bytes + i, take))
				return nvm_chan_fault(rl, chan,
					ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
					"inline data to an unmapped or read-only GPU VA", va);
		}
		x->i2m_done += n;
		if (x->i2m_done == x->i2m_total)
			return nvm_i2m_done(rl, chan, cls);
		return NVM_STOP_DONE;
	case NVC6C0_SET_REPORT_SEMAPHORE_A:
		x->rep_a = data;
		return NVM_STOP_DONE;
	case NVC6C0_SET_REPORT_SEMAPHORE_B:
		x->rep_b = data;
		return NVM_STOP_DONE;
	case NVC6C0_SET_REPORT_SEMAPHORE_C:
		x->rep_c = data;
		return NVM_STOP_DONE;
	case NVC6C0_SET_REPORT_SEMAPHORE_D:
		if (NV_FLD_GET(NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION, data) !=
		    NVC6C0_SET_REPORT_SEMAPHORE_D_OPERATION_RELEASE) {
			nvm_unknown_method(rl, chan, cls, method);
			return NVM_STOP_DONE;
		}
		va = ((u64)NV_FLD_GET(NVC6C0_SET_REPORT_SEMAPHORE_A_OFFSET_UPPER,
				      x->rep_a) << 32) | x->rep_b;
		if (nvm_sem_release(chan, va, x->rep_c, false,
				    NV_FLD_GET(NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE, data) ==
				    NVC6C0_SET_REPORT_SEMAPHORE_D_STRUCTURE_SIZE_FOUR_WORDS))
			return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
					      "report semaphore to an unmapped or read-only GPU VA",
					      va);
		return NVM_STOP_DONE;
	}
	nvm_unknown_method(rl, chan, cls, method);
	return NVM_STOP_DONE;
}
#undef CMP

static enum nvm_chan_stop nvm_method(struct nvm_runlist *rl,
				     struct nvm_chan *chan, u32 subch,
				     u32 method, u32 data)
{
	u32 cls;

	chan->methods++;
	rl->methods++;
	if (method < NV_HOST_METHOD_LIMIT)
		return nvm_host_method(rl, chan, subch, method, data);
	cls = chan->x.subch_class[subch];
	if (!nvm_chan_has_object(chan, cls))
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_GR_EXCEPTION,
				      "method to a subchannel without an object",
				      ((u64)subch << 32) | method);
	if (nvm_is_copy_class(cls))
		return nvm_ce_method(rl, chan, cls, method, data);
	return nvm_compute_method(rl, chan, cls, method, data);
}

/*
 * One pushbuffer dword: a method header, or data for the current one.
 * *end is set by END_PB_SEGMENT.
 */
static enum nvm_chan_stop nvm_pb_word(struct nvm_runlist *rl,
				      struct nvm_chan *chan, u32 word, bool *end)
{
	struct nvm_exec *x = &chan->x;
	struct vgpu_nv_method_header h;
	u32 method;

	if (x->m_left) {
		h.sec_op = x->m_op;
		h.method = x->m_method;
		method = vgpu_nv_method_for(&h, x->m_i);
		x->m_i++;
		x->m_left--;
		return nvm_method(rl, chan, x->m_subch, method, word);
	}
	switch (vgpu_nv_pb_header_decode(word, &h)) {
	case VGPU_NV_PB_NOP:
		return NVM_STOP_DONE;
	case VGPU_NV_PB_END_SEGMENT:
		*end = true;
		return NVM_STOP_DONE;
	case VGPU_NV_PB_METHOD:
		if (h.sec_op == NVC56F_DMA_SEC_OP_IMMD_DATA_METHOD)
			return nvm_method(rl, chan, h.subchannel, h.method, h.count);
		x->m_op = h.sec_op;
		x->m_subch = h.subchannel;
		x->m_method = h.method;
		x->m_left = h.count;
		x->m_i = 0;
		return NVM_STOP_DONE;
	default:
		/* Subdevice masks and reserved opcodes: counted, skipped. */
		nvm_unknown_method(rl, chan, 0xffff, word);
		return NVM_STOP_DONE;
	}
}

/* ---------------------------------------------------------------------
 * Execution
 */
struct nvm_run {
	struct nvm_runlist *rl;
	struct nvm_tsg *tsg;
	struct nvm_chan *chan;
	u64 slice_end;		/* engine time */
	u64 mark;		/* wall time up to which rl->clock is advanced */
};

static bool nvm_should_stop(const struct nvm_run *r)
{
	const struct nvm_chan *c = r->chan;
	const struct nvm_tsg *t = r->tsg;

	return READ_ONCE(t->preempt) || READ_ONCE(t->dead) ||
	       !READ_ONCE(t->scheduled) || READ_ONCE(c->dead) ||
	       READ_ONCE(c->stopped) || (c->needs_bind && !READ_ONCE(c->bound)) ||
	       kthread_should_stop();
}

/*
 * Sleep until @until (ktime_get_ns) or until something wants the engine:
 * an hrtimer sleep to shortly before the end, then a spin for the last
 * rl->spin_tail_ns, which follows how late this machine's timers fire.
 * On the engine's own clock only a @punctual end spins; others just sleep.
 */
static void nvm_wait_until(const struct nvm_run *r, u64 until, bool punctual)
{
	struct nvm_runlist *rl = r->rl;
	u64 now, target, late, tail;
	ktime_t kt;
	int seq;

	for (;;) {
		seq = atomic_read(&rl->wake_seq);
		now = ktime_get_ns();
		if (now >= until || nvm_should_stop(r))
			return;
		/*
		 * On the engine's own clock a late wake-up costs nothing but
		 * latency, so only an end somebody may be watching for is
		 * made punctual (see nvm_busy). On the wall clock, always
		 * spin the last stretch.
		 */
		tail = punctual || !READ_ONCE(nvm_lag_max_us) ? READ_ONCE(rl->spin_tail_ns) : 0;
		if (tail && until - now <= tail + NVM_MIN_SLEEP_NS)
			break;
		target = until - tail;
		set_current_state(TASK_IDLE);
		if (atomic_read(&rl->wake_seq) != seq || nvm_should_stop(r)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		kt = ns_to_ktime(target);
		schedule_hrtimeout_range(&kt, 0, HRTIMER_MODE_ABS);
		now = ktime_get_ns();
		if (now >= target && tail) {
			/* Timer wake-up: adapt the tail (decaying maximum). */
			late = now - target;
			tail = max(late + late / 4, tail - tail / 8);
			tail = clamp_t(u64, tail, 5 * NSEC_PER_USEC,
				       (u64)READ_ONCE(nvm_spin_max_us) * NSEC_PER_USEC);
			WRITE_ONCE(rl->spin_tail_ns, tail);
		}
	}
	while (ktime_get_ns() < until && !nvm_should_stop(r))
		cpu_relax();
}

/*
 * Whether the end of this busy period is likely to be watched: it is the
 * last queued entry of its channel (GPPut is one past GPGet), so the
 * program behind it may be waiting for exactly this completion (a tenant
 * that synchronises, or one whose short queue is about to run dry). A GPU
 * writes GPGet and its semaphores the moment the work ends; a late engine
 * thread would make that work look hundreds of microseconds longer to every
 * observer (the program, and vgpu's accounting). Other busy periods are
 * followed by more queued work, which the engine's clock catches up on.
 */
static bool nvm_busy_ends_queue(const struct nvm_run *r)
{
	const struct nvm_chan *chan = r->chan;
	u32 put = READ_ONCE(chan->userd[NVC56F_USERD_GP_PUT / 4]);

	return ((chan->gpget + 1) & (chan->gpfifo_entries - 1)) == put;
}

/*
 * The busy period in progress: run it until it ends, the slice ends or a
 * stop, in engine time (a late wake-up does not lengthen it).
 */
static enum nvm_chan_stop nvm_busy(struct nvm_run *r)
{
	struct nvm_runlist *rl = r->rl;
	struct nvm_exec *x = &r->chan->x;
	u64 start, until, end, elapsed;

	nvm_clock_sync(rl, &r->mark);
	start = rl->clock;
	until = start + min_t(u64, x->busy_left_ns, U64_MAX / 4);
	until = min(until, r->slice_end);
	nvm_wait_until(r, until, nvm_busy_ends_queue(r));
	r->mark = ktime_get_ns();
	/* Stopped early (a preemption) at the wall clock, else at @until. */
	end = max(start, min(r->mark, until));
	rl->clock = end;
	nvm_clock_sync(rl, &r->mark);
	elapsed = end - start;
	x->busy_left_ns = elapsed >= x->busy_left_ns ? 0 : x->busy_left_ns - elapsed;
	return NVM_STOP_DONE;
}

static void nvm_retire_entry(struct nvm_run *r)
{
	struct nvm_chan *chan = r->chan;

	chan->x.in_entry = false;
	chan->gpget = (chan->gpget + 1) & (chan->gpfifo_entries - 1);
	/* Every effect of the entry is visible before GP_GET moves. */
	smp_wmb();
	WRITE_ONCE(chan->userd[NVC56F_USERD_GP_GET / 4], chan->gpget);
	chan->entries++;
	r->rl->entries++;
}

/*
 * Fetch the entry at GPGet: NVM_STOP_YIELD to go on executing it (or to
 * re-read GPPut), NVM_STOP_DONE when caught up, or an error.
 */
static enum nvm_chan_stop nvm_fetch_entry(struct nvm_run *r)
{
	struct nvm_runlist *rl = r->rl;
	struct nvm_chan *chan = r->chan;
	struct nvm_exec *x = &chan->x;
	struct vgpu_nv_gp_entry e;
	u32 seq, put, words[2];
	u64 va;
	bool idle;

	seq = READ_ONCE(chan->ring_seq);
	smp_rmb();
	put = READ_ONCE(chan->userd[NVC56F_USERD_GP_PUT / 4]);
	if (put >= chan->gpfifo_entries)
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_PBDMA_ERROR,
				      "GP_PUT beyond the end of the GPFIFO", put);
	if (put == chan->gpget) {
		/* Caught up: idle, unless a doorbell came after the read. */
		spin_lock(&rl->lock);
		idle = chan->ring_seq == seq;
		if (idle)
			chan->pending = false;
		spin_unlock(&rl->lock);
		return idle ? NVM_STOP_DONE : NVM_STOP_YIELD;
	}
	va = chan->gpfifo_va + (u64)chan->gpget * NVC56F_GP_ENTRY__SIZE;
	if (nvm_vas_read(chan->vas, va, words, sizeof(words)))
		return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
				      "GPFIFO at an unmapped GPU VA", va);
	if (!vgpu_nv_gp_entry_decode(words[0], words[1], &e)) {
		switch (e.opcode) {
		case NVC56F_GP_ENTRY1_OPCODE_NOP:
		case NVC56F_GP_ENTRY1_OPCODE_GP_CRC:
		case NVC56F_GP_ENTRY1_OPCODE_PB_CRC:
			x->in_entry = true;
			x->pb_left = 0;
			return NVM_STOP_YIELD;	/* retired by the caller */
		default:
			return nvm_chan_fault(rl, chan, ROBUST_CHANNEL_PBDMA_ERROR,
					      "illegal GPFIFO entry",
					      ((u64)words[1] << 32) | words[0]);
		}
	}
	x->in_entry = true;
	x->pb_va = e.address;
	x->pb_left = e.length;
	return NVM_STOP_YIELD;
}

/* Execute up to a chunk of the current entry's pushbuffer. */
static enum nvm_chan_stop nvm_exec_chunk(struct nvm_run *r)
{
	struct nvm_chan *chan = r->chan;
	struct nvm_exec *x = &chan->x;
	u32 buf[NVM_CHUNK_DWORDS];
	enum nvm_chan_stop stop;
	u32 n, i;
	bool end = false;

	n = min_t(u32, x->pb_left, NVM_CHUNK_DWORDS);
	if (nvm_vas_read(chan->vas, x->pb_va, buf, n * 4))
		return nvm_chan_fault(r->rl, chan, ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
				      "pushbuffer at an unmapped GPU VA", x->pb_va);
	for (i = 0; i < n; i++) {
		x->pb_va += 4;
		x->pb_left--;
		stop = nvm_pb_word(r->rl, chan, buf[i], &end);
		if (stop != NVM_STOP_DONE)
			return stop;
		if (end) {
			x->pb_left = 0;
			break;
		}
		/* A busy period or an acquire is handled by the caller. */
		if (x->busy_left_ns || x->acq)
			break;
	}
	return NVM_STOP_YIELD;
}

/* Run @r->chan until it is caught up, blocked, out of time or stopped. */
static enum nvm_chan_stop nvm_run_channel(struct nvm_run *r)
{
	struct nvm_chan *chan = r->chan;
	struct nvm_exec *x = &chan->x;
	enum nvm_chan_stop stop;
	int ret;

	for (;;) {
		if (nvm_should_stop(r))
			return NVM_STOP_PREEMPT;
		if (x->busy_left_ns) {
			nvm_busy(r);
			if (x->busy_left_ns) {
				if (nvm_should_stop(r))
					return NVM_STOP_PREEMPT;
				if (r->rl->clock >= r->slice_end)
					return NVM_STOP_SLICE;
				continue;	/* woken for nothing */
			}
		}
		nvm_clock_sync(r->rl, &r->mark);
		if (r->rl->clock >= r->slice_end)
			return NVM_STOP_SLICE;
		if (x->acq) {
			ret = nvm_acquire_check(chan);
			if (ret < 0)
				return nvm_chan_fault(r->rl, chan,
					ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT,
					"semaphore acquire at an unmapped GPU VA", x->acq_va);
			if (ret > 0)
				return NVM_STOP_BLOCKED;
		}
		if (x->in_entry && !x->pb_left) {
			nvm_retire_entry(r);
			continue;
		}
		if (!x->in_entry) {
			stop = nvm_fetch_entry(r);
		} else {
			stop = nvm_exec_chunk(r);
		}
		if (stop != NVM_STOP_YIELD)
			return stop;
		cond_resched();
	}
}

/* ---------------------------------------------------------------------
 * Scheduling
 */
static u32 nvm_poll_doorbells(struct nvm_gpu *gpu, bool *more);

/* Under rl->lock. */
static bool nvm_chan_runnable(struct nvm_chan *c, u64 now, u64 *retry)
{
	if (!c->pending || c->dead || c->error_xid || c->stopped ||
	    (c->needs_bind && !c->bound))
		return false;
	if (c->blocked && now < c->acq_retry) {
		if (!*retry || c->acq_retry < *retry)
			*retry = c->acq_retry;
		return false;
	}
	return true;
}

/* Under rl->lock: the first runnable channel of @tsg, rotated to the end. */
static struct nvm_chan *nvm_tsg_next_chan(struct nvm_tsg *tsg, u64 now,
					  u64 *retry)
{
	struct nvm_chan *c;

	if (!tsg->scheduled || tsg->dead)
		return NULL;
	list_for_each_entry(c, &tsg->channels, tsg_node) {
		if (nvm_chan_runnable(c, now, retry)) {
			list_move_tail(&c->tsg_node, &tsg->channels);
			return c;
		}
	}
	return NULL;
}

/* Under rl->lock: is another TSG than @self runnable? */
static bool nvm_other_runnable(struct nvm_runlist *rl, struct nvm_tsg *self,
			       u64 now)
{
	struct nvm_tsg *t;
	struct nvm_chan *c;
	u64 retry = 0;

	list_for_each_entry(t, &rl->tsgs, rl_node) {
		if (t == self || !t->scheduled)
			continue;
		list_for_each_entry(c, &t->channels, tsg_node)
			if (nvm_chan_runnable(c, now, &retry))
				return true;
	}
	return false;
}

static void nvm_account(struct nvm_runlist *rl, struct nvm_tsg *tsg,
			struct nvm_chan *chan, u64 now)
{
	u64 delta = now > rl->run_start ? now - rl->run_start : 0;

	chan->busy_ns += delta;
	tsg->busy_ns += delta;
	rl->busy_ns += delta;
	atomic64_add(delta, &chan->pid_stat->busy_ns);
}

/* Run @tsg for its slice (or longer, if nobody else wants the engine). */
static void nvm_run_tsg(struct nvm_runlist *rl, struct nvm_tsg *tsg, u64 now)
{
	struct nvm_run r = { .rl = rl, .tsg = tsg };
	enum nvm_chan_stop stop;
	struct nvm_chan *chan;
	bool more;
	u64 retry;

	r.mark = now;
	spin_lock(&rl->lock);
	r.slice_end = rl->clock + tsg->slice_ns;
	spin_unlock(&rl->lock);

	for (;;) {
		now = ktime_get_ns();
		retry = 0;
		spin_lock(&rl->lock);
		chan = tsg->preempt ? NULL : nvm_tsg_next_chan(tsg, now, &retry);
		if (chan) {
			nvm_chan_get(chan);
			chan->blocked = false;
			nvm_clock_sync(rl, &r.mark);
			if (chan->ready_at > rl->clock)
				nvm_clock_start(rl, chan->ready_at);
			WRITE_ONCE(rl->cur_chan, chan);
			rl->run_start = rl->clock;
		}
		spin_unlock(&rl->lock);
		if (!chan)
			return;

		r.chan = chan;
		stop = nvm_run_channel(&r);

		now = ktime_get_ns();
		spin_lock(&rl->lock);
		nvm_clock_sync(rl, &r.mark);
		nvm_account(rl, tsg, chan, rl->clock);
		rl->run_start = 0;
		WRITE_ONCE(rl->cur_chan, NULL);
		if (stop == NVM_STOP_BLOCKED) {
			/*
			 * Re-check later, backing off up to 2 ms while nothing
			 * changes; a release by an engine of this GPU
			 * re-checks at once.
			 */
			chan->blocked = true;
			chan->acq_backoff = clamp_t(u64, chan->acq_backoff * 2,
				(u64)READ_ONCE(nvm_acquire_poll_us) * NSEC_PER_USEC,
				2 * NSEC_PER_MSEC);
			chan->acq_retry = now + chan->acq_backoff;
		} else {
			chan->acq_backoff = 0;
		}
		if (stop == NVM_STOP_SLICE) {
			/*
			 * Before deciding whether someone else wants the
			 * engine, look at the doorbells ourselves: a ring the
			 * poller has not seen yet must not lose its turn.
			 */
			spin_unlock(&rl->lock);
			nvm_poll_doorbells(rl->gpu, &more);
			spin_lock(&rl->lock);
			if (nvm_other_runnable(rl, tsg, now))
				stop = NVM_STOP_PREEMPT;
			else
				r.slice_end = rl->clock + tsg->slice_ns;	/* alone: go on */
		}
		spin_unlock(&rl->lock);
		if (wq_has_sleeper(&rl->idle_wq))
			wake_up_all(&rl->idle_wq);
		nvm_chan_put(chan);
		if (stop == NVM_STOP_PREEMPT)
			return;
	}
}

/* Under rl->lock: the next runnable TSG in round-robin order. */
static struct nvm_tsg *nvm_pick_tsg(struct nvm_runlist *rl, u64 now, u64 *retry)
{
	struct nvm_tsg *t;
	struct nvm_chan *c;

	list_for_each_entry(t, &rl->tsgs, rl_node) {
		if (!t->scheduled || t->dead)
			continue;
		list_for_each_entry(c, &t->channels, tsg_node)
			if (nvm_chan_runnable(c, now, retry))
				return t;
	}
	return NULL;
}

static void nvm_engine_sleep(struct nvm_runlist *rl, int seq, u64 until)
{
	ktime_t kt;

	set_current_state(TASK_IDLE);
	if (kthread_should_stop() || atomic_read(&rl->wake_seq) != seq) {
		__set_current_state(TASK_RUNNING);
		return;
	}
	if (until) {
		kt = ns_to_ktime(until);
		schedule_hrtimeout_range(&kt, 20 * NSEC_PER_USEC, HRTIMER_MODE_ABS);
	} else {
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/* Watches the doorbells for up to idle_linger_us; true if a ring came,
 * seen here or by the poller (which then bumped wake_seq). */
static bool nvm_engine_linger(struct nvm_runlist *rl, int seq)
{
	u64 end = ktime_get_ns() + (u64)READ_ONCE(nvm_linger_us) * NSEC_PER_USEC;
	bool more;

	while (ktime_get_ns() < end && !kthread_should_stop()) {
		if (nvm_poll_doorbells(rl->gpu, &more) || atomic_read(&rl->wake_seq) != seq)
			return true;
		/* Spin briefly, but give the CPU to anyone who needs it: the
		 * program that will ring may be waiting for this very CPU. */
		if (need_resched())
			cond_resched();
		else
			udelay(5);
	}
	return false;
}

static int nvm_engine_thread(void *arg)
{
	struct nvm_runlist *rl = arg;
	struct nvm_tsg *tsg, *last = NULL;
	bool ran = false;	/* ran work since it last slept */
	bool idle = true;	/* found nothing to run last time */
	u64 now, retry;
	bool more;
	int seq;

	while (!kthread_should_stop()) {
		seq = atomic_read(&rl->wake_seq);
		now = ktime_get_ns();
		retry = 0;
		spin_lock(&rl->lock);
		tsg = nvm_pick_tsg(rl, now, &retry);
		if (tsg) {
			nvm_tsg_get(tsg);
			WRITE_ONCE(rl->cur_tsg, tsg);
			if (tsg != last)
				rl->switches++;
			last = tsg;	/* compared only */
		}
		spin_unlock(&rl->lock);
		if (!tsg) {
			/* Idle: the next work starts when the engine is woken. */
			WRITE_ONCE(rl->woken_at, 0);
			idle = true;
			/* A last look at the doorbells before going idle. */
			if (nvm_poll_doorbells(rl->gpu, &more))
				continue;
			/*
			 * A program that waits for each kernel rings again right
			 * after it sees the last one complete. Hardware notices
			 * that ring within microseconds; the poller's period (and,
			 * under emulation, late timers) would add a fraction of a
			 * millisecond to every such kernel. So an engine that has
			 * just run dry keeps looking at the doorbells for a short
			 * while (idle_linger_us), yielding the CPU whenever another
			 * task wants it, before it leaves them to the poller.
			 */
			if (ran && nvm_engine_linger(rl, seq))
				continue;
			ran = false;
			nvm_engine_sleep(rl, seq, retry);
			continue;
		}

		if (idle) {
			u64 at = READ_ONCE(rl->woken_at);

			nvm_clock_start(rl, at ? at : now);
			idle = false;
		}
		nvm_run_tsg(rl, tsg, now);
		ran = true;

		spin_lock(&rl->lock);
		WRITE_ONCE(rl->cur_tsg, NULL);
		WRITE_ONCE(tsg->preempt, false);
		if (!tsg->dead)
			list_move_tail(&tsg->rl_node, &rl->tsgs);	/* round robin */
		spin_unlock(&rl->lock);
		if (wq_has_sleeper(&rl->idle_wq))
			wake_up_all(&rl->idle_wq);
		nvm_tsg_put(tsg);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Doorbells
 */

/* A ring for @chan (explicit: its token was written). */
static void nvm_chan_ring(struct nvm_chan *chan, bool explicit)
{
	struct nvm_runlist *rl = chan->rl;
	bool wake = false;

	spin_lock(&rl->lock);
	if (!chan->dead && !chan->error_xid) {
		chan->ring_seq++;
		if (explicit) {
			chan->doorbells++;
			rl->doorbells++;
		}
		wake = !chan->pending;
		if (wake)
			chan->ready_at = ktime_get_ns();
		chan->pending = true;
	}
	spin_unlock(&rl->lock);
	if (wake)
		nvm_engine_wake(rl);
}

/* Token -> channel, with a reference. */
static struct nvm_chan *nvm_token_chan(struct nvm_gpu *gpu, u32 token)
{
	u32 chid = NV_FLD_GET(NV_CTRL_VF_DOORBELL_VECTOR, token);
	struct nvm_chan *chan;

	if (token & ~(NV_FLD_NUM(NV_CTRL_VF_DOORBELL_VECTOR, ~0U) |
		      NV_FLD_NUM(NV_CTRL_VF_DOORBELL_RUNLIST_ID, ~0U)))
		return NULL;
	xa_lock(&gpu->chans);
	chan = xa_load(&gpu->chans, chid);
	/* In the table: its RM object (and so a reference) is still there. */
	if (chan && chan->token == token)
		nvm_chan_get(chan);
	else
		chan = NULL;
	xa_unlock(&gpu->chans);
	return chan;
}

/*
 * The coalescing rule: every channel of process @pid on @gpu that is not
 * pending but has work (GPPut != GPGet) becomes pending.
 */
static u32 nvm_infer_pending(struct nvm_gpu *gpu, pid_t pid)
{
	struct nvm_chan *chan, *found[16];
	unsigned long idx;
	u32 n, total = 0, i;

	idx = 0;
	do {
		n = 0;
		xa_lock(&gpu->chans);
		xa_for_each_start(&gpu->chans, idx, chan, idx) {
			if (chan->pid != pid || READ_ONCE(chan->pending) ||
			    READ_ONCE(chan->error_xid))
				continue;
			if (READ_ONCE(chan->userd[NVC56F_USERD_GP_PUT / 4]) ==
			    READ_ONCE(chan->gpget))
				continue;
			nvm_chan_get(chan);
			found[n++] = chan;
			if (n == ARRAY_SIZE(found)) {
				idx++;
				break;
			}
		}
		xa_unlock(&gpu->chans);
		for (i = 0; i < n; i++) {
			nvm_chan_ring(found[i], false);
			nvm_chan_put(found[i]);
		}
		total += n;
	} while (n == ARRAY_SIZE(found));
	return total;
}

/* One pass over the doorbells of @gpu; returns the number of rings. */
static u32 nvm_poll_doorbells(struct nvm_gpu *gpu, bool *more)
{
	struct {
		u32 token;
		pid_t pid;
	} rings[NVM_MAX_RINGS];
	struct nvm_usermode *um;
	struct nvm_chan *chan;
	u64 now = nvm_gpu_time_ns();
	u32 n = 0, i, j, tok, inferred;

	*more = false;
	spin_lock(&gpu->db_lock);
	list_for_each_entry(um, &gpu->doorbells, gpu_node) {
		/* TIME_0/TIME_1: the GPU timer, as of this poll. */
		WRITE_ONCE(*um->time, now);
		if (!READ_ONCE(*um->bell))
			continue;
		if (n == NVM_MAX_RINGS) {
			*more = true;
			break;
		}
		tok = xchg(um->bell, 0);
		if (!tok)
			continue;
		um->rings++;
		rings[n].token = tok;
		rings[n].pid = um->pid;
		n++;
	}
	spin_unlock(&gpu->db_lock);
	if (n)
		WRITE_ONCE(gpu->db_last_ring, ktime_get_ns());

	for (i = 0; i < n; i++) {
		chan = nvm_token_chan(gpu, rings[i].token);
		if (chan) {
			nvm_chan_ring(chan, true);
			nvm_chan_put(chan);
		}
	}
	/* Once per ringing process and pass. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (rings[j].pid == rings[i].pid)
				break;
		if (j < i)
			continue;
		inferred = nvm_infer_pending(gpu, rings[i].pid);
		if (inferred) {
			spin_lock(&gpu->db_lock);
			list_for_each_entry(um, &gpu->doorbells, gpu_node)
				if (um->pid == rings[i].pid) {
					um->inferred += inferred;
					break;
				}
			spin_unlock(&gpu->db_lock);
		}
	}
	return n;
}

/*
 * Is an engine of @gpu waiting for work? Only then can a ring start work
 * at once; while every engine with work is executing, a ring waits for a
 * timeslice end anyway (and the engine looks at the doorbells itself then).
 */
static bool nvm_gpu_engine_idle(struct nvm_gpu *gpu)
{
	unsigned int k;

	for (k = 0; k < NVM_RL_COUNT; k++)
		if (!READ_ONCE(gpu->rl[k].cur_tsg))
			return true;
	return false;
}

/*
 * The doorbell poller. Its period is the price of polling (each wake-up
 * costs, which under an emulator is a lot: measured under QEMU/TCG, 100 us
 * polling took 40% of two vCPUs, 200 us 20%, 500 us 11%, 1 ms 4%): fast
 * (doorbell_poll_us) while rings keep coming and an engine is idle, slow
 * (doorbell_idle_poll_us) otherwise, asleep without any USERMODE object.
 */
static int nvm_poller_thread(void *arg)
{
	struct nvm_gpu *gpu = arg;
	u64 now, interval_ns;
	bool more, any;
	ktime_t kt;
	int seq;

	while (!kthread_should_stop()) {
		seq = atomic_read(&gpu->db_wake);
		nvm_poll_doorbells(gpu, &more);
		if (more)
			continue;
		spin_lock(&gpu->db_lock);
		any = gpu->ndoorbells != 0;
		spin_unlock(&gpu->db_lock);
		now = ktime_get_ns();
		interval_ns = now - READ_ONCE(gpu->db_last_ring) <
			      (u64)READ_ONCE(nvm_active_ms) * NSEC_PER_MSEC &&
			      nvm_gpu_engine_idle(gpu) ?
			      (u64)READ_ONCE(nvm_poll_us) * NSEC_PER_USEC :
			      (u64)READ_ONCE(nvm_idle_poll_us) * NSEC_PER_USEC;
		interval_ns = max_t(u64, interval_ns, 10 * NSEC_PER_USEC);

		set_current_state(TASK_IDLE);
		if (kthread_should_stop() || atomic_read(&gpu->db_wake) != seq) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		if (!any) {
			schedule();	/* until a USERMODE object appears */
		} else {
			kt = ns_to_ktime(interval_ns);
			/* Some slack lets the timer coalesce with others. */
			schedule_hrtimeout_range(&kt, interval_ns / 4, HRTIMER_MODE_REL);
		}
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Setup
 */
static const char *const nvm_rl_names[NVM_RL_COUNT] = { "gr", "ce" };

int nvm_engine_init(struct nvm_gpu *gpu)
{
	struct task_struct *t;
	unsigned int k;

	xa_init_flags(&gpu->chans, XA_FLAGS_ALLOC1);
	ida_init(&gpu->tsg_ids);
	spin_lock_init(&gpu->db_lock);
	INIT_LIST_HEAD(&gpu->doorbells);
	atomic_set(&gpu->db_wake, 0);
	xa_init(&gpu->pid_stats);
	mutex_init(&gpu->pid_stats_lock);
	for (k = 0; k < NVM_RL_COUNT; k++) {
		struct nvm_runlist *rl = &gpu->rl[k];

		rl->gpu = gpu;
		rl->kind = k;
		rl->id = k;
		spin_lock_init(&rl->lock);
		INIT_LIST_HEAD(&rl->tsgs);
		init_waitqueue_head(&rl->idle_wq);
		atomic_set(&rl->wake_seq, 0);
		rl->spin_tail_ns = 20 * NSEC_PER_USEC;
		rl->clock = ktime_get_ns();
	}
	for (k = 0; k < NVM_RL_COUNT; k++) {
		t = kthread_run(nvm_engine_thread, &gpu->rl[k], "nvm-%s/%u",
				nvm_rl_names[k], gpu->index);
		if (IS_ERR(t))
			goto err;
		gpu->rl[k].thread = t;
	}
	t = kthread_run(nvm_poller_thread, gpu, "nvm-db/%u", gpu->index);
	if (IS_ERR(t))
		goto err;
	gpu->poller = t;
	return 0;
err:
	nvm_engine_exit(gpu);
	return PTR_ERR(t);
}

/* With nothing open (module unload): nothing is left on the runlists. */
void nvm_engine_exit(struct nvm_gpu *gpu)
{
	struct nvm_pid_stat *ps;
	unsigned long idx;
	unsigned int k;

	if (gpu->poller)
		kthread_stop(gpu->poller);
	gpu->poller = NULL;
	for (k = 0; k < NVM_RL_COUNT; k++) {
		if (gpu->rl[k].thread)
			kthread_stop(gpu->rl[k].thread);
		gpu->rl[k].thread = NULL;
		WARN_ON(!list_empty(&gpu->rl[k].tsgs));
	}
	WARN_ON(!xa_empty(&gpu->chans));
	WARN_ON(!list_empty(&gpu->doorbells));
	xa_destroy(&gpu->chans);
	ida_destroy(&gpu->tsg_ids);
	xa_for_each(&gpu->pid_stats, idx, ps)
		kfree(ps);
	xa_destroy(&gpu->pid_stats);
	mutex_destroy(&gpu->pid_stats_lock);
}

/* ---------------------------------------------------------------------
 * debugfs views (formats documented in docs/mock.md)
 */

/* Busy time of @chan including the period in progress. rl->lock held. */
static u64 nvm_chan_busy_now(struct nvm_runlist *rl, struct nvm_chan *c, u64 now)
{
	return c->busy_ns + (rl->cur_chan == c && rl->run_start ? now - rl->run_start : 0);
}

static const char *nvm_chan_state(struct nvm_runlist *rl, struct nvm_chan *c)
{
	if (c->error_xid)
		return "error";
	if (c->stopped)
		return "stopped";
	if (rl->cur_chan == c)
		return "running";
	if (c->blocked && c->pending)
		return "blocked";
	return c->pending ? "pending" : "idle";
}

void nvm_engine_show_engines(struct seq_file *s)
{
	unsigned int i, k;
	u64 now = ktime_get_ns();

	seq_printf(s, "now_ns %llu\n", now);
	for (i = 0; i < nvm_num_gpus; i++) {
		for (k = 0; k < NVM_RL_COUNT; k++) {
			struct nvm_runlist *rl = &nvm_gpus[i].rl[k];

			spin_lock(&rl->lock);
			seq_printf(s, "gpu %u engine %s runlist %u busy_ns %llu switches %llu entries %llu methods %llu doorbells %llu errors %llu tsgs %u current %d spin_tail_ns %llu\n",
				   i, nvm_rl_names[k], rl->id,
				   rl->busy_ns + (rl->run_start ? now - rl->run_start : 0),
				   rl->switches, rl->entries, rl->methods,
				   rl->doorbells, rl->errors, rl->ntsgs,
				   rl->cur_tsg ? (int)rl->cur_tsg->id : -1,
				   rl->spin_tail_ns);
			spin_unlock(&rl->lock);
		}
	}
}

void nvm_engine_show_runlists(struct seq_file *s)
{
	unsigned int i, k;
	u64 now = ktime_get_ns();

	for (i = 0; i < nvm_num_gpus; i++) {
		for (k = 0; k < NVM_RL_COUNT; k++) {
			struct nvm_runlist *rl = &nvm_gpus[i].rl[k];
			struct nvm_tsg *t;
			struct nvm_chan *c;

			spin_lock(&rl->lock);
			list_for_each_entry(t, &rl->tsgs, rl_node) {
				u64 busy = t->busy_ns;

				list_for_each_entry(c, &t->channels, tsg_node)
					if (rl->cur_chan == c && rl->run_start)
						busy += now - rl->run_start;
				seq_printf(s, "gpu %u engine %s tsg %u client 0x%08x handle 0x%08x pid %d scheduled %d current %d timeslice_us %llu slice_ns %llu channels %u busy_ns %llu\n",
					   i, nvm_rl_names[k], t->id, t->h_client,
					   t->h_object, t->pid, t->scheduled,
					   rl->cur_tsg == t, t->timeslice_us,
					   t->slice_ns, t->nchannels, busy);
			}
			spin_unlock(&rl->lock);
		}
	}
}

void nvm_engine_show_channels(struct seq_file *s)
{
	unsigned int i, k;
	u64 now = ktime_get_ns();

	for (i = 0; i < nvm_num_gpus; i++) {
		for (k = 0; k < NVM_RL_COUNT; k++) {
			struct nvm_runlist *rl = &nvm_gpus[i].rl[k];
			struct nvm_tsg *t;
			struct nvm_chan *c;

			spin_lock(&rl->lock);
			list_for_each_entry(t, &rl->tsgs, rl_node) {
				list_for_each_entry(c, &t->channels, tsg_node) {
					seq_printf(s, "gpu %u chid %u token 0x%08x client 0x%08x handle 0x%08x class 0x%04x engine %s tsg %u pid %d state %s gpget %u gpput %u busy_ns %llu entries %llu doorbells %llu methods %llu unknown %llu xid %u error %s\n",
						   i, c->chid, c->token, c->h_client,
						   c->h_object, c->hclass, nvm_rl_names[k],
						   t->id, c->pid, nvm_chan_state(rl, c),
						   READ_ONCE(c->userd[NVC56F_USERD_GP_GET / 4]),
						   READ_ONCE(c->userd[NVC56F_USERD_GP_PUT / 4]),
						   nvm_chan_busy_now(rl, c, now), c->entries,
						   c->doorbells, c->methods, c->unknown,
						   c->error_xid,
						   c->error_xid ? "yes" : "-");
				}
			}
			spin_unlock(&rl->lock);
		}
	}
}

void nvm_engine_show_busy(struct seq_file *s)
{
	unsigned int i, k;
	u64 now = ktime_get_ns();

	seq_printf(s, "now_ns %llu\n", now);
	for (i = 0; i < nvm_num_gpus; i++) {
		struct nvm_gpu *gpu = &nvm_gpus[i];
		struct nvm_pid_stat *ps;
		unsigned long idx;
		u64 total = 0, b;

		for (k = 0; k < NVM_RL_COUNT; k++) {
			struct nvm_runlist *rl = &gpu->rl[k];

			spin_lock(&rl->lock);
			b = rl->busy_ns + (rl->run_start ? now - rl->run_start : 0);
			spin_unlock(&rl->lock);
			seq_printf(s, "gpu %u engine %s busy_ns %llu\n", i,
				   nvm_rl_names[k], b);
			total += b;
		}
		seq_printf(s, "gpu %u busy_ns %llu\n", i, total);
		mutex_lock(&gpu->pid_stats_lock);
		xa_for_each(&gpu->pid_stats, idx, ps) {
			b = atomic64_read(&ps->busy_ns);
			for (k = 0; k < NVM_RL_COUNT; k++) {
				struct nvm_runlist *rl = &gpu->rl[k];

				spin_lock(&rl->lock);
				if (rl->cur_chan && rl->run_start &&
				    rl->cur_chan->pid_stat == ps)
					b += now - rl->run_start;
				spin_unlock(&rl->lock);
			}
			seq_printf(s, "pid %d gpu %u busy_ns %llu\n", ps->pid, i, b);
		}
		mutex_unlock(&gpu->pid_stats_lock);
	}
}

void nvm_engine_show_unknown(struct seq_file *s)
{
	unsigned int i;

	spin_lock(&nvm_log_lock);
	for (i = 0; i < NVM_UNKNOWN_SLOTS; i++)
		if (nvm_unknown[i].count)
			seq_printf(s, "class 0x%04x method 0x%04x count %llu\n",
				   nvm_unknown[i].hclass, nvm_unknown[i].method,
				   nvm_unknown[i].count);
	if (nvm_unknown_other)
		seq_printf(s, "other - count %llu\n", nvm_unknown_other);
	spin_unlock(&nvm_log_lock);
}

void nvm_engine_show_errors(struct seq_file *s)
{
	u64 i, first;

	spin_lock(&nvm_log_lock);
	seq_printf(s, "total %llu\n", nvm_errors_total);
	first = nvm_errors_total > NVM_ERROR_LOG ? nvm_errors_total - NVM_ERROR_LOG : 0;
	for (i = first; i < nvm_errors_total; i++) {
		struct nvm_error_rec *e = &nvm_errors[i % NVM_ERROR_LOG];

		seq_printf(s, "error %llu time_ns %llu gpu %u chid %u client 0x%08x handle 0x%08x pid %d xid %u info 0x%llx reason %s\n",
			   i, e->when, e->gpu, e->chid, e->h_client, e->h_object,
			   e->pid, e->xid, e->info, e->reason);
	}
	spin_unlock(&nvm_log_lock);
}

void nvm_engine_show_doorbells(struct seq_file *s)
{
	unsigned int i;

	for (i = 0; i < nvm_num_gpus; i++) {
		struct nvm_gpu *gpu = &nvm_gpus[i];
		struct nvm_usermode *um;

		spin_lock(&gpu->db_lock);
		list_for_each_entry(um, &gpu->doorbells, gpu_node)
			seq_printf(s, "gpu %u client 0x%08x handle 0x%08x pid %d rings %llu inferred %llu\n",
				   i, um->h_client, um->h_object, um->pid,
				   um->rings, um->inferred);
		spin_unlock(&gpu->db_lock);
	}
}
