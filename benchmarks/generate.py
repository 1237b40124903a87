"""A seeded generator of SSE-shaped graphs, in the sse-graph vocabulary.

Enterprises (co-operatives, associations, mutuals) are members of regional
federations, federations of national umbrellas, umbrellas of a national
chamber, chambers of European networks and those of a world network; every
membership is an n-ary ``org:Membership`` with a role, a date and a source.
Some enterprises take part in projects (``sse:Partnership``); federations hold
seats on consultative bodies through people (``sse:Seat``); labels come in
fr/en/es/ko.  The same seed gives the same graph, byte for byte.

    python benchmarks/generate.py --orgs 10000 --seed 1 -o /tmp/sse-10k.nt
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SSE = "https://w3id.org/sse-graph/ontology#"
ID = "https://w3id.org/sse-graph/id/gen/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_SOURCE = "http://purl.org/dc/terms/source"
XSD = "http://www.w3.org/2001/XMLSchema#"
SOURCE = "https://w3id.org/sse-graph/source/generated"
# One synthetic passage of the synthetic source: the evidence every generated fact points to (shape S12).
EVIDENCE = "https://w3id.org/sse-graph/evidence/generated"
OA = "http://www.w3.org/ns/oa#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
COUNTRIES = [("fr", "France", "France"), ("be", "Belgique", "Belgium"), ("es", "España", "Spain"), ("kr", "대한민국", "South Korea"),
             ("ca", "Canada", "Canada"), ("it", "Italia", "Italy")]
LANG = {"fr": "fr", "be": "fr", "es": "es", "kr": "ko", "ca": "fr", "it": "it"}
ENTERPRISE_KINDS = ["Cooperative", "Association", "Mutual", "Foundation", "SocialEnterprise"]


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


class _Writer:
    def __init__(self):
        self.lines: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} .")

    def iri(self, s: str, p: str, o: str) -> None:
        self.t(s, p, f"<{o}>")

    def sourced(self, s: str) -> None:
        """The source of a generated fact and the (synthetic) passage it is derived from."""
        self.iri(s, DCT_SOURCE, SOURCE)
        self.iri(s, PROV_DERIVED, EVIDENCE)


SUPER = {"Network": ["RepresentativeBody"], "Chamber": ["RepresentativeBody"], "UmbrellaBody": ["RepresentativeBody"],
         "Federation": ["RepresentativeBody"]}


def generate(orgs: int, seed: int = 1, *, materialise_types: bool = False) -> list[str]:
    """N-Triples lines of a graph with about ``orgs`` organisations.

    ``materialise_types`` adds the super-classes the reasoner would infer
    (``sse:Organisation``, ``sse:RepresentativeBody``), for benchmarks that query
    a graph as if reasoned without paying for the reasoning."""
    rng = random.Random(seed)
    w = _Writer()
    w.iri(SOURCE, RDF_TYPE, SSE + "SourceDocument")
    w.t(SOURCE, "http://purl.org/dc/terms/title", '"Synthetic SSE-shaped graph"@en')
    w.t(SOURCE, SSE + "fileName", f'"generated-{orgs}-{seed}.nt"')
    w.t(SOURCE, "http://purl.org/dc/terms/language", '"en"')
    w.iri(EVIDENCE, RDF_TYPE, OA + "SpecificResource")
    w.iri(EVIDENCE, OA + "hasSource", SOURCE)

    n_world = 1
    n_europe = max(2, orgs // 20000)
    n_chambers = len(COUNTRIES)
    n_umbrellas = max(n_chambers, orgs // 2000)
    n_feds = max(n_umbrellas, orgs // 100)
    n_bodies = max(3, orgs // 1000)
    n_projects = max(5, orgs // 200)
    n_ent = max(10, orgs - (n_world + n_europe + n_chambers + n_umbrellas + n_feds + n_bodies))
    rec = 0

    def org(kind: str, i: int, country, level: str, name_fr: str, name_en: str) -> str:
        iri = f"{ID}{kind.lower()}-{i}"
        w.iri(iri, RDF_TYPE, SSE + kind)
        if materialise_types:
            for sup in ["Organisation", *SUPER.get(kind, [])]:
                w.iri(iri, RDF_TYPE, SSE + sup)
        lang = LANG[country[0]] if country else "fr"
        w.t(iri, SKOS + "prefLabel", _lit(name_fr, lang))
        if lang != "en":
            w.t(iri, SKOS + "prefLabel", _lit(name_en, "en"))
        w.iri(iri, SSE + "level", SSE + f"level-{level}")
        if country:
            w.iri(iri, SSE + "activeIn", f"{ID}country-{country[0]}")
        w.sourced(iri)
        return iri

    def membership(member: str, body: str, role: str = "member") -> None:
        nonlocal rec
        rec += 1
        m = f"{ID}m-{rec}"
        w.iri(m, RDF_TYPE, ORG + "Membership")
        w.iri(m, ORG + "member", member)
        w.iri(m, ORG + "organization", body)
        w.iri(m, ORG + "role", SSE + f"role-{role}")
        w.t(m, SSE + "attestedOn", f'"{rng.randint(2010, 2023)}-12-31"^^<{XSD}date>')
        w.sourced(m)

    for code, local, en in COUNTRIES:
        c = f"{ID}country-{code}"
        w.iri(c, RDF_TYPE, SSE + "Country")
        w.t(c, SKOS + "prefLabel", _lit(local, LANG[code]))
        w.t(c, SSE + "isoCode", f'"{code.upper()}"')
        w.sourced(c)

    world = [org("Network", 0, None, "international", "Réseau mondial de l'ESS", "World SSE network")]
    europe = [org("Network", i + 1, None, "european", f"Réseau européen {i}", f"European network {i}") for i in range(n_europe)]
    for e in europe:
        membership(e, world[0])
    chambers = []
    for i, country in enumerate(COUNTRIES):
        ch = org("Chamber", i, country, "national", f"Chambre nationale {country[2]}", f"National chamber {country[2]}")
        chambers.append((ch, country))
        if country[0] != "kr" and country[0] != "ca":
            membership(ch, europe[i % len(europe)])
        else:
            membership(ch, world[0])
    umbrellas = []
    for i in range(n_umbrellas):
        ch, country = chambers[i % len(chambers)]
        u = org("UmbrellaBody", i, country, "national", f"Faîtière {i}", f"Umbrella {i}")
        umbrellas.append((u, country))
        membership(u, ch)
    feds = []
    for i in range(n_feds):
        u, country = umbrellas[rng.randrange(len(umbrellas))]
        f = org("Federation", i, country, "regional", f"Fédération régionale {i}", f"Regional federation {i}")
        feds.append((f, country))
        membership(f, u)
        if rng.random() < 0.1:  # some federations belong to two umbrellas
            membership(f, umbrellas[rng.randrange(len(umbrellas))][0])
    bodies = [org("ConsultativeBody", i, COUNTRIES[i % len(COUNTRIES)], "regional", f"Conseil consultatif {i}", f"Advisory council {i}")
              for i in range(n_bodies)]
    projects = []
    for i in range(n_projects):
        p = f"{ID}project-{i}"
        w.iri(p, RDF_TYPE, SSE + "Project")
        w.t(p, SKOS + "prefLabel", _lit(f"Projet {i}", "fr"))
        w.sourced(p)
        projects.append(p)
    for i in range(n_ent):
        f, country = feds[rng.randrange(len(feds))]
        kind = ENTERPRISE_KINDS[rng.randrange(len(ENTERPRISE_KINDS))]
        e = org(kind, i, country, "local", f"Entreprise {i}", f"Enterprise {i}")
        membership(e, f, "board-member" if rng.random() < 0.05 else "member")
        if rng.random() < 0.05:
            membership(e, feds[rng.randrange(len(feds))][0])
        if rng.random() < 0.1:
            rec += 1
            p = f"{ID}p-{rec}"
            w.iri(p, RDF_TYPE, SSE + "Partnership")
            w.iri(p, SSE + "partner", e)
            w.iri(p, SSE + "partnerIn", projects[rng.randrange(len(projects))])
            w.iri(p, ORG + "role", SSE + "role-partner")
            w.sourced(p)
    for i, (f, _country) in enumerate(feds):
        if rng.random() < 0.3:
            rec += 1
            person = f"{ID}person-{rec}"
            w.iri(person, RDF_TYPE, SSE + "Person")
            w.t(person, SKOS + "prefLabel", _lit(f"Personne {rec}", "fr"))
            w.sourced(person)
            s = f"{ID}s-{rec}"
            w.iri(s, RDF_TYPE, SSE + "Seat")
            w.iri(s, SSE + "holder", person)
            w.iri(s, SSE + "onBehalfOf", f)
            w.iri(s, SSE + "body", bodies[rng.randrange(len(bodies))])
            w.iri(s, ORG + "role", SSE + "role-seat-member")
            w.sourced(s)
    return w.lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    lines = generate(args.orgs, args.seed)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} triples written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
