//! Declarations of the C glue (`kmod/glue/glue.h`), the only C vgpu calls.
//!
//! Every function here is implemented in `kmod/glue/*.c`. They are thin
//! wrappers over kernel interfaces that are static inline, macros or static
//! tables; the Rust modules wrap them in safe types.

use kernel::bindings::sk_buff;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

/// `struct genl_info`, opaque here (bindgen's type trips `improper_ctypes`).
pub(crate) type GenlInfo = c_void;
/// `struct netlink_callback`, opaque here.
pub(crate) type NetlinkCallback = c_void;
// The VFS and MM types cross the boundary as opaque pointers too (bindgen's
// versions of them trip `improper_ctypes`); Rust never looks inside.
#[allow(non_camel_case_types)]
pub(crate) type file = c_void;
#[allow(non_camel_case_types)]
pub(crate) type inode = c_void;
#[allow(non_camel_case_types)]
pub(crate) type vm_area_struct = c_void;
#[allow(non_camel_case_types)]
pub(crate) type vm_fault = c_void;

/// Opaque sysfs directory created by the glue.
#[repr(C)]
pub(crate) struct SysfsNode {
    _private: [u8; 0],
}

/// Opaque `struct cgroup`.
#[repr(C)]
pub(crate) struct Cgroup {
    _private: [u8; 0],
}

/// Opaque `struct pid`.
#[repr(C)]
pub(crate) struct Pid {
    _private: [u8; 0],
}

/// Opaque `struct task_struct`.
#[repr(C)]
pub(crate) struct Task {
    _private: [u8; 0],
}

/// `struct vgpu_driver` of `glue.h`: the driver behind the control node.
#[repr(C)]
pub(crate) struct Driver {
    pub(crate) owner: *mut c_void,
    pub(crate) fops: *const c_void,
    pub(crate) ioctl: c_ulong,
    pub(crate) compat_ioctl: c_ulong,
    pub(crate) mmap: c_ulong,
    pub(crate) release: c_ulong,
    pub(crate) name: [u8; 64],
}

// SAFETY: `owner` and `fops` identify the driver's module and file
// operations, which stay valid while the module is pinned; vgpu only passes
// them back to the glue and never dereferences them in Rust.
unsafe impl Send for Driver {}
// SAFETY: As above; shared references only read the fields.
unsafe impl Sync for Driver {}

/// `enum vgpu_hook_id` of `glue.h`.
pub(crate) mod hook_id {
    pub(crate) const IOCTL: u32 = 0;
    pub(crate) const COMPAT_IOCTL: u32 = 1;
    pub(crate) const MMAP: u32 = 2;
    pub(crate) const RELEASE: u32 = 3;
    #[allow(dead_code)]
    pub(crate) const FAULT: u32 = 4;
}

