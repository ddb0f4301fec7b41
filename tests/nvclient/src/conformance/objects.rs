//! RM objects, handles, controls and the identity rules (reference §2,
//! §3.2, §5, §8).

use anyhow::{bail, ensure, Result};
use nix::errno::Errno;
use vgpu_uapi::nvidia::alloc_params::*;
use vgpu_uapi::nvidia::classes::*;
use vgpu_uapi::nvidia::ctrl::*;
use vgpu_uapi::nvidia::ioctl::*;
use vgpu_uapi::nvidia::rm::*;
use vgpu_uapi::nvidia::status::*;

use super::util::*;
use super::{Check, Env};
use crate::debugfs;
use crate::rm::{
    attached_ids, build_version, c_string, fb_info_v1, fb_info_v2, gpu_id_info, gpu_uuid,
    memory_params, Node,
};
use crate::sys::{self, bytes_of_mut, fork_child, wait_child};

pub fn checks() -> Vec<Check> {
    vec![
        Check { name: "root-client-handles", what: "root clients from 0xC1D00000, classes 0x0/0x1 forced to 0x41, handle written into the parameter", run: root_client_handles },
        Check { name: "client-handle-request", what: "a free requested client handle is used, a taken one NV_ERR_INSERT_DUPLICATE_NAME", run: client_handle_request },
        Check { name: "device-subdevice-vaspace", what: "NV01_DEVICE_0, NV20_SUBDEVICE_0, FERMI_VASPACE_A: good paths and their refusals", run: device_subdevice_vaspace },
        Check { name: "device-needs-gpu-file", what: "NV01_DEVICE_0 without /dev/nvidiaN of that GPU held open: NV_ERR_INSUFFICIENT_PERMISSIONS", run: device_needs_gpu_file },
        Check { name: "object-handles", what: "generated handles from 0xCAF00000, taken handles, hObjectNew == hClient, parents", run: object_handles },
        Check { name: "alloc-params-from-class-table", what: "RM_ALLOC copies the class's parameter size whatever paramsSize says; required NULL params refused", run: alloc_params_from_class_table },
        Check { name: "nvos64-alloc", what: "RM_ALLOC with NVOS64 (48 bytes) works; FINN-serialised parameters refused", run: nvos64_alloc },
        Check { name: "bad-handles", what: "unknown and foreign clients/objects get the documented statuses", run: bad_handles },
        Check { name: "cross-fd-client", what: "a client created on nvidiactl A used through nvidiactl B: NV_ERR_INVALID_CLIENT everywhere", run: cross_fd_client },
        Check { name: "register-fd", what: "REGISTER_FD rules: once, a ctl target, no self, no chain, not a device-ref'd fd", run: register_fd },
        Check { name: "register-fd-identity", what: "a registered fd acts with its ctl file's identity; clients bound to it live while it is open", run: register_fd_identity },
        Check { name: "cascading-free", what: "freeing a device or a client frees everything below and returns its memory", run: cascading_free },
        Check { name: "close-frees-clients", what: "closing nvidiactl frees its clients, their objects and memory", run: close_frees_clients },
        Check { name: "controls", what: "build version, GPU ids, id info, class list, UUID, GR info, perf boost, FB info (V2 and V1) match ground truth", run: controls },
        Check { name: "control-sizes", what: "every control: paramsSize must be exact (NV_ERR_INVALID_PARAM_STRUCT); unknown or wrong-class cmds NV_ERR_NOT_SUPPORTED", run: control_sizes },
    ]
}

fn root_client_handles(_: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    for class in [NV01_ROOT, NV01_ROOT_NON_PRIV, NV01_ROOT_CLIENT] {
        let mut h = 0u32;
        let mut p = Nvos21Parameters {
            h_class: class,
            params_size: 4,
            ..Default::default()
        };
        eq(
            ctl.alloc_raw(&mut p, Some(bytes_of_mut(&mut h))),
            Ok(0),
            "ioctl",
        )?;
        eq(p.status, NV_OK, &format!("root class {class:#x}"))?;
        eq(
            p.h_class,
            NV01_ROOT_CLIENT,
            "class forced to NV01_ROOT_CLIENT",
        )?;
        let c = p.h_object_new;
        ensure!(
            (RS_CLIENT_HANDLE_BASE..RS_CLIENT_HANDLE_BASE + RS_CLIENT_HANDLE_MAX).contains(&c),
            "client handle {c:#x} outside 0xC1D00000..+0x100000"
        );
        eq(h, c, "handle written into the NvHandle parameter")?;
        let st = debugfs::client(c)?;
        ensure!(st.is_some(), "client {c:#x} not in debugfs");
        eq(st.unwrap().pid, std::process::id() as i64, "client ProcID")?;
        eq(
            st.unwrap().objects,
            1,
            "a new client has its root object only",
        )?;
    }
    // Without parameters (optional).
    let mut p = Nvos21Parameters {
        h_class: NV01_ROOT_CLIENT,
        ..Default::default()
    };
    eq(ctl.alloc_raw(&mut p, None), Ok(0), "ioctl")?;
    eq(p.status, NV_OK, "root client without parameters")?;
    Ok(())
}

fn client_handle_request(_: &Env) -> Result<()> {
    let a = ok(Node::ctl(), "open")?;
    let b = ok(Node::ctl(), "open")?;
    let want = 0xc1d0_7777;
    let got = ok(a.alloc_client(want), "requested client handle")?;
    eq(got, want, "requested handle used")?;
    expect_status(
        b.alloc_client(want),
        NV_ERR_INSERT_DUPLICATE_NAME,
        "taken client handle (other fd)",
    )?;
    expect_status(
        a.alloc_client(want),
        NV_ERR_INSERT_DUPLICATE_NAME,
        "taken client handle",
    )?;
    ok(a.free(want, want, want), "free")?;
    eq(
        ok(b.alloc_client(want), "handle free again")?,
        want,
        "reused handle",
    )
}

