"""Tensor fields: kept as given, grown with one copy of each row, compared, copied, pickled,
written to JSON only on request (exactly), and optional: without torch the rest works."""

from __future__ import annotations

import copy
import json
import math
import pickle
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import torch
from pydantic import ValidationError
from torch.autograd.profiler import profile

from lmcontract import LMOutput, LMResponse, MergeError, TextPart
from lmcontract.lib import tensors

SCHEMA = Path(__file__).resolve().parent.parent / "generated" / "jsonschema" / "lmcontract.schema.json"
# The dtypes the schema admits for logits and last_hidden_state (their `dtypes` annotation).
FLOAT_DTYPES = ["float64", "float32", "float16", "bfloat16"]


def response(**output_fields) -> LMResponse:
    return LMResponse(outputs=[LMOutput(index=0, parts=[TextPart(text="x")], **output_fields)])


def bits(t: torch.Tensor) -> torch.Tensor:
    """The tensor's bit patterns, so that NaN payloads and -0.0 compare exactly."""
    if t.dtype == torch.bool:
        return t.to(torch.uint8)
    if t.dtype.is_floating_point:
        return t.view({2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()])
    return t


# --- kept as given ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        torch.randn(3, 5),
        torch.randn(2, 4, dtype=torch.bfloat16),
        torch.randn(5, 3).t(),  # not contiguous
        torch.empty(2, 7, device="meta"),
        torch.zeros(0, 4, dtype=torch.float16),
    ],
    ids=["float32", "bfloat16", "transposed", "meta-device", "empty"],
)
def test_a_tensor_field_keeps_the_tensor_as_given(value):
    o = LMOutput(index=0, logits=value, last_hidden_state=value)
    assert o.logits is value and o.last_hidden_state is value
    assert (o.logits.dtype, o.logits.device) == (value.dtype, value.device)


@pytest.mark.parametrize("shape", [(4,), (1, 2, 3), ()])
def test_a_tensor_of_the_wrong_rank_is_rejected_with_a_clear_error(shape):
    with pytest.raises(ValidationError, match=r"expected a tensor of rank 2 \(sequence, vocab\), got shape"):
        LMOutput(index=0, logits=torch.zeros(shape))
    o = LMOutput(index=0)
    with pytest.raises(ValidationError, match=r"rank 2 \(sequence, hidden\)"):
        o.last_hidden_state = torch.zeros(shape)
    assert o.last_hidden_state is None


def test_a_value_that_is_no_tensor_is_rejected():
    with pytest.raises(ValidationError, match=r"expected a torch\.Tensor or an EncodedTensor, got list"):
        LMOutput(index=0, logits=[[0.5]])


# --- growing ---------------------------------------------------------------------------------


def test_extend_grows_a_buffer_correct_after_every_chunk_within_twice_the_rows():
    o = LMOutput(index=0)
    pieces, held, storages = [], [], set()
    for n in range(300):
        piece = torch.randn(n % 3, 8)
        pieces.append(piece)
        o.extend(LMOutput(index=0, logits=piece))
        whole = torch.cat(pieces)
        assert torch.equal(o.logits, whole)
        assert tensors.capacity_rows(o.logits) <= max(2 * o.logits.shape[0], 1)
        storages.add(o.logits.untyped_storage().data_ptr())
        held.append((o.logits, whole))
    # Amortised constant time: the rows were copied into a few buffers, not one per chunk.
    assert len(storages) <= math.log2(o.logits.shape[0]) + 2
    # What a caller took earlier still reads the same: appends only write rows past its end.
    assert all(torch.equal(view, value) for view, value in held)


def _bytes_allocated(run) -> int:
    """Bytes that torch allocated while ``run()`` ran (frees not subtracted)."""
    with profile(profile_memory=True) as prof:
        run()
    return sum(max(event.self_cpu_memory_usage, 0) for event in prof.function_events)


