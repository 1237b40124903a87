"""What a user types comes back in an error message as text: rich markup in a name
that matches nothing is not read as markup (it raised MarkupError, a traceback and
exit 1), and an escape sequence, a bidi override or a line end reaches the terminal
only as its code point.  Real command lines on the seed graph, in a child process."""
from __future__ import annotations

import subprocess
import sys

import pytest

HOSTILE = {
    "[/red]zzz": "'[/red]zzz'",  # a closing tag that matches nothing: rich raised MarkupError
    "[bold]qqq[/bold]": "'[bold]qqq[/bold]'",
    "\u202eqqq": "'<U+202E>qqq'",  # a right-to-left override
    "\x1b[31mqqq": "'<U+001B>[31mqqq'",  # an ANSI colour: the terminal would obey it
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", list(HOSTILE), ids=["closing-tag", "bold", "rlo", "ansi"])
def test_a_name_matching_nothing_is_told_back_as_text(built, name):
    r = run("members", name)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert f"no organisation matches {HOSTILE[name]}" in r.stderr
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr


def test_every_error_line_shows_control_characters_by_code_point(capsys):
    """NUL cannot travel in an argument: the message is raised from inside the command."""
    from sse_graph.cli import main
    from sse_graph.errors import NotFoundError

    import sse_graph.cli.questions as questions

    def boom(*_a, **_k):
        raise NotFoundError(f"no organisation matches {'q' + chr(0) + chr(0x202e) + '[/red]'!r}",
                            suggestions=["A\u202eB", "C\x1bD"])

    mp = pytest.MonkeyPatch()
    mp.setattr(questions, "_questions", boom)
    try:
        assert main(["members", "x"]) == 2
    finally:
        mp.undo()
    err = capsys.readouterr().err
    assert "\x00" not in err and "\u202e" not in err and "\x1b" not in err
    assert "A<U+202E>B" in err and "C<U+001B>D" in err


def test_an_ambiguous_name_lists_its_candidates_as_text(built):
    r = run("members", "Ré[/]")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "'Ré[/]' matches" in r.stderr