fn device_subdevice_vaspace(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    let c = ok(ctl.alloc_client(0), "client")?;
    let nodes: Vec<Node> = (0..env.gpus)
        .map(|i| Node::gpu(i).map_err(anyhow::Error::from))
        .collect::<Result<_>>()?;
    for g in 0..env.gpus {
        let d = ok(ctl.alloc_device(c, g, 0), &format!("device {g}"))?;
        let s = ok(ctl.alloc_subdevice(c, d, 0), "subdevice")?;
        expect_status(
            ctl.alloc_subdevice(c, d, 0),
            NV_ERR_INSUFFICIENT_RESOURCES,
            "second subdevice 0",
        )?;
        let mut p1 = Nv2080AllocParameters { sub_device_id: 1 };
        expect_status(
            ctl.alloc(c, d, 0, NV20_SUBDEVICE_0, Some(bytes_of_mut(&mut p1))),
            NV_ERR_INVALID_CLASS,
            "subdevice 1",
        )?;
        ok(ctl.alloc_vaspace(c, d, 0), "vaspace under device")?;
        ok(ctl.alloc_vaspace(c, s, 0), "vaspace under subdevice")?;
        expect_status(
            ctl.alloc(c, d, 0, FERMI_VASPACE_A, None),
            NV_ERR_INVALID_ARGUMENT,
            "vaspace without its required parameters",
        )?;
        // The device's GPU is the one asked for.
        let id = ok(
            gpu_id_info(&ctl, c, env.cards[g as usize].gpu_id),
            "id info",
        )?;
        eq(id.device_instance, g, "device instance")?;
    }
    expect_status(
        ctl.alloc_device(c, env.gpus, 0),
        NV_ERR_INVALID_STATE,
        "device instance past the last GPU",
    )?;
    expect_status(
        ctl.alloc_device(c, 32, 0),
        NV_ERR_INVALID_ARGUMENT,
        "device instance 32 (NV_MAX_DEVICES)",
    )?;
    expect_status(
        ctl.alloc(c, c, 0, NV01_DEVICE_0, None),
        NV_ERR_INVALID_ARGUMENT,
        "device without parameters",
    )?;
    // Two devices of the same GPU in one client are allowed.
    ok(ctl.alloc_device(c, 0, 0), "second device of GPU 0")?;
    drop(nodes);
    Ok(())
}

fn device_needs_gpu_file(env: &Env) -> Result<()> {
    let ctl = ok(Node::ctl(), "open")?;
    let c = ok(ctl.alloc_client(0), "client")?;
    for g in 0..env.gpus {
        expect_status(
            ctl.alloc_device(c, g, 0),
            NV_ERR_INSUFFICIENT_PERMISSIONS,
            &format!("device {g} holding no GPU node"),
        )?;
    }
    // nvidiactl, or an unrelated file, does not count.
    let other = std::fs::File::open("/dev/null")?;
    expect_status(
        ctl.alloc_device(c, 0, 0),
        NV_ERR_INSUFFICIENT_PERMISSIONS,
        "device 0 holding nvidiactl and /dev/null",
    )?;
    drop(other);
    let g0 = ok(Node::gpu(0), "open /dev/nvidia0")?;
    ok(ctl.alloc_device(c, 0, 0), "device 0 holding /dev/nvidia0")?;
    if env.gpus > 1 {
        expect_status(
            ctl.alloc_device(c, 1, 0),
            NV_ERR_INSUFFICIENT_PERMISSIONS,
            "device 1 holding only /dev/nvidia0",
        )?;
        let g1 = ok(Node::gpu(1), "open /dev/nvidia1")?;
        ok(ctl.alloc_device(c, 1, 0), "device 1 holding /dev/nvidia1")?;
        drop(g1);
    }
    drop(g0);
    expect_status(
        ctl.alloc_device(c, 0, 0),
        NV_ERR_INSUFFICIENT_PERMISSIONS,
        "device 0 after closing /dev/nvidia0",
    )?;
    // A dup of the GPU fd still is the driver's own file.
    let g0 = ok(Node::gpu(0), "open /dev/nvidia0")?;
    let dupfd = nix::unistd::dup(g0.raw())?;
    drop(g0);
    ok(
        ctl.alloc_device(c, 0, 0),
        "device 0 holding a dup of /dev/nvidia0",
    )?;
    nix::unistd::close(dupfd)?;
    // The check is per process: a child that holds no GPU node is refused
    // even on the parent's ctl file and client.
    let g0 = ok(Node::gpu(0), "open /dev/nvidia0")?;
    let g0_fd = g0.raw();
    let pid = fork_child(|| {
        // The child's copy of the GPU fd goes; it never returns to Drop.
        let _ = nix::unistd::close(g0_fd);
        child_code(ctl.alloc_device(c, 0, 0))
    })?;
    let code = wait_child(pid)?;
    eq(
        code,
        Some(NV_ERR_INSUFFICIENT_PERMISSIONS as i32),
        "child without /dev/nvidia0 allocating a device",
    )?;
    drop(g0);
    Ok(())
}

