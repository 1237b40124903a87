"""Columns by header name, in any order: each kind of table has its columns, each
with aliases in English and French, matched without regard to case, accents,
spaces or punctuation (``Date de début`` is ``start``)."""
from __future__ import annotations

import re

from ..names import normalise

__all__ = ["COLUMNS", "REQUIRED", "LABEL", "map_columns"]

_DATES = {
    "start": ["start", "start date", "since", "from", "début", "date de début", "depuis"],
    "end": ["end", "end date", "until", "to", "fin", "date de fin", "jusqu'à"],
    "attested": ["attested", "as of", "attested on", "attesté", "attesté le", "date d'attestation", "au"],
}
_SOURCE = {
    "source": ["source", "sources", "reference", "référence", "document"],
    "locator": ["locator", "page", "pages", "where", "localisation", "emplacement"],
}
_ROLE = {"role": ["role", "rôle", "fonction", "function", "capacity", "qualité"]}

COLUMNS: dict[str, dict[str, list[str]]] = {
    "organisations": {
        "id": ["id", "identifier", "identifiant", "code"],
        "acronym": ["acronym", "acronyme", "sigle", "abbreviation", "abréviation"],
        "kind": ["kind", "type", "nature", "catégorie", "category"],
        "country": ["country", "pays", "country code", "code pays"],
        "level": ["level", "niveau", "échelle", "scale"],
        **_SOURCE,
    },
    "memberships": {
        "member": ["member", "membre", "adhérent", "affiliate"],
        "organisation": ["organisation", "organization", "member of", "membre de", "federation", "fédération",
                         "network", "réseau"],
        **_ROLE, **_DATES, **_SOURCE,
    },
    "seats": {
        "holder": ["holder", "titulaire", "occupant", "seat holder", "sits", "siège"],
        "body": ["body", "organe", "instance", "council", "conseil", "committee", "comité"],
        "on_behalf_of": ["on behalf of", "for", "au nom de", "pour", "pour le compte de", "representing", "représentant"],
        **_ROLE, **_DATES, **_SOURCE,
    },
    "partnerships": {
        "partner": ["partner", "partenaire"],
        "in": ["in", "partner in", "project", "projet", "programme", "program", "event", "événement", "participe à",
               "takes part in"],
        "lead": ["lead", "lead partner", "chef de file", "coordinator", "coordinateur"],
        **_ROLE, **_DATES, **_SOURCE,
    },
}
REQUIRED = {"organisations": ["id", "kind"], "memberships": ["member", "organisation"],
            "seats": ["holder", "body"], "partnerships": ["partner", "in"]}
# One label column per language: label_fr, libellé_en, nom_es, name_ko ...
LABEL = re.compile(r"^(?:label|libelle|nom|name)([a-z]{2,3})$")


def map_columns(headers: list[str], kind: str) -> tuple[dict[str, int], dict[str, int], list[tuple[int, str]]]:
    """``(column → index, language → index of its label column, problems)``; a
    problem is ``(index, message)``: an unknown or repeated column."""
    aliases = {normalise(a): name for name, names in COLUMNS[kind].items() for a in [name, *names]}
    found: dict[str, int] = {}
    labels: dict[str, int] = {}
    problems: list[tuple[int, str]] = []
    for i, header in enumerate(headers):
        key = normalise(header)
        label = LABEL.match(key) if kind == "organisations" else None
        name = aliases.get(key)
        if label and name is None:
            lang = label.group(1)
            if lang in labels:
                problems.append((i, f"a second label column for the language '{lang}'"))
            labels[lang] = i
        elif name is None:
            problems.append((i, f"unknown column '{header}' (the columns of --kind {kind} are: "
                                + ", ".join(COLUMNS[kind]) + (", label_xx" if kind == "organisations" else "") + ")"))
        elif name in found:
            problems.append((i, f"'{header}' repeats the column '{name}' (column {found[name] + 1})"))
        else:
            found[name] = i
    return found, labels, problems
