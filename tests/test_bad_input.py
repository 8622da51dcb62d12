"""Bad input and big input (issue 8): the command line accepts exactly what the library loads,
reports every problem on one line each, streams JSON Lines, and never shows a traceback.

Each test is named after the problem it pins down; the CLI runs for real, in a subprocess.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from lmcontract import Citation, LMOutput, LMResponse, LMSamplingConfig, TokenAlternative, TokenLogprob
from lmcontract.lib.jsontext import MAX_DEPTH

COMMAND = str(Path(sys.executable).with_name("lmcontract"))
RECORD = '{"outputs":[{"index":0,"parts":[{"type":"text","text":"hi"}]}]%s}'
YAML_RECORD = "outputs: [{index: 0, parts: [{type: text, text: hi}]}]\n%s"


def run(*args: str, stdin: bytes | None = None, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [COMMAND, *args], input=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, timeout=300, check=False
    )


def one_line_error(result: subprocess.CompletedProcess, *needles: str) -> str:
    """The single stderr line of an unreadable-input run (exit 2, no traceback)."""
    err = result.stderr.decode()
    assert result.returncode == 2, (result.stdout, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lmcontract: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def library_refuses(text: bytes) -> bool:
    try:
        LMResponse.model_validate_json(text)
    except ValidationError:
        return True
    return False


# --- one reader: the CLI refuses exactly what the library refuses ---------------------------------
HOSTILE_JSON = {
    "byte-order-mark": (b"\xef\xbb\xbf" + (RECORD % "").encode(), "byte order mark"),
    "lone-surrogate": ((RECORD % ',"model":"\\ud800"').encode(), "lone UTF-16 surrogate escape \\ud800"),
    "lone-low-surrogate": ((RECORD % ',"provider_data":{"k":"\\udc00"}').encode(), "surrogate"),
    "nested-202-deep": ((RECORD % (',"provider_data":' + "[" * 201 + "]" * 201)).encode(), "deeper than 201"),
    "nested-300-deep": ((RECORD % (',"provider_data":' + "[" * 300 + "]" * 300)).encode(), "deeper than 201"),
    "nested-900-deep": ((RECORD % (',"provider_data":' + "[" * 900 + "]" * 900)).encode(), "deeper than 201"),
    "duplicate-key": ((RECORD % ',"usage":{"input_tokens":-5,"input_tokens":1}').encode(), 'duplicate key "input_to'),
    "duplicate-key-in-provider-data": ((RECORD % ',"provider_data":{"a":1,"a":1}').encode(), "duplicate key"),
    "nan": ((RECORD % ',"cost":NaN').encode(), "NaN is not valid JSON"),
    "infinity": ((RECORD % ',"provider_data":Infinity').encode(), "Infinity is not valid JSON"),
    "minus-infinity": ((RECORD % ',"provider_data":[-Infinity]').encode(), "Infinity is not valid JSON"),
}


@pytest.mark.parametrize(("content", "needle"), HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_the_cli_refuses_what_the_library_refuses_in_one_line_naming_file_and_position(tmp_path, content, needle):
    path = tmp_path / "r.json"
    path.write_bytes(content)
    line = one_line_error(run("validate", str(path)), str(path), needle, "(line 1, column ")
    assert library_refuses(content), "the library accepts what the CLI refuses"
    # The same record in a JSON Lines file names its line.
    lines = tmp_path / "r.jsonl"
    lines.write_bytes((RECORD % "").encode() + b"\n" + content.removeprefix(b"\xef\xbb\xbf") + b"\n")
    if not content.startswith(b"\xef\xbb\xbf"):
        one_line_error(run("validate", str(lines)), f"{lines}:2: ", needle, "(column ")
    assert line


def test_nesting_up_to_the_limit_is_read_by_both():
    # MAX_DEPTH arrays and objects in all: the record's own object is the first.
    text = (RECORD % (',"provider_data":' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))).encode()
    assert library_refuses(text)  # within the reader's limit, but deeper than an Any value may nest
    shallow = (RECORD % (',"provider_data":' + "[" * 100 + "]" * 100)).encode()
    assert not library_refuses(shallow)


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("alias-loop.yaml", YAML_RECORD % "provider_data: &x [*x]\n", "alias *x inside its own anchor"),
        ("alias-loop-map.yaml", YAML_RECORD % "provider_data: &x {a: *x}\n", "a loop"),
        ("duplicate.yaml", YAML_RECORD % "usage: {input_tokens: -5, input_tokens: 1}\n", "duplicate key"),
        ("binary.yaml", YAML_RECORD % "provider_data: !!binary aGk=\n", "tag:yaml.org,2002:binary has no JSON"),
        ("set.yaml", YAML_RECORD % "provider_data: !!set {a}\n", "has no JSON form"),
        ("python.yaml", YAML_RECORD % "provider_data: !!python/object:os.system {}\n", "has no JSON form"),
        ("timestamp.yaml", YAML_RECORD % "created: !!timestamp 2024-05-01\n", "has no JSON form"),
        ("nan.yaml", YAML_RECORD % "cost: !!float .nan\n", "not a JSON number"),
        ("hex.yaml", YAML_RECORD % "provider_data: !!int 0x1F\n", "not a decimal integer"),
        ("surrogate.yaml", YAML_RECORD % 'model: "\\ud800"\n', "lone UTF-16 surrogate"),
        ("deep.yaml", YAML_RECORD % ("provider_data: " + "[" * 300 + "]" * 300 + "\n"), "deeper than 201"),
        ("deeper.yaml", YAML_RECORD % ("provider_data: " + "[" * 5000 + "]" * 5000 + "\n"), "deeper than 201"),
    ],
)
def test_yaml_that_has_no_json_form_is_one_line_exit_2(tmp_path, name, text, needle):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    one_line_error(run("validate", str(path)), str(path), needle, "(line 2, column ")


@pytest.mark.parametrize("depth", [990, 1000, 5000, 100_000])
def test_deep_nesting_is_one_line_and_exit_2_not_a_recursion_error(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text(RECORD % (',"provider_data":' + "[" * depth + "]" * depth))
    one_line_error(run("validate", str(path)), "nested deeper than 201 levels")
    yaml_path = tmp_path / "deep.yaml"
    yaml_path.write_text(YAML_RECORD % ("provider_data: " + "[" * depth + "]" * depth + "\n"))
    one_line_error(run("validate", str(yaml_path)), "nested deeper than 201 levels")
    # Built in Python, the value is refused at construction too: it could not be read back.
    deep: list = []
    for _ in range(min(depth, 2000)):
        deep = [deep]
    with pytest.raises(ValidationError, match="nested deeper than 128 levels"):
        LMResponse(outputs=[LMOutput(index=0, parts=[{"type": "text", "text": "x"}])], provider_data=deep)


# --- streaming ------------------------------------------------------------------------------------
@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_json_lines_split_on_newline_only(tmp_path, separator):
    # model_dump_json writes these characters unescaped inside strings; str.splitlines splits on them.
    record = LMResponse.model_validate_json(RECORD % f',"model":"a{separator}b"')
    written = record.model_dump_json()
    assert separator in written
    path = tmp_path / "r.jsonl"
    path.write_bytes((written + "\n" + RECORD % ',"model":5' + "\n" + written + "\n").encode())
    result = run("validate", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    assert result.stdout.decode().splitlines() == [
        f"{path}:2: model: Input should be a valid string, got 5",
        "failed: 3 records read from 1 file: 1 invalid as LMResponse, 0 unreadable",
    ]


def test_every_problem_of_a_record_is_reported_field_errors_and_cross_field_rules_alike(tmp_path):
    record = {
        "outputs": [
            {
                "index": 0,
                "parts": [{"type": "tool_call", "id": "c1"}],
                "token_ids": [1, 2],
                "logprobs": [{"logprob": -1}],
            },
            {"index": 0, "parts": [{"type": "text", "text": "x"}], "truncated": "no"},
        ],
        "cost": -1,
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record))
    result = run("validate", str(path))
    assert result.returncode == 1
    problems = sorted(line.split(": ", 2)[1] for line in result.stdout.decode().splitlines()[:-1])
    assert problems == [
        "cost",
        "outputs[0].logprobs",
        "outputs[0].parts[0].name",
        "outputs[1].index",
        "outputs[1].truncated",
    ], result.stdout.decode()
    with pytest.raises(ValidationError) as caught:
        LMResponse.model_validate(record)
    assert caught.value.error_count() == 5


def test_standard_input_is_read_with_format(tmp_path):
    good = (RECORD % "").encode()
    result = run("validate", "--format", "json", "-", stdin=good)
    assert (result.returncode, result.stdout) == (0, b"ok: 1 record valid as LMResponse in 1 file\n")
    lines = b"\n".join([good, (RECORD % ',"model":5').encode(), good])
    result = run("validate", "--format", "jsonl", "-", stdin=lines)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines()[0] == "<stdin>:2: model: Input should be a valid string, got 5"
    yaml_text = (YAML_RECORD % "model: m\n").encode()
    assert run("validate", "--format", "yaml", "-", stdin=yaml_text).returncode == 0
    one_line_error(run("validate", "-", stdin=good), "<stdin>", "give --format")
    # --format also reads a file whose extension says nothing.
    path = tmp_path / "records.txt"
    path.write_bytes(lines)
    assert run("validate", "--format", "jsonl", str(path)).returncode == 1
    one_line_error(run("validate", str(path)), "unknown file type '.txt'", "--format")


def test_a_directory_is_named_as_a_directory(tmp_path):
    one_line_error(run("validate", str(tmp_path)), str(tmp_path), "is a directory, not a file")
    one_line_error(run("validate", "--format", "jsonl", str(tmp_path)), "is a directory, not a file")


def test_writing_to_a_full_or_closed_output_is_one_line_not_a_traceback(tmp_path):
    with open("/dev/full", "wb") as full:
        for args in (("schema",), ("validate", "--json", str(tmp_path / "missing.json"))):
            result = run(*args, stdout=full.fileno())
            err = result.stderr.decode()
            assert result.returncode == 2, err
            assert "Traceback" not in err and "Exception ignored" not in err, err
            assert err.splitlines()[-1] == "lmcontract: error: cannot write the output: No space left on device"
    # A reader that goes away early (lmcontract schema | head -c 1).
    proc = subprocess.Popen([COMMAND, "schema"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert len(err.splitlines()) <= 1


def test_a_closed_standard_output_is_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(RECORD % ',"cost":-1')
    for args in (("schema",), ("validate", str(path))):
        done = subprocess.run(
            [COMMAND, *args],
            stdout=None,
            stderr=subprocess.PIPE,
            close_fds=True,
            preexec_fn=lambda: os.close(1),
            timeout=120,
        )
        err = done.stderr.decode()
        assert done.returncode == 2 and "Traceback" not in err, err
        assert err == "lmcontract: error: cannot write the output: standard output is closed\n"
    quiet = subprocess.run(
        [COMMAND, "validate", "-q", str(path)], stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1), timeout=120
    )
    assert (quiet.returncode, quiet.stderr) == (1, b"")


def test_quiet_and_json_output_for_scripts(tmp_path):
    bad = tmp_path / "r.jsonl"
    bad.write_text((RECORD % "") + "\n" + (RECORD % ',"cost":-1') + "\n{oops\n")
    quiet = run("validate", "--quiet", str(bad))
    assert (quiet.returncode, quiet.stdout) == (2, b"")
    one_line_error(quiet, f"{bad}:3: not valid JSON")
    out = run("validate", "--json", str(bad))
    assert out.returncode == 2 and out.stderr == b""
    items = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert items == [
        {
            "file": str(bad),
            "record": 2,
            "path": "cost",
            "message": "Input should be greater than or equal to 0, got -1",
        },
        {"file": str(bad), "record": 3, "error": items[1]["error"]},
        {
            "summary": {
                "ok": False,
                "records": 2,
                "invalid": 1,
                "unreadable": 1,
                "files": 1,
                "class": "LMResponse",
            }
        },
    ]
    assert items[1]["error"].startswith("not valid JSON: ")


def test_a_big_json_lines_file_is_streamed_in_constant_memory(tmp_path):
    # ~60 MB: read whole (as before), the command's peak RSS grew past 150 MB; streamed, it
    # stays near the interpreter's own. Memory, not time: nothing here depends on machine speed.
    line = LMResponse.model_validate_json(
        RECORD % (',"provider_data":{"pad":"' + "x" * 3000 + '"},"model":"m\u2028"')
    ).model_dump_json(exclude_none=True)
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for _ in range(60_000_000 // len(line)):
            f.write(line + "\n")
    code = (
        "import resource, subprocess, sys\n"
        f"done = subprocess.run([{COMMAND!r}, 'validate', {str(path)!r}], capture_output=True, text=True)\n"
        "print(done.returncode, done.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
    status, *_, peak_kb = out.stdout.split()
    assert status == "0", out.stdout
    print(f"peak RSS {int(peak_kb) // 1024} MB validating {path.stat().st_size >> 20} MB of JSON Lines")
    assert int(peak_kb) < 100 * 1024, f"peak RSS {int(peak_kb) // 1024} MB for a {path.stat().st_size >> 20} MB file"


# --- every value the models accept survives a JSON round trip ----------------------------------------
def _round_trip(model):
    return type(model).model_validate_json(model.model_dump_json())


def test_minus_infinity_log_probabilities_round_trip_as_the_string_minus_infinity():
    lp = TokenLogprob(logprob=-math.inf, top=[TokenAlternative(logprob=-math.inf, rank=2)])
    text = lp.model_dump_json()
    assert json.loads(text)["logprob"] == "-Infinity"
    assert _round_trip(lp) == lp
    assert TokenLogprob.model_validate({"logprob": "-Infinity"}).logprob == -math.inf
    for bad in (math.inf, math.nan, 0.5, "Infinity", "NaN", "-inf"):
        with pytest.raises(ValidationError):
            TokenLogprob(logprob=bad)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda v: LMResponse(outputs=[LMOutput(index=0, parts=[{"type": "text", "text": "x"}])], cost=v), "cost"),
        (lambda v: LMSamplingConfig(temperature=v), "temperature"),
        (lambda v: LMSamplingConfig(presence_penalty=v), "presence_penalty"),
        (lambda v: LMOutput(index=0, provider_data={"score": v}), "provider_data"),
        (lambda v: LMOutput(index=0, metadata=[1, v]), "metadata"),
    ],
)
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_numbers_json_cannot_carry_are_refused_at_construction(build, field, value):
    with pytest.raises(ValidationError) as caught:
        build(value)
    assert caught.value.errors()[0]["loc"][0] == field


@pytest.mark.parametrize(
    "value", [b"raw", {1, 2}, (1, 2), {1: "a"}, datetime(2024, 1, 1, tzinfo=timezone.utc), object()]
)
def test_values_with_no_json_form_are_refused_in_any_slots(value):
    with pytest.raises(ValidationError, match="expected a JSON value"):
        LMOutput(index=0, provider_data={"x": value})


def test_naive_datetimes_follow_the_json_schema_rule_a_time_zone_is_required():
    base = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}]}]}
    with pytest.raises(ValidationError, match="naive datetime has no time zone"):
        LMResponse(**base, created=datetime(2024, 5, 1, 12, 0))
    with pytest.raises(ValidationError, match="with a time zone"):
        LMResponse.model_validate_json(json.dumps({**base, "created": "2024-05-01T12:00:00"}))
    aware = LMResponse(**base, created=datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc))
    assert _round_trip(aware) == aware


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00.1Z", datetime(2024, 5, 1, 12, 0, 0, 100000, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00.12345Z", datetime(2024, 5, 1, 12, 0, 0, 123450, tzinfo=timezone.utc)),
        ("2024-05-01t12:00:00.123456789z", datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00-05:30", datetime(2024, 5, 1, 17, 30, tzinfo=timezone.utc)),
    ],
)
def test_rfc3339_fractions_of_any_length_parse_on_every_python(text, expected):
    created = LMResponse.model_validate(
        {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}]}], "created": text}
    ).created
    assert created == expected


def test_a_date_time_that_is_no_date_is_one_error_not_a_traceback():
    with pytest.raises(ValidationError, match=r"month must be in 1\.\.12"):
        LMResponse.model_validate({"outputs": [], "chunk_mode": "delta", "created": "2024-13-01T00:00:00Z"})


# --- loose records, tightened --------------------------------------------------------------------
def test_a_truncating_finish_reason_makes_truncated_true_and_refuses_false():
    assert LMOutput(index=0, finish_reason="length").truncated is True
    assert json.loads(LMOutput(index=0, finish_reason="aborted").model_dump_json())["truncated"] is True
    with pytest.raises(ValidationError, match="truncated: false, but finish_reason length"):
        LMOutput(index=0, finish_reason="length", truncated=False)
    assert LMOutput(index=0, finish_reason="stop", truncated=True).truncated is True  # cut short otherwise


def test_a_merge_that_ends_in_a_truncating_finish_reason_is_truncated():
    first = LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[{"type": "text", "text": "Hel"}])])
    last = LMResponse.model_construct(
        chunk_mode="delta", outputs=[LMOutput.model_construct(index=0, finish_reason="length", truncated=False)]
    )
    merged = LMResponse.from_chunks([first, last])
    assert merged.outputs[0].finish_reason == "length" and merged.outputs[0].truncated is True
    assert _round_trip(merged) == merged


def test_rank_starts_at_one():
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        TokenAlternative(logprob=-1, rank=0)
    assert TokenAlternative(logprob=-1, rank=1).rank == 1


def test_a_complete_response_names_its_tool_calls_with_a_non_empty_name():
    parts = [{"type": "tool_call", "id": "c", "name": ""}]
    with pytest.raises(ValidationError, match=r"outputs\[0\]\.parts\[0\]\.name: .* non-empty name"):
        LMResponse(outputs=[LMOutput(index=0, parts=parts)])
    LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=parts)])  # a chunk may continue a call


def test_a_citation_does_not_end_before_it_starts():
    with pytest.raises(ValidationError, match="end_index: 3 is before start_index 5"):
        Citation(start_index=5, end_index=3)
    Citation(start_index=3, end_index=3)
