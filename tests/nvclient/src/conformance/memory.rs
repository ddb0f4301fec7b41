//! GPU memory: rounding, validation, capacity, DUP, the heap API and the
//! legacy ALLOC_MEMORY escape (reference §3.1, §7).

use std::io::{Read, Write};

use anyhow::{ensure, Result};
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;

use super::util::*;
use super::{Check, Env};
use crate::debugfs;
use crate::rm::{fb_info_v2, memory_params, Node, Pattern, ATTR_SYSMEM};
use crate::sys::{fork_child, wait_child, Mapping};

pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "size-rounding", what: "sizes round up to the NVOS32_ATTR_PAGE_SIZE page and are written back (size, limit), on both paths", run: size_rounding },
        Check { name: "memory-param-validation", what: "NV_MEMORY_ALLOCATION_PARAMS checks: size, owner, internal flags, location/class, ranges; nothing charged", run: memory_param_validation },
        Check { name: "memory-classes", what: "sysmem and virtual allocations are not charged to the framebuffer; VA space handles checked", run: memory_classes },
        Check { name: "oom-at-capacity", what: "every GPU allocates exactly its capacity, then NV_ERR_NO_MEMORY on both paths; nothing past capacity; GPUs independent", run: oom_at_capacity },
        Check { name: "dup-semantics", what: "RM_DUP_OBJECT shares memory: no new charge, memory stays until the last handle goes; non-copyable classes and parents refused", run: dup_semantics },
        Check { name: "dup-across-processes", what: "DUP from another process's client: NV_ERR_INSUFFICIENT_PERMISSIONS (PID share policy)", run: dup_across_processes },
        Check { name: "vid-heap", what: "VID_HEAP_CONTROL ALLOC_SIZE / ALLOC_SIZE_RANGE / FREE / INFO and the refused functions", run: vid_heap },
        Check { name: "alloc-memory-sysmem", what: "RM_ALLOC_MEMORY (NVOS02) sysmem on a registered GPU fd with its mmap context on a ctl fd", run: alloc_memory_sysmem },
        Check { name: "alloc-memory-legacy-query", what: "RM_ALLOC_MEMORY of class 0x40 is the legacy heap query: limit = FB size - 1, nothing allocated", run: alloc_memory_legacy_query },
    ]
}

const BIG: u32 = NVOS32_ATTR_PAGE_SIZE.num(NVOS32_ATTR_PAGE_SIZE_BIG);
const HUGE: u32 = NVOS32_ATTR_PAGE_SIZE.num(NVOS32_ATTR_PAGE_SIZE_HUGE);
const SMALL: u32 = NVOS32_ATTR_PAGE_SIZE.num(NVOS32_ATTR_PAGE_SIZE_4KB);

fn size_rounding(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let mut total = 0;
    let cases: [(u32, u32, u64, u64); 10] = [
        (0, 0, 1, 4096),
        (0, 0, 4096, 4096),
        (0, 0, 4097, 8192),
        (SMALL, 0, 1, 4096),
        (BIG, 0, 1, 64 << 10),
        (BIG, 0, (64 << 10) + 1, 128 << 10),
        (HUGE, 0, 1, 2 << 20),
        (HUGE, 0, (2 << 20) + 4096, 4 << 20),
        (
            HUGE,
            NVOS32_ATTR2_PAGE_SIZE_HUGE.num(NVOS32_ATTR2_PAGE_SIZE_HUGE_2MB),
            3,
            2 << 20,
        ),
        (
            HUGE,
            NVOS32_ATTR2_PAGE_SIZE_HUGE.num(NVOS32_ATTR2_PAGE_SIZE_HUGE_512MB),
            1,
            512 << 20,
        ),
    ];
    for (attr, attr2, size, want) in cases {
        let mut p = memory_params(size, attr, attr2);
        ok(
            s.ctl
                .alloc_memory(s.client, s.device, 0, NV01_MEMORY_LOCAL_USER, &mut p),
            &format!("alloc {size} attr {attr:#x}"),
        )?;
        eq(
            p.size,
            want,
            &format!("size written back for {size} bytes, attr {attr:#x} attr2 {attr2:#x}"),
        )?;
        eq(p.limit, want - 1, "limit written back")?;
        total += want;
    }
    eq(
        s.fb_used()? - used0,
        total,
        "fb_used charged the rounded sizes",
    )?;
    let mut p = memory_params(
        1,
        HUGE,
        NVOS32_ATTR2_PAGE_SIZE_HUGE.num(NVOS32_ATTR2_PAGE_SIZE_HUGE_256GB),
    );
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_INVALID_ARGUMENT,
        "256 GiB pages",
    )?;
    // The heap path writes the rounded size back too.
    let (_, got) = ok(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 5000, BIG, 0, 0, false),
        "heap alloc",
    )?;
    eq(got, 64 << 10, "heap ALLOC_SIZE size written back")?;
    let (_, got) = ok(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 5000, 0, 0, 0, true),
        "heap alloc range",
    )?;
    eq(got, 8192, "heap ALLOC_SIZE_RANGE size written back")?;
    eq(s.fb_used()? - used0, total + (64 << 10) + 8192, "fb_used")
}

