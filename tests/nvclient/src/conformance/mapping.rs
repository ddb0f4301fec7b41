//! CPU mappings: RM_MAP_MEMORY, its mmap contexts and mmap itself
//! (reference §4, §5 rows 5 and 6).

use std::os::fd::AsFd;

use anyhow::{ensure, Result};
use nix::errno::Errno;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;

use super::util::*;
use super::{Check, Env};
use crate::debugfs;
use crate::rm::{memory_params, Node, Pattern};
use crate::sys::{fork_child, wait_child, Mapping};

pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "map-one-context-per-fd", what: "a second MAP_MEMORY naming the same fd: NV_ERR_STATE_IN_USE; the fd can be mmapped again", run: one_context_per_fd },
        Check { name: "map-target-fd", what: "vidmem contexts need a GPU fd of the same GPU, sysmem a ctl fd (NV_ERR_INVALID_ARGUMENT); the RM mapping is undone", run: map_target_fd },
        Check { name: "map-tgid-check", what: "MAP_MEMORY from a forked child on the parent's client: NV_ERR_INVALID_CLIENT, nothing left behind", run: map_tgid_check },
        Check { name: "mmap-rules", what: "mmap without a context or at a nonzero offset: -EINVAL; vidmem of another size: -ENXIO", run: mmap_rules },
        Check { name: "map-data-shared", what: "data written through one mapping reads back through another, through sub-ranges and after remapping", run: map_data_shared },
        Check { name: "map-validation", what: "MAP_MEMORY statuses: base, limit, parent, class, flags; the token lies in the GPU's BAR1", run: map_validation },
        Check { name: "unmap", what: "UNMAP_MEMORY by token once; UPDATE_DEVICE_MAPPING_INFO renames the mapping", run: unmap },
        Check { name: "free-while-mapped", what: "freeing mapped memory returns the framebuffer charge; the mapping keeps its pages until munmap", run: free_while_mapped },
    ]
}

fn one_context_per_fd(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let (h2, _) = ok(s.vid(64 << 10), "alloc")?;
    let t = ok(Node::gpu(0), "target")?;
    let ctx0 = debugfs::live()?["contexts"];
    let maps0 = debugfs::live()?["cpu_maps"];
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "first MAP_MEMORY",
    )?;
    expect_status(
        s.ctl
            .map_memory(s.client, s.device, h2, 0, size, 0, t.raw()),
        NV_ERR_STATE_IN_USE,
        "second MAP_MEMORY on the same fd",
    )?;
    expect_status(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        NV_ERR_STATE_IN_USE,
        "same memory again on the same fd",
    )?;
    let l = debugfs::live()?;
    eq(
        (l["contexts"] - ctx0, l["cpu_maps"] - maps0),
        (1, 1),
        "contexts and RM mappings (failed ones undone)",
    )?;
    let m1 = ok(
        Mapping::new(t.as_fd(), size as usize, 0, true, true),
        "mmap",
    )?;
    let m2 = ok(
        Mapping::new(t.as_fd(), size as usize, 0, true, true),
        "mmap of the same fd again",
    )?;
    Pattern::new("ctx").write(&m1);
    eq(
        Pattern::new("ctx").verify(&m2),
        None,
        "both VMAs map the same memory",
    )?;
    Ok(())
}

