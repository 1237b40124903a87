"""Every page of the explorer, walked with organisations whose names are
attacks (Markdown links and images to a stranger's host, HTML, bidi overrides,
a 5,000-character name, spreadsheet formulas): nothing from the data is
rendered as markup, no bidi override reaches the page, headings stay short,
and every CSV download reads back with its formula cells neutralised.

Markdown is checked by rendering each Markdown-bearing value with a CommonMark
renderer (markdown-it, as rich ships it) and listing the tags it produces.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from xss import write_dataset

APP = str(Path(__file__).resolve().parent.parent / "app.py")
VIEWS = "sse_graph/viewer/views/"
EVIL = "evil.example"
LONG = "Coopérative " + "très " * 998  # 5,000 characters
HOSTILE = [
    f"[Official site](http://{EVIL}/login)",  # the hub: everyone is its member
    f"![logo](http://{EVIL}/pixel.png)",
    f"<b>bold</b> <img src=http://{EVIL}/x.png>",
    "Réseau \u202egnp.exe\u202c Est",
    "\u2067شبكة\u2069 \u202dRTL override",
    LONG,
    f'=HYPERLINK("http://{EVIL}","click")',
    "+33 1 23 45 67 89 cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\tTabbed name",
    "# Heading **bold** _it_ `code` ~~strike~~",
    f"<{EVIL}> www.{EVIL} http://{EVIL}/auto",
    "| a | b |\n|---|---|\n| c | d |",
    "$\\frac{1}{2}$ :smile: :red[red]",
]
OVERRIDES = re.compile("[\u202a-\u202e\u2066\u2067\u200e\u200f\u061c]")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
ALLOWED_TAGS = {"p", "strong"}  # the interface's own bold section titles


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory, private_cache):
    import os

    folder = tmp_path_factory.mktemp("hostile")
    iris = write_dataset(folder, HOSTILE)
    old = os.environ.get("SSE_GRAPH_DATA")
    os.environ["SSE_GRAPH_DATA"] = str(folder)
    yield iris
    if old is None:
        os.environ.pop("SSE_GRAPH_DATA", None)
    else:
        os.environ["SSE_GRAPH_DATA"] = old


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def rendered_tags(markdown: str) -> set[str]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser = Tags()
    parser.feed(md.render(markdown))
    return parser.tags


def markdown_values(at) -> list[str]:
    """Every value that Streamlit renders as Markdown."""
    values = [e.value for kind in ("markdown", "caption", "header", "subheader", "title", "warning", "info", "error", "success")
              for e in getattr(at, kind)]
    for t in at.table:
        values += [str(v) for v in t.value.to_numpy().ravel()] + [str(c) for c in t.value.columns]
    return values


def every_value(at) -> list[str]:
    values = markdown_values(at) + [t.value for t in at.text]
    for d in at.dataframe:
        values += [str(v) for v in d.value.to_numpy().ravel()]
    for s in at.selectbox:
        values += [str(o) for o in s.options]  # as shown, after format_func
    return values


@pytest.fixture
def downloads(monkeypatch):
    """The bytes of every file the app offers for download (a spy on the real
    in-memory media store: the files are still stored as usual)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: list[tuple[str | None, bytes]] = []
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            seen.append((filename, path_or_data))
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def open_page(page: str, org: str | None, lang: str = "en"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if org:
        at.query_params["org"] = org
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(VIEWS + f"{page}.py").run()
    assert not at.exception, at.exception
    return at


def assert_inert(at):
    for value in markdown_values(at):
        tags = rendered_tags(value)
        assert tags <= ALLOWED_TAGS, (tags, value[:200])
        # GitHub's autolink literals (Streamlit applies them after escapes are read)
        assert not re.search(r"(?i)://|www\.|\w@\w", value.replace("\\", "")), value[:200]
    for value in every_value(at):
        assert not OVERRIDES.search(value), value[:200]
    for kind in ("header", "subheader", "title"):
        for e in getattr(at, kind):
            assert len(e.value) <= 400, f"{kind} of {len(e.value)} characters"


@pytest.mark.parametrize("page", ["explore", "organisation", "represent", "analysis", "sparql", "about"])
def test_every_page_shows_hostile_names_as_text(hostile_data, page):
    for org in (hostile_data[0], hostile_data[5]):  # the Markdown link hub and the 5,000-character name
        assert_inert(open_page(page, org))


def test_card_of_a_markdown_link_name_is_text(hostile_data):
    at = open_page("organisation", hostile_data[0])
    heading = at.subheader[0].value
    assert rendered_tags(heading) == {"p"}
    assert re.sub(r"\\(.)", r"\1", heading).replace("\u200b", "") == HOSTILE[0]
    members = " ".join(str(v) for t in at.table for v in t.value.to_numpy().ravel())
    assert "\\!\\[logo\\]" in members  # the image name is a member, shown escaped


def test_a_hostile_deep_link_selects_nothing_and_shows_it_as_text(hostile_data):
    asked = f"[click me](http://{EVIL}/) \u202eevil"
    at = open_page("organisation", asked)
    assert at.warning, "an unknown name is said to be unknown"
    assert_inert(at)
    assert at.selectbox[0].value is None  # never another organisation
    assert at.query_params["org"] == [asked] or at.query_params["org"] == asked  # the URL is left as written


def test_csv_downloads_neutralise_formulas(hostile_data, downloads):
    at = open_page("analysis", None)
    open_page("sparql", None)
    csvs = [data for name, data in downloads if (name or "").endswith(".csv")]
    assert len(csvs) >= 2, [n for n, _ in downloads]
    cells = [c for data in csvs for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells), "the formula name is in the measures, quoted"
    for c in cells:
        assert not c.startswith(FORMULA) or re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", c), c[:80]
    assert at.dataframe[0].value.shape[0] > 0
