"""Uploads as a person makes them: who may upload for whom, dry run, confirmation, history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from indicators.access.viewer import AccessDeniedError, Viewer, require, require_role
from indicators.common.i18n import t
from indicators.common.problems import FileProblem, UnreadableFileError
from indicators.definition.model import Definition
from indicators.ingest.annotate import annotated_upload
from indicators.ingest.layout import ColumnChoice
from indicators.ingest.pipeline import Outcome, ingest
from indicators.ingest.shapes import SheetLayout, default_choices, layout_problems, needs_showing
from indicators.store.database import Audit, Store

SEVERITY_LABELS = {
    "fr": {"error": "erreur", "warning": "alerte", "info": "info"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
UPLOADERS = ("school", "company", "company_foundation", "association", "public_body", "backbone")


def organisations_for(viewer: Viewer, definition: Definition) -> list[str]:
    """The organisations `viewer` may upload for: a partner only its own, an evaluator any."""
    require(viewer, "upload")
    if viewer.role == "partner":
        return [viewer.organisation] if viewer.organisation else []
    return [o.code for o in definition.organisations if o.type in UPLOADERS]


def _allowed(viewer: Viewer, definition: Definition, organisation: str) -> str:
    if organisation not in organisations_for(viewer, definition):
        raise AccessDeniedError(f"upload:{organisation}")
    return organisation


def check_upload(
    store: Store,
    viewer: Viewer,
    definition: Definition,
    organisation: str,
    path: Path,
    name: str,
    layouts: Sequence[SheetLayout] = (),
) -> Outcome:
    """The dry run of one file: nothing is written. Raises UnreadableFileError.

    `layouts`: readings of some sheets the person is trying (`shapes`), not yet remembered."""
    org = _allowed(viewer, definition, organisation)
    return ingest(
        store, path, definition, org, viewer.username, name=name, dry_run=True, layouts=layouts
    )


@dataclass
class CheckedFile:
    """One uploaded file once checked: its dry run or its refusal, then its confirmation."""

    path: Path
    name: str
    outcome: Outcome | None = None
    refused: FileProblem | None = None
    annotated: bytes | None = None
    done: Outcome | None = None
    layouts: tuple[SheetLayout, ...] = ()  # readings tried on this file, not remembered

    @property
    def blocked(self) -> bool:
        """True when the file was refused or has errors: nothing of it can be saved."""
        return self.refused is not None or bool(self.outcome and self.outcome.preparation.errors)


def check_file(
    store: Store,
    viewer: Viewer,
    definition: Definition,
    organisation: str,
    path: Path,
    name: str,
    layouts: Sequence[SheetLayout] = (),
) -> CheckedFile:
    """Dry-run one file and, when it has problems, prepare its annotated copy."""
    checked = CheckedFile(path, name, layouts=tuple(layouts))
    try:
        checked.outcome = check_upload(store, viewer, definition, organisation, path, name, layouts)
        problems = checked.outcome.preparation.problems
        if problems:
            out = path.with_name(path.stem + ".annote.xlsx")
            checked.annotated = annotated_upload(path, name, problems, out).read_bytes()
    except UnreadableFileError as refused:
        checked.refused = refused.problem
    return checked


def confirm_upload(
    store: Store,
    viewer: Viewer,
    definition: Definition,
    organisation: str,
    path: Path,
    name: str,
    layouts: Sequence[SheetLayout] = (),
) -> Outcome:
    """Store one file's values (all or nothing), as `viewer`, read as its dry run was
    (`layouts`: the readings tried on it). The figures the store keeps are made again in a
    thread of their own: the outcome is shown meanwhile, and a page that reads them waits."""
    org = _allowed(viewer, definition, organisation)
    outcome = ingest(store, path, definition, org, viewer.username, name=name, layouts=layouts)
    store.settle_soon()  # the figures made again while the partner reads the outcome
    return outcome


def verdict(outcome: Outcome, lang: str) -> tuple[str, str] | None:
    """What a page says of a checked file before it may be confirmed, as (kind, message) with
    kind "error", "warning" or "info"; None when it may be confirmed."""
    if outcome.status == "empty":
        return "error", t("upload.empty", lang)
    if outcome.preparation.errors:
        return "warning", t("upload.blocked", lang)
    if outcome.created + outcome.updated == 0:
        return "info", t("upload.same", lang)
    return None


def to_confirm(checked: CheckedFile) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    """(kind, label, proposed target, alternatives) of the mappings a person should confirm."""
    if checked.outcome is None:
        return []
    return [
        (m.kind, m.label, m.target, m.alternatives)
        for m in checked.outcome.preparation.mappings.values()
        if m.kind in ("indicator", "place", "dimension")
        and (m.needs_confirmation or (m.target is None and m.kind != "dimension"))
    ]


def confirm_mappings(
    store: Store,
    viewer: Viewer,
    definition: Definition,
    organisation: str,
    mappings: list[tuple[str, str, str]],
) -> int:
    """Remember mappings confirmed by `viewer` for the organisation's next uploads."""
    org = _allowed(viewer, definition, organisation)
    return store.remember_mappings(org, mappings, viewer.username)


