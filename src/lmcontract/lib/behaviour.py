"""Behaviour classes that the generator puts first in the bases of generated classes.

Because they are bases (not subclasses), every instance pydantic builds, nested ones included,
has them. They hold only what a schema cannot say: rules that compare two fields, and methods.
The rules are pure functions in ``lmcontract.lib.rules`` and the stream merging is in
``lmcontract.lib.merge``; these classes only wire them in.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Self

from lmcontract.lib import merge, rules, tensors
from lmcontract.lib.base import ContractModel


def _escape(message: str) -> str:
    return message.replace("{", "{{").replace("}", "}}")


def _checked(
    cls: type, data: Any, handler: ValidatorFunctionWrapHandler, problems_of: Callable[[Any], Iterator[str]]
) -> Any:
    """Validate with ``handler``, then check the cross-field rules ``problems_of`` yields.

    Every problem is reported: when a field fails, the rules still run on the raw input, and
    their problems join the field errors in one ValidationError.
    """
    try:
        value = handler(data)
    except ValidationError as exc:
        found = list(problems_of(data)) if isinstance(data, dict) else []
        if not found:
            raise
        errors = [
            {"type": PydanticCustomError(e["type"], _escape(e["msg"])), "loc": e["loc"], "input": e["input"]}
            for e in exc.errors(include_url=False)
        ]
        raise _rule_errors(cls, data, found, errors) from None
    found = list(problems_of(value))
    if found:
        raise _rule_errors(cls, data, found, [])
    return value


def _rule_errors(cls: type, data: Any, found: list[str], errors: list) -> ValidationError:
    errors += [{"type": PydanticCustomError("value_error", _escape(m)), "loc": (), "input": data} for m in found]
    return ValidationError.from_exception_data(cls.__name__, errors)


def _fields_equal(model: BaseModel, other: Any, equal: Callable[[Any, Any], bool]) -> Any:
    """Equality of two instances by their fields alone. pydantic's own also compares the private
    state, where the merge code keeps its notes (the open part, what the receiver has), which
    say nothing of the value."""
    if not isinstance(other, BaseModel):
        return NotImplemented
    if type(other) is not type(model):
        return False
    mine, theirs = model.__dict__, other.__dict__
    return mine.keys() == theirs.keys() and all(equal(mine[k], theirs[k]) for k in mine)


class ResponseBehaviour(ContractModel):
    """Rules and methods of LMResponse."""

    def __eq__(self, other: Any) -> bool:
        return _fields_equal(self, other, operator.eq)

    __hash__ = None  # mutable, like every pydantic model that is not frozen

    @model_validator(mode="wrap")
    @classmethod
    def _check_response(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _checked(cls, data, handler, rules.response_problems)

    def extend(self, other: Self, *, strict: bool = False) -> Self:
        """Merge the stream chunk ``other`` into this response, in place, and return self.

        ``other.chunk_mode`` decides how: ``"cumulative"`` replaces what it carries,
        ``"delta"`` appends it, and no chunk_mode (a complete response, a later turn) is
        appended after this response's parts. Outputs pair up by ``index``; parts pair up only
        by evidence (an id, a part_index, a fragment continuing the open part of its kind).
        ``other`` is never changed and shares nothing mutable with the result. On a clash (two
        kinds of part at one part_index, tensors of another dtype or width, token ids and
        logprobs that would not align) it raises ``lmcontract.MergeError`` and leaves this
        response exactly as it was; with ``strict=True``, content for an output that already
        has a finish reason is such a clash too. Thread-safe: concurrent calls are serialised.
        The full rules are in ``lmcontract.lib.merge``.
        """
        return merge.merge_response(self, other, strict=strict)

    # Bound directly (not wrapped in a method calling it): one Python call less per fragment,
    # which is a tenth of its cost. Its docstring is the method's.
    append_fragment = merge.append_fragment

    @classmethod
    def from_chunks(cls, chunks: Iterable[Self], *, strict: bool = False) -> Self:
        """One complete response from a whole stream of chunks, merged in order.

        The result is finalized (tool-call arguments parsed, tensor rows concatenated) and has no
        chunk_mode. Raises ``lmcontract.MergeError`` for an empty stream, a clash, or a stream
        that does not add up to a complete response; ``strict`` as for ``extend``.
        """
        return merge.from_chunks(cls, chunks, strict=strict)

    def finalize(self) -> Self:
        """Mark the stream complete: parse every tool call's buffered arguments and copy the
        appended tensor rows, once, into tensors of exactly their size. ``from_chunks`` does
        this; after ``extend`` calls, do it when the stream ends. Returns self."""
        return merge.finalize_response(self)


class OutputBehaviour(ContractModel):
    """Rules and methods of LMOutput."""

    @model_validator(mode="wrap")
    @classmethod
    def _check_output(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        output = _checked(cls, data, handler, rules.output_problems)
        rules.mark_truncated(output)
        return output

    def extend(self, other: Self, *, mode: str | None = "delta", strict: bool = False) -> Self:
        """Merge the output chunk ``other`` (same ``index``) into this output, in place.

        An output has no chunk_mode of its own, so ``mode`` says what ``other`` is:
        ``"delta"`` (the default; None means the same) appends, ``"cumulative"`` replaces.
        Raises ``lmcontract.MergeError`` and leaves this output as it was on a clash.
        Returns self.
        """
        return merge.merge_output(self, other, mode, strict=strict)

    def finalize(self) -> Self:
        """Mark this output complete (see ``LMResponse.finalize``). Returns self."""
        return merge.finalize_output(self)

    @property
    def text(self) -> str | None:
        """The text of the text parts, joined in order; None when there is no text part."""
        return merge.joined_text(self, "text", skip_redacted=False)

    @property
    def reasoning(self) -> str | None:
        """The readable text of the thinking parts (redacted ones left out), joined in order;
        None when there is none."""
        return merge.joined_text(self, "thinking", skip_redacted=True)

    @property
    def refusal(self) -> str | None:
        """The text of the refusal parts, joined in order; None when the model did not refuse."""
        return merge.joined_text(self, "refusal", skip_redacted=False)

    @property
    def tool_calls(self) -> list:
        """The tool-call parts, in order (a new list of the parts themselves)."""
        return merge.tool_calls(self)

    def __eq__(self, other: Any) -> bool:
        # pydantic compares __dict__ with ==, which on two tensors gives a tensor, not a bool.
        return _fields_equal(self, other, tensors.values_equal)

    __hash__ = None  # mutable, like every pydantic model that is not frozen


class MediaBehaviour(ContractModel):
    """Rules of the media parts (image, audio, video, document, binary)."""

    @model_validator(mode="wrap")
    @classmethod
    def _check_media(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _checked(cls, data, handler, rules.media_problems)


class CitationBehaviour(ContractModel):
    """Rules of a citation."""

    @model_validator(mode="wrap")
    @classmethod
    def _check_citation(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _checked(cls, data, handler, rules.citation_problems)


class EncodedTensorBehaviour(ContractModel):
    """Rules of the JSON encoding of a tensor."""

    @model_validator(mode="wrap")
    @classmethod
    def _check_encoded(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _checked(cls, data, handler, rules.encoded_tensor_problems)

    def to_tensor(self) -> Any:
        """The torch.Tensor this encodes, exactly (needs torch). A tensor field holds an
        EncodedTensor when torch was not installed at validation; this decodes it on use."""
        return tensors.decode(self)


class MessageBehaviour(ContractModel):
    """Rules of a conversation message."""

    @model_validator(mode="wrap")
    @classmethod
    def _check_message(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return _checked(cls, data, handler, lambda message: rules.named_tool_call_problems(_parts(message), "parts"))


def _parts(message: Any) -> Any:
    return message.get("parts") if isinstance(message, dict) else message.parts