fn object_handles(_: &Env) -> Result<()> {
    let s = setup(0)?;
    for h in [s.device, s.subdevice] {
        ensure!(
            (RS_UNIQUE_HANDLE_BASE..RS_UNIQUE_HANDLE_BASE + RS_UNIQUE_HANDLE_RANGE).contains(&h),
            "generated handle {h:#x} not from 0xCAF00000"
        );
    }
    let mut p = memory_params(4096, 0, 0);
    let h = ok(
        s.ctl
            .alloc_memory(s.client, s.device, 0x1234, NV01_MEMORY_LOCAL_USER, &mut p),
        "memory with a chosen handle",
    )?;
    eq(h, 0x1234, "chosen handle")?;
    let mut p = memory_params(4096, 0, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.device, 0x1234, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_INSERT_DUPLICATE_NAME,
        "taken handle",
    )?;
    let mut p = memory_params(4096, 0, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.device, s.device, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_INSERT_DUPLICATE_NAME,
        "handle of the device",
    )?;
    let mut p = memory_params(4096, 0, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.device, s.client, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_INVALID_OBJECT_PARENT,
        "hObjectNew == hClient",
    )?;
    let mut p = memory_params(4096, 0, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, 0x4321, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_OBJECT_NOT_FOUND,
        "missing parent",
    )?;
    let mut p = memory_params(4096, 0, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.client, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        NV_ERR_INVALID_OBJECT_PARENT,
        "memory under the client",
    )?;
    let mut p = memory_params(4096, crate::rm::ATTR_SYSMEM, 0);
    expect_status(
        s.ctl
            .alloc_memory(s.client, s.subdevice, 0, NV01_MEMORY_SYSTEM, &mut p),
        NV_ERR_INVALID_OBJECT_PARENT,
        "sysmem under a subdevice",
    )?;
    let mut sp = Nv2080AllocParameters::default();
    expect_status(
        s.ctl.alloc(
            s.client,
            s.client,
            0,
            NV20_SUBDEVICE_0,
            Some(bytes_of_mut(&mut sp)),
        ),
        NV_ERR_INVALID_OBJECT_PARENT,
        "subdevice under the client",
    )?;
    expect_status(
        s.ctl.alloc(s.client, s.device, 0, 0xdead, None),
        NV_ERR_INVALID_CLASS,
        "unknown class",
    )?;
    expect_status(
        s.ctl.alloc(
            s.client,
            s.device,
            0,
            MPS_COMPUTE,
            Some(&mut [0u8; 64]),
        ),
        NV_ERR_INVALID_CLASS,
        "class the mock does not model",
    )?;
    let st = debugfs::client(s.client)?.ok_or_else(|| anyhow::anyhow!("client gone"))?;
    eq(st.objects, 4, "objects (root, device, subdevice, memory)")
}

fn alloc_params_from_class_table(_: &Env) -> Result<()> {
    let s = setup(0)?;
    for ps in [0u32, 1, 4, 127, 129, 4096, 0xffff_ffff] {
        let mut buf = vec![0xeeu8; 256];
        sys::to_bytes(&memory_params(5000, 0, 0), &mut buf);
        let mut p = Nvos21Parameters {
            h_root: s.client,
            h_object_parent: s.device,
            h_class: NV01_MEMORY_LOCAL_USER,
            params_size: ps,
            ..Default::default()
        };
        eq(s.ctl.alloc_raw(&mut p, Some(&mut buf)), Ok(0), "ioctl")?;
        eq(
            p.status,
            NV_OK,
            &format!("vidmem alloc with paramsSize {ps}"),
        )?;
        let back: NvMemoryAllocationParams = sys::from_bytes(&buf);
        eq(back.size, 8192, "size written back (rounded)")?;
        ensure!(
            buf[128..].iter().all(|&b| b == 0xee),
            "paramsSize {ps}: bytes past the class's 128-byte struct written"
        );
        ok(s.ctl.free(s.client, s.device, p.h_object_new), "free")?;
    }
    // A device with paramsSize 0 but parameters present: read anyway.
    let mut dp = Nv0080AllocParameters {
        device_id: 0,
        ..Default::default()
    };
    let mut p = Nvos21Parameters {
        h_root: s.client,
        h_object_parent: s.client,
        h_class: NV01_DEVICE_0,
        params_size: 0,
        ..Default::default()
    };
    eq(
        s.ctl.alloc_raw(&mut p, Some(bytes_of_mut(&mut dp))),
        Ok(0),
        "ioctl",
    )?;
    eq(p.status, NV_OK, "device with paramsSize 0")?;
    // Required parameters: NULL is NV_ERR_INVALID_ARGUMENT whatever paramsSize says.
    let mut p = Nvos21Parameters {
        h_root: s.client,
        h_object_parent: s.device,
        h_class: NV01_MEMORY_LOCAL_USER,
        params_size: 128,
        ..Default::default()
    };
    eq(s.ctl.alloc_raw(&mut p, None), Ok(0), "ioctl")?;
    eq(
        p.status,
        NV_ERR_INVALID_ARGUMENT,
        "vidmem with NULL parameters",
    )?;
    // Parameters at an unreadable address.
    let mut p = Nvos21Parameters {
        h_root: s.client,
        h_object_parent: s.device,
        h_class: NV01_MEMORY_LOCAL_USER,
        p_alloc_parms: sys::BAD_USER_PTR,
        params_size: 128,
        ..Default::default()
    };
    eq(s.ctl.escape(NV_ESC_RM_ALLOC, &mut p), Ok(0), "ioctl")?;
    eq(
        p.status,
        NV_ERR_INVALID_ADDRESS,
        "vidmem with unreadable parameters",
    )?;
    Ok(())
}

