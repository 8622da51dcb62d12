"""Run every benchmark: ``python -m bench`` (or ``make bench``), then the figures that have a
target beside it. Exit 1 if a target is missed."""

from __future__ import annotations

import sys

from bench import bench_arrow, bench_cli, bench_core, bench_engines, bench_import, bench_merge


def main() -> int:
    figures = []
    failed_groups = []
    for module in (bench_core, bench_merge, bench_import, bench_engines, bench_cli, bench_arrow):
        print(f"\n== {module.__name__} ==", flush=True)
        if hasattr(module, "run"):
            figures += module.run()  # figures, summed up below
        elif module.main():
            failed_groups.append(module.__name__)
    print("\n== every figure against its target ==")
    for figure in figures:
        print(figure.line())
    missed = [f for f in figures if not f.ok]
    if missed:
        print(f"\n{len(missed)} of {len(figures)} figures above missed their target")
    else:
        print("\nall figures above met")
    for name in failed_groups:
        print(f"{name}: missed a target (see its section)")
    return 1 if missed or failed_groups else 0


if __name__ == "__main__":
    sys.exit(main())
