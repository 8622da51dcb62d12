# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
from __future__ import annotations

import re
import sys
from datetime import (
    date,
    datetime,
    time
)
from decimal import Decimal
from enum import Enum
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Optional,
    Union
)

from lmcontract.lib.base import (
    ContractModel,
    IsoDateTime,
    JsonInt
)
from lmcontract.lib.behaviour import (
    EncodedTensorBehaviour,
    MediaBehaviour,
    MessageBehaviour,
    OutputBehaviour,
    ResponseBehaviour
)
from lmcontract.lib.tensors import tensor
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    Strict,
    conlist,
    field_validator,
    model_serializer
)


metamodel_version = "1.12.0"
version = "0.1.0"


class ConfiguredBaseModel(ContractModel):
    """Base of every generated class. Its configuration is chosen, and explained, in lmcontract.lib.base."""


# Every kind of part, told apart by its `type` field.
AnyLMPart = Annotated[Union["TextPart", "ThinkingPart", "ToolCallPart", "ToolResultPart", "ImagePart", "AudioPart", "VideoPart", "DocumentPart", "BinaryPart", "CitationPart", "RefusalPart"], Field(discriminator="type")]

class FinishReason(str, Enum):
    """
    Why an output stopped, unified across providers. The provider's own string is kept beside it in provider_finish_reason; an unknown provider value maps to other, never to stop.
    """
    stop = "stop"
    """
    The model ended its turn naturally or produced a requested stop sequence (OpenAI stop, Anthropic end_turn and stop_sequence, Gemini STOP, vLLM and LMDeploy stop). OpenTelemetry GenAI equivalent stop.
    """
    length = "length"
    """
    Generation hit a token limit: the requested maximum or the context window (OpenAI length, Anthropic max_tokens and model_context_window_exceeded, Gemini MAX_TOKENS, vLLM and LMDeploy length). The output is truncated. OpenTelemetry GenAI equivalent length.
    """
    tool_call = "tool_call"
    """
    The model stopped to call one or more tools (OpenAI tool_calls and function_call, Anthropic tool_use, Gemini STOP with a function call). OpenTelemetry GenAI equivalent tool_call.
    """
    content_filter = "content_filter"
    """
    A safety or policy filter stopped or withheld the output (OpenAI content_filter, Anthropic refusal, Gemini SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII). OpenTelemetry GenAI equivalent content_filter.
    """
    error = "error"
    """
    Generation failed with an error (LMDeploy error, Gemini MALFORMED_FUNCTION_CALL, a stream that carried an error). OpenTelemetry GenAI equivalent error.
    """
    aborted = "aborted"
    """
    The caller or the engine cancelled generation before it finished (LMDeploy abort, vLLM abort). The output is truncated. No OpenTelemetry GenAI equivalent; exported there as the raw string.
    """
    paused = "paused"
    """
    The provider paused a long-running turn that the caller may resume (Anthropic pause_turn). The output is truncated. No OpenTelemetry GenAI equivalent.
    """
    other = "other"
    """
    Any provider value without a unified equivalent (Gemini OTHER, LANGUAGE, an unknown or future string). The raw value stays in provider_finish_reason. No OpenTelemetry GenAI equivalent; exported there as the raw string.
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


class TensorDtype(str, Enum):
    """
    The element type of an encoded tensor, named as torch names it.
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
    provider_data: Optional[Any] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")
    metadata: Optional[Any] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")


