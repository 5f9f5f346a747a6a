"""A page's choices in its address: a query-string parameter read back into one of the choices
the page offers, and a choice written as a parameter (the default left out), so that a page
reloaded, bookmarked or sent opens as it was left.

A value the page does not offer (misspelt, out of date, or beyond what the viewer may see)
gives way to the default, without a word: the choices offered are the viewer's own, so an
address never opens more than the page's controls would, and the functions of `indicators`
that read the data check the viewer again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Params = Mapping[str, str | Sequence[str]]


def _last(value: str | Sequence[str] | None) -> str:
    """The parameter's value (its last one when repeated), '' when absent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value[-1]) if len(value) else ""


def _escape(code: str) -> str:
    return code.replace("%", "%25").replace(",", "%2C")


def _unescape(text: str) -> str:
    return text.replace("%2C", ",").replace("%25", "%")


def _offered(text: str, options: Sequence[str]) -> str | None:
    """`text` when it is one of `options`; a '+' typed in an address is read as a space
    (`REP+`), so it is tried as '+' too."""
    for candidate in (text, text.replace(" ", "+"), text.strip()):
        if candidate in options:
            return candidate
    return None


def choice(params: Params, name: str, options: Sequence[str], default: str) -> str:
    """The choice the address holds under `name` when it is one of `options`; else `default`
    (else the first option, when `default` is not offered either)."""
    asked = _offered(_last(params.get(name)), options) if name in params else None
    if asked is not None:
        return asked
    if default in options or not options:
        return default
    return options[0]


def index(params: Params, name: str, options: Sequence[str], default: str) -> int:
    """The position of `choice` in `options` (0 when there is none), for a select box."""
    found = choice(params, name, options, default)
    return list(options).index(found) if found in options else 0


def choices(params: Params, name: str, options: Sequence[str]) -> list[str]:
    """The choices the address holds under `name` (comma-separated), those offered only, each
    once, in the order given."""
    seen: list[str] = []
    for item in _last(params.get(name)).split(","):
        code = _offered(_unescape(item), options)
        if code is not None and code not in seen:
            seen.append(code)
    return seen


def param(value: str | Sequence[str] | bool | None, default: str | bool = "") -> str | None:
    """`value` as it goes into the address: several choices comma-separated, a switch on as
    '1'; None for the default (or nothing chosen), which the address leaves out."""
    if value is None or value == default:
        return None
    if isinstance(value, bool):
        return "1" if value else None
    if isinstance(value, str):
        return value
    return ",".join(_escape(str(v)) for v in value) or None


def switch(params: Params, name: str) -> bool:
    """True when the address holds the switch `name` on ('1')."""
    return _last(params.get(name)).strip() == "1"


def text(params: Params, name: str, limit: int = 100) -> str:
    """The words the address holds under `name` (a search), at most `limit` characters."""
    return _last(params.get(name)).strip()[:limit]
