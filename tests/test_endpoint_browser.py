"""The YASGUI page in a real browser, offline: it loads from the package, its tabs
hold the shipped queries, and running one shows rows."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import offline
from test_endpoint import endpoint  # noqa: F401  (the real server fixture)

ARTEFACTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.mark.browser
def test_yasgui_runs_a_query_offline(endpoint, page):  # noqa: F811
    blocked = offline(page)
    page.goto(endpoint + "/")
    page.wait_for_selector("body[data-tabs-ready]", timeout=60000)
    tabs = page.locator(".tabsList .tab")
    assert tabs.count() >= 8
    assert page.locator(".tabsList").inner_text().count("members") >= 1
    # Run the first tab's query (members of ConcertES) and wait for the results table.
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=60000)
    rows = page.locator(".yasr table tbody tr").count()
    assert rows >= 17
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "endpoint-yasgui.png"), full_page=True)
    assert all("127.0.0.1" not in u for u in blocked)
