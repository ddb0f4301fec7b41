//! Client of the `vgpu` generic netlink family (ABI: `vgpu_uapi::netlink`).

use anyhow::{Context, Result};
use neli::{
    attr::Attribute,
    consts::{nl::NlmF, socket::NlFamily},
    err::RouterError,
    genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, NlattrBuilder, NoUserHeader},
    nl::NlPayload,
    router::synchronous::{NlRouter, NlRouterReceiverHandle},
    types::{Buffer, GenlBuffer},
    utils::Groups,
};
use vgpu_uapi::netlink::{attr, cmd, FAMILY_NAME, FAMILY_VERSION};

use crate::error::CtlError;

/// Commands of the family, valued by the uapi constants.
#[neli::neli_enum(serialized_type = "u8")]
pub enum Cmd {
    GetStatus = cmd::GET_STATUS,
    SetQuota = cmd::SET_QUOTA,
    GetQuota = cmd::GET_QUOTA,
    DelQuota = cmd::DEL_QUOTA,
    Denial = cmd::DENIAL,
}
impl neli::consts::genl::Cmd for Cmd {}

/// Attributes of the family, valued by the uapi constants.
#[neli::neli_enum(serialized_type = "u16")]
pub enum Attr {
    Pad = attr::PAD,
    Version = attr::VERSION,
    AbiVersion = attr::ABI_VERSION,
    Driver = attr::DRIVER,
    CgroupId = attr::CGROUP_ID,
    CgroupPath = attr::CGROUP_PATH,
    Gpu = attr::GPU,
    MemoryMax = attr::MEMORY_MAX,
    MemoryCurrent = attr::MEMORY_CURRENT,
    MemoryPeak = attr::MEMORY_PEAK,
    MemoryEventsMax = attr::MEMORY_EVENTS_MAX,
    MemoryEffectiveMax = attr::MEMORY_EFFECTIVE_MAX,
    SysmemCurrent = attr::SYSMEM_CURRENT,
    ComputeQuotaUs = attr::COMPUTE_QUOTA_US,
    ComputePeriodUs = attr::COMPUTE_PERIOD_US,
    ComputeWeight = attr::COMPUTE_WEIGHT,
    ComputeUsageUs = attr::COMPUTE_USAGE_US,
    ComputeThrottledUs = attr::COMPUTE_THROTTLED_US,
    ComputeNrThrottled = attr::COMPUTE_NR_THROTTLED,
    Pid = attr::PID,
    Requested = attr::REQUESTED,
    Limit = attr::LIMIT,
    Usage = attr::USAGE,
    LimitCgroupId = attr::LIMIT_CGROUP_ID,
    NrCgroups = attr::NR_CGROUPS,
    NrGpus = attr::NR_GPUS,
}
impl neli::consts::genl::NlAttrType for Attr {}

type Msg = Genlmsghdr<Cmd, Attr, NoUserHeader>;

/// One reply: its attributes, by kind.
#[derive(Debug, Default, Clone)]
pub struct Reply {
    pub cmd: Option<u8>,
    pub u32s: Vec<(Attr, u32)>,
    pub u64s: Vec<(Attr, u64)>,
    pub strings: Vec<(Attr, String)>,
}

impl Reply {
    pub fn u32(&self, a: Attr) -> Option<u32> {
        self.u32s.iter().find(|(k, _)| *k == a).map(|(_, v)| *v)
    }
    pub fn u64(&self, a: Attr) -> Option<u64> {
        self.u64s.iter().find(|(k, _)| *k == a).map(|(_, v)| *v)
    }
    pub fn string(&self, a: Attr) -> Option<&str> {
        self.strings.iter().find(|(k, _)| *k == a).map(|(_, v)| v.as_str())
    }
}

fn attr_kind(a: Attr) -> &'static str {
    vgpu_uapi::netlink::attr::ALL
        .iter()
        .find(|(_, v, _)| *v == u16::from(a))
        .map(|(_, _, t)| *t)
        .unwrap_or("unknown")
}

fn parse(msg: &Msg) -> Result<Reply> {
    let mut r = Reply { cmd: Some(u8::from(*msg.cmd())), ..Default::default() };
    for a in msg.attrs().iter() {
        let t = *a.nla_type().nla_type();
        match attr_kind(t) {
            "u32" => r.u32s.push((t, a.get_payload_as::<u32>()?)),
            "u64" => r.u64s.push((t, a.get_payload_as::<u64>()?)),
            "string" => r.strings.push((t, a.get_payload_as_with_len::<String>()?)),
            _ => {}
        }
    }
    Ok(r)
}

/// A value to send.
pub enum Value {
    U32(u32),
    U64(u64),
}

/// Raw notifications, as the router hands them over.
type Multicast = NlRouterReceiverHandle<u16, Genlmsghdr<u8, u16, NoUserHeader>>;

/// A connection to the vgpu family.
pub struct Client {
    sock: NlRouter,
    family: u16,
    mcast: Multicast,
}

fn parse_raw(msg: &Genlmsghdr<u8, u16, NoUserHeader>) -> Result<Reply> {
    let mut r = Reply { cmd: Some(*msg.cmd()), ..Default::default() };
    for a in msg.attrs().iter() {
        let t = Attr::from(*a.nla_type().nla_type());
        match attr_kind(t) {
            "u32" => r.u32s.push((t, a.get_payload_as::<u32>()?)),
            "u64" => r.u64s.push((t, a.get_payload_as::<u64>()?)),
            "string" => r.strings.push((t, a.get_payload_as_with_len::<String>()?)),
            _ => {}
        }
    }
    Ok(r)
}

