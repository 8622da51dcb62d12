"""Server-Sent Events as the providers send them: the general reader and the fast whole-stream parse."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lmcontract.importers.sse import ServerSentEvent, iter_events, parse_events


def test_event_names_comments_multi_line_data_and_done():
    text = (": keep-alive\r\nevent: message_start\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
            "id: 7\nretry: 10\ndata:[1]\n\ndata: [DONE]\n\n")
    assert list(iter_events(text)) == [ServerSentEvent("message_start", '{"a":\n1}'), ServerSentEvent(None, "[1]")]
    assert list(parse_events(text)) == [{"a": 1}, [1]]


def test_lone_cr_line_ends():
    assert list(parse_events("data: 1\r\rdata: 2\r\r")) == [1, 2]


def test_multi_line_data_after_regular_events_takes_the_general_path():
    text = "data: 1\n\n" * 50 + "data: [2,\ndata: 3]\n\n" + "data: 4\n\n"
    assert list(parse_events(text, window=30)) == [1] * 50 + [[2, 3], 4]


def test_an_event_holding_two_values_is_not_json_even_when_joined():
    with pytest.raises(ValueError):
        list(parse_events("data: 1, 2\n\ndata: 3\n\n"))


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        list(parse_events("data: {\"x\": NaN}\n\n"))


@given(st.lists(st.dictionaries(st.text(max_size=3), st.integers() | st.text(max_size=4)), max_size=30),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.integers(1, 90))
def test_parse_events_equals_the_general_reader(values, newline, named, window):
    text = "".join(
        (f"event: e{i}{newline}" if named else "") + f"data: {json.dumps(v)}{newline}{newline}"
        for i, v in enumerate(values)
    ) + f"data: [DONE]{newline}{newline}"
    assert list(parse_events(text, window=window)) == [json.loads(e.data) for e in iter_events(text)] == values