fn memory_param_validation(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let try_alloc =
        |class: u32, f: &dyn Fn(&mut vgpu_uapi::nvidia::alloc_params::NvMemoryAllocationParams)| {
            let mut p = memory_params(
                4096,
                if class == NV01_MEMORY_SYSTEM {
                    ATTR_SYSMEM
                } else {
                    0
                },
                0,
            );
            f(&mut p);
            s.ctl.alloc_memory(s.client, s.device, 0, class, &mut p)
        };
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.size = 0),
        NV_ERR_INVALID_ARGUMENT,
        "size 0",
    )?;
    for owner in [
        0u32,
        0xffff_ffff,
        HEAP_OWNER_RM_SCRATCH_BEGIN,
        HEAP_OWNER_RM_SCRATCH_END,
    ] {
        expect_status(
            try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.owner = owner),
            NV_ERR_INVALID_OWNER,
            &format!("owner {owner:#x}"),
        )?;
    }
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.internalflags = 1),
        NV_ERR_INVALID_ARGUMENT,
        "internalflags",
    )?;
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.attr = ATTR_SYSMEM),
        NV_ERR_INVALID_ARGUMENT,
        "LOCAL_USER with location PCI",
    )?;
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| {
            p.flags |= NVOS32_ALLOC_FLAGS_VIRTUAL
        }),
        NV_ERR_INVALID_ARGUMENT,
        "LOCAL_USER with the VIRTUAL flag",
    )?;
    expect_status(
        try_alloc(NV01_MEMORY_SYSTEM, &|p| p.attr = 0),
        NV_ERR_INVALID_ARGUMENT,
        "SYSTEM with location VIDMEM",
    )?;
    expect_status(
        try_alloc(NV50_MEMORY_VIRTUAL, &|_| {}),
        NV_ERR_INVALID_ARGUMENT,
        "VIRTUAL without the VIRTUAL flag",
    )?;
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.range_hi = 1 << 30),
        NV_ERR_INVALID_ARGUMENT,
        "range without USE_BEGIN_END",
    )?;
    expect_status(
        try_alloc(NV01_MEMORY_LOCAL_USER, &|p| p.size = u64::MAX - 100),
        NV_ERR_NO_MEMORY,
        "size that cannot be rounded",
    )?;
    eq(
        s.fb_used()?,
        used0,
        "nothing charged by refused allocations",
    )?;
    // What RM rewrites in the returned parameters.
    let mut p = memory_params(4096, 0, 0);
    p.flags = NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP;
    p.address = 0x1234;
    ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        "alloc",
    )?;
    ensure!(
        p.flags & NVOS32_ALLOC_FLAGS_MAP_NOT_REQUIRED != 0,
        "MAP_NOT_REQUIRED not set in the returned flags"
    );
    ensure!(
        p.flags & NVOS32_ALLOC_FLAGS_KERNEL_MAPPING_MAP == 0,
        "KERNEL_MAPPING_MAP not cleared"
    );
    eq(p.address, 0, "address zeroed")
}

