"""Who is looking, and what each role may open. Deny by default."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from indicators.common.i18n import t

ROLES = ("evaluator", "partner", "funder")

# Page key -> roles that may open it. A page missing here is open to nobody.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "catalogue": ("evaluator", "partner", "funder"),
    "theory": ("evaluator", "partner", "funder"),
    "data": ("evaluator", "partner", "funder"),
    "upload": ("evaluator", "partner"),
    "sync": ("evaluator", "partner", "funder"),
    "coordination": ("evaluator", "partner", "funder"),
    "explorer": ("evaluator", "partner"),  # free pivots: funders get fixed tables (DOMAIN.md)
    "synthesis": ("evaluator", "funder"),
    "quality": ("evaluator",),
    "audit": ("evaluator",),
    "admin": ("evaluator",),
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person a page or an export is computed for."""

    username: str
    role: str
    display_name: str
    organisation: str | None = None


class AccessDeniedError(Exception):
    """The viewer may not see what was asked."""


def command_line() -> Viewer:
    """The person at the command line: whoever can read the store file is its administrator."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        user = "mesure"
    return Viewer(f"cli:{user}", "evaluator", f"Ligne de commande ({user})")


def can_view(viewer: Viewer | None, page: str) -> bool:
    """True when `viewer` may open `page`."""
    return viewer is not None and viewer.role in PAGE_ROLES.get(page, ())


def reserved_sentence(page: str, title: str, lang: str = "fr") -> str:
    """Why a page asked for by its address was not opened: to whom it is reserved (the roles
    of PAGE_ROLES), said on the home page the viewer lands on instead."""
    whom = [t(f"role.to.{role}", lang) for role in PAGE_ROLES.get(page, ())]
    if not whom:
        return t("app.reserved_nobody", lang, page=title)
    joined = whom[0] if len(whom) == 1 else ", ".join(whom[:-1]) + t("app.and", lang) + whom[-1]
    return t("app.reserved", lang, page=title, whom=joined)


def require(viewer: Viewer | None, page: str) -> Viewer:
    """The viewer, when allowed on `page`; AccessDeniedError otherwise."""
    if viewer is None or not can_view(viewer, page):
        raise AccessDeniedError(page)
    return viewer


def require_role(viewer: Viewer | None, *roles: str) -> Viewer:
    """The viewer, when their role is one of `roles`; AccessDeniedError otherwise."""
    if viewer is None or viewer.role not in roles:
        raise AccessDeniedError("/".join(roles))
    return viewer


def own_organisation(viewer: Viewer) -> str:
    """A partner's own organisation; AccessDeniedError for a partner without one."""
    if viewer.role != "partner" or not viewer.organisation:
        raise AccessDeniedError("organisation")
    return viewer.organisation
