"""Behaviour classes that the generator puts first in the bases of generated classes.

Because they are bases (not subclasses), every instance pydantic builds, nested ones included,
has them. They hold only what a schema cannot say: rules that compare two fields, and methods.
The rules are pure functions in ``lmcontract.lib.rules``; these classes only wire them in.
"""

from __future__ import annotations

from pydantic import model_validator

from lmcontract.lib import rules
from lmcontract.lib.base import ContractModel


class ResponseBehaviour(ContractModel):
    """Rules and methods of LMResponse."""

    @model_validator(mode="after")
    def _check_response(self):
        rules.check_response(self)
        return self


class OutputBehaviour(ContractModel):
    """Rules and methods of LMOutput."""

    @model_validator(mode="after")
    def _check_output(self):
        rules.check_output(self)
        return self


class PartBehaviour(ContractModel):
    """Methods every part kind shares."""


class MediaBehaviour(ContractModel):
    """Rules of the media parts (image, audio, video, document, binary)."""

    @model_validator(mode="after")
    def _check_media(self):
        rules.check_media(self)
        return self


class ToolCallBehaviour(ContractModel):
    """Methods of a tool call."""


class EncodedTensorBehaviour(ContractModel):
    """Rules of the JSON encoding of a tensor."""

    @model_validator(mode="after")
    def _check_encoded(self):
        rules.check_encoded_tensor(self)
        return self
