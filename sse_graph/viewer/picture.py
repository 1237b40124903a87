"""The picture in the explorer: a frame that follows the window and opens the
card of a clicked node.

The picture (sse_graph/draw.py) runs in an iframe sandboxed to scripts only
(no ``allow-same-origin``: an opaque origin, it cannot read or change the app).
A click on a node makes the picture post the node's number (an integer, never
a name) to this component, which checks that the message comes from its own
frame and that the number is one of the picture's nodes, and hands back the
IRI that the app gave for that number; the card opens at the deep link
``?org=<IRI>&view=card`` (with the page's language and date).  The component
pushes that address itself and lets Streamlit show it as it shows Back and
Forward (a ``popstate``): one history entry, so one Back returns to the picture.
``st.switch_page(..., query_params=...)`` would push two — the parameters on
the explorer's own path, then the new page (Streamlit 1.5x's front end) — and
Back would first show the explorer at the card's address.  The frame's height
is the rest of the window below its top, and follows the window.
"""
from __future__ import annotations

import streamlit as st

__all__ = ["picture_frame", "FRAME_JS"]

FRAME_JS = """
export default function (component) {
  const { data, parentElement } = component;
  let frame = parentElement.querySelector("iframe.sse-picture");
  if (!frame) {
    frame = document.createElement("iframe");
    frame.className = "sse-picture";
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", "picture");
    frame.style.cssText = "border:0;width:100%;display:block";
    parentElement.appendChild(frame);
    // the frame takes the rest of the window below its top, and follows the window's size
    frame.sseFit = () => {
      const top = frame.getBoundingClientRect().top + window.scrollY;
      frame.style.height = Math.max(frame.sseMin || 0, window.innerHeight - top - 16) + "px";
    };
    window.addEventListener("resize", frame.sseFit);
    window.addEventListener("message", (e) => {
      if (e.source !== frame.contentWindow) return;
      const i = e.data && e.data.open;
      const iris = frame.sseIris || [];
      if (!(Number.isInteger(i) && i >= 0 && i < iris.length)) return;
      const q = new URLSearchParams(frame.sseQuery || {});
      q.set("org", iris[i]);
      q.set("view", "card");
      // the card is the app's first page, served at the folder this page is in
      history.pushState({}, "", location.pathname.replace(/[^/]*$/, "") + "?" + q.toString());
      window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
    });
  }
  frame.sseMin = data.min_height;
  frame.sseFit();
  requestAnimationFrame(frame.sseFit);
  frame.sseIris = data.iris;
  frame.sseQuery = data.query;
  if (frame.sseHtml !== data.html) { frame.sseHtml = data.html; frame.srcdoc = data.html; }
}
"""


@st.cache_resource
def _component():
    return st.components.v2.component("sse_graph.picture", js=FRAME_JS, isolate_styles=False)


def picture_frame(page: str, iris: list[str], *, key: str, query: dict[str, str], min_height: int = 420) -> None:
    """Show the picture ``page`` (HTML) from here to the bottom of the window
    (at least ``min_height`` pixels); ``iris`` are its nodes in order (node
    ``i`` of the picture is ``iris[i]``).  A click on node ``i`` opens the card
    of ``iris[i]`` with the parameters ``query`` (language, date) kept."""
    _component()(data={"html": page, "iris": list(iris), "query": dict(query), "min_height": int(min_height)}, key=key)
