//! The submission paths vgpu follows: the driver files that carry a
//! tenant's doorbell (USERMODE) or USERD mappings, and the channels whose
//! USERD it reads through a kernel mapping of its own.
//!
//! A mapping is made in two steps (reference §4): `RM_MAP_MEMORY` on the
//! control file names an object and another file, then `mmap` of that file
//! maps it. vgpu remembers what each `RM_MAP_MEMORY` attached to which file
//! ([`Submit::map_memory`]) and, when that file is mmapped, records a
//! submission file if the object is a doorbell or holds a channel's USERD
//! ([`Submit::mmapped`]). Gating revokes a tenant by zapping the mappings of
//! its submission files (`unmap_mapping_range` on the driver file's own
//! address space: the same mechanism the real driver uses to revoke); the
//! driver's fault handler puts them back once vgpu lets the fault through.
//!
//! A tenant is the cgroup v2 a process is in *now*: files and channels
//! remember the process that made them, and the arbiter asks for its cgroup
//! at every tick, so a migrated process is charged to its new cgroup.

use core::ptr::NonNull;

use kernel::bindings;
use kernel::prelude::*;
use kernel::sync::{new_mutex, Mutex};

use crate::abi::nvidia::hw;
use crate::abi::nvidia::ioctl::NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE;
use crate::ffi;

/// A counted reference to a process (`struct pid` of its thread group).
pub(crate) struct Process(NonNull<ffi::Pid>);

// SAFETY: `struct pid` is reference counted and may be used and released
// from any task.
unsafe impl Send for Process {}
// SAFETY: As above; only the kernel's synchronized accessors are used.
unsafe impl Sync for Process {}

impl Process {
    /// The calling process.
    pub(crate) fn current() -> Option<Self> {
        // SAFETY: Returns a counted pid of the caller, or NULL.
        NonNull::new(unsafe { ffi::vgpu_pid_current() }).map(Process)
    }

    /// Its cgroup id now, or 0 once it has exited.
    pub(crate) fn cgroup_id(&self) -> u64 {
        // SAFETY: `self.0` is a counted pid (type invariant).
        unsafe { ffi::vgpu_pid_cgroup_id(self.0.as_ptr()) }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // SAFETY: We own one reference.
        unsafe { ffi::vgpu_pid_put(self.0.as_ptr()) };
    }
}

/// vgpu's own kernel mapping of a channel's USERD.
pub(crate) struct UserdMap {
    page: NonNull<u8>,
    pfn: usize,
    offset: usize,
}

// SAFETY: The mapping is a kernel address valid from any task until drop;
// it is only read with volatile loads.
unsafe impl Send for UserdMap {}
// SAFETY: As above.
unsafe impl Sync for UserdMap {}

impl UserdMap {
    /// Maps the USERD at byte `offset` of page frame `pfn`.
    fn new(pfn: usize, offset: usize) -> Option<Self> {
        if offset + hw::NV_RAMUSERD_SIZE > kernel::page::PAGE_SIZE {
            return None;
        }
        // SAFETY: Maps one page of GPU memory the driver mapped for the tenant.
        let p = unsafe { ffi::vgpu_map_page(pfn) };
        NonNull::new(p.cast()).map(|page| UserdMap { page, pfn, offset })
    }

    fn read(&self, at: usize) -> u32 {
        // SAFETY: `page` maps a whole page and `offset + at + 4` lies inside
        // it (checked in `new`, `at` is a USERD field offset).
        unsafe { core::ptr::read_volatile(self.page.as_ptr().add(self.offset + at).cast::<u32>()) }
    }

    /// Whether the channel has submitted work the GPU has not finished:
    /// GPGet (written by the GPU) has not caught up with GPPut.
    pub(crate) fn pending(&self) -> bool {
        self.gp_get() != self.read(hw::NVC56F_USERD_GP_PUT)
    }

