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
- the schema's completeness rule (LMResponse ``rules:``) comes out wrong: its preconditions
  "chunk_mode and error both absent" become "not both present", and ``minimum_cardinality`` is
  dropped. The rule is translated here from the schema instead (absent meaning missing or
  null, as in Pydantic), with what a LinkML rule cannot say about list members: each output of
  such a response has a part unless it carries an error, a filter withheld it (finish reason
  content_filter) or it holds token ids alone (a model run without a tokenizer), and a complete
  response's tool calls name their tool.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkml.generators.jsonschemagen import JsonSchemaGenerator
from linkml_runtime.utils.schemaview import SchemaView

from codegen.pydantic_gen import tensor_dtypes, truncating_finish_reasons
from lmcontract.lib.base import MAX_VALUE_DEPTH, NEG_INFINITY_TEXT
from lmcontract.lib.jsontext import MAX_DEPTH

SCHEMA_ID = "https://w3id.org/lmcontract/lmcontract.schema.json"

# What the JSON Schema cannot state, and Pydantic (and `lmcontract validate`) checks instead.
NOT_EXPRESSIBLE = [
    "LMOutput: logprobs and token_ids, when both are present, have the same length and agree on token_id.",
    "LMOutput: logits and last_hidden_state, when token_ids are present too, have one row per token id.",
    "LMResponse: no two outputs share an index.",
    "LMResponse: prompt_logprobs, when present with prompt_token_ids, has one entry per prompt token"
    " from the second on.",
    "EncodedTensor: the base64 data holds exactly prod(shape) elements of dtype.",
    "Citation: end_index is not before start_index.",
    f"Any and JsonObject values nest at most {MAX_VALUE_DEPTH} levels, and a JSON text at most {MAX_DEPTH}"
    " (the reader's limit); JSON text has no duplicate keys.",
]
# How JSON carries a log-probability of minus infinity (lmcontract.lib.base.LogProbability).
LOG_PROBABILITY = "LogProbability"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


# A tool call in a complete response or a message names its tool; a chunk may leave it out.
NAMED_TOOL_CALL = {
    "if": {"properties": {"type": {"const": "tool_call"}}},
    "then": {"required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}},
}


# An output a filter withheld (finish reason content_filter) may have no parts.
WITHHELD = {"required": ["finish_reason"], "properties": {"finish_reason": {"const": "content_filter"}}}


def _absent(slot: str) -> dict[str, Any]:
    """Missing, or null (Pydantic reads null as absent)."""
    return {"properties": {slot: {"type": "null"}}}


def _rule(sv: SchemaView, cls: str) -> dict[str, Any]:
    """The class's schema rules as JSON Schema if/then, with the list-member conditions added."""
    checks: list[dict[str, Any]] = []
    for rule in sv.get_class(cls).rules or []:
        when = [_absent(s) for s, c in rule.preconditions.slot_conditions.items() if c.value_presence == "ABSENT"]
        then: dict[str, Any] = {"required": [], "properties": {}}
        for slot, cond in rule.postconditions.slot_conditions.items():
            if cond.required:
                then["required"].append(slot)
            prop = then["properties"].setdefault(slot, {})
            if cond.minimum_cardinality is not None:
                prop.update(type="array", minItems=int(cond.minimum_cardinality))
        if "outputs" in then["properties"]:
            # Not stateable as a LinkML rule: each output has a part, or an error saying why not,
            # or token ids alone (a model run without a tokenizer has no text to show).
            then["properties"]["outputs"]["items"] = {
                "anyOf": [
                    {"required": ["parts"], "properties": {"parts": {"type": "array", "minItems": 1}}},
                    {"required": ["error"], "properties": {"error": {"type": "object"}}},
                    WITHHELD,
                    {"required": ["token_ids"], "properties": {"token_ids": {"type": "array", "minItems": 1}}},
                ]
            }
        checks.append({"if": {"allOf": when}, "then": then})
    # A tool call in a complete response names its tool; a chunk may leave it out.
    named = {"items": NAMED_TOOL_CALL}  # "items" only speaks of arrays: null parts pass here
    checks.append(
        {"if": _absent("chunk_mode"), "then": {"properties": {"outputs": {"items": {"properties": {"parts": named}}}}}}
    )
    return {"allOf": checks}


def _truncation_rule(sv: SchemaView) -> dict[str, Any]:
    """A finish reason that truncates the output (annotation truncates) admits no truncated: false."""
    return {
        "if": {
            "required": ["finish_reason"],
            "properties": {"finish_reason": {"enum": list(truncating_finish_reasons(sv))}},
        },
        "then": {"properties": {"truncated": {"not": {"const": False}}}},
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
            if slot.range == LOG_PROBABILITY:
                number = {"type": "number", "maximum": prop.get("maximum", 0)}
                choices = [number, {"const": NEG_INFINITY_TEXT}]
                if "null" in prop.get("type", []):
                    choices.append({"type": "null"})
                props[slot_name] = {"description": slot.description, "anyOf": choices}
            if slot.array is not None:
                dims = [d.alias for d in slot.array.dimensions]
                shape = {"minItems": len(dims), "maxItems": len(dims)}
                dtype = {"enum": list(tensor_dtypes(sv, slot))}
                encoded = {"allOf": [_ref("EncodedTensor"), {"properties": {"shape": shape, "dtype": dtype}}]}
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
    # How slots merge is for the runtime and the docs, not a shape data can take.
    defs.pop("MergePolicy", None)
    for name in parts:
        defs[name]["required"] = [r for r in defs[name].get("required", []) if r != "type"]
        if not defs[name]["required"]:
            del defs[name]["required"]

    rule = _rule(sv, "LMResponse")
    for target in (defs["LMResponse"], doc):
        target.pop("if", None)  # LinkML's own, wrong, translation of the rule
        target.pop("then", None)
        target.update(rule)
    defs["LMOutput"].update(_truncation_rule(sv))
    doc["$id"] = SCHEMA_ID
    doc["$comment"] = "Generated from schema/lmcontract.yaml. Not expressible here, checked by lmcontract: " + " ".join(
        NOT_EXPRESSIBLE
    )
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
