"""The runtime's format tests accept exactly what the packages jsonschema checks formats with accept.

`format: uri` is rfc3986-validator's `validate_rfc3986(..., rule="URI")`, `format: date-time` rfc3339-validator's
`validate_rfc3339` on the upper-cased string (as jsonschema calls them); strings near both grammars are drawn.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rfc3339_validator import validate_rfc3339
from rfc3986_validator import validate_rfc3986

from suno_clients._runtime.formats import is_date_time, is_uri

from .conftest import examples

_DIGIT = st.sampled_from("0123456789")
_date_times = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["2024", "0000", "1999", "-", "05", "13", "02", "29", "30", "31", "T", "t", " ", "23", "24",
                         ":", "59", "60", ".", "5", "Z", "z", "+", "02:00", "\n", "é"]) | _DIGIT,
        max_size=14,
    ),
)  # fmt: skip
_uris = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["https", "http", "urn", "a", "1", "+", ":", "//", "/", "?", "#", "[", "]", "::1", "v1.x",
                         "@", "%", "%2F", "%zz", " ", "é", "example.com", ":8080", "!", "'", "\\"]),
        max_size=10,
    ),
)  # fmt: skip


@settings(max_examples=examples(3000), deadline=None)
@given(_date_times | st.text(max_size=25))
@example("2024-05-01T12:30:00Z")
@example("2024-02-29T23:59:59.5+02:00")
@example("2023-02-29T00:00:00Z")
@example("2024-05-01t12:30:00z\n")
def test_date_time_accepts_what_rfc3339_validator_does(text: str) -> None:
    assert is_date_time(text) is validate_rfc3339(text.upper())


@settings(max_examples=examples(3000), deadline=None)
@given(_uris | st.text(max_size=25))
@example("https://example.com/a?b#c")
@example("http://[::1]:8080/x")
@example("mailto:a@b.c")
@example("not a uri")
def test_uri_accepts_what_rfc3986_validator_does(text: str) -> None:
    assert is_uri(text) is bool(validate_rfc3986(text, rule="URI"))
