"""What every generator shares: where things are, and the do-not-edit banner."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "lmcontract.yaml"
LINKML_VERSION = version("linkml")


def banner(comment: str, source: str = "schema/lmcontract.yaml", what: str = "schema") -> str:
    lines = [
        "GENERATED FILE: DO NOT EDIT.",
        f"Produced by `make gen` (python -m codegen) from {source} with linkml {LINKML_VERSION}.",
        f"Change the {what} or the generator, then regenerate; `make check-gen` fails on any hand edit.",
    ]
    return "".join(f"{comment} {line}\n" for line in lines)
