"""What the hand-written docs pages state agrees with the schema and the package."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import lmcontract

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA = yaml.safe_load((ROOT / "schema" / "lmcontract.yaml").read_text())
FINISH = SCHEMA["enums"]["FinishReason"]["permissible_values"]
PROVIDERS = ["OpenAI", "OpenAI Responses", "Anthropic", "Gemini", "vLLM", "LMDeploy", "OpenTelemetry GenAI"]


def mapping_table() -> tuple[list[str], list[list[str]]]:
    text = (DOCS / "finish-reasons.md").read_text()
    section = text[text.index("## Mapping from each provider") :]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    body = [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]
    return header, body


def test_finish_reason_table_has_every_provider_and_every_value():
    header, body = mapping_table()
    assert header == ["Unified", *PROVIDERS]
    unified = [re.fullmatch(r"`(\w+)`", row[0]).group(1) for row in body]
    assert unified == list(FINISH)


def test_finish_reason_table_agrees_with_the_schema():
    """A provider value the schema's descriptions name must map where the schema says."""
    _, body = mapping_table()
    descriptions = {value: " ".join(d["description"].split()) for value, d in FINISH.items()}
    checked = 0
    for row in body:
        unified = row[0].strip("`")
        for provider, cell in zip(PROVIDERS, row[1:], strict=True):
            for raw in re.findall(r"`([^`]+)`", cell):
                named_in = [v for v, d in descriptions.items() if re.search(rf"(?<![\w-]){re.escape(raw)}(?![\w-])", d)]
                if named_in:
                    checked += 1
                    assert unified in named_in, f"{provider} {raw} -> {unified}, but the schema says {named_in}"
    assert checked >= 20


def test_vocabulary_table_lists_the_values_in_schema_order():
    text = (DOCS / "finish-reasons.md").read_text()
    section = text[text.index("## The vocabulary") : text.index("## Mapping")]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == list(FINISH)
    truncated = {v for v, t in re.findall(r"^\| `(\w+)` \|.*\| (yes|no) \|$", section, re.M) if t == "yes"}
    said = {v for v, d in FINISH.items() if "output is truncated" in d["description"].lower()}
    assert truncated == said == {"length", "aborted", "paused"}


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
