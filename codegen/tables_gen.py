"""Data tables the hand-written runtime reads, generated from schema annotations.

- ``merge_policy.py``: per class, each slot's merge policy (the slot's ``merge`` annotation, a
  value of the schema enum ``MergePolicy``; a class's ``slot_usage`` may override it), and the
  tensor slots (slots with an ``array``). Generation fails, naming the slot, when a slot has no
  ``merge`` annotation or an unknown one: a schema author adds a field and its merge rule in one
  place, and cannot forget the rule.
- ``finish_reasons.py``: per provider, the provider's finish-reason values and the unified
  ``FinishReason`` value each maps to, from the annotations on each ``FinishReason`` value
  (one annotation per provider, a comma-separated list of its values); the values marked
  ``truncates``; Gemini's "STOP with a function call" (``gemini_with_tool_call``).

Both modules are plain literals: they import nothing, so the merge code can read them without
loading the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from linkml_runtime.utils.schemaview import SchemaView

from codegen.common import banner

POLICY_ENUM = "MergePolicy"
FINISH_ENUM = "FinishReason"
MERGE = "merge"
TRUNCATES = "truncates"
WITH_TOOL_CALL = "_with_tool_call"


class SchemaTableError(ValueError):
    """The schema lacks what a generated table needs; the message names the element."""


def _annotation(element, tag: str):
    annotations = element.annotations or {}
    found = annotations.get(tag) if hasattr(annotations, "get") else getattr(annotations, tag, None)
    return None if found is None else found.value


def _split(value) -> list[str]:
    return [item.strip() for item in str(value).split(",") if item.strip()]


def merge_policies(sv: SchemaView) -> dict[str, dict[str, str]]:
    allowed = list(sv.get_enum(POLICY_ENUM).permissible_values)
    problems = []
    for name, slot in sv.all_slots(imports=False).items():
        policy = _annotation(slot, MERGE)
        if policy is None:
            choices = ", ".join(allowed)
            problems.append(f"slot {name}: no merge policy; add `annotations: {{merge: <policy>}}` ({choices})")
        elif policy not in allowed:
            problems.append(f"slot {name}: unknown merge policy {policy!r}; one of {', '.join(allowed)}")
    table: dict[str, dict[str, str]] = {}
    for cls in sv.all_classes(imports=False):
        row = {}
        for slot in sv.class_induced_slots(cls):
            policy = _annotation(slot, MERGE)
            if policy is not None and policy not in allowed:
                problems.append(f"class {cls} slot {slot.name}: unknown merge policy {policy!r}")
            row[slot.name] = policy
        if row:
            table[cls] = row
    if problems:
        raise SchemaTableError("schema/lmcontract.yaml: " + "; ".join(problems))
    return table


def tensor_slots(sv: SchemaView) -> dict[str, list[str]]:
    found = {}
    for cls in sv.all_classes(imports=False):
        names = [s.name for s in sv.class_induced_slots(cls) if s.array is not None]
        if names:
            found[cls] = names
    return found


def finish_reason_tables(sv: SchemaView) -> dict:
    enum = sv.get_enum(FINISH_ENUM)
    providers = _split(_annotation(enum, "providers"))
    labels = _split(_annotation(enum, "provider_labels"))
    if len(labels) != len(providers):
        raise SchemaTableError(f"enum {FINISH_ENUM}: providers and provider_labels differ in length")
    mapping: dict[str, dict[str, str]] = {p: {} for p in providers}
    with_tool_call: dict[str, dict[str, str]] = {}
    truncating = []
    for unified, value in enum.permissible_values.items():
        for tag in value.annotations or {}:
            raw = _annotation(value, tag)
            if tag == TRUNCATES:
                if raw is True or str(raw).lower() == "true":
                    truncating.append(unified)
                continue
            provider = tag.removesuffix(WITH_TOOL_CALL)
            if provider not in mapping:
                raise SchemaTableError(f"enum {FINISH_ENUM} value {unified}: unknown provider {tag!r}")
            target = with_tool_call.setdefault(provider, {}) if tag.endswith(WITH_TOOL_CALL) else mapping[provider]
            for item in _split(raw):
                if item in target:
                    raise SchemaTableError(f"enum {FINISH_ENUM}: {tag} value {item!r} maps to two values")
                target[item] = unified
    return {
        "PROVIDER_LABELS": dict(zip(providers, labels, strict=True)),
        "PROVIDER_FINISH_REASONS": mapping,
        "WITH_TOOL_CALL": with_tool_call,
        "TRUNCATING": truncating,
    }


FINISH_COMMENTS = {
    "PROVIDER_LABELS": "provider -> how the docs name it.",
    "PROVIDER_FINISH_REASONS": "provider -> provider value -> unified FinishReason value.",
    "WITH_TOOL_CALL": "provider -> provider value -> unified value when the output holds a tool call.",
    "TRUNCATING": "The unified values that mean the output was cut short.",
}


def _literal(name: str, value, comment: str) -> str:
    # JSON of strings, lists and dicts is also a Python literal.
    return f"# {comment}\n{name} = {json.dumps(value, indent=4, ensure_ascii=False)}\n"


def _module(doc: str, blocks: list[str]) -> str:
    return banner("#") + f'"""{doc}"""\n\n' + "\n".join(blocks)


def generate(schema: Path) -> dict[str, str]:
    sv = SchemaView(str(schema))
    policies = merge_policies(sv)
    finish = finish_reason_tables(sv)
    merge_module = _module(
        "Merge policies and tensor slots, from the schema's merge annotations (lmcontract.lib.merge reads them).",
        [
            _literal("POLICIES", policies, "class -> slot -> merge policy (schema enum MergePolicy)."),
            _literal("TENSOR_SLOTS", tensor_slots(sv), "class -> slots whose value is a tensor (schema array slots)."),
        ],
    )
    finish_module = _module(
        "Provider finish reasons, from the annotations on each FinishReason value (lmcontract.lib.finish_reasons).",
        [_literal(name, value, FINISH_COMMENTS[name]) for name, value in finish.items()],
    )
    return {
        "src/lmcontract/generated/merge_policy.py": merge_module,
        "src/lmcontract/generated/finish_reasons.py": finish_module,
    }
