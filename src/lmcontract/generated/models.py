# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
from __future__ import annotations

from enum import Enum
from typing import (
    Annotated,
    Literal,
    Optional,
    Union
)

from lmcontract.lib.base import (
    ContractModel,
    IsoDateTime,
    JsonInt,
    JsonObjectValue,
    JsonValue,
    LogProbability
)
from lmcontract.lib.behaviour import (
    CitationBehaviour,
    EncodedTensorBehaviour,
    MediaBehaviour,
    MessageBehaviour,
    OutputBehaviour,
    ResponseBehaviour
)
from lmcontract.lib.tensors import tensor
from pydantic import (
    Field,
    Strict
)


metamodel_version = "1.12.0"
version = "0.1.0"


class ConfiguredBaseModel(ContractModel):
    """Base of every generated class. Its configuration is chosen, and explained, in lmcontract.lib.base."""


# Every kind of part, told apart by its `type` field.
AnyLMPart = Annotated[Union["TextPart", "ThinkingPart", "ToolCallPart", "ToolResultPart", "ImagePart", "AudioPart", "VideoPart", "DocumentPart", "BinaryPart", "CitationPart", "RefusalPart", "UnknownPart"], Field(discriminator="type")]

# Bytes per element of each TensorDtype (its `bytes` annotation).
TENSOR_DTYPE_BYTES = {'float64': 8, 'float32': 4, 'float16': 2, 'bfloat16': 2, 'int64': 8, 'int32': 4, 'int16': 2, 'int8': 1, 'uint8': 1, 'bool': 1}

# The finish reasons that truncate an output (annotation `truncates`).
TRUNCATING_FINISH_REASONS = ('length', 'aborted', 'paused')

class FinishReason(str, Enum):
    """
    Why an output stopped, unified across providers. The provider's own string is kept beside it in provider_finish_reason; an unknown provider value maps to other, never to stop. Each value lists, per provider, the provider values that map to it: an annotation named after the provider (one of providers below) holding a comma-separated list. The runtime table (unify_finish_reason) and the docs table are generated from them; truncates marks the values that cut an output short.
    """
    stop = "stop"
    """
    The model ended its turn naturally or produced a requested stop sequence.
    """
    length = "length"
    """
    Generation hit a token limit: the requested maximum or the context window. The output is truncated.
    """
    tool_call = "tool_call"
    """
    The model stopped to call one or more tools. Gemini says STOP for this too; its STOP means tool_call when the candidate holds a function call (gemini_with_tool_call).
    """
    content_filter = "content_filter"
    """
    A safety or policy filter stopped or withheld the output.
    """
    error = "error"
    """
    Generation failed with an error, or the stream carried an error.
    """
    aborted = "aborted"
    """
    The caller or the engine cancelled generation before it finished. The output is truncated. No OpenTelemetry GenAI equivalent; exported there as the raw string.
    """
    paused = "paused"
    """
    The provider paused a long-running turn that the caller may resume. The output is truncated. No OpenTelemetry GenAI equivalent.
    """
    other = "other"
    """
    Any provider value without a unified equivalent, including an unknown or future string. The raw value stays in provider_finish_reason. No OpenTelemetry GenAI equivalent; exported there as the raw string.
    """


class Role(str, Enum):
    """
    The author of a message in a conversation.
    """
    system = "system"
    """
    Instructions from the application that frame the conversation.
    """
    developer = "developer"
    """
    Instructions from the application developer (OpenAI's successor to system).
    """
    user = "user"
    """
    The human or calling program.
    """
    assistant = "assistant"
    """
    The language model.
    """
    tool = "tool"
    """
    The result of a tool call, sent back to the model.
    """


class ChunkMode(str, Enum):
    """
    How a stream chunk relates to what came before it. A response with no chunk_mode is complete, not a chunk.
    """
    delta = "delta"
    """
    The chunk holds only what is new since the previous chunk: text, token ids, logprobs and tensors are appended when merged.
    """
    cumulative = "cumulative"
    """
    The chunk repeats everything generated so far (vLLM's cumulative output kind): when merged it replaces what was there, it is never appended.
    """


