"""Helpers of the Streamlit explorer (``app.py``): interface text in French and
English, safe display of text from the data, and the cached loaders."""
from __future__ import annotations

import re

from ..plaintext import FSI, PDI, isolate, shorten  # noqa: F401  (re-exported)

__all__ = ["TEXT", "tr", "word", "sentence", "md_escape", "LANGS", "isolate", "md_text", "shorten"]

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
    "not_an_org": {"en": "“{name}” names {label}, which is not an organisation: this page shows organisations only "
                         "(its card: sse-graph show on the command line).",
                   "fr": "« {name} » désigne {label}, qui n'est pas une organisation : cette page ne montre que des "
                         "organisations (sa fiche : sse-graph show en ligne de commande)."},
    "ambiguous": {"en": "“{name}” names several organisations; choose one below.",
                  "fr": "« {name} » désigne plusieurs organisations ; choisissez-en une ci-dessous."},
    "did_you_mean": {"en": "Did you mean: ", "fr": "Vouliez-vous dire : "},
    "choose": {"en": "Choose an organisation", "fr": "Choisissez une organisation"},
    "choose_one": {"en": "Choose", "fr": "Choisir"},
    "search_hint": {"en": "A name or an acronym, then Enter", "fr": "Un nom ou un sigle, puis Entrée"},
    "full_name": {"en": "Full name", "fr": "Nom complet"},
    "picture_link": {"en": "Its neighbourhood in a picture", "fr": "Son voisinage en image"},
    "as_of": {"en": "As of", "fr": "À la date du"},
    "any_date": {"en": "any date", "fr": "toute date"},
    "loading": {"en": "Loading the graph…", "fr": "Chargement du graphe…"},
    "who": {"en": "Who it is", "fr": "Qui elle est"},
    "in_short": {"en": "In short", "fr": "En bref"},
    "short_speaks_through": {"en": "represented by {names}", "fr": "représentée par {names}"},
    "short_speaks_for": {"en": "represents {n} organisation(s)", "fr": "représente {n} organisation(s)"},
    "short_groups": {"en": "{n} group(s) named only collectively", "fr": "{n} groupe(s) désigné(s) collectivement"},
    "short_seats": {"en": "{n} seat(s) or mandate(s)", "fr": "{n} siège(s) ou mandat(s)"},
    "short_more": {"en": "{n} more", "fr": "{n} de plus"},
    "short_as_of": {"en": "as of {year}", "fr": "au {year}"},
    "more": {"en": "What else the sources say", "fr": "Ce que disent encore les sources"},
    "public_body": {"en": "public body", "fr": "organisme public"},
    "on_behalf_of": {"en": "on behalf of", "fr": "au nom de"},
    "nominated_by": {"en": "nominated by", "fr": "proposé par"},
    "not_counted": {"en": "Not counted on this date", "fr": "Non compté à cette date"},
    "status": {"en": "status", "fr": "statut"},
    "evidence": {"en": "Source passages ({n})", "fr": "Passages des sources ({n})"},
    "declared_observed": {"en": "Declared vs observed", "fr": "Déclaré et observé"},
    "view": {"en": "View", "fr": "Vue"},
    "view_card": {"en": "Card", "fr": "Fiche"},
    "view_changes": {"en": "Changes between two dates", "fr": "Changements entre deux dates"},
    "from_year": {"en": "From", "fr": "De"},
    "to_year": {"en": "To", "fr": "À"},
    "joined": {"en": "Joined", "fr": "Entrés"},
    "left": {"en": "Left", "fr": "Sortis"},
    "role_changed": {"en": "Role changed", "fr": "Rôle changé"},
    "first_attested": {"en": "Attested on the second date only (no start given: not claimed as joined)",
                       "fr": "Attestés à la seconde date seulement (sans date d'entrée : pas présentés comme entrés)"},
    "no_longer_attested": {"en": "Attested on the first date only (no end given: not claimed as left)",
                           "fr": "Attestés à la première date seulement (sans date de sortie : pas présentés comme sortis)"},
    "counts_moved": {"en": "Counts that moved", "fr": "Effectifs qui ont changé"},
    "ties_representation": {
        "en": "Ties counted: memberships in a body that represents its members. Hosting an event, taking part in a project "
              "or a partnership is not a representation tie and is not counted here.",
        "fr": "Liens comptés : adhésions à un organe qui représente ses membres. Accueillir un événement, participer à un "
              "projet ou à un partenariat n'est pas un lien de représentation et n'est pas compté ici."},
    "ties_affiliation": {
        "en": "Ties counted: memberships and seats shared with others (co-membership). Hosting an event or taking part "
              "in a project is co-participation, not representation, and is not counted here (see “Co-participation”).",
        "fr": "Liens comptés : adhésions et sièges partagés avec d'autres (co-appartenance). Accueillir un événement ou "
              "participer à un projet est de la co-participation, pas de la représentation, et n'est pas compté ici "
              "(voir « Co-participation »)."},
    "ties_coparticipation": {
        "en": "Ties counted: taking part in or hosting the same event or project (partnerships). This is co-participation, "
              "NOT representation: a city that hosts an event can rank high here and nowhere else.",
        "fr": "Liens comptés : participer au même événement ou projet, ou l'accueillir (partenariats). C'est de la "
              "co-participation, PAS de la représentation : une ville qui accueille un événement peut être bien classée "
              "ici et nulle part ailleurs."},
    "ties_governance": {
        "en": "Ties counted: seats on public, consultative and governance bodies (held directly, through a person, or by "
              "nominating the holder).",
        "fr": "Liens comptés : sièges dans des organes publics, consultatifs et de gouvernance (tenus directement, par "
              "une personne, ou en désignant le titulaire)."},
    # the SPARQL page
    "sq_limit": {"en": "Time limit (seconds)", "fr": "Durée maximale (secondes)"},
    "sq_cap": {"en": "Most rows shown", "fr": "Nombre maximal de lignes"},
    "sq_rules": {"en": "Each query runs in a separate process cut off from the network, stopped at the time limit; "
                       "SERVICE, FROM, LOAD and updates are refused.",
                 "fr": "Chaque requête s'exécute dans un processus à part, coupé du réseau, arrêté à la durée maximale ; "
                       "SERVICE, FROM, LOAD et les mises à jour sont refusés."},
    "sq_running": {"en": "Running the query…", "fr": "Exécution de la requête…"},
    "sq_timeout": {"en": "The query was stopped after {s} s, its time limit: no result. Narrow it (a LIMIT, fewer joins) "
                         "or raise the limit.",
                   "fr": "La requête a été arrêtée au bout de {s} s, sa durée maximale : aucun résultat. Restreignez-la "
                         "(un LIMIT, moins de jointures) ou augmentez la durée."},
    "sq_unavailable": {"en": "The query process stopped (out of memory?): no result.",
                       "fr": "Le processus de la requête s'est arrêté (mémoire épuisée ?) : aucun résultat."},
    "sq_service": {"en": "SERVICE (federated query) is not allowed: queries only see this dataset.",
                   "fr": "SERVICE (requête fédérée) n'est pas permis : les requêtes ne voient que ce jeu de données."},
    "sq_update": {"en": "SPARQL Update is not allowed: the graph is read-only.",
                  "fr": "SPARQL Update n'est pas permis : le graphe est en lecture seule."},
    "sq_syntax": {"en": "The query is not valid SPARQL; the engine says:", "fr": "La requête n'est pas du SPARQL valide ; le moteur indique :"},
    "sq_memory": {"en": "The query needed more memory than a query may use.",
                  "fr": "La requête demandait plus de mémoire qu'une requête ne peut en utiliser."},
    "sq_refused": {"en": "The query was refused or failed; the engine says:", "fr": "La requête a été refusée ou a échoué ; le moteur indique :"},
    "sq_true": {"en": "Yes (true)", "fr": "Oui (vrai)"},
    "sq_false": {"en": "No (false)", "fr": "Non (faux)"},
    "sq_capped": {"en": "— stopped at {n} rows, the rest was not read", "fr": "— arrêté à {n} lignes, la suite n'a pas été lue"},
    "download_turtle": {"en": "Download Turtle", "fr": "Télécharger en Turtle"},
    # the Analysis page: projections, measures in words, column headers
    'proj_representation': {'en': 'Representation (member → body that represents it)', 'fr': 'Représentation (membre → organe qui le représente)'},
    'proj_affiliation': {'en': 'Affiliation (shared memberships and seats)', 'fr': 'Affiliation (adhésions et sièges partagés)'},
    'proj_governance': {'en': 'Governance (seats on bodies)', 'fr': 'Gouvernance (sièges dans des organes)'},
    'proj_all': {'en': 'Every sourced relation', 'fr': 'Toutes les relations sourcées'},
    'proj_coparticipation': {'en': 'Co-participation (events, projects: not representation)', 'fr': 'Co-participation (événements, projets : pas de représentation)'},
    'col_label': {'en': 'Organisation', 'fr': 'Organisation'},
    'col_roles': {'en': 'Roles', 'fr': 'Rôles'},
    'col_start': {'en': 'Since', 'fr': 'Depuis'},
    'col_end': {'en': 'Until', 'fr': "Jusqu'à"},
    'col_attested': {'en': 'Attested', 'fr': 'Attesté'},
    'col_during': {'en': 'During', 'fr': 'Pendant'},
    'col_sources': {'en': 'Sources', 'fr': 'Sources'},
    'col_chain': {'en': 'Chain', 'fr': 'Chaîne'},
    'col_relation': {'en': 'Relation', 'fr': 'Relation'},
    'col_status': {'en': 'Status on the date', 'fr': 'Statut à la date'},
    'col_on_behalf_of': {'en': 'On behalf of', 'fr': 'Au nom de'},
    'col_nominated_by': {'en': 'Nominated by', 'fr': 'Proposé par'},
    'col_file': {'en': 'File', 'fr': 'Fichier'},
    'col_title': {'en': 'Title', 'fr': 'Titre'},
    'col_date': {'en': 'Date', 'fr': 'Date'},
    'col_lang': {'en': 'Language', 'fr': 'Langue'},
    'col_qualifier': {'en': 'About the date', 'fr': 'Précision sur la date'},
    'col_count': {'en': 'Count', 'fr': 'Nombre'},
    'col_alt': {'en': 'Other names', 'fr': 'Autres noms'},
    'col_kind': {'en': 'Kind', 'fr': 'Type'},
    'col_iri': {'en': 'Identifier (IRI)', 'fr': 'Identifiant (IRI)'},
    'col_size': {'en': 'Organisations', 'fr': 'Organisations'},
    'col_orgs': {'en': 'Organisations', 'fr': 'Organisations'},
    'col_roles_before': {'en': 'Roles before', 'fr': 'Rôles avant'},
    'col_status_before': {'en': 'Status on the first date', 'fr': 'Statut à la première date'},
    'col_status_after': {'en': 'Status on the second date', 'fr': 'Statut à la seconde date'},
    'col_measure': {'en': 'Measure', 'fr': 'Mesure'},
    'col_value': {'en': 'Value', 'fr': 'Valeur'},
    'col_dated_by': {'en': 'Dated by', 'fr': 'Daté par'},
    'm_degree': {'en': 'Direct links', 'fr': 'Liens directs'},
    'mm_degree': {'en': 'how many direct links it has in this projection (affiliations, members, seats)', 'fr': 'combien de liens directs elle a dans cette projection (affiliations, membres, sièges)'},
    'm_members': {'en': 'Direct members', 'fr': 'Membres directs'},
    'mm_members': {'en': 'how many organisations are its direct members (how many it gathers)', 'fr': "combien d'organisations sont ses membres directs (combien elle en rassemble)"},
    'm_reach': {'en': 'Reach', 'fr': 'Portée'},
    'mm_reach': {'en': 'how many organisations it represents, directly or through chains of federations', 'fr': "combien d'organisations elle représente, directement ou par des chaînes de fédérations"},
    'm_level': {'en': 'Territorial level', 'fr': 'Niveau territorial'},
    'mm_level': {'en': 'the territorial level it acts at: 1 local, 2 regional, 3 national, 4 European, 5 international', 'fr': 'le niveau territorial où elle agit : 1 local, 2 régional, 3 national, 4 européen, 5 international'},
    'm_chain': {'en': 'Longest chain below', 'fr': 'Plus longue chaîne en dessous'},
    'mm_chain': {'en': 'the longest chain of representation below it (1: it only gathers direct members)', 'fr': 'la plus longue chaîne de représentation sous elle (1 : elle ne rassemble que des membres directs)'},
    'm_betweenness': {'en': 'Broker between groups (betweenness)', 'fr': 'Intermédiaire entre groupes (intermédiarité)'},
    'mm_betweenness': {'en': 'how often it lies on the shortest path between two others: a broker between groups', 'fr': 'combien de fois elle se trouve sur le plus court chemin entre deux autres : un intermédiaire entre groupes'},
    'm_constraint': {'en': 'Constraint (low: bridges)', 'fr': 'Contrainte (faible : fait le pont)'},
    'mm_constraint': {'en': 'how much its contacts are tied to each other (low: it bridges structural holes)', 'fr': 'à quel point ses contacts sont liés entre eux (faible : elle relie des groupes séparés)'},
    'm_effective_size': {'en': 'Non-redundant contacts', 'fr': 'Contacts non redondants'},
    'mm_effective_size': {'en': 'how many of its contacts are non-redundant (high: it spans separate groups)', 'fr': 'combien de ses contacts ne sont pas redondants (élevé : elle couvre des groupes séparés)'},
    'm_pagerank': {'en': 'Weight of position (PageRank)', 'fr': 'Poids de la position (PageRank)'},
    'mm_pagerank': {'en': 'how much weight its position carries, counting who links to it and how important they are', 'fr': "le poids de sa position, selon qui la relie et l'importance de ceux-ci"},
    'm_core': {'en': 'Dense core (k-core)', 'fr': 'Noyau dense (k-cœur)'},
    'mm_core': {'en': 'the densest group it belongs to (k-core: every member has at least k links inside)', 'fr': 'le groupe le plus dense auquel elle appartient (k-cœur : chaque membre y a au moins k liens)'},
    'm_community': {'en': 'Community', 'fr': 'Communauté'},
    'mm_community': {'en': 'the cluster of actors that work together most (Louvain communities, numbered by size)', 'fr': "le groupe d'acteurs qui travaillent le plus ensemble (communautés de Louvain, numérotées par taille)"},
    'm_countries': {'en': 'Countries linked', 'fr': 'Pays reliés'},
    'mm_countries': {'en': 'how many countries its direct contacts (and itself) are in: above 1, it links countries', 'fr': 'dans combien de pays sont ses contacts directs (et elle-même) : au-delà de 1, elle relie des pays'},
}


