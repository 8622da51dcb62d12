"""Regenerate every artefact from the schema, or check that the committed ones are current.

    python -m codegen          write every artefact
    python -m codegen --check  regenerate in memory; exit 1 and list what differs
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from codegen import arrow_gen, docs_gen, importers_gen, jsonschema_gen, pydantic_gen, tables_gen, typescript_gen
from codegen.common import ROOT, SCHEMA, banner

# Folders that hold nothing but generated files: a stale file in them is drift too.
GENERATED_DIRS = ("src/lmcontract/generated", "generated")


def artefacts() -> dict[str, str]:
    """Every generated file, by path relative to the repository root."""
    jsonschema = jsonschema_gen.generate(SCHEMA)
    files = {
        "src/lmcontract/generated/__init__.py": banner("#")
        + '"""Generated from schema/lmcontract.yaml: the models (models.py), the JSON Schema, and the tables'
        + ' the runtime reads (merge_policy.py, finish_reasons.py)."""\n',
        "src/lmcontract/generated/models.py": pydantic_gen.generate(SCHEMA),
        "src/lmcontract/generated/arrow_schema.py": arrow_gen.generate(SCHEMA),
        "src/lmcontract/generated/lmcontract.schema.json": jsonschema,
        "generated/jsonschema/lmcontract.schema.json": jsonschema,
        **importers_gen.generate(SCHEMA),
    }
    # Every generator runs, or generation fails: a generator that cannot run must not leave
    # its committed files to be deleted as stale.
    files.update(tables_gen.generate(SCHEMA))
    files.update(docs_gen.generate(SCHEMA))
    if typescript_gen.available():
        files[typescript_gen.OUTPUT] = typescript_gen.generate(jsonschema)
    return dict(sorted(files.items()))


def on_disk() -> dict[str, Path]:
    found = {}
    for folder in GENERATED_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(ROOT).as_posix()] = path
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if committed artefacts differ")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    fresh = artefacts()
    existing = on_disk()
    if typescript_gen.OUTPUT not in fresh:
        # The TypeScript types need node and the pinned npm tools; without them the committed
        # types are kept as they are (and checked where node is, as in CI).
        message = "TypeScript types not regenerated: node or node_modules missing (run `npm ci`)"
        if os.environ.get("LMCONTRACT_REQUIRE_NODE"):
            print(f"error: {message}", file=sys.stderr)
            return 1
        print(f"note: {message}", file=sys.stderr)
        existing.pop(typescript_gen.OUTPUT, None)
    if args.check:
        stale = sorted(set(existing) - set(fresh))
        changed = sorted(p for p, text in fresh.items() if p not in existing or existing[p].read_text() != text)
        for path in changed:
            print(f"differs from a fresh regeneration: {path}", file=sys.stderr)
        for path in stale:
            print(f"not produced by the generators (stale or hand-made): {path}", file=sys.stderr)
        if changed or stale:
            print("generated artefacts are out of date: run `make gen` and commit", file=sys.stderr)
            return 1
        print(f"generated artefacts match the schema ({len(fresh)} files)")
        return 0
    for path in set(existing) - set(fresh):
        existing[path].unlink()
    for path, text in fresh.items():
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    print(f"regenerated {len(fresh)} files in {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
