"""The explorer's state lives in the address: ``?org=…&as_of=…&view=…&lang=…``.

The URL is the one source of truth.  A person's change (a pick, the date
slider, the view, the language, a search) writes a whole new address in one
go, which Streamlit's front end pushes as a browser-history entry
(``history.pushState``).  Back and Forward give the script the older address
(Streamlit reruns on ``popstate``); a widget whose parameter is not what it
saw on the previous run takes the address's value, so the page shows the
older organisation, date, view and language.  The script body never writes
the address: a deep link is shown as written, an unknown name included.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

PARAMS = ("org", "as_of", "view", "lang")
_NOTHING = object()


def _seen(key: str) -> str:
    return "_url_seen_" + key


def follow(key: str, param: str, from_url: Callable[[str | None], Any]) -> None:
    """Before the widget ``key`` is drawn: when ``?param=`` changed since this
    widget last saw it (a deep link, Back, Forward, a change on another page),
    the widget takes ``from_url(value)``.  A value set before the first run
    (a test's session state) is kept."""
    now = st.query_params.get(param)
    seen = st.session_state.get(_seen(key), _NOTHING)
    if key not in st.session_state or (seen is not _NOTHING and seen != now):
        st.session_state[key] = from_url(now)
    else:  # set again, so that the same widget on another page (a new widget id) keeps it too
        st.session_state[key] = st.session_state[key]
    st.session_state[_seen(key)] = now


def push(**changes: str | None) -> None:
    """One new address (one history entry): the current one with ``changes``
    (None removes a parameter) and the language, so it is a whole deep link."""
    params = st.query_params.to_dict()
    if st.session_state.get("lang"):
        params["lang"] = st.session_state["lang"]
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def bound(key: str, param: str, to_url: Callable[[Any], str | None] = lambda v: v) -> dict:
    """The ``key`` and ``on_change`` of a widget whose value is ``?param=``:
    a person's change becomes a new address."""
    def changed() -> None:
        push(**{param: to_url(st.session_state.get(key))})
        st.session_state[_seen(key)] = st.query_params.get(param)

    return {"key": key, "on_change": changed}
