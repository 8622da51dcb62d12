"""Provider finish reasons map to the unified vocabulary, and the docs table says the same."""

import re
from pathlib import Path

import pytest

from lmcontract import FinishReason, LMOutput, TextPart, unify_finish_reason
from lmcontract.lib.finish_reasons import PROVIDER_FINISH_REASONS, TRUNCATING

DOCS = Path(__file__).resolve().parent.parent / "docs" / "finish-reasons.md"
COLUMNS = {
    "OpenAI": "openai",
    "OpenAI Responses": "openai_responses",
    "Anthropic": "anthropic",
    "Gemini": "gemini",
    "vLLM": "vllm",
    "LMDeploy": "lmdeploy",
    "OpenTelemetry GenAI": "opentelemetry",
}


def _docs_mapping() -> dict[str, dict[str, set[str]]]:
    """provider -> raw value -> unified values, read from the docs page's mapping table."""
    text = DOCS.read_text()
    table = text[text.index("| Unified |") :].split("\n\n")[0].splitlines()
    header = [c.strip() for c in table[0].strip("|").split("|")]
    mapping: dict[str, dict[str, set[str]]] = {COLUMNS[h]: {} for h in header[1:]}
    for row in table[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        unified = cells[0].strip("`")
        for name, cell in zip(header[1:], cells[1:], strict=True):
            for raw in re.findall(r"`([^`]+)`", cell):
                mapping[COLUMNS[name]].setdefault(raw, set()).add(unified)
    return mapping


def test_every_unified_value_is_in_the_schema_enum():
    values = {v.value for v in FinishReason}
    for provider, table in PROVIDER_FINISH_REASONS.items():
        assert set(table.values()) <= values, provider
    assert values >= TRUNCATING


def test_the_docs_table_is_the_code_table():
    expected: dict[str, dict[str, set[str]]] = {
        provider: {raw: {unified} for raw, unified in table.items()}
        for provider, table in PROVIDER_FINISH_REASONS.items()
    }
    expected["gemini"]["STOP"].add("tool_call")  # STOP with a function call in the candidate
    expected["openai_responses"]["completed"].add("tool_call")  # completed after a function call
    assert _docs_mapping() == expected


@pytest.mark.parametrize("provider", sorted(PROVIDER_FINISH_REASONS))
def test_an_unknown_value_is_other_never_stop_and_the_raw_value_is_kept(provider):
    result = unify_finish_reason(provider, "SOMETHING_NEW")
    assert result == ("other", "SOMETHING_NEW", False)


def test_gemini_stop_with_a_function_call_is_a_tool_call():
    assert unify_finish_reason("gemini", "STOP").finish_reason == "stop"
    assert unify_finish_reason("gemini", "STOP", has_tool_call=True).finish_reason == "tool_call"
    assert unify_finish_reason("openai", "stop", has_tool_call=True).finish_reason == "stop"


def test_truncated_follows_from_the_reason():
    assert unify_finish_reason("anthropic", "max_tokens").truncated
    assert unify_finish_reason("anthropic", "pause_turn") == ("paused", "pause_turn", True)
    assert unify_finish_reason("vllm", "abort") == ("aborted", "abort", True)
    assert not unify_finish_reason("anthropic", "end_turn").truncated


def test_still_generating_gives_no_reason_and_an_unknown_provider_is_refused():
    assert unify_finish_reason("OpenAI", None) == (None, None, False)
    with pytest.raises(ValueError, match="provider: no finish-reason table for 'acme'"):
        unify_finish_reason("acme", "stop")


def test_the_result_fills_an_output():
    unified = unify_finish_reason("anthropic", "refusal")
    output = LMOutput(index=0, parts=[TextPart(text="I can't help with that.")], **unified._asdict())
    assert (output.finish_reason, output.provider_finish_reason) == ("content_filter", "refusal")