fn memory_classes(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let (_, got) = ok(s.sys(1 << 20), "sysmem")?;
    eq(got, 1 << 20, "sysmem size")?;
    let st = debugfs::client(s.client)?.unwrap();
    eq((st.sysmem, st.vidmem), (1 << 20, 0), "client sysmem/vidmem")?;
    let mut p = memory_params(1 << 30, 0, 0);
    p.flags |= NVOS32_ALLOC_FLAGS_VIRTUAL;
    ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV50_MEMORY_VIRTUAL, &mut p),
        "virtual",
    )?;
    let vas = ok(s.ctl.alloc_vaspace(s.client, s.device, 0), "vaspace")?;
    let mut p = memory_params(1 << 20, 0, 0);
    p.flags |= NVOS32_ALLOC_FLAGS_VIRTUAL;
    p.h_va_space = vas;
    ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV50_MEMORY_VIRTUAL, &mut p),
        "virtual in a VA space",
    )?;
    let mut p = memory_params(1 << 20, 0, 0);
    p.flags |= NVOS32_ALLOC_FLAGS_VIRTUAL;
    p.h_va_space = s.device;
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.device, 0, NV50_MEMORY_VIRTUAL, &mut p),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "virtual with a device as VA space",
    )?;
    eq(
        s.fb_used()?,
        used0,
        "sysmem and virtual memory not charged to the framebuffer",
    )
}

fn fill_gpu(env: &Env, g: u32) -> Result<()> {
    let s = setup(g)?;
    let cap = env.capacity[g as usize];
    let others: Vec<u64> = debugfs::gpus()?.iter().map(|x| x.fb_used).collect();
    let used0 = s.fb_used()?;
    let free = cap - used0;
    expect_status(
        s.vid(free + 4096),
        NV_ERR_NO_MEMORY,
        "one allocation past the free memory",
    )?;
    expect_status(s.vid(cap * 2), NV_ERR_NO_MEMORY, "twice the capacity")?;
    eq(
        s.fb_used()?,
        used0,
        "nothing charged by refused allocations",
    )?;
    // Chunks of 1 GiB until refused.
    let chunk = 1u64 << 30;
    let mut handles = Vec::new();
    let mut got = 0u64;
    let refusal = loop {
        match s.vid_attr(chunk, HUGE, 0) {
            Ok((h, n)) => {
                handles.push(h);
                got += n;
                ensure!(handles.len() < 100_000, "never refused");
            }
            Err(e) => break e,
        }
    };
    expect_status::<()>(Err(refusal), NV_ERR_NO_MEMORY, "refusal at capacity")?;
    eq(
        got,
        free / chunk * chunk,
        "granted whole chunks up to the free memory",
    )?;
    // The rest, exactly.
    let rest = cap - s.fb_used()?;
    if rest > 0 {
        let (_, n) = ok(s.vid(rest), "the exact remainder")?;
        eq(n, rest, "remainder size")?;
    }
    let g_after = debugfs::gpu(g)?;
    eq((g_after.fb_used, g_after.fb_free), (cap, 0), "GPU full")?;
    expect_status(
        s.vid(4096),
        NV_ERR_NO_MEMORY,
        "4 KiB on a full GPU (RM_ALLOC)",
    )?;
    expect_status(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 4096, 0, 0, 0, false),
        NV_ERR_NO_MEMORY,
        "4 KiB on a full GPU (ALLOC_SIZE)",
    )?;
    expect_status(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 4096, 0, 0, 0, true),
        NV_ERR_NO_MEMORY,
        "4 KiB on a full GPU (ALLOC_SIZE_RANGE)",
    )?;
    eq(debugfs::gpu(g)?.fb_used, cap, "nothing past capacity")?;
    let fb = ok(fb_info_v2(&s.ctl, s.client, s.subdevice), "FB info")?;
    eq(fb.free_kib, 0, "HEAP_FREE on a full GPU")?;
    // Other GPUs are untouched.
    for x in debugfs::gpus()? {
        if x.index != g {
            eq(
                x.fb_used,
                others[x.index as usize],
                &format!("GPU {} fb_used while GPU {g} is full", x.index),
            )?;
        }
    }
    // Freeing one chunk makes room for exactly that much.
    if let Some(h) = handles.pop() {
        ok(s.ctl.free(s.client, s.device, h), "free one chunk")?;
        ok(s.vid_attr(chunk, HUGE, 0), "a chunk after a free")?;
        expect_status(s.vid(4096), NV_ERR_NO_MEMORY, "full again")?;
    }
    Ok(())
}

fn oom_at_capacity(env: &Env) -> Result<()> {
    for g in 0..env.gpus {
        fill_gpu(env, g).map_err(|e| e.context(format!("GPU {g}")))?;
    }
    Ok(())
}

