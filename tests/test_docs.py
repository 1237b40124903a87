"""What a clone needs: the licences, the citation, the modelling notes in docs/, and
the ontology's documentation page regenerated from the ontology as it is."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python -m pylode ontology/sse.ttl -o docs/ontology.html"


def test_docs_ontology_html_is_generated_from_the_current_ontology(tmp_path):
    out = tmp_path / "ontology.html"
    r = subprocess.run([sys.executable, "-m", "pylode", str(ROOT / "ontology" / "sse.ttl"), "-o", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8"), \
        f"docs/ontology.html is out of date: run `{REGENERATE}`"


def test_the_ontology_page_documents_every_class_offline():
    page = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    classes = re.findall(r"^(sse:\w+) a owl:Class", (ROOT / "ontology" / "sse.ttl").read_text(encoding="utf-8"), re.M)
    assert len(classes) > 30
    missing = [c for c in classes if f"https://w3id.org/sse-graph/ontology#{c[4:]}" not in page]
    assert not missing
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)  # nothing loaded from elsewhere


def test_the_readme_cites_nothing_outside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"shared/\w+\.md", readme)
    for name in re.findall(r"\]\(((?:docs|ontology|graph)/[^)#]+)\)", readme) + ["LICENSE", "LICENSE-DATA", "CITATION.cff"]:
        assert (ROOT / name).is_file(), name
