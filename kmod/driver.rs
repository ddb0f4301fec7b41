//! Attaching to the NVIDIA driver: find its handlers through the `f_op` of
//! its control node, pin its module, and redirect the entry of each handler
//! into vgpu (`glue/hook.c`). Detaching removes the redirections and waits
//! for every call in flight before the module may go.

use kernel::prelude::*;
use kernel::str::CString;

use crate::ffi::{self, hook_id};

/// The attachment; detached on drop.
pub(crate) struct Attachment {
    drv: KBox<ffi::Driver>,
}

fn zeroed_driver() -> ffi::Driver {
    ffi::Driver {
        owner: core::ptr::null_mut(),
        fops: core::ptr::null(),
        ioctl: 0,
        compat_ioctl: 0,
        mmap: 0,
        release: 0,
        name: [0; 64],
    }
}

impl Attachment {
    /// Attaches to the driver of the `nvidia_ctl` module parameter's node.
    /// `Ok(None)` when the parameter is empty (control-plane tests).
    pub(crate) fn attach(state: &crate::state::State) -> Result<Option<Self>> {
        // SAFETY: Returns the module parameter's static, NUL-terminated buffer.
        let path = unsafe { CStr::from_char_ptr(ffi::vgpu_param_nvidia_ctl()) };
        if path.is_empty() {
            pr_info!("vgpu: nvidia_ctl is empty: not attaching to any driver\n");
            return Ok(None);
        }
        let mut drv = KBox::new(zeroed_driver(), GFP_KERNEL)?;
        // SAFETY: `drv` is a valid, writable `struct vgpu_driver`.
        kernel::error::to_result(unsafe { ffi::vgpu_driver_probe(&mut *drv) })?;
        // From here on `Attachment::drop` undoes whatever was done.
        let me = Attachment { drv };
        let d = &me.drv;
        me.install(hook_id::IOCTL, d.ioctl)?;
        // The real driver uses one function for both ioctl entries.
        if d.compat_ioctl != 0 && d.compat_ioctl != d.ioctl {
            me.install(hook_id::COMPAT_IOCTL, d.compat_ioctl)?;
        }
        if d.mmap != 0 {
            me.install(hook_id::MMAP, d.mmap)?;
        }
        me.install(hook_id::RELEASE, d.release)?;

        let name = me.name();
        // SAFETY: `name` is NUL-terminated (the glue used strscpy).
        unsafe { ffi::vgpu_sysfs_set_driver(d.name.as_ptr().cast()) };
        state.set_driver_name(CString::try_from_fmt(fmt!("{}", name))?);
        pr_info!("vgpu: attached to {} through {}\n", name, path.to_str().unwrap_or("?"));
        Ok(Some(me))
    }

    fn install(&self, id: u32, target: usize) -> Result {
        // SAFETY: `target` is the address of one of the driver's handlers,
        // read from its `f_op`; the driver is pinned while we are attached.
        kernel::error::to_result(unsafe { ffi::vgpu_hook_install(id, target) })
    }

    /// The driver's module name.
    pub(crate) fn name(&self) -> &str {
        let n = self.drv.name.iter().position(|&b| b == 0).unwrap_or(self.drv.name.len());
        core::str::from_utf8(&self.drv.name[..n]).unwrap_or("?")
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: Removes whatever `attach` installed; safe to call when
        // some or none were installed.
        unsafe { ffi::vgpu_hooks_unregister() };
        // Tenants waiting for the GPU inside a redirected fault must go.
        if let Some(s) = crate::state::get() {
            s.compute.shutdown();
        }
        // SAFETY: The redirections are gone; this waits for calls in flight.
        unsafe { ffi::vgpu_hooks_drain() };
        // SAFETY: Clears the "driver" file's text.
        unsafe { ffi::vgpu_sysfs_set_driver(c"".as_char_ptr()) };
        // SAFETY: Drops the reference `vgpu_driver_probe` took.
        unsafe { ffi::vgpu_driver_put(&mut *self.drv) };
        pr_info!("vgpu: detached from {}\n", self.name());
    }
}