// Declarations mirror glue.h; a few serve features added later.
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
    pub(crate) fn vgpu_skb_len(skb: *const sk_buff) -> c_uint;

    // sysfs.c
    pub(crate) fn vgpu_sysfs_init() -> c_int;
    pub(crate) fn vgpu_sysfs_exit();
    pub(crate) fn vgpu_sysfs_cgroup_add(cgroup_id: u64, obj: *const c_void) -> *mut SysfsNode;
    pub(crate) fn vgpu_sysfs_gpu_add(cgroup: *mut SysfsNode, gpu: c_uint, obj: *const c_void) -> *mut SysfsNode;
    pub(crate) fn vgpu_sysfs_all_add(cgroup: *mut SysfsNode, obj: *const c_void) -> *mut SysfsNode;
    pub(crate) fn vgpu_sysfs_node_del(node: *mut SysfsNode);
    pub(crate) fn vgpu_sysfs_set_driver(name: *const c_char);

    // hook.c
    pub(crate) fn vgpu_hook_install(id: c_uint, target: c_ulong) -> c_int;
    pub(crate) fn vgpu_hook_fault_async(target: c_ulong);
    pub(crate) fn vgpu_hook_installed(id: c_uint) -> bool;
    pub(crate) fn vgpu_hooks_unregister();
    pub(crate) fn vgpu_hooks_drain();
    pub(crate) fn vgpu_orig_ioctl(file: *mut file, cmd: c_uint, arg: c_ulong) -> c_long;
    pub(crate) fn vgpu_orig_compat_ioctl(file: *mut file, cmd: c_uint, arg: c_ulong) -> c_long;
    pub(crate) fn vgpu_orig_mmap(file: *mut file, vma: *mut vm_area_struct) -> c_int;
    pub(crate) fn vgpu_orig_release(inode: *mut inode, file: *mut file) -> c_int;
    pub(crate) fn vgpu_orig_fault(vmf: *mut vm_fault) -> c_uint;

    // driver.c
    pub(crate) fn vgpu_param_nvidia_ctl() -> *const c_char;
    pub(crate) fn vgpu_driver_probe(drv: *mut Driver) -> c_int;
    pub(crate) fn vgpu_driver_put(drv: *mut Driver);
    pub(crate) fn vgpu_file_minor(file: *const file) -> c_uint;
    pub(crate) fn vgpu_file_is_driver(file: *const file, drv: *const Driver) -> bool;

    // cgroup.c
    pub(crate) fn vgpu_cgroup_current() -> *mut Cgroup;
    pub(crate) fn vgpu_cgroup_current_id() -> u64;
    pub(crate) fn vgpu_cgroup_from_id(id: u64) -> *mut Cgroup;
    pub(crate) fn vgpu_cgroup_parent(cg: *mut Cgroup) -> *mut Cgroup;
    pub(crate) fn vgpu_cgroup_id(cg: *mut Cgroup) -> u64;
    pub(crate) fn vgpu_cgroup_put(cg: *mut Cgroup);
    pub(crate) fn vgpu_cgroup_online(cg: *mut Cgroup) -> bool;
    pub(crate) fn vgpu_cgroup_path(cg: *mut Cgroup, buf: *mut c_char, len: usize) -> c_int;

    // mm.c
    pub(crate) fn vgpu_vma_pfn(vma: *mut vm_area_struct, addr: c_ulong, pfn: *mut c_ulong) -> c_int;
    pub(crate) fn vgpu_current_pfn(addr: c_ulong, pfn: *mut c_ulong) -> c_int;
    pub(crate) fn vgpu_vma_start(vma: *const vm_area_struct) -> c_ulong;
    pub(crate) fn vgpu_vma_end(vma: *const vm_area_struct) -> c_ulong;
    pub(crate) fn vgpu_vma_fault_fn(vma: *const vm_area_struct) -> c_ulong;
    pub(crate) fn vgpu_vmf_file(vmf: *const vm_fault) -> *mut file;
    pub(crate) fn vgpu_file_revoke(file: *mut file);
    pub(crate) fn vgpu_map_page(pfn: c_ulong) -> *mut c_void;
    pub(crate) fn vgpu_unmap_page(p: *mut c_void, pfn: c_ulong);
    pub(crate) fn vgpu_vm_fault_nopage() -> c_uint;
    pub(crate) fn vgpu_vm_fault_sigbus() -> c_uint;
    pub(crate) fn vgpu_vm_fault_retry() -> c_uint;
    pub(crate) fn vgpu_fault_retry_mode(vmf: *const vm_fault) -> c_int;
    pub(crate) fn vgpu_fault_release_lock(vmf: *mut vm_fault);
    pub(crate) fn vgpu_pid_current() -> *mut Pid;
    pub(crate) fn vgpu_pid_put(pid: *mut Pid);
    pub(crate) fn vgpu_pid_cgroup_id(pid: *mut Pid) -> u64;

    // debugfs.c
    pub(crate) fn vgpu_debugfs_init();
    pub(crate) fn vgpu_debugfs_exit();
    pub(crate) fn vgpu_seq_write(m: *mut c_void, s: *const c_char, len: usize);

    // thread.c
    pub(crate) fn vgpu_thread_start(
        f: unsafe extern "C" fn(*mut c_void) -> c_int,
        arg: *mut c_void,
        gpu: c_uint,
    ) -> *mut Task;
    pub(crate) fn vgpu_thread_stop(t: *mut Task) -> c_int;
    pub(crate) fn vgpu_thread_should_stop() -> bool;
    pub(crate) fn vgpu_thread_wake(t: *mut Task);
    pub(crate) fn vgpu_thread_sleep_ns(ns: u64);
    pub(crate) fn vgpu_now_ns() -> u64;
}

/// `enum vgpu_sysfs_attr` of `glue.h`.
pub(crate) mod sysfs_attr {
    pub(crate) const VERSION: u32 = 0;
    pub(crate) const ABI_VERSION: u32 = 1;
    #[allow(dead_code)]
    pub(crate) const DRIVER: u32 = 2;
    pub(crate) const CGROUP_PATH: u32 = 3;
    pub(crate) const MEMORY_MAX: u32 = 4;
    pub(crate) const MEMORY_CURRENT: u32 = 5;
    pub(crate) const MEMORY_PEAK: u32 = 6;
    pub(crate) const MEMORY_EVENTS: u32 = 7;
    pub(crate) const ALL_MEMORY_MAX: u32 = 8;
    pub(crate) const COMPUTE_MAX: u32 = 9;
    pub(crate) const COMPUTE_WEIGHT: u32 = 10;
    pub(crate) const COMPUTE_STAT: u32 = 11;
    pub(crate) const ALL_COMPUTE_MAX: u32 = 12;
    pub(crate) const ALL_COMPUTE_WEIGHT: u32 = 13;
}