def test_extend_copies_no_rows_and_finalize_copies_each_row_once():
    rows = [torch.randn(1 + n % 2, 256) for n in range(200)]
    o = LMOutput(index=0)
    assert _bytes_allocated(lambda: [o.extend(LMOutput(index=0, logits=row)) for row in rows]) == 0
    final = torch.cat(rows)
    # One concatenation into a tensor of exactly the final size: no growth buffer to trim.
    assert _bytes_allocated(o.finalize) == final.nbytes
    assert torch.equal(o.logits, final)
    assert o.logits.untyped_storage().nbytes() == final.nbytes
    assert all(o.logits.untyped_storage().data_ptr() != row.untyped_storage().data_ptr() for row in rows)
    assert _bytes_allocated(o.finalize) == 0  # finalized once is final


def test_a_failed_tensor_merge_leaves_unread_rows_exactly_as_they_were():
    def chunk(*logits: torch.Tensor) -> LMResponse:
        return LMResponse(chunk_mode="delta", outputs=[LMOutput(index=i, logits=x) for i, x in enumerate(logits)])

    first, second, other = torch.randn(2, 4), torch.randn(3, 4), torch.randn(1, 4)
    r = LMResponse(chunk_mode="delta").extend(chunk(first, other)).extend(chunk(second))
    pending = [o.__dict__["logits"] for o in r.outputs]
    assert isinstance(pending[0], tensors.PendingRows)  # nothing read yet: no row copied
    extra, clash = torch.randn(1, 4), torch.randn(1, 4, dtype=torch.float64)
    bad = chunk(extra, clash)  # output 0 takes its rows, then output 1 clashes
    with pytest.raises(MergeError, match=r"^outputs\[1\]\.logits\.dtype"):
        r.extend(bad)
    assert all(o.__dict__["logits"] is was for o, was in zip(r.outputs, pending, strict=True))
    assert torch.equal(r.outputs[0].logits, torch.cat([first, second])) and torch.equal(r.outputs[1].logits, other)
    assert bad.outputs[0].logits is extra and bad.outputs[1].logits is clash
    r.extend(chunk(extra))
    assert torch.equal(r.outputs[0].logits, torch.cat([first, second, extra]))


@pytest.mark.parametrize(
    ("clash", "path"),
    [
        (torch.randn(1, 4, dtype=torch.float64), "dtype"),
        (torch.randn(1, 5), "shape"),
        (torch.empty(1, 4, device="meta"), "device"),
    ],
)
def test_a_chunk_that_does_not_continue_pending_rows_fails_and_changes_nothing(clash, path):
    rows = [torch.randn(1, 4), torch.randn(2, 4), torch.randn(1, 4)]  # pending, rows of unequal counts
    o = LMOutput(index=0)
    for row in rows:
        o.extend(LMOutput(index=0, logits=row))
    pending, fields_set = o.__dict__["logits"], set(o.__pydantic_fields_set__)
    assert isinstance(pending, tensors.PendingRows)
    with pytest.raises(MergeError, match=rf"^logits\.{path}: "):
        o.extend(LMOutput(index=0, logits=clash))
    assert o.__dict__["logits"] is pending and o.__pydantic_fields_set__ == fields_set
    assert torch.equal(o.logits, torch.cat(rows))


def test_a_chunk_tensor_overwritten_before_its_rows_are_copied_is_reported():
    reused = torch.zeros(1, 3)
    o = LMOutput(index=0)
    o.extend(LMOutput(index=0, logits=reused))
    reused.fill_(7.0)  # a stream that writes the next step into the tensor it yielded
    o.extend(LMOutput(index=0, logits=reused))
    with pytest.raises(tensors.PendingTensorError, match=r"^logits: a chunk's tensor was written to in place"):
        o.finalize()
    # Read after each chunk, the same stream is merged right: each read copies the rows in.
    o, reused = LMOutput(index=0), torch.zeros(1, 3)
    for step in range(3):
        reused.fill_(float(step))
        o.extend(LMOutput(index=0, logits=reused))
        assert o.logits[:, 0].tolist() == list(range(step + 1))


