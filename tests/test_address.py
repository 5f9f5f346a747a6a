"""A page's choices read from its address and written back (indicators/common/address.py):
a value not offered gives way to the default, several choices travel comma-separated, a
switch as '1', the default is left out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indicators.common import address

YEARS = ["2025-2026", "2024-2025"]


def test_a_choice_offered_is_read_and_anything_else_gives_way_to_the_default() -> None:
    assert address.choice({"year": "2024-2025"}, "year", YEARS, "2025-2026") == "2024-2025"
    assert address.choice({"year": ["2025-2026", "2024-2025"]}, "year", YEARS, "x") == "2024-2025"
    for bad in ({}, {"year": "1999-2000"}, {"year": ""}, {"year": "2024-2025'--"}):
        assert address.choice(bad, "year", YEARS, "2025-2026") == "2025-2026"
    assert address.choice({}, "year", YEARS, "gone") == "2025-2026"  # the first offered
    assert address.choice({"year": "2024-2025"}, "year", [], "") == ""
    assert address.index({"year": "2024-2025"}, "year", YEARS, "2025-2026") == 1
    assert address.index({"year": "x"}, "year", [], "") == 0
    # an empty choice ("every territory") is a choice like another
    assert address.choice({"territory": ""}, "territory", ["", "T-NORD"], "T-NORD") == ""


def test_several_choices_and_switches() -> None:
    levels = ["REP+", "REP", "none"]
    assert address.choices({"priority": "REP,REP+,REP,x"}, "priority", levels) == ["REP", "REP+"]
    # a '+' typed in an address arrives as a space
    assert address.choices({"priority": "REP "}, "priority", levels) == ["REP+"]
    assert address.choices({}, "priority", levels) == []
    assert address.param(["REP+", "a,b"]) == "REP+,a%2Cb"
    assert address.choices({"p": "a%2Cb"}, "p", ["a,b"]) == ["a,b"]
    assert address.param([]) is None and address.param("") is None
    assert address.param("2024-2025", "2024-2025") is None
    assert address.param(True, False) == "1" and address.param(False, False) is None
    assert address.switch({"live": "1"}, "live") and not address.switch({"live": "yes"}, "live")
    assert address.text({"q": "  visites " + "x" * 200}, "q") == "visites " + "x" * 92


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=20)), st.lists(st.text(max_size=8)))
def test_reading_an_address_never_raises_and_returns_what_is_offered(
    params: dict[str, str], options: list[str]
) -> None:
    default = options[0] if options else ""
    for name in [*params, "year"]:
        found = address.choice(params, name, options, default)
        assert found in options or found == default
        assert set(address.choices(params, name, options)) <= set(options)
        assert 0 <= address.index(params, name, options, default) <= max(0, len(options) - 1)
