"""When a fact holds: its period or its attestations, its status on a date, and
where the spans of several facts intersect.

A record (a membership, a seat ...) has either a *period* (``sse:startDate`` /
``sse:endDate``, either side may be open) or only *attestations*
(``sse:attestedOn``, ``sse:during``).  A record with neither is attested by the
date of its source document (``dcterms:date``), marked as such; with no dated
source it is *undated*.

The rules (README "Time", docs/time.md):

* status on D — ``holds`` (D inside the period), ``ended`` (after the end),
  ``not started`` (before the start), ``attested`` (an attestation in D's year,
  or a ``during`` period containing D), ``last attested YEAR`` (only earlier
  evidence), ``not yet attested`` (only later evidence), ``undated``;
* as a span (for chains): a period is itself; an attestation counts as its
  whole year; several attestations as the years from the first to the last.
  Two facts *hold together* when their spans intersect;
* they *never held together* only when their periods (sources' start/end)
  exclude each other: an attested-only fact bounds nothing (it may have held
  before and after its attestations), so a chain with one whose attestation
  falls outside the other links' spans is offered as "not attested together",
  not refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dates import period

__all__ = ["Timing", "Span", "status_on", "counts", "STRICT", "EXCLUDED", "intersect", "year_span"]

STRICT = ("holds", "attested")  # the statuses --strict keeps
EXCLUDED = ("ended", "not started")  # a fact known not to hold on D


@dataclass(frozen=True)
class Span:
    """A closed interval of days; ``None`` on a side means open."""

    start: date | None = None
    end: date | None = None

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}

    def __str__(self) -> str:
        if self.start is None and self.end is None:
            return "any time"
        a = self.start.isoformat() if self.start else "…"
        b = self.end.isoformat() if self.end else "…"
        return f"{a} – {b}"


def year_span(value: str) -> Span | None:
    """An attestation as a span: the whole year it falls in.

    >>> str(year_span("2018-12-31"))
    '2018-01-01 – 2018-12-31'
    """
    p = period(value)
    if p is None:
        return None
    return Span(date(p[0].year, 1, 1), date(p[1].year, 12, 31))


def intersect(spans) -> Span | None:
    """The days common to every span (``None`` if they never meet; ``Span()``
    for no spans).

    >>> str(intersect([Span(date(2017, 1, 1), None), year_span("2018")]))
    '2018-01-01 – 2018-12-31'
    >>> intersect([year_span("2012"), year_span("2018")]) is None
    True
    """
    start: date | None = None
    end: date | None = None
    for s in spans:
        if s.start and (start is None or s.start > start):
            start = s.start
        if s.end and (end is None or s.end < end):
            end = s.end
    if start and end and start > end:
        return None
    return Span(start, end)


@dataclass
class Timing:
    """The dated evidence of one fact (or of several records of one link, merged)."""

    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    attested: list[str] = field(default_factory=list)
    during: list[str] = field(default_factory=list)
    source_dates: list[str] = field(default_factory=list)  # used only when nothing else dates it
    # period() and span(), once worked out (a chain search asks each link's span again and
    # again: 122k times for 7k links at 100k triples); add() forgets them.
    _known: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, start=None, end=None, attested=None, during=None, source_date=None) -> "Timing":
        t = cls()
        t.add(start=start, end=end, attested=attested, during=during, source_date=source_date)
        return t

    def add(self, *, start=None, end=None, attested=None, during=None, source_date=None) -> None:
        for lst, v in ((self.starts, start), (self.ends, end), (self.attested, attested),
                       (self.during, during), (self.source_dates, source_date)):
            if v and period(str(v)) and str(v) not in lst:
                lst.append(str(v))
        self._known.clear()

    # -- what kind of evidence
    @property
    def has_period(self) -> bool:
        return bool(self.starts or self.ends)

    def _attestations(self) -> list[str]:
        return self.attested + self.during or ([] if self.has_period else self.source_dates)

    @property
    def basis(self) -> str:
        """``period``, ``attestation``, ``source date`` or ``undated``."""
        if self.has_period:
            return "period"
        if self.attested or self.during:
            return "attestation"
        return "source date" if self.source_dates else "undated"

    def period(self) -> Span | None:
        """The period, when the sources give a start or an end (earliest start, latest end)."""
        if "period" not in self._known:
            self._known["period"] = self._period()
        return self._known["period"]

    def _period(self) -> Span | None:
        if not self.has_period:
            return None
        ps = [period(s)[0] for s in self.starts]
        pe = [period(e)[1] for e in self.ends]
        return Span(min(ps) if ps else None, max(pe) if pe else None)

    def span(self) -> Span | None:
        """The span used for chains: the period, else the years from the first
        attestation to the last; ``None`` when undated."""
        if "span" not in self._known:
            self._known["span"] = self._span()
        return self._known["span"]

    def _span(self) -> Span | None:
        p = self.period()
        if p is not None:
            return p
        spans = [year_span(a) for a in self._attestations()]
        for d in self.during:  # a during period longer than a year keeps its length
            dp = period(d)
            spans.append(Span(dp[0], dp[1]))
        spans = [s for s in spans if s]
        if not spans:
            return None
        return Span(min(s.start for s in spans), max(s.end for s in spans))

    def bounds(self) -> Span:
        """Where the fact *can* hold: its period; an attested-only or undated fact
        is not bounded (its extent beyond the attestations is unknown)."""
        return self.period() or Span()

    def as_dict(self) -> dict:
        span = self.span()
        return {"start": min(self.starts, key=str) if self.starts else None,
                "end": max(self.ends, key=str) if self.ends else None,
                "attested": sorted(self.attested), "during": sorted(self.during),
                "source_dates": sorted(self.source_dates) if self.basis == "source date" else [],
                "basis": self.basis, "span": span.as_dict() if span else None}

    def describe(self, lang: str = "en") -> str:
        """The evidence in words: "since 2017", "attested 2018-12-31", "source dated 2024"."""
        fr = lang == "fr"
        parts = []
        if self.starts:
            parts.append(("depuis " if fr else "since ") + min(self.starts))
        if self.ends:
            parts.append(("jusqu'en " if fr else "until ") + max(self.ends))
        if self.attested:
            parts.append(("attesté au " if fr else "attested ") + ", ".join(sorted(self.attested)))
        if self.during:
            parts.append(("pendant " if fr else "during ") + ", ".join(sorted(self.during)))
        if not parts and self.source_dates:
            parts.append(("source datée de " if fr else "source dated ") + ", ".join(sorted(self.source_dates)))
        return ", ".join(parts) or ("non daté" if fr else "undated")


def status_on(t: Timing, on: date) -> str:
    """The status of a fact on ``on``.

    >>> status_on(Timing.of(start="2017"), date(2018, 6, 1))
    'holds'
    >>> status_on(Timing.of(start="2017", end="2018"), date(2023, 12, 31))
    'ended'
    >>> status_on(Timing.of(attested="2018-12-31"), date(2018, 3, 1))
    'attested'
    >>> status_on(Timing.of(attested="2018-12-31"), date(2023, 12, 31))
    'last attested 2018'
    >>> status_on(Timing.of(attested="2018-12-31"), date(2012, 12, 31))
    'not yet attested'
    >>> status_on(Timing.of(), date(2012, 12, 31))
    'undated'
    """
    p = t.period()
    if p is not None:
        if p.start and on < p.start:
            return "not started"
        if p.end and on > p.end:
            return "ended"
        return "holds"
    spans = [(a, year_span(a)) for a in t._attestations()]
    spans += [(d, Span(*period(d))) for d in t.during]
    spans = [(a, s) for a, s in spans if s]
    if not spans:
        return "undated"
    if any(s.start <= on <= s.end for _a, s in spans):
        return "attested"
    earlier = [s for _a, s in spans if s.end < on]
    if earlier:
        return f"last attested {max(s.end for s in earlier).year}"
    return "not yet attested"


def counts(status: str, *, strict: bool = False) -> bool:
    """Whether a fact with ``status`` counts on the date: known not to hold never;
    with ``strict`` only *holds* and *attested*."""
    if strict:
        return status in STRICT
    return status not in EXCLUDED


RANK = {"holds": 0, "attested": 1, "undated": 3, "not yet attested": 4}


def worst(statuses: list[str]) -> str:
    """The weakest of several statuses (a chain is as good as its weakest link)."""
    def rank(s: str) -> int:
        if s.startswith("last attested"):
            return 2
        return RANK.get(s, 5)
    return max(statuses, key=rank) if statuses else "undated"
