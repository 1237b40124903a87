"""Helpers of the Streamlit explorer (``app.py``): interface text in French and
English, safe display of text from the data, and the cached loaders."""
from __future__ import annotations

import re

from ..plaintext import FSI, PDI, isolate, shorten  # noqa: F401  (re-exported)

__all__ = ["TEXT", "tr", "md_escape", "LANGS", "isolate", "md_text", "shorten"]

LANGS = {"fr": "Français", "en": "English"}

TEXT = {
    "title": {"en": "sse-graph explorer", "fr": "Explorateur sse-graph"},
    "tagline": {"en": "Who federates whom, who sits where, who speaks for whom in the Social and Solidarity Economy.",
                "fr": "Qui fédère qui, qui siège où, qui parle pour qui dans l'économie sociale et solidaire."},
    "language": {"en": "Language", "fr": "Langue"},
    "explore": {"en": "Explore", "fr": "Explorer"},
    "organisation": {"en": "Organisation", "fr": "Organisation"},
    "represent": {"en": "Who represents whom", "fr": "Qui représente qui"},
    "analysis": {"en": "Analysis", "fr": "Analyse"},
    "sparql": {"en": "SPARQL", "fr": "SPARQL"},
    "about": {"en": "About the data", "fr": "À propos des données"},
    "search": {"en": "Search an organisation", "fr": "Chercher une organisation"},
    "pick": {"en": "Organisation", "fr": "Organisation"},
    "depth": {"en": "Neighbourhood depth", "fr": "Profondeur du voisinage"},
    "projection": {"en": "Relations shown", "fr": "Relations affichées"},
    "country": {"en": "Country", "fr": "Pays"},
    "kind": {"en": "Kind", "fr": "Type"},
    "level": {"en": "Level", "fr": "Niveau"},
    "all": {"en": "(all)", "fr": "(tous)"},
    "nodes_edges": {"en": "{n} organisations and {e} relations drawn", "fr": "{n} organisations et {e} relations dessinées"},
    "labels": {"en": "Labels", "fr": "Libellés"},
    "kinds": {"en": "Kinds", "fr": "Types"},
    "places": {"en": "Places", "fr": "Lieux"},
    "chain_up": {"en": "Represented by (chain up)", "fr": "Représentée par (chaîne vers le haut)"},
    "chain_down": {"en": "Represents (chain down)", "fr": "Représente (chaîne vers le bas)"},
    "members": {"en": "Members", "fr": "Membres"},
    "seats": {"en": "Seats and mandates", "fr": "Sièges et mandats"},
    "sitting": {"en": "Who sits on this body", "fr": "Qui siège dans cet organe"},
    "relations": {"en": "Relations, with their sources", "fr": "Relations, avec leurs sources"},
    "counts": {"en": "Dated counts", "fr": "Effectifs datés"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "none": {"en": "None in the graph (unknown is not none: the sources may not say).",
             "fr": "Aucune dans le graphe (inconnu n'est pas aucun : les sources peuvent ne pas le dire)."},
    "body": {"en": "A body (council, committee …)", "fr": "Un organe (conseil, comité …)"},
    "metric": {"en": "Measures", "fr": "Mesures"},
    "top": {"en": "Rows", "fr": "Lignes"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger en CSV"},
    "download_json": {"en": "Download JSON", "fr": "Télécharger en JSON"},
    "download_png": {"en": "Picture (PNG, A4)", "fr": "Image (PNG, A4)"},
    "download_svg": {"en": "Picture (SVG, A4)", "fr": "Image (SVG, A4)"},
    "community_sizes": {"en": "Community sizes", "fr": "Taille des communautés"},
    "degree_distribution": {"en": "Degree distribution", "fr": "Distribution des degrés"},
    "query": {"en": "Query", "fr": "Requête"},
    "example": {"en": "Example query", "fr": "Requête d'exemple"},
    "run": {"en": "Run", "fr": "Exécuter"},
    "rows": {"en": "{n} row(s)", "fr": "{n} ligne(s)"},
    "counts_per_kind": {"en": "Counts per kind", "fr": "Effectifs par type"},
    "validation": {"en": "Validation report", "fr": "Rapport de validation"},
    "conforms": {"en": "The data conforms to every shape and check.", "fr": "Les données respectent toutes les formes et vérifications."},
    "cite": {"en": "How to cite", "fr": "Comment citer"},
    "triples": {"en": "{a} asserted triples, {i} inferred", "fr": "{a} triplets affirmés, {i} inférés"},
    "picture": {"en": "Picture", "fr": "Image"},
    "not_found": {"en": "No organisation matches “{name}”.", "fr": "Aucune organisation ne correspond à « {name} »."},
    "ambiguous": {"en": "“{name}” names several organisations; choose one below.",
                  "fr": "« {name} » désigne plusieurs organisations ; choisissez-en une ci-dessous."},
    "did_you_mean": {"en": "Did you mean", "fr": "Vouliez-vous dire"},
    "full_name": {"en": "Full name", "fr": "Nom complet"},
    "ties_representation": {
        "en": "Ties counted: memberships in a body that represents its members. Hosting an event, taking part in a project "
              "or a partnership is not a representation tie and is not counted here.",
        "fr": "Liens comptés : adhésions à un organe qui représente ses membres. Accueillir un événement, participer à un "
              "projet ou à un partenariat n'est pas un lien de représentation et n'est pas compté ici."},
    "ties_affiliation": {
        "en": "Ties counted: memberships, seats AND partnerships (hosting an event, taking part in a project). This is "
              "co-participation, not representation: a city that hosts an event can rank high here.",
        "fr": "Liens comptés : adhésions, sièges ET partenariats (accueil d'un événement, participation à un projet). "
              "C'est de la co-participation, pas de la représentation : une ville qui accueille un événement peut y être "
              "bien classée."},
    "ties_governance": {
        "en": "Ties counted: seats on public, consultative and governance bodies (held directly, through a person, or by "
              "nominating the holder).",
        "fr": "Liens comptés : sièges dans des organes publics, consultatifs et de gouvernance (tenus directement, par "
              "une personne, ou en désignant le titulaire)."},
}


def tr(key: str, lang: str, **kw) -> str:
    """Interface text in ``lang`` (fr or en)."""
    text = TEXT[key].get(lang) or TEXT[key]["en"]
    return text.format(**kw) if kw else text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^])")


def md_escape(text) -> str:
    """Text from the data, made inert for Streamlit's Markdown (no link, no HTML,
    no formatting).

    >>> md_escape("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))



def md_text(text, limit: int | None = None) -> str:
    """Text from the data for a widget that renders Markdown (headers,
    warnings, captions, st.table cells): isolated, then escaped."""
    return md_escape(unlinked(" ".join(isolate(text, limit).split())))


ZWSP = "\u200b"
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")


def unlinked(text: str) -> str:
    """Text that Streamlit's Markdown (GitHub's autolink literals, applied
    after escapes are read) cannot turn into a link: a zero-width space breaks
    every ``://``, ``www.`` and ``@``; the text reads the same.

    >>> unlinked("see http://x.org or www.x.org, a@b.org") == "see http:" + ZWSP + "//x.org or www" + ZWSP + ".x.org, a@" + ZWSP + "b.org"
    True
    """
    def brk(m: re.Match) -> str:
        found = m.group(1)
        return {"://": ":" + ZWSP + "//", "@": "@" + ZWSP}.get(found) or found[:3] + ZWSP + "."

    return _AUTOLINK.sub(brk, text)
