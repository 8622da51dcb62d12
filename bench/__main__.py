"""Run every benchmark: ``python -m bench`` (or ``make bench``). Exit 1 if a target is missed."""

from __future__ import annotations

import sys

from bench import bench_arrow, bench_cli, bench_core, bench_engines, bench_import, bench_merge


def main() -> int:
    failed = 0
    for module in (bench_core, bench_merge, bench_import, bench_engines, bench_cli, bench_arrow):
        print(f"\n== {module.__name__} ==", flush=True)
        failed += bool(module.main())
    print("\nall targets met" if not failed else f"\n{failed} benchmark group(s) missed a target")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
