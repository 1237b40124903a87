"""A partner's spreadsheet as an attacker (or a careless export) makes it: control
characters and bidi overrides in cells, another encoding, a huge file, a zip bomb.
Each is refused naming the file (and the row and column), exit 2, nothing written;
the errors print one a line.  Real command lines on a copy of the seed graph."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

HEADER = "id,label_en,kind,country,source\n"


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(dataset_copy, built):
    return dataset_copy


def run(*args):
    return subprocess.run([sys.executable, "-m", "sse_graph", *args], capture_output=True, text=True, env=os.environ,
                          timeout=120)


def refused(data: Path, table: Path) -> subprocess.CompletedProcess:
    before = snapshot(data)
    r = run("import", str(table), "--kind", "organisations", "--data", str(data))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(data) == before, "nothing is written"
    return r


@pytest.mark.parametrize("cell, code", [("Coop\x00NUL", "U+0000"), ("Coop\x1b[31mred", "U+001B"),
                                         ("Coop \u202egnp.exe", "U+202E"), ("Coop \u2067x\u2069", "U+2067"),
                                         ("Coop\r\nFAKE LINE", "U+000D"), ("\x7fDEL", "U+007F")])
def test_a_cell_with_a_control_or_bidi_override_is_refused_by_row_and_column(data, tmp_path, cell, code):
    table = tmp_path / "partners.csv"
    quoted = '"' + cell.replace('"', '""') + '"'
    table.write_text(HEADER + "good-coop,Bonne coopérative,cooperative,BE,list 2024\n"
                     f"bad-coop,{quoted},cooperative,BE,list 2024\n", encoding="utf-8", newline="")
    r = refused(data, table)
    line = next(line for line in r.stderr.splitlines() if f"{table}:3:label_en: " in line)
    assert code in line
    for c in ("\x00", "\x1b", "\u202e", "\u2067", "\r", "\x7f"):
        assert c not in r.stderr


def test_every_problem_is_on_its_own_line(data, tmp_path):
    table = tmp_path / "two.csv"
    table.write_text(HEADER + "bad-one,\"a\x1bb\",cooperative,BE,list\nbad-two,b,cooperative,XX,\"s\x00\"\n",
                     encoding="utf-8", newline="")
    lines = refused(data, table).stderr.splitlines()
    assert lines[0] == "error: 3 error(s); nothing was imported"
    assert lines[1].startswith(f"{table}:2:label_en: U+001B")
    assert any(x.startswith(f"{table}:3:country: ") for x in lines[2:])
    assert any(x.startswith(f"{table}:3:source: U+0000") for x in lines[2:])
    assert "⏎" not in "\n".join(lines)


def test_a_table_in_another_encoding_is_named_by_line(data, tmp_path):
    table = tmp_path / "latin1.csv"
    table.write_bytes((HEADER + "latin-coop,Coopérative,cooperative,BE,list\n").encode("latin-1"))
    r = refused(data, table)
    assert f"{table}: cannot be read as a table: not UTF-8: byte 0xE9 on line 2" in r.stderr


def test_excel_unicode_text_utf16_is_read(data, tmp_path):
    table = tmp_path / "unicode.csv"
    table.write_bytes((HEADER + "utf16-coop,Coopérative ünicode,cooperative,BE,list\n").encode("utf-16"))
    r = run("import", str(table), "--kind", "organisations", "--dry-run", "--data", str(data))
    assert r.returncode == 0, r.stderr
    assert '"Coopérative ünicode"@en' in r.stdout


def test_a_huge_file_is_refused_before_it_is_read(data, tmp_path):
    from sse_graph.importer.read import MAX_BYTES

    table = tmp_path / "huge.csv"
    with table.open("wb") as f:  # sparse: no disk, no time
        f.write(HEADER.encode())
        f.truncate(MAX_BYTES + 1)
    r = refused(data, table)
    assert f"{table}: cannot be read as a table: " in r.stderr and "split it" in r.stderr


def test_a_zip_bomb_workbook_is_refused(data, tmp_path):
    table = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(table, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(5):  # 5 x 220 MB of zeros: about 1 MB on disk
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as f:
                block = b"0" * 2**20
                for _ in range(220):
                    f.write(block)
    assert table.stat().st_size < 5 * 2**20
    r = refused(data, table)
    assert f"{table}: cannot be read as a table: unpacks to" in r.stderr


def test_a_file_that_is_not_a_workbook_is_refused(data, tmp_path):
    table = tmp_path / "fake.xlsx"
    table.write_text(HEADER, encoding="utf-8")
    assert f"{table}: cannot be read as a table: not an .xlsx workbook" in refused(data, table).stderr


def test_a_file_name_cannot_steer_where_the_import_is_written(data, tmp_path):
    import re

    odd = tmp_path / "..%2f..%2fetc;rm -rf ~.csv"
    odd.write_text(HEADER + "odd-name-coop,Coop,cooperative,BE,list\n", encoding="utf-8")
    r = run("import", str(odd), "--kind", "organisations", "--dry-run", "--data", str(data))
    assert r.returncode == 0, r.stderr
    target = Path(re.search(r"would go into (\S+\.ttl)", r.stdout).group(1))
    assert target.parent == data / "graph"
    assert re.fullmatch(r"import-[a-z0-9-]+\.ttl", target.name), target.name