# The library's words (relations, statuses, fact names) as a French reader reads them.
WORDS_FR = {
    "member of": "membre de", "sits on": "siège à", "sits for": "siège pour", "nominates members to": "propose des membres à",
    "takes part in": "participe à", "holds a post in": "occupe un poste à", "part of": "fait partie de", "led by": "porté par",
    "holds": "tient le siège", "holds a seat": "tient un siège", "nominated the holder": "a proposé le titulaire",
    "nominates the holder": "propose le titulaire", "through a person acting for it": "par une personne qui agit pour elle",
    "represented by a person": "représentée par une personne", "has as member": "a pour membre",
    "has a seat held by": "a un siège tenu par", "has a seat held on its behalf by": "a un siège tenu en son nom par",
    "has members nominated by": "a des membres proposés par", "has as participant": "a pour participant",
    "has a post held by": "a un poste tenu par", "has as part": "a pour partie", "leads": "porte",
    "activeIn": "active en", "basedIn": "établie à", "locatedIn": "située à",
    "note": "note", "founded": "fondée", "level": "niveau", "statutoryForm": "forme juridique",
    "holds_status": "en vigueur", "ended": "terminé", "not started": "pas encore commencé", "attested": "attesté",
    "not yet attested": "pas encore attesté", "undated": "non daté", "direct": "directe",
}
WORDS_EN = {"activeIn": "active in", "basedIn": "based in", "locatedIn": "located in", "statutoryForm": "statutory form",
            "holds_status": "holds"}
