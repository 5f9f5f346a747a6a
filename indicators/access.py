"""Who is looking, and what each role may open. Deny by default."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.store import Store

ROLES = ("evaluator", "partner", "funder")

# Page key -> roles that may open it. A page missing here is open to nobody.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "catalogue": ("evaluator", "partner", "funder"),
    "theory": ("evaluator", "partner", "funder"),
    "upload": ("evaluator", "partner"),
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person a page or an export is computed for."""

    username: str
    role: str
    display_name: str
    organisation: str | None = None
    anonymous: bool = False


DEMO_EVALUATOR = Viewer("demo", "evaluator", "Évaluateur de démonstration", anonymous=True)


class AccessDeniedError(Exception):
    """The viewer may not see what was asked."""


def resolve_viewer(store: Store) -> Viewer | None:
    """The viewer of a request, or None when nobody is admitted.

    Accounts do not exist yet: only a demo initiative admits an anonymous evaluator.
    """
    initiative = store.initiative()
    if initiative is not None and initiative["demo"]:
        return DEMO_EVALUATOR
    return None


def can_view(viewer: Viewer | None, page: str) -> bool:
    """True when `viewer` may open `page`."""
    return viewer is not None and viewer.role in PAGE_ROLES.get(page, ())


def require(viewer: Viewer | None, page: str) -> Viewer:
    """The viewer, when allowed on `page`; AccessDeniedError otherwise."""
    if viewer is None or not can_view(viewer, page):
        raise AccessDeniedError(page)
    return viewer
