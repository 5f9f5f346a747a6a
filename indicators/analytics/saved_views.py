"""Explorer views saved under a name: an evaluator or a partner keeps the view it built
(`explorer.ExplorerView`), lists its views, opens one (the view and its address come back),
renames or deletes it; an evaluator may share one with every evaluator.

A saved view holds the view's query-string parameters and nothing of who may see what: whoever
opens it computes it with their own access rules (`explorer.pivot` takes the viewer), never
the owner's. A partner's list holds only its own views saved under its organisation; another
person's view cannot be opened, renamed nor deleted by id. Every change is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from indicators.access.viewer import AccessDeniedError, Viewer, require_role
from indicators.analytics.explorer import ExplorerView
from indicators.common.problems import RefusedInputError
from indicators.store.database import Audit, Store

MAX_NAME = 80
COLUMNS = ["id", "name", "owner", "owner_name", "own", "shared", "params", "updated_at"]


class SavedViewError(RefusedInputError):
    """A refused name or request: a stable code and a message in French and English."""


@dataclass(frozen=True)
class SavedView:
    """One saved view as its reader gets it: `view` to compute with the reader's access."""

    id: int
    name: str
    owner: str
    owner_name: str
    own: bool
    shared: bool
    view: ExplorerView


def name_key(name: str) -> str:
    """What two names are compared on: spacing and case do not make them different."""
    return " ".join(name.split()).casefold()


def _clean_name(name: str) -> str:
    """The name as kept (spaces trimmed and single), or SavedViewError when empty or too long."""
    text = " ".join(str(name).split())
    if not text:
        raise SavedViewError(
            "view-name-empty",
            "Donnez un nom à la vue pour la retrouver.",
            "Give the view a name to find it again.",
        )
    if len(text) > MAX_NAME:
        raise SavedViewError(
            "view-name-too-long",
            f"Le nom dépasse {MAX_NAME} caractères ({len(text)}) : raccourcissez-le.",
            f"The name is over {MAX_NAME} characters ({len(text)}): shorten it.",
        )
    return text


def _taken(name: str) -> SavedViewError:
    return SavedViewError(
        "view-name-taken",
        f"Vous avez déjà une vue nommée « {name} » : choisissez un autre nom.",
        f"You already have a view named '{name}': choose another name.",
    )


def _not_found() -> SavedViewError:
    return SavedViewError(
        "view-not-found",
        "Cette vue enregistrée n'existe plus ou ne vous est pas ouverte.",
        "This saved view no longer exists or is not open to you.",
    )


def _visible(store: Store, viewer: Viewer) -> pd.DataFrame:
    require_role(viewer, "evaluator", "partner")
    organisation = viewer.organisation or "" if viewer.role == "partner" else ""
    if viewer.role == "partner" and not organisation:
        raise AccessDeniedError("organisation")
    return store.query(
        "saved_views",
        owner=viewer.username,
        organisation=organisation,
        evaluator=viewer.role == "evaluator",
    )


def saved_views(store: Store, viewer: Viewer) -> pd.DataFrame:
    """The saved views open to `viewer` (COLUMNS): its own first, then for an evaluator those
    other evaluators share; by name."""
    frame = _visible(store, viewer)
    return frame[COLUMNS].reset_index(drop=True)


def open_view(store: Store, viewer: Viewer, view_id: int) -> SavedView:
    """The saved view `view_id`, when open to `viewer` (SavedViewError otherwise, whether it
    is another's or gone: its existence is not told)."""
    frame = _visible(store, viewer)
    found = frame[frame["id"] == int(view_id)]
    if found.empty:
        raise _not_found()
    row = found.iloc[0]
    return SavedView(
        int(row["id"]),
        str(row["name"]),
        str(row["owner"]),
        str(row["owner_name"]),
        bool(row["own"]),
        bool(row["shared"]),
        ExplorerView.from_params(json.loads(str(row["params"]))),
    )


def save_view(
    store: Store, viewer: Viewer, name: str, view: ExplorerView, *, shared: bool = False
) -> int:
    """Save `view` under `name` for `viewer`; its id. SavedViewError for a view without
    indicators, an empty, too long or already used name; only an evaluator may share."""
    _visible(store, viewer)
    text = _clean_name(name)
    if not view.indicators:
        raise SavedViewError(
            "view-empty",
            "Choisissez au moins un indicateur avant d'enregistrer la vue.",
            "Pick at least one indicator before saving the view.",
        )
    if shared and viewer.role != "evaluator":
        raise AccessDeniedError("share")
    params = view.to_params()
    rows = store.execute(
        "saved_view_add",
        Audit(viewer.username, "view.save", text, {"params": params, "shared": shared}),
        owner=viewer.username,
        organisation=viewer.organisation if viewer.role == "partner" else None,
        title=text,
        name_key=name_key(text),
        params=json.dumps(params, ensure_ascii=False),
        shared=shared,
        at=store.clock(),
    )
    if not rows:
        raise _taken(text)
    return int(rows[0][0])


def _own(store: Store, viewer: Viewer, view_id: int) -> SavedView:
    """The saved view `view_id` when it is `viewer`'s own; SavedViewError otherwise."""
    saved = open_view(store, viewer, view_id)
    if not saved.own:
        raise _not_found()
    return saved


def rename_view(store: Store, viewer: Viewer, view_id: int, name: str) -> None:
    """Rename one's own saved view; SavedViewError as `save_view` for the name, or when the
    view is not one's own."""
    saved = _own(store, viewer, view_id)
    text = _clean_name(name)
    rows = store.execute(
        "saved_view_rename",
        Audit(viewer.username, "view.rename", text, {"view": saved.id, "before": saved.name}),
        id=saved.id,
        owner=viewer.username,
        title=text,
        name_key=name_key(text),
        at=store.clock(),
    )
    if not rows:
        raise _taken(text)


def delete_view(store: Store, viewer: Viewer, view_id: int) -> None:
    """Delete one's own saved view; SavedViewError when it is not one's own."""
    saved = _own(store, viewer, view_id)
    store.execute(
        "saved_view_delete",
        Audit(viewer.username, "view.delete", saved.name, {"view": saved.id}),
        id=saved.id,
        owner=viewer.username,
    )


def share_view(store: Store, viewer: Viewer, view_id: int, shared: bool = True) -> None:
    """An evaluator shares its own saved view with every evaluator (or stops sharing it)."""
    require_role(viewer, "evaluator")
    saved = _own(store, viewer, view_id)
    store.execute(
        "saved_view_share",
        Audit(viewer.username, "view.share", saved.name, {"view": saved.id, "shared": shared}),
        id=saved.id,
        owner=viewer.username,
        shared=shared,
        at=store.clock(),
    )
