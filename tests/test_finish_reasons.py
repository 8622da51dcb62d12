"""Provider finish reasons map to the unified vocabulary, as the schema's FinishReason annotations say."""

from pathlib import Path

import pytest
import yaml

from lmcontract import FinishReason, LMOutput, TextPart, unify_finish_reason
from lmcontract.lib.finish_reasons import PROVIDER_FINISH_REASONS, TRUNCATING

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "lmcontract.yaml"

def test_every_unified_value_is_in_the_schema_enum():
    values = {v.value for v in FinishReason}
    for provider, table in PROVIDER_FINISH_REASONS.items():
        assert set(table.values()) <= values, provider
    assert values >= TRUNCATING


def test_the_runtime_table_is_generated_from_the_schema_annotations():
    """Each FinishReason value lists its provider values in the schema; the runtime reads them."""
    schema = yaml.safe_load(SCHEMA.read_text())["enums"]["FinishReason"]
    providers = [p.strip() for p in schema["annotations"]["providers"].split(",")]
    expected: dict[str, dict[str, str]] = {p: {} for p in providers}
    for unified, value in schema["permissible_values"].items():
        for tag, raw in value.get("annotations", {}).items():
            if tag in expected:
                expected[tag].update({r.strip(): unified for r in raw.split(",")})
    assert PROVIDER_FINISH_REASONS == expected
    assert unify_finish_reason("gemini", "STOP", has_tool_call=True).finish_reason == "tool_call"


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
