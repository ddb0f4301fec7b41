//! Declarations of the C glue (`kmod/glue/glue.h`), the only C vgpu calls.
//!
//! Every function here is implemented in `kmod/glue/*.c`. They are thin
//! wrappers over kernel interfaces that are static inline, macros or static
//! tables; callers in Rust wrap them in safe types.

use kernel::bindings::sk_buff;
use kernel::ffi::{c_char, c_int, c_long, c_void};

/// `struct genl_info`, opaque here (bindgen's type trips `improper_ctypes`).
pub(crate) type GenlInfo = c_void;
/// `struct netlink_callback`, opaque here.
pub(crate) type NetlinkCallback = c_void;

/// Opaque sysfs directory created by the glue.
#[allow(dead_code)]
#[repr(C)]
pub(crate) struct SysfsNode {
    _private: [u8; 0],
}

// Declarations mirror glue.h; some serve features added later.
#[allow(dead_code)]
extern "C" {
    // genl.c
    pub(crate) fn vgpu_genl_register() -> c_int;
    pub(crate) fn vgpu_genl_unregister();
    pub(crate) fn vgpu_genl_new() -> *mut sk_buff;
    pub(crate) fn vgpu_genl_free(skb: *mut sk_buff);
    pub(crate) fn vgpu_genl_put_reply(skb: *mut sk_buff, info: *mut GenlInfo, cmd: u8) -> *mut c_void;
    pub(crate) fn vgpu_genl_put_dump(skb: *mut sk_buff, cb: *mut NetlinkCallback, cmd: u8) -> *mut c_void;
    pub(crate) fn vgpu_genl_put_event(skb: *mut sk_buff, cmd: u8) -> *mut c_void;
    pub(crate) fn vgpu_genl_end(skb: *mut sk_buff, hdr: *mut c_void);
    pub(crate) fn vgpu_genl_cancel(skb: *mut sk_buff, hdr: *mut c_void);
    pub(crate) fn vgpu_genl_reply(skb: *mut sk_buff, info: *mut GenlInfo) -> c_int;
    pub(crate) fn vgpu_genl_multicast_event(skb: *mut sk_buff) -> c_int;
    pub(crate) fn vgpu_genl_has_event_listeners() -> bool;
    pub(crate) fn vgpu_nla_put_u32(skb: *mut sk_buff, attr: c_int, value: u32) -> c_int;
    pub(crate) fn vgpu_nla_put_u64(skb: *mut sk_buff, attr: c_int, value: u64) -> c_int;
    pub(crate) fn vgpu_nla_put_string(skb: *mut sk_buff, attr: c_int, s: *const c_char) -> c_int;
    pub(crate) fn vgpu_nla_get_u32(info: *mut GenlInfo, attr: c_int, out: *mut u32) -> c_int;
    pub(crate) fn vgpu_nla_get_u64(info: *mut GenlInfo, attr: c_int, out: *mut u64) -> c_int;
    pub(crate) fn vgpu_genl_require(info: *mut GenlInfo, attr: c_int) -> bool;
    pub(crate) fn vgpu_genl_set_err(info: *mut GenlInfo, static_msg: *const c_char);
    pub(crate) fn vgpu_genl_cb_args(cb: *mut NetlinkCallback) -> *mut c_long;

    // sysfs.c
    pub(crate) fn vgpu_sysfs_init() -> c_int;
    pub(crate) fn vgpu_sysfs_exit();
    pub(crate) fn vgpu_sysfs_cgroup_add(cgroup_id: u64, obj: *const c_void) -> *mut SysfsNode;
    pub(crate) fn vgpu_sysfs_gpu_add(cgroup: *mut SysfsNode, name: *const c_char, obj: *const c_void) -> *mut SysfsNode;
    pub(crate) fn vgpu_sysfs_node_del(node: *mut SysfsNode);
}

/// `enum vgpu_sysfs_attr` of `glue.h`.
#[allow(dead_code)]
pub(crate) mod sysfs_attr {
    pub(crate) const VERSION: u32 = 0;
    pub(crate) const ABI_VERSION: u32 = 1;
    pub(crate) const DRIVER: u32 = 2;
    pub(crate) const CGROUP_PATH: u32 = 3;
    pub(crate) const MEMORY_MAX: u32 = 4;
    pub(crate) const MEMORY_CURRENT: u32 = 5;
    pub(crate) const MEMORY_PEAK: u32 = 6;
    pub(crate) const MEMORY_EVENTS: u32 = 7;
    pub(crate) const COMPUTE_MAX: u32 = 8;
    pub(crate) const COMPUTE_WEIGHT: u32 = 9;
    pub(crate) const COMPUTE_STAT: u32 = 10;
}
