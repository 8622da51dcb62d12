"""TypeScript types (``generated/typescript/lmcontract.d.ts``) from the published JSON Schema.

LinkML 1.12's own TypeScript generator types enums as ``string``, gives parts no literal ``type``
to narrow on, and ``tsc`` rejects its output. ``json-schema-to-typescript`` (npm, pinned in
``package.json`` and ``package-lock.json``) run on the published JSON Schema gives a union of part
kinds with literal ``type``s, which ``tsc --strict`` narrows. It is given a copy of the schema
with these changes, which only concern naming and what TypeScript can state:

- the root is named ``LMResponse`` (it is the LMResponse definition, which the published schema
  repeats at its root), and every definition gets its own name as ``title``;
- a ``$ref`` with sibling keywords (a slot's description beside its class) is reduced to the
  ``$ref``: otherwise every such use becomes a copy of the type (``Citation1``, ``Role1``, ...);
- an ``allOf`` of a ``$ref`` and bare constraints (a tensor's rank as ``minItems``/``maxItems``)
  is reduced to the ``$ref``; a class-level ``anyOf`` of required fields (media: data, url or
  file id) is left to the JSON Schema, since TypeScript states it only as an intersection of
  anonymous types;
- where a list's items require ``type`` (parts), each part kind requires it too, so that every
  part read from JSON has the discriminant; the union of the kinds is named ``LMPart``.

Needs node and the pinned tools (``npm ci``); ``available()`` says whether they are there.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from typing import Any

from codegen.common import ROOT, banner
from codegen.pydantic_gen import PART_ROOT

JSON2TS = ROOT / "node_modules" / ".bin" / "json2ts"
OUTPUT = "generated/typescript/lmcontract.d.ts"
ROOT_NAME = "LMResponse"


def available() -> bool:
    """True when node and the pinned json-schema-to-typescript are installed (``npm ci``)."""
    return shutil.which("node") is not None and JSON2TS.exists()


def _ref_only(node: Any) -> Any:
    if isinstance(node, list):
        return [_ref_only(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": node["$ref"]}
    if "allOf" in node:
        refs = [m for m in node["allOf"] if "$ref" in m]
        if len(refs) == 1:
            return {"$ref": refs[0]["$ref"]}
    return {k: _ref_only(v) for k, v in node.items()}


def prepare(published: dict[str, Any]) -> dict[str, Any]:
    """The copy of the published schema that json-schema-to-typescript is given."""
    defs = copy.deepcopy(published["$defs"])
    # Items that require the discriminant: each kind they allow requires it too.
    for definition in list(defs.values()):
        for prop in definition.get("properties", {}).values():
            items = prop.get("items", {})
            if "oneOf" not in items:
                continue
            for member in items["oneOf"]:
                name = member["$ref"].rsplit("/", 1)[-1]
                required = defs[name].setdefault("required", [])
                required += [r for r in items.get("required", []) if r not in required]
            defs.setdefault(PART_ROOT, {"oneOf": items["oneOf"]})
            prop["items"] = {"$ref": f"#/$defs/{PART_ROOT}"}
    defs = _ref_only(defs)
    for name, definition in defs.items():
        definition["title"] = name
        if "properties" in definition:
            definition.pop("anyOf", None)
    root = defs.pop(ROOT_NAME)
    return {"$schema": published["$schema"], "$id": published["$id"], **root, "$defs": defs}


def generate(jsonschema_text: str) -> str:
    schema = prepare(json.loads(jsonschema_text))
    result = subprocess.run(
        [
            str(JSON2TS),  # no --input: it reads standard input
            "--unknownAny",
            "--unreachableDefinitions",
            "--no-additionalProperties",
            "--bannerComment",
            "/* eslint-disable */\n" + banner("//").replace(" (python -m codegen)", "").rstrip("\n"),
        ],
        input=json.dumps(schema),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"json2ts failed: {result.stderr.strip()}")
    return result.stdout
