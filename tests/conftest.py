"""Hypothesis profiles: ``ci`` (the default: derandomized, so every run tries the same examples
and a failure is reproducible) and ``fuzz`` (``make fuzz``: many more random examples, to find
a rare failure); ``mutate`` is a quick derandomized set for ``make mutate``. Choose one with ``HYPOTHESIS_PROFILE``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Drawing a response and its chunks is most of the cost; no deadline on a shared machine.
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", derandomize=True, max_examples=100, **_COMMON)
settings.register_profile("fuzz", max_examples=5000, **_COMMON)
# `make mutate` runs the suite once per mutant: few examples, still derandomized.
settings.register_profile("mutate", derandomize=True, max_examples=15, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

if os.environ.get("HYPOTHESIS_PROFILE") == "mutate":
    import pytest

    @pytest.fixture(autouse=True)
    def _fresh_merge_tables():
        """The merge module fills its per-class tables on first use. mutmut runs each mutant in a
        process forked after a first run of the tests, where they are filled already: clear them,
        so that a mutant in the code that fills them is run."""
        from lmcontract.lib import merge

        for table in (merge._PLANS, merge._FRAGMENTS, merge._SPECS, merge._FRAGMENT_FIELDS):
            table.clear()
