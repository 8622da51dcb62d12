/* eslint-disable */
// GENERATED FILE: DO NOT EDIT.
// Produced by `make gen` from schema/lmcontract.yaml with linkml 1.12.1.
// Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.

/**
 * Everything one language-model call returned: one or more candidate outputs, usage, cost and identity. The same class carries a stream chunk when chunk_mode is set; merging the chunks of a stream gives the complete response.
 */
export type LMResponse = {
  /**
   * True when the whole response was served from a cache rather than generated.
   */
  cache_hit?: boolean | null;
  /**
   * Absent on a complete response. On a stream chunk, whether it is a delta (append) or a cumulative snapshot (replace).
   */
  chunk_mode?: ChunkMode | null;
  /**
   * What the call cost, in US dollars, where the provider or caller computed it.
   */
  cost?: number | null;
  /**
   * When the provider created the response, as an ISO 8601 timestamp with time zone.
   */
  created?: string | null;
  /**
   * An error reported by the provider; a chunk that carries one makes the merged finish reason error.
   */
  error?: LMError | null;
  /**
   * The provider's identifier for this response.
   */
  id?: string | null;
  /**
   * The caller's own annotations (request tags, trace ids); never set by providers.
   */
  metadata?: Any | null;
  /**
   * The model name as the provider reported it (for example gpt-4o-2024-08-06).
   */
  model?: string | null;
  /**
   * The candidate outputs, each with its own index; a complete response has at least one. A chunk may carry none (a final usage-only chunk).
   */
  outputs?: LMOutput[] | null;
  /**
   * The log-probability of each prompt token given the ones before it (vLLM prompt_logprobs), one entry per prompt token from the second on: the first token has nothing before it. Aligned with prompt_token_ids[1:] when both are present.
   */
  prompt_logprobs?: TokenLogprob[] | null;
  /**
   * The prompt's token ids as the engine tokenized it (vLLM prompt_token_ids, the input ids of a transformers run). Shared by every output of the response.
   */
  prompt_token_ids?: number[] | null;
  /**
   * The provider or engine that produced the response (openai, anthropic, vllm, lmdeploy, ...).
   */
  provider?: string | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * Token counts for the whole call.
   */
  usage?: LMUsage | null;
};
/**
 * How a stream chunk relates to what came before it. A response with no chunk_mode is complete, not a chunk.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ChunkMode".
 */
export type ChunkMode = "delta" | "cumulative";
/**
 * Any JSON value: object, array, string, number, boolean or null. Used for values whose shape belongs to a provider or to the caller.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "Any".
 */
export type Any =
  | null
  | boolean
  | {
      [k: string]: unknown;
    }
  | unknown[]
  | number
  | string;
/**
 * Why an output stopped, unified across providers. The provider's own string is kept beside it in provider_finish_reason; an unknown provider value maps to other, never to stop. Each value lists, per provider, the provider values that map to it: an annotation named after the provider (one of providers below) holding a comma-separated list. The runtime table (unify_finish_reason) and the docs table are generated from them; truncates marks the values that cut an output short.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "FinishReason".
 */
export type FinishReason =
  "stop" | "length" | "tool_call" | "content_filter" | "error" | "aborted" | "paused" | "other";
/**
 * The element type of an encoded tensor, named as torch names it; each value's bytes annotation is its size. A tensor slot lists the dtypes it admits in its dtypes annotation.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "TensorDtype".
 */
export type TensorDtype =
  "float64" | "float32" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMPart".
 */
export type LMPart =
  | TextPart
  | ThinkingPart
  | ToolCallPart
  | ToolResultPart
  | ImagePart
  | AudioPart
  | VideoPart
  | DocumentPart
  | BinaryPart
  | CitationPart
  | RefusalPart
  | UnknownPart;
/**
 * The author of a message in a conversation.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "Role".
 */
export type Role = "system" | "developer" | "user" | "assistant" | "tool";

/**
 * An error reported by the provider or engine in place of, or during, generation.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMError".
 */
