"""The generated TypeScript types (generated/typescript/lmcontract.d.ts) under the real ``tsc --strict``.

A small program narrows each part on ``type``, reads the finish reason, compiles, and run by node
on the valid examples prints what Python reads from them. Programs that use a wrong field or a
wrong finish reason must not compile. Needs node and ``npm ci`` (``make test`` runs it when npm
is there); CI sets LMCONTRACT_REQUIRE_NODE=1 so that it cannot be skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import lmcontract
from lmcontract.lib.reader import read as read_records

ROOT = Path(__file__).resolve().parent.parent
TYPES = ROOT / "generated" / "typescript" / "lmcontract.d.ts"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
EXAMPLES = sorted((ROOT / "tests" / "data" / "valid").glob("LMResponse-*"))

if not (shutil.which("node") and TSC.exists()):
    if os.environ.get("LMCONTRACT_REQUIRE_NODE"):
        pytest.fail("node and the pinned npm tools are required (npm ci)", pytrace=False)
    pytest.skip("needs node and `npm ci` (package.json)", allow_module_level=True)

READER = """
import type { LMResponse, LMPart, FinishReason } from "./lmcontract";

// The two node APIs used, declared here rather than installing @types/node.
declare const process: { argv: string[] };
declare function require(name: "node:fs"): { readFileSync(path: string, encoding: "utf8"): string };
const { readFileSync } = require("node:fs");

function describe(part: LMPart): string {
  switch (part.type) {
    case "text":
      return `text ${part.text.length}`;            // text is required on a text part
    case "tool_call":
      return `tool_call ${part.name ?? "-"} ${JSON.stringify(part.arguments ?? null)}`;
    case "thinking":
      return `thinking ${part.redacted ?? false}`;
    case "tool_result":
      return `tool_result ${part.result.tool_call_id}`;
    case "citation":
      return `citation ${part.citation.url ?? "-"}`;
    default:
      return part.type;
  }
}

const responses: LMResponse[] = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const response of responses) {
  for (const output of response.outputs ?? []) {
    const reason: FinishReason | null | undefined = output.finish_reason;
    const stopped: boolean = reason === "stop";
    console.log(`${output.index} ${reason ?? "-"} ${stopped} ${(output.parts ?? []).map(describe).join(" | ")}`);
  }
}
"""

# Each wrong program, and what tsc's one error must name.
WRONG = {
    # A field no text part has.
    "unknown-field": ('const p: LMPart = { type: "text", text: "hi", txet: "typo" };', "'txet'"),
    # A finish reason that is not in the enum.
    "finish-reason": ('const o: LMOutput = { index: 0, finish_reason: "stopped" };', '"stopped"'),
    # A tool call's field read from a part that was not narrowed.
    "not-narrowed": ("declare const p: LMPart; const n: string | null | undefined = p.name;", "'name'"),
    # A count given as text.
    "count-as-text": ('const u: LMUsage = { input_tokens: "12" };', "'number'"),
}


def _expected(response: lmcontract.LMResponse) -> list[str]:
    def describe(part) -> str:
        if part.type == "text":
            return f"text {len(part.text.encode('utf-16-le')) // 2}"  # JavaScript counts UTF-16 units
        if part.type == "tool_call":
            args = json.dumps(part.arguments, separators=(",", ":"), ensure_ascii=False)
            return f"tool_call {part.name or '-'} {args}"
        if part.type == "thinking":
            return f"thinking {str(bool(part.redacted)).lower()}"
        if part.type == "tool_result":
            return f"tool_result {part.result.tool_call_id}"
        if part.type == "citation":
            return f"citation {part.citation.url or '-'}"
        return part.type

    return [
        f"{o.index} {o.finish_reason or '-'} {str(o.finish_reason == 'stop').lower()} "
        + " | ".join(describe(p) for p in o.parts or [])
        for o in response.outputs or []
    ]


def _compile(folder: Path, name: str, source: str, emit: bool = False) -> subprocess.CompletedProcess:
    shutil.copy(TYPES, folder / "lmcontract.d.ts")
    (folder / f"{name}.ts").write_text(source)
    args = [str(TSC), "--strict", "--target", "es2022", "--module", "nodenext", "--types", ""]
    args += ["--outDir", str(folder / "out")] if emit else ["--noEmit"]
    return subprocess.run([*args, str(folder / f"{name}.ts")], capture_output=True, text=True, cwd=folder)


def test_a_strict_program_narrows_parts_and_reads_what_python_reads(tmp_path: Path) -> None:
    result = _compile(tmp_path, "reader", READER, emit=True)
    assert result.returncode == 0, result.stdout + result.stderr
    records, expected = [], []
    for path in EXAMPLES:
        for record in (rec.value for rec in read_records(str(path))):
            records.append(record)
            expected += _expected(lmcontract.LMResponse.model_validate(record))
    data = tmp_path / "responses.json"
    data.write_text(json.dumps(records))
    ran = subprocess.run(["node", str(tmp_path / "out" / "reader.js"), str(data)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == expected
    assert any(" tool_call " in line for line in expected) and any(" stop true " in line for line in expected)


@pytest.mark.parametrize("case", sorted(WRONG))
def test_strict_tsc_rejects_a_wrong_program(tmp_path: Path, case: str) -> None:
    program, needle = WRONG[case]
    source = 'import type { LMPart, LMOutput, LMUsage } from "./lmcontract";\n' + program + "\nexport {};\n"
    result = _compile(tmp_path, "wrong", source)
    assert result.returncode != 0, f"{case}: compiled, but must not"
    errors = [line for line in result.stdout.splitlines() if "error TS" in line]
    assert len(errors) == 1, result.stdout  # the one mistake, nothing else
    assert "wrong.ts(2," in errors[0] and needle in errors[0], errors[0]


def test_root_and_part_names_are_clean() -> None:
    text = TYPES.read_text()
    names = [line.split()[2] for line in text.splitlines() if line.startswith("export ")]
    assert "LMResponse" in names and "LMPart" in names and "Lmcontract" not in names
    assert not [n for n in names if n[-1].isdigit()], names  # no Citation1, ImagePart2
    assert names == sorted(set(names), key=names.index)  # each declared once
    for cls in ("LMResponse", "LMOutput", "LMUsage", "LMMessage", "LMRequest", "TextPart", "ToolCallPart"):
        assert cls in names