class LMOutput(OutputBehaviour, ConfiguredBaseModel):
    """
    One candidate completion (OpenAI choice, vLLM CompletionOutput, LMDeploy Response): its ordered parts, why it stopped, and per-token detail.
    """
    index: Annotated[int, JsonInt(ge=0)] = Field(default=..., description="""The position of this candidate among the response's outputs (OpenAI choice index, vLLM and LMDeploy index). Stream chunks pair up by it.""")
    parts: Optional[list[AnyLMPart]] = Field(default=None, description="""The ordered content. A complete output has at least one part; a stream chunk may have none (one that carries only a finish reason).""")
    finish_reason: Optional[Annotated[FinishReason, Strict(False)]] = Field(default=None, description="""Why generation stopped, unified across providers; absent while still generating.""")
    provider_finish_reason: Optional[str] = Field(default=None, description="""The provider's own finish or stop reason string, exactly as sent (end_turn, MAX_TOKENS, abort, ...).""")
    stop_sequence: Optional[str] = Field(default=None, description="""The stop sequence that ended generation, when one did.""")
    truncated: Optional[bool] = Field(default=False, description="""True when the output was cut short (finish reason length, aborted or paused) rather than ended by the model. False unless stated.""")
    token_ids: Optional[list[Annotated[int, JsonInt(ge=0)]]] = Field(default=None, description="""The generated token ids in order. When logprobs are present they align one to one.""")
    logprobs: Optional[list[TokenLogprob]] = Field(default=None, description="""One entry per generated token, in order, aligned with token_ids when both are present.""")
    usage: Optional[LMUsage] = Field(default=None, description="""Token counts for this candidate alone, where the engine reports them per candidate (LMDeploy's input_token_len and generate_token_len).""")
    logits: tensor('sequence', 'vocab', optional=True) = Field(default=None, description="""The raw next-token scores, one row per generated position (sequence, vocab). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request.""")
    last_hidden_state: tensor('sequence', 'hidden', optional=True) = Field(default=None, description="""The model's last-layer hidden states, one row per generated position (sequence, hidden). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request.""")
    error: Optional[LMError] = Field(default=None, description="""An error reported by the provider; a chunk that carries one makes the merged finish reason error.""")
    provider_data: Optional[Any] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")
    metadata: Optional[Any] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")


class LMPart(ConfiguredBaseModel):
    """
    One piece of an output or message. The type slot names the kind and selects the class; parts keep the order in which the model produced them.
    """
    type: str = Field(default=..., description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")
    part_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.""")
    provider_data: Optional[Any] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class TextPart(LMPart):
    """
    Text written by the model, with the citations that support it.
    """
    text: str = Field(default=..., description="""The text of the part.""")
    citations: Optional[list[Citation]] = Field(default=None, description="""Sources that support this text.""")
    type: Literal["text"] = Field(default="text", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ThinkingPart(LMPart):
    """
    The model's reasoning, shown or redacted. Anthropic signs thinking blocks so they can be sent back; a redacted block carries only the opaque payload.
    """
    text: Optional[str] = Field(default=None, description="""The text of the part.""")
    signature: Optional[str] = Field(default=None, description="""An opaque signature over the thinking text, to be sent back unchanged (Anthropic).""")
    redacted: Optional[bool] = Field(default=None, description="""True when the provider withheld the reasoning; text then holds the opaque encrypted payload, if any, rather than readable reasoning.""")
    type: Literal["thinking"] = Field(default="thinking", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ToolCallPart(LMPart):
    """
    A request from the model to call a tool with arguments.
    """
    id: Optional[str] = Field(default=None, description="""The provider's identifier for this call, echoed by the tool result that answers it.""")
    name: Optional[str] = Field(default=None, description="""The name of the tool to call. Required in a complete response and in a message; a stream chunk that continues a call (by id or part_index) may leave it out.""")
    arguments: Optional[dict[str, Any]] = Field(default=None, description="""The tool arguments as a JSON object, parsed once the call is complete. Absent while still streaming or when the text did not parse; an empty argument text means {}.""")
    arguments_raw: Optional[str] = Field(default=None, description="""The argument text exactly as the model wrote it, kept when it did not parse as a JSON object (and while fragments are still arriving).""")
    type: Literal["tool_call"] = Field(default="tool_call", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class ToolResultPart(LMPart):
    """
    The result of running a tool, sent back to the model.
    """
    result: ToolResult = Field(default=..., description="""The tool's result.""")
    type: Literal["tool_result"] = Field(default="tool_result", description="""The kind of part (text, thinking, tool_call, ...); it selects the part's class.""")


class MediaPart(MediaBehaviour, LMPart):
    """
    Media given inline as base64 data, by URL, or by a provider file id (at least one of the three), with its media type.
    """
    media_type: Optional[str] = Field(default=None, description="""The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).""")
    data: Optional[Annotated[str, Field(pattern=r'^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$')]] = Field(default=None, description="""The payload, base64-encoded (standard alphabet, padded).""")
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


class Citation(ConfiguredBaseModel):
    """
    A source that supports a span of generated text.
    """
    url: Optional[str] = Field(default=None, description="""A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.""")
    title: Optional[str] = Field(default=None, description="""A title.""")
    cited_text: Optional[str] = Field(default=None, description="""The exact text quoted from the source.""")
    document_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Which of the documents given to the model the citation points into.""")
    start_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Where the supported span starts, in characters of the text part.""")
    end_index: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""Where the supported span ends (exclusive), in characters of the text part.""")
    provider_data: Optional[Any] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class ToolResult(ConfiguredBaseModel):
    """
    What a tool returned for one tool call.
    """
    tool_call_id: str = Field(default=..., description="""The id of the tool call this result answers.""")
    name: Optional[str] = Field(default=None, description="""The name of the tool that ran.""")
    content: Optional[Any] = Field(default=None, description="""What the tool returned, as text or any JSON value.""")
    is_error: Optional[bool] = Field(default=None, description="""True when the tool failed and content describes the failure.""")


class TokenLogprob(ConfiguredBaseModel):
    """
    The log-probability of one generated token, with the ranked alternatives the model considered at that position.
    """
    token: Optional[str] = Field(default=None, description="""The token as text (it may be a fragment of a character).""")
    token_id: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The token's id in the model's vocabulary.""")
    bytes: Optional[list[Annotated[int, JsonInt(ge=0, le=255)]]] = Field(default=None, description="""The token's UTF-8 bytes, for tokens that are not whole characters.""")
    logprob: float = Field(default=..., description="""The natural-log probability of the token; zero or less.""", le=0)
    top: Optional[list[TokenAlternative]] = Field(default=None, description="""The most likely tokens at this position, best first; it may include the chosen token.""")


