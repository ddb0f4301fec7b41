//! The module's shared state, reachable from every entry point the kernel
//! calls (netlink handlers, sysfs reads, redirected driver handlers).

use core::sync::atomic::{AtomicPtr, Ordering};

use kernel::prelude::*;

use kernel::str::CString;
use kernel::sync::SetOnce;

use crate::compute::Compute;
use crate::quota::Registry;
use crate::submit::Submit;
use crate::tracker::Tracker;

/// Everything the entry points share.
#[pin_data]
pub(crate) struct State {
    /// The RM objects tenants hold, with their charges. Before `quotas`, so
    /// charges are returned before the counters go.
    #[pin]
    pub(crate) tracker: Tracker,
    /// Submission paths (doorbell/USERD mappings, channels).
    #[pin]
    pub(crate) submit: Submit,
    /// The per-GPU channel-time arbiters.
    #[pin]
    pub(crate) compute: Compute,
    /// Per-cgroup, per-GPU quotas and counters.
    #[pin]
    pub(crate) quotas: Registry,
    /// Module name of the driver vgpu is attached to.
    driver: SetOnce<CString>,
}

impl State {
    pub(crate) fn new() -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            tracker <- Tracker::new(),
            submit <- Submit::new(),
            compute <- Compute::new(),
            quotas <- Registry::new(),
            driver: SetOnce::new(),
        })
    }

    /// The attached driver's module name.
    pub(crate) fn driver_name(&self) -> Option<&CStr> {
        self.driver.as_ref().map(|c| &**c)
    }

    /// Records the attached driver (once).
    pub(crate) fn set_driver_name(&self, name: CString) {
        self.driver.populate(name);
    }
}

static STATE: AtomicPtr<State> = AtomicPtr::new(core::ptr::null_mut());

/// The shared state, while the module is live.
///
/// Entry points run only while registered, and the state is published
/// before the first is registered and withdrawn after the last is gone
/// ([`Published`]), so the returned reference is valid for as long as any
/// entry point runs.
pub(crate) fn get() -> Option<&'static State> {
    let p = STATE.load(Ordering::Acquire);
    // SAFETY: Non-null only between `Published::new` and its drop, which
    // happens after every entry point that could call `get` is gone (see
    // above); the pinned box is not moved or freed before then.
    unsafe { p.as_ref() }
}

/// The published state; withdrawn and freed on drop.
pub(crate) struct Published {
    _state: Pin<KBox<State>>,
}

impl Published {
    pub(crate) fn new() -> Result<Self> {
        let s = KBox::pin_init(State::new(), GFP_KERNEL)?;
        STATE.store(core::ptr::from_ref::<State>(&s).cast_mut(), Ordering::Release);
        Ok(Published { _state: s })
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        STATE.store(core::ptr::null_mut(), Ordering::Release);
    }
}
