// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "vgpu" generic netlink family: its static tables (operations,
 * per-operation strict attribute policies, multicast group) and thin
 * wrappers over the static-inline message helpers. The handlers are Rust
 * (kmod/netlink.rs). ABI: uapi/include/vgpu.h, uapi/vgpu.yaml.
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "../../uapi/include/vgpu.h"
#include "glue.h"

static struct genl_family vgpu_family;

enum { VGPU_MCGRP_EVENTS_ID };

static const struct genl_multicast_group vgpu_mcgrps[] = {
	[VGPU_MCGRP_EVENTS_ID] = { .name = VGPU_MCGRP_EVENTS },
};

/* Requests that name a quota entry. */
static const struct nla_policy vgpu_key_policy[VGPU_A_GPU + 1] = {
	[VGPU_A_CGROUP_ID] = { .type = NLA_U64 },
	[VGPU_A_GPU] = { .type = NLA_U32 },
};

/* set-quota: the key and the settings. Counters are replies only, so the
 * ones in between are rejected, as is anything past the weight. */
static const struct netlink_range_validation vgpu_period_range = {
	.min = VGPU_COMPUTE_PERIOD_MIN_US,
	.max = VGPU_COMPUTE_PERIOD_MAX_US,
};

static const struct nla_policy vgpu_set_policy[VGPU_A_COMPUTE_WEIGHT + 1] = {
	[VGPU_A_CGROUP_ID] = { .type = NLA_U64 },
	[VGPU_A_GPU] = { .type = NLA_U32 },
	[VGPU_A_MEMORY_MAX] = { .type = NLA_U64 },
	[VGPU_A_MEMORY_CURRENT] = { .type = NLA_REJECT },
	[VGPU_A_MEMORY_PEAK] = { .type = NLA_REJECT },
	[VGPU_A_MEMORY_EVENTS_MAX] = { .type = NLA_REJECT },
	[VGPU_A_MEMORY_EFFECTIVE_MAX] = { .type = NLA_REJECT },
	[VGPU_A_SYSMEM_CURRENT] = { .type = NLA_REJECT },
	[VGPU_A_COMPUTE_QUOTA_US] = { .type = NLA_U64 },
	[VGPU_A_COMPUTE_PERIOD_US] = NLA_POLICY_FULL_RANGE(NLA_U64, &vgpu_period_range),
	[VGPU_A_COMPUTE_WEIGHT] = NLA_POLICY_RANGE(NLA_U32, VGPU_COMPUTE_WEIGHT_MIN,
						   VGPU_COMPUTE_WEIGHT_MAX),
};

/* get-status and dumps take no attributes at all. */
static const struct nla_policy vgpu_empty_policy[1] = {};

/*
 * Changing quotas needs CAP_SYS_ADMIN in the initial user namespace, for the
 * opener of the socket and the caller alike (netlink_capable), so root in a
 * user namespace or container gets -EPERM.
 */
static int vgpu_admin_set_quota(struct sk_buff *skb, struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_SYS_ADMIN))
		return -EPERM;
	return vgpu_rs_nl_set_quota(skb, info);
}

static int vgpu_admin_del_quota(struct sk_buff *skb, struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_SYS_ADMIN))
		return -EPERM;
	return vgpu_rs_nl_del_quota(skb, info);
}

static const struct genl_ops vgpu_ops[] = {
	{
		.cmd = VGPU_CMD_GET_STATUS,
		.doit = vgpu_rs_nl_get_status,
		.policy = vgpu_empty_policy,
		.maxattr = 0,
	},
	{
		.cmd = VGPU_CMD_SET_QUOTA,
		.doit = vgpu_admin_set_quota,
		.policy = vgpu_set_policy,
		.maxattr = VGPU_A_COMPUTE_WEIGHT,
	},
	{
		.cmd = VGPU_CMD_GET_QUOTA,
		.doit = vgpu_rs_nl_get_quota,
		.dumpit = vgpu_rs_nl_dump_quota,
		.policy = vgpu_key_policy,
		.maxattr = VGPU_A_GPU,
	},
	{
		.cmd = VGPU_CMD_DEL_QUOTA,
		.doit = vgpu_admin_del_quota,
		.policy = vgpu_key_policy,
		.maxattr = VGPU_A_GPU,
	},
};

static struct genl_family vgpu_family __ro_after_init = {
	.name = VGPU_FAMILY_NAME,
	.version = VGPU_FAMILY_VERSION,
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = vgpu_ops,
	.n_ops = ARRAY_SIZE(vgpu_ops),
	.resv_start_op = VGPU_CMD_DENIAL + 1,
	.mcgrps = vgpu_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vgpu_mcgrps),
};

int vgpu_genl_register(void)
{
	return genl_register_family(&vgpu_family);
}

void vgpu_genl_unregister(void)
{
	genl_unregister_family(&vgpu_family);
}

struct sk_buff *vgpu_genl_new(void)
{
	return genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

void vgpu_genl_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

void *vgpu_genl_put_reply(struct sk_buff *skb, struct genl_info *info, u8 cmd)
{
	return genlmsg_put_reply(skb, info, &vgpu_family, 0, cmd);
}

void *vgpu_genl_put_dump(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &vgpu_family, NLM_F_MULTI, cmd);
}

void *vgpu_genl_put_event(struct sk_buff *skb, u8 cmd)
{
	return genlmsg_put(skb, 0, 0, &vgpu_family, 0, cmd);
}

void vgpu_genl_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void vgpu_genl_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

int vgpu_genl_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

/* Consumes skb. Safe from any context that may allocate with GFP_ATOMIC. */
int vgpu_genl_multicast_event(struct sk_buff *skb)
{
	return genlmsg_multicast(&vgpu_family, skb, 0, VGPU_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

bool vgpu_genl_has_event_listeners(void)
{
	return genl_has_listeners(&vgpu_family, &init_net, VGPU_MCGRP_EVENTS_ID);
}

int vgpu_nla_put_u32(struct sk_buff *skb, int attr, u32 value)
{
	return nla_put_u32(skb, attr, value);
}

int vgpu_nla_put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, VGPU_A_PAD);
}

int vgpu_nla_put_string(struct sk_buff *skb, int attr, const char *s)
{
	return nla_put_string(skb, attr, s);
}

int vgpu_nla_get_u32(struct genl_info *info, int attr, u32 *out)
{
	if (!info->attrs[attr])
		return -ENOENT;
	*out = nla_get_u32(info->attrs[attr]);
	return 0;
}

int vgpu_nla_get_u64(struct genl_info *info, int attr, u64 *out)
{
	if (!info->attrs[attr])
		return -ENOENT;
	*out = nla_get_u64(info->attrs[attr]);
	return 0;
}

/* True when present; otherwise reports the missing attribute in extack. */
bool vgpu_genl_require(struct genl_info *info, int attr)
{
	return !GENL_REQ_ATTR_CHECK(info, attr);
}

/* The message must live forever (a string literal on the Rust side). */
void vgpu_genl_set_err(struct genl_info *info, const char *static_msg)
{
	if (info->extack)
		info->extack->_msg = static_msg;
}

long *vgpu_genl_cb_args(struct netlink_callback *cb)
{
	return cb->args;
}

unsigned int vgpu_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}