def test_copies_of_a_stream_in_progress_grow_on_their_own():
    o = LMOutput(index=0, logits=torch.zeros(1, 2))
    o.extend(LMOutput(index=0, logits=torch.ones(1, 2)))
    twin, deep = o.model_copy(), copy.deepcopy(o)
    o.extend(LMOutput(index=0, logits=torch.full((1, 2), 5.0)))
    twin.extend(LMOutput(index=0, logits=torch.full((1, 2), 7.0)))
    assert o.logits[:, 0].tolist() == [0, 1, 5]
    assert twin.logits[:, 0].tolist() == [0, 1, 7]
    assert deep.logits[:, 0].tolist() == [0, 1]
    assert pickle.loads(pickle.dumps(twin)).logits[:, 0].tolist() == [0, 1, 7]


def test_two_outputs_holding_one_grown_tensor_never_write_each_others_rows():
    first = LMOutput(index=0, logits=torch.zeros(1, 2))
    first.extend(LMOutput(index=0, logits=torch.ones(1, 2)))  # now a view with spare rows
    second = LMOutput(index=0, logits=first.logits)
    first.extend(LMOutput(index=0, logits=torch.full((1, 2), 5.0)))
    second.extend(LMOutput(index=0, logits=torch.full((1, 2), 7.0)))
    assert first.logits[:, 0].tolist() == [0, 1, 5]
    assert second.logits[:, 0].tolist() == [0, 1, 7]


def test_finalize_gives_back_the_spare_rows():
    o = LMOutput(index=0)
    for _ in range(5):
        o.extend(LMOutput(index=0, logits=torch.ones(1, 3)))
    assert tensors.capacity_rows(o.logits) > 5
    grown = o.logits
    o.finalize()
    assert torch.equal(o.logits, grown)
    assert o.logits.untyped_storage().nbytes() == o.logits.nbytes


def test_from_chunks_concatenates_once_into_storage_of_its_own():
    rows = [torch.randn(1, 16, dtype=torch.float16) for _ in range(50)]
    chunks = [LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=x)]) for x in rows]
    chunks[0].outputs[0].parts = [TextPart(text="t")]
    r = LMResponse.from_chunks(chunks)
    assert torch.equal(r.outputs[0].logits, torch.cat(rows)) and r.outputs[0].logits.dtype == torch.float16
    assert r.outputs[0].logits.untyped_storage().nbytes() == r.outputs[0].logits.nbytes
    assert all(r.outputs[0].logits.untyped_storage().data_ptr() != x.untyped_storage().data_ptr() for x in rows)


# --- equality, copies, pickle ------------------------------------------------------------------


def test_equality_compares_tensors_by_dtype_shape_and_every_value():
    logits = torch.randn(3, 4)
    a = response(logits=logits)
    assert a == response(logits=logits.clone())
    assert a != response(logits=logits + 1)
    assert a != response(logits=logits.double())
    assert a != response(logits=logits[:2])
    assert a != response()
    assert a.outputs[0] == response(logits=logits.clone()).outputs[0]
    assert a.outputs[0] != "not an output"


def test_deepcopy_and_pickle_keep_tensors_and_share_nothing():
    o = LMOutput(index=0, parts=[TextPart(text="x")], logits=torch.randn(1, 4, dtype=torch.bfloat16))
    o.extend(LMOutput(index=0, logits=torch.randn(2, 4, dtype=torch.bfloat16)))  # a grown view
    r = LMResponse(outputs=[o])
    copied = copy.deepcopy(r)
    assert copied == r and copied.outputs[0].logits.dtype == torch.bfloat16
    assert copied.outputs[0].logits.untyped_storage().data_ptr() != o.logits.untyped_storage().data_ptr()
    restored = pickle.loads(pickle.dumps(r))
    assert restored == r and restored.outputs[0].logits.dtype == torch.bfloat16
    restored.outputs[0].extend(LMOutput(index=0, logits=torch.zeros(1, 4, dtype=torch.bfloat16)))
    assert r.outputs[0].logits.shape == (3, 4)  # the copy grows on its own


