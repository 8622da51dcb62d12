"""The importers' docs pages and usage mappings come from schema/importers.yaml and say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from lmcontract.generated.importer_usage import USAGE
from lmcontract.importers import FORMATS, importer
from lmcontract.importers.usage import usage_fields

ROOT = Path(__file__).resolve().parent.parent
DATA = yaml.safe_load((ROOT / "schema" / "importers.yaml").read_text())["formats"]
PAGES = ROOT / "generated" / "docs" / "importers"


def test_every_convert_format_has_its_data_and_page():
    hosted = {"openai-chat", "openai-completions", "openai-responses", "anthropic", "gemini"}
    assert hosted <= set(FORMATS)
    assert hosted <= set(DATA) <= set(FORMATS)
    for name in DATA:
        assert (PAGES / f"{name}.md").is_file()
        assert importer(name).__name__ == DATA[name]["module"]


def test_the_importers_run_the_usage_mapping_the_page_shows():
    for name in DATA:
        module = importer(name)
        assert dict(module.USAGE) == USAGE[name]
        page = (PAGES / f"{name}.md").read_text()
        for field, paths in USAGE[name].items():
            assert f"| `{field}` | {' + '.join(f'`{p}`' for p in paths)} |" in page


def test_anthropic_usage_mapping_adds_the_cache_to_input_tokens():
    wire = {"input_tokens": 100, "cache_read_input_tokens": 55096, "cache_creation_input_tokens": 0,
            "output_tokens": 7}
    assert usage_fields(USAGE["anthropic"], wire)["input_tokens"] == 55196


def test_gemini_usage_mapping_adds_thoughts_to_output_tokens():
    wire = {"promptTokenCount": 10, "candidatesTokenCount": 5, "thoughtsTokenCount": 20, "totalTokenCount": 35}
    fields = usage_fields(USAGE["gemini"], wire)
    assert (fields["output_tokens"], fields["reasoning_tokens"]) == (25, 20)


def test_every_page_links_only_to_classes_that_exist():
    classes = {p.stem for p in (ROOT / "generated" / "docs" / "reference" / "classes").glob("*.md")}
    for page in PAGES.glob("*.md"):
        for cls in re.findall(r"\(\.\./reference/classes/(\w+)\.md\)", page.read_text()):
            assert cls in classes, (page.name, cls)
