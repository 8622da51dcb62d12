"""Behaviour classes that the generator puts first in the bases of generated classes.

Because they are bases (not subclasses), every instance pydantic builds, nested ones included,
has them. They hold only what a schema cannot say: rules that compare two fields, and methods.
The rules are pure functions in ``lmcontract.lib.rules`` and the stream merging is in
``lmcontract.lib.merge``; these classes only wire them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, model_validator
from typing_extensions import Self

from lmcontract.lib import merge, rules, tensors
from lmcontract.lib.base import ContractModel


class ResponseBehaviour(ContractModel):
    """Rules and methods of LMResponse."""

    @model_validator(mode="after")
    def _check_response(self):
        rules.check_response(self)
        return self

    def extend(self, other: Self) -> Self:
        """Merge the stream chunk ``other`` into this response, in place, and return self.

        ``other.chunk_mode`` decides how: ``"cumulative"`` replaces what it carries,
        ``"delta"`` appends it, and no chunk_mode (a complete response) appends like a delta.
        Outputs pair up by ``index``. ``other`` is never changed and shares nothing mutable
        with the result. On a clash (two kinds of part at one part_index, tensors of another
        dtype or width, token ids and logprobs that would not align) it raises
        ``lmcontract.MergeError`` and leaves this response exactly as it was. The full rules
        are in ``lmcontract.lib.merge``.
        """
        return merge.merge_response(self, other)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Self]) -> Self:
        """One complete response from a whole stream of chunks, merged in order.

        The result is finalized (tool-call arguments parsed, tensor rows concatenated) and has no
        chunk_mode. Raises ``lmcontract.MergeError`` for an empty stream, a clash, or a stream
        that does not add up to a complete response.
        """
        return merge.from_chunks(cls, chunks)

    def finalize(self) -> Self:
        """Mark the stream complete: parse every tool call's buffered arguments and copy the
        appended tensor rows, once, into tensors of exactly their size. ``from_chunks`` does
        this; after ``extend`` calls, do it when the stream ends. Returns self."""
        return merge.finalize_response(self)


class OutputBehaviour(ContractModel):
    """Rules and methods of LMOutput."""

    @model_validator(mode="after")
    def _check_output(self):
        rules.check_output(self)
        return self

    def extend(self, other: Self, *, mode: str | None = "delta") -> Self:
        """Merge the output chunk ``other`` (same ``index``) into this output, in place.

        An output has no chunk_mode of its own, so ``mode`` says what ``other`` is:
        ``"delta"`` (the default; None means the same) appends, ``"cumulative"`` replaces.
        Raises ``lmcontract.MergeError`` and leaves this output as it was on a clash.
        Returns self.
        """
        return merge.merge_output(self, other, mode)

    def finalize(self) -> Self:
        """Mark this output complete (see ``LMResponse.finalize``). Returns self."""
        return merge.finalize_output(self)

    @property
    def text(self) -> str | None:
        """The text of the text parts, joined in order; None when there is no text part."""
        return merge.joined_text(self, "text")

    @property
    def reasoning(self) -> str | None:
        """The readable text of the thinking parts (redacted ones left out), joined in order;
        None when there is none."""
        return merge.joined_text(self, "thinking", skip_redacted=True)

    @property
    def refusal(self) -> str | None:
        """The text of the refusal parts, joined in order; None when the model did not refuse."""
        return merge.joined_text(self, "refusal")

    @property
    def tool_calls(self) -> list:
        """The tool-call parts, in order (a new list of the parts themselves)."""
        return merge.tool_calls(self)

    def __eq__(self, other: Any) -> bool:
        # pydantic compares __dict__ with ==, which on two tensors gives a tensor, not a bool.
        if not isinstance(other, BaseModel):
            return NotImplemented
        if type(other) is not type(self):
            return False
        mine, theirs = self.__dict__, other.__dict__
        return mine.keys() == theirs.keys() and all(tensors.values_equal(mine[k], theirs[k]) for k in mine)

    __hash__ = None  # mutable, like every pydantic model that is not frozen


class MediaBehaviour(ContractModel):
    """Rules of the media parts (image, audio, video, document, binary)."""

    @model_validator(mode="after")
    def _check_media(self):
        rules.check_media(self)
        return self


class EncodedTensorBehaviour(ContractModel):
    """Rules of the JSON encoding of a tensor."""

    @model_validator(mode="after")
    def _check_encoded(self):
        rules.check_encoded_tensor(self)
        return self


class MessageBehaviour(ContractModel):
    """Rules of a conversation message."""

    @model_validator(mode="after")
    def _check_message(self):
        rules.check_named_tool_calls(self.parts, "parts")
        return self