fn nvos64_alloc(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let mut mp = memory_params(4096, 0, 0);
    let mut p = Nvos64Parameters {
        h_root: s.client,
        h_object_parent: s.device,
        h_class: NV01_MEMORY_LOCAL_USER,
        params_size: 128,
        ..Default::default()
    };
    eq(
        s.ctl.alloc64_raw(&mut p, Some(bytes_of_mut(&mut mp))),
        Ok(0),
        "NVOS64 ioctl",
    )?;
    eq(p.status, NV_OK, "NVOS64 vidmem")?;
    ensure!(p.h_object_new != 0, "no handle returned");
    eq(mp.size, 4096, "size")?;
    let mut mp = memory_params(4096, 0, 0);
    let mut p = Nvos64Parameters {
        h_root: s.client,
        h_object_parent: s.device,
        h_class: NV01_MEMORY_LOCAL_USER,
        params_size: 128,
        flags: NVOS64_FLAGS_FINN_SERIALIZED,
        ..Default::default()
    };
    eq(
        s.ctl.alloc64_raw(&mut p, Some(bytes_of_mut(&mut mp))),
        Ok(0),
        "NVOS64 ioctl",
    )?;
    eq(p.status, NV_ERR_NOT_SUPPORTED, "FINN-serialised parameters")?;
    // A root client through NVOS64.
    let mut h = 0u32;
    let mut p = Nvos64Parameters {
        h_class: NV01_ROOT,
        params_size: 4,
        ..Default::default()
    };
    eq(
        s.ctl.alloc64_raw(&mut p, Some(bytes_of_mut(&mut h))),
        Ok(0),
        "NVOS64 client ioctl",
    )?;
    eq(p.status, NV_OK, "NVOS64 client")?;
    eq(p.h_class, NV01_ROOT_CLIENT, "class forced")?;
    Ok(())
}

fn bad_handles(_: &Env) -> Result<()> {
    let s = setup(0)?;
    let nobody = 0x0bad_0bad;
    expect_status(
        s.ctl.alloc_device(nobody, 0, 0),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "alloc in an unknown client",
    )?;
    expect_status(
        s.ctl.free(nobody, nobody, nobody),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "free of an unknown client",
    )?;
    let mut fb = Nv2080CtrlFbGetInfoV2Params::default();
    expect_status(
        s.ctl
            .control(nobody, nobody, NV2080_CTRL_CMD_FB_GET_INFO_V2, &mut fb),
        NV_ERR_INVALID_CLIENT,
        "control on an unknown client",
    )?;
    expect_status(
        s.ctl
            .control(s.client, 0x4444, NV2080_CTRL_CMD_FB_GET_INFO_V2, &mut fb),
        NV_ERR_OBJECT_NOT_FOUND,
        "control on an unknown object",
    )?;
    eq(
        s.ctl.free(s.client, s.device, 0x4444),
        Ok(()),
        "free of an unknown object in a valid client (RS_COMPATABILITY_MODE)",
    )?;
    let (h, _) = ok(s.vid(4096), "alloc")?;
    ok(s.ctl.free(s.client, s.device, h), "free")?;
    eq(s.ctl.free(s.client, s.device, h), Ok(()), "double free")?;
    expect_status(
        s.ctl.dup(s.client, s.device, 0, s.client, 0x4444),
        NV_ERR_OBJECT_NOT_FOUND,
        "dup of an unknown object",
    )?;
    expect_status(
        s.ctl.dup(s.client, s.device, 0, nobody, 0x4444),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "dup from an unknown client",
    )?;
    expect_status(
        s.ctl
            .map_memory(nobody, s.device, 1, 0, 4096, 0, s.gpu_node.raw()),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "map in an unknown client",
    )?;
    expect_status(
        s.ctl.vid_heap_info(nobody, s.device),
        NV_ERR_INVALID_CLIENT,
        "heap info of an unknown client",
    )?;
    Ok(())
}

fn cross_fd_client(_: &Env) -> Result<()> {
    let a = setup(0)?;
    let b = ok(Node::ctl(), "open ctl B")?;
    let (h, _) = ok(a.vid(1 << 20), "alloc on A")?;
    let c = a.client;
    expect_status(
        b.alloc_device(c, 0, 0),
        NV_ERR_INVALID_CLIENT,
        "alloc through B",
    )?;
    let mut fb = Nv2080CtrlFbGetInfoV2Params {
        fb_info_list_size: 1,
        ..Default::default()
    };
    fb.fb_info_list[0].index = NV2080_CTRL_FB_INFO_INDEX_HEAP_FREE;
    expect_status(
        b.control(c, a.subdevice, NV2080_CTRL_CMD_FB_GET_INFO_V2, &mut fb),
        NV_ERR_INVALID_CLIENT,
        "control through B",
    )?;
    expect_status(
        b.free(c, a.device, h),
        NV_ERR_INVALID_CLIENT,
        "free of an object through B",
    )?;
    expect_status(
        b.free(c, c, c),
        NV_ERR_INVALID_CLIENT,
        "free of the client through B",
    )?;
    expect_status(
        b.vid_heap_alloc(c, a.device, 4096, 0, 0, 0, false),
        NV_ERR_INVALID_CLIENT,
        "heap alloc through B",
    )?;
    expect_status(
        b.vid_heap_free(c, a.device, h),
        NV_ERR_INVALID_CLIENT,
        "heap free through B",
    )?;
    expect_status(
        b.vid_heap_info(c, a.device),
        NV_ERR_INVALID_CLIENT,
        "heap info through B",
    )?;
    let target = ok(Node::gpu(0), "open target")?;
    expect_status(
        b.map_memory(c, a.device, h, 0, 4096, 0, target.raw()),
        NV_ERR_INVALID_CLIENT,
        "map through B",
    )?;
    expect_status(
        b.unmap_memory(c, a.device, h, 0),
        NV_ERR_INVALID_CLIENT,
        "unmap through B",
    )?;
    let bc = ok(b.alloc_client(0), "client on B")?;
    let g = ok(Node::gpu(0), "gpu")?;
    let bd = ok(b.alloc_device(bc, 0, 0), "device on B")?;
    expect_status(
        b.dup(c, a.device, 0, bc, bd),
        NV_ERR_INVALID_CLIENT,
        "dup into A's client through B",
    )?;
    drop(g);
    // A's client is untouched.
    ok(
        fb_info_v2(&a.ctl, c, a.subdevice),
        "control through A still works",
    )?;
    let st = debugfs::client(c)?.ok_or_else(|| anyhow::anyhow!("client gone"))?;
    eq(st.vidmem, 1 << 20, "A's memory")?;
    Ok(())
}

