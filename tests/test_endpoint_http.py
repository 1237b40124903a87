"""The lean HTTP/1.1 server ``serve`` runs (sse_graph/endpoint/http.py), spoken to
byte by byte over real sockets: what uvicorn did for us before and must still be done."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse

import pytest

from conftest import free_port, read_response, serving, wait_until_up
from test_endpoint import MAX_ROWS, ORG_MEMBERS, TIMEOUT, http


@pytest.fixture(scope="module", params=["hop", "direct"])
def endpoint(built, tmp_path_factory, request):
    """A real ``sse-graph serve`` in each ``--front`` mode: the same HTTP/1.1 code
    answers in the server process (hop) and in the front workers (direct)."""
    log_path = tmp_path_factory.mktemp("endpoint") / "server.log"
    with serving(["--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2", "--front", request.param],
                 log_path) as base:
        yield base


ASK = "ASK { <https://w3id.org/sse-graph/id/saw-b> ?p ?o }"


def _sock(base: str) -> socket.socket:
    parts = urllib.parse.urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _read_response(f) -> tuple[int, dict, bytes]:
    """One response from a socket's file: (status, lower-case headers, body)."""
    response = read_response(f)
    assert response is not None, "the server closed the connection"
    return response


def _post(query: str, accept: str = "application/sparql-results+json", extra: bytes = b"") -> bytes:
    body = query.encode()
    return (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nAccept: " + accept.encode()
            + b"\r\n" + extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def test_pipelined_requests_are_answered_in_order(endpoint):
    with _sock(endpoint) as s:
        s.sendall(_post(ORG_MEMBERS) + _post(ASK) + _post(ORG_MEMBERS, accept="text/csv"))
        f = s.makefile("rb")
        first, second, third = (_read_response(f) for _ in range(3))
    assert first[0] == 200 and len(json.loads(first[2])["results"]["bindings"]) == 17
    assert second[0] == 200 and json.loads(second[2])["boolean"] is True
    assert third[0] == 200 and third[1]["content-type"].startswith("text/csv") and len(third[2].splitlines()) == 18


def test_keep_alive_serves_many_requests_on_one_connection(endpoint):
    with _sock(endpoint) as s:
        f = s.makefile("rb")
        for _ in range(50):
            s.sendall(_post(ASK))
            status, headers, body = _read_response(f)
            assert status == 200 and "connection" not in headers and json.loads(body)["boolean"] is True


def test_each_request_on_a_connection_is_read_with_its_own_headers(endpoint):
    """The server reads a connection's header lines once while they repeat: a request that
    changes them (same body, same length) is answered by its own Accept and Origin."""
    with _sock(endpoint) as s:
        f = s.makefile("rb")
        for accept, origin, kind in [("application/sparql-results+json", b"", "json"),
                                     ("application/sparql-results+json", b"", "json"),
                                     ("application/sparql-results+xml", b"", "xml"),
                                     ("application/sparql-results+json", b"Origin: https://example.org\r\n", "json"),
                                     ("application/sparql-results+json", b"", "json"),
                                     ("text/csv", b"", "csv")]:
            s.sendall(_post(ASK, accept=accept, extra=origin))
            status, headers, body = _read_response(f)
            assert status == 200 and kind in headers["content-type"], (accept, headers)
            assert ("access-control-allow-origin" in headers) == bool(origin), (origin, headers)
            if kind == "json":
                assert json.loads(body)["boolean"] is True


def test_http_1_0_gets_its_answer_and_the_connection_closes(endpoint):
    q = urllib.parse.urlencode({"query": ASK, "format": "json"})
    with _sock(endpoint) as s:
        s.sendall(f"GET /sparql?{q} HTTP/1.0\r\n\r\n".encode())
        f = s.makefile("rb")
        status, headers, body = _read_response(f)
        assert status == 200 and json.loads(body)["boolean"] is True
        assert f.read() == b""  # closed by the server


def test_expect_100_continue(endpoint):
    with _sock(endpoint) as s:
        body = ASK.encode()
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\n"
                  b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        f = s.makefile("rb")
        assert _read_response(f)[0] == 100
        s.sendall(body)
        status, _h, payload = _read_response(f)
    assert status == 200 and json.loads(payload)["boolean"] is True


def test_a_chunked_body_past_the_limit_is_refused_as_it_arrives(endpoint):
    """No Content-Length to check: the chunks are counted (the limit is serve's default, 256 KiB)."""
    chunk = b"#" * 65536
    with _sock(endpoint) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(5):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except OSError:
            pass  # the server may close before everything is sent
        reply = s.recv(1000)
    assert reply.startswith(b"HTTP/1.1 413")


def test_a_chunked_body_within_the_limit_is_read(endpoint):
    body = ASK.encode()
    with _sock(endpoint) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                  b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + b"%x\r\n" % 10 + body[:10] + b"\r\n" + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n")
        status, _h, payload = _read_response(s.makefile("rb"))
    assert status == 200 and json.loads(payload)["boolean"] is True


@pytest.mark.parametrize("garbage", [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello
                                     b"GET /sparql HTTP/1.1\r\nHost x\r\n\r\n",
                                     b"NOT HTTP AT ALL\r\n\r\n"])
def test_bytes_that_are_not_http_get_400_and_a_closed_connection(endpoint, garbage):
    with _sock(endpoint) as s:
        s.sendall(garbage)
        f = s.makefile("rb")
        status, headers, _b = _read_response(f)
        assert status == 400 and headers.get("connection") == "close"
        assert f.read() == b""
    assert http("GET", endpoint + "/health")[0] == 200  # and the server goes on


def test_head_announces_the_length_of_the_get(endpoint):
    url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": ORG_MEMBERS, "format": "json"})
    status, headers, body = http("HEAD", url)
    status_get, headers_get, body_get = http("GET", url)
    assert status == status_get == 200 and body == b""
    assert int(headers["content-length"]) == len(body_get) == int(headers_get["content-length"])
    status, headers, body = http("HEAD", endpoint + "/")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_a_client_that_closes_mid_request_leaves_the_server_serving(endpoint):
    with _sock(endpoint) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nSELECT")
    with _sock(endpoint) as s:
        s.sendall(b"GET /sparql?query=ASK")  # the head never ends
    assert http("POST", endpoint + "/sparql", ASK.encode(), {"Content-Type": "application/sparql-query"})[0] == 200


def test_the_asgi_application_still_serves_under_uvicorn(built, tmp_path):
    """``create_app`` is the same endpoint for any ASGI server (the handler is shared)."""
    port = free_port()
    code = ("import sys, uvicorn; from sse_graph.endpoint import EndpointSettings, create_app; "
            "uvicorn.run(create_app(EndpointSettings(sys.argv[1], timeout=3)), host='127.0.0.1', "
            "port=int(sys.argv[2]), log_level='warning')")
    log = open(tmp_path / "uvicorn.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", code, str(built.dataset_path), str(port)], stdout=log,
                            stderr=subprocess.STDOUT, env=os.environ)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until_up(base + "/health", 90), (tmp_path / "uvicorn.log").read_text()
        status, headers, body = http("POST", base + "/sparql", ORG_MEMBERS.encode(),
                                     {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json",
                                      "Origin": "https://example.org"})
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 17
        assert headers["access-control-allow-origin"] == "*" and headers["vary"] == "Accept, Origin"
        assert http("POST", base + "/sparql", ORG_MEMBERS.encode(),
                    {"Content-Type": "application/sparql-query", "Accept": "text/turtle"})[0] == 406
        status, _h, body = http("POST", base + "/sparql", b"#" * 300_000, {"Content-Type": "application/sparql-query"})
        assert status == 413
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_silent_connections_are_closed_after_the_keep_alive_time(endpoint):
    """Idle keep-alive connections and requests never finished do not hold the server's sockets."""
    import time

    from sse_graph.endpoint.http import KEEP_ALIVE

    with _sock(endpoint) as idle, _sock(endpoint) as unfinished:
        idle.sendall(_post(ASK))
        assert _read_response(idle.makefile("rb"))[0] == 200
        unfinished.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
        t0 = time.perf_counter()
        assert idle.recv(10) == b"" and unfinished.recv(10) == b""
        assert KEEP_ALIVE - 0.5 < time.perf_counter() - t0 < KEEP_ALIVE + 3