_LAST_ATTESTED = re.compile(r"^last attested (\d{4})$")
_THROUGH = re.compile(r"^through (\d+) intermediate\(s\)$")


_SENTENCES_FR = [  # the library's English sentences about counts (questions/timed.py), in French
    (re.compile(r"\bdeclares (.+?) members \("), r"déclare \1 membres ("),
    (re.compile(r"\b(\d+) known by name\b"), r"\1 connus par leur nom"),
    (re.compile(r"\b(\d+) named only collectively\b"), r"\1 nommés seulement comme groupe"),
]


def sentence(text: str, lang: str) -> str:
    """A sentence the library writes in English ("declares exactly 17 members (003,
    2018-12-31); 17 known by name (003)"), in ``lang``.

    >>> sentence("declares exactement 17 members (003, 2018-12-31); 17 known by name (003)", "fr")
    'déclare exactement 17 membres (003, 2018-12-31); 17 connus par leur nom (003)'
    """
    if lang != "fr":
        return text
    for pattern, repl in _SENTENCES_FR:
        text = pattern.sub(repl, text)
    return text


def word(text, lang: str, status: bool = False):
    """One of the library's English words (a relation, a status, a fact's name)
    in ``lang``; anything else unchanged.  ``status``: "holds" is a status
    ("en vigueur"), not the seat relation "holds".

    >>> word("last attested 2018", "fr"), word("activeIn", "en"), word("holds", "fr", status=True)
    ('dernière attestation en 2018', 'active in', 'en vigueur')
    """
    if not isinstance(text, str):
        return text
    key = "holds_status" if status and text == "holds" else text
    if lang != "fr":
        return WORDS_EN.get(key, text)
    if m := _LAST_ATTESTED.match(text):
        return f"dernière attestation en {m.group(1)}"
    if m := _THROUGH.match(text):
        return f"par {m.group(1)} intermédiaire(s)"
    return WORDS_FR.get(key, text)


def tr(key: str, lang: str, **kw) -> str:
    """Interface text in ``lang`` (fr or en)."""
    text = TEXT[key].get(lang) or TEXT[key]["en"]
    return text.format(**kw) if kw else text


def colon(lang: str) -> str:
    """The colon after a heading: French typography puts a no-break space before it.

    >>> "Libellés" + colon("fr"), "Labels" + colon("en")
    ('Libellés\xa0: ', 'Labels: ')
    """
    return "\u00a0: " if lang == "fr" else ": "


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