fn register_fd(env: &Env) -> Result<()> {
    let st0 = debugfs::rm_status()?;
    let ctl = ok(Node::ctl(), "open ctl")?;
    let g = ok(Node::gpu(0), "open gpu")?;
    ok(g.register_fd(ctl.raw()), "REGISTER_FD of a GPU fd")?;
    expect_errno(
        g.register_fd(ctl.raw()),
        Errno::EINVAL,
        "second REGISTER_FD",
    )?;
    let st1 = debugfs::rm_status()?;
    eq(
        debugfs::delta(&st0, &st1, NV_ERR_INVALID_STATE),
        1,
        "debugfs NV_ERR_INVALID_STATE (already registered)",
    )?;
    // Targets that are not a ctl file.
    let g2 = ok(Node::gpu(0), "open gpu")?;
    let other = ok(Node::gpu(0), "open gpu")?;
    let null = std::fs::File::open("/dev/null")?;
    use std::os::fd::AsRawFd;
    for (fd, what) in [
        (other.raw(), "a GPU fd"),
        (null.as_raw_fd(), "/dev/null"),
        (-1, "fd -1"),
        (9999, "a closed fd"),
    ] {
        expect_errno(
            g2.register_fd(fd),
            Errno::EINVAL,
            &format!("REGISTER_FD to {what}"),
        )?;
    }
    // Self, and a chain.
    let c1 = ok(Node::ctl(), "open ctl")?;
    expect_errno(
        c1.register_fd(c1.raw()),
        Errno::EINVAL,
        "REGISTER_FD of a ctl fd to itself",
    )?;
    let c2 = ok(Node::ctl(), "open ctl")?;
    ok(
        c2.register_fd(c1.raw()),
        "REGISTER_FD of a ctl fd to another",
    )?;
    let c3 = ok(Node::ctl(), "open ctl")?;
    expect_errno(
        c3.register_fd(c2.raw()),
        Errno::EINVAL,
        "REGISTER_FD to a registered ctl fd (chain)",
    )?;
    // An fd already taken as a device fd by a control (RmGetDeviceFd).
    let c = ok(ctl.alloc_client(0), "client")?;
    let dev = ok(Node::gpu(0), "open gpu")?;
    let mut ap = Nv00fdCtrlAttachGpuParams {
        h_subdevice: 0,
        flags: 0,
        dev_descriptor: dev.raw() as u64,
    };
    let mut p = Nvos54Parameters {
        h_client: c,
        h_object: c,
        cmd: NV00FD_CTRL_CMD_ATTACH_GPU,
        params_size: std::mem::size_of::<Nv00fdCtrlAttachGpuParams>() as u32,
        ..Default::default()
    };
    eq(
        ctl.control_raw(&mut p, Some(bytes_of_mut(&mut ap))),
        Ok(0),
        "NV00FD ATTACH_GPU ioctl (takes the fd)",
    )?;
    let st2 = debugfs::rm_status()?;
    expect_errno(
        dev.register_fd(ctl.raw()),
        Errno::EINVAL,
        "REGISTER_FD of a device-ref'd fd",
    )?;
    let st3 = debugfs::rm_status()?;
    eq(
        debugfs::delta(&st2, &st3, NV_ERR_IN_USE),
        1,
        "debugfs NV_ERR_IN_USE",
    )?;
    // A bad devDescriptor fails the escape as a whole.
    let mut ap = Nv00fdCtrlAttachGpuParams {
        h_subdevice: 0,
        flags: 0,
        dev_descriptor: ctl.raw() as u64,
    };
    let mut p = Nvos54Parameters {
        h_client: c,
        h_object: c,
        cmd: NV00FD_CTRL_CMD_ATTACH_GPU,
        params_size: 16,
        ..Default::default()
    };
    eq(
        ctl.control_raw(&mut p, Some(bytes_of_mut(&mut ap))),
        Err(Errno::EINVAL),
        "ATTACH_GPU naming a ctl fd",
    )?;
    let _ = env;
    Ok(())
}

fn register_fd_identity(_: &Env) -> Result<()> {
    let a = setup(0)?;
    // A ctl fd registered to A's file may use A's client.
    let b = ok(Node::ctl(), "open ctl B")?;
    ok(b.register_fd(a.ctl.raw()), "REGISTER_FD B -> A")?;
    ok(
        fb_info_v2(&b, a.client, a.subdevice),
        "control on A's client through registered B",
    )?;
    // A client created through B belongs to A's file.
    let bc = ok(b.alloc_client(0), "client through B")?;
    ok(a.ctl.alloc_device(bc, 0, 0), "use of B's client through A")?;
    let st = debugfs::client(bc)?.ok_or_else(|| anyhow::anyhow!("client gone"))?;
    let sa = debugfs::client(a.client)?.ok_or_else(|| anyhow::anyhow!("client gone"))?;
    eq(
        st.file,
        sa.file,
        "client created through B is bound to A's file",
    )?;
    // An unregistered ctl fd may not.
    let c = ok(Node::ctl(), "open ctl C")?;
    expect_status(
        fb_info_v2(&c, a.client, a.subdevice),
        NV_ERR_INVALID_CLIENT,
        "control through unregistered C",
    )?;
    // A registered fd keeps A's file, and so its clients, alive.
    let sub = a.subdevice;
    let Setup {
        ctl,
        client,
        gpu_node,
        ..
    } = a;
    drop(ctl);
    ensure!(
        debugfs::client(client)?.is_some(),
        "client freed although a registered fd holds its file"
    );
    ok(
        fb_info_v2(&b, client, sub),
        "client usable through B after A closed",
    )?;
    drop(b);
    ensure!(
        debugfs::client(client)?.is_none(),
        "client survived the close of its file and the registered fd"
    );
    ensure!(
        debugfs::client(bc)?.is_none(),
        "client made through B survived"
    );
    drop(gpu_node);
    Ok(())
}