export interface LMError {
  /**
   * The provider's error code or type, as sent.
   */
  code?: string | null;
  /**
   * A human-readable error message.
   */
  message: string;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
}
/**
 * One candidate completion (OpenAI choice, vLLM CompletionOutput, LMDeploy Response): its ordered parts, why it stopped, and per-token detail.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMOutput".
 */
export interface LMOutput {
  /**
   * The sum of the log-probabilities of all tokens generated so far, as the engine reported it (vLLM's cumulative_logprob). A stream chunk carries the running total.
   */
  cumulative_logprob?: number | null;
  /**
   * An error reported by the provider; a chunk that carries one makes the merged finish reason error.
   */
  error?: LMError | null;
  /**
   * Why generation stopped, unified across providers; absent while still generating.
   */
  finish_reason?: FinishReason | null;
  /**
   * The position of this candidate among the response's outputs (OpenAI choice index, vLLM and LMDeploy index). Stream chunks pair up by it.
   */
  index: number;
  /**
   * The model's last-layer hidden states, one row per generated position (sequence, hidden). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id.
   */
  last_hidden_state?: EncodedTensor | null;
  /**
   * The raw next-token scores, one row per generated position (sequence, vocab). In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request. When token_ids are present too, there is one row per token id.
   */
  logits?: EncodedTensor | null;
  /**
   * One entry per generated token, in order, aligned with token_ids when both are present.
   */
  logprobs?: TokenLogprob[] | null;
  /**
   * The caller's own annotations (request tags, trace ids); never set by providers.
   */
  metadata?: Any | null;
  /**
   * The ordered content. A complete output has at least one part, or token_ids alone when the model ran without a tokenizer (no text to show); a stream chunk may have none (one that carries only a finish reason).
   */
  parts?: LMPart[] | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The provider's own finish or stop reason string, exactly as sent (end_turn, MAX_TOKENS, abort, ...).
   */
  provider_finish_reason?: string | null;
  /**
   * One entry per token of the refusal message, in order (OpenAI sends refusal log-probabilities apart from the content ones). Not aligned with token_ids.
   */
  refusal_logprobs?: TokenLogprob[] | null;
  /**
   * The processed next-token scores the token was chosen from, one row per generated position (sequence, vocab): the raw logits after the engine's logits processors (temperature, top-k, repetition penalty, ...), with -inf for masked tokens. Not the same as logits; log_softmax of a row gives the logprobs. In Python a torch.Tensor kept as given; in JSON an EncodedTensor, written only on request.
   */
  scores?: EncodedTensor | null;
  /**
   * The stop sequence that ended generation, when one did.
   */
  stop_sequence?: string | null;
  /**
   * The token id that ended generation, when a stop token did (vLLM's stop_reason as an integer, the EOS id of a transformers run). The token itself is the last of token_ids when the engine keeps it.
   */
  stop_token_id?: number | null;
  /**
   * The generated token ids in order. When logprobs are present they align one to one.
   */
  token_ids?: number[] | null;
  /**
   * True when the output was cut short rather than ended by the model. A finish reason that truncates (length, aborted, paused) makes it true: absent, it is set; false is an error. Otherwise false unless stated.
   */
  truncated?: boolean | null;
  /**
   * Token counts for this candidate alone, where the engine reports them per candidate (LMDeploy's input_token_len and generate_token_len).
   */
  usage?: LMUsage | null;
}
/**
 * The JSON encoding of a tensor, exact for every dtype: the dtype, the shape, and the raw element bytes in little-endian C order, base64-encoded. Tensors are left out of JSON unless the caller asks for them.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "EncodedTensor".
 */
export interface EncodedTensor {
  /**
   * The raw element bytes, little-endian, C order, base64-encoded.
   */
  data: string;
  dtype: TensorDtype;
  /**
   * The size of each dimension, outermost first.
   */
  shape: number[];
}
/**
 * The log-probability of one generated token, with the ranked alternatives the model considered at that position.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "TokenLogprob".
 */