def sheets_to_show(checked: CheckedFile) -> list[str]:
    """The sheets of a checked file a person should be offered to show the reader, worst
    first (no table found, then unmapped columns), then those read as the person is trying
    (so that the reading can be changed before it is remembered)."""
    if checked.outcome is None:
        return []
    prep = checked.outcome.preparation
    out = [
        t.sheet
        for t in prep.tables
        if needs_showing(t, bool(prep.previews.get(t.sheet) and prep.previews[t.sheet].rows))
    ]
    out.sort(key=lambda name: next(t.found for t in prep.tables if t.sheet == name))
    tried = {layout.sheet for layout in checked.layouts}
    return [*out, *(name for name in prep.shown if name in tried and name not in out)]


def starting_choices(checked: CheckedFile, sheet: str, header_row: int) -> list[ColumnChoice]:
    """What the reader made of each filled cell of `header_row` of `sheet`: where a person
    starts from when showing it."""
    assert checked.outcome is not None
    prep = checked.outcome.preparation
    reading = next((t for t in prep.tables if t.sheet == sheet), None)
    cells = prep.previews[sheet].header_cells(header_row)
    same_header = reading is not None and reading.header_rows[-1:] == (header_row,)
    return default_choices(reading if same_header else None, cells)


def layout_refusals(layout: SheetLayout, definition: Definition, lang: str) -> list[str]:
    """Why a reading cannot be tried, in sentences; none when it can."""
    return [t(key, lang, **fields) for key, fields in layout_problems(layout, definition)]


def remember_layout(
    store: Store,
    viewer: Viewer,
    definition: Definition,
    organisation: str,
    layout: SheetLayout,
) -> None:
    """Remember a reading a person confirmed for the organisation's next files of the same
    shape (audited). ValueError when it cannot be used (`layout_refusals`)."""
    org = _allowed(viewer, definition, organisation)
    if layout_problems(layout, definition):
        raise ValueError(layout_problems(layout, definition))
    store.remember_layout(org, layout.signature, layout.as_json(), viewer.username)


def history(
    store: Store, viewer: Viewer, definition: Definition, organisation: str
) -> pd.DataFrame:
    """One row per file the organisation uploaded, newest first."""
    return store.query("submissions", org=_allowed(viewer, definition, organisation))


def review_submission(
    store: Store, viewer: Viewer, submission: int, decision: str, comment: str = ""
) -> bool:
    """An evaluator accepts or returns a submission (`decision`: accepted, returned); audited.

    False when there is no such submission still open to review (refused or superseded).
    """
    return bool(review_submissions(store, viewer, [submission], decision, comment))


def review_submissions(
    store: Store, viewer: Viewer, submissions: list[int], decision: str, comment: str = ""
) -> list[int]:
    """Accept or return several submissions at once (one transaction, one audit entry);
    return the ids that were still open to review."""
    require_role(viewer, "evaluator")
    if decision not in ("accepted", "returned"):
        raise ValueError(decision)
    action = "submission.accept" if decision == "accepted" else "submission.return"
    target = str(submissions[0]) if len(submissions) == 1 else f"{len(submissions)} dépôts"
    details = {"comment": comment, "submissions": submissions if len(submissions) > 1 else None}
    rows = store.execute(
        "submission_review",
        Audit(viewer.username, action, target, details),
        ids=[int(s) for s in submissions],
        status=decision,
        comment=comment,
        by=viewer.username,
        at=store.clock(),
    )
    return [int(r[0]) for r in rows]


def problems_frame(outcome: Outcome, lang: str) -> pd.DataFrame:
    """The problems of a dry run as a table a page shows as it is, errors first."""
    order = {"error": 0, "warning": 1, "info": 2}
    problems = sorted(outcome.preparation.problems, key=lambda p: order.get(p.severity, 3))
    return pd.DataFrame(
        [
            (
                SEVERITY_LABELS[lang].get(p.severity, p.severity),
                p.sheet,
                p.cell,
                p.value,
                p.message(lang),
                p.hint(lang),
                p.code,
            )
            for p in problems
        ],
        columns=["severity", "sheet", "cell", "value", "problem", "hint", "code"],
    )


def mappings_frame(outcome: Outcome) -> pd.DataFrame:
    """Each label of the file and what it was matched to, least sure first."""
    rows = [
        (m.kind, m.label, m.target or "", round(m.confidence, 2), m.method)
        for m in outcome.preparation.mappings.values()
    ]
    frame = pd.DataFrame(rows, columns=["kind", "label", "target", "confidence", "method"])
    return frame.sort_values("confidence", kind="stable").reset_index(drop=True)
