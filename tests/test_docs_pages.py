"""What the hand-written docs pages state agrees with the schema and the package."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import lmcontract
from lmcontract.lib.finish_reasons import TRUNCATING

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA = yaml.safe_load((ROOT / "schema" / "lmcontract.yaml").read_text())
FINISH = SCHEMA["enums"]["FinishReason"]["permissible_values"]


def test_vocabulary_table_lists_the_values_in_schema_order():
    text = (DOCS / "finish-reasons.md").read_text()
    section = text[text.index("## The vocabulary") : text.index("## Mapping")]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == list(FINISH)
    truncated = {v for v, t in re.findall(r"^\| `(\w+)` \|.*\| (yes|no) \|$", section, re.M) if t == "yes"}
    said = {v for v, d in FINISH.items() if d.get("annotations", {}).get("truncates")}
    assert truncated == said == set(TRUNCATING) == {"length", "aborted", "paused"}


def test_merging_page_walks_through_the_thirteen_rules_in_order():
    text = (DOCS / "merging.md").read_text()
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", text, re.M)]
    assert numbers == list(range(1, 14))


def test_changelog_leads_with_the_current_version():
    text = (DOCS / "changelog.md").read_text()
    latest = re.findall(r"^### (\d+\.\d+\.\d+)", text, re.M)[0]
    assert latest == SCHEMA["version"] == lmcontract.SCHEMA_VERSION == lmcontract.__version__


@pytest.mark.parametrize("kind", ["classes", "enums"])
def test_reference_pages_name_only_real_json_schema_definitions(kind: str):
    published = json.loads((ROOT / "generated" / "jsonschema" / "lmcontract.schema.json").read_text())["$defs"]
    pages = sorted((ROOT / "generated" / "docs" / "reference" / kind).glob("*.md"))
    assert pages
    claimed = set()
    for page in pages:
        for name in re.findall(r"`#/\$defs/(\w+)`", page.read_text()):
            assert name in published, f"{page.name} points at #/$defs/{name}, which the JSON Schema lacks"
            claimed.add(name)
    if kind == "classes":
        concrete = {c for c, d in SCHEMA["classes"].items() if not d.get("abstract")}
        assert claimed == concrete


def test_reference_pages_import_only_what_lmcontract_exports():
    pages = sorted((ROOT / "generated" / "docs" / "reference").rglob("*.md"))
    imported = {name for page in pages for name in re.findall(r"`from lmcontract import (\w+)`", page.read_text())}
    assert imported, "no reference page shows its import"
    missing = sorted(imported - set(lmcontract.__all__))
    assert not missing, f"reference pages import names lmcontract does not export: {missing}"
