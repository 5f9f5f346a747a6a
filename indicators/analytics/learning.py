"""The learning log: notes and decisions attached to an indicator, a node, a place or a period,
"the story behind the curve" that partners and the evaluation team write as they meet around
the data.

Evaluators and partners write and read it; a note of the evaluation team may be kept for the
team alone. Funders do not read it (they read summaries). A note is never edited nor deleted:
the log is a history, and each note is audited as it is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.common.i18n import t
from indicators.common.problems import RefusedInputError
from indicators.store.database import Audit, Store

KINDS = ("note", "decision")
VISIBILITIES = ("partners", "team")
MAX_LENGTH = 2000


class NoteError(RefusedInputError):
    """A refused note: a stable code and a message in French and English."""


@dataclass(frozen=True)
class Subject:
    """What a note is about; at least one of them is set."""

    indicator: str = ""
    node: str = ""
    place: str = ""
    period: str = ""


def add_note(
    store: Store,
    viewer: Viewer,
    body: str,
    subject: Subject,
    *,
    kind: str = "note",
    visibility: str = "partners",
) -> int:
    """Write a note or a decision; its id. NoteError for an empty or too long text, an unknown
    kind, subject or visibility; a partner's notes are always shared with the partners."""
    require_role(viewer, "evaluator", "partner")
    text = body.strip()
    if not text:
        raise NoteError(
            "note-empty",
            "La note est vide : écrivez ce qui a été observé ou décidé.",
            "The note is empty: write what was observed or decided.",
        )
    if len(text) > MAX_LENGTH:
        raise NoteError(
            "note-too-long",
            f"La note dépasse {MAX_LENGTH} caractères ({len(text)}) : résumez-la ou"
            " découpez-la en plusieurs notes.",
            f"The note is over {MAX_LENGTH} characters ({len(text)}): shorten it or split it.",
        )
    if kind not in KINDS:
        raise NoteError(
            "note-kind", f"Type de note inconnu : {kind}.", f"Unknown kind of note: {kind}."
        )
    if visibility not in VISIBILITIES or (viewer.role == "partner" and visibility != "partners"):
        raise NoteError(
            "note-visibility",
            "Cette visibilité n'est pas permise : les notes des partenaires sont partagées.",
            "This visibility is not allowed: partners' notes are shared.",
        )
    _check_subject(store, subject)
    rows = store.execute(
        "note_add",
        Audit(
            viewer.username,
            "note.add",
            subject.indicator or subject.node or subject.period or subject.place,
            {"kind": kind, "visibility": visibility},
        ),
        at=store.clock(),
        author=viewer.username,
        kind=kind,
        indicator=subject.indicator or None,
        node=subject.node or None,
        place=subject.place or None,
        period=subject.period or None,
        body=text,
        visibility=visibility,
        organisation=viewer.organisation,
    )
    return int(rows[0][0])


def notes(
    store: Store,
    viewer: Viewer,
    *,
    node: str = "",
    indicators: tuple[str, ...] = (),
    period: str = "",
) -> pd.DataFrame:
    """The notes this viewer may read, newest first: those about `node` or one of
    `indicators` (every note when both are empty), narrowed to `period` when given."""
    require_role(viewer, "evaluator", "partner")
    frame = store.query("notes", team=viewer.role == "evaluator")
    if node or indicators:
        about = frame["indicator"].isin(indicators)
        if node:
            about |= frame["node"] == node
        frame = frame[about]
    if period:
        frame = frame[frame["period"].isin(("", period))]
    return frame.reset_index(drop=True)


def _check_subject(store: Store, subject: Subject) -> None:
    known = {
        "indicator": set(store.query("indicators")["code"]),
        "node": set(store.query("toc_nodes")["code"]),
        "period": set(store.query("periods_list")["code"]),
        "place": {"*"} | set(store.query("places_list")["code"]),
    }
    given = {k: getattr(subject, k) for k in known if getattr(subject, k)}
    if not given:
        raise NoteError(
            "note-subject",
            "Rattachez la note à un indicateur, un nœud, un lieu ou une période.",
            "Attach the note to an indicator, a node, a place or a period.",
        )
    for kind, code in given.items():
        if code not in known[kind]:
            raise NoteError(
                "note-unknown",
                f"« {code} » n'est pas un(e) {_KIND_FR[kind]} de l'initiative.",
                f"'{code}' is not one of the initiative's {kind}s.",
            )


_KIND_FR = {"indicator": "indicateur", "node": "nœud", "period": "période", "place": "lieu"}


def heading(
    note: Mapping[Any, Any], names: Mapping[str, str], periods: Mapping[str, str], lang: str
) -> str:
    """One note's heading line: kind, subject, period, author (and organisation), day, and
    whether it is kept for the team. `names` label indicators and nodes, `periods` periods."""
    subject = note["indicator"] or note["node"] or note["place"]
    kind = t(f"progress.kind.{note['kind']}", lang)
    parts = [f"**{kind}**", names.get(subject, subject)]
    if note["period"]:
        parts.append(periods.get(note["period"], note["period"]))
    who = str(note["author_name"])
    if note["organisation_name"]:
        who += f" ({note['organisation_name']})"
    parts += [who, f"{note['created_at']:%d/%m/%Y}"]
    if note["visibility"] == "team":
        parts.append(t("progress.team_only", lang))
    return " · ".join(parts)