fn map_target_fd(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc vidmem")?;
    let (hs, ssize) = ok(s.sys(64 << 10), "alloc sysmem")?;
    let maps0 = debugfs::live()?["cpu_maps"];
    let ctl2 = ok(Node::ctl(), "ctl target")?;
    let null = std::fs::File::open("/dev/null")?;
    use std::os::fd::AsRawFd;
    expect_status(
        s.ctl
            .map_memory(s.client, s.device, h, 0, size, 0, ctl2.raw()),
        NV_ERR_INVALID_ARGUMENT,
        "vidmem context on a ctl fd",
    )?;
    expect_status(
        s.ctl
            .map_memory(s.client, s.device, h, 0, size, 0, null.as_raw_fd()),
        NV_ERR_INVALID_ARGUMENT,
        "vidmem context on /dev/null",
    )?;
    expect_status(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, -1),
        NV_ERR_INVALID_ARGUMENT,
        "vidmem context on fd -1",
    )?;
    if env.gpus > 1 {
        let g1 = ok(Node::gpu(1), "GPU 1 target")?;
        expect_status(
            s.ctl
                .map_memory(s.client, s.device, h, 0, size, 0, g1.raw()),
            NV_ERR_INVALID_ARGUMENT,
            "GPU 0 vidmem context on a GPU 1 fd",
        )?;
    }
    let g0 = ok(Node::gpu(0), "GPU 0 target")?;
    expect_status(
        s.ctl
            .map_memory(s.client, s.device, hs, 0, ssize, 0, g0.raw()),
        NV_ERR_INVALID_ARGUMENT,
        "sysmem context on a GPU fd",
    )?;
    eq(
        debugfs::live()?["cpu_maps"],
        maps0,
        "RM mappings undone when the context fails",
    )?;
    ok(
        s.ctl
            .map_memory(s.client, s.device, hs, 0, ssize, 0, ctl2.raw()),
        "sysmem context on a ctl fd",
    )?;
    let m = ok(
        Mapping::new(ctl2.as_fd(), ssize as usize, 0, true, true),
        "mmap sysmem",
    )?;
    Pattern::new("s").write(&m);
    eq(Pattern::new("s").verify(&m), None, "sysmem data")?;
    ok(
        s.ctl
            .map_memory(s.client, s.device, h, 0, size, 0, g0.raw()),
        "vidmem context on a GPU 0 fd",
    )?;
    Ok(())
}

fn map_tgid_check(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let l0 = debugfs::live()?;
    let pid = fork_child(|| {
        // The child holds the parent's ctl file (same struct file, same
        // identity) but its tgid is not the client's ProcID.
        let t = match Node::gpu(0) {
            Ok(t) => t,
            Err(_) => return CHILD_OS_ERROR,
        };
        child_code(s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()))
    })?;
    let code = wait_child(pid)?;
    eq(
        code,
        Some(NV_ERR_INVALID_CLIENT as i32),
        "MAP_MEMORY from a child process",
    )?;
    let l1 = debugfs::live()?;
    eq(
        (l1["contexts"], l1["cpu_maps"]),
        (l0["contexts"], l0["cpu_maps"]),
        "no context or RM mapping left by the refused call",
    )?;
    // The creator itself may.
    let t = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "MAP_MEMORY from the creator",
    )?;
    Ok(())
}

fn mmap_rules(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let fresh = ok(Node::gpu(0), "fresh")?;
    expect_errno(
        Mapping::new(fresh.as_fd(), 4096, 0, true, true),
        Errno::EINVAL,
        "mmap of an fd without a context",
    )?;
    let ctl2 = ok(Node::ctl(), "fresh ctl")?;
    expect_errno(
        Mapping::new(ctl2.as_fd(), 4096, 0, true, true),
        Errno::EINVAL,
        "mmap of a ctl fd without a context",
    )?;
    let t = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "MAP_MEMORY",
    )?;
    for off in [4096i64, 65536] {
        expect_errno(
            Mapping::new(t.as_fd(), size as usize, off, true, true),
            Errno::EINVAL,
            &format!("mmap at offset {off}"),
        )?;
    }
    for len in [
        4096usize,
        size as usize - 4096,
        size as usize + 4096,
        2 * size as usize,
    ] {
        expect_errno(
            Mapping::new(t.as_fd(), len, 0, true, true),
            Errno::ENXIO,
            &format!("vidmem mmap of {len} bytes (context {size})"),
        )?;
    }
    ok(
        Mapping::new(t.as_fd(), size as usize, 0, true, true),
        "mmap of the context's size",
    )?;
    // A sub-range context maps exactly its pages.
    let t2 = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl
            .map_memory(s.client, s.device, h, 8192, 4096, 0, t2.raw()),
        "MAP_MEMORY of one page",
    )?;
    expect_errno(
        Mapping::new(t2.as_fd(), size as usize, 0, true, true),
        Errno::ENXIO,
        "whole-object mmap of a one-page context",
    )?;
    ok(
        Mapping::new(t2.as_fd(), 4096, 0, true, true),
        "mmap of the one page",
    )?;
    Ok(())
}

