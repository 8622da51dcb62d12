"""A distributed engine reads the same dataset: Ray Data on a local Ray (2 CPUs), checked against DuckDB.

Ray's own reader (``ray.data.read_parquet``) and its own group-by do the work: no partitioning or
worker pool of ours. One local cluster for the module; a few thousand responses.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

import lmcontract
from lmcontract.arrow import write_dataset

ray = pytest.importorskip("ray", reason="needs ray[data] (the `ray` extra; make setup installs it)")
from ray.data.aggregate import Count, Sum  # noqa: E402

MODELS = ("gpt-4o", "claude-sonnet-4", "gemini-2.5-pro", "llama-3.1-70b")
REASONS = ("stop", "length", "tool_call", "content_filter")


def _responses(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        outputs = []
        for index in range(rng.choice((1, 1, 1, 2))):
            reason = rng.choices(REASONS, weights=(70, 10, 15, 5))[0]
            parts = [{"type": "text", "text": "x" * rng.randint(1, 40)}]
            if reason == "tool_call":
                parts.append({"type": "tool_call", "id": f"c{i}", "name": "search", "arguments": {"q": i}})
            outputs.append({"index": index, "finish_reason": reason, "parts": parts})
        yield lmcontract.LMResponse(
            id=f"r{i}",
            model=rng.choice(MODELS),
            provider="test",
            created=datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=i),
            outputs=outputs,
            usage={"input_tokens": rng.randint(5, 500), "output_tokens": rng.randint(1, 300)},
        )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ray") / "ds"
    write_dataset(_responses(4000), path, batch_size=1000)  # four row groups
    return path


@pytest.fixture(scope="module")
def local_ray():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_data_aggregation_matches_duckdb(dataset: Path, local_ray) -> None:
    outputs = ray.data.read_parquet(str(dataset / "outputs")).select_columns(
        ["model", "finish_reason", "response_usage_output_tokens"]
    )
    rows = (
        outputs.groupby(["model", "finish_reason"])
        .aggregate(Count(), Sum("response_usage_output_tokens"))
        .take_all()
    )
    by_ray = {(r["model"], r["finish_reason"]): (r["count()"], r["sum(response_usage_output_tokens)"]) for r in rows}

    by_duckdb = {
        (model, reason): (n, tokens)
        for model, reason, n, tokens in duckdb.connect()
        .sql(
            f"SELECT model, finish_reason, count(*), sum(response_usage_output_tokens) "
            f"FROM '{dataset}/outputs/*.parquet' GROUP BY ALL"
        )
        .fetchall()
    }
    assert by_ray == by_duckdb
    assert sum(n for n, _ in by_ray.values()) == sum(len(r.outputs) for r in _responses(4000))
    assert len(by_ray) == len(MODELS) * len(REASONS)


def test_ray_reads_the_nested_responses_table(dataset: Path, local_ray) -> None:
    responses = ray.data.read_parquet(str(dataset / "responses")).select_columns(["id", "usage"])
    total = responses.map(lambda row: {"tokens": row["usage"]["input_tokens"]}).sum("tokens")
    assert total == sum(r.usage.input_tokens for r in _responses(4000))
