"""Find the current build of a dataset folder without re-reading its inputs.

The build cache is keyed by the SHA-256 of every input file (``build.cache_key``):
right, but at a million triples it reads 155 MB at every command (1.5 s).  A
question command only needs to know that nothing changed since the build, so the
first command after a build records, beside the cache, a *stat key* — the size and
modification time (ns) of every input file, of the package's code and of owlrl,
the dataset folder and ``$SSE_GRAPH_ENGINE`` — and the build folder it led to.
Later commands compute the stat key (a few hundred ``stat`` calls, no reading)
and, when it is recorded and its build is still there, open that build directly.
Any change of size or time — an edit, an import, a new file, a code change — gives
a new stat key, and the full hash decides again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path

from .config import PACKAGE_DIR, cache_dir, data_paths

__all__ = ["stat_key", "remembered_dataset", "remember_dataset"]

MEMO_DIR = ".stat-keys"  # inside the cache folder (not a build: `cache --prune` leaves it)
_DATASET = "dataset.nq"
_REPORT = "report.json"


def _stat_line(h, f: Path, name: str) -> None:
    st = f.stat()
    h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())


def stat_key(data=None) -> str:
    """The stat key of the dataset folder ``data`` (see the module's text)."""
    paths = data_paths(data)
    h = hashlib.sha256()
    h.update(f"root={paths.root}\0engine={os.environ.get('SSE_GRAPH_ENGINE', '')}\n".encode())
    for f in paths.input_files():
        _stat_line(h, f, "in:" + str(f.relative_to(paths.root)))
    for f in sorted([*PACKAGE_DIR.rglob("*.py"), *PACKAGE_DIR.rglob("*.rq")]):
        _stat_line(h, f, "code:" + str(f.relative_to(PACKAGE_DIR)))
    spec = importlib.util.find_spec("owlrl")  # finds, does not import
    if spec is not None and spec.origin:
        _stat_line(h, Path(spec.origin), "owlrl")
    return h.hexdigest()[:32]


def _memo(key: str) -> Path:
    return cache_dir() / MEMO_DIR / key


def remembered_dataset(data=None) -> Path | None:
    """The ``dataset.nq`` of the build recorded for the current stat key, if it is still in the cache."""
    try:
        memo = _memo(stat_key(data))
        name = memo.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    folder = cache_dir() / name
    if "/" in name or not name or not ((folder / _REPORT).is_file()
                                       and ((folder / "store").is_dir() or (folder / _DATASET).is_file())):
        return None
    return folder / _DATASET


def remember_dataset(data, dataset_path: Path) -> None:
    """Record that the current stat key leads to the build holding ``dataset_path`` (atomically;
    a cache that cannot be written is not an error: the next command hashes again)."""
    try:
        memo = _memo(stat_key(data))
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(Path(dataset_path).parent.name)
        os.replace(tmp, memo)
    except OSError:
        pass
