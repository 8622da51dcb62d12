"""Fuzz: generated and mutated records, raw bytes and YAML, fed to ``lmcontract validate`` (its
real entry point, in this process) and to the library. On every input the two agree: the
command exits 0 exactly when ``LMResponse.model_validate_json`` accepts the same text, exits 2
exactly when the text cannot be read as JSON, and never lets an exception out. What the library
accepts survives a JSON round trip and is accepted by the command again.

In CI the run is derandomized (the same examples every time). ``make fuzz`` runs it long and
random: ``LMCONTRACT_FUZZ_EXAMPLES=20000 LMCONTRACT_FUZZ_RANDOM=1``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import responses

from lmcontract import LMResponse
from lmcontract.cli import main
from lmcontract.lib import jsontext

EXAMPLES = int(os.environ.get("LMCONTRACT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not os.environ.get("LMCONTRACT_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    database=None,
)


def cli(path: Path, *args: str) -> tuple[int, str, str]:
    """Run ``lmcontract validate`` in this process; any exception that escapes fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["validate", *args, str(path)])
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


def library(text: bytes) -> str:
    """What the library makes of ``text``: 'valid', 'invalid' (a record it refuses) or 'unreadable'."""
    try:
        jsontext.loads(text)
    except jsontext.JsonTextError:
        readable = False
    else:
        readable = True
    try:
        record = LMResponse.model_validate_json(text)
    except ValidationError as exc:
        kinds = {e["type"] for e in exc.errors()}
        assert (kinds == {"json_invalid"}) == (not readable), exc
        return "invalid" if readable else "unreadable"
    assert readable
    # Every value the model accepts survives a JSON round trip.
    again = record.model_dump_json()
    assert LMResponse.model_validate_json(again) == record
    return "valid"


def agree(tmp: Path, text: bytes) -> None:
    line = text.replace(b"\n", b" ")  # one JSON Lines record
    path = tmp / "r.jsonl"
    path.write_bytes(line + b"\n")
    status, out, err = cli(path)
    verdict = library(line) if line.strip(b" \t\r") else "unreadable"
    assert status == {"valid": 0, "invalid": 1, "unreadable": 2}[verdict], (verdict, status, out, err, line[:300])
    if status == 2:
        assert len(err.splitlines()) == 1 and err.startswith("lmcontract: error: "), err
    else:
        assert err == ""
    if verdict == "valid":
        path.write_text(LMResponse.model_validate_json(line).model_dump_json() + "\n", encoding="utf-8")
        assert cli(path)[0] == 0


