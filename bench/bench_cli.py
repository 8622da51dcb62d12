"""``lmcontract validate`` on a 200 MB JSON Lines file, against a plain loop in the same run.

A temporary file of about 200 MB is written first (about 71,000 records of about 2.8 KB: a chat
response with a few tokens of text, per-token logprobs with alternatives, usage, provider data;
64 different records, cycled). Then, alternated, round after round, each in a fresh interpreter:

- baseline: ``for line in open(path, "rb"): LMResponse.model_validate_json(line)``, the plain
  loop a user would write with the library;
- command: ``lmcontract validate path``.

For each: wall time (best of the rounds) and peak RSS (the kernel's ru_maxrss for that child,
from ``os.wait4``). Targets: the command takes at most 1.2x the loop's time, and stays under
100 MB of RSS whatever the file's size (it streams line by line).

Run: ``python -m bench.bench_cli`` (or ``make bench``). ``main()`` prints the figures with PASS
or FAIL and returns 1 if a target is missed. ``BENCH_CLI_MB`` sets the file size (default 200).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_core import realistic_response

TIME_TARGET = 1.2
RSS_TARGET_MB = 100
ROUNDS = 2
LOOP = (
    "import sys\n"
    "from lmcontract import LMResponse\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        LMResponse.model_validate_json(line)\n"
)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def write_file(path: Path, megabytes: int) -> int:
    """About ``megabytes`` MB of JSON Lines at ``path``; returns the number of records."""
    from lmcontract import LMResponse

    lines = []
    for seed in range(64):
        text = realistic_response(tokens=8, alternatives=3, seed=seed)
        lines.append(LMResponse.model_validate_json(text).model_dump_json(exclude_none=True).encode() + b"\n")
    target = megabytes * 1_000_000
    written = records = 0
    with path.open("wb") as f:
        while written < target:
            line = lines[records % len(lines)]
            f.write(line)
            written += len(line)
            records += 1
    return records


def _measure(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of one child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def main() -> int:
    megabytes = int(os.environ.get("BENCH_CLI_MB", "200"))
    command = str(Path(sys.executable).with_name("lmcontract"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        records = write_file(path, megabytes)
        size = path.stat().st_size / 1e6
        runs: dict[str, list[tuple[float, float, int]]] = {"loop": [], "command": []}
        for _ in range(ROUNDS):
            runs["loop"].append(_measure([sys.executable, "-c", LOOP, str(path)]))
            runs["command"].append(_measure([command, "validate", str(path)]))
    loop_s = min(r[0] for r in runs["loop"])
    cmd_s = min(r[0] for r in runs["command"])
    loop_rss = max(r[1] for r in runs["loop"])
    cmd_rss = max(r[1] for r in runs["command"])
    statuses = {r[2] for rs in runs.values() for r in rs}
    ratio = cmd_s / loop_s
    print(f"(d) validating {size:.0f} MB of JSON Lines ({records} records), best of {ROUNDS} alternated runs:")
    print(f"    plain loop of LMResponse.model_validate_json per line: {loop_s:6.2f} s, peak RSS {loop_rss:5.1f} MB")
    print(f"    lmcontract validate FILE:                              {cmd_s:6.2f} s, peak RSS {cmd_rss:5.1f} MB")
    ok_time = ratio <= TIME_TARGET
    ok_rss = cmd_rss < RSS_TARGET_MB
    ok_status = statuses == {0}
    print(f"    command / loop = {ratio:.2f}x, target <= {TIME_TARGET:g}x: {_verdict(ok_time)}")
    print(f"    command peak RSS {cmd_rss:.1f} MB, target < {RSS_TARGET_MB} MB: {_verdict(ok_rss)}")
    print(f"    every run exited 0 (all records valid): {_verdict(ok_status)}")
    return 0 if ok_time and ok_rss and ok_status else 1


if __name__ == "__main__":
    sys.exit(main())