fn dup_semantics(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let (h, size) = ok(s.vid(1 << 20), "alloc")?;
    let d = ok(
        s.ctl.dup(s.client, s.device, 0, s.client, h),
        "dup in the same client",
    )?;
    ensure!(d != h, "dup returned the original handle");
    eq(s.fb_used()? - used0, size, "a dup is not charged again")?;
    eq(
        debugfs::client(s.client)?.unwrap().vidmem,
        2 * size,
        "client vidmem counts both handles",
    )?;
    ok(s.ctl.free(s.client, s.device, h), "free the original")?;
    eq(
        s.fb_used()? - used0,
        size,
        "memory stays while the dup lives",
    )?;
    ok(s.ctl.free(s.client, s.device, d), "free the dup")?;
    eq(s.fb_used()?, used0, "memory returned with the last handle")?;
    // Into another client of the same process; the data is shared.
    let (h, size) = ok(s.vid(64 << 10), "alloc")?;
    let c2 = ok(s.ctl.alloc_client(0), "second client")?;
    let d2 = ok(s.ctl.alloc_device(c2, 0, 0), "device in the second client")?;
    let dup2 = ok(
        s.ctl.dup(c2, d2, 0x4242, s.client, h),
        "dup into the second client",
    )?;
    eq(dup2, 0x4242, "requested dup handle")?;
    expect_status(
        s.ctl.dup(c2, d2, 0x4242, s.client, h),
        NV_ERR_INSERT_DUPLICATE_NAME,
        "dup onto a taken handle",
    )?;
    let t1 = ok(Node::gpu(0), "target")?;
    let tok1 = ok(
        s.ctl
            .map_memory(s.client, s.device, h, 0, size, 0, t1.raw()),
        "map original",
    )?;
    let m1 = ok(
        Mapping::new(std::os::fd::AsFd::as_fd(&t1), size as usize, 0, true, true),
        "mmap original",
    )?;
    Pattern::new("dup").write(&m1);
    let t2 = ok(Node::gpu(0), "target")?;
    ok(
        s.ctl.map_memory(c2, d2, dup2, 0, size, 0, t2.raw()),
        "map dup",
    )?;
    let m2 = ok(
        Mapping::new(std::os::fd::AsFd::as_fd(&t2), size as usize, 0, true, true),
        "mmap dup",
    )?;
    eq(
        Pattern::new("dup").verify(&m2),
        None,
        "data written through the original read through the dup",
    )?;
    drop((m1, m2));
    ok(s.ctl.unmap_memory(s.client, s.device, h, tok1), "unmap")?;
    ok(
        s.ctl.free(s.client, s.client, s.client),
        "free the original's client",
    )?;
    eq(
        s.fb_used()? - used0,
        size,
        "memory stays with the dup in the other client",
    )?;
    ok(s.ctl.free(c2, c2, c2), "free the dup's client")?;
    eq(s.fb_used()?, used0, "memory returned")?;
    // What cannot be duped.
    let s = setup(0)?;
    let (h, _) = ok(s.vid(4096), "alloc")?;
    expect_status(
        s.ctl.dup(s.client, s.client, 0, s.client, s.device),
        NV_ERR_INVALID_ARGUMENT,
        "dup of a device",
    )?;
    expect_status(
        s.ctl.dup(s.client, s.device, 0, s.client, s.subdevice),
        NV_ERR_INVALID_ARGUMENT,
        "dup of a subdevice",
    )?;
    expect_status(
        s.ctl.dup(s.client, s.device, 0, s.client, s.client),
        NV_ERR_INVALID_ARGUMENT,
        "dup of a client",
    )?;
    expect_status(
        s.ctl.dup(s.client, s.subdevice, 0, s.client, h),
        NV_ERR_INVALID_OBJECT_PARENT,
        "dup under a subdevice of memory made under a device",
    )?;
    expect_status(
        s.ctl.dup(s.client, 0x9999, 0, s.client, h),
        NV_ERR_OBJECT_NOT_FOUND,
        "dup under a missing parent",
    )?;
    if env.gpus > 1 {
        let _g1 = Node::gpu(1)?;
        let d1 = ok(s.ctl.alloc_device(s.client, 1, 0), "device 1")?;
        expect_status(
            s.ctl.dup(s.client, d1, 0, s.client, h),
            NV_ERR_INVALID_OBJECT_PARENT,
            "dup onto another GPU's device",
        )?;
    }
    Ok(())
}