class MergePolicy(str, Enum):
    """
    How a slot merges when a stream chunk is merged into a response (LMResponse.extend, from_chunks). Every slot names its policy in an annotation, merge, and codegen turns the annotations into the table the merge code reads. A cumulative chunk replaces what it carries whatever the policy. What no policy can say (pairing parts, completing tool calls, spreading an error, tensor growth, undoing a failed merge) is code, in lmcontract.lib.merge.
    """
    append = "append"
    """
    A delta's value is appended: text to text, list items after list items, tensor rows after tensor rows (along the sequence dimension).
    """
    replace = "replace"
    """
    The chunk's value, when it has one, replaces the receiver's as a whole (objects are not merged inside); a null never erases.
    """
    first_wins = "first_wins"
    """
    The first non-null value stays; later values are ignored.
    """
    last_non_null = "last_non_null"
    """
    The last non-null value wins; a null never erases one.
    """
    stays_true = "stays_true"
    """
    Once true it stays true; a later false or null does not reset it.
    """
    merge_keys = "merge_keys"
    """
    Two JSON objects are merged key by key, the chunk's keys winning; any other value replaces.
    """
    merge_fields = "merge_fields"
    """
    The nested object is merged field by field: each field the chunk reports replaces the receiver's, a field it does not report is kept; counts are never summed.
    """
    key = "key"
    """
    Identifies what the chunk continues (an output's index, a part's type, part_index, a tool call's id and name): taken when the receiver lacks it, and a different value is a clash (MergeError).
    """
    pair = "pair"
    """
    A list whose items pair up by their key slots (outputs by index; parts by id, part_index or the open part of their kind) and merge item by item; an item that pairs with nothing is added.
    """
    kept = "kept"
    """
    Never changed by a merge: the receiver keeps its own value (a chunk's chunk_mode only says how that chunk merges).
    """


class TensorDtype(str, Enum):
    """
    The element type of an encoded tensor, named as torch names it; each value's bytes annotation is its size. A tensor slot lists the dtypes it admits in its dtypes annotation.
    """
    float64 = "float64"
    """
    64-bit IEEE 754 floating point.
    """
    float32 = "float32"
    """
    32-bit IEEE 754 floating point.
    """
    float16 = "float16"
    """
    16-bit IEEE 754 half precision.
    """
    bfloat16 = "bfloat16"
    """
    16-bit brain floating point (8-bit exponent, 7-bit mantissa).
    """
    int64 = "int64"
    """
    64-bit signed integer.
    """
    int32 = "int32"
    """
    32-bit signed integer.
    """
    int16 = "int16"
    """
    16-bit signed integer.
    """
    int8 = "int8"
    """
    8-bit signed integer.
    """
    uint8 = "uint8"
    """
    8-bit unsigned integer.
    """
    bool = "bool"
    """
    Boolean, one byte per element.
    """



class LMResponse(ResponseBehaviour, ConfiguredBaseModel):
    """
    Everything one language-model call returned: one or more candidate outputs, usage, cost and identity. The same class carries a stream chunk when chunk_mode is set; merging the chunks of a stream gives the complete response.
    """
    id: Optional[str] = Field(default=None, description="""The provider's identifier for this response.""")
    model: Optional[str] = Field(default=None, description="""The model name as the provider reported it (for example gpt-4o-2024-08-06).""")
    created: Optional[IsoDateTime] = Field(default=None, description="""When the provider created the response, as an ISO 8601 timestamp with time zone.""")
    chunk_mode: Optional[Annotated[ChunkMode, Strict(False)]] = Field(default=None, description="""Absent on a complete response. On a stream chunk, whether it is a delta (append) or a cumulative snapshot (replace).""")
    outputs: Optional[list[LMOutput]] = Field(default=None, description="""The candidate outputs, each with its own index; a complete response has at least one. A chunk may carry none (a final usage-only chunk).""")
    usage: Optional[LMUsage] = Field(default=None, description="""Token counts for the whole call.""")
    cost: Optional[float] = Field(default=None, description="""What the call cost, in US dollars, where the provider or caller computed it.""", ge=0)
    cache_hit: Optional[bool] = Field(default=None, description="""True when the whole response was served from a cache rather than generated.""")
    provider: Optional[str] = Field(default=None, description="""The provider or engine that produced the response (openai, anthropic, vllm, lmdeploy, ...).""")
    error: Optional[LMError] = Field(default=None, description="""An error reported by the provider; a chunk that carries one makes the merged finish reason error.""")
    prompt_token_ids: Optional[list[Annotated[int, JsonInt(ge=0)]]] = Field(default=None, description="""The prompt's token ids as the engine tokenized it (vLLM prompt_token_ids, the input ids of a transformers run). Shared by every output of the response.""")
    prompt_logprobs: Optional[list[TokenLogprob]] = Field(default=None, description="""The log-probability of each prompt token given the ones before it (vLLM prompt_logprobs), one entry per prompt token from the second on: the first token has nothing before it. Aligned with prompt_token_ids[1:] when both are present.""")
    provider_data: Optional[JsonValue] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")
    metadata: Optional[JsonValue] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")


