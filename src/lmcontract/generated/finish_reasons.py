# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
"""Provider finish reasons, from the annotations on each FinishReason value (lmcontract.lib.finish_reasons)."""

# provider -> how the docs name it.
PROVIDER_LABELS = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Gemini",
    "vllm": "vLLM",
    "lmdeploy": "LMDeploy",
    "opentelemetry": "OpenTelemetry GenAI"
}

# provider -> provider value -> unified FinishReason value.
PROVIDER_FINISH_REASONS = {
    "openai": {
        "stop": "stop",
        "length": "length",
        "tool_calls": "tool_call",
        "function_call": "tool_call",
        "content_filter": "content_filter"
    },
    "anthropic": {
        "end_turn": "stop",
        "stop_sequence": "stop",
        "max_tokens": "length",
        "model_context_window_exceeded": "length",
        "tool_use": "tool_call",
        "refusal": "content_filter",
        "pause_turn": "paused"
    },
    "gemini": {
        "STOP": "stop",
        "MAX_TOKENS": "length",
        "SAFETY": "content_filter",
        "RECITATION": "content_filter",
        "BLOCKLIST": "content_filter",
        "PROHIBITED_CONTENT": "content_filter",
        "SPII": "content_filter",
        "MALFORMED_FUNCTION_CALL": "error",
        "OTHER": "other",
        "LANGUAGE": "other",
        "FINISH_REASON_UNSPECIFIED": "other"
    },
    "vllm": {
        "stop": "stop",
        "length": "length",
        "tool_calls": "tool_call",
        "abort": "aborted"
    },
    "lmdeploy": {
        "stop": "stop",
        "length": "length",
        "error": "error",
        "abort": "aborted"
    },
    "opentelemetry": {
        "stop": "stop",
        "length": "length",
        "tool_call": "tool_call",
        "content_filter": "content_filter",
        "error": "error"
    }
}

# provider -> provider value -> unified value when the output holds a tool call.
WITH_TOOL_CALL = {
    "gemini": {
        "STOP": "tool_call"
    }
}

# The unified values that mean the output was cut short.
TRUNCATING = [
    "length",
    "aborted",
    "paused"
]