# --- mutations of a valid record's JSON ---------------------------------------------------------------
def _mutate(draw, text: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            ["byte", "delete", "insert", "duplicate", "nan", "bom", "deep", "surrogate", "separator", "number"]
        )
    )
    at = draw(st.integers(0, len(text)))
    if kind == "byte" and text:
        at = min(at, len(text) - 1)
        return text[:at] + bytes([draw(st.integers(0, 255))]) + text[at + 1 :]
    if kind == "delete":
        return text[:at] + text[at + draw(st.integers(1, 8)) :]
    if kind == "insert":
        piece = draw(st.sampled_from([b",", b"}", b"]", b'"', b"\\", b"null", b"-", b"1e999", b"\xff", b" ", b"\t"]))
        return text[:at] + piece + text[at:]
    if kind == "duplicate":
        key = draw(st.sampled_from([b'"model":"m",', b'"cost":1,', b'"outputs":[],', b'"a":1,"a":1}']))
        brace = text.find(b"{", at)
        return text if brace < 0 else text[: brace + 1] + key + text[brace + 1 :]
    if kind == "nan":
        return text.replace(b"0", draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity"])), 1)
    if kind == "bom":
        return b"\xef\xbb\xbf" + text
    if kind == "deep":
        depth = draw(st.integers(120, 210))
        return text[:-1] + b',"metadata":' + b"[" * depth + b"]" * depth + b"}"
    if kind == "surrogate":
        quote = text.find(b'"', at)
        escape = draw(st.sampled_from([b"\\ud800", b"\\udfff", b"\\ud83d\\ude00", b"\\u0000", b"\\u2028"]))
        return text if quote < 0 else text[: quote + 1] + escape + text[quote + 1 :]
    if kind == "separator":
        quote = text.find(b'"', at)
        char = draw(st.sampled_from(["\u2028", "\u2029", "\u0085", "\x1c"])).encode()
        return text if quote < 0 else text[: quote + 1] + char + text[quote + 1 :]
    number = draw(st.sampled_from([b"-0", b"1.0", b"-1", b"1e400", b"0.5", b"2", b"-0.0"]))
    colon = text.find(b":", at)
    end = colon + 1
    while 0 < end < len(text) and text[end : end + 1] in b"-0123456789.eE+":
        end += 1
    return text if colon < 0 or end == colon + 1 else text[: colon + 1] + number + text[end:]


@st.composite
def mutated(draw) -> bytes:
    record = draw(responses())
    text = record.model_dump_json(exclude_none=draw(st.booleans())).encode()
    for _ in range(draw(st.integers(0, 3))):
        text = _mutate(draw, text)
    return text


@FUZZ
@given(text=mutated())
@example(text=b'{"usage": {"input_tokens": -5, "input_tokens": 1}, "outputs": []}')
@example(text=b'\xef\xbb\xbf{"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}]}]}')
@example(text=b'{"outputs": [{"index": 0, "parts": [{"type": "text", "text": "\\ud800"}]}]}')
def test_cli_and_library_agree_on_mutated_records(tmp_path_factory, text):
    agree(tmp_path_factory.mktemp("fuzz"), text)


@FUZZ
@given(text=st.binary(max_size=300) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_cli_and_library_agree_on_arbitrary_bytes(tmp_path_factory, text):
    agree(tmp_path_factory.mktemp("fuzz"), text)


# --- YAML ---------------------------------------------------------------------------------------
YAML_PIECES = [
    "provider_data: &a [*a]\n",
    "provider_data: &a {k: [1, *a]}\n",
    "provider_data: !!binary aGk=\n",
    "provider_data: !!set {a, b}\n",
    "cost: !!float .inf\n",
    "cost: .nan\n",
    "cache_hit: yes\n",
    "created: 2024-05-01T12:00:00Z\n",
    "created: 2024-05-01\n",
    "model: m\nmodel: n\n",
    'model: "\\ud800"\n',
    "model: 0x1F\n",
    "metadata: {1: a}\n",
    "metadata: [" * 205 + "]" * 205 + "\n",
    "metadata: &b [1, 2]\nprovider_data: *b\n",
    "<<: {model: m}\n",
    "provider_data: !!python/object/apply:os.getcwd []\n",
    "\t- bad\n",
]


@st.composite
def yaml_documents(draw) -> str:
    record = draw(responses()).model_dump(mode="json", exclude_none=True)
    text = yaml.safe_dump(record, allow_unicode=draw(st.booleans()), sort_keys=False)
    for piece in draw(st.lists(st.sampled_from(YAML_PIECES), max_size=2)):
        text += piece
    return text


@FUZZ
@given(text=yaml_documents())
def test_cli_reads_yaml_as_the_library_reads_its_json_form(tmp_path_factory, text):
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "r.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    status, out, err = cli(path)
    if status == 2:
        assert len(err.splitlines()) == 1 and err.startswith("lmcontract: error: "), err
        return
    assert err == ""
    # Readable YAML: its JSON form gets the same verdict from the library and from the command.
    from lmcontract.lib.reader import load_yaml

    value = load_yaml(text.encode("utf-8", "surrogatepass"))
    as_json = json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
    assert status == {"valid": 0, "invalid": 1}[library(as_json)], (status, out)
    json_path = tmp / "r.json"
    json_path.write_bytes(as_json)
    assert cli(json_path)[0] == status
