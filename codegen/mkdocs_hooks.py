"""mkdocs hooks (see mkdocs.yml): the site is the hand-written ``docs/`` plus what ``make gen`` wrote.

Nothing is copied into ``docs/``: the generated reference pages (``generated/docs/``), the
published JSON Schema (``generated/jsonschema/lmcontract.schema.json``) and the TypeScript types
(``generated/typescript/lmcontract.d.ts``) join the site's files at build time, byte for byte, and
the reference pages get their section of the navigation here. The datasets page's plot is drawn
here, at build time, from a real DuckDB query over a dataset written by ``lmcontract.arrow``.
mkdocs loads this file by path, so it stands alone (it does not import ``codegen``).
"""

from __future__ import annotations

import html
import sys
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

GENERATED_DOCS = "generated/docs"
JSON_SCHEMA = "generated/jsonschema/lmcontract.schema.json"
TYPESCRIPT = "generated/typescript/lmcontract.d.ts"
PLOT_MARKER = "<!-- lmcontract: finish reasons by model -->"
# The query the plot draws; shown on the page as it is run.
PLOT_SQL = "SELECT model, finish_reason, count(*) AS n FROM outputs GROUP BY ALL ORDER BY model, finish_reason"
PLOT_CORPUS = 10_000  # responses of bench/corpus.py, seed 0
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
    found[Path(TYPESCRIPT).name] = root / TYPESCRIPT
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


# -- the datasets page's plot --------------------------------------------------------------------
def finish_reasons_by_model(folder: Path) -> list[tuple[str, str, int]]:
    """(model, finish reason, outputs) from PLOT_SQL, run by DuckDB over a dataset folder."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW outputs AS SELECT * FROM read_parquet('{folder}/outputs/*.parquet')")
    return [tuple(row) for row in con.execute(PLOT_SQL).fetchall()]


def plot_rows(root: Path) -> list[tuple[str, str, int]]:
    """Write the corpus as a dataset with lmcontract.arrow, then query it."""
    sys.path.insert(0, str(root))
    try:
        from bench.corpus import responses
        from lmcontract.arrow import write_dataset
    finally:
        sys.path.remove(str(root))
    with tempfile.TemporaryDirectory(prefix="lmcontract-docs-") as tmp:
        write_dataset(responses(PLOT_CORPUS, seed=0), Path(tmp) / "ds")
        return finish_reasons_by_model(Path(tmp) / "ds")


COLOURS = {
    "stop": "#3f51b5",
    "tool_call": "#26a69a",
    "length": "#ffa726",
    "content_filter": "#ef5350",
    "error": "#8d6e63",
    "aborted": "#ab47bc",
    "paused": "#78909c",
    "other": "#bdbdbd",
}


def svg_plot(rows: list[tuple[str, str, int]]) -> str:
    """A stacked bar per model: the share of each finish reason, counts in the tooltips."""
    models = sorted({m for m, _, _ in rows})
    reasons = [r for r in COLOURS if any(r == x for _, x, _ in rows)]
    count = {(m, r): n for m, r, n in rows}
    left, width, bar, gap = 210, 520, 26, 12
    height = 40 + len(models) * (bar + gap) + 40
    out = [
        f'<svg class="finish-reason-plot" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {left + width + 20} {height}" width="100%" aria-labelledby="frp-title">',
        '<title id="frp-title">Finish reasons by model: share of outputs</title>',
        '<style>text{font:13px sans-serif;fill:currentColor}</style>',
    ]
    for i, model in enumerate(models):
        y = 30 + i * (bar + gap)
        total = sum(count.get((model, r), 0) for r in reasons)
        out.append(f'<text x="{left - 8}" y="{y + bar / 2 + 4}" text-anchor="end">{html.escape(model)}</text>')
        x = float(left)
        for reason in reasons:
            n = count.get((model, reason), 0)
            if not n:
                continue
            w = width * n / total
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{COLOURS[reason]}" '
                f'data-model="{html.escape(model)}" data-reason="{reason}" data-n="{n}">'
                f"<title>{html.escape(model)}: {reason} {n} of {total} ({100 * n / total:.1f}%)</title></rect>"
            )
            x += w
    y = height - 22
    x = float(left)
    for reason in reasons:
        out.append(f'<rect x="{x:.0f}" y="{y - 10}" width="12" height="12" fill="{COLOURS[reason]}"/>')
        out.append(f'<text x="{x + 16:.0f}" y="{y}">{reason}</text>')
        x += 24 + 8 * len(reason)
    out.append("</svg>")
    return "\n".join(out)


def plot_section(root: Path) -> str:
    rows = plot_rows(root)
    models = sorted({m for m, _, _ in rows})
    reasons = [r for r in COLOURS if any(r == x for _, x, _ in rows)]
    count = {(m, r): n for m, r, n in rows}
    table = ["| model | " + " | ".join(reasons) + " |", "| --- |" + " ---: |" * len(reasons)]
    table += [f"| {m} | " + " | ".join(str(count.get((m, r), 0)) for r in reasons) + " |" for m in models]
    return "\n".join(
        [
            f'<figure markdown="span">\n{svg_plot(rows)}\n<figcaption>Finish reasons by model, '
            f"{sum(n for *_, n in rows):,} outputs of {PLOT_CORPUS:,} responses: drawn when this site was built, "
            "from the query below.</figcaption>\n</figure>",
            "",
            "```sql",
            PLOT_SQL,
            "```",
            "",
            *table,
        ]
    )


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    if PLOT_MARKER in markdown:
        markdown = markdown.replace(PLOT_MARKER, plot_section(_root(config)))
    return markdown
