"""The OS barrier: a query worker cannot open a network connection at all.

Called first thing in a fresh worker interpreter, while it is still
single-threaded and before pyoxigraph is imported (it starts threads; unshare needs one):

1. ``unshare(CLONE_NEWUSER | CLONE_NEWNET)`` — a new network namespace with
   no interface but a downed loopback: every connect fails with "Network is
   unreachable".  Works unprivileged on Debian (user namespaces are enabled
   there) and as root; falls back to ``CLONE_NEWNET`` alone for root where
   user namespaces are off.  Docker's default profile refuses ``unshare``,
   hence the second layer:
2. a seccomp filter (``PR_SET_NO_NEW_PRIVS`` + ``SECCOMP_MODE_FILTER``, both
   allowed to any process, inside Docker too) making ``socket(AF_INET…)`` and
   ``socket(AF_INET6…)`` fail with EACCES, inherited by every thread the
   worker starts later.

Either layer alone blocks the connection; the worker reports which ones hold.
Pipes opened before (the worker's stdin/stdout) keep working.
"""
from __future__ import annotations

import ctypes
import platform
import struct

__all__ = ["isolate"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EACCES = 13
AF_INET, AF_INET6 = 2, 10
# (AUDIT_ARCH_*, the number of the socket syscall) per machine
_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _namespace(libc) -> str | None:
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return "network namespace (user+net)"
    if libc.unshare(CLONE_NEWNET) == 0:
        return "network namespace"
    return None


def _seccomp(libc) -> str | None:
    arch = _ARCH.get(platform.machine())
    if arch is None:
        return None
    audit_arch, nr_socket = arch
    ld, jeq, ret = 0x20, 0x15, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_RET|K
    prog = [
        (ld, 0, 0, 4),                 # 0: A = seccomp_data.arch
        (jeq, 0, 5, audit_arch),       # 1: another ABI: allow (7)
        (ld, 0, 0, 0),                 # 2: A = syscall number
        (jeq, 0, 3, nr_socket),        # 3: not socket(): allow (7)
        (ld, 0, 0, 16),                # 4: A = low word of args[0], the address family
        (jeq, 2, 0, AF_INET),          # 5: AF_INET: refuse (8)
        (jeq, 1, 0, AF_INET6),         # 6: AF_INET6: refuse (8)
        (ret, 0, 0, SECCOMP_RET_ALLOW),          # 7
        (ret, 0, 0, SECCOMP_RET_ERRNO | EACCES),  # 8
    ]
    filters = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), filters)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return None
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        return None
    return "seccomp filter on AF_INET/AF_INET6 sockets"


def isolate() -> list[str]:
    """Cut this process off the network; return the barriers that hold (empty: none)."""
    if platform.system() != "Linux":
        return []
    libc = _libc()
    return [b for b in (_namespace(libc), _seccomp(libc)) if b]


assert struct.calcsize("HBBI") == 8  # sock_filter's layout, which _SockFilter mirrors


def probe() -> list[str]:
    """The barriers a worker would get, tried in a throw-away interpreter
    (isolating this process would cut the server itself off)."""
    import json
    import subprocess
    import sys

    code = ("import importlib.util, json, sys; spec = importlib.util.spec_from_file_location('iso', sys.argv[1]); "
            "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); print(json.dumps(m.isolate()))")
    try:
        out = subprocess.run([sys.executable, "-c", code, __file__], capture_output=True, text=True, timeout=30)
        return json.loads(out.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
