// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia_mock: the objects of work submission.
 *
 *  - USERMODE objects (VOLTA/TURING/AMPERE/HOPPER_USERMODE_A): the 64 KiB
 *    region whose NOTIFY_CHANNEL_PENDING register (+0x90) is the doorbell
 *    and whose TIME_0/TIME_1 (+0x80) are the GPU timer. Each object has its
 *    own pages (so rings on different objects never coalesce), mapped
 *    through a GPU file like BAR memory.
 *  - TSGs (KEPLER_CHANNEL_GROUP_A): what a runlist schedules, with their
 *    timeslice; bare channels (allocated under a device) get an implicit
 *    one, as RM allocates an internal TSG for them.
 *  - Context shares (FERMI_CONTEXT_SHARE_A): a VA space and a VEID.
 *  - GPFIFO channels (VOLTA..HOPPER_CHANNEL_GPFIFO_A): a GPFIFO ring at a
 *    GPU VA, a USERD (in client memory, or provided by the driver and
 *    mapped by MAP_MEMORY of the channel), a work submit token.
 *  - Engine objects (compute and DMA copy classes) on a channel: what
 *    SET_OBJECT may bind to a subchannel.
 *
 * Creation and destruction are called by rm.c with the owning client's
 * lock held; the engine (engine.c) never takes that lock, so destruction
 * may wait for the engine to let go of a channel or TSG.
 */
#define pr_fmt(fmt) "nvidia_mock: " fmt

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mock.h"

struct nvm_stats2 nvm_stats2;

/*
 * Fake bus addresses of register memory (tokens returned by MAP_MEMORY):
 * the USERMODE region sits at BAR0 + 0x810000 on Volta+ (dev_usermode.ref,
 * NV_USERMODE); driver USERD in a BAR1 window above the framebuffer's.
 */
#define NVM_USERMODE_BAR0_OFFSET	0x00810000ULL
#define NVM_USERD_BAR1_OFFSET		(1ULL << 39)

/* ---------------------------------------------------------------------
 * USERMODE
 */
static void nvm_usermode_release(struct kref *ref)
{
	struct nvm_usermode *um = container_of(ref, struct nvm_usermode, ref);

	nvm_mem_put_rm(um->mem);
	kfree(um);
	atomic_dec(&nvm_stats2.usermodes);
}

void nvm_usermode_put(struct nvm_usermode *um)
{
	kref_put(&um->ref, nvm_usermode_release);
}

struct nvm_usermode *nvm_usermode_create(struct nvm_gpu *gpu, pid_t pid,
					 u32 h_client, u32 h_object,
					 u32 *status)
{
	struct nvm_usermode *um;
	u8 *base;

	um = kzalloc(sizeof(*um), GFP_KERNEL);
	if (!um) {
		*status = NV_ERR_NO_MEMORY;
		return NULL;
	}
	um->mem = nvm_mem_create_reg(gpu, NVM_USERMODE_SIZE,
				     gpu->bar0_base + NVM_USERMODE_BAR0_OFFSET,
				     status);
	if (!um->mem) {
		kfree(um);
		return NULL;
	}
	kref_init(&um->ref);
	um->gpu = gpu;
	um->pid = pid;
	um->h_client = h_client;
	um->h_object = h_object;
	base = page_address(nvm_mem_page(um->mem, 0));
	um->bell = (u32 *)(base + NVC361_NOTIFY_CHANNEL_PENDING);
	um->time = (u64 *)(base + NVC361_TIME_0);
	WRITE_ONCE(*um->time, nvm_gpu_time_ns());

	spin_lock(&gpu->db_lock);
	list_add_tail(&um->gpu_node, &gpu->doorbells);
	gpu->ndoorbells++;
	um->listed = true;
	spin_unlock(&gpu->db_lock);
	atomic_inc(&nvm_stats2.usermodes);
	nvm_poller_wake(gpu);
	*status = NV_OK;
	return um;
}