# --- JSON -------------------------------------------------------------------------------------


def test_json_leaves_tensors_out_unless_asked():
    logits = torch.randn(2, 3)
    r = response(logits=logits, last_hidden_state=torch.randn(2, 5))
    dumped = json.loads(r.model_dump_json())
    assert "logits" not in dumped["outputs"][0] and "last_hidden_state" not in dumped["outputs"][0]
    assert "logits" not in r.model_dump(mode="json")["outputs"][0]
    assert r.model_dump()["outputs"][0]["logits"] is logits  # Python dumps keep the tensor
    assert LMResponse.model_validate_json(r.model_dump_json()).outputs[0].logits is None


def test_json_leaves_tensors_out_whatever_else_the_dump_is_asked():
    r = response(logits=torch.randn(2, 3))
    for dumped in (
        json.loads(r.model_dump_json(exclude={"id"}, indent=2)),
        json.loads(r.model_dump_json(context={"other": 1}, round_trip=True)),
        r.model_dump(mode="json", include={"outputs"}),
    ):
        assert "logits" not in dumped["outputs"][0] and "last_hidden_state" not in dumped["outputs"][0]
    assert "logits" not in json.loads(r.outputs[0].model_dump_json(exclude_unset=True))
    assert "logits" in json.loads(r.model_dump_json(exclude={"id"}, context=tensors.WITH_TENSORS))["outputs"][0]


def test_json_made_by_a_foreign_container_writes_an_unrequested_tensor_as_null():
    from pydantic import BaseModel

    class Envelope(BaseModel):
        response: LMResponse

    wrapped = Envelope(response=response(logits=torch.randn(2, 3)))
    assert json.loads(wrapped.model_dump_json())["response"]["outputs"][0]["logits"] is None
    encoded = json.loads(wrapped.model_dump_json(context=tensors.WITH_TENSORS))["response"]["outputs"][0]["logits"]
    assert torch.equal(LMOutput(index=0, logits=encoded).logits, wrapped.response.outputs[0].logits)


def _special(dtype: torch.dtype) -> torch.Tensor:
    if dtype == torch.bool:
        return torch.tensor([[True, False, True]])
    if dtype.is_floating_point:
        info = torch.finfo(dtype)
        values = [float("nan"), float("inf"), -float("inf"), -0.0, info.tiny / 2, info.max, 1 / 3]
        return torch.tensor([values, values[::-1]], dtype=torch.float64).to(dtype)
    info = torch.iinfo(dtype)
    return torch.tensor([[info.min, info.max, 0], [1, -1 if info.min < 0 else 2, 7]], dtype=dtype)


@pytest.mark.parametrize("dtype", [getattr(torch, n) for n in FLOAT_DTYPES], ids=FLOAT_DTYPES)
def test_json_round_trips_tensors_exactly_on_request(dtype):
    value = _special(dtype)
    r = response(logits=value, last_hidden_state=torch.zeros(0, 3, dtype=dtype))
    text = r.model_dump_json(context={"tensors": True})
    back = LMResponse.model_validate_json(text)
    for name in ("logits", "last_hidden_state"):
        got, want = getattr(back.outputs[0], name), getattr(r.outputs[0], name)
        assert (got.dtype, got.shape) == (want.dtype, want.shape)
        assert torch.equal(bits(got), bits(want))
    assert back.model_dump_json(context=tensors.WITH_TENSORS) == text
    via_dict = LMResponse.model_validate(r.model_dump(mode="json", context={"tensors": True}))
    assert torch.equal(bits(via_dict.outputs[0].logits), bits(value))


def test_json_with_tensors_is_described_by_the_published_schema():
    schema = json.loads(SCHEMA.read_text())
    r = response(logits=torch.randn(2, 3, dtype=torch.bfloat16), last_hidden_state=torch.ones(2, 4).half())
    jsonschema.Draft201909Validator(schema).validate(json.loads(r.model_dump_json(context={"tensors": True})))
    jsonschema.Draft201909Validator(schema).validate(json.loads(r.model_dump_json()))


