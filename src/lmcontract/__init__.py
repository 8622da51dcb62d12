"""lmcontract: one provider-neutral contract for language-model results.

The classes are generated from ``schema/lmcontract.yaml``; behaviour added by hand lives in
``lmcontract.lib``. Importing this package needs pydantic only, and loads the models on first
use of a name (PEP 562), as pydantic itself does: building 26 model classes is most of the
package's import cost, and ``import lmcontract`` alone (for its CLI or version) should not pay it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
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
        MergePolicy,
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
    from lmcontract.lib.finish_reasons import FinishReasons, unify_finish_reason
    from lmcontract.lib.merge import MergeError

_MODELS = "lmcontract.generated.models"
_WHERE: dict[str, tuple[str, str]] = {
    "AnyLMPart": (_MODELS, "AnyLMPart"),
    "AudioPart": (_MODELS, "AudioPart"),
    "BinaryPart": (_MODELS, "BinaryPart"),
    "ChunkMode": (_MODELS, "ChunkMode"),
    "Citation": (_MODELS, "Citation"),
    "CitationPart": (_MODELS, "CitationPart"),
    "DocumentPart": (_MODELS, "DocumentPart"),
    "EncodedTensor": (_MODELS, "EncodedTensor"),
    "FinishReason": (_MODELS, "FinishReason"),
    "ImagePart": (_MODELS, "ImagePart"),
    "LMError": (_MODELS, "LMError"),
    "LMMessage": (_MODELS, "LMMessage"),
    "LMOutput": (_MODELS, "LMOutput"),
    "LMPart": (_MODELS, "LMPart"),
    "LMRequest": (_MODELS, "LMRequest"),
    "LMResponse": (_MODELS, "LMResponse"),
    "LMSamplingConfig": (_MODELS, "LMSamplingConfig"),
    "LMToolSpec": (_MODELS, "LMToolSpec"),
    "LMUsage": (_MODELS, "LMUsage"),
    "MediaPart": (_MODELS, "MediaPart"),
    "MergePolicy": (_MODELS, "MergePolicy"),
    "RefusalPart": (_MODELS, "RefusalPart"),
    "Role": (_MODELS, "Role"),
    "TensorDtype": (_MODELS, "TensorDtype"),
    "TextPart": (_MODELS, "TextPart"),
    "ThinkingPart": (_MODELS, "ThinkingPart"),
    "TokenAlternative": (_MODELS, "TokenAlternative"),
    "TokenLogprob": (_MODELS, "TokenLogprob"),
    "ToolCallPart": (_MODELS, "ToolCallPart"),
    "ToolResult": (_MODELS, "ToolResult"),
    "ToolResultPart": (_MODELS, "ToolResultPart"),
    "VideoPart": (_MODELS, "VideoPart"),
    "SCHEMA_VERSION": (_MODELS, "version"),
    "MergeError": ("lmcontract.lib.merge", "MergeError"),
    "FinishReasons": ("lmcontract.lib.finish_reasons", "FinishReasons"),
    "unify_finish_reason": ("lmcontract.lib.finish_reasons", "unify_finish_reason"),
}

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
    "FinishReasons",
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
    "MergePolicy",
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
    "unify_finish_reason",
]


def __getattr__(name: str) -> object:
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'lmcontract' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
