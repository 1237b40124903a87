"""Virtuoso Open Source 7 as an external store: start it on loopback in a work
folder, bulk-load the built dataset (N-Quads, named graphs kept), stop it.

Used by ``scripts/virtuoso.sh`` and by the tests. Needs the Debian package
``virtuoso-opensource`` (``virtuoso-t`` and ``isql-vt``). The server listens on
127.0.0.1 only (HTTP and ISQL); its SPARQL endpoint is ``http://127.0.0.1:PORT/sparql``
and its ISQL port is the HTTP port + 1 unless told otherwise. The ``dba``
account keeps its default password: the server must never listen beyond loopback.

    python -m sse_graph.virtuoso start DIR PORT   # prints the SPARQL endpoint's base URL
    python -m sse_graph.virtuoso load DIR PORT [DATASET.nq]
    python -m sse_graph.virtuoso stop DIR
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .errors import EnvironmentProblem

__all__ = ["ini_text", "start", "wait_until_up", "load", "stop", "check_sparql_account", "QUERY_PATH", "GSP_PATH"]

QUERY_PATH = "/sparql"
GSP_PATH = "/sparql-graph-crud"  # needs SPARQL_UPDATE granted to SPARQL, which start() does not do
PID_FILE = "virtuoso.pid"
PORTS_FILE = "virtuoso.ports"


def _exe(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise EnvironmentProblem(f"{name} not found: apt-get install virtuoso-opensource")
    return found


def ini_text(folder: Path, http_port: int, isql_port: int) -> str:
    """A virtuoso.ini keeping every file in ``folder``, reading bulk loads only from
    ``folder``, and listening on 127.0.0.1 only.

    ``MaxQueryCostEstimationTime = 0``: Virtuoso's cost estimate refused the shipped
    ``relations.rq`` as "765 s" (it runs in 0.7 s on the seed graph), so queries are
    bounded by their run time instead: ``MaxQueryExecutionTime`` (600 s here) and the
    ``timeout`` each request of ``sse-graph serve --store`` sends (its ``--timeout``)."""
    f = folder.resolve()
    return f"""[Database]
