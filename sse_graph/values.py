"""``VALUES`` blocks: how the library binds many IRIs into a shipped query.

A shipped ``.rq`` file that takes many IRIs holds an example ``VALUES`` line marked
``# the example; the library binds …`` (or ``# the nodes``); :func:`bind_values`
replaces it (every such line) by the IRIs given.  Only plain IRIs taken from the
store are written; anything else is left out.
"""
from __future__ import annotations

import re

from .queries import Shipped, load_query

__all__ = ["values_block", "bind_values"]

_UNSAFE_IRI = set('<>"{}|^`\\ \t\n\r')
_MARKED = re.compile(r"(?m)^(\s*)VALUES [^\n]*# (?:the example; the library binds|the nodes)[^\n]*$")


def values_block(variables: tuple[str, ...], rows) -> str:
    """``VALUES (?a ?b) { (<x> <y>) … }`` of the rows (duplicates and unsafe IRIs left out)."""
    ok = [r for r in rows if all(v and not (set(v) & _UNSAFE_IRI) for v in r)]
    body = " ".join("(" + " ".join(f"<{v}>" for v in r) + ")" for r in dict.fromkeys(ok))
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }}"


def bind_values(name: str, variables: tuple[str, ...], rows, *, rename: dict[str, str] | None = None) -> str:
    """The shipped query ``name`` with each marked ``VALUES`` line replaced by the rows;
    ``rename`` maps a variable of the file to the one bound (``{"a": "b"}``)."""
    bound = variables if not rename else tuple(rename.get(v, v) for v in variables)
    block = values_block(bound, rows)
    text, n = _MARKED.subn(lambda m: m.group(1) + block, load_query(name).text)
    if n == 0:
        raise ValueError(f"{name}.rq has no marked VALUES line")
    return Shipped(text)  # the shipped text with plain IRIs only (values_block leaves out the rest)
