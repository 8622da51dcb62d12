# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
"""Merge policies and tensor slots, from the schema's merge annotations (lmcontract.lib.merge reads them)."""

# class -> slot -> merge policy (schema enum MergePolicy).
POLICIES = {
    "LMResponse": {
        "id": "first_wins",
        "model": "first_wins",
        "created": "first_wins",
        "chunk_mode": "kept",
        "outputs": "pair",
        "usage": "merge_fields",
        "cost": "last_non_null",
        "cache_hit": "last_non_null",
        "provider": "first_wins",
        "error": "replace",
        "prompt_token_ids": "first_wins",
        "prompt_logprobs": "first_wins",
        "provider_data": "merge_keys",
        "metadata": "merge_keys"
    },
    "LMOutput": {
        "index": "key",
        "parts": "pair",
        "finish_reason": "last_non_null",
        "provider_finish_reason": "last_non_null",
        "stop_sequence": "last_non_null",
        "stop_token_id": "last_non_null",
        "truncated": "stays_true",
        "token_ids": "append",
        "logprobs": "append",
        "refusal_logprobs": "append",
        "cumulative_logprob": "last_non_null",
        "usage": "merge_fields",
        "logits": "append",
        "scores": "append",
        "last_hidden_state": "append",
        "error": "replace",
        "provider_data": "merge_keys",
        "metadata": "merge_keys"
    },
    "LMPart": {
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "TextPart": {
        "text": "append",
        "citations": "append",
        "signature": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "ThinkingPart": {
        "text": "append",
        "signature": "last_non_null",
        "redacted": "last_non_null",
        "encrypted_content": "replace",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "ToolCallPart": {
        "id": "key",
        "name": "key",
        "arguments": "replace",
        "arguments_raw": "append",
        "signature": "last_non_null",
        "server_side": "stays_true",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "ToolResultPart": {
        "result": "replace",
        "server_side": "stays_true",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "MediaPart": {
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "ImagePart": {
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "AudioPart": {
        "transcript": "last_non_null",
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "VideoPart": {
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "DocumentPart": {
        "title": "last_non_null",
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "BinaryPart": {
        "media_type": "last_non_null",
        "data": "last_non_null",
        "url": "last_non_null",
        "file_id": "last_non_null",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "CitationPart": {
        "citation": "replace",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "RefusalPart": {
        "text": "append",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "UnknownPart": {
        "provider_type": "first_wins",
        "value": "replace",
        "type": "key",
        "part_index": "key",
        "provider_data": "merge_keys"
    },
    "Citation": {
        "url": "last_non_null",
        "title": "last_non_null",
        "cited_text": "last_non_null",
        "document_index": "last_non_null",
        "start_index": "last_non_null",
        "end_index": "last_non_null",
        "provider_data": "merge_keys"
    },
    "ToolResult": {
        "tool_call_id": "last_non_null",
        "name": "last_non_null",
        "content": "replace",
        "is_error": "last_non_null"
    },
    "TokenLogprob": {
        "token": "last_non_null",
        "token_id": "last_non_null",
        "bytes": "replace",
        "logprob": "last_non_null",
        "rank": "last_non_null",
        "top": "replace"
    },
    "TokenAlternative": {
        "token": "last_non_null",
        "token_id": "last_non_null",
        "bytes": "replace",
        "logprob": "last_non_null",
        "rank": "last_non_null"
    },
    "LMUsage": {
        "input_tokens": "last_non_null",
        "output_tokens": "last_non_null",
        "total_tokens": "last_non_null",
        "reasoning_tokens": "last_non_null",
        "cache_read_tokens": "last_non_null",
        "cache_write_tokens": "last_non_null",
        "input_audio_tokens": "last_non_null",
        "output_audio_tokens": "last_non_null",
        "provider_details": "replace"
    },
    "LMError": {
        "message": "last_non_null",
        "code": "last_non_null",
        "provider_data": "merge_keys"
    },
    "EncodedTensor": {
        "dtype": "last_non_null",
        "shape": "replace",
        "data": "last_non_null"
    },
    "LMMessage": {
        "role": "last_non_null",
        "parts": "pair",
        "name": "last_non_null"
    },
    "LMToolSpec": {
        "name": "last_non_null",
        "description": "last_non_null",
        "parameters": "replace",
        "strict": "last_non_null"
    },
    "LMSamplingConfig": {
        "temperature": "last_non_null",
        "top_p": "last_non_null",
        "top_k": "last_non_null",
        "max_tokens": "last_non_null",
        "stop": "replace",
        "seed": "last_non_null",
        "candidate_count": "last_non_null",
        "presence_penalty": "last_non_null",
        "frequency_penalty": "last_non_null",
        "logprobs_requested": "last_non_null",
        "top_logprobs": "last_non_null"
    },
    "LMRequest": {
        "model": "first_wins",
        "messages": "append",
        "tools": "replace",
        "sampling": "merge_fields",
        "stream": "last_non_null",
        "metadata": "merge_keys"
    }
}

# class -> slots whose value is a tensor (schema array slots).
TENSOR_SLOTS = {
    "LMOutput": [
        "logits",
        "scores",
        "last_hidden_state"
    ]
}