fn errno_of<T, P>(e: &RouterError<T, P>) -> Option<i32> {
    match e {
        RouterError::Nlmsgerr(m) => Some(-*m.error()),
        _ => None,
    }
}

fn ext_ack_msg<T, P>(e: &RouterError<T, P>) -> Option<String> {
    match e {
        RouterError::Nlmsgerr(m) => m
            .ext_ack()
            .iter()
            .find_map(|a| a.get_payload_as_with_len::<String>().ok()),
        _ => None,
    }
}

impl Client {
    /// Connects and resolves the family; a missing family means the module
    /// is not loaded.
    pub fn connect() -> Result<Self> {
        let (sock, mcast) = NlRouter::connect(NlFamily::Generic, None, Groups::empty())
            .context("cannot open a generic netlink socket")?;
        sock.enable_ext_ack(true).ok();
        let family = match sock.resolve_genl_family(FAMILY_NAME) {
            Ok(id) => id,
            Err(e) if errno_of(&e) == Some(libc_enoent()) => return Err(CtlError::ModuleNotLoaded.into()),
            Err(e) => {
                // Older kernels report an unknown family in different ways.
                let s = e.to_string();
                if s.contains("No such file") || s.contains("not found") || s.contains("-2") {
                    return Err(CtlError::ModuleNotLoaded.into());
                }
                return Err(anyhow::anyhow!("cannot resolve the vgpu netlink family: {e}"));
            }
        };
        Ok(Client { sock, family, mcast })
    }

    /// Joins the `events` group; yields every notification from then on.
    pub fn subscribe_events(self) -> Result<impl Iterator<Item = Result<Reply>>> {
        let group = self
            .sock
            .resolve_nl_mcast_group(FAMILY_NAME, vgpu_uapi::netlink::MCGRP_EVENTS)
            .map_err(|e| anyhow::anyhow!("cannot find the vgpu events group: {e}"))?;
        self.sock
            .add_mcast_membership(Groups::new_groups(&[group]))
            .map_err(|e| anyhow::anyhow!("cannot join the vgpu events group: {e}"))?;
        let Client { sock, mcast, .. } = self;
        Ok(mcast.map(move |m| {
            let _keep_socket_open = &sock;
            let m = m.map_err(|e| anyhow::anyhow!("netlink error: {e}"))?;
            match m.get_payload() {
                Some(p) => parse_raw(p),
                None => Ok(Reply::default()),
            }
        }))
    }

    /// Sends `cmd` with `attrs`; returns every reply message (one for a
    /// request, many for a dump).
    pub fn request(&self, c: Cmd, attrs: &[(Attr, Value)], dump: bool, what: &'static str) -> Result<Vec<Reply>> {
        let mut buf = GenlBuffer::<Attr, Buffer>::new();
        for (a, v) in attrs {
            let ty = AttrTypeBuilder::default().nla_type(*a).build()?;
            let nla = match v {
                Value::U32(x) => NlattrBuilder::default().nla_type(ty).nla_payload(*x).build()?,
                Value::U64(x) => NlattrBuilder::default().nla_type(ty).nla_payload(*x).build()?,
            };
            buf.push(nla);
        }
        let msg = GenlmsghdrBuilder::<Cmd, Attr, NoUserHeader>::default()
            .cmd(c)
            .version(FAMILY_VERSION)
            .attrs(buf)
            .build()?;
        let flags = if dump { NlmF::DUMP | NlmF::ACK } else { NlmF::ACK };
        let recv = self
            .sock
            .send::<_, _, u16, Msg>(self.family, flags, NlPayload::Payload(msg))
            .map_err(|e| self.map_err(e, what))?;
        let mut out = Vec::new();
        for m in recv {
            let m = m.map_err(|e| self.map_err(e, what))?;
            if let Some(p) = m.get_payload() {
                out.push(parse(p)?);
            }
        }
        Ok(out)
    }

    fn map_err<T: std::fmt::Debug, P: std::fmt::Debug>(&self, e: RouterError<T, P>, what: &'static str) -> anyhow::Error {
        match errno_of(&e) {
            Some(1) => CtlError::PermissionDenied { what }.into(),
            Some(n) => {
                let io = std::io::Error::from_raw_os_error(n);
                match ext_ack_msg(&e) {
                    Some(m) => CtlError::Kernel(format!("{io} ({m})")).into(),
                    None => CtlError::Kernel(io.to_string()).into(),
                }
            }
            None => anyhow::anyhow!("netlink error: {e}"),
        }
    }
}

fn libc_enoent() -> i32 {
    nix::errno::Errno::ENOENT as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uapi_attribute_has_a_variant() {
        for (name, v, _) in vgpu_uapi::netlink::attr::ALL {
            assert!(!matches!(Attr::from(*v), Attr::UnrecognizedConst(_)), "no variant for {name}");
        }
        for (name, v) in vgpu_uapi::netlink::cmd::ALL {
            assert!(!matches!(Cmd::from(*v), Cmd::UnrecognizedConst(_)), "no variant for {name}");
        }
    }
}