/* The RM object is freed: the poller forgets the region. */
void nvm_usermode_destroy(struct nvm_usermode *um)
{
	struct nvm_gpu *gpu = um->gpu;

	spin_lock(&gpu->db_lock);
	if (um->listed) {
		list_del(&um->gpu_node);
		gpu->ndoorbells--;
		um->listed = false;
	}
	spin_unlock(&gpu->db_lock);
	nvm_usermode_put(um);
}

/* ---------------------------------------------------------------------
 * TSGs
 */
bool nvm_engine_type_valid(u32 engine_type)
{
	return engine_type == NV2080_ENGINE_TYPE_GRAPHICS ||
	       (engine_type >= NV2080_ENGINE_TYPE_COPY0 &&
		engine_type < NV2080_ENGINE_TYPE_COPY0 + 10);
}

static void nvm_tsg_release(struct kref *ref)
{
	struct nvm_tsg *tsg = container_of(ref, struct nvm_tsg, ref);

	WARN_ON(!list_empty(&tsg->channels));
	nvm_vas_put(tsg->vas);
	ida_free(&tsg->gpu->tsg_ids, tsg->id);
	kfree(tsg);
	atomic_dec(&nvm_stats2.tsgs);
}

void nvm_tsg_get(struct nvm_tsg *tsg)
{
	kref_get(&tsg->ref);
}

void nvm_tsg_put(struct nvm_tsg *tsg)
{
	kref_put(&tsg->ref, nvm_tsg_release);
}

