//! What vgpu knows of the RM objects tenants create: just enough to return
//! every charge exactly once.
//!
//! RM objects form a tree per client: client → device → subdevice/memory.
//! Freeing an object frees its whole subtree; closing the control file a
//! client is bound to frees the client. A memory object holds its charge
//! through an `Arc`: a `DUP_OBJECT` of it (in this client or another) shares
//! the same `Arc`, so the memory stays charged to whoever allocated it until
//! the last reference goes, exactly when RM frees the memory.
//!
//! Client handles are unique across the driver, so clients are keyed by
//! handle alone. Objects created before vgpu attached are unknown: frees of
//! them are ignored, and memory allocated below an unknown parent cannot be
//! placed on a GPU and is not charged (see `docs/design.md`).

use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::{new_mutex, Arc, Mutex};

use crate::quota::Charge;

/// One RM object vgpu follows.
struct Obj {
    parent: u32,
    class: u32,
    /// The GPU (minor) of a device and everything below it.
    gpu: Option<u32>,
    /// The memory an object holds (shared by its dups).
    charge: Option<Arc<Charge>>,
}

/// One RM client and its objects.
struct Client {
    /// The control `struct file` the client is bound to (as an address).
    file: usize,
    objects: RBTree<u32, Obj>,
}

/// All clients vgpu follows.
#[pin_data]
pub(crate) struct Tracker {
    #[pin]
    clients: Mutex<RBTree<u32, Client>>,
}

/// What an operation freed: the charges to return (dropped after the
/// tracker lock is released, so uncharging never runs under it) and the
/// (client, handle) of every object that went.
#[derive(Default)]
pub(crate) struct Released {
    pub(crate) charges: KVec<Arc<Charge>>,
    pub(crate) objects: KVec<(u32, u32)>,
}

