"""``lmcontract export --parquet`` and ``lmcontract query``, run as the real command in subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import lmcontract
from lmcontract.arrow import read_dataset
from lmcontract.lib.reader import read as read_records

DATA = Path(__file__).resolve().parent / "data"
RESPONSES = sorted((DATA / "valid").glob("LMResponse-*"))
COMMAND = str(Path(sys.executable).with_name("lmcontract"))


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, env=env, timeout=180)


def _one_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lmcontract: error: "), lines
    for needle in needles:
        assert needle in lines[0]


def _models() -> list[lmcontract.LMResponse]:
    return [lmcontract.LMResponse.model_validate(rec.value) for p in RESPONSES for rec in read_records(str(p))]


def test_export_then_query_finish_reasons_by_model(tmp_path: Path) -> None:
    target = tmp_path / "ds"
    result = run("export", "--parquet", str(target), *map(str, RESPONSES))
    assert result.returncode == 0, result.stderr
    models = _models()
    n_outputs = sum(len(r.outputs or []) for r in models)
    assert result.stdout == f"ok: {len(models)} responses ({n_outputs} outputs) written to {target}\n"
    assert list(read_dataset(target)) == models  # every record, in file order

    sql = "SELECT model, finish_reason, count(*) AS n FROM outputs GROUP BY ALL ORDER BY ALL"
    got = run("query", str(target), sql, "--format", "csv")
    assert got.returncode == 0, got.stderr
    rows = list(csv.reader(io.StringIO(got.stdout)))
    assert rows[0] == ["model", "finish_reason", "n"]
    counted = Counter((r.model or "", o.finish_reason or "") for r in models for o in r.outputs or [])
    assert {(m, f): int(n) for m, f, n in rows[1:]} == counted

    table = run("query", str(target), "SELECT count(*) AS responses, sum(len(outputs)) AS outputs FROM responses")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == [
        "responses  outputs",
        "---------  -------",
        f"{len(models):>9}  {n_outputs:>7}",
        "(1 row)",
    ]
    lines = run(
        "query", str(target), "SELECT response_id, n_tool_call FROM outputs WHERE n_tool_call > 0", "--format", "jsonl"
    )
    calls = {(r.id, sum(p.type == "tool_call" for p in o.parts or [])) for r in models for o in r.outputs or []}
    assert {tuple(json.loads(line).values()) for line in lines.stdout.splitlines()} == {c for c in calls if c[1]}


def test_export_streams_json_lines_with_a_progress_bar(tmp_path: Path) -> None:
    records = [
        {
            "id": f"r{i}",
            "model": "m",
            "outputs": [{"index": 0, "finish_reason": "stop", "parts": [{"type": "text", "text": "x" * (i % 50)}]}],
        }
        for i in range(3000)
    ]
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" * (1 + i % 2) for i, r in enumerate(records)))
    result = run(
        "export", "--parquet", str(tmp_path / "ds"), str(source), "--batch-size", "500", "--progress", "always"
    )
    assert result.returncode == 0, result.stderr
    assert "export: 100%" in result.stderr  # tqdm's bar, by bytes read
    assert [r.id for r in read_dataset(tmp_path / "ds")] == [f"r{i}" for i in range(3000)]
    quiet = run("export", "--parquet", str(tmp_path / "ds2"), str(source), "--progress", "never")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_an_invalid_record_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    bad = DATA / "invalid" / "LMResponse-negative-cost.yaml"
    target = tmp_path / "ds"
    result = run("export", "--parquet", str(target), str(RESPONSES[0]), str(bad))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{bad}:1: cost: Input should be greater than or equal to 0")
    assert "nothing written" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unusable_inputs_are_one_line_errors(tmp_path: Path) -> None:
    _one_error(
        run("export", "--parquet", str(tmp_path / "ds"), "--from", "no-such-format", str(RESPONSES[0])),
        "no-such-format",
    )
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep").write_text("x")
    _one_error(run("export", "--parquet", str(tmp_path / "full"), str(RESPONSES[0])), "not an empty folder")
    _one_error(run("query", str(tmp_path), "SELECT 1"), "responses/*.parquet")
    run("export", "--parquet", str(tmp_path / "ds"), str(RESPONSES[0]))
    _one_error(run("query", str(tmp_path / "ds"), "SELECT nope FROM outputs"), "nope")