    /// GPGet: how far the GPU got.
    pub(crate) fn gp_get(&self) -> u32 {
        self.read(hw::NVC56F_USERD_GP_GET)
    }
}

impl Drop for UserdMap {
    fn drop(&mut self) {
        // SAFETY: Undoes the mapping made in `new`.
        unsafe { ffi::vgpu_unmap_page(self.page.as_ptr().cast(), self.pfn) };
    }
}

/// vgpu's own kernel mapping of a tenant's doorbell (the first page of its
/// USERMODE region), to ring for channels it revoked mid-submission.
struct DoorbellMap {
    page: NonNull<u8>,
    pfn: usize,
}

// SAFETY: A kernel mapping valid from any task until drop; only written
// with volatile stores of whole words.
unsafe impl Send for DoorbellMap {}
// SAFETY: As above.
unsafe impl Sync for DoorbellMap {}

impl DoorbellMap {
    fn new(pfn: usize) -> Option<Self> {
        // SAFETY: Maps the doorbell page the driver mapped for the tenant.
        let p = unsafe { ffi::vgpu_map_page(pfn) };
        NonNull::new(p.cast()).map(|page| DoorbellMap { page, pfn })
    }

    /// Writes a work-submit token to NOTIFY_CHANNEL_PENDING, as the tenant
    /// (and the driver, for its own channels) would.
    fn ring(&self, token: u32) {
        // SAFETY: The register lies inside the mapped page.
        unsafe {
            core::ptr::write_volatile(self.page.as_ptr().add(hw::NVC361_NOTIFY_CHANNEL_PENDING).cast::<u32>(), token)
        };
    }
}

impl Drop for DoorbellMap {
    fn drop(&mut self) {
        // SAFETY: Undoes the mapping made in `new`.
        unsafe { ffi::vgpu_unmap_page(self.page.as_ptr().cast(), self.pfn) };
    }
}

/// What an `RM_MAP_MEMORY` attached to a file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// A USERMODE object: its doorbell.
    Doorbell { client: u32, object: u32 },
    /// A channel object: the USERD the driver provides for it.
    ChannelUserd { client: u32, channel: u32 },
    /// A memory object, at `offset` within it (maybe a channel's USERD).
    Memory { client: u32, memory: u32, offset: u64 },
}

struct Context {
    file: usize,
    gpu: u32,
    what: Mapped,
}

/// A driver file carrying a doorbell or USERD mapping.
struct SubFile {
    file: usize,
    gpu: u32,
    owner: Process,
    /// Added since the arbiter last looked (it may need revoking).
    fresh: bool,
    /// vgpu's mapping of the doorbell, for a doorbell file, and the
    /// USERMODE object (client, handle) whose page it is.
    doorbell: Option<(DoorbellMap, (u32, u32))>,
}

/// A mapped memory object, in case it holds a USERD of a later channel.
struct MemMap {
    file: usize,
    gpu: u32,
    client: u32,
    memory: u32,
    offset: u64,
    addr: usize,
    len: usize,
}

/// A channel vgpu follows.
struct Channel {
    client: u32,
    handle: u32,
    gpu: u32,
    owner: Process,
    /// USERD in client memory: (memory handle, offset), else driver-provided.
    userd_in: Option<(u32, u64)>,
    userd: Option<UserdMap>,
    /// Its work-submit token, once the tenant asked for it.
    token: Option<u32>,
}

struct Inner {
    contexts: KVec<Context>,
    files: KVec<SubFile>,
    mems: KVec<MemMap>,
    channels: KVec<Channel>,
}

/// Everything vgpu knows of the submission paths.
#[pin_data]
pub(crate) struct Submit {
    #[pin]
    inner: Mutex<Inner>,
}

