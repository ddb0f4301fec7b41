"""A raw generic netlink client for tests that must send what vgpuctl never
would (malformed, oversized, unknown attributes) and see the kernel's answer.

Every vgpu number comes from uapi/include/vgpu.h, the C mirror of the ABI, so
the tests cannot drift from it.
"""
import errno
import os
import re
import socket
import struct

from vgpu_test import ROOT

NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 0x2
NLMSG_DONE = 0x3
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7


def _header():
    text = open(os.path.join(ROOT, "uapi", "include", "vgpu.h")).read()
    consts = {}
    for name, val in re.findall(r"^\s*(VGPU_\w+)\s*=\s*(\d+)\s*,", text, re.M):
        consts[name] = int(val)
    for name, val in re.findall(r"^#define\s+(VGPU_\w+)\s+(0x[0-9a-fA-F]+|\d+)U?L*\s*$", text, re.M):
        consts[name] = int(val, 0)
    for name, val in re.findall(r'^#define\s+(VGPU_\w+)\s+"([^"]*)"', text, re.M):
        consts[name] = val
    # The header derives the maxima from the last enumerator.
    consts["VGPU_A_MAX"] = max(v for k, v in consts.items() if k.startswith("VGPU_A_") and isinstance(v, int))
    consts["VGPU_CMD_MAX"] = max(v for k, v in consts.items() if k.startswith("VGPU_CMD_") and isinstance(v, int))
    return consts


H = _header()


def nla(atype, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def u32(atype, v):
    return nla(atype, struct.pack("I", v))


def u64(atype, v):
    return nla(atype, struct.pack("Q", v))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        n, t = struct.unpack_from("HH", data)
        if n < 4:
            break
        out[t & 0x3FFF] = data[4:n]
        data = data[(n + 3) & ~3:]
    return out


class NetlinkError(Exception):
    def __init__(self, err):
        super().__init__(f"netlink error {err} ({os.strerror(err)})")
        self.errno = err


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.settimeout(10)
        self.seq = 1
        self.family = None
        self.groups = {}

    def raw(self, msg_type, flags, cmd, version, payload):
        """Sends one message; returns (list of (cmd, attrs) replies, errno or 0)."""
        self.seq += 1
        body = struct.pack("BBH", cmd, version, 0) + payload
        self.s.send(struct.pack("IHHII", 16 + len(body), msg_type, flags, self.seq, 0) + body)
        replies = []
        while True:
            data = self.s.recv(65536)
            while data:
                n, t, f, seq, pid = struct.unpack_from("IHHII", data)
                m = data[16:n]
                data = data[(n + 3) & ~3:]
                if t == NLMSG_ERROR:
                    err = -struct.unpack_from("i", m)[0]
                    return replies, err
                if t == NLMSG_DONE:
                    return replies, 0
                replies.append((m[0], parse_attrs(m[4:])))
                if not (flags & NLM_F_DUMP) and not (flags & NLM_F_ACK):
                    return replies, 0

    def resolve(self, name=None):
        name = name or H["VGPU_FAMILY_NAME"]
        replies, err = self.raw(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1,
                                nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            raise NetlinkError(err)
        attrs = replies[0][1]
        self.family = struct.unpack("H", attrs[CTRL_ATTR_FAMILY_ID][:2])[0]
        return self.family

    def request(self, cmd, payload=b"", dump=False, version=None):
        """(replies, errno) for a vgpu command."""
        if self.family is None:
            self.resolve()
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        return self.raw(self.family, flags, cmd, version or H["VGPU_FAMILY_VERSION"], payload)


def cgroup_id(path):
    return os.stat(path).st_ino


__all__ = ["Genl", "H", "NetlinkError", "nla", "u32", "u64", "parse_attrs", "cgroup_id", "errno"]
