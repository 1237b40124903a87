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

__all__ = ["isolate", "shorten", "visible", "visible_controls", "one_line", "json_inert", "FSI", "PDI"]

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_OTHER_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
FSI, PDI = "\u2068", "\u2069"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut.

    >>> shorten("Confédération", 6)
    'Confé…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text) -> str:
    """The text on one line: each line end or tab a space, every other control
    character (NUL, escape, delete, C1) the replacement character U+FFFD — what a
    picture or a page can draw (a font shaper refuses a line end, XML forbids
    NUL and escapes) and what cannot move the text around it.

    >>> one_line("Rapport\\r\\nFAKE\\x1b[31m\\x00")
    'Rapport FAKE\ufffd[31m\ufffd'
    """
    return _OTHER_CONTROLS.sub("\ufffd", _LINE_BREAKS.sub(" ", "" if text is None else str(text)))


def isolate(text, limit: int | None = None) -> str:
    """The text on one line (:func:`one_line`), without bidi controls, shortened to ``limit`` and, when it holds
    right-to-left letters, wrapped in FSI … PDI so that it cannot reorder what
    surrounds it.  Latin text comes back unchanged (it can be compared and
    copied as it is).

    >>> isolate("abc\\u202edef")
    'abcdef'
    >>> isolate("שלום") == FSI + "שלום" + PDI
    True
    """
    value = _BIDI_CONTROLS.sub("", one_line(text))
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


def visible_controls(text: str) -> str:
    """As :func:`visible`, but the text's own line ends kept: for what the command line
    prints as a whole (a table, a card), where the line ends are the layout's own and
    each piece of data has already been put on one line.

    >>> visible_controls("a\\x1b[31mb\\nc\\u202e")
    'a<U+001B>[31mb\\nc<U+202E>'
    """
    return "".join(c if c == "\n" or unicodedata.category(c) not in ("Cc", "Cf") else f"<U+{ord(c):04X}>"
                   for c in text)


def _json_escape(c: str) -> str:
    n = ord(c)
    if n < 0x10000:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


def json_inert(text: str) -> str:
    """JSON text with every control or format character written as its escape: the
    same document to a JSON reader (inside strings json escapes line ends itself;
    outside them the only one is the indentation's line end, kept), nothing a
    terminal would obey.

    >>> json_inert('["a\u202eb"]')
    '["a\\\\u202eb"]'
    """
    return "".join(_json_escape(c) if c != "\n" and unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