DatabaseFile       = {f}/virtuoso.db
ErrorLogFile       = {f}/virtuoso.log
LockFile           = {f}/virtuoso.lck
TransactionFile    = {f}/virtuoso.trx
xa_persistent_file = {f}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {f}/virtuoso-temp.db
TransactionFile    = {f}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = {f}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxQueryMem              = 1G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {os.environ.get("SSE_GRAPH_VIRTUOSO_BUFFERS", "20000")}
MaxDirtyBuffers          = {int(int(os.environ.get("SSE_GRAPH_VIRTUOSO_BUFFERS", "20000")) * 3 / 4)}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {f}
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 600
DeferInferenceRulesInit    = 0
"""


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        # SO_REUSEADDR: connections in TIME_WAIT after a stop do not count, a listener does
        # (restarting on the same port right after a stop failed without it).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_up(base: str, seconds: float = 120, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Poll the SPARQL endpoint until it answers ``ASK {}``."""
    deadline = time.time() + seconds
    url = base + QUERY_PATH + "?query=ASK%7B%7D"
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-800:] if log and log.exists() else ""
            raise EnvironmentProblem(f"Virtuoso exited with code {proc.returncode} while starting{': ' + tail if tail else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise EnvironmentProblem(f"Virtuoso did not answer at {base}{QUERY_PATH} within {seconds:.0f} s")


def start(folder: Path, http_port: int, isql_port: int | None = None, *, timeout: float = 120) -> str:
    """Start Virtuoso in ``folder`` (created; its database kept there) on 127.0.0.1,
    wait until its SPARQL endpoint answers; returns the base URL. The process id is
    written to ``folder/virtuoso.pid`` for :func:`stop`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    isql_port = isql_port or http_port + 1
    for p in (http_port, isql_port):
        if not _port_free(p):
            raise EnvironmentProblem(f"port {p} on 127.0.0.1 is in use")
    pid_file = folder / PID_FILE
    if pid_file.exists() and _alive(int(pid_file.read_text())):
        raise EnvironmentProblem(f"a Virtuoso already runs in {folder} (pid {pid_file.read_text().strip()})")
    (folder / "virtuoso.ini").write_text(ini_text(folder, http_port, isql_port))
    log = folder / "virtuoso.stdout"
    with open(log, "wb") as out:
        proc = subprocess.Popen([_exe("virtuoso-t"), "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
                                cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    pid_file.write_text(str(proc.pid))
    (folder / PORTS_FILE).write_text(f"{http_port} {isql_port}\n")
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(base, timeout, proc, folder / "virtuoso.log")
        check_sparql_account(folder)
    except BaseException:
        stop(folder)
        raise
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def isql(folder: Path, script: str, *, timeout: float = 3600) -> str:
    """Run an ISQL script against the Virtuoso started in ``folder``; its output.
    A script error is an :class:`EnvironmentProblem` naming it."""
    folder = Path(folder)
    isql_port = int((folder / PORTS_FILE).read_text().split()[1])
    r = subprocess.run([_exe("isql-vt"), f"127.0.0.1:{isql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
                        "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"], input=script, capture_output=True, text=True,
                       timeout=timeout)
    text = r.stdout + r.stderr
    if r.returncode != 0 or "*** Error" in text:
        raise EnvironmentProblem(f"Virtuoso ISQL failed: {text.strip()[-800:]}")
    return text


# Roles that would let an anonymous query write (SPARQL_UPDATE) or make Virtuoso fetch from the
# network (SPARQL_SPONGE: the sponger, SERVICE). Debian's 7.2.5 gives the SPARQL account neither.
FORBIDDEN_ROLES = ("SPARQL_UPDATE", "SPARQL_SPONGE")


def sparql_account_roles(folder: Path) -> set[str]:
    """The roles of the anonymous ``SPARQL`` account (the one its /sparql endpoint runs
    queries as), granted directly or through another role."""
    out = isql(folder, "SELECT g.U_NAME FROM DB.DBA.SYS_ROLE_GRANTS, DB.DBA.SYS_USERS u, DB.DBA.SYS_USERS g "
                       "WHERE GI_SUPER = u.U_ID AND GI_SUB = g.U_ID AND u.U_NAME = 'SPARQL';\n")
    return {w for w in out.split() if w.isupper() and w.replace("_", "").isalpha()}


def check_sparql_account(folder: Path) -> None:
    """Refuse a database whose SPARQL account may write or reach out (granted by hand
    in an earlier run, say): behind ``sse-graph serve --store`` it is the second barrier."""
    held = sorted(sparql_account_roles(folder) & set(FORBIDDEN_ROLES))
    if held:
        raise EnvironmentProblem(f"the SPARQL account of the Virtuoso in {folder} holds {', '.join(held)}: "
                                 f"revoke it (isql-vt: REVOKE \"{held[0]}\" FROM \"SPARQL\";) before serving")


def load(folder: Path, dataset: Path, *, replace: bool = True) -> int:
    """Bulk-load an N-Quads file into the Virtuoso started in ``folder`` (each quad in
    its own named graph); with ``replace``, the graphs it names are cleared first.
    Returns the number of quads now in those graphs."""
    import pyoxigraph as ox

    folder = Path(folder)
    dataset = Path(dataset)
    staged = folder / "load"
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir()
    shutil.copyfile(dataset, staged / "dataset.nq")  # DirsAllowed is the work folder only
    graphs = sorted({q.graph_name.value for q in ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS)})
    clear = "".join(f"SPARQL CLEAR GRAPH <{g}>;\n" for g in graphs) if replace else ""
    isql(folder, "log_enable(3,1);\n" + clear
         + f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{staged}/%';\n"
         + f"ld_dir('{staged}', 'dataset.nq', 'urn:sse-graph:default');\n"
         + "rdf_loader_run();\ncheckpoint;\n")
    errors = isql(folder, f"SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '{staged}/%' AND ll_error IS NOT NULL;\n")
    if "dataset.nq" in errors:
        raise EnvironmentProblem(f"Virtuoso could not load {dataset}: {errors.strip()[-800:]}")
    shutil.rmtree(staged)
    from_clause = " ".join(f"FROM NAMED <{g}>" for g in graphs)
    out = isql(folder, f"SPARQL SELECT COUNT(*) {from_clause} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }};\n")
    numbers = [w for w in out.split() if w.isdigit()]
    return int(numbers[-1]) if numbers else 0


def stop(folder: Path, *, timeout: float = 60) -> bool:
    """Stop the Virtuoso started in ``folder`` (SIGTERM, then SIGKILL); False if none ran."""
    pid_file = Path(folder) / PID_FILE
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    ran = _alive(pid)
    if ran:
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)  # our child: reap it
                if done == pid:
                    break
            except ChildProcessError:
                if not _alive(pid):
                    break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
    pid_file.unlink()
    return ran


def main(argv: list[str]) -> int:
    usage = "usage: python -m sse_graph.virtuoso start DIR PORT | load DIR [DATASET.nq] | stop DIR"
    if len(argv) < 2 or argv[0] not in ("start", "load", "stop"):
        print(usage, file=sys.stderr)
        return 2
    cmd, folder = argv[0], Path(argv[1])
    try:
        if cmd == "start":
            if len(argv) != 3 or not argv[2].isdigit():
                print(usage, file=sys.stderr)
                return 2
            print(start(folder, int(argv[2])))
        elif cmd == "load":
            if len(argv) > 2:
                dataset = Path(argv[2])
            else:
                from .build import build

                dataset = build().nquads()
            if not dataset.is_file():
                print(f"{dataset}: no such file", file=sys.stderr)
                return 2
            print(f"loaded {load(folder, dataset)} quads from {dataset}")
        else:
            print("stopped" if stop(folder) else f"no Virtuoso was running in {folder}")
    except EnvironmentProblem as e:
        print(f"error: {e}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