class LMOutput(OutputBehaviour, ConfiguredBaseModel):
    """
    One candidate completion (OpenAI choice, vLLM CompletionOutput, LMDeploy Response): its ordered parts, why it stopped, and per-token detail.
    """
    index: Annotated[int, JsonInt(ge=0)] = Field(default=..., description="""The position of this candidate among the response's outputs (OpenAI choice index, vLLM and LMDeploy index). Stream chunks pair up by it.""")
    parts: Optional[list[AnyLMPart]] = Field(default=None, description="""The ordered content. A complete output has at least one part, or token_ids alone when the model ran without a tokenizer (no text to show); a stream chunk may have none (one that carries only a finish reason).""")
    finish_reason: Optional[Annotated[FinishReason, Strict(False)]] = Field(default=None, description="""Why generation stopped, unified across providers; absent while still generating.""")
    provider_finish_reason: Optional[str] = Field(default=None, description="""The provider's own finish or stop reason string, exactly as sent (end_turn, MAX_TOKENS, abort, ...).""")
    stop_sequence: Optional[str] = Field(default=None, description="""The stop sequence that ended generation, when one did.""")
    stop_token_id: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The token id that ended generation, when a stop token did (vLLM's stop_reason as an integer, the EOS id of a transformers run). The token itself is the last of token_ids when the engine keeps it.""")
    truncated: Optional[bool] = Field(default=False, description="""True when the output was cut short rather than ended by the model. A finish reason that truncates (length, aborted, paused) makes it true: absent, it is set; false is an error. Otherwise false unless stated.""")
    token_ids: Optional[list[Annotated[int, JsonInt(ge=0)]]] = Field(default=None, description="""The generated token ids in order. When logprobs are present they align one to one.""")
    logprobs: Optional[list[TokenLogprob]] = Field(default=None, description="""One entry per generated token, in order, aligned with token_ids when both are present.""")
    refusal_logprobs: Optional[list[TokenLogprob]] = Field(default=None, description="""One entry per token of the refusal message, in order (OpenAI sends refusal log-probabilities apart from the content ones). Not aligned with token_ids.""")
    cumulative_logprob: Optional[float] = Field(default=None, description="""The sum of the log-probabilities of all tokens generated so far, as the engine reported it (vLLM's cumulative_logprob). A stream chunk carries the running total.""", le=0)
    usage: Optional[LMUsage] = Field(default=None, description="""Token counts for this candidate alone, where the engine reports them per candidate (LMDeploy's input_token_len and generate_token_len).""")
    logits: tensor('sequence', 'vocab', dtypes=('float64', 'float32', 'float16', 'bfloat16'), optional=True) = Field(default=None, description="""The raw next-token scores, one row per generated position (sequence, vocab). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id.""")
    scores: tensor('sequence', 'vocab', dtypes=('float64', 'float32', 'float16', 'bfloat16'), optional=True) = Field(default=None, description="""The processed next-token scores the token was chosen from, one row per generated position (sequence, vocab): the raw logits after the engine's logits processors (temperature, top-k, repetition penalty, ...), with -inf for masked tokens. Not the same as logits; log_softmax of a row gives the logprobs. In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request.""")
    last_hidden_state: tensor('sequence', 'hidden', dtypes=('float64', 'float32', 'float16', 'bfloat16'), optional=True) = Field(default=None, description="""The model's last-layer hidden states, one row per generated position (sequence, hidden). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id.""")
    error: Optional[LMError] = Field(default=None, description="""An error reported by the provider; a chunk that carries one makes the merged finish reason error.""")
    provider_data: Optional[JsonValue] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")
    metadata: Optional[JsonValue] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")


class LMPart(ConfiguredBaseModel):
    """
    One piece of an output or message. The type slot names the kind and selects the class; parts keep the order in which the model produced them.
    """
    type: str = Field(default=..., description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")
    part_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.""")
    provider_data: Optional[JsonValue] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class TextPart(LMPart):
    """
    Text written by the model, with the citations that support it.
    """
    text: str = Field(default=..., description="""The text of the part.""")
    citations: Optional[list[Citation]] = Field(default=None, description="""Sources that support this text.""")
    signature: Optional[str] = Field(default=None, description="""An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.""")
    type: Literal["text"] = Field(default="text", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ThinkingPart(LMPart):
    """
    The model's reasoning, shown or redacted. Anthropic signs thinking blocks so they can be sent back; a redacted block (Anthropic redacted_thinking) and an OpenAI Responses reasoning item carry an opaque encrypted payload, kept in encrypted_content.
    """
    text: Optional[str] = Field(default=None, description="""The text of the part.""")
    signature: Optional[str] = Field(default=None, description="""An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.""")
    redacted: Optional[bool] = Field(default=None, description="""True when the provider withheld the reasoning; encrypted_content then holds the opaque payload, if any, and text holds no readable reasoning.""")
    encrypted_content: Optional[str] = Field(default=None, description="""An opaque reasoning payload (Anthropic redacted_thinking data, OpenAI Responses encrypted_content), to be sent back unchanged. Always whole: a stream that sends it again replaces it, never appends to it.""")
    type: Literal["thinking"] = Field(default="thinking", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ToolCallPart(LMPart):
    """
    A request from the model to call a tool with arguments: a client tool the caller runs, or (server_side) a built-in tool the provider ran itself.
    """
    id: Optional[str] = Field(default=None, description="""The provider's identifier for this call, echoed by the tool result that answers it.""")
    name: Optional[str] = Field(default=None, description="""The name of the tool to call. Required in a complete response and in a message; a stream chunk that continues a call (by id or part_index) may leave it out.""")
    arguments: Optional[JsonObjectValue] = Field(default=None, description="""The tool arguments as a JSON object, parsed once the call is complete. Absent while still streaming or when the text did not parse; an empty argument text means {}.""")
    arguments_raw: Optional[str] = Field(default=None, description="""The argument text exactly as the model wrote it, kept when it did not parse as a JSON object (and while fragments are still arriving).""")
    signature: Optional[str] = Field(default=None, description="""An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.""")
    server_side: Optional[bool] = Field(default=None, description="""True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.""")
    type: Literal["tool_call"] = Field(default="tool_call", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ToolResultPart(LMPart):
    """
    The result of running a tool: sent back to the model by the caller, or (server_side) returned by a built-in tool the provider ran itself (Anthropic web search results).
    """
    result: ToolResult = Field(default=..., description="""The tool's result.""")
    server_side: Optional[bool] = Field(default=None, description="""True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.""")
    type: Literal["tool_result"] = Field(default="tool_result", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class MediaPart(MediaBehaviour, LMPart):
    """
    Media given inline as base64 data, by URL, or by a provider file id (at least one of the three), with its media type.
    """
    media_type: Optional[str] = Field(default=None, description="""The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).""")
    data: Optional[Annotated[str, Field(pattern='^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$')]] = Field(default=None, description="""The payload, base64-encoded (standard alphabet, padded).""")
    url: Optional[str] = Field(default=None, description="""A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.""")
    file_id: Optional[str] = Field(default=None, description="""The provider's identifier for an uploaded file.""")


class ImagePart(MediaPart):
    """
    An image.
    """
    type: Literal["image"] = Field(default="image", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class AudioPart(MediaPart):
    """
    Audio, with its transcript where the provider gives one.
    """
    transcript: Optional[str] = Field(default=None, description="""A transcript of the audio.""")
    type: Literal["audio"] = Field(default="audio", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class VideoPart(MediaPart):
    """
    A video.
    """
    type: Literal["video"] = Field(default="video", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class DocumentPart(MediaPart):
    """
    A document such as a PDF, with an optional title.
    """
    title: Optional[str] = Field(default=None, description="""A title.""")
    type: Literal["document"] = Field(default="document", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class BinaryPart(MediaPart):
    """
    Any other binary payload, typed only by its media type.
    """
    type: Literal["binary"] = Field(default="binary", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class CitationPart(LMPart):
    """
    A citation that stands on its own rather than inside a text part.
    """
    citation: Citation = Field(default=..., description="""The cited source.""")
    type: Literal["citation"] = Field(default="citation", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class RefusalPart(LMPart):
    """
    The model's statement that it declines to answer (OpenAI refusal).
    """
    text: str = Field(default=..., description="""The refusal message.""")
    type: Literal["refusal"] = Field(default="refusal", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class UnknownPart(LMPart):
    """
    A part of a kind the importer does not know (a new provider block type, Gemini executableCode), kept whole in value rather than dropped, so a later version can read it and a replay can send it back.
    """
    provider_type: Optional[str] = Field(default=None, description="""The provider's own name for the kind of an unknown part (its type or key), as sent.""")
    value: JsonValue = Field(default=..., description="""The unknown part exactly as the provider sent it.""")
    type: Literal["unknown"] = Field(default="unknown", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class Citation(CitationBehaviour, ConfiguredBaseModel):
    """
    A source that supports a span of generated text.
    """
    url: Optional[str] = Field(default=None, description="""A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.""")
    title: Optional[str] = Field(default=None, description="""A title.""")
    cited_text: Optional[str] = Field(default=None, description="""The exact text quoted from the source.""")
    document_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Which of the documents given to the model the citation points into.""")
    start_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Where the supported span starts, in characters of the text part.""")
    end_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Where the supported span ends (exclusive), in characters of the text part; not before start_index.""")
    provider_data: Optional[JsonValue] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class ToolResult(ConfiguredBaseModel):
    """
    What a tool returned for one tool call.
    """
    tool_call_id: str = Field(default=..., description="""The id of the tool call this result answers.""")
    name: Optional[str] = Field(default=None, description="""The name of the tool that ran.""")
    content: Optional[JsonValue] = Field(default=None, description="""What the tool returned, as text or any JSON value.""")
    is_error: Optional[bool] = Field(default=None, description="""True when the tool failed and content describes the failure.""")


class TokenLogprob(ConfiguredBaseModel):
    """
    The log-probability of one generated token, with the ranked alternatives the model considered at that position.
    """
    token: Optional[str] = Field(default=None, description="""The token as text (it may be a fragment of a character).""")
    token_id: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The token's id in the model's vocabulary.""")
    bytes: Optional[list[Annotated[int, JsonInt(ge=0, le=255)]]] = Field(default=None, description="""The token's UTF-8 bytes, for tokens that are not whole characters.""")
    logprob: LogProbability = Field(default=..., description="""The natural-log probability of the token; zero or less, \"-Infinity\" in JSON for a token that could not be chosen.""")
    rank: Optional[Annotated[int, JsonInt(ge=1)]] = Field(default=None, description="""The chosen token's rank among the candidates at its position, 1 for the most likely; sampling can choose a token that is not (vLLM reports the rank).""")
    top: Optional[list[TokenAlternative]] = Field(default=None, description="""The most likely tokens at this position, best first; it may include the chosen token.""")


class TokenAlternative(ConfiguredBaseModel):
    """
    A candidate token at one position, ranked among the model's top choices.
    """
    token: Optional[str] = Field(default=None, description="""The token as text (it may be a fragment of a character).""")
    token_id: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The token's id in the model's vocabulary.""")
    bytes: Optional[list[Annotated[int, JsonInt(ge=0, le=255)]]] = Field(default=None, description="""The token's UTF-8 bytes, for tokens that are not whole characters.""")
    logprob: LogProbability = Field(default=..., description="""The natural-log probability of the token; zero or less, \"-Infinity\" in JSON for a token that could not be chosen.""")
    rank: Optional[Annotated[int, JsonInt(ge=1)]] = Field(default=None, description="""The alternative's rank among the candidates at this position, 1 for the most likely.""")


class LMUsage(ConfiguredBaseModel):
    """
    Token counts for a call as the provider reported them. A field that is absent was not reported; it never means zero. Counts are totals for the call, not per chunk.
    """
    input_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Tokens in the prompt, including cached tokens (cache_read_tokens and cache_write_tokens are parts of it, not additions), as OpenTelemetry GenAI counts it.""")
    output_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Tokens generated, including reasoning tokens (reasoning_tokens is a part of it) and audio output tokens.""")
    total_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""input_tokens plus output_tokens, as the provider reported it.""")
    reasoning_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Of output_tokens, those spent on reasoning, visible or not.""")
    cache_read_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Of input_tokens, those read from the provider's prompt cache.""")
    cache_write_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Of input_tokens, those written to the provider's prompt cache.""")
    input_audio_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Of input_tokens, those that encode audio.""")
    output_audio_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Of output_tokens, those that encode audio.""")
    provider_details: Optional[JsonValue] = Field(default=None, description="""The provider's own usage breakdown, kept verbatim.""")


class LMError(ConfiguredBaseModel):
    """
    An error reported by the provider or engine in place of, or during, generation.
    """
    message: str = Field(default=..., description="""A human-readable error message.""")
    code: Optional[str] = Field(default=None, description="""The provider's error code or type, as sent.""")
    provider_data: Optional[JsonValue] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class EncodedTensor(EncodedTensorBehaviour, ConfiguredBaseModel):
    """
    The JSON encoding of a tensor, exact for every dtype: the dtype, the shape, and the raw element bytes in little-endian C order, base64-encoded. Tensors are left out of JSON unless the caller asks for them.
    """
    dtype: Annotated[TensorDtype, Strict(False)] = Field(default=..., description="""The element type.""")
    shape: list[Annotated[int, JsonInt(ge=0)]] = Field(default=..., description="""The size of each dimension, outermost first.""")
    data: Annotated[str, Field(pattern='^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$')] = Field(default=..., description="""The raw element bytes, little-endian, C order, base64-encoded.""")


class LMMessage(MessageBehaviour, ConfiguredBaseModel):
    """
    One turn of a conversation, made of ordered parts.
    """
    role: Annotated[Role, Strict(False)] = Field(default=..., description="""Who wrote the message.""")
    parts: Optional[list[AnyLMPart]] = Field(default=None, description="""The message content, in order.""")
    name: Optional[str] = Field(default=None, description="""An optional name telling apart participants that share a role.""")


class LMToolSpec(ConfiguredBaseModel):
    """
    A tool the model may call, described by a JSON Schema for its arguments.
    """
    name: str = Field(default=..., description="""The name the model uses to call the tool.""")
    description: Optional[str] = Field(default=None, description="""What the tool does, for the model to read.""")
    parameters: Optional[JsonObjectValue] = Field(default=None, description="""A JSON Schema object describing the tool's arguments.""")
    strict: Optional[bool] = Field(default=None, description="""True when the provider must hold the arguments exactly to the parameters schema.""")


class LMSamplingConfig(ConfiguredBaseModel):
    """
    How tokens are sampled. An absent field means the provider's default.
    """
    temperature: Optional[float] = Field(default=None, description="""Sampling temperature; 0 picks the most likely token.""", ge=0)
    top_p: Optional[float] = Field(default=None, description="""Nucleus sampling, sampling only from the smallest set of tokens whose probability reaches top_p.""", ge=0, le=1)
    top_k: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Sample only from the k most likely tokens.""")
    max_tokens: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The most tokens the model may generate.""")
    stop: Optional[list[str]] = Field(default=None, description="""Sequences that end generation when produced.""")
    seed: Optional[Annotated[int, JsonInt()]] = Field(default=None, description="""A seed for reproducible sampling, where the provider supports it.""")
    candidate_count: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""How many candidate outputs to generate (OpenAI n).""")
    presence_penalty: Optional[float] = Field(default=None, description="""Penalty on tokens that already appeared at all.""")
    frequency_penalty: Optional[float] = Field(default=None, description="""Penalty on tokens in proportion to how often they appeared.""")
    logprobs_requested: Optional[bool] = Field(default=None, description="""True when per-token log-probabilities were requested.""")
    top_logprobs: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""How many ranked alternatives per position were requested.""")


class LMRequest(ConfiguredBaseModel):
    """
    What was asked of the model, kept beside the response for replay and evaluation.
    """
    model: Optional[str] = Field(default=None, description="""The model name as the provider reported it (for example gpt-4o-2024-08-06).""")
    messages: list[LMMessage] = Field(default=..., description="""The conversation sent to the model, in order.""")
    tools: Optional[list[LMToolSpec]] = Field(default=None, description="""The tools the model may call.""")
    sampling: Optional[LMSamplingConfig] = Field(default=None, description="""The sampling configuration.""")
    stream: Optional[bool] = Field(default=None, description="""True when the response was requested as a stream of chunks.""")
    metadata: Optional[JsonValue] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")