export interface TokenLogprob {
  /**
   * The token's UTF-8 bytes, for tokens that are not whole characters.
   */
  bytes?: number[] | null;
  /**
   * The natural-log probability of the token; zero or less, "-Infinity" in JSON for a token that could not be chosen.
   */
  logprob: number | "-Infinity";
  /**
   * The chosen token's rank among the candidates at its position, 1 for the most likely; sampling can choose a token that is not (vLLM reports the rank).
   */
  rank?: number | null;
  /**
   * The token as text (it may be a fragment of a character).
   */
  token?: string | null;
  /**
   * The token's id in the model's vocabulary.
   */
  token_id?: number | null;
  /**
   * The most likely tokens at this position, best first; it may include the chosen token.
   */
  top?: TokenAlternative[] | null;
}
/**
 * A candidate token at one position, ranked among the model's top choices.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "TokenAlternative".
 */
export interface TokenAlternative {
  /**
   * The token's UTF-8 bytes, for tokens that are not whole characters.
   */
  bytes?: number[] | null;
  /**
   * The natural-log probability of the token; zero or less, "-Infinity" in JSON for a token that could not be chosen.
   */
  logprob: number | "-Infinity";
  /**
   * The alternative's rank among the candidates at this position, 1 for the most likely.
   */
  rank?: number | null;
  /**
   * The token as text (it may be a fragment of a character).
   */
  token?: string | null;
  /**
   * The token's id in the model's vocabulary.
   */
  token_id?: number | null;
}
/**
 * Text written by the model, with the citations that support it.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "TextPart".
 */
export interface TextPart {
  /**
   * Sources that support this text.
   */
  citations?: Citation[] | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.
   */
  signature?: string | null;
  /**
   * The text of the part.
   */
  text: string;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "text";
}
/**
 * A source that supports a span of generated text.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "Citation".
 */
