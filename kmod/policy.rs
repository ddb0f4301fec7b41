//! The pure policy core of `kmod/policy/`, compiled into the module from the
//! very files `cargo test` covers on the host.

/// The policy sources name the ABI `super::uapi`; here that is our copy.
#[allow(unused_imports)]
pub(crate) use crate::abi as uapi;

#[allow(dead_code, unreachable_pub)]
#[path = "policy/src/page_counter.rs"]
pub(crate) mod page_counter;

#[allow(dead_code, unreachable_pub)]
#[path = "policy/src/capacity.rs"]
pub(crate) mod capacity;

#[allow(dead_code, unreachable_pub)]
#[path = "policy/src/alloc_cost.rs"]
pub(crate) mod alloc_cost;

#[allow(dead_code, unreachable_pub)]
#[path = "policy/src/compute.rs"]
pub(crate) mod compute;
