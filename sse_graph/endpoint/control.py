"""The channel between ``serve``'s supervisor and its front workers (direct.py, front.py).

Two AF_UNIX stream socketpairs per front worker, made by the supervisor before the
worker starts (so the worker's OS barrier, which only refuses AF_INET/AF_INET6
sockets and empties the network namespace, leaves them working): one from the
worker (blocking: it may be written by the worker's watchdog thread while the
event loop is stuck in a query), one to it (read by the worker's event loop).

A message is a frame: two lengths, a JSON header, a payload of bytes.  A
connection handed over travels as a file descriptor (SCM_RIGHTS) sent with the
first bytes of its frame; on a stream socket the descriptors arrive in the order
they were sent, so the reader keeps them in a queue and gives one to each frame
whose header says ``"fd": true``.
"""
from __future__ import annotations

import array
import hashlib
import json
import socket
import struct
from collections import deque

__all__ = ["send", "Reader", "digest"]

FRAME = struct.Struct("!II")  # header length, payload length
FD = array.array("i")  # the size of a descriptor in a message


def digest(text: str) -> str:
    """How a query text known to overrun is named between processes."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def send(sock: socket.socket, header: dict, payload: bytes = b"", fd: int | None = None) -> None:
    """Write one frame (with ``fd`` attached), whole: ``sock`` must be blocking."""
    head = json.dumps(header).encode()
    data = FRAME.pack(len(head), len(payload)) + head + payload
    if fd is not None:
        sent = socket.send_fds(sock, [data[:4096]], [fd])
        data = data[sent:]
    if data:
        sock.sendall(data)


class Reader:
    """Frames out of the bytes (and descriptors) read from a non-blocking socket."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf, self.fds = sock, bytearray(), deque()

    def read(self) -> list[tuple[dict, bytes, int | None]] | None:
        """The frames complete so far; None once the other end has closed."""
        try:
            # close-on-exec: a connection received must not leak into the processes started
            # after it (uvloop's subprocesses close no descriptor): its client would never see
            # it closed while a worker holds a copy.  (socket.recv_fds drops its flags on 3.11.)
            data, ancillary, _flags, _addr = self.sock.recvmsg(1 << 16, socket.CMSG_SPACE(16 * FD.itemsize),
                                                               socket.MSG_CMSG_CLOEXEC)
        except (BlockingIOError, InterruptedError):
            return []
        except OSError:
            return None
        fds = array.array("i")
        for level, kind, cdata in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(cdata[:len(cdata) - len(cdata) % FD.itemsize])
        self.fds.extend(fds)
        if not data:
            return None
        self.buf += data
        frames = []
        while len(self.buf) >= FRAME.size:
            nh, np_ = FRAME.unpack_from(self.buf)
            end = FRAME.size + nh + np_
            if len(self.buf) < end:
                break
            header = json.loads(bytes(self.buf[FRAME.size:FRAME.size + nh]))
            payload = bytes(self.buf[FRAME.size + nh:end])
            del self.buf[:end]
            fd = self.fds.popleft() if header.get("fd") and self.fds else None
            frames.append((header, payload, fd))
        return frames
