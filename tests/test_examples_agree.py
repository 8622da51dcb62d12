"""Pydantic and the published JSON Schema agree on every example in tests/data.

- ``tests/data/valid/<Class>-<what>.{yaml,json,jsonl}``: every record passes BOTH the Pydantic
  model named by the file's prefix and a real JSON Schema validator (Draft 2019-09, formats
  checked) against the published schema.
- ``tests/data/invalid/<Class>-<what>.yaml``: one record with exactly one violation, named on a
  ``# expect: field.path`` line. Pydantic rejects it with exactly one error, at that path; the
  JSON Schema rejects it with an error at or under that path. The only exceptions are the few
  rules JSON Schema cannot state (NOT_EXPRESSIBLE below): those files must pass the JSON Schema,
  and the rule they break must be one the published schema lists in its ``$comment``.

Files are read by ``lmcontract.lib.reader``, the reader of ``lmcontract validate``.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import BaseModel, ValidationError
from referencing import Registry, Resource

import lmcontract
from lmcontract.cli import problems
from lmcontract.lib.reader import read

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PUBLISHED = ROOT / "generated" / "jsonschema" / "lmcontract.schema.json"
SCHEMA: dict[str, Any] = json.loads(PUBLISHED.read_text())
REGISTRY = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))

# The invalid examples that JSON Schema cannot reject, and the documented rule each one breaks
# (each phrase must appear in the published schema's $comment). Keep this list small: anything
# else that is invalid must fail both sides.
_ALIGNED = "LMOutput: logprobs and token_ids, when both are present, have the same length and agree on token_id."
NOT_EXPRESSIBLE = {
    "LMResponse-logprobs-not-aligned.yaml": _ALIGNED,
    "LMResponse-logprob-token-id-mismatch.yaml": _ALIGNED,
    "LMResponse-duplicate-output-index.yaml": "LMResponse: no two outputs share an index.",
    "LMResponse-prompt-logprobs-not-aligned.yaml": "LMResponse: prompt_logprobs, when present with prompt_token_ids, "
    "has one entry per prompt token from the second on.",
    "EncodedTensor-data-length-mismatch.yaml": "EncodedTensor: the base64 data holds exactly prod(shape) elements of "
    "dtype.",
    "Citation-end-before-start.yaml": "Citation: end_index is not before start_index.",
    "LMOutput-logits-rows-not-token-ids.yaml": "LMOutput: logits and last_hidden_state, when token_ids are present "
    "too, have one row per token id.",
}


def _class_of(path: Path) -> type[BaseModel]:
    name = path.name.split("-", 1)[0]
    cls = getattr(lmcontract, name, None)
    assert isinstance(cls, type) and issubclass(cls, BaseModel), f"{path.name}: no class {name} in lmcontract"
    return cls


def _validator(cls: type[BaseModel]) -> Draft201909Validator:
    root = cls is lmcontract.LMResponse  # the schema's root is the tree root, LMResponse
    schema = SCHEMA if root else {"$ref": f"{SCHEMA['$id']}#/$defs/{cls.__name__}"}
    return Draft201909Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


def _records(folder: str) -> list[Any]:
    cases = []
    for path in sorted((DATA / folder).iterdir()):
        for record in read(str(path)):
            cases.append(pytest.param(path, record.value, id=f"{path.name}#{record.number}"))
    return cases


def _expected_path(path: Path) -> str:
    found = re.findall(r"^# expect: (\S+)$", path.read_text(), flags=re.M)
    assert len(found) == 1, f"{path.name}: needs exactly one '# expect: field.path' line"
    return found[0]


def _loc(parts: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def _branch_for(error: SchemaError) -> int | None:
    """For a oneOf over part kinds, the branch whose type constant the instance names."""
    if not isinstance(error.instance, dict):
        return None
    for i, branch in enumerate(error.validator_value):
        name = branch.get("$ref", "").rpartition("/")[2]
        const = SCHEMA["$defs"].get(name, {}).get("properties", {}).get("type", {}).get("const")
        if const is not None and const == error.instance.get("type"):
            return i
    return None


def _schema_locations(error: SchemaError) -> set[str]:
    """Where a JSON Schema error (and every error inside it) points, as field paths.

    Inside a oneOf over part kinds only the branch of the part's own kind counts: the other
    kinds' complaints (a text part is not a tool call) say nothing about what is wrong.
    """
    found = set()
    stack = [error]
    while stack:
        err = stack.pop()
        context = err.context or []
        if err.validator == "oneOf":
            branch = _branch_for(err)
            context = [c for c in context if c.relative_schema_path[0] == branch]
        stack.extend(context)
        where = list(err.absolute_path)
        if err.validator == "required":
            found |= {_loc([*where, name]) for name in err.validator_value if name not in err.instance}
        elif err.validator == "additionalProperties":
            found |= {_loc([*where, name]) for name in err.instance if name not in err.schema.get("properties", {})}
        else:
            found.add(_loc(where))
    return found


VALID = _records("valid")
INVALID = _records("invalid")


def test_the_validator_is_real():
    Draft201909Validator.check_schema(SCHEMA)
    # Without these, jsonschema silently skips the formats and accepts any string.
    assert "date-time" in FormatChecker().checkers
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2019-09/schema"
    # The copy shipped in the package is the published schema.
    assert files("lmcontract.generated").joinpath("lmcontract.schema.json").read_text() == PUBLISHED.read_text()


def test_there_are_enough_examples():
    assert len(VALID) >= 20
    assert len(INVALID) >= 15
    assert {_class_of(p) for p in (DATA / "valid").iterdir()} >= {
        lmcontract.LMResponse,
        lmcontract.LMRequest,
        lmcontract.LMUsage,
    }


@pytest.mark.parametrize(("path", "record"), VALID)
def test_valid_example_passes_pydantic_and_json_schema(path: Path, record: Any):
    cls = _class_of(path)
    cls.model_validate(record)
    cls.model_validate_json(json.dumps(record))
    errors = [f"{_loc(list(e.absolute_path))}: {e.message}" for e in _validator(cls).iter_errors(record)]
    assert not errors, f"JSON Schema rejects a record Pydantic accepts: {errors}"


@pytest.mark.parametrize(("path", "record"), INVALID)
def test_invalid_example_fails_pydantic_once_at_the_named_field(path: Path, record: Any):
    cls = _class_of(path)
    with pytest.raises(ValidationError) as caught:
        cls.model_validate(record)
    found = problems(caught.value)
    assert [where for where, _ in found] == [_expected_path(path)], found
    with pytest.raises(ValidationError):
        cls.model_validate_json(json.dumps(record))


@pytest.mark.parametrize(("path", "record"), INVALID)
def test_invalid_example_fails_json_schema_unless_not_expressible(path: Path, record: Any):
    errors = list(_validator(_class_of(path)).iter_errors(record))
    if path.name in NOT_EXPRESSIBLE:
        assert not errors, f"{path.name} is listed as not expressible, yet the JSON Schema rejects it: move it"
        assert NOT_EXPRESSIBLE[path.name] in SCHEMA["$comment"]
        return
    assert errors, "Pydantic rejects this record but the JSON Schema accepts it"
    expected = _expected_path(path)
    locations = set().union(*(_schema_locations(e) for e in errors))
    assert any(loc == expected or loc.startswith((expected + ".", expected + "[")) for loc in locations), (
        f"the JSON Schema fails elsewhere than {expected}: {sorted(locations)}"
    )


def test_not_expressible_list_is_exact():
    names = {p.name for p in (DATA / "invalid").iterdir()}
    assert set(NOT_EXPRESSIBLE) <= names


@pytest.mark.parametrize("folder", ["valid", "invalid"])
def test_yaml_examples_do_not_depend_on_the_yaml_dialect(folder: str):
    # The CLI reads JSON-compatible YAML (yes stays a string); plain yaml.safe_load is YAML 1.1.
    # The examples mean the same under both, so no one is misled by their reader.
    for path in sorted((DATA / folder).glob("*.yaml")):
        ours = [record.value for record in read(str(path))]
        theirs = yaml.safe_load(path.read_text())
        assert ours == (theirs if isinstance(theirs, list) else [theirs]), path.name


def test_one_malformed_part_is_one_error_naming_that_part():
    bad_kind = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "ok"}, {"type": "tool_call", "name": 5}]}]}
    with pytest.raises(ValidationError) as caught:
        lmcontract.LMResponse.model_validate(bad_kind)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    assert errors[0]["loc"] == ("outputs", 0, "parts", 1, "tool_call", "name")
    assert errors[0]["type"] == "string_type"

    # A tool call may leave out its name in a chunk, not in a complete response: that rule
    # spans the response, so its one error names the part in its message.
    unnamed = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "ok"}, {"type": "tool_call", "id": "c"}]}]}
    with pytest.raises(ValidationError) as caught:
        lmcontract.LMResponse.model_validate(unnamed)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    assert "outputs[0].parts[1].name" in errors[0]["msg"]
    lmcontract.LMResponse.model_validate({**unnamed, "chunk_mode": "delta"})

    unknown = {"outputs": [{"index": 0, "parts": [{"type": "hologram", "text": "?"}]}]}
    with pytest.raises(ValidationError) as caught:
        lmcontract.LMResponse.model_validate(unknown)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    assert errors[0]["loc"] == ("outputs", 0, "parts", 0)
    assert errors[0]["type"] == "union_tag_invalid"


# Edge cases on which Pydantic and the JSON Schema once disagreed (nulls, 1.0 for an integer,
# a space in a timestamp, a part without its type, bad base64, unnamed tool calls in chunks).
def _response(**top: Any) -> dict[str, Any]:
    return {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}]}], **top}


def _agreement(cls: str, record: dict[str, Any], name: str) -> Any:
    return pytest.param(cls, record, id=name)


EDGE_CASES = [
    _agreement("LMResponse", _response(model=None), "null-for-an-optional-field"),
    _agreement("LMResponse", _response(created="2024-05-01 12:00:00Z"), "date-time-with-a-space"),
    _agreement("TextPart", {"text": "hi"}, "part-class-without-type"),
    _agreement("LMResponse", {"outputs": [{"index": 0, "parts": [{"text": "hi"}]}]}, "part-in-a-list-without-type"),
    _agreement("EncodedTensor", {"dtype": "uint8", "shape": [3], "data": "!!!!"}, "tensor-data-not-base64"),
    _agreement("LMResponse", {"outputs": [{"index": 0, "parts": None}]}, "complete-output-with-null-parts"),
    _agreement("LMResponse", {"outputs": None}, "complete-response-with-null-outputs"),
    _agreement(
        "LMResponse",
        {"chunk_mode": "delta", "outputs": [{"index": 0, "parts": [{"type": "tool_call", "id": "c"}]}]},
        "chunk-tool-call-without-name",
    ),
    _agreement(
        "LMMessage",
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "c"}]},
        "message-tool-call-without-name",
    ),
    # JSON's data model does not tell 1 from 1.0 and neither may lmcontract; "1" stays an error.
    _agreement(
        "LMResponse", {"outputs": [{"index": 1.0, "parts": [{"type": "text", "text": "hi"}]}]}, "integer-as-1.0"
    ),
    _agreement("LMUsage", {"input_tokens": 2.5}, "integer-with-a-fraction"),
    _agreement("LMUsage", {"input_tokens": -1.0}, "negative-integer-as-float"),
]


@pytest.mark.parametrize(("cls", "record"), EDGE_CASES)
def test_edge_cases_agree(cls: str, record: dict[str, Any]):
    model = getattr(lmcontract, cls)
    try:
        model.model_validate(record)
        pydantic_ok = True
    except ValidationError:
        pydantic_ok = False
    assert pydantic_ok == _validator(model).is_valid(record)