fn cascading_free(env: &Env) -> Result<()> {
    let s = setup(0)?;
    let used0 = s.fb_used()?;
    let mut total = 0;
    for size in [4096u64, 1 << 20, 3 << 20] {
        let (_, got) = ok(s.vid(size), "alloc under device")?;
        total += got;
    }
    let mut p = memory_params(64 << 10, 0, 0);
    ok(
        s.ctl
            .alloc_memory(s.client, s.subdevice, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        "alloc under subdevice",
    )?;
    total += p.size;
    ok(s.ctl.alloc_vaspace(s.client, s.device, 0), "vaspace")?;
    eq(s.fb_used()? - used0, total, "fb_used after allocations")?;
    eq(
        debugfs::client(s.client)?.unwrap().objects,
        1 + 2 + 4 + 1,
        "objects before",
    )?;
    ok(s.ctl.free(s.client, s.client, s.device), "free device")?;
    eq(s.fb_used()?, used0, "fb_used after freeing the device")?;
    let st = debugfs::client(s.client)?.unwrap();
    eq(
        (st.objects, st.vidmem),
        (1, 0),
        "client objects and vidmem after freeing the device",
    )?;
    let mut fb = Nv2080CtrlFbGetInfoV2Params::default();
    expect_status(
        s.ctl.control(
            s.client,
            s.subdevice,
            NV2080_CTRL_CMD_FB_GET_INFO_V2,
            &mut fb,
        ),
        NV_ERR_OBJECT_NOT_FOUND,
        "subdevice after its device was freed",
    )?;
    // Client free cascades too.
    let d = ok(s.ctl.alloc_device(s.client, 0, 0), "device again")?;
    let mut p = memory_params(2 << 20, 0, 0);
    ok(
        s.ctl
            .alloc_memory(s.client, d, 0, NV01_MEMORY_LOCAL_USER, &mut p),
        "alloc",
    )?;
    if env.gpus > 1 {
        let _g1 = Node::gpu(1)?;
        let d1 = ok(s.ctl.alloc_device(s.client, 1, 0), "device on GPU 1")?;
        let mut p = memory_params(2 << 20, 0, 0);
        ok(
            s.ctl
                .alloc_memory(s.client, d1, 0, NV01_MEMORY_LOCAL_USER, &mut p),
            "alloc on GPU 1",
        )?;
    }
    let used1 = debugfs::gpus()?;
    ok(s.ctl.free(s.client, s.client, s.client), "free client")?;
    ensure!(
        debugfs::client(s.client)?.is_none(),
        "client still in debugfs"
    );
    for g in debugfs::gpus()? {
        let before = used1[g.index as usize].fb_used;
        if g.index < 2 {
            eq(
                before - g.fb_used,
                2 << 20,
                &format!("GPU {} memory returned by the client free", g.index),
            )?;
        }
    }
    expect_status(
        s.ctl.alloc_device(s.client, 0, 0),
        NV_ERR_INVALID_OBJECT_HANDLE,
        "use of a freed client",
    )?;
    Ok(())
}

fn close_frees_clients(env: &Env) -> Result<()> {
    let live0 = debugfs::live()?;
    let used0: Vec<u64> = debugfs::gpus()?.iter().map(|g| g.fb_used).collect();
    let ctl = ok(Node::ctl(), "open")?;
    let nodes: Vec<Node> = (0..env.gpus)
        .map(|i| Node::gpu(i).map_err(anyhow::Error::from))
        .collect::<Result<_>>()?;
    let mut clients = Vec::new();
    for _ in 0..3 {
        let c = ok(ctl.alloc_client(0), "client")?;
        for g in 0..env.gpus {
            let d = ok(ctl.alloc_device(c, g, 0), "device")?;
            ok(ctl.alloc_subdevice(c, d, 0), "subdevice")?;
            let mut p = memory_params(8 << 20, 0, 0);
            ok(
                ctl.alloc_memory(c, d, 0, NV01_MEMORY_LOCAL_USER, &mut p),
                "vidmem",
            )?;
            let mut p = memory_params(1 << 20, crate::rm::ATTR_SYSMEM, 0);
            ok(
                ctl.alloc_memory(c, d, 0, NV01_MEMORY_SYSTEM, &mut p),
                "sysmem",
            )?;
        }
        clients.push(c);
    }
    let file = debugfs::client(clients[0])?.unwrap().file;
    eq(
        debugfs::clients()?
            .iter()
            .filter(|c| c.file == file)
            .count(),
        3,
        "clients bound to the file",
    )?;
    for (g, u) in used0.iter().enumerate() {
        eq(
            debugfs::gpu(g as u32)?.fb_used - u,
            3 * (8 << 20),
            "fb_used while open",
        )?;
    }
    drop(ctl);
    eq(
        debugfs::clients()?
            .iter()
            .filter(|c| c.file == file)
            .count(),
        0,
        "clients left after close",
    )?;
    for (g, u) in used0.iter().enumerate() {
        eq(debugfs::gpu(g as u32)?.fb_used, *u, "fb_used after close")?;
    }
    let live = debugfs::live()?;
    for k in ["clients", "objects", "memory"] {
        eq(live[k], live0[k], &format!("live {k} after close"))?;
    }
    drop(nodes);
    Ok(())
}

fn controls(env: &Env) -> Result<()> {
    let s = setup(0)?;
    eq(
        ok(build_version(&s.ctl, s.client), "build version")?.as_str(),
        NV_VERSION_STRING,
        "build version",
    )?;
    let ids: Vec<u32> = env.cards.iter().map(|c| c.gpu_id).collect();
    eq(
        ok(attached_ids(&s.ctl, s.client), "attached ids")?,
        ids.clone(),
        "attached ids",
    )?;
    let mut pr = Nv0000CtrlGpuGetProbedIdsParams::default();
    ok(
        s.ctl.control(
            s.client,
            s.client,
            NV0000_CTRL_CMD_GPU_GET_PROBED_IDS,
            &mut pr,
        ),
        "probed ids",
    )?;
    eq(
        pr.gpu_ids
            .iter()
            .copied()
            .take_while(|&i| i != NV0000_CTRL_GPU_INVALID_ID)
            .collect::<Vec<_>>(),
        ids.clone(),
        "probed ids",
    )?;
    eq(
        pr.excluded_gpu_ids[0],
        NV0000_CTRL_GPU_INVALID_ID,
        "no excluded GPU",
    )?;
    for (i, id) in ids.iter().enumerate() {
        let info = ok(gpu_id_info(&s.ctl, s.client, *id), "id info")?;
        eq(
            (info.device_instance, info.sub_device_instance, info.numa_id),
            (i as u32, 0, -1),
            "id info",
        )?;
    }
    expect_status(
        gpu_id_info(&s.ctl, s.client, 0xdead),
        NV_ERR_INVALID_ARGUMENT,
        "id info of an unknown id",
    )?;
    let mut cl = Nv0080CtrlGpuGetClasslistV2Params::default();
    ok(
        s.ctl.control(
            s.client,
            s.device,
            NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2,
            &mut cl,
        ),
        "class list V2",
    )?;
    let classes = &cl.class_list[..cl.num_classes as usize];
    for c in [
        NV01_DEVICE_0,
        NV20_SUBDEVICE_0,
        NV01_MEMORY_LOCAL_USER,
        NV01_MEMORY_SYSTEM,
        FERMI_VASPACE_A,
    ] {
        ensure!(
            classes.contains(&c),
            "class list lacks {c:#x}: {classes:x?}"
        );
    }
    // V1 with a NULL list asks the count.
    let mut c1 = Nv0080CtrlGpuGetClasslistParams::default();
    ok(
        s.ctl.control(
            s.client,
            s.device,
            NV0080_CTRL_CMD_GPU_GET_CLASSLIST,
            &mut c1,
        ),
        "class list V1 count",
    )?;
    eq(c1.num_classes, cl.num_classes, "class count V1 vs V2")?;
    let uuid = ok(gpu_uuid(&s.ctl, s.client, s.subdevice), "GID")?;
    ensure!(
        uuid.starts_with("GPU-") && uuid.len() == 40,
        "UUID {uuid:?}"
    );
    let mut gid = Nv2080CtrlGpuGetGidInfoParams {
        flags: NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT
            .num(NV2080_GPU_CMD_GPU_GET_GID_FLAGS_FORMAT_BINARY),
        ..Default::default()
    };
    ok(
        s.ctl.control(
            s.client,
            s.subdevice,
            NV2080_CTRL_CMD_GPU_GET_GID_INFO,
            &mut gid,
        ),
        "binary GID",
    )?;
    eq(gid.length, 16, "binary GID length")?;
    let hex: String = gid.data[..16].iter().map(|b| format!("{b:02x}")).collect();
    eq(
        uuid.replace('-', "")[3..].to_string(),
        hex,
        "ASCII and binary UUID agree",
    )?;
    let mut gr = Nv2080CtrlGrGetInfoV2Params {
        gr_info_list_size: 1,
        ..Default::default()
    };
    gr.gr_info_list[0].index = NV2080_CTRL_GR_INFO_INDEX_SM_VERSION;
    ok(
        s.ctl.control(
            s.client,
            s.subdevice,
            NV2080_CTRL_CMD_GR_GET_INFO_V2,
            &mut gr,
        ),
        "GR info V2",
    )?;
    eq(
        gr.gr_info_list[0].data,
        NV2080_CTRL_GR_INFO_SM_VERSION_8_0,
        "SM version",
    )?;
    let mut boost = Nv2080CtrlPerfBoostParams {
        flags: NV2080_CTRL_PERF_BOOST_FLAGS_CMD.num(NV2080_CTRL_PERF_BOOST_FLAGS_CMD_BOOST_TO_MAX),
        duration: 1,
    };
    ok(
        s.ctl.control(
            s.client,
            s.subdevice,
            NV2080_CTRL_CMD_PERF_BOOST,
            &mut boost,
        ),
        "perf boost",
    )?;
    // FB info against ground truth, with memory in use.
    let (_, got) = ok(s.vid(5 << 20), "alloc")?;
    let g = debugfs::gpu(0)?;
    ensure!(g.fb_used >= got);
    let v2 = ok(fb_info_v2(&s.ctl, s.client, s.subdevice), "FB_GET_INFO_V2")?;
    let v1 = ok(fb_info_v1(&s.ctl, s.client, s.subdevice), "FB_GET_INFO")?;
    eq(
        v2.total_kib,
        g.fb_total / 1024,
        "TOTAL_RAM_SIZE KiB vs debugfs fb_total",
    )?;
    eq(v2.heap_kib, g.fb_total / 1024, "HEAP_SIZE KiB")?;
    eq(
        v2.free_kib,
        g.fb_free / 1024,
        "HEAP_FREE KiB vs debugfs fb_free",
    )?;
    eq(v1, v2, "FB_GET_INFO (embedded list) vs V2")?;
    eq(v2.total_kib * 1024, env.capacity[0], "capacity")?;
    let mut bad = Nv2080CtrlFbGetInfoV2Params {
        fb_info_list_size: 129,
        ..Default::default()
    };
    expect_status(
        s.ctl.control(
            s.client,
            s.subdevice,
            NV2080_CTRL_CMD_FB_GET_INFO_V2,
            &mut bad,
        ),
        NV_ERR_INVALID_ARGUMENT,
        "FB info list size 129",
    )?;
    let _ = c_string(&[]);
    Ok(())
}

fn control_sizes(_: &Env) -> Result<()> {
    let s = setup(0)?;
    // (cmd, object) for every control the mock implements.
    let targets = [
        (NV0000_CTRL_CMD_SYSTEM_GET_BUILD_VERSION_V2, s.client),
        (NV0000_CTRL_CMD_GPU_GET_ATTACHED_IDS, s.client),
        (NV0000_CTRL_CMD_GPU_GET_ID_INFO_V2, s.client),
        (NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, s.client),
        (NV0080_CTRL_CMD_GPU_GET_CLASSLIST, s.device),
        (NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2, s.device),
        (NV0080_CTRL_CMD_GR_GET_INFO_V2, s.device),
        (NV2080_CTRL_CMD_GPU_GET_GID_INFO, s.subdevice),
        (NV2080_CTRL_CMD_GR_GET_INFO, s.subdevice),
        (NV2080_CTRL_CMD_GR_GET_INFO_V2, s.subdevice),
        (NV2080_CTRL_CMD_PERF_BOOST, s.subdevice),
        (NV2080_CTRL_CMD_FB_GET_INFO, s.subdevice),
        (NV2080_CTRL_CMD_FB_GET_INFO_V2, s.subdevice),
        (NV2080_CTRL_CMD_GPU_GET_PIDS, s.subdevice),
        (NV2080_CTRL_CMD_GPU_GET_PID_INFO, s.subdevice),
    ];
    for (cmd, obj) in targets {
        let n = ctrl_param_size(cmd).ok_or_else(|| anyhow::anyhow!("no size for {cmd:#x}"))?;
        for size in [n - 1, n + 1, n + 8] {
            let mut buf = vec![0u8; n + 64];
            let mut p = Nvos54Parameters {
                h_client: s.client,
                h_object: obj,
                cmd,
                params_size: size as u32,
                ..Default::default()
            };
            eq(s.ctl.control_raw(&mut p, Some(&mut buf)), Ok(0), "ioctl")?;
            if p.status != NV_ERR_INVALID_PARAM_STRUCT {
                bail!("control {cmd:#x} with paramsSize {size} (exact {n}): expected NV_ERR_INVALID_PARAM_STRUCT, got {}", status_name(p.status));
            }
        }
    }
    let mut buf = [0u8; 64];
    for (cmd, obj, what) in [
        (0x2080_1399u32, s.subdevice, "unknown subdevice command"),
        (
            NV2080_CTRL_CMD_FB_GET_INFO_V2,
            s.device,
            "subdevice command on a device",
        ),
        (
            NV0080_CTRL_CMD_GPU_GET_CLASSLIST_V2,
            s.subdevice,
            "device command on a subdevice",
        ),
        (
            NV2080_CTRL_CMD_FB_GET_INFO_V2,
            s.client,
            "subdevice command on the client",
        ),
        (0xA06C_0103, s.subdevice, "TSG command on a subdevice"),
    ] {
        let mut p = Nvos54Parameters {
            h_client: s.client,
            h_object: obj,
            cmd,
            params_size: 8,
            ..Default::default()
        };
        eq(s.ctl.control_raw(&mut p, Some(&mut buf)), Ok(0), "ioctl")?;
        eq(p.status, NV_ERR_NOT_SUPPORTED, what)?;
    }
    // The NULL command succeeds; IRQL_RAISED is refused.
    let mut p = Nvos54Parameters {
        h_client: s.client,
        h_object: s.subdevice,
        cmd: 0x2080_0000,
        ..Default::default()
    };
    eq(s.ctl.control_raw(&mut p, None), Ok(0), "ioctl")?;
    eq(p.status, NV_OK, "NULL command")?;
    let mut p = Nvos54Parameters {
        h_client: s.client,
        h_object: s.subdevice,
        cmd: NV2080_CTRL_CMD_PERF_BOOST,
        flags: NVOS54_FLAGS_IRQL_RAISED,
        params_size: 8,
        ..Default::default()
    };
    eq(s.ctl.control_raw(&mut p, Some(&mut buf)), Ok(0), "ioctl")?;
    eq(
        p.status,
        NV_ERR_INVALID_ARGUMENT,
        "IRQL_RAISED from user space",
    )?;
    let mut p = Nvos54Parameters {
        h_client: s.client,
        h_object: s.subdevice,
        cmd: NV2080_CTRL_CMD_PERF_BOOST,
        params_size: 8,
        ..Default::default()
    };
    eq(s.ctl.control_raw(&mut p, None), Ok(0), "ioctl")?;
    eq(p.status, NV_ERR_INVALID_ARGUMENT, "NULL params with a size")?;
    Ok(())
}