fn dup_across_processes(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let (to_parent_r, to_parent_w) = nix::unistd::pipe()?;
    let (to_child_r, to_child_w) = nix::unistd::pipe()?;
    let pid = fork_child(|| {
        let mut out = std::fs::File::from(to_parent_w.try_clone().expect("dup"));
        let mut inp = std::fs::File::from(to_child_r.try_clone().expect("dup"));
        let mut run = || -> Option<(u32, u32)> {
            let ctl = Node::ctl().ok()?;
            let c = ctl.alloc_client(0).ok()?;
            let _g = Node::gpu(0).ok()?;
            let d = ctl.alloc_device(c, 0, 0).ok()?;
            let mut p = memory_params(4096, 0, 0);
            let h = ctl
                .alloc_memory(c, d, 0, NV01_MEMORY_LOCAL_USER, &mut p)
                .ok()?;
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&c.to_ne_bytes());
            b[4..].copy_from_slice(&h.to_ne_bytes());
            out.write_all(&b).ok()?;
            let mut wait = [0u8; 1];
            let _ = inp.read(&mut wait);
            Some((c, h))
        };
        if run().is_some() {
            0
        } else {
            let _ = out.write_all(&[0u8; 8]);
            1
        }
    })?;
    drop(to_parent_w);
    drop(to_child_r);
    let mut inp = std::fs::File::from(to_parent_r);
    let mut out = std::fs::File::from(to_child_w);
    let mut b = [0u8; 8];
    let r = inp.read_exact(&mut b);
    let check = (|| -> Result<()> {
        r?;
        let c = u32::from_ne_bytes(b[..4].try_into()?);
        let h = u32::from_ne_bytes(b[4..].try_into()?);
        ensure!(c != 0, "the child could not allocate");
        expect_status(
            s.ctl.dup(s.client, s.device, 0, c, h),
            NV_ERR_INSUFFICIENT_PERMISSIONS,
            "dup of another process's memory",
        )?;
        expect_status(
            s.ctl.alloc_device(c, 0, 0),
            NV_ERR_INVALID_CLIENT,
            "use of another process's client through our nvidiactl",
        )?;
        Ok(())
    })();
    let _ = out.write_all(&[1]);
    drop(out);
    let code = wait_child(pid)?;
    check?;
    eq(code, Some(0), "child exit")
}

