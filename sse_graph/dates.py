"""Dates of the sources: xsd:date, xsd:gYearMonth and xsd:gYear, read as periods."""
from __future__ import annotations

import calendar
from datetime import date

from .errors import InputError

__all__ = ["period", "parse_user_date", "holds_on"]


def period(value: str | None) -> tuple[date, date] | None:
    """The first and last day a date value covers.

    >>> period("2018")
    (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    >>> period("2018-07")
    (datetime.date(2018, 7, 1), datetime.date(2018, 7, 31))
    >>> period("2018-12-31")
    (datetime.date(2018, 12, 31), datetime.date(2018, 12, 31))
    """
    if not value:
        return None
    v = str(value)[:10]
    parts = v.split("-")
    try:
        if len(parts) == 1:
            y = int(parts[0])
            return date(y, 1, 1), date(y, 12, 31)
        if len(parts) == 2:
            y, m = int(parts[0]), int(parts[1])
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        d = date.fromisoformat(v)
        return d, d
    except ValueError:
        return None


def parse_user_date(text: str) -> date:
    """A date given on the command line: YYYY, YYYY-MM or YYYY-MM-DD (a year or a
    month means its last day)."""
    p = period(text.strip())
    if p is None:
        raise InputError(f"'{text}' is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    return p[1]


def holds_on(on: date, *, start=None, end=None, attested=None, during=None) -> bool:
    """Whether a dated fact holds on ``on``.

    A fact with a start (and no end) holds from its start on; with an end, until
    its end; one only attested on a date, or during a year, holds within that
    period; an undated fact is not known to hold on any date.

    >>> from datetime import date
    >>> holds_on(date(2018, 12, 31), attested="2018-12-31")
    True
    >>> holds_on(date(2020, 1, 1), start="2017")
    True
    >>> holds_on(date(2016, 6, 1), start="2017")
    False
    >>> holds_on(date(2018, 6, 1))
    False
    """
    ps, pe = period(start), period(end)
    if ps or pe:
        return (ps is None or ps[0] <= on) and (pe is None or on <= pe[1])
    for p in (period(attested), period(during)):
        if p and p[0] <= on <= p[1]:
            return True
    return False