fn add_file(inner: &mut Inner, file: usize, gpu: u32, doorbell: Option<(DoorbellMap, (u32, u32))>) -> Result {
    if inner.files.iter().any(|f| f.file == file) {
        return Ok(());
    }
    let owner = Process::current().ok_or(ESRCH)?;
    inner.files.push(SubFile { file, gpu, owner, fresh: true, doorbell }, GFP_KERNEL)?;
    Ok(())
}

fn remove_where<T>(v: &mut KVec<T>, mut gone: impl FnMut(&T) -> bool) {
    v.retain(|x| !gone(x));
}

impl Submit {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            inner <- new_mutex!(
                Inner { contexts: KVec::new(), files: KVec::new(), mems: KVec::new(), channels: KVec::new() },
                "vgpu_submit"
            )
        })
    }

    /// `RM_MAP_MEMORY` attached `what` on `gpu` to `file` (one context per
    /// file: a newer one replaces an older).
    pub(crate) fn map_memory(&self, file: usize, gpu: u32, what: Mapped) -> Result {
        let mut inner = self.inner.lock();
        remove_where(&mut inner.contexts, |c| c.file == file);
        inner.contexts.push(Context { file, gpu, what }, GFP_KERNEL)?;
        Ok(())
    }

    /// `file` was mmapped at `vma` (mmap lock held). Returns the GPU if the
    /// file now carries a submission mapping.
    pub(crate) fn mmapped(&self, file: usize, vma: *mut bindings::vm_area_struct) -> Option<u32> {
        let mut inner = self.inner.lock();
        let at = inner.contexts.iter().position(|c| c.file == file)?;
        let ctx = inner.contexts.remove(at).ok()?;
        let vma: *mut ffi::vm_area_struct = vma.cast();
        // SAFETY: `vma` is the live vma the driver just mapped.
        let (start, end) = unsafe { (ffi::vgpu_vma_start(vma) as usize, ffi::vgpu_vma_end(vma) as usize) };
        let pfn_at = |addr: usize| -> Option<usize> {
            let mut pfn = 0;
            // SAFETY: `vma` is live and the mmap lock is held (we are in mmap).
            (unsafe { ffi::vgpu_vma_pfn(vma, addr as c_ulong, &mut pfn) } == 0).then_some(pfn as usize)
        };
        let mut doorbell = None;
        let carries = match ctx.what {
            Mapped::Doorbell { client, object } => {
                doorbell = pfn_at(start).and_then(DoorbellMap::new).map(|d| (d, (client, object)));
                true
            }
            Mapped::ChannelUserd { client, channel } => {
                if let Some(ch) = inner.channels.iter_mut().find(|c| c.client == client && c.handle == channel) {
                    if ch.userd.is_none() {
                        ch.userd = pfn_at(start).and_then(|pfn| UserdMap::new(pfn, 0));
                    }
                }
                true
            }
            Mapped::Memory { client, memory, offset } => {
                let mut found = false;
                for ch in inner.channels.iter_mut().filter(|c| c.client == client && c.userd_in.map(|u| u.0) == Some(memory)) {
                    found = true;
                    let Some(userd_off) = ch.userd_in.map(|u| u.1).and_then(|o| o.checked_sub(offset)) else {
                        continue;
                    };
                    let addr = start + userd_off as usize;
                    if ch.userd.is_none() && addr < end {
                        let page = addr & !(kernel::page::PAGE_SIZE - 1);
                        ch.userd = pfn_at(page).and_then(|pfn| UserdMap::new(pfn, addr - page));
                    }
                }
                let m = MemMap { file, gpu: ctx.gpu, client, memory, offset, addr: start, len: end - start };
                if inner.mems.push(m, GFP_KERNEL).is_err() {
                    return None;
                }
                found
            }
        };
        if carries && add_file(&mut inner, file, ctx.gpu, doorbell).is_ok() {
            Some(ctx.gpu)
        } else {
            None
        }
    }

    /// A channel was created by the calling process. `userd_in` names the
    /// client memory holding its USERD, if any.
    pub(crate) fn channel_created(&self, client: u32, handle: u32, gpu: u32, userd_in: Option<(u32, u64)>) -> Result {
        let owner = Process::current().ok_or(ESRCH)?;
        let mut inner = self.inner.lock();
        let mut userd = None;
        let mut carrier = None;
        if let Some((memory, off)) = userd_in {
            // The memory may already be mapped by this process.
            if let Some(m) = inner.mems.iter().find(|m| m.client == client && m.memory == memory) {
                if let Some(rel) = off.checked_sub(m.offset).filter(|r| (*r as usize) < m.len) {
                    let addr = m.addr + rel as usize;
                    let page = addr & !(kernel::page::PAGE_SIZE - 1);
                    let mut pfn = 0;
                    // SAFETY: Looks the address up in the caller's own mm.
                    if unsafe { ffi::vgpu_current_pfn(page as c_ulong, &mut pfn) } == 0 {
                        userd = UserdMap::new(pfn as usize, addr - page);
                    }
                }
                carrier = Some((m.file, m.gpu));
            }
        }
        inner.channels.push(Channel { client, handle, gpu, owner, userd_in, userd, token: None }, GFP_KERNEL)?;
        if let Some((file, g)) = carrier {
            add_file(&mut inner, file, g, None)?;
        }
        Ok(())
    }

    /// The driver told the tenant channel (client, handle)'s token.
    pub(crate) fn set_token(&self, client: u32, handle: u32, token: u32) {
        let mut inner = self.inner.lock();
        if let Some(c) = inner.channels.iter_mut().find(|c| c.client == client && c.handle == handle) {
            c.token = Some(token);
        }
    }

    /// Rings the doorbell for every pending channel on `gpu` of tenant
    /// `who` (every tenant if `None`): work a revoked tenant queued but did
    /// not get to ring is then seen by the GPU and drains.
    pub(crate) fn kick(&self, gpu: u32, who: Option<u64>) {
        let inner = self.inner.lock();
        for c in inner.channels.iter().filter(|c| c.gpu == gpu) {
            let (Some(u), Some(token)) = (&c.userd, c.token) else { continue };
            let id = c.owner.cgroup_id();
            if who.is_some_and(|w| w != id) || !u.pending() {
                continue;
            }
            let bell = inner
                .files
                .iter()
                .filter(|f| f.gpu == gpu && f.owner.cgroup_id() == id)
                .find_map(|f| f.doorbell.as_ref().map(|(d, _)| d));
            if let Some(b) = bell {
                b.ring(token);
            }
        }
    }

    /// RM is about to free these objects (client, handle): stop reading
    /// their USERD and ringing their doorbells *before* the driver can free
    /// the pages behind vgpu's own mappings of them.
    pub(crate) fn invalidate(&self, objs: &[(u32, u32)]) {
        if objs.is_empty() {
            return;
        }
        let mut inner = self.inner.lock();
        for c in inner.channels.iter_mut() {
            let memory_doomed = c.userd_in.is_some_and(|(m, _)| objs.contains(&(c.client, m)));
            if objs.contains(&(c.client, c.handle)) || memory_doomed {
                c.userd = None;
            }
        }
        for f in inner.files.iter_mut() {
            if f.doorbell.as_ref().is_some_and(|(_, o)| objs.contains(o)) {
                f.doorbell = None;
            }
        }
        remove_where(&mut inner.mems, |m| objs.contains(&(m.client, m.memory)));
    }

    /// RM freed these objects (client, handle).
    pub(crate) fn objects_freed(&self, objs: &[(u32, u32)]) {
        if objs.is_empty() {
            return;
        }
        let mut inner = self.inner.lock();
        remove_where(&mut inner.channels, |c| objs.contains(&(c.client, c.handle)));
        remove_where(&mut inner.mems, |m| objs.contains(&(m.client, m.memory)));
    }

    /// The driver file `file` was released.
    pub(crate) fn file_closed(&self, file: usize) {
        let mut inner = self.inner.lock();
        remove_where(&mut inner.contexts, |c| c.file == file);
        remove_where(&mut inner.files, |f| f.file == file);
        remove_where(&mut inner.mems, |m| m.file == file);
    }

    /// The GPU and tenant (cgroup id now) of a submission file.
    pub(crate) fn file_tenant(&self, file: usize) -> Option<(u32, u64)> {
        let inner = self.inner.lock();
        inner.files.iter().find(|f| f.file == file).map(|f| (f.gpu, f.owner.cgroup_id()))
    }

    /// The tenants (cgroup ids) with submission files or channels on `gpu`.
    pub(crate) fn tenants(&self, gpu: u32, out: &mut KVec<u64>) -> Result {
        let inner = self.inner.lock();
        let files = inner.files.iter().filter(|f| f.gpu == gpu).map(|f| f.owner.cgroup_id());
        let chans = inner.channels.iter().filter(|c| c.gpu == gpu && c.userd.is_some()).map(|c| c.owner.cgroup_id());
        let ids = Iterator::chain(files, chans);
        for id in ids {
            if id != 0 && !out.contains(&id) {
                out.push(id, GFP_KERNEL)?;
            }
        }
        Ok(())
    }

    /// What each tenant's channels on `gpu` show: `out` gets (cgroup id,
    /// pending, progress) for every tenant with a readable USERD, where
    /// progress is the sum of its channels' GPGet (it changes whenever the
    /// GPU completes some of the tenant's work).
    pub(crate) fn observe(&self, gpu: u32, out: &mut KVec<(u64, bool, u64)>) -> Result {
        let inner = self.inner.lock();
        for c in inner.channels.iter().filter(|c| c.gpu == gpu) {
            let Some(u) = &c.userd else { continue };
            let id = c.owner.cgroup_id();
            let (p, get) = (u.pending(), u64::from(u.gp_get()));
            match out.iter_mut().find(|(t, _, _)| *t == id) {
                Some(e) => {
                    e.1 |= p;
                    e.2 = e.2.wrapping_add(get);
                }
                None => out.push((id, p, get), GFP_KERNEL)?,
            }
        }
        Ok(())
    }

    /// Forgets which files on `gpu` are new (nothing to revoke: disengaged).
    pub(crate) fn clear_fresh(&self, gpu: u32) {
        let mut inner = self.inner.lock();
        for f in inner.files.iter_mut().filter(|f| f.gpu == gpu) {
            f.fresh = false;
        }
    }

    /// Revokes the submission mappings on `gpu` of tenant `who` (every
    /// tenant if `None`); with `only_fresh`, only of files added since the
    /// last call, and `keep` is spared. Clears the fresh marks it visits.
    pub(crate) fn revoke(&self, gpu: u32, who: Option<u64>, only_fresh: bool, keep: Option<u64>) {
        let mut inner = self.inner.lock();
        for f in inner.files.iter_mut().filter(|f| f.gpu == gpu) {
            if only_fresh && !f.fresh {
                continue;
            }
            f.fresh = false;
            let id = f.owner.cgroup_id();
            if who.is_some_and(|w| w != id) || keep == Some(id) {
                continue;
            }
            // SAFETY: As below, the file is live.
            let minor = unsafe { ffi::vgpu_file_minor(f.file as *const ffi::file) };
            if minor == NV_MINOR_DEVICE_NUMBER_CONTROL_DEVICE {
                // Host memory mapped through the control node: the real
                // driver cannot fault it back in (only GPU-node mappings
                // are re-inserted), so it is never revoked. The doorbell,
                // always on a GPU node, still gates the tenant.
                continue;
            }
            // SAFETY: The file is live: it leaves this list in its release
            // handler, which takes this lock first.
            unsafe { ffi::vgpu_file_revoke(f.file as *mut ffi::file) };
        }
    }
}
