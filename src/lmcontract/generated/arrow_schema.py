# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
"""Arrow types for every class of schema/lmcontract.yaml (see codegen/arrow_gen.py for the rules).

Needs pyarrow (``pip install 'lmcontract[arrow]'``); use it through ``lmcontract.arrow``.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = '0.1.0'
ROOT_CLASS = 'LMResponse'
ROW_CLASS = 'LMOutput'
OFFSET_SUFFIX = '_utc_offset'

# Each enum's values, in schema order: the dictionary of its dictionary-encoded columns.
ENUMS: dict[str, tuple[str, ...]] = {
    'FinishReason': ('stop', 'length', 'tool_call', 'content_filter', 'error', 'aborted', 'paused', 'other'),
    'Role': ('system', 'developer', 'user', 'assistant', 'tool'),
    'ChunkMode': ('delta', 'cumulative'),
    'MergePolicy': ('append', 'replace', 'first_wins', 'last_non_null', 'stays_true', 'merge_keys', 'merge_fields', 'key', 'pair', 'kept'),
    'TensorDtype': ('float64', 'float32', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'),
}

# Polymorphic ranges: the designator field and the class each of its values selects.
KINDS: dict[str, tuple[str, dict[str, str]]] = {
    'LMPart': ('type', {'text': 'TextPart', 'thinking': 'ThinkingPart', 'tool_call': 'ToolCallPart', 'tool_result': 'ToolResultPart', 'image': 'ImagePart', 'audio': 'AudioPart', 'video': 'VideoPart', 'document': 'DocumentPart', 'binary': 'BinaryPart', 'citation': 'CitationPart', 'refusal': 'RefusalPart', 'unknown': 'UnknownPart'}),
}


def _field(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, type_, metadata={"description": description})


# Citation.
Citation = pa.struct(
    [
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('title', pa.string(), 'A title.'),
        _field('cited_text', pa.string(), 'The exact text quoted from the source.'),
        _field('document_index', pa.int64(), 'Which of the documents given to the model the citation points into.'),
        _field('start_index', pa.int64(), 'Where the supported span starts, in characters of the text part.'),
        _field('end_index', pa.int64(), 'Where the supported span ends (exclusive), in characters of the text part; not before start_index.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
    ]
)

# ToolResult.
ToolResult = pa.struct(
    [
        _field('tool_call_id', pa.string(), 'The id of the tool call this result answers.'),
        _field('name', pa.string(), 'The name of the tool that ran.'),
        _field('content', pa.json_(), 'What the tool returned, as text or any JSON value.'),
        _field('is_error', pa.bool_(), 'True when the tool failed and content describes the failure.'),
    ]
)

# LMPart: one wide struct for all its kinds, told apart by type.
LMPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('text', pa.string(), 'The text of the part.'),
        _field('citations', pa.list_(Citation), 'Sources that support this text.'),
        _field('signature', pa.string(), 'An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.'),
        _field('redacted', pa.bool_(), 'True when the provider withheld the reasoning; encrypted_content then holds the opaque payload, if any, and text holds no readable reasoning.'),
        _field('encrypted_content', pa.string(), 'An opaque reasoning payload (Anthropic redacted_thinking data, OpenAI Responses encrypted_content), to be sent back unchanged. Always whole: a stream that sends it again replaces it, never appends to it.'),
        _field('id', pa.string(), "The provider's identifier for this call, echoed by the tool result that answers it."),
        _field('name', pa.string(), 'The name of the tool to call. Required in a complete response and in a message; a stream chunk that continues a call (by id or part_index) may leave it out.'),
        _field('arguments', pa.json_(), 'The tool arguments as a JSON object, parsed once the call is complete. Absent while still streaming or when the text did not parse; an empty argument text means {}.'),
        _field('arguments_raw', pa.string(), 'The argument text exactly as the model wrote it, kept when it did not parse as a JSON object (and while fragments are still arriving).'),
        _field('server_side', pa.bool_(), 'True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.'),
        _field('result', ToolResult, "The tool's result."),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
        _field('transcript', pa.string(), 'A transcript of the audio.'),
        _field('title', pa.string(), 'A title.'),
        _field('citation', Citation, 'The cited source.'),
        _field('provider_type', pa.string(), "The provider's own name for the kind of an unknown part (its type or key), as sent."),
        _field('value', pa.json_(), 'The unknown part exactly as the provider sent it.'),
    ]
)

# TokenAlternative.
TokenAlternative = pa.struct(
    [
        _field('token', pa.string(), 'The token as text (it may be a fragment of a character).'),
        _field('token_id', pa.int64(), "The token's id in the model's vocabulary."),
        _field('bytes', pa.list_(pa.int64()), "The token's UTF-8 bytes, for tokens that are not whole characters."),
        _field('logprob', pa.float64(), 'The natural-log probability of the token; zero or less, "-Infinity" in JSON for a token that could not be chosen.'),
        _field('rank', pa.int64(), "The alternative's rank among the candidates at this position, 1 for the most likely."),
    ]
)

# TokenLogprob.
TokenLogprob = pa.struct(
    [
        _field('token', pa.string(), 'The token as text (it may be a fragment of a character).'),
        _field('token_id', pa.int64(), "The token's id in the model's vocabulary."),
        _field('bytes', pa.list_(pa.int64()), "The token's UTF-8 bytes, for tokens that are not whole characters."),
        _field('logprob', pa.float64(), 'The natural-log probability of the token; zero or less, "-Infinity" in JSON for a token that could not be chosen.'),
        _field('rank', pa.int64(), "The chosen token's rank among the candidates at its position, 1 for the most likely; sampling can choose a token that is not (vLLM reports the rank)."),
        _field('top', pa.list_(TokenAlternative), 'The most likely tokens at this position, best first; it may include the chosen token.'),
    ]
)

# LMUsage.
LMUsage = pa.struct(
    [
        _field('input_tokens', pa.int64(), 'Tokens in the prompt, including cached tokens (cache_read_tokens and cache_write_tokens are parts of it, not additions), as OpenTelemetry GenAI counts it.'),
        _field('output_tokens', pa.int64(), 'Tokens generated, including reasoning tokens (reasoning_tokens is a part of it) and audio output tokens.'),
        _field('total_tokens', pa.int64(), 'input_tokens plus output_tokens, as the provider reported it.'),
        _field('reasoning_tokens', pa.int64(), 'Of output_tokens, those spent on reasoning, visible or not.'),
        _field('cache_read_tokens', pa.int64(), "Of input_tokens, those read from the provider's prompt cache."),
        _field('cache_write_tokens', pa.int64(), "Of input_tokens, those written to the provider's prompt cache."),
        _field('input_audio_tokens', pa.int64(), 'Of input_tokens, those that encode audio.'),
        _field('output_audio_tokens', pa.int64(), 'Of output_tokens, those that encode audio.'),
        _field('provider_details', pa.json_(), "The provider's own usage breakdown, kept verbatim."),
    ]
)

# A tensor slot: dtype, shape and the raw bytes.
TENSOR = pa.struct(
    [
        _field('dtype', pa.dictionary(pa.int32(), pa.string()), 'The element type.'),
        _field('shape', pa.list_(pa.int64()), 'The size of each dimension, outermost first.'),
        _field('data', pa.large_binary(), 'The raw element bytes, little-endian, C order.'),
    ]
)

# LMError.
LMError = pa.struct(
    [
        _field('message', pa.string(), 'A human-readable error message.'),
        _field('code', pa.string(), "The provider's error code or type, as sent."),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
    ]
)

# LMOutput.
LMOutput = pa.struct(
    [
        _field('index', pa.int64(), "The position of this candidate among the response's outputs (OpenAI choice index, vLLM and LMDeploy index). Stream chunks pair up by it."),
        _field('parts', pa.list_(LMPart), 'The ordered content. A complete output has at least one part, or token_ids alone when the model ran without a tokenizer (no text to show); a stream chunk may have none (one that carries only a finish reason).'),
        _field('finish_reason', pa.dictionary(pa.int32(), pa.string()), 'Why generation stopped, unified across providers; absent while still generating.'),
        _field('provider_finish_reason', pa.string(), "The provider's own finish or stop reason string, exactly as sent (end_turn, MAX_TOKENS, abort, ...)."),
        _field('stop_sequence', pa.string(), 'The stop sequence that ended generation, when one did.'),
        _field('stop_token_id', pa.int64(), "The token id that ended generation, when a stop token did (vLLM's stop_reason as an integer, the EOS id of a transformers run). The token itself is the last of token_ids when the engine keeps it."),
        _field('truncated', pa.bool_(), 'True when the output was cut short rather than ended by the model. A finish reason that truncates (length, aborted, paused) makes it true: absent, it is set; false is an error. Otherwise false unless stated.'),
        _field('token_ids', pa.list_(pa.int64()), 'The generated token ids in order. When logprobs are present they align one to one.'),
        _field('logprobs', pa.list_(TokenLogprob), 'One entry per generated token, in order, aligned with token_ids when both are present.'),
        _field('refusal_logprobs', pa.list_(TokenLogprob), 'One entry per token of the refusal message, in order (OpenAI sends refusal log-probabilities apart from the content ones). Not aligned with token_ids.'),
        _field('cumulative_logprob', pa.float64(), "The sum of the log-probabilities of all tokens generated so far, as the engine reported it (vLLM's cumulative_logprob). A stream chunk carries the running total."),
        _field('usage', LMUsage, "Token counts for this candidate alone, where the engine reports them per candidate (LMDeploy's input_token_len and generate_token_len)."),
        _field('logits', TENSOR, 'The raw next-token scores, one row per generated position (sequence, vocab). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id.'),
        _field('scores', TENSOR, "The processed next-token scores the token was chosen from, one row per generated position (sequence, vocab): the raw logits after the engine's logits processors (temperature, top-k, repetition penalty, ...), with -inf for masked tokens. Not the same as logits; log_softmax of a row gives the logprobs. In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request."),
        _field('last_hidden_state', TENSOR, "The model's last-layer hidden states, one row per generated position (sequence, hidden). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id."),
        _field('error', LMError, 'An error reported by the provider; a chunk that carries one makes the merged finish reason error.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('metadata', pa.json_(), "The caller's own annotations (request tags, trace ids); never set by providers."),
    ]
)

# LMResponse.
LMResponse = pa.struct(
    [
        _field('id', pa.string(), "The provider's identifier for this response."),
        _field('model', pa.string(), 'The model name as the provider reported it (for example gpt-4o-2024-08-06).'),
        _field('created', pa.timestamp("us", tz="UTC"), 'When the provider created the response, as an ISO 8601 timestamp with time zone.'),
        _field('created_utc_offset', pa.int32(), 'The time zone offset created was written with, in seconds east of UTC (7200 for +02:00); null for a time without one.'),
        _field('chunk_mode', pa.dictionary(pa.int32(), pa.string()), 'Absent on a complete response. On a stream chunk, whether it is a delta (append) or a cumulative snapshot (replace).'),
        _field('outputs', pa.list_(LMOutput), 'The candidate outputs, each with its own index; a complete response has at least one. A chunk may carry none (a final usage-only chunk).'),
        _field('usage', LMUsage, 'Token counts for the whole call.'),
        _field('cost', pa.float64(), 'What the call cost, in US dollars, where the provider or caller computed it.'),
        _field('cache_hit', pa.bool_(), 'True when the whole response was served from a cache rather than generated.'),
        _field('provider', pa.string(), 'The provider or engine that produced the response (openai, anthropic, vllm, lmdeploy, ...).'),
        _field('error', LMError, 'An error reported by the provider; a chunk that carries one makes the merged finish reason error.'),
        _field('prompt_token_ids', pa.list_(pa.int64()), "The prompt's token ids as the engine tokenized it (vLLM prompt_token_ids, the input ids of a transformers run). Shared by every output of the response."),
        _field('prompt_logprobs', pa.list_(TokenLogprob), 'The log-probability of each prompt token given the ones before it (vLLM prompt_logprobs), one entry per prompt token from the second on: the first token has nothing before it. Aligned with prompt_token_ids[1:] when both are present.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('metadata', pa.json_(), "The caller's own annotations (request tags, trace ids); never set by providers."),
    ]
)

# TextPart.
TextPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('text', pa.string(), 'The text of the part.'),
        _field('citations', pa.list_(Citation), 'Sources that support this text.'),
        _field('signature', pa.string(), 'An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.'),
    ]
)

# ThinkingPart.
ThinkingPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('text', pa.string(), 'The text of the part.'),
        _field('signature', pa.string(), 'An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.'),
        _field('redacted', pa.bool_(), 'True when the provider withheld the reasoning; encrypted_content then holds the opaque payload, if any, and text holds no readable reasoning.'),
        _field('encrypted_content', pa.string(), 'An opaque reasoning payload (Anthropic redacted_thinking data, OpenAI Responses encrypted_content), to be sent back unchanged. Always whole: a stream that sends it again replaces it, never appends to it.'),
    ]
)

# ToolCallPart.
ToolCallPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('id', pa.string(), "The provider's identifier for this call, echoed by the tool result that answers it."),
        _field('name', pa.string(), 'The name of the tool to call. Required in a complete response and in a message; a stream chunk that continues a call (by id or part_index) may leave it out.'),
        _field('arguments', pa.json_(), 'The tool arguments as a JSON object, parsed once the call is complete. Absent while still streaming or when the text did not parse; an empty argument text means {}.'),
        _field('arguments_raw', pa.string(), 'The argument text exactly as the model wrote it, kept when it did not parse as a JSON object (and while fragments are still arriving).'),
        _field('signature', pa.string(), 'An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.'),
        _field('server_side', pa.bool_(), 'True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.'),
    ]
)

# ToolResultPart.
ToolResultPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('result', ToolResult, "The tool's result."),
        _field('server_side', pa.bool_(), 'True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.'),
    ]
)

# ImagePart.
ImagePart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
    ]
)

# AudioPart.
AudioPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
        _field('transcript', pa.string(), 'A transcript of the audio.'),
    ]
)

# VideoPart.
VideoPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
    ]
)

# DocumentPart.
DocumentPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
        _field('title', pa.string(), 'A title.'),
    ]
)

# BinaryPart.
BinaryPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('media_type', pa.string(), 'The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).'),
        _field('data', pa.string(), 'The payload, base64-encoded (standard alphabet, padded).'),
        _field('url', pa.string(), 'A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.'),
        _field('file_id', pa.string(), "The provider's identifier for an uploaded file."),
    ]
)

# CitationPart.
CitationPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('citation', Citation, 'The cited source.'),
    ]
)

# RefusalPart.
RefusalPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('text', pa.string(), 'The refusal message.'),
    ]
)

# UnknownPart.
UnknownPart = pa.struct(
    [
        _field('type', pa.string(), "The kind of part (text, thinking, tool_call, ...); it selects the part's class."),
        _field('part_index', pa.int64(), 'The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.'),
        _field('provider_data', pa.json_(), 'Provider-specific fields kept verbatim, so nothing the provider sent is lost.'),
        _field('provider_type', pa.string(), "The provider's own name for the kind of an unknown part (its type or key), as sent."),
        _field('value', pa.json_(), 'The unknown part exactly as the provider sent it.'),
    ]
)

# EncodedTensor.
EncodedTensor = pa.struct(
    [
        _field('dtype', pa.dictionary(pa.int32(), pa.string()), 'The element type.'),
        _field('shape', pa.list_(pa.int64()), 'The size of each dimension, outermost first.'),
        _field('data', pa.string(), 'The raw element bytes, little-endian, C order, base64-encoded.'),
    ]
)

# LMMessage.
LMMessage = pa.struct(
    [
        _field('role', pa.dictionary(pa.int32(), pa.string()), 'Who wrote the message.'),
        _field('parts', pa.list_(LMPart), 'The message content, in order.'),
        _field('name', pa.string(), 'An optional name telling apart participants that share a role.'),
    ]
)

# LMToolSpec.
LMToolSpec = pa.struct(
    [
        _field('name', pa.string(), 'The name the model uses to call the tool.'),
        _field('description', pa.string(), 'What the tool does, for the model to read.'),
        _field('parameters', pa.json_(), "A JSON Schema object describing the tool's arguments."),
        _field('strict', pa.bool_(), 'True when the provider must hold the arguments exactly to the parameters schema.'),
    ]
)

# LMSamplingConfig.
LMSamplingConfig = pa.struct(
    [
        _field('temperature', pa.float64(), 'Sampling temperature; 0 picks the most likely token.'),
        _field('top_p', pa.float64(), 'Nucleus sampling, sampling only from the smallest set of tokens whose probability reaches top_p.'),
        _field('top_k', pa.int64(), 'Sample only from the k most likely tokens.'),
        _field('max_tokens', pa.int64(), 'The most tokens the model may generate.'),
        _field('stop', pa.list_(pa.string()), 'Sequences that end generation when produced.'),
        _field('seed', pa.int64(), 'A seed for reproducible sampling, where the provider supports it.'),
        _field('candidate_count', pa.int64(), 'How many candidate outputs to generate (OpenAI n).'),
        _field('presence_penalty', pa.float64(), 'Penalty on tokens that already appeared at all.'),
        _field('frequency_penalty', pa.float64(), 'Penalty on tokens in proportion to how often they appeared.'),
        _field('logprobs_requested', pa.bool_(), 'True when per-token log-probabilities were requested.'),
        _field('top_logprobs', pa.int64(), 'How many ranked alternatives per position were requested.'),
    ]
)

# LMRequest.
LMRequest = pa.struct(
    [
        _field('model', pa.string(), 'The model name as the provider reported it (for example gpt-4o-2024-08-06).'),
        _field('messages', pa.list_(LMMessage), 'The conversation sent to the model, in order.'),
        _field('tools', pa.list_(LMToolSpec), 'The tools the model may call.'),
        _field('sampling', LMSamplingConfig, 'The sampling configuration.'),
        _field('stream', pa.bool_(), 'True when the response was requested as a stream of chunks.'),
        _field('metadata', pa.json_(), "The caller's own annotations (request tags, trace ids); never set by providers."),
    ]
)

# How lmcontract.arrow converts each field: (name, kind, target, multivalued).
LAYOUT: dict[str, tuple[tuple[str, str, str | None, bool], ...]] = {
    'Citation': (
        ('url', 'value', None, False),
        ('title', 'value', None, False),
        ('cited_text', 'value', None, False),
        ('document_index', 'value', None, False),
        ('start_index', 'value', None, False),
        ('end_index', 'value', None, False),
        ('provider_data', 'json', None, False),
    ),
    'ToolResult': (
        ('tool_call_id', 'value', None, False),
        ('name', 'value', None, False),
        ('content', 'json', None, False),
        ('is_error', 'value', None, False),
    ),
    'LMPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('text', 'value', None, False),
        ('citations', 'class', 'Citation', True),
        ('signature', 'value', None, False),
        ('redacted', 'value', None, False),
        ('encrypted_content', 'value', None, False),
        ('id', 'value', None, False),
        ('name', 'value', None, False),
        ('arguments', 'json', None, False),
        ('arguments_raw', 'value', None, False),
        ('server_side', 'value', None, False),
        ('result', 'class', 'ToolResult', False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
        ('transcript', 'value', None, False),
        ('title', 'value', None, False),
        ('citation', 'class', 'Citation', False),
        ('provider_type', 'value', None, False),
        ('value', 'json', None, False),
    ),
    'TokenAlternative': (
        ('token', 'value', None, False),
        ('token_id', 'value', None, False),
        ('bytes', 'value', None, True),
        ('logprob', 'value', None, False),
        ('rank', 'value', None, False),
    ),
    'TokenLogprob': (
        ('token', 'value', None, False),
        ('token_id', 'value', None, False),
        ('bytes', 'value', None, True),
        ('logprob', 'value', None, False),
        ('rank', 'value', None, False),
        ('top', 'class', 'TokenAlternative', True),
    ),
    'LMUsage': (
        ('input_tokens', 'value', None, False),
        ('output_tokens', 'value', None, False),
        ('total_tokens', 'value', None, False),
        ('reasoning_tokens', 'value', None, False),
        ('cache_read_tokens', 'value', None, False),
        ('cache_write_tokens', 'value', None, False),
        ('input_audio_tokens', 'value', None, False),
        ('output_audio_tokens', 'value', None, False),
        ('provider_details', 'json', None, False),
    ),
    'TENSOR': (
        ('dtype', 'enum', 'TensorDtype', False),
        ('shape', 'value', None, True),
        ('data', 'value', None, False),
    ),
    'LMError': (
        ('message', 'value', None, False),
        ('code', 'value', None, False),
        ('provider_data', 'json', None, False),
    ),
    'LMOutput': (
        ('index', 'value', None, False),
        ('parts', 'kinds', 'LMPart', True),
        ('finish_reason', 'enum', 'FinishReason', False),
        ('provider_finish_reason', 'value', None, False),
        ('stop_sequence', 'value', None, False),
        ('stop_token_id', 'value', None, False),
        ('truncated', 'value', None, False),
        ('token_ids', 'value', None, True),
        ('logprobs', 'class', 'TokenLogprob', True),
        ('refusal_logprobs', 'class', 'TokenLogprob', True),
        ('cumulative_logprob', 'value', None, False),
        ('usage', 'class', 'LMUsage', False),
        ('logits', 'tensor', None, False),
        ('scores', 'tensor', None, False),
        ('last_hidden_state', 'tensor', None, False),
        ('error', 'class', 'LMError', False),
        ('provider_data', 'json', None, False),
        ('metadata', 'json', None, False),
    ),
    'LMResponse': (
        ('id', 'value', None, False),
        ('model', 'value', None, False),
        ('created', 'datetime', None, False),
        ('created_utc_offset', 'offset', 'created', False),
        ('chunk_mode', 'enum', 'ChunkMode', False),
        ('outputs', 'class', 'LMOutput', True),
        ('usage', 'class', 'LMUsage', False),
        ('cost', 'value', None, False),
        ('cache_hit', 'value', None, False),
        ('provider', 'value', None, False),
        ('error', 'class', 'LMError', False),
        ('prompt_token_ids', 'value', None, True),
        ('prompt_logprobs', 'class', 'TokenLogprob', True),
        ('provider_data', 'json', None, False),
        ('metadata', 'json', None, False),
    ),
    'TextPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('text', 'value', None, False),
        ('citations', 'class', 'Citation', True),
        ('signature', 'value', None, False),
    ),
    'ThinkingPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('text', 'value', None, False),
        ('signature', 'value', None, False),
        ('redacted', 'value', None, False),
        ('encrypted_content', 'value', None, False),
    ),
    'ToolCallPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('id', 'value', None, False),
        ('name', 'value', None, False),
        ('arguments', 'json', None, False),
        ('arguments_raw', 'value', None, False),
        ('signature', 'value', None, False),
        ('server_side', 'value', None, False),
    ),
    'ToolResultPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('result', 'class', 'ToolResult', False),
        ('server_side', 'value', None, False),
    ),
    'ImagePart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
    ),
    'AudioPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
        ('transcript', 'value', None, False),
    ),
    'VideoPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
    ),
    'DocumentPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
        ('title', 'value', None, False),
    ),
    'BinaryPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('media_type', 'value', None, False),
        ('data', 'value', None, False),
        ('url', 'value', None, False),
        ('file_id', 'value', None, False),
    ),
    'CitationPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('citation', 'class', 'Citation', False),
    ),
    'RefusalPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('text', 'value', None, False),
    ),
    'UnknownPart': (
        ('type', 'value', None, False),
        ('part_index', 'value', None, False),
        ('provider_data', 'json', None, False),
        ('provider_type', 'value', None, False),
        ('value', 'json', None, False),
    ),
    'EncodedTensor': (
        ('dtype', 'enum', 'TensorDtype', False),
        ('shape', 'value', None, True),
        ('data', 'value', None, False),
    ),
    'LMMessage': (
        ('role', 'enum', 'Role', False),
        ('parts', 'kinds', 'LMPart', True),
        ('name', 'value', None, False),
    ),
    'LMToolSpec': (
        ('name', 'value', None, False),
        ('description', 'value', None, False),
        ('parameters', 'json', None, False),
        ('strict', 'value', None, False),
    ),
    'LMSamplingConfig': (
        ('temperature', 'value', None, False),
        ('top_p', 'value', None, False),
        ('top_k', 'value', None, False),
        ('max_tokens', 'value', None, False),
        ('stop', 'value', None, True),
        ('seed', 'value', None, False),
        ('candidate_count', 'value', None, False),
        ('presence_penalty', 'value', None, False),
        ('frequency_penalty', 'value', None, False),
        ('logprobs_requested', 'value', None, False),
        ('top_logprobs', 'value', None, False),
    ),
    'LMRequest': (
        ('model', 'value', None, False),
        ('messages', 'class', 'LMMessage', True),
        ('tools', 'class', 'LMToolSpec', True),
        ('sampling', 'class', 'LMSamplingConfig', False),
        ('stream', 'value', None, False),
        ('metadata', 'json', None, False),
    ),
}

# The flat outputs table: (column, source, path, operation, description); source is the
# response or the output a row is for, path a dotted path into it.
OUTPUT_COLUMNS: tuple[tuple[str, str, str, str, str], ...] = (
    ('response_id', 'response', 'id', 'value', "Of the response: The provider's identifier for this response."),
    ('model', 'response', 'model', 'value', 'Of the response: The model name as the provider reported it (for example gpt-4o-2024-08-06).'),
    ('created', 'response', 'created', 'value', 'Of the response: When the provider created the response, as an ISO 8601 timestamp with time zone.'),
    ('chunk_mode', 'response', 'chunk_mode', 'value', 'Of the response: Absent on a complete response. On a stream chunk, whether it is a delta (append) or a cumulative snapshot (replace).'),
    ('response_usage_input_tokens', 'response', 'usage.input_tokens', 'value', 'Of the response: Tokens in the prompt, including cached tokens (cache_read_tokens and cache_write_tokens are parts of it, not additions), as OpenTelemetry GenAI counts it.'),
    ('response_usage_output_tokens', 'response', 'usage.output_tokens', 'value', 'Of the response: Tokens generated, including reasoning tokens (reasoning_tokens is a part of it) and audio output tokens.'),
    ('response_usage_total_tokens', 'response', 'usage.total_tokens', 'value', 'Of the response: input_tokens plus output_tokens, as the provider reported it.'),
    ('response_usage_reasoning_tokens', 'response', 'usage.reasoning_tokens', 'value', 'Of the response: Of output_tokens, those spent on reasoning, visible or not.'),
    ('response_usage_cache_read_tokens', 'response', 'usage.cache_read_tokens', 'value', "Of the response: Of input_tokens, those read from the provider's prompt cache."),
    ('response_usage_cache_write_tokens', 'response', 'usage.cache_write_tokens', 'value', "Of the response: Of input_tokens, those written to the provider's prompt cache."),
    ('response_usage_input_audio_tokens', 'response', 'usage.input_audio_tokens', 'value', 'Of the response: Of input_tokens, those that encode audio.'),
    ('response_usage_output_audio_tokens', 'response', 'usage.output_audio_tokens', 'value', 'Of the response: Of output_tokens, those that encode audio.'),
    ('cost', 'response', 'cost', 'value', 'Of the response: What the call cost, in US dollars, where the provider or caller computed it.'),
    ('cache_hit', 'response', 'cache_hit', 'value', 'Of the response: True when the whole response was served from a cache rather than generated.'),
    ('provider', 'response', 'provider', 'value', 'Of the response: The provider or engine that produced the response (openai, anthropic, vllm, lmdeploy, ...).'),
    ('response_error_message', 'response', 'error.message', 'value', 'Of the response: A human-readable error message.'),
    ('response_error_code', 'response', 'error.code', 'value', "Of the response: The provider's error code or type, as sent."),
    ('index', 'output', 'index', 'value', "The position of this candidate among the response's outputs (OpenAI choice index, vLLM and LMDeploy index). Stream chunks pair up by it."),
    ('finish_reason', 'output', 'finish_reason', 'value', 'Why generation stopped, unified across providers; absent while still generating.'),
    ('provider_finish_reason', 'output', 'provider_finish_reason', 'value', "The provider's own finish or stop reason string, exactly as sent (end_turn, MAX_TOKENS, abort, ...)."),
    ('stop_sequence', 'output', 'stop_sequence', 'value', 'The stop sequence that ended generation, when one did.'),
    ('stop_token_id', 'output', 'stop_token_id', 'value', "The token id that ended generation, when a stop token did (vLLM's stop_reason as an integer, the EOS id of a transformers run). The token itself is the last of token_ids when the engine keeps it."),
    ('truncated', 'output', 'truncated', 'value', 'True when the output was cut short rather than ended by the model. A finish reason that truncates (length, aborted, paused) makes it true: absent, it is set; false is an error. Otherwise false unless stated.'),
    ('cumulative_logprob', 'output', 'cumulative_logprob', 'value', "The sum of the log-probabilities of all tokens generated so far, as the engine reported it (vLLM's cumulative_logprob). A stream chunk carries the running total."),
    ('usage_input_tokens', 'output', 'usage.input_tokens', 'value', 'Tokens in the prompt, including cached tokens (cache_read_tokens and cache_write_tokens are parts of it, not additions), as OpenTelemetry GenAI counts it.'),
    ('usage_output_tokens', 'output', 'usage.output_tokens', 'value', 'Tokens generated, including reasoning tokens (reasoning_tokens is a part of it) and audio output tokens.'),
    ('usage_total_tokens', 'output', 'usage.total_tokens', 'value', 'input_tokens plus output_tokens, as the provider reported it.'),
    ('usage_reasoning_tokens', 'output', 'usage.reasoning_tokens', 'value', 'Of output_tokens, those spent on reasoning, visible or not.'),
    ('usage_cache_read_tokens', 'output', 'usage.cache_read_tokens', 'value', "Of input_tokens, those read from the provider's prompt cache."),
    ('usage_cache_write_tokens', 'output', 'usage.cache_write_tokens', 'value', "Of input_tokens, those written to the provider's prompt cache."),
    ('usage_input_audio_tokens', 'output', 'usage.input_audio_tokens', 'value', 'Of input_tokens, those that encode audio.'),
    ('usage_output_audio_tokens', 'output', 'usage.output_audio_tokens', 'value', 'Of output_tokens, those that encode audio.'),
    ('error_message', 'output', 'error.message', 'value', 'A human-readable error message.'),
    ('error_code', 'output', 'error.code', 'value', "The provider's error code or type, as sent."),
    ('n_parts', 'output', 'parts', 'count', 'How many entries parts holds.'),
    ('n_text', 'output', 'parts.type', 'count=text', 'How many text parts.'),
    ('n_thinking', 'output', 'parts.type', 'count=thinking', 'How many thinking parts.'),
    ('n_tool_call', 'output', 'parts.type', 'count=tool_call', 'How many tool_call parts.'),
    ('n_tool_result', 'output', 'parts.type', 'count=tool_result', 'How many tool_result parts.'),
    ('n_image', 'output', 'parts.type', 'count=image', 'How many image parts.'),
    ('n_audio', 'output', 'parts.type', 'count=audio', 'How many audio parts.'),
    ('n_video', 'output', 'parts.type', 'count=video', 'How many video parts.'),
    ('n_document', 'output', 'parts.type', 'count=document', 'How many document parts.'),
    ('n_binary', 'output', 'parts.type', 'count=binary', 'How many binary parts.'),
    ('n_citation', 'output', 'parts.type', 'count=citation', 'How many citation parts.'),
    ('n_refusal', 'output', 'parts.type', 'count=refusal', 'How many refusal parts.'),
    ('n_unknown', 'output', 'parts.type', 'count=unknown', 'How many unknown parts.'),
    ('n_token_ids', 'output', 'token_ids', 'count', 'How many entries token_ids holds.'),
    ('n_logprobs', 'output', 'logprobs', 'count', 'How many entries logprobs holds.'),
    ('logprobs_sum', 'output', 'logprobs.logprob', 'sum', 'Sum of logprobs.logprob.'),
    ('logprobs_min', 'output', 'logprobs.logprob', 'min', 'Least of logprobs.logprob.'),
    ('logprobs_mean', 'output', 'logprobs.logprob', 'mean', 'Mean of logprobs.logprob.'),
    ('n_refusal_logprobs', 'output', 'refusal_logprobs', 'count', 'How many entries refusal_logprobs holds.'),
    ('refusal_logprobs_sum', 'output', 'refusal_logprobs.logprob', 'sum', 'Sum of refusal_logprobs.logprob.'),
    ('refusal_logprobs_min', 'output', 'refusal_logprobs.logprob', 'min', 'Least of refusal_logprobs.logprob.'),
    ('refusal_logprobs_mean', 'output', 'refusal_logprobs.logprob', 'mean', 'Mean of refusal_logprobs.logprob.'),
)