fn vid_heap(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let mut p = Nvos32AllocSizeParameters {
        h_root: s.client,
        h_object_parent: s.device,
        function: NVOS32_FUNCTION_ALLOC_SIZE,
        total: 77,
        free: 77,
        data: Nvos32AllocSize {
            owner: crate::rm::OWNER,
            h_memory: 0x3333,
            size: 5000,
            ..Default::default()
        },
        ..Default::default()
    };
    eq(s.ctl.vid_heap_raw(&mut p), Ok(0), "ALLOC_SIZE ioctl")?;
    eq(p.status, NV_OK, "ALLOC_SIZE status")?;
    let h = p.data.h_memory;
    ensure!(
        h != 0 && h != 0x3333,
        "hMemory {h:#x}: a handle not asked for must be generated"
    );
    eq(
        (p.data.size, p.data.limit),
        (8192, 8191),
        "size and limit written back",
    )?;
    eq(p.data.partition_stride, 256, "partitionStride")?;
    eq(
        (p.total, p.free),
        (0, 0),
        "total and free zeroed on the alloc path",
    )?;
    eq(s.fb_used()? - used0, 8192, "fb_used")?;
    let (h2, _) = ok(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 4096, 0, 0, 0x777, false),
        "ALLOC_SIZE with MEMORY_HANDLE_PROVIDED",
    )?;
    eq(h2, 0x777, "provided handle")?;
    let (h3, n3) = ok(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 1 << 20, 0, 0, 0, true),
        "ALLOC_SIZE_RANGE",
    )?;
    eq(n3, 1 << 20, "range size")?;
    let (total, free) = ok(s.ctl.vid_heap_info(s.client, s.device), "INFO")?;
    let g = debugfs::gpu(0)?;
    eq(total, env.capacity[0] / 1024 * 1024, "INFO total")?;
    eq(free, g.fb_free / 1024 * 1024, "INFO free")?;
    expect_status(
        s.ctl.vid_heap_info(s.client, s.subdevice),
        NV_ERR_INVALID_OBJECT_PARENT,
        "INFO on a subdevice",
    )?;
    // FREE needs MEMORY_HANDLE_PROVIDED.
    let mut f = Nvos32FreeParameters {
        h_root: s.client,
        h_object_parent: s.device,
        function: NVOS32_FUNCTION_FREE,
        ..Default::default()
    };
    f.data.h_memory = h;
    eq(s.ctl.vid_heap_raw(&mut f), Ok(0), "FREE ioctl")?;
    eq(
        f.status,
        NV_ERR_INVALID_ARGUMENT,
        "FREE without MEMORY_HANDLE_PROVIDED",
    )?;
    for x in [h, h2, h3] {
        ok(s.ctl.vid_heap_free(s.client, s.device, x), "FREE")?;
    }
    eq(s.fb_used()?, used0, "memory returned by FREE")?;
    // Heap allocations of other kinds.
    let (_, _) = ok(
        s.ctl
            .vid_heap_alloc(s.client, s.device, 1 << 20, ATTR_SYSMEM, 0, 0, false),
        "ALLOC_SIZE in sysmem",
    )?;
    eq(s.fb_used()?, used0, "sysmem through the heap not charged")?;
    eq(
        debugfs::client(s.client)?.unwrap().sysmem,
        1 << 20,
        "client sysmem",
    )?;
    // Refused functions.
    for (func, want, what) in [
        (
            NVOS32_FUNCTION_ALLOC_TILED_PITCH_HEIGHT,
            NV_ERR_NOT_SUPPORTED,
            "ALLOC_TILED_PITCH_HEIGHT",
        ),
        (NVOS32_FUNCTION_HW_ALLOC, NV_ERR_NOT_SUPPORTED, "HW_ALLOC"),
        (99, NV_ERR_INVALID_ARGUMENT, "unknown function"),
    ] {
        let mut p = Nvos32AllocSizeParameters {
            h_root: s.client,
            h_object_parent: s.device,
            function: func,
            ..Default::default()
        };
        eq(s.ctl.vid_heap_raw(&mut p), Ok(0), "ioctl")?;
        eq(p.status, want, what)?;
    }
    let mut p = Nvos32AllocSizeParameters {
        h_root: s.client,
        h_object_parent: s.device,
        function: NVOS32_FUNCTION_ALLOC_SIZE,
        ivc_heap_number: 1,
        ..Default::default()
    };
    p.data.owner = crate::rm::OWNER;
    p.data.size = 4096;
    eq(s.ctl.vid_heap_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.status, NV_ERR_NOT_SUPPORTED, "ivcHeapNumber 1")?;
    eq(s.fb_used()?, used0, "fb_used")
}

fn nvos02(
    s: &Setup,
    class: u32,
    flags: u32,
    h_new: u32,
    size: u64,
    fd: i32,
) -> NvIoctlNvos02ParametersWithFd {
    NvIoctlNvos02ParametersWithFd {
        params: Nvos02Parameters {
            h_root: s.client,
            h_object_parent: s.device,
            h_object_new: h_new,
            h_class: class,
            flags,
            limit: size - 1,
            ..Default::default()
        },
        fd,
        ..Default::default()
    }
}