struct nvm_tsg *nvm_tsg_create(struct nvm_gpu *gpu, u32 engine_type,
			       struct nvm_vas *vas, u32 h_client, u32 h_object,
			       u32 *status)
{
	struct nvm_runlist *rl;
	struct nvm_tsg *tsg;
	int id;

	/*
	 * Ampere has a channel RAM per runlist: "Valid engine Id must be
	 * specified while allocating TSGs or bare channels". The mock has GR0
	 * and COPY0..9 (all copy engines share one runlist and one thread).
	 */
	if (!nvm_engine_type_valid(engine_type)) {
		*status = NV_ERR_INVALID_ARGUMENT;
		return NULL;
	}
	tsg = kzalloc(sizeof(*tsg), GFP_KERNEL);
	if (!tsg) {
		*status = NV_ERR_NO_MEMORY;
		return NULL;
	}
	id = ida_alloc_max(&gpu->tsg_ids, NVM_MAX_TSGS - 1, GFP_KERNEL);
	if (id < 0) {
		kfree(tsg);
		*status = NV_ERR_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	kref_init(&tsg->ref);
	tsg->gpu = gpu;
	rl = &gpu->rl[engine_type == NV2080_ENGINE_TYPE_GRAPHICS ? NVM_RL_GR :
						 NVM_RL_CE];
	tsg->rl = rl;
	tsg->id = id;
	tsg->engine_type = engine_type;
	tsg->h_client = h_client;
	tsg->h_object = h_object;
	tsg->pid = task_tgid_nr(current);
	if (vas)
		nvm_vas_get(vas);
	tsg->vas = vas;
	INIT_LIST_HEAD(&tsg->channels);
	tsg->timeslice_us = nvm_default_timeslice_us;
	tsg->slice_ns = nvm_slice_ns(tsg->timeslice_us);
	tsg->interleave = NVA06C_CTRL_INTERLEAVE_LEVEL_MEDIUM;

	spin_lock(&rl->lock);
	list_add_tail(&tsg->rl_node, &rl->tsgs);
	rl->ntsgs++;
	spin_unlock(&rl->lock);
	atomic_inc(&nvm_stats2.tsgs);
	*status = NV_OK;
	return tsg;
}

/* The RM object (or the bare channel of an implicit TSG) is freed. */
void nvm_tsg_destroy(struct nvm_tsg *tsg)
{
	struct nvm_runlist *rl = tsg->rl;

	spin_lock(&rl->lock);
	tsg->dead = true;
	tsg->scheduled = false;
	list_del_init(&tsg->rl_node);
	rl->ntsgs--;
	spin_unlock(&rl->lock);
	nvm_engine_evict_tsg(tsg);
	nvm_tsg_put(tsg);
}

/*
 * NVA06C_CTRL_CMD_GPFIFO_SCHEDULE (and NVA06F's on a channel). On Volta+
 * kchannelIsSchedulable() refuses GR channels on an externally owned VA
 * space (UVM's) that UVM has not bound (UVM_REGISTER_CHANNEL):
 * NV_ERR_INVALID_STATE. Disabling takes the TSG off the runlist.
 */
u32 nvm_tsg_schedule(struct nvm_tsg *tsg, bool enable)
{
	struct nvm_runlist *rl = tsg->rl;
	struct nvm_chan *chan;
	u32 status = NV_OK;

	spin_lock(&rl->lock);
	if (tsg->dead) {
		status = NV_ERR_INVALID_OBJECT;
	} else if (enable) {
		list_for_each_entry(chan, &tsg->channels, tsg_node) {
			if (chan->needs_bind && !chan->bound) {
				status = NV_ERR_INVALID_STATE;
				break;
			}
		}
		if (status == NV_OK)
			tsg->scheduled = true;
	} else {
		tsg->scheduled = false;
		if (rl->cur_tsg == tsg)
			tsg->preempt = true;
	}
	spin_unlock(&rl->lock);
	nvm_engine_wake(rl);
	return status;
}

/*
 * SET_TIMESLICE: GET returns the value set; the engine uses it rounded
 * down to what a runlist entry can hold, and at once (a TSG on the engine
 * is switched out so that its next slice has the new length).
 */
u32 nvm_tsg_set_timeslice(struct nvm_tsg *tsg, u64 us)
{
	struct nvm_runlist *rl = tsg->rl;

	spin_lock(&rl->lock);
	tsg->timeslice_us = us;
	tsg->slice_ns = nvm_slice_ns(us);
	if (rl->cur_tsg == tsg)
		tsg->preempt = true;
	spin_unlock(&rl->lock);
	nvm_engine_wake(rl);
	return NV_OK;
}

u64 nvm_tsg_get_timeslice(struct nvm_tsg *tsg)
{
	u64 us;

	spin_lock(&tsg->rl->lock);
	us = tsg->timeslice_us;
	spin_unlock(&tsg->rl->lock);
	return us;
}

/*
 * PREEMPT: switch the TSG out now (it stays scheduled and runs again at
 * its next turn). With bWait, wait until it is off the engine.
 */
u32 nvm_tsg_preempt(struct nvm_tsg *tsg, bool wait, u32 timeout_us)
{
	struct nvm_runlist *rl = tsg->rl;
	bool current_tsg;

	spin_lock(&rl->lock);
	current_tsg = rl->cur_tsg == tsg;
	if (current_tsg)
		tsg->preempt = true;
	spin_unlock(&rl->lock);
	if (!current_tsg)
		return NV_OK;
	nvm_engine_wake(rl);
	if (!wait)
		return NV_OK;
	return nvm_engine_wait_off(tsg, usecs_to_jiffies(timeout_us) + 1) ?
	       NV_OK : NV_ERR_TIMEOUT;
}

/* Interleave levels are kept and reported; the mock has one level. */
u32 nvm_tsg_set_interleave(struct nvm_tsg *tsg, u32 level)
{
	if (level > NVA06C_CTRL_INTERLEAVE_LEVEL_HIGH)
		return NV_ERR_INVALID_ARGUMENT;
	WRITE_ONCE(tsg->interleave, level);
	return NV_OK;
}

u32 nvm_tsg_get_interleave(struct nvm_tsg *tsg)
{
	return READ_ONCE(tsg->interleave);
}

/* ---------------------------------------------------------------------
 * Channels
 */
static void nvm_chan_release(struct kref *ref)
{
	struct nvm_chan *chan = container_of(ref, struct nvm_chan, ref);

	if (chan->userd_internal)
		nvm_mem_put_rm(chan->userd_mem);
	else
		nvm_mem_put(chan->userd_mem);
	nvm_vas_put(chan->vas);
	nvm_tsg_put(chan->tsg);
	kfree(chan);
	atomic_dec(&nvm_stats2.channels);
}

void nvm_chan_get(struct nvm_chan *chan)
{
	kref_get(&chan->ref);
}

void nvm_chan_put(struct nvm_chan *chan)
{
	kref_put(&chan->ref, nvm_chan_release);
}

struct nvm_chan *nvm_chan_create(const struct nvm_chan_args *a, u32 *status)
{
	struct nvm_tsg *tsg = a->tsg;
	struct nvm_chan *chan;
	struct nvm_gpu *gpu;
	struct page *page;
	u32 chid;
	int ret;

	/* The GPFIFO: a power of two of 8-byte entries at an aligned VA. */
	if (a->gpfifo_entries < 2 || !is_power_of_2(a->gpfifo_entries) ||
	    (a->gpfifo_va & (NVC56F_GP_ENTRY__SIZE - 1))) {
		*status = NV_ERR_INVALID_ARGUMENT;
		return NULL;
	}
	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan) {
		*status = NV_ERR_NO_MEMORY;
		return NULL;
	}
	if (!tsg) {
		/* A bare channel: RM wraps it in a TSG of its own. */
		tsg = nvm_tsg_create(a->gpu, a->engine_type, a->vas,
				     a->h_client, 0, status);
		if (!tsg) {
			kfree(chan);
			return NULL;
		}
		chan->implicit_tsg = true;
	} else {
		nvm_tsg_get(tsg);
	}
	gpu = tsg->gpu;
	kref_init(&chan->ref);
	spin_lock_init(&chan->obj_lock);
	INIT_LIST_HEAD(&chan->tsg_node);
	chan->gpu = gpu;
	chan->tsg = tsg;
	chan->rl = tsg->rl;
	chan->hclass = a->hclass;
	chan->h_client = a->h_client;
	chan->h_object = a->h_object;
	chan->pid = task_tgid_nr(current);
	if (a->vas)
		nvm_vas_get(a->vas);
	chan->vas = a->vas;
	chan->needs_bind = chan->rl->kind == NVM_RL_GR && a->vas &&
		(a->vas->flags & NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED);
	chan->subctx = a->subctx;
	chan->gpfifo_va = a->gpfifo_va;
	chan->gpfifo_entries = a->gpfifo_entries;

	/* chids from 1: a token is never 0, the doorbell's idle value. */
	ret = xa_alloc(&gpu->chans, &chid, NULL,
		       XA_LIMIT(1, NVM_MAX_CHANNELS - 1), GFP_KERNEL);
	if (ret) {
		*status = ret == -EBUSY ? NV_ERR_NO_FREE_FIFOS : NV_ERR_NO_MEMORY;
		goto err_tsg;
	}
	chan->chid = chid;
	chan->token = NV_FLD_NUM(NV_CTRL_VF_DOORBELL_VECTOR, chid) |
		      NV_FLD_NUM(NV_CTRL_VF_DOORBELL_RUNLIST_ID, chan->rl->id);

	chan->pid_stat = nvm_pid_stat_get(gpu, chan->pid);
	if (!chan->pid_stat) {
		*status = NV_ERR_NO_MEMORY;
		goto err_chid;
	}

	/* USERD: 512 bytes the engine and the client share. */
	if (a->userd_mem) {
		if (nvm_mem_populate(a->userd_mem, a->userd_off >> PAGE_SHIFT, 1)) {
			*status = NV_ERR_NO_MEMORY;
			goto err_chid;
		}
		kref_get(&a->userd_mem->ref);
		chan->userd_mem = a->userd_mem;
		chan->userd_off = a->userd_off;
	} else {
		chan->userd_mem = nvm_mem_create_reg(gpu, PAGE_SIZE,
			gpu->bar1_base + NVM_USERD_BAR1_OFFSET + (u64)chid * PAGE_SIZE,
			status);
		if (!chan->userd_mem)
			goto err_chid;
		chan->userd_internal = true;
	}
	page = nvm_mem_page(chan->userd_mem, chan->userd_off >> PAGE_SHIFT);
	chan->userd = (u32 *)((u8 *)page_address(page) +
			      (chan->userd_off & ~PAGE_MASK));
	/* A new channel's USERD starts clean: GP_GET = GP_PUT = 0. */
	memset(chan->userd, 0, NV_RAMUSERD_SIZE);

	spin_lock(&chan->rl->lock);
	list_add_tail(&chan->tsg_node, &tsg->channels);
	tsg->nchannels++;
	spin_unlock(&chan->rl->lock);
	xa_store(&gpu->chans, chid, chan, GFP_KERNEL);	/* replaces the reservation */
	atomic_inc(&nvm_stats2.channels);
	*status = NV_OK;
	return chan;

err_chid:
	xa_erase(&gpu->chans, chid);
err_tsg:
	nvm_vas_put(chan->vas);
	if (chan->implicit_tsg)
		nvm_tsg_destroy(tsg);
	else
		nvm_tsg_put(tsg);
	kfree(chan);
	return NULL;
}