impl Tracker {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self { clients <- new_mutex!(RBTree::new(), "vgpu_tracker") })
    }

    /// A new client, bound to control file `file`.
    pub(crate) fn client_created(&self, file: usize, client: u32) -> Result {
        let mut clients = self.clients.lock();
        // A reused handle means the old client is gone (freed before we attached).
        clients.try_create_and_insert(client, Client { file, objects: RBTree::new() }, GFP_KERNEL)?;
        Ok(())
    }

    /// A new object below `parent`. `gpu` is known for devices; others
    /// inherit their parent's. Objects of unknown clients are not followed.
    pub(crate) fn object_created(
        &self,
        client: u32,
        handle: u32,
        parent: u32,
        class: u32,
        gpu: Option<u32>,
        charge: Option<Arc<Charge>>,
    ) -> Result {
        let mut clients = self.clients.lock();
        let Some(c) = clients.get_mut(&client) else {
            return Ok(());
        };
        let gpu = gpu.or_else(|| gpu_in(c, parent));
        c.objects.try_create_and_insert(handle, Obj { parent, class, gpu, charge }, GFP_KERNEL)?;
        Ok(())
    }

    /// The GPU an object lives on, if vgpu knows.
    pub(crate) fn gpu_of(&self, client: u32, handle: u32) -> Option<u32> {
        let clients = self.clients.lock();
        clients.get(&client).and_then(|c| gpu_in(c, handle))
    }

    /// The class of a followed object.
    pub(crate) fn class_of(&self, client: u32, handle: u32) -> Option<u32> {
        let clients = self.clients.lock();
        clients.get(&client)?.objects.get(&handle).map(|o| o.class)
    }

    /// The charge an object holds, for a dup to share.
    pub(crate) fn charge_of(&self, client: u32, handle: u32) -> Option<Arc<Charge>> {
        let clients = self.clients.lock();
        clients.get(&client)?.objects.get(&handle)?.charge.clone()
    }

    /// `handle` was freed by RM: it and its subtree (the whole client if
    /// `handle` is the client). Returns the charges to drop.
    pub(crate) fn freed(&self, client: u32, handle: u32) -> Released {
        let mut out = Released::default();
        let mut clients = self.clients.lock();
        if handle == client {
            if let Some(c) = clients.remove(&client) {
                take_all(client, c, &mut out);
            }
            return out;
        }
        let Some(c) = clients.get_mut(&client) else {
            return out;
        };
        // Collect the subtree: objects whose chain of parents reaches `handle`.
        let mut doomed: KVec<u32> = KVec::new();
        if c.objects.get(&handle).is_some() {
            let _ = doomed.push(handle, GFP_KERNEL);
        }
        for (h, _) in c.objects.iter() {
            if *h != handle && descends_from(c, *h, handle) && doomed.push(*h, GFP_KERNEL).is_err() {
                break;
            }
        }
        for h in doomed.iter() {
            if let Some(o) = c.objects.remove(h) {
                let _ = out.objects.push((client, *h), GFP_KERNEL);
                if let Some(ch) = o.charge {
                    // On allocation failure the charge drops here, under the
                    // lock; that is correct, only later than planned.
                    let _ = out.charges.push(ch, GFP_KERNEL);
                }
            }
        }
        out
    }

    /// The objects an RM_FREE of `handle` would free (the whole client if
    /// `handle` is the client), without forgetting them.
    pub(crate) fn subtree(&self, client: u32, handle: u32) -> KVec<(u32, u32)> {
        let mut out = KVec::new();
        let clients = self.clients.lock();
        let Some(c) = clients.get(&client) else {
            return out;
        };
        for (h, _) in c.objects.iter() {
            if handle == client || *h == handle || descends_from(c, *h, handle) {
                if out.push((client, *h), GFP_KERNEL).is_err() {
                    break;
                }
            }
        }
        out
    }

    /// Every object of the clients bound to control file `file`.
    pub(crate) fn objects_of_file(&self, file: usize) -> KVec<(u32, u32)> {
        let mut out = KVec::new();
        let clients = self.clients.lock();
        for (ch, c) in clients.iter().filter(|(_, c)| c.file == file) {
            for (h, _) in c.objects.iter() {
                if out.push((*ch, *h), GFP_KERNEL).is_err() {
                    return out;
                }
            }
        }
        out
    }

    /// The control file `file` was closed: RM freed every client bound to it.
    pub(crate) fn file_closed(&self, file: usize) -> Released {
        let mut out = Released::default();
        let mut clients = self.clients.lock();
        let mut gone: KVec<u32> = KVec::new();
        for (h, c) in clients.iter() {
            if c.file == file && gone.push(*h, GFP_KERNEL).is_err() {
                break;
            }
        }
        for h in gone.iter() {
            if let Some(c) = clients.remove(h) {
                take_all(*h, c, &mut out);
            }
        }
        out
    }
}

fn take_all(client: u32, c: Client, out: &mut Released) {
    let _ = out.objects.push((client, client), GFP_KERNEL);
    for (h, o) in c.objects.iter() {
        let _ = out.objects.push((client, *h), GFP_KERNEL);
        if let Some(ch) = &o.charge {
            let _ = out.charges.push(ch.clone(), GFP_KERNEL);
        }
    }
    // `c` drops here with its own references; the clones in `out` keep the
    // charges alive until the caller drops them outside the lock.
}

/// The GPU of `handle`, walking up its parents (bounded by the tree size).
fn gpu_in(c: &Client, mut handle: u32) -> Option<u32> {
    for _ in 0..64 {
        let o = c.objects.get(&handle)?;
        if let Some(g) = o.gpu {
            return Some(g);
        }
        handle = o.parent;
    }
    None
}

/// Whether `h`'s chain of parents reaches `ancestor`.
fn descends_from(c: &Client, mut h: u32, ancestor: u32) -> bool {
    for _ in 0..64 {
        let Some(o) = c.objects.get(&h) else {
            return false;
        };
        if o.parent == ancestor {
            return true;
        }
        if o.parent == h {
            return false;
        }
        h = o.parent;
    }
    false
}