fn alloc_memory_sysmem(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let unreg = ok(Node::gpu(0), "open gpu")?;
    let target = ok(Node::ctl(), "open target ctl")?;
    // An fd not registered to the client's ctl file: not the client's.
    let mut p = nvos02(&s, NV01_MEMORY_SYSTEM, 0, 0x5000, 64 << 10, target.raw());
    eq(
        unreg.alloc_memory_os02_raw(&mut p),
        Ok(0),
        "ALLOC_MEMORY ioctl on an unregistered fd",
    )?;
    eq(
        p.params.status,
        NV_ERR_INVALID_CLIENT,
        "ALLOC_MEMORY through an unregistered GPU fd",
    )?;
    let g = ok(Node::gpu(0), "open gpu")?;
    ok(g.register_fd(s.ctl.raw()), "REGISTER_FD")?;
    let ctx0 = debugfs::live()?["contexts"];
    let mut p = nvos02(
        &s,
        NV01_MEMORY_SYSTEM,
        NVOS02_FLAGS_COHERENCY.num(NVOS02_FLAGS_COHERENCY_CACHED),
        0x5000,
        64 << 10,
        target.raw(),
    );
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ALLOC_MEMORY ioctl")?;
    eq(p.params.status, NV_OK, "ALLOC_MEMORY sysmem")?;
    ensure!(p.params.p_memory != 0, "no mapping token returned");
    eq(p.params.h_object_new, 0x5000, "handle")?;
    eq(
        debugfs::live()?["contexts"] - ctx0,
        1,
        "mmap context attached to the target ctl fd",
    )?;
    eq(
        debugfs::client(s.client)?.unwrap().sysmem,
        64 << 10,
        "client sysmem",
    )?;
    eq(s.fb_used()?, used0, "sysmem not charged")?;
    let m = ok(
        Mapping::new(std::os::fd::AsFd::as_fd(&target), 64 << 10, 0, true, true),
        "mmap of the target ctl fd",
    )?;
    Pattern::new("sys").write(&m);
    eq(
        Pattern::new("sys").verify(&m),
        None,
        "sysmem mapping holds data",
    )?;
    drop(m);
    // NO_MAP: allocated, no context.
    let t2 = ok(Node::ctl(), "open")?;
    let mut p = nvos02(
        &s,
        NV01_MEMORY_SYSTEM,
        NVOS02_FLAGS_MAPPING.num(NVOS02_FLAGS_MAPPING_NO_MAP),
        0x5001,
        4096,
        t2.raw(),
    );
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.params.status, NV_OK, "ALLOC_MEMORY NO_MAP")?;
    eq(
        debugfs::live()?["contexts"] - ctx0,
        1,
        "no context for NO_MAP",
    )?;
    // Refused flags.
    let mut p = nvos02(
        &s,
        NV01_MEMORY_SYSTEM,
        NVOS02_FLAGS_ALLOC.num(NVOS02_FLAGS_ALLOC_NONE),
        0x5002,
        4096,
        t2.raw(),
    );
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.params.status, NV_ERR_INVALID_FLAGS, "ALLOC_NONE")?;
    let mut p = nvos02(
        &s,
        NV01_MEMORY_SYSTEM,
        NVOS02_FLAGS_LOCATION.num(NVOS02_FLAGS_LOCATION_VIDMEM),
        0x5003,
        4096,
        t2.raw(),
    );
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.params.status, NV_ERR_INVALID_FLAGS, "location VIDMEM")?;
    let mut p = nvos02(&s, 0xdead, 0, 0x5004, 4096, t2.raw());
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.params.status, NV_ERR_INVALID_CLASS, "unknown class")?;
    // A context target that is not a ctl fd fails the escape.
    let mut p = nvos02(&s, NV01_MEMORY_SYSTEM, 0, 0x5005, 4096, unreg.raw());
    eq(
        g.alloc_memory_os02_raw(&mut p),
        Err(nix::errno::Errno::EINVAL),
        "ALLOC_MEMORY with a GPU fd as the sysmem context target",
    )?;
    // An fd already holding a context.
    let mut p = nvos02(&s, NV01_MEMORY_SYSTEM, 0, 0x5006, 4096, target.raw());
    eq(
        g.alloc_memory_os02_raw(&mut p),
        Err(nix::errno::Errno::EINVAL),
        "ALLOC_MEMORY onto an fd that already has a context",
    )?;
    let _ = nv_iowr(0, 0);
    Ok(())
}

fn alloc_memory_legacy_query(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let g = ok(Node::gpu(0), "open gpu")?;
    ok(g.register_fd(s.ctl.raw()), "REGISTER_FD")?;
    let t = ok(Node::ctl(), "open")?;
    let mut p = nvos02(&s, NV01_MEMORY_LOCAL_USER, 0, 0x6000, 4096, t.raw());
    eq(g.alloc_memory_os02_raw(&mut p), Ok(0), "ioctl")?;
    eq(p.params.status, NV_OK, "legacy class 0x40 query")?;
    eq(
        p.params.limit,
        env.capacity[0] - 1,
        "limit = framebuffer size - 1",
    )?;
    eq(s.fb_used()?, used0, "nothing allocated")?;
    eq(
        debugfs::client(s.client)?.unwrap().vidmem,
        0,
        "no vidmem in the client",
    )?;
    expect_status(
        s.ctl
            .map_memory(s.client, s.device, 0x6000, 0, 4096, 0, t.raw()),
        NV_ERR_NOT_SUPPORTED,
        "map of the query handle",
    )?;
    ok(
        s.ctl.free(s.client, s.device, 0x6000),
        "free the query handle",
    )?;
    Ok(())
}