/*
 * The RM object is freed: no doorbell finds the channel any more, it
 * leaves its TSG, and we wait until the engine is not executing it (it
 * notices at its next check, within a few methods, a copy chunk or at
 * once if it sleeps in a busy period). After this returns the channel
 * never writes to memory again.
 */
void nvm_chan_destroy(struct nvm_chan *chan)
{
	struct nvm_runlist *rl = chan->rl;

	xa_erase(&chan->gpu->chans, chan->chid);
	spin_lock(&rl->lock);
	chan->dead = true;
	chan->pending = false;
	list_del_init(&chan->tsg_node);
	chan->tsg->nchannels--;
	spin_unlock(&rl->lock);
	nvm_engine_evict_chan(chan);
	if (chan->implicit_tsg)
		nvm_tsg_destroy(chan->tsg);
	nvm_chan_put(chan);
}

static bool nvm_class_is_compute(u32 hclass)
{
	switch (hclass) {
	case TURING_COMPUTE_A:
	case AMPERE_COMPUTE_A:
	case AMPERE_COMPUTE_B:
	case ADA_COMPUTE_A:
	case HOPPER_COMPUTE_A:
		return true;
	}
	return false;
}

/*
 * An engine object is allocated on the channel: SET_OBJECT may now bind
 * its class. Compute objects need a GR channel (a copy channel has no
 * compute engine); copy objects go on either (GR's copy engine, GRCE).
 */