fn map_data_shared(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(256 << 10), "alloc")?;
    let a = ok(Node::gpu(0), "a")?;
    let b = ok(Node::gpu(0), "b")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, a.raw()),
        "map a",
    )?;
    ok(
        s.ctl
            .map_memory(s.client, s.subdevice, h, 0, size, 0, b.raw()),
        "map b (through the subdevice)",
    )?;
    let ma = ok(
        Mapping::new(a.as_fd(), size as usize, 0, true, true),
        "mmap a",
    )?;
    let mb = ok(
        Mapping::new(b.as_fd(), size as usize, 0, true, true),
        "mmap b",
    )?;
    let mut zero = vec![1u8; size as usize];
    ma.read(0, &mut zero);
    ensure!(zero.iter().all(|&x| x == 0), "new memory is not zeroed");
    Pattern::new("shared").write(&ma);
    eq(
        Pattern::new("shared").verify(&mb),
        None,
        "written through a, read through b",
    )?;
    // A sub-range: page 3 and 4.
    let c = ok(Node::gpu(0), "c")?;
    ok(
        s.ctl
            .map_memory(s.client, s.device, h, 3 * 4096, 2 * 4096, 0, c.raw()),
        "map a sub-range",
    )?;
    let mc = ok(Mapping::new(c.as_fd(), 2 * 4096, 0, true, true), "mmap c")?;
    let mut want = vec![0u8; 8192];
    let mut got = vec![0u8; 8192];
    mb.read(3 * 4096, &mut want);
    mc.read(0, &mut got);
    ensure!(
        want == got,
        "sub-range mapping shows other bytes than the whole mapping"
    );
    mc.write(0, &[0xabu8; 16]);
    let mut x = [0u8; 16];
    ma.read(3 * 4096, &mut x);
    eq(
        x,
        [0xab; 16],
        "write through the sub-range seen through the whole mapping",
    )?;
    // Contents persist across mappings.
    drop((ma, mb, mc));
    let d = ok(Node::gpu(0), "d")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, d.raw()),
        "map d",
    )?;
    let md = ok(
        Mapping::new(d.as_fd(), size as usize, 0, true, true),
        "mmap d",
    )?;
    md.read(3 * 4096, &mut x);
    eq(x, [0xab; 16], "contents after remapping")?;
    Ok(())
}

fn map_validation(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let t = ok(Node::gpu(0), "target")?;
    let fd = t.raw();
    let m = |dev: u32, mem: u32, off: u64, len: u64, flags: u32| {
        s.ctl.map_memory(s.client, dev, mem, off, len, flags, fd)
    };
    expect_status(
        m(s.device, 0x7777, 0, 4096, 0),
        NV_ERR_OBJECT_NOT_FOUND,
        "unknown memory",
    )?;
    expect_status(
        m(s.device, h, size, 4096, 0),
        NV_ERR_INVALID_BASE,
        "offset = size",
    )?;
    expect_status(m(s.device, h, 0, 0, 0), NV_ERR_INVALID_LIMIT, "length 0")?;
    expect_status(
        m(s.device, h, 4096, size, 0),
        NV_ERR_INVALID_LIMIT,
        "past the end",
    )?;
    expect_status(
        m(s.client, h, 0, 4096, 0),
        NV_ERR_INVALID_OBJECT_PARENT,
        "hDevice = the client",
    )?;
    expect_status(
        m(0x9999, h, 0, 4096, 0),
        NV_ERR_OBJECT_NOT_FOUND,
        "missing hDevice",
    )?;
    expect_status(
        m(
            s.device,
            h,
            0,
            4096,
            NVOS33_FLAGS_PERSISTENT.num(NVOS33_FLAGS_PERSISTENT_ENABLE),
        ),
        NV_ERR_INVALID_FLAGS,
        "PERSISTENT",
    )?;
    expect_status(
        m(s.device, h, 0, 4096, NVOS33_FLAGS_ACCESS.num(3)),
        NV_ERR_INVALID_FLAGS,
        "ACCESS 3",
    )?;
    let mut p = memory_params(1 << 20, 0, 0);
    p.flags |= NVOS32_ALLOC_FLAGS_VIRTUAL;
    let hv = ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV50_MEMORY_VIRTUAL, &mut p),
        "virtual",
    )?;
    expect_status(
        m(s.device, hv, 0, 4096, 0),
        NV_ERR_NOT_SUPPORTED,
        "virtual memory",
    )?;
    expect_status(
        m(s.device, s.device, 0, 4096, 0),
        NV_ERR_NOT_SUPPORTED,
        "a device as memory",
    )?;
    if env.gpus > 1 {
        let _g1 = Node::gpu(1)?;
        let d1 = ok(s.ctl.alloc_device(s.client, 1, 0), "device 1")?;
        expect_status(
            m(d1, h, 0, 4096, 0),
            NV_ERR_INVALID_OBJECT_PARENT,
            "hDevice of another GPU",
        )?;
    }
    // Where the memory is: its framebuffer offset (written back by the
    // allocation) inside the framebuffer, its BAR1 token inside the BAR1
    // window CARD_INFO reports (fb_address, fb_size).
    let c = &env.cards[0];
    let mut p = memory_params(64 << 10, 0, 0);
    let h2 = ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        "alloc",
    )?;
    let token = ok(m(s.device, h2, 4096, 4096, 0), "valid map")?;
    let mut bad = Vec::new();
    if p.offset
        .checked_add(p.size)
        .is_none_or(|end| end > c.fb_size)
    {
        bad.push(format!(
            "allocation offset {:#x} + size {:#x} past the framebuffer size {:#x}",
            p.offset, p.size, c.fb_size
        ));
    }
    if token < c.fb_address || token >= c.fb_address + c.fb_size {
        bad.push(format!(
            "vidmem token {token:#x} outside BAR1 [{:#x}, +{:#x})",
            c.fb_address, c.fb_size
        ));
    }
    ensure!(bad.is_empty(), "{}", bad.join("; "));
    Ok(())
}

