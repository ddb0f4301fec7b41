//! The `vgpu` generic netlink family: message helpers and handlers.
//!
//! The family, its operations and strict per-operation policies are static
//! tables in `glue/genl.c`; the handlers here decide what to answer.
//! ABI: `uapi/src/netlink.rs`.

use core::ptr::NonNull;

use kernel::bindings;
use kernel::prelude::*;
use kernel::str::CString;

use crate::abi::netlink::{attr, cmd, ABI_VERSION};
use crate::ffi;

/// The registered family; unregistered on drop.
pub(crate) struct Family(());

impl Family {
    /// Registers the family with generic netlink.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: Called once from module init; the family is static.
        kernel::error::to_result(unsafe { ffi::vgpu_genl_register() })?;
        Ok(Family(()))
    }
}

impl Drop for Family {
    fn drop(&mut self) {
        // SAFETY: Registered in `register`; unregistering waits for running
        // handlers to return, so no handler runs after module exit.
        unsafe { ffi::vgpu_genl_unregister() };
    }
}

/// A request being handled (`struct genl_info`).
pub(crate) struct Request {
    info: *mut ffi::GenlInfo,
}

impl Request {
    /// # Safety
    ///
    /// `info` must be the valid `genl_info` of the running handler.
    pub(crate) unsafe fn from_raw(info: *mut bindings::genl_info) -> Self {
        Self { info: info.cast() }
    }

    /// A u32 attribute, if present.
    #[allow(dead_code)]
    pub(crate) fn u32(&self, a: u16) -> Option<u32> {
        let mut v = 0;
        // SAFETY: `info` is valid (type invariant); policy validated the type.
        (unsafe { ffi::vgpu_nla_get_u32(self.info, a.into(), &mut v) } == 0).then_some(v)
    }

    /// A u64 attribute, if present.
    #[allow(dead_code)]
    pub(crate) fn u64(&self, a: u16) -> Option<u64> {
        let mut v = 0;
        // SAFETY: as in `u32`.
        (unsafe { ffi::vgpu_nla_get_u64(self.info, a.into(), &mut v) } == 0).then_some(v)
    }

    /// Fails with `EINVAL` (and names the attribute in extack) when absent.
    #[allow(dead_code)]
    pub(crate) fn require(&self, a: u16) -> Result {
        // SAFETY: `info` is valid (type invariant).
        if unsafe { ffi::vgpu_genl_require(self.info, a.into()) } {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }

    /// Attaches a human-readable reason to the error reply.
    #[allow(dead_code)]
    pub(crate) fn error(&self, msg: &'static CStr) {
        // SAFETY: `info` is valid; `msg` lives forever, as extack requires.
        unsafe { ffi::vgpu_genl_set_err(self.info, msg.as_char_ptr()) };
    }
}

/// A message under construction. Owns its buffer until sent.
pub(crate) struct Msg {
    skb: NonNull<bindings::sk_buff>,
    hdr: *mut c_void,
}

impl Msg {
    fn alloc() -> Result<NonNull<bindings::sk_buff>> {
        // SAFETY: Plain allocation.
        NonNull::new(unsafe { ffi::vgpu_genl_new() }).ok_or(ENOMEM)
    }

    /// A reply to `req` carrying command `cmd`.
    pub(crate) fn reply(req: &Request, cmd: u8) -> Result<Self> {
        let skb = Self::alloc()?;
        // SAFETY: `skb` is fresh and ours; `req.info` is valid.
        let hdr = unsafe { ffi::vgpu_genl_put_reply(skb.as_ptr(), req.info, cmd) };
        let msg = Msg { skb, hdr };
        if hdr.is_null() {
            return Err(EMSGSIZE);
        }
        Ok(msg)
    }

    /// Adds a u32 attribute.
    pub(crate) fn u32(&mut self, a: u16, v: u32) -> Result {
        // SAFETY: `skb` is ours (type invariant).
        kernel::error::to_result(unsafe { ffi::vgpu_nla_put_u32(self.skb.as_ptr(), a.into(), v) })
    }

    /// Adds a u64 attribute (padded as netlink requires).
    #[allow(dead_code)]
    pub(crate) fn u64(&mut self, a: u16, v: u64) -> Result {
        // SAFETY: `skb` is ours (type invariant).
        kernel::error::to_result(unsafe { ffi::vgpu_nla_put_u64(self.skb.as_ptr(), a.into(), v) })
    }

    /// Adds a NUL-terminated string attribute.
    pub(crate) fn string(&mut self, a: u16, s: &CStr) -> Result {
        // SAFETY: `skb` is ours; `s` is NUL-terminated.
        kernel::error::to_result(unsafe {
            ffi::vgpu_nla_put_string(self.skb.as_ptr(), a.into(), s.as_char_ptr())
        })
    }

    /// Finishes the message and sends it as the reply to `req`.
    pub(crate) fn send_reply(self, req: &Request) -> Result {
        let me = core::mem::ManuallyDrop::new(self);
        // SAFETY: `hdr` was put into `skb`; genlmsg_reply consumes `skb`
        // whatever it returns, and `me` is not dropped, so it is freed once.
        unsafe {
            ffi::vgpu_genl_end(me.skb.as_ptr(), me.hdr);
            kernel::error::to_result(ffi::vgpu_genl_reply(me.skb.as_ptr(), req.info))
        }
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: The message was never sent, so we still own `skb`.
        unsafe { ffi::vgpu_genl_free(self.skb.as_ptr()) };
    }
}

fn errno(r: Result) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

fn get_status(req: &Request) -> Result {
    let mut msg = Msg::reply(req, cmd::GET_STATUS)?;
    let version = CString::try_from_fmt(fmt!("{}", crate::abi::version::VERSION))?;
    msg.string(attr::VERSION, &version)?;
    msg.u32(attr::ABI_VERSION, ABI_VERSION)?;
    msg.send_reply(req)
}

/// `get-status` (called by `glue/genl.c`).
#[no_mangle]
pub(crate) extern "C" fn vgpu_rs_nl_get_status(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    // SAFETY: generic netlink passes the valid info of this request.
    let req = unsafe { Request::from_raw(info) };
    errno(get_status(&req))
}
