"""The CLI contract (README, "Exit codes"), command by command: 0 an answer (an
empty one too), 1 a failed check, 2 bad input or usage (named), 3 an environment
problem — never a traceback."""
from __future__ import annotations

import socket

import pytest

from conftest import free_port
from sse_graph.cli import main

NOTHING = "SELECT ?s WHERE { ?s <urn:sse-graph:no-such-property> ?o }"

ANSWERS = [  # exit 0, an empty answer included; (arguments, a piece of stdout)
    (["members", "ConcertES"], "17 member(s)"),
    (["members", "FÉBISP"], "0 member(s)"),
    (["members", "ConcertES", "--as-of", "1900", "--strict"], "0 member(s)"),
    (["search", "zzqqxx"], "no organisation matches 'zzqqxx'"),
    (["search", "zzqqxx", "--json"], "[]"),
    (["path", "ConcertES", "Avise"], "no chain of relations links"),
    (["path", "ConcertES", "Avise", "--json"], "[]"),
    (["represented-by", "Social Economy Europe"], "none in the graph"),
    (["query", "-e", NOTHING, "--format", "csv"], "s"),
    (["show", "SAW-B"], "SAW-B"),
    (["seats", "ConcertES"], "Seats and mandates of ConcertES"),
    (["represents", "SAW-B"], "none in the graph"),
    (["members", "ConcertES", "--role", "astronaut"], "0 member(s)"),
    (["analyse", "--top", "3"], "reach"),
    (["cache"], "sse-graph cache"),
    (["imports"], "no import yet"),
    (["validate"], "conforms"),
]


@pytest.mark.parametrize("args,shown", ANSWERS, ids=[" ".join(a) for a, _ in ANSWERS])
def test_an_answer_exits_0_even_when_empty(built, capsys, args, shown):
    assert main(args) == 0
    assert shown in capsys.readouterr().out


BAD_INPUT = [  # exit 2; (arguments, a piece of stderr naming the mistake)
    (["members", "Zorglub"], "no organisation matches 'Zorglub'"),
    (["members", "CRESS"], "CRESS Bretagne"),  # a collective node does not silently win
    (["members", "Ville de"], "Ville de Bilbao"),
    (["members", "ConcertES", "--as-of", "31/12/2018"], "not a date"),
    (["query", "-e", "SELEKT ?x WHERE {}"], "syntax"),
    (["query", "-e", NOTHING, "--format", "xml"], "unknown format"),
    (["show", "<https://w3id.org/sse-graph/id/nobody>"], "no organisation has the IRI"),
    (["draw", "-o", "never.html", "--depth", "-1"], "--depth"),
    (["seats", "Zorglub"], "no organisation matches 'Zorglub'"),
    (["represents", "Zorglub"], "no organisation matches 'Zorglub'"),
    (["analyse", "-p", "nonsense"], "unknown projection 'nonsense'"),
    (["analyse", "-m", "nonsense"], "unknown metric(s) nonsense"),
    (["draw", "-o", "never.html", "-p", "nonsense"], "unknown projection 'nonsense'"),
    (["export", "--format", "nonsense"], "unknown export format 'nonsense'"),
    (["serve", "--timeout", "-1"], "must be positive"),
    (["serve", "--fronts", "0"], "--fronts"),
    (["import", "nowhere.csv", "--kind", "organisations"], "nowhere.csv: no such file"),
    (["import", "--undo", "99"], "no import 99"),
    (["frobnicate"], "No such command"),
    (["members"], "Missing argument"),
]


@pytest.mark.parametrize("args,named", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_naming_it(built, capsys, args, named):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_ambiguous_names_list_every_candidate(built, capsys):
    assert main(["members", "CRESS"]) == 2
    err = capsys.readouterr().err
    for name in ("the 17 regional SSE Chambers (CRESS)", "CRESS Bretagne", "CRESS Occitanie", "CRESS HDF"):
        assert name in err


def test_a_bad_query_file_is_named(built, capsys, tmp_path):
    f = tmp_path / "broken.rq"
    f.write_text("PREFIX org: <http://www.w3.org/ns/org#>\nSELECT ?m WHERE { ?m org:memberOf }\n", encoding="utf-8")
    assert main(["query", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:" in err and "syntax" in err


def test_a_failed_check_exits_1(dataset_copy, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSE_GRAPH_CACHE", str(tmp_path / "cache"))
    f = dataset_copy / "graph" / "001_a8e3a8c5c264d9e4.ttl"
    f.write_text(f.read_text(encoding="utf-8") + "\nid:orphan a org:Membership ; org:member id:labo-ess .\n", encoding="utf-8")
    assert main(["build", "--engine", "fast", "--data", str(dataset_copy)]) == 1
    assert main(["validate", "--data", str(dataset_copy)]) == 1
    assert "S01" in capsys.readouterr().err


def test_a_port_in_use_exits_3(built, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 3
    assert f"127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["query", "-e", NOTHING], ["push"]])
def test_an_unreachable_store_exits_3(built, capsys, command):
    url = f"http://127.0.0.1:{free_port()}"
    assert main([*command, "--store", url]) == 3
    assert "cannot reach the store" in capsys.readouterr().err


def test_draw_speaks_english_unless_told(built, tmp_path, capsys):
    en, fr = tmp_path / "en.html", tmp_path / "fr.html"
    assert main(["draw", "-p", "all", "-o", str(en)]) == 0
    assert main(["draw", "-p", "all", "-o", str(fr), "--lang", "fr"]) == 0
    english, french = en.read_text(encoding="utf-8"), fr.read_text(encoding="utf-8")
    assert '"label": "Social economy Observatory"' in english and '"label": "Observatoire de l' not in english
    assert '"label": "Observatoire de l' in french