fn unmap(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let maps0 = debugfs::live()?["cpu_maps"];
    let t = ok(Node::gpu(0), "target")?;
    let token = ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "map",
    )?;
    eq(
        debugfs::live()?["cpu_maps"] - maps0,
        1,
        "RM mapping recorded",
    )?;
    expect_status(
        s.ctl.unmap_memory(s.client, s.device, h, token + 4096),
        NV_ERR_OBJECT_NOT_FOUND,
        "UNMAP of another address",
    )?;
    ok(s.ctl.unmap_memory(s.client, s.device, h, token), "UNMAP")?;
    expect_status(
        s.ctl.unmap_memory(s.client, s.device, h, token),
        NV_ERR_OBJECT_NOT_FOUND,
        "UNMAP twice",
    )?;
    eq(debugfs::live()?["cpu_maps"], maps0, "RM mapping removed")?;
    // libnvidia's order: MAP, mmap, UPDATE_DEVICE_MAPPING_INFO(token -> VA), UNMAP(VA).
    let t2 = ok(Node::gpu(0), "target")?;
    let token = ok(
        s.ctl
            .map_memory(s.client, s.device, h, 0, size, 0, t2.raw()),
        "map",
    )?;
    let m = ok(
        Mapping::new(t2.as_fd(), size as usize, 0, true, true),
        "mmap",
    )?;
    ok(
        s.ctl.update_mapping(s.client, s.device, h, token, m.addr()),
        "UPDATE_DEVICE_MAPPING_INFO",
    )?;
    expect_status(
        s.ctl.update_mapping(s.client, s.device, h, token, m.addr()),
        NV_ERR_OBJECT_NOT_FOUND,
        "UPDATE of the old token again",
    )?;
    expect_status(
        s.ctl.unmap_memory(s.client, s.device, h, token),
        NV_ERR_OBJECT_NOT_FOUND,
        "UNMAP by the old token",
    )?;
    ok(
        s.ctl.unmap_memory(s.client, s.device, h, m.addr()),
        "UNMAP by the user address",
    )?;
    drop(m);
    eq(debugfs::live()?["cpu_maps"], maps0, "RM mappings")?;
    Ok(())
}

fn free_while_mapped(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let (h, size) = ok(s.vid(128 << 10), "alloc")?;
    let t = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl.map_memory(s.client, s.device, h, 0, size, 0, t.raw()),
        "map",
    )?;
    let m = ok(
        Mapping::new(t.as_fd(), size as usize, 0, true, true),
        "mmap",
    )?;
    Pattern::new("keep").write(&m);
    let pages0 = debugfs::live()?["backing_pages"];
    ok(s.ctl.free(s.client, s.device, h), "free while mapped")?;
    eq(
        s.fb_used()?,
        used0,
        "framebuffer charge returned at the free",
    )?;
    eq(
        Pattern::new("keep").verify(&m),
        None,
        "mapping still holds the data",
    )?;
    eq(
        debugfs::live()?["backing_pages"],
        pages0,
        "backing pages kept by the mapping",
    )?;
    drop(m);
    drop(t);
    ensure!(
        debugfs::live()?["backing_pages"] < pages0,
        "backing pages not freed with the last mapping"
    );
    Ok(())
}
