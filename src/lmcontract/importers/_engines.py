"""Pieces the engine and framework importers share: reading objects or dicts, token logprobs.

Engines hand back dataclasses (vLLM, LMDeploy) or their ``asdict`` / JSON forms; ``get`` reads
a field from either, so one importer takes both without importing the engine.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

_ABSENT = object()


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Field ``name`` of a dict or an object (dataclass, SDK object); ``default`` when absent."""
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def has(obj: Any, name: str) -> bool:
    if isinstance(obj, Mapping):
        return name in obj
    return getattr(obj, name, _ABSENT) is not _ABSENT


def leftovers(obj: Any, known: frozenset[str] | set[str]) -> dict[str, Any]:
    """The fields of ``obj`` an importer has no slot for, kept for ``provider_data`` (None left out).

    Objects are read through their ``__dict__`` (or ``dataclasses.fields`` with slots); values that are not
    JSON (engine objects) are kept as their ``repr`` rather than dropped; arrays and tensors
    as nested lists. Empty values (None, empty lists) say nothing and are left out.
    """
    if isinstance(obj, Mapping):
        items = dict(obj)
    elif hasattr(obj, "__dict__"):  # attributes set beyond the declared fields count too
        items = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    else:
        items = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {k: json_value(v) for k, v in items.items() if k not in known and not _empty(v)}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (list, tuple, dict, str)) and len(value) == 0)


def json_value(value: Any) -> Any:
    """``value`` as JSON data: containers walked, dataclasses as dicts, anything else as repr."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "value") and isinstance(value.value, (str, int)):
        return value.value  # an enum member
    if callable(getattr(value, "tolist", None)):
        return json_value(value.tolist())  # a numpy array or a tensor
    return repr(value)


def token_id_key(key: Any, where: str) -> int:
    """A token id used as a dict key: an int, or its decimal string once the dict went through JSON."""
    if isinstance(key, bool):
        raise ValueError(f"{where}: token id {key!r} is not an integer")
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.lstrip("-").isdigit():
        return int(key)
    raise ValueError(f"{where}: token id {key!r} is not an integer")


def as_logprob(value: Any, where: str) -> float:
    """A log-probability as a float; JSON's -Infinity and None-free checks happen here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: logprob {value!r} is not a number")
    value = float(value)
    if math.isnan(value) or value > 0:
        raise ValueError(f"{where}: logprob {value!r} must be zero or less")
    return value


def position_logprob(
    chosen: int, entries: Mapping[Any, Any], where: str, *, rank_of: Any = None, token_of: Any = None
) -> dict[str, Any]:
    """One TokenLogprob (as a dict) from an engine's ``{token_id: logprob-ish}`` map of one position.

    ``rank_of(entry)`` and ``token_of(entry)`` read a rank and a decoded token from an entry
    (vLLM's ``Logprob``); without them the entry is the float itself (LMDeploy) and ranks follow
    from sorting. Every entry is kept among ``top``, best first, with its rank, so the chosen
    token's rank is there even when it is not the best.
    """
    alternatives = []
    chosen_entry = None
    for key, entry in entries.items():
        token_id = token_id_key(key, where)
        logprob = as_logprob(entry if rank_of is None else get(entry, "logprob"), f"{where}[{token_id}]")
        alt: dict[str, Any] = {"token_id": token_id, "logprob": logprob}
        if rank_of is not None:
            rank = rank_of(entry)
            if rank is not None:
                alt["rank"] = rank
        token = token_of(entry) if token_of is not None else None
        if token is not None:
            alt["token"] = token
        alternatives.append(alt)
        if token_id == chosen:
            chosen_entry = alt
    if chosen_entry is None:
        raise ValueError(f"{where}: no logprob for the chosen token {chosen}")
    if rank_of is None:
        alternatives.sort(key=lambda a: -a["logprob"])
        for rank, alt in enumerate(alternatives, start=1):
            alt["rank"] = rank
    else:
        alternatives.sort(key=lambda a: (a.get("rank") is None, a.get("rank", 0), -a["logprob"]))
    out = {"token_id": chosen, "logprob": chosen_entry["logprob"], "top": alternatives}
    if "token" in chosen_entry:
        out["token"] = chosen_entry["token"]
    return out
