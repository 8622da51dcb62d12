"""Run every benchmark: ``python -m bench`` (or ``make bench``), then the issue's figures beside
their targets. Exit 1 if a target is missed."""

from __future__ import annotations

import sys

from bench import bench_core, bench_merge


def main() -> int:
    figures = []
    for module in (bench_core, bench_merge):
        print(f"\n== {module.__name__} ==", flush=True)
        figures += module.run()
    print("\n== every figure against its target ==")
    for figure in figures:
        print(figure.line())
    missed = [f for f in figures if not f.ok]
    print("\nall targets met" if not missed else f"\n{len(missed)} of {len(figures)} figures missed their target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
