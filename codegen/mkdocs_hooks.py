"""mkdocs hooks (see mkdocs.yml): the site is the hand-written ``docs/`` plus what ``make gen`` wrote.

Nothing is copied into ``docs/``: the generated reference pages (``generated/docs/``) and the
published JSON Schema (``generated/jsonschema/lmcontract.schema.json``) join the site's files at
build time, byte for byte, and the reference pages get their section of the navigation here.
mkdocs loads this file by path, so it stands alone (it does not import ``codegen``).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

GENERATED_DOCS = "generated/docs"
JSON_SCHEMA = "generated/jsonschema/lmcontract.schema.json"
REFERENCE = "reference"  # the schema reference (codegen/docs_gen.py REF)
IMPORTERS = "importers"  # the wire formats' pages (codegen/importers_gen.py DOCS)
# Sections of the reference, in the order the navigation shows them.
SECTIONS = {"classes": "Classes", "slots": "Slots", "enums": "Enums", "types": "Types"}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _generated(config: MkDocsConfig) -> dict[str, Path]:
    """Site path (docs-relative, posix) -> file, for every generated file the site carries."""
    root = _root(config)
    folder = root / GENERATED_DOCS / REFERENCE
    if not (folder / "index.md").is_file():
        raise PluginError(f"{GENERATED_DOCS}/{REFERENCE}/index.md is missing: run `make gen` first")
    found = {p.relative_to(root / GENERATED_DOCS).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    importers = root / GENERATED_DOCS / IMPORTERS
    found.update({p.relative_to(root / GENERATED_DOCS).as_posix(): p for p in sorted(importers.glob("*.md"))})
    found[Path(JSON_SCHEMA).name] = root / JSON_SCHEMA
    return found


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Append the schema reference to the hand-written navigation."""
    pages = _generated(config)
    section: list = [{"Overview": f"{REFERENCE}/index.md"}]
    for folder, title in SECTIONS.items():
        entries = [(Path(p).stem, p) for p in pages if p.startswith(f"{REFERENCE}/{folder}/") and p.endswith(".md")]
        section.append({title: [{name: p} for name, p in sorted(entries, key=lambda e: e[0].lower())]})
    importers = [p for p in pages if p.startswith(f"{IMPORTERS}/") and p != f"{IMPORTERS}/index.md"]
    formats = [{"Overview": f"{IMPORTERS}/index.md"}, *({Path(p).stem: p} for p in importers)]
    config.nav = [*(config.nav or []), {"Importers": formats}, {"Schema reference": section}]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated files to the site, refusing any that a hand-written file would shadow."""
    for src_uri, path in _generated(config).items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} collides with the generated {path}; rename the hand-written file")
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files
