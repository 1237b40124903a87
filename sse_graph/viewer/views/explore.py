"""The explore page of the explorer (see sse_graph/viewer/pages.py)."""
from sse_graph.viewer.pages import page_explore

page_explore()
