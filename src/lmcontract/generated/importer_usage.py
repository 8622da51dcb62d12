# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/importers.yaml with linkml 1.12.1.
# Change the data or the generator, then regenerate; `make check-gen` fails on any hand edit.

"""Per wire format: contract usage field -> the wire counts (dotted paths) whose sum it is."""

USAGE: dict[str, dict[str, tuple[str, ...]]] = {
    'openai-chat': {
        'input_tokens': ('prompt_tokens',),
        'output_tokens': ('completion_tokens',),
        'total_tokens': ('total_tokens',),
        'reasoning_tokens': ('completion_tokens_details.reasoning_tokens',),
        'cache_read_tokens': ('prompt_tokens_details.cached_tokens',),
        'input_audio_tokens': ('prompt_tokens_details.audio_tokens',),
        'output_audio_tokens': ('completion_tokens_details.audio_tokens',),
    },
    'openai-completions': {
        'input_tokens': ('prompt_tokens',),
        'output_tokens': ('completion_tokens',),
        'total_tokens': ('total_tokens',),
        'reasoning_tokens': ('completion_tokens_details.reasoning_tokens',),
        'cache_read_tokens': ('prompt_tokens_details.cached_tokens',),
    },
    'openai-responses': {
        'input_tokens': ('input_tokens',),
        'output_tokens': ('output_tokens',),
        'total_tokens': ('total_tokens',),
        'reasoning_tokens': ('output_tokens_details.reasoning_tokens',),
        'cache_read_tokens': ('input_tokens_details.cached_tokens',),
    },
    'anthropic': {
        'input_tokens': ('input_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'),
        'output_tokens': ('output_tokens',),
        'cache_read_tokens': ('cache_read_input_tokens',),
        'cache_write_tokens': ('cache_creation_input_tokens',),
    },
    'gemini': {
        'input_tokens': ('promptTokenCount', 'toolUsePromptTokenCount'),
        'output_tokens': ('candidatesTokenCount', 'thoughtsTokenCount'),
        'total_tokens': ('totalTokenCount',),
        'reasoning_tokens': ('thoughtsTokenCount',),
        'cache_read_tokens': ('cachedContentTokenCount',),
    },
}
