//! vgpu's policy core: pure decisions, no kernel dependencies.
//!
//! Every module here is `core`-only and allocation-free. The kernel module
//! compiles these very files (`kmod/policy.rs` includes them by path, with
//! `super::uapi` pointing at its copy of `uapi/`), and `cargo test` covers
//! them on the host with unit and property tests.
//!
//! - [`page_counter`]: hierarchical charging like memcg's `page_counter`.
//! - [`capacity`]: what a tenant with a limit sees as total and free memory.
//! - [`alloc_cost`]: what an RM allocation costs, from its class and params.
//! - [`compute`]: who may submit GPU work, and what each tenant is charged.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

pub(crate) use vgpu_uapi as uapi;

pub mod alloc_cost;
pub mod capacity;
pub mod compute;
pub mod page_counter;
