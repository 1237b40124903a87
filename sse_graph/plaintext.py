"""Text from the data, made safe to show beside other text.

A name may carry bidi controls (embeddings, overrides, isolates, marks) that
reorder the text around it (``"‮gpj.exe"`` shows as ``"exe.jpg"``) and may be
thousands of characters long.  :func:`isolate` removes the controls and wraps a
right-to-left name in a first-strong isolate; :func:`shorten` cuts it.  Used by
the explorer (sse_graph/viewer) and the pictures (sse_graph/draw.py).  On a
terminal, :func:`visible` shows every control and format character by its code
point instead (an escape sequence, a bidi override, a line end inside a name).
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["isolate", "shorten", "visible", "FSI", "PDI"]

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FSI, PDI = "\u2068", "\u2069"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut.

    >>> shorten("Confédération", 6)
    'Confé…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def isolate(text, limit: int | None = None) -> str:
    """The text without bidi controls, shortened to ``limit`` and, when it holds
    right-to-left letters, wrapped in FSI … PDI so that it cannot reorder what
    surrounds it.  Latin text comes back unchanged (it can be compared and
    copied as it is).

    >>> isolate("abc\\u202edef")
    'abcdef'
    >>> isolate("שלום") == FSI + "שלום" + PDI
    True
    """
    value = _BIDI_CONTROLS.sub("", "" if text is None else str(text))
    if limit is not None:
        value = shorten(value, limit)
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in value):
        return FSI + value + PDI
    return value


def visible(text) -> str:
    """The text for a terminal: line ends shown as ⏎, every other control or format
    character (escape sequences, bidi controls, zero-width marks) by its code point, so
    nothing in it can colour, move or reorder what the terminal shows.

    >>> visible("a\\x1b[31mb\\u202ec\\nd")
    'a<U+001B>[31mb<U+202E>c⏎d'
    """
    return "".join("⏎" if c == "\n" else f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") else c
                   for c in ("" if text is None else str(text)))