# --- torch is optional ---------------------------------------------------------------------------


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_importing_lmcontract_loads_neither_torch_nor_linkml():
    done = _run(
        "import sys, lmcontract\n"
        "from lmcontract.lib import merge, tensors\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'linkml', 'linkml_runtime')))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


WITHOUT_TORCH = """
import json, sys
sys.modules["torch"] = None  # as if torch were not installed: importing it raises ImportError
import lmcontract
from lmcontract import EncodedTensor, LMOutput, LMResponse, TextPart

chunks = [
    LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text="Hel")], token_ids=[1])]),
    LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text="lo")], finish_reason="stop")]),
]
r = LMResponse.from_chunks(chunks)
assert r.outputs[0].text == "Hello" and r == LMResponse.model_validate_json(r.model_dump_json())
assert LMResponse.model_validate_json(r.model_dump_json(context={"tensors": True})) == r

# A record holding encoded tensors validates and loads: the field keeps the EncodedTensor.
encoded = {"dtype": "float32", "shape": [1, 1], "data": "AACAPw=="}
text = json.dumps({"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}], "token_ids": [5],
                                "logits": encoded}]})
loaded = LMResponse.model_validate_json(text)
assert isinstance(loaded.outputs[0].logits, EncodedTensor), loaded.outputs[0].logits
assert loaded.outputs[0].logits.model_dump() == encoded
assert json.loads(loaded.model_dump_json(context={"tensors": True}))["outputs"][0]["logits"] == encoded
assert LMOutput(index=0, logits=encoded).logits == EncodedTensor(**encoded)
# ... checked as a tensor would be: dtype the slot admits, rank, rows against token ids.
for bad, needle in [({**encoded, "dtype": "int32"}, "dtype int32 is not allowed here"),
                    ({**encoded, "shape": [1]}, "expected a tensor of rank 2"),
                    ({**encoded, "data": "AACAPwAAgD8="}, "8 bytes, but shape [1, 1] of float32 needs 4")]:
    try:
        LMOutput(index=0, logits=bad)
    except ValueError as exc:
        assert needle in str(exc), str(exc)
    else:
        raise AssertionError(bad)
try:
    LMOutput(index=0, token_ids=[1, 2], logits=encoded)
except ValueError as exc:
    assert "logits: 1 rows but token_ids has 2" in str(exc), str(exc)
else:
    raise AssertionError("rows not checked")

# Decoding it, or a value that is no tensor, names the extra to install.
attempts = [
    lambda: loaded.outputs[0].logits.to_tensor(),
    lambda: LMOutput(index=0, last_hidden_state=[[1.0]]),
]
for attempt in attempts:
    try:
        attempt()
    except ValueError as exc:
        assert "pip install 'lmcontract[torch]'" in str(exc), str(exc)
    else:
        raise AssertionError("a tensor was decoded without torch")
assert sys.modules["torch"] is None
print("ok")
"""


def test_without_torch_records_with_encoded_tensors_load_and_decoding_names_the_extra():
    done = _run(WITHOUT_TORCH)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_with_torch_an_encoded_tensor_is_decoded_and_to_tensor_gives_the_same():
    encoded = {"dtype": "float32", "shape": [1, 2], "data": "AACAPwAAAEA="}
    o = LMOutput(index=0, logits=encoded)
    assert isinstance(o.logits, torch.Tensor) and o.logits.tolist() == [[1.0, 2.0]]
    from lmcontract import EncodedTensor

    assert torch.equal(EncodedTensor(**encoded).to_tensor(), o.logits)


# --- dtypes and rows: from the schema, enforced ------------------------------------------------


def test_the_dtypes_of_each_tensor_slot_come_from_the_schema():
    import yaml

    schema = yaml.safe_load((Path(__file__).resolve().parent.parent / "schema" / "lmcontract.yaml").read_text())
    values = schema["enums"]["TensorDtype"]["permissible_values"]
    sizes = {name: pv["annotations"]["bytes"] for name, pv in values.items()}
    assert tensors.dtype_bytes() == sizes
    published = json.loads(SCHEMA.read_text())["$defs"]["LMOutput"]["properties"]
    for slot in ("logits", "last_hidden_state"):
        declared = schema["slots"][slot]["annotations"]["dtypes"].split()
        assert declared == FLOAT_DTYPES
        encoded = published[slot]["anyOf"][0]["allOf"][1]["properties"]["dtype"]
        assert encoded == {"enum": declared}


@pytest.mark.parametrize(
    "dtype", [torch.complex64, torch.float8_e4m3fn, torch.int64, torch.int8, torch.uint8, torch.bool]
)
def test_a_tensor_of_a_dtype_the_slot_does_not_admit_is_rejected_with_a_formatted_message(dtype):
    value = torch.zeros(2, 3, dtype=dtype)
    name = str(dtype).removeprefix("torch.")
    for field in ("logits", "last_hidden_state"):
        with pytest.raises(ValidationError) as caught:
            LMOutput(index=0, **{field: value})
        message = caught.value.errors()[0]["msg"]
        assert message == f"dtype {name} is not allowed here; one of float64, float32, float16, bfloat16"
        assert "{" not in str(caught.value)


def test_encoded_tensor_error_messages_are_formatted():
    for bad in (
        {"dtype": "complex64", "shape": [1, 1], "data": ""},
        {"dtype": "float32", "shape": "1x1", "data": ""},
        {"dtype": "float32", "shape": [1, 1], "data": 5},
        {"dtype": "float32", "shape": [1, 1], "data": "AACAPwAA"},
        {"dtype": "int8", "shape": [1, 1], "data": "AA=="},
    ):
        with pytest.raises(ValidationError) as caught:
            LMOutput(index=0, logits=bad)
        text = str(caught.value)
        assert "{" not in text.split("[type=")[0].replace("{'", ""), text
        assert "!r" not in text


def test_the_rows_of_a_tensor_are_checked_against_token_ids():
    with pytest.raises(ValidationError, match=r"logits: 2 rows but token_ids has 3; one row per token id"):
        LMOutput(index=0, token_ids=[1, 2, 3], logits=torch.zeros(2, 4))
    with pytest.raises(ValidationError, match=r"last_hidden_state: 4 rows but token_ids has 3"):
        LMOutput(index=0, token_ids=[1, 2, 3], last_hidden_state=torch.zeros(4, 4))
    LMOutput(index=0, token_ids=[1, 2, 3], logits=torch.zeros(3, 4), last_hidden_state=torch.zeros(3, 2))
    LMOutput(index=0, logits=torch.zeros(2, 4))  # no token ids: nothing to check against


def test_tensors_held_encoded_merge_as_tensors_and_a_bad_one_is_named():
    # A field holds an EncodedTensor when the record was read without torch; merging decodes it.
    from lmcontract import EncodedTensor, LMOutput, LMResponse, MergeError
    from lmcontract.lib import tensors as lib_tensors

    rows = torch.arange(8, dtype=torch.float32).reshape(2, 4)
    encoded = EncodedTensor(**lib_tensors.encode(rows))

    def held(value) -> LMResponse:
        output = LMOutput.model_construct(index=0, logits=value)
        return LMResponse.model_construct(chunk_mode="delta", outputs=[output])

    receiver = held(encoded)
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=rows + 10)]))
    assert torch.equal(receiver.finalize().outputs[0].logits, torch.cat([rows, rows + 10]))
    receiver = LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=rows)])
    receiver.extend(held(encoded))
    assert torch.equal(receiver.finalize().outputs[0].logits, torch.cat([rows, rows]))
    bad = EncodedTensor.model_construct(dtype="float32", shape=[2, 4], data="AAAA")
    receiver = LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=rows)])
    with pytest.raises(MergeError) as caught:
        receiver.extend(held(bad))
    assert caught.value.path == "outputs[0].logits" and "bytes" in caught.value.reason
    assert torch.equal(receiver.outputs[0].logits, rows)
