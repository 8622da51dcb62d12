"""lmcontract: one provider-neutral contract for language-model results.

The classes are generated from ``schema/lmcontract.yaml``; behaviour added by hand lives in
``lmcontract.lib``. Importing this package needs pydantic only.
"""

from lmcontract.generated.models import (
    AnyLMPart,
    AudioPart,
    BinaryPart,
    ChunkMode,
    Citation,
    CitationPart,
    DocumentPart,
    EncodedTensor,
    FinishReason,
    ImagePart,
    LMError,
    LMMessage,
    LMOutput,
    LMPart,
    LMRequest,
    LMResponse,
    LMSamplingConfig,
    LMToolSpec,
    LMUsage,
    MediaPart,
    RefusalPart,
    Role,
    TensorDtype,
    TextPart,
    ThinkingPart,
    TokenAlternative,
    TokenLogprob,
    ToolCallPart,
    ToolResult,
    ToolResultPart,
    VideoPart,
)
from lmcontract.generated.models import version as SCHEMA_VERSION
from lmcontract.lib.merge import MergeError

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "AnyLMPart",
    "AudioPart",
    "BinaryPart",
    "ChunkMode",
    "Citation",
    "CitationPart",
    "DocumentPart",
    "EncodedTensor",
    "FinishReason",
    "ImagePart",
    "LMError",
    "LMMessage",
    "LMOutput",
    "LMPart",
    "LMRequest",
    "LMResponse",
    "LMSamplingConfig",
    "LMToolSpec",
    "LMUsage",
    "MediaPart",
    "MergeError",
    "RefusalPart",
    "Role",
    "TensorDtype",
    "TextPart",
    "ThinkingPart",
    "TokenAlternative",
    "TokenLogprob",
    "ToolCallPart",
    "ToolResult",
    "ToolResultPart",
    "VideoPart",
]
