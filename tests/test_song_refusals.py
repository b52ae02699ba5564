"""Every combination a gateway cannot honour gets its error, enumerated from the generated mappings: each Song field
a mode does not place, each mode a gateway lacks, each model and voice it does not offer, each limit it sets.

The fullest song of each mode (every field the mode places) is accepted by the gateway's own validator; adding any
one field the mode lacks is refused naming exactly that field and the gateway, before anything could be sent.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from suno_clients import UnsupportedSongError
from suno_clients._runtime.song_fields import LOCATORS, MODES, SONG_FIELDS

from .song_support import SAMPLES, full_fields, mapping_of, mode_fields, offered, placed, song_of
from .spec_files import VENDORS, vendor_ir

# A field that would change the song's mode cannot be added to a song of another mode: a continuation's clip, lyrics
# (which make a song without a description custom), a description (which makes one without lyrics inspiration). A
# description and lyrics exclude each other in a Song, so in a continuation one replaces the other.
PARTNER = {"description": "lyrics", "lyrics": "description"}
CHANGES_MODE = {"inspiration": "lyrics", "custom": "description"}


def _addable(mode: str, field: str) -> bool:
    if field.startswith("continuation."):
        return mode == "continuation"
    return CHANGES_MODE.get(mode) != field


MODES_OF = [(v, m) for v in VENDORS for m in MODES if placed(v, m)]
LACKED_MODES = [(v, m) for v in VENDORS for m in MODES if not placed(v, m)]
LACKED_FIELDS = [
    (v, m, f)
    for v, m in MODES_OF
    for f in SONG_FIELDS
    if f not in placed(v, m) and f not in LOCATORS and _addable(m, f)
]
ENUMERATED = [f for f, kind in SONG_FIELDS.items() if kind.values is not None]
LACKED_VALUES = [
    (v, m, f, value)
    for v, m in MODES_OF
    for f in ENUMERATED
    if f in placed(v, m)
    for value in SONG_FIELDS[f].values or ()
    if value not in offered(v, f)
]
LIMITS = [(vendor.id, limit) for vendor in map(vendor_ir, VENDORS) for limit in vendor.song_limits]


@pytest.mark.parametrize(("vendor", "mode"), MODES_OF, ids=[f"{v}-{m}" for v, m in MODES_OF])
def test_the_fullest_song_of_each_mode_is_accepted_by_the_gateways_own_validator(vendor: str, mode: str) -> None:
    request = song_of(full_fields(vendor, mode)).to_request(vendor)
    assert request.operation == mapping_of(vendor).operation


@pytest.mark.parametrize(("vendor", "mode", "field"), LACKED_FIELDS, ids=[f"{v}-{m}-{f}" for v, m, f in LACKED_FIELDS])
def test_a_field_the_mode_does_not_place_is_refused_naming_the_gateway_and_the_field(
    vendor: str, mode: str, field: str
) -> None:
    fields = full_fields(vendor, mode)
    replaced = fields.pop(PARTNER.get(field, ""), None) is not None
    values = SONG_FIELDS[field].values
    fields[field] = values[0] if values else SAMPLES[field]
    with pytest.raises(UnsupportedSongError) as caught:
        song_of(fields).to_request(vendor)
    first = caught.value.problems[0]
    assert (caught.value.vendor, first.field) == (vendor, field)
    assert f"{vendor}'s {mode} mode has no field for it" in first.reason
    if not replaced:  # else the gateway may also miss what was replaced (lyrics it requires): told after
        assert caught.value.fields == (field,)


@pytest.mark.parametrize(("vendor", "mode"), LACKED_MODES, ids=[f"{v}-{m}" for v, m in LACKED_MODES])
def test_a_song_of_a_mode_the_gateway_lacks_is_refused_naming_what_makes_it_that_mode(vendor: str, mode: str) -> None:
    with pytest.raises(UnsupportedSongError) as caught:
        song_of(mode_fields(mode)).to_request(vendor)
    assert caught.value.fields == ({"inspiration": "description", "custom": "lyrics"}.get(mode, "continuation"),)
    assert f"{vendor} has no {mode} mode" in caught.value.problems[0].reason


@pytest.mark.parametrize(
    ("vendor", "mode", "field", "value"), LACKED_VALUES, ids=[f"{v}-{m}-{f}-{x}" for v, m, f, x in LACKED_VALUES]
)
def test_a_model_or_voice_the_gateway_does_not_offer_is_refused_naming_what_it_offers(
    vendor: str, mode: str, field: str, value: str
) -> None:
    with pytest.raises(UnsupportedSongError) as caught:
        song_of({**full_fields(vendor, mode), field: value}).to_request(vendor)
    assert caught.value.fields == (field,)
    assert f"does not offer {field} {value!r} (it offers {', '.join(offered(vendor, field))})" in str(caught.value)


def test_the_enumeration_finds_refusals_of_every_kind() -> None:
    # an enumeration that finds nothing would pass forever
    assert all((LACKED_FIELDS, LACKED_MODES, LACKED_VALUES, LIMITS))


@pytest.mark.parametrize(("vendor", "limit"), LIMITS, ids=[f"{v}-{x.mode}-{x.field}-{x.model}" for v, x in LIMITS])
def test_each_limit_of_the_capability_matrix_is_where_the_gateways_validator_refuses_the_song(
    vendor: str, limit: object
) -> None:
    from sunogen.ir import SongLimit

    assert isinstance(limit, SongLimit)
    fields = full_fields(vendor, limit.mode)
    if limit.model is not None:
        fields["model"] = limit.model
    at_limit = song_of({**fields, limit.field: "x" * limit.max_length})
    assert at_limit.to_request(vendor).body
    with pytest.raises(UnsupportedSongError) as caught:
        song_of({**fields, limit.field: "x" * (limit.max_length + 1)}).to_request(vendor)
    assert caught.value.fields == (limit.field,)
    (violation,) = caught.value.violations
    assert (violation.keyword, violation.rule) == ("maxLength", limit.rule)
    assert f"at most {limit.max_length} characters" in str(caught.value)


def _without(vendor: str, mode: str, field: str) -> dict[str, object] | None:
    """The fullest song of the mode less one field, when that is still a Song (of the same mode)."""
    fields = {name: value for name, value in full_fields(vendor, mode).items() if name != field}
    try:
        made = song_of(fields)
    except ValidationError:
        return None
    return fields if made.mode == mode else None


REQUIRED = {vendor.id: dict(vendor.song_required) for vendor in map(vendor_ir, VENDORS)}
LESS_ONE = [(v, m, f) for v, m in MODES_OF for f in placed(v, m) if _without(v, m, f) is not None]


@pytest.mark.parametrize(("vendor", "mode", "field"), LESS_ONE, ids=[f"{v}-{m}-{f}" for v, m, f in LESS_ONE])
def test_the_fields_the_matrix_says_a_mode_must_give_are_exactly_those_whose_absence_is_refused(
    vendor: str, mode: str, field: str
) -> None:
    fields = _without(vendor, mode, field)
    assert fields is not None
    if field in REQUIRED[vendor].get(mode, ()):
        with pytest.raises(UnsupportedSongError) as caught:
            song_of(fields).to_request(vendor)
        assert caught.value.fields == (field,)
        assert f"{vendor} requires it here, and the song leaves it out" in caught.value.problems[0].reason
    else:
        assert song_of(fields).to_request(vendor).body