export interface Citation {
  /**
   * The exact text quoted from the source.
   */
  cited_text?: string | null;
  /**
   * Which of the documents given to the model the citation points into.
   */
  document_index?: number | null;
  /**
   * Where the supported span ends (exclusive), in characters of the text part; not before start_index.
   */
  end_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * Where the supported span starts, in characters of the text part.
   */
  start_index?: number | null;
  /**
   * A title.
   */
  title?: string | null;
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * The model's reasoning, shown or redacted. Anthropic signs thinking blocks so they can be sent back; a redacted block (Anthropic redacted_thinking) and an OpenAI Responses reasoning item carry an opaque encrypted payload, kept in encrypted_content.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ThinkingPart".
 */
export interface ThinkingPart {
  /**
   * An opaque reasoning payload (Anthropic redacted_thinking data, OpenAI Responses encrypted_content), to be sent back unchanged. Always whole: a stream that sends it again replaces it, never appends to it.
   */
  encrypted_content?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * True when the provider withheld the reasoning; encrypted_content then holds the opaque payload, if any, and text holds no readable reasoning.
   */
  redacted?: boolean | null;
  /**
   * An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.
   */
  signature?: string | null;
  /**
   * The text of the part.
   */
  text?: string | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "thinking";
}
/**
 * A request from the model to call a tool with arguments: a client tool the caller runs, or (server_side) a built-in tool the provider ran itself.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ToolCallPart".
 */
export interface ToolCallPart {
  /**
   * The tool arguments as a JSON object, parsed once the call is complete. Absent while still streaming or when the text did not parse; an empty argument text means {}.
   */
  arguments?: JsonObject | null;
  /**
   * The argument text exactly as the model wrote it, kept when it did not parse as a JSON object (and while fragments are still arriving).
   */
  arguments_raw?: string | null;
  /**
   * The provider's identifier for this call, echoed by the tool result that answers it.
   */
  id?: string | null;
  /**
   * The name of the tool to call. Required in a complete response and in a message; a stream chunk that continues a call (by id or part_index) may leave it out.
   */
  name?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.
   */
  server_side?: boolean | null;
  /**
   * An opaque signature over the part, to be sent back unchanged: Anthropic signs thinking blocks, Gemini puts a thoughtSignature on text and function calls.
   */
  signature?: string | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "tool_call";
}
/**
 * A JSON object with any members, such as tool arguments or a JSON Schema. Unlike Any, it must be an object.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "JsonObject".
 */
export interface JsonObject {
  [k: string]: unknown;
}
/**
 * The result of running a tool: sent back to the model by the caller, or (server_side) returned by a built-in tool the provider ran itself (Anthropic web search results).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ToolResultPart".
 */
export interface ToolResultPart {
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  result: ToolResult;
  /**
   * True when the provider ran the tool itself (Anthropic server_tool_use and web search results, OpenAI Responses built-in tools): the caller must not run it or send a result for it.
   */
  server_side?: boolean | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "tool_result";
}
/**
 * What a tool returned for one tool call.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ToolResult".
 */
export interface ToolResult {
  /**
   * What the tool returned, as text or any JSON value.
   */
  content?: Any | null;
  /**
   * True when the tool failed and content describes the failure.
   */
  is_error?: boolean | null;
  /**
   * The name of the tool that ran.
   */
  name?: string | null;
  /**
   * The id of the tool call this result answers.
   */
  tool_call_id: string;
}
/**
 * An image.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ImagePart".
 */
export interface ImagePart {
  /**
   * The payload, base64-encoded (standard alphabet, padded).
   */
  data?: string | null;
  /**
   * The provider's identifier for an uploaded file.
   */
  file_id?: string | null;
  /**
   * The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).
   */
  media_type?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "image";
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * Audio, with its transcript where the provider gives one.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "AudioPart".
 */
export interface AudioPart {
  /**
   * The payload, base64-encoded (standard alphabet, padded).
   */
  data?: string | null;
  /**
   * The provider's identifier for an uploaded file.
   */
  file_id?: string | null;
  /**
   * The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).
   */
  media_type?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * A transcript of the audio.
   */
  transcript?: string | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "audio";
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * A video.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "VideoPart".
 */
export interface VideoPart {
  /**
   * The payload, base64-encoded (standard alphabet, padded).
   */
  data?: string | null;
  /**
   * The provider's identifier for an uploaded file.
   */
  file_id?: string | null;
  /**
   * The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).
   */
  media_type?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "video";
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * A document such as a PDF, with an optional title.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "DocumentPart".
 */
export interface DocumentPart {
  /**
   * The payload, base64-encoded (standard alphabet, padded).
   */
  data?: string | null;
  /**
   * The provider's identifier for an uploaded file.
   */
  file_id?: string | null;
  /**
   * The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).
   */
  media_type?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * A title.
   */
  title?: string | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "document";
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * Any other binary payload, typed only by its media type.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "BinaryPart".
 */
export interface BinaryPart {
  /**
   * The payload, base64-encoded (standard alphabet, padded).
   */
  data?: string | null;
  /**
   * The provider's identifier for an uploaded file.
   */
  file_id?: string | null;
  /**
   * The IANA media type of the payload (image/png, audio/wav, application/pdf, ...).
   */
  media_type?: string | null;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "binary";
  /**
   * A URL where the payload or source can be fetched. Kept as sent, unchecked: providers use data:, gs:// and relative URLs too.
   */
  url?: string | null;
}
/**
 * A citation that stands on its own rather than inside a text part.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "CitationPart".
 */
export interface CitationPart {
  citation: Citation;
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "citation";
}
/**
 * The model's statement that it declines to answer (OpenAI refusal).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "RefusalPart".
 */
export interface RefusalPart {
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The refusal message.
   */
  text: string;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "refusal";
}
/**
 * A part of a kind the importer does not know (a new provider block type, Gemini executableCode), kept whole in value rather than dropped, so a later version can read it and a replay can send it back.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "UnknownPart".
 */
export interface UnknownPart {
  /**
   * The position of this part within its output. Stream chunks that carry the same part_index continue the same part; parts arriving out of order land by it.
   */
  part_index?: number | null;
  /**
   * Provider-specific fields kept verbatim, so nothing the provider sent is lost.
   */
  provider_data?: Any | null;
  /**
   * The provider's own name for the kind of an unknown part (its type or key), as sent.
   */
  provider_type?: string | null;
  /**
   * The kind of part (text, thinking, tool_call, ...); it selects the part's class.
   */
  type: "unknown";
  value: Any;
}
/**
 * Token counts for a call as the provider reported them. A field that is absent was not reported; it never means zero. Counts are totals for the call, not per chunk.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMUsage".
 */
export interface LMUsage {
  /**
   * Of input_tokens, those read from the provider's prompt cache.
   */
  cache_read_tokens?: number | null;
  /**
   * Of input_tokens, those written to the provider's prompt cache.
   */
  cache_write_tokens?: number | null;
  /**
   * Of input_tokens, those that encode audio.
   */
  input_audio_tokens?: number | null;
  /**
   * Tokens in the prompt, including cached tokens (cache_read_tokens and cache_write_tokens are parts of it, not additions), as OpenTelemetry GenAI counts it.
   */
  input_tokens?: number | null;
  /**
   * Of output_tokens, those that encode audio.
   */
  output_audio_tokens?: number | null;
  /**
   * Tokens generated, including reasoning tokens (reasoning_tokens is a part of it) and audio output tokens.
   */
  output_tokens?: number | null;
  /**
   * The provider's own usage breakdown, kept verbatim.
   */
  provider_details?: Any | null;
  /**
   * Of output_tokens, those spent on reasoning, visible or not.
   */
  reasoning_tokens?: number | null;
  /**
   * input_tokens plus output_tokens, as the provider reported it.
   */
  total_tokens?: number | null;
}
/**
 * One turn of a conversation, made of ordered parts.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMMessage".
 */
export interface LMMessage {
  /**
   * An optional name telling apart participants that share a role.
   */
  name?: string | null;
  /**
   * The message content, in order.
   */
  parts?: LMPart[] | null;
  role: Role;
}
/**
 * What was asked of the model, kept beside the response for replay and evaluation.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMRequest".
 */
export interface LMRequest {
  /**
   * The conversation sent to the model, in order.
   */
  messages: LMMessage[];
  /**
   * The caller's own annotations (request tags, trace ids); never set by providers.
   */
  metadata?: Any | null;
  /**
   * The model name as the provider reported it (for example gpt-4o-2024-08-06).
   */
  model?: string | null;
  /**
   * The sampling configuration.
   */
  sampling?: LMSamplingConfig | null;
  /**
   * True when the response was requested as a stream of chunks.
   */
  stream?: boolean | null;
  /**
   * The tools the model may call.
   */
  tools?: LMToolSpec[] | null;
}
/**
 * How tokens are sampled. An absent field means the provider's default.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMSamplingConfig".
 */
export interface LMSamplingConfig {
  /**
   * How many candidate outputs to generate (OpenAI n).
   */
  candidate_count?: number | null;
  /**
   * Penalty on tokens in proportion to how often they appeared.
   */
  frequency_penalty?: number | null;
  /**
   * True when per-token log-probabilities were requested.
   */
  logprobs_requested?: boolean | null;
  /**
   * The most tokens the model may generate.
   */
  max_tokens?: number | null;
  /**
   * Penalty on tokens that already appeared at all.
   */
  presence_penalty?: number | null;
  /**
   * A seed for reproducible sampling, where the provider supports it.
   */
  seed?: number | null;
  /**
   * Sequences that end generation when produced.
   */
  stop?: string[] | null;
  /**
   * Sampling temperature; 0 picks the most likely token.
   */
  temperature?: number | null;
  /**
   * Sample only from the k most likely tokens.
   */
  top_k?: number | null;
  /**
   * How many ranked alternatives per position were requested.
   */
  top_logprobs?: number | null;
  /**
   * Nucleus sampling, sampling only from the smallest set of tokens whose probability reaches top_p.
   */
  top_p?: number | null;
}
/**
 * A tool the model may call, described by a JSON Schema for its arguments.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "LMToolSpec".
 */
export interface LMToolSpec {
  /**
   * What the tool does, for the model to read.
   */
  description?: string | null;
  /**
   * The name the model uses to call the tool.
   */
  name: string;
  /**
   * A JSON Schema object describing the tool's arguments.
   */
  parameters?: JsonObject | null;
  /**
   * True when the provider must hold the arguments exactly to the parameters schema.
   */
  strict?: boolean | null;
}