def test_an_upgrade_request_is_answered_as_http_1_1_and_closed(endpoint):
    q = urllib.parse.urlencode({"query": ASK, "format": "json"})
    with _sock(endpoint) as s:
        s.sendall(f"GET /sparql?{q} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                  "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n".encode())
        f = s.makefile("rb")
        status, headers, body = _read_response(f)
        assert status == 200 and json.loads(body)["boolean"] is True and headers.get("connection") == "close"
        assert f.read() == b""


def test_a_cors_preflight_is_answered(endpoint):
    """OPTIONS goes to Starlette's CORS middleware through the bridge."""
    status, headers, _b = http("OPTIONS", endpoint + "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]



def test_an_ipv6_host_is_one_client_by_its_64():
    """The per-client budget (429) and the fast lane's fair share count an IPv6 host by
    its /64: a host is given at least that many addresses and could otherwise take a
    new budget per address; IPv4, mapped or not, is one address."""
    from sse_graph.endpoint.server import client_key

    one = {client_key(f"2001:db8:5:6:{i:x}::{i:x}") for i in range(1, 200)}
    assert one == {"2001:db8:5:6::/64"}
    assert client_key("2001:db8:5:7::1") != client_key("2001:db8:5:6::1")
    assert client_key("::ffff:198.51.100.4") == client_key("198.51.100.4") == "198.51.100.4"
    assert client_key("fe80::1%eth0") == "fe80::/64" and client_key("::1") == "::1"
