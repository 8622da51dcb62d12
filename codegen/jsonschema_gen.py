"""The published JSON Schema, from LinkML's own JsonSchemaGenerator plus the corrections below.

LinkML 1.12's JSON Schema generator, measured on this schema:

- a slot whose range is the abstract LMPart refers to LMPart itself, which forbids every field
  of every kind, so no text part would validate; parts become a ``oneOf`` over the concrete
  kinds, each fixed by its ``type`` constant;
- a class-level ``any_of`` (media: data, url or file id) stays on the abstract MediaPart and is
  not inherited by the kinds; it is copied down;
- ``Any`` admits every JSON type but arrays; arrays are admitted. ``JsonObject`` admits objects only;
- array slots come out as nested arrays of numbers, which loses the dtype; they become the
  EncodedTensor object the Python side writes, with the rank fixed by the declared dimensions;
- the rule "a complete response (no chunk_mode) has at least one output, each with at least one
  part or at least one token id" is added as an if/then.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkml.generators.jsonschemagen import JsonSchemaGenerator
from linkml_runtime.utils.schemaview import SchemaView

SCHEMA_ID = "https://w3id.org/lmcontract/lmcontract.schema.json"

# What the JSON Schema cannot state, and Pydantic (and `lmcontract validate`) checks instead.
NOT_EXPRESSIBLE = [
    "LMOutput: logprobs and token_ids, when both are present, have the same length and agree on token_id.",
    "LMResponse: no two outputs share an index.",
    "LMResponse: prompt_logprobs, when present with prompt_token_ids, has one entry per prompt token"
    " from the second on.",
    "EncodedTensor: the base64 data holds exactly prod(shape) elements of dtype.",
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


# A tool call in a complete response or a message names its tool; a chunk may leave it out.
NAMED_TOOL_CALL = {
    "if": {"properties": {"type": {"const": "tool_call"}}},
    "then": {"required": ["name"]},
}


def _completeness_rule() -> dict[str, Any]:
    # An output of a run without a tokenizer has token ids and no parts at all.
    has_parts = {"required": ["parts"], "properties": {"parts": {"type": "array", "minItems": 1}}}
    has_tokens = {"required": ["token_ids"], "properties": {"token_ids": {"type": "array", "minItems": 1}}}
    parts = {"type": ["array", "null"], "items": NAMED_TOOL_CALL}
    return {
        "if": {"not": {"required": ["chunk_mode"]}},
        "then": {
            "required": ["outputs"],
            "properties": {
                "outputs": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"anyOf": [has_parts, has_tokens], "properties": {"parts": parts}},
                }
            },
        },
    }


def generate(schema: Path) -> str:
    sv = SchemaView(str(schema))
    # Nulls are admitted where a slot is optional, as Pydantic admits None there.
    gen = JsonSchemaGenerator(str(schema), top_class="LMResponse", include_null=True)
    doc: dict[str, Any] = json.loads(gen.serialize())
    defs: dict[str, Any] = doc["$defs"]

    parts = [n for n in sv.class_descendants("LMPart", reflexive=False) if not sv.get_class(n).abstract]
    order = list(sv.all_classes())
    parts.sort(key=order.index)
    abstract = [n for n, c in sv.all_classes().items() if c.abstract]

    for name in abstract:
        inherited = defs[name].get("anyOf")
        if inherited:
            for child in sv.class_descendants(name, reflexive=False):
                defs[child]["anyOf"] = inherited

    def fix_properties(props: dict[str, Any], owner: str) -> None:
        for slot_name, prop in props.items():
            items = prop.get("items", {})
            if items.get("$ref") == "#/$defs/LMPart":
                # The kind's own definition admits a missing type (Python defaults it); in a
                # list of parts the type is what tells the kinds apart, so it is required.
                prop["items"] = {"oneOf": [_ref(p) for p in parts], "required": ["type"]}
                if owner == "LMMessage":
                    prop["items"].update(NAMED_TOOL_CALL)
            slot = sv.induced_slot(slot_name, owner)
            if slot.array is not None:
                dims = [d.alias for d in slot.array.dimensions]
                encoded = {
                    "allOf": [
                        _ref("EncodedTensor"),
                        {"properties": {"shape": {"minItems": len(dims), "maxItems": len(dims)}}},
                    ]
                }
                props[slot_name] = {
                    "description": slot.description,
                    "anyOf": [encoded, {"type": "null"}],
                    "x-dimensions": dims,
                }

    for name, d in defs.items():
        if "properties" in d and name in sv.all_classes():
            fix_properties(d["properties"], name)
    fix_properties(doc["properties"], "LMResponse")

    defs["Any"]["type"] = ["null", "boolean", "object", "array", "number", "string"]
    defs["JsonObject"] = {
        "description": sv.get_class("JsonObject").description,
        "title": "JsonObject",
        "type": "object",
        "additionalProperties": True,
    }
    for name in abstract:
        del defs[name]
    for name in parts:
        defs[name]["required"] = [r for r in defs[name].get("required", []) if r != "type"]
        if not defs[name]["required"]:
            del defs[name]["required"]

    defs["LMResponse"].update(_completeness_rule())
    doc.update(_completeness_rule())
    doc["$id"] = SCHEMA_ID
    doc["$comment"] = "Generated from schema/lmcontract.yaml. Not expressible here, checked by lmcontract: " + " ".join(
        NOT_EXPRESSIBLE
    )
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
