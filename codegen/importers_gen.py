"""The importers' data (``schema/importers.yaml``) to the usage mappings they run and their docs pages.

- ``src/lmcontract/generated/importer_usage.py``: per wire format, the contract's usage fields
  and the wire counts that add up to each (``lmcontract.importers.usage`` applies them);
- ``generated/docs/importers/<format>.md``: one page per format with the field table, the
  usage normalisation and what is kept in ``provider_data``; ``index.md`` lists them.

Every ``lands`` must name a ``Class.slot`` of the schema and every usage key an ``LMUsage`` slot;
anything else stops the generation, so the pages cannot name a field the contract lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from linkml_runtime.utils.schemaview import SchemaView

from codegen.common import ROOT, banner

DATA = ROOT / "schema" / "importers.yaml"
DOCS = "generated/docs/importers"


def _banner(comment: str) -> str:
    return banner(comment, source="schema/importers.yaml", what="data")


def load(schema: Path) -> dict[str, Any]:
    data = yaml.safe_load(DATA.read_text())
    sv = SchemaView(str(schema))
    usage_slots = set(sv.class_slots("LMUsage"))
    for name, fmt in data["formats"].items():
        for field in fmt["usage"]:
            if field not in usage_slots:
                raise ValueError(f"importers.yaml: {name}: usage: {field!r} is not an LMUsage slot")
        for row in fmt["fields"]:
            cls, _, slot = row["lands"].partition(".")
            if sv.get_class(cls) is None or slot not in sv.class_slots(cls):
                raise ValueError(f"importers.yaml: {name}: {row['wire']!r} lands on {row['lands']!r}, not a Class.slot")
    return data


def _usage_module(data: dict[str, Any]) -> str:
    lines = [
        _banner("#"),
        '"""Per wire format: contract usage field -> the wire counts (dotted paths) whose sum it is."""\n',
        "USAGE: dict[str, dict[str, tuple[str, ...]]] = {",
    ]
    for name, fmt in data["formats"].items():
        lines.append(f"    {name!r}: {{")
        for field, paths in fmt["usage"].items():
            inner = ", ".join(repr(p) for p in paths) + ("," if len(paths) == 1 else "")
            lines.append(f"        {field!r}: ({inner}),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _page(name: str, fmt: dict[str, Any]) -> str:
    head = "<!--\n" + _banner("").replace("\n ", "\n").lstrip() + "-->\n\n"
    out = [f"# {fmt['title']}", "", _cell(fmt["description"]), "",
           f"`lmcontract convert --from {name} FILE` and `{fmt['module']}`: `from_payload(payload)`, "
           "`StreamImporter().feed(event)` / `close()`, `import_stream(events)`.", "",
           "## Where each wire field lands", "", "| Wire field | Contract field | Note |", "| --- | --- | --- |"]
    for row in fmt["fields"]:
        cls = row["lands"].partition(".")[0]
        link = f"[`{row['lands']}`](../reference/classes/{cls}.md)"
        out.append(f"| `{_cell(row['wire'])}` | {link} | {_cell(row.get('note', ''))} |")
    out += ["", "## Usage", "",
            "The contract's `input_tokens` includes cached tokens and its `output_tokens` includes "
            "reasoning tokens. Counts are totals for the call: a stream's later counts replace "
            "earlier ones, never add to them.", "",
            "| Contract field | Sum of the wire counts |", "| --- | --- |"]
    for field, paths in fmt["usage"].items():
        out.append(f"| `{field}` | {' + '.join(f'`{p}`' for p in paths)} |")
    out += ["", "## Finish reasons", "",
            f"The {fmt['finish_reasons']} column of [Finish reasons](../finish-reasons.md) maps them; "
            "the raw value is kept in `provider_finish_reason`.", "",
            "## Kept verbatim", "", "| What | Where | Why |", "| --- | --- | --- |"]
    for row in fmt["provider_data"]:
        out.append(f"| {_cell(row['what'])} | `{_cell(row['where'])}` | {_cell(row['why'])} |")
    return head + "\n".join(out) + "\n"


def _index(data: dict[str, Any]) -> str:
    head = "<!--\n" + _banner("").replace("\n ", "\n").lstrip() + "-->\n\n"
    out = ["# Importers", "",
           "What each provider's wire format carries, and where it lands in the contract.", "",
           "| Format (`--from`) | Provider | What |", "| --- | --- | --- |"]
    for name, fmt in data["formats"].items():
        out.append(f"| [`{name}`]({name}.md) | {fmt['title']} | {_cell(fmt['description'])} |")
    return head + "\n".join(out) + "\n"


def generate(schema: Path) -> dict[str, str]:
    data = load(schema)
    files = {"src/lmcontract/generated/importer_usage.py": _usage_module(data), f"{DOCS}/index.md": _index(data)}
    for name, fmt in data["formats"].items():
        files[f"{DOCS}/{name}.md"] = _page(name, fmt)
    return files