class TokenAlternative(ConfiguredBaseModel):
    """
    A candidate token at one position, ranked among the model's top choices.
    """
    token: Optional[str] = Field(default=None, description="""The token as text (it may be a fragment of a character).""")
    token_id: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The token's id in the model's vocabulary.""")
    bytes: Optional[list[Annotated[int, JsonInt(ge=0, le=255)]]] = Field(default=None, description="""The token's UTF-8 bytes, for tokens that are not whole characters.""")
    logprob: float = Field(default=..., description="""The natural-log probability of the token; zero or less.""", le=0)
    rank: Optional[Annotated[int, JsonInt(ge=0)]] = Field(default=None, description="""The alternative's rank among the candidates at this position, 1 for the most likely.""")


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
    provider_details: Optional[Any] = Field(default=None, description="""The provider's own usage breakdown, kept verbatim.""")


class LMError(ConfiguredBaseModel):
    """
    An error reported by the provider or engine in place of, or during, generation.
    """
    message: str = Field(default=..., description="""A human-readable error message.""")
    code: Optional[str] = Field(default=None, description="""The provider's error code or type, as sent.""")
    provider_data: Optional[Any] = Field(default=None, description="""Provider-specific fields kept verbatim, so nothing the provider sent is lost.""")


class EncodedTensor(EncodedTensorBehaviour, ConfiguredBaseModel):
    """
    The JSON encoding of a tensor, exact for every dtype: the dtype, the shape, and the raw element bytes in little-endian C order, base64-encoded. Tensors are left out of JSON unless the caller asks for them.
    """
    dtype: Annotated[TensorDtype, Strict(False)] = Field(default=..., description="""The element type.""")
    shape: list[Annotated[int, JsonInt(ge=0)]] = Field(default=..., description="""The size of each dimension, outermost first.""")
    data: Annotated[str, Field(pattern=r'^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$')] = Field(default=..., description="""The raw element bytes, little-endian, C order, base64-encoded.""")


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
    parameters: Optional[dict[str, Any]] = Field(default=None, description="""A JSON Schema object describing the tool's arguments.""")
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
    metadata: Optional[Any] = Field(default=None, description="""The caller's own annotations (request tags, trace ids); never set by providers.""")