u32 nvm_chan_add_object(struct nvm_chan *chan, u32 hclass)
{
	u32 status = NV_ERR_INSUFFICIENT_RESOURCES;
	unsigned int i;

	if (nvm_class_is_compute(hclass) && chan->rl->kind != NVM_RL_GR)
		return NV_ERR_INVALID_ARGUMENT;
	spin_lock(&chan->obj_lock);
	for (i = 0; i < NVM_MAX_CHAN_OBJS; i++) {
		if (!chan->objs[i]) {
			WRITE_ONCE(chan->objs[i], hclass);
			status = NV_OK;
			break;
		}
	}
	spin_unlock(&chan->obj_lock);
	return status;
}

void nvm_chan_del_object(struct nvm_chan *chan, u32 hclass)
{
	unsigned int i;

	spin_lock(&chan->obj_lock);
	for (i = 0; i < NVM_MAX_CHAN_OBJS; i++) {
		if (chan->objs[i] == hclass) {
			WRITE_ONCE(chan->objs[i], 0);
			break;
		}
	}
	spin_unlock(&chan->obj_lock);
}

bool nvm_chan_has_object(struct nvm_chan *chan, u32 hclass)
{
	unsigned int i;

	if (!hclass)
		return false;
	for (i = 0; i < NVM_MAX_CHAN_OBJS; i++)
		if (READ_ONCE(chan->objs[i]) == hclass)
			return true;
	return false;
}

/*
 * UVM_REGISTER_CHANNEL binds the channel's resources; unregistering (or
 * unregistering the GPU VA space, or closing UVM) stops it
 * (nvUvmInterfaceStopChannel): it does not run again until bound again.
 */
void nvm_chan_set_bound(struct nvm_chan *chan, bool bound)
{
	struct nvm_runlist *rl = chan->rl;

	spin_lock(&rl->lock);
	chan->bound = bound;
	chan->stopped = !bound;
	spin_unlock(&rl->lock);
	if (!bound)
		nvm_engine_evict_chan(chan);
	else
		nvm_engine_wake(rl);
}
