"""Synchronisation between actors: who reports what, on time, on the common definitions.

Every figure starts from the expected reports (`sql/queries/expected_reports.sql`): each
organisation x indicator x place x period that a commitment makes due. A report is received
when a value for it arrived (a value for a school counts for its territory), on time when its
first value arrived by the period's due date. Completeness and timeliness count the reports of
periods that are over; `today` decides which those are.

Who sees what: an evaluator everything; a partner its own rows and the initiative's figures;
a funder the figures of groups (initiative, partner type, territory, indicator), never one
organisation's. A group's rates and counts are hidden from partners and funders by the same
rules as every other figure (indicators/disclosure.py): fewer than 3 organisations behind it
or one above 85 % of its expected reports, and complementary suppression where the initiative
minus the other groups of a dimension would give a hidden one away. Anyone else is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from indicators.access.disclosure import Nest, protect_sums
from indicators.access.viewer import AccessDeniedError, Viewer, own_organisation, require_role
from indicators.analytics.kept import data_stamp, keep
from indicators.common.i18n import label, t
from indicators.definition.model import Definition
from indicators.store.database import Store

# The synchronisation index of a partner, 0 to 100, and its weights (shown on the page).
WEIGHTS = {
    "completeness": 0.35,
    "timeliness": 0.25,
    "regularity": 0.15,
    "conformity": 0.15,
    "freshness": 0.10,
}
FRESH_DAYS = 365  # data this old or older scores 0 on freshness
STATUSES = ("not_yet_due", "due", "overdue", "submitted", "returned", "accepted")
# What the status grid shows: a status, or a submitted or accepted one whose reports (some of
# them) arrived after the period's due date, in a colour of its own.
LATE = {"submitted": "submitted_late", "accepted": "accepted_late"}
GRID_STATES = (*STATUSES, *LATE.values())
STATUS_COLOURS = {
    "not_yet_due": "#e8e8e8",
    "due": "#f2cf5b",
    "overdue": "#d9534f",
    "submitted": "#8fbce6",
    "returned": "#f0883e",
    "accepted": "#4c9a5b",
    "submitted_late": "#9b7fd1",
    "accepted_late": "#a9c77e",
}
# The school year a page opens on: the latest with at least this share of the reports due in
# its periods that are over received and accepted by the evaluators (see `default_year`).
MIN_ACCEPTED_SHARE = 0.5
DIMENSIONS = ("initiative", "organisation", "organisation_type", "territory", "indicator")
# each report, and each partner, belongs to one member of these: the initiative is their sum
NESTED_DIMENSIONS = ("organisation_type", "territory", "indicator")


def _own_rows(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """All rows for an evaluator, a partner's own organisation's only."""
    require_role(viewer, "evaluator", "partner")
    if viewer.role == "partner":
        frame = frame[frame["organisation"] == own_organisation(viewer)]
    return frame.reset_index(drop=True)


@keep
def expected_reports(
    store: Store, viewer: Viewer, today: dt.date, organisation: str = ""
) -> pd.DataFrame:
    """One row per expected report with its arrival and status on `today` (of `organisation`
    only when given: some 3 million reports are expected at 10 M observations)."""
    if organisation:
        require_role(viewer, "evaluator", "partner")
        if viewer.role == "partner" and organisation != own_organisation(viewer):
            raise AccessDeniedError(f"reports:{organisation}")
        return store.query("organisation_reports", today=today, org=organisation)
    return _own_rows(store.query("expected_reports", today=today), viewer)


@keep
def missing_reports(
    store: Store, viewer: Viewer, today: dt.date, organisation: str = ""
) -> pd.DataFrame:
    """The reports of periods that are over and that nothing arrived for, oldest first: what a
    reminder to the organisation (all when empty, for an evaluator) lists. Chosen by DuckDB
    (at 10 M observations, some 3 million reports are expected)."""
    require_role(viewer, "evaluator", "partner")
    if viewer.role == "partner":
        own = own_organisation(viewer)
        if organisation not in ("", own):
            raise AccessDeniedError(f"missing:{organisation}")
        organisation = own
    return store.query("missing_reports", today=today, org=organisation)


@keep
def status_counts(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """period, status, partners: how many partners are in each state of the status grid
    (late submissions apart), period by period (a collective figure every role may read)."""
    require_role(viewer, "evaluator", "partner", "funder")
    table = store.query("reporting_status", today=today)
    table["status"] = grid_states(table)
    counted = table.groupby(["period", "start_date", "status"], as_index=False).agg(
        partners=("organisation", "count")
    )
    return counted.sort_values(["start_date", "period", "status"]).reset_index(drop=True)


def reminder_lines(missing: pd.DataFrame, lang: str = "fr") -> list[str]:
    """One line per report of `missing`: indicator · place · period (due date), in `lang`."""
    column = "indicator_label_en" if lang == "en" else "indicator_label_fr"
    return [
        t(
            "sync.reminder_line",
            lang,
            indicator=row[column],
            place=row["place_name"],
            period=row["period"],
            due=f"{row['due_date']:%d/%m/%Y}",
        )
        for _, row in missing.iterrows()
    ]


def reminder_text(missing: pd.DataFrame, name: str, lang: str = "fr") -> str:
    """The text of a reminder listing `missing` reports (one line each), in `lang`."""
    lines = "\n".join(f"- {line}" for line in reminder_lines(missing, lang))
    intro = t("sync.reminder_intro", lang, count=len(missing), name=name)
    outro = t("sync.reminder_outro", lang)
    return f"{t('sync.reminder_greeting', lang)}\n\n{intro}\n{lines}\n\n{outro}"


@keep
def rates(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """Completeness and timeliness per dimension member and period (see `sync_rates.sql`).

    A partner gets its own organisation's rows and the initiative's; a funder every group
    but no organisation. `hidden` says why a group's figures are withheld from this viewer
    ('' when shown; its counts and rates are then empty): fewer than 3 organisations behind
    it, one owing more than 85 % of its reports, or to protect such a group from being worked
    out as the initiative minus the others (disclosure.protect_sums)."""
    require_role(viewer, "evaluator", "partner", "funder")
    every = store.query("sync_rates", today=today)
    table = every
    if viewer.role == "partner":
        own = own_organisation(viewer)
        keep = (table["dimension"] == "initiative") | (
            (table["dimension"] == "organisation") & (table["member"] == own)
        )
        table = table[keep]
    elif viewer.role == "funder":
        table = table[table["dimension"] != "organisation"]
    table = table.reset_index(drop=True)
    keys = [
        (str(d), str(m), str(p))
        for d, m, p in zip(table["dimension"], table["member"], table["period"], strict=True)
    ]
    hidden: dict[tuple[str, str, str], str] = {}
    if viewer.role != "evaluator":
        own = viewer.organisation or "" if viewer.role == "partner" else ""
        hidden = _rates_hidden(store, today, viewer.role, own, every, keys)
    table["hidden"] = [hidden.get(k, "") for k in keys]
    return _masked(table, ["expected", "received", "on_time", "completeness", "timeliness"])


# `rates`' protection, kept per store, definition, day, role and organisation: it reads who owes
# how many reports (the commitments) and which groups have reports due, not what arrived, so
# that an upload leaves it as it is
_RATES_HIDDEN: dict[tuple[object, ...], dict[tuple[str, str, str], str]] = {}
_RATES_KEPT = 64
_DEFINITION_STAMP = ("last_definition", "loaded_at", "versions")


def _rates_hidden(
    store: Store,
    today: dt.date,
    role: str,
    own: str,
    every: pd.DataFrame,
    keys: list[tuple[str, str, str]],
) -> dict[tuple[str, str, str], str]:
    """Why each of the viewer's rows of `rates` (`keys`, of `every` row of sync_rates) is
    hidden (disclosure.protect_sums over who owes the reports behind each group, `rate_shares`:
    what the definition and the day decide)."""
    stamp = data_stamp(store)
    key = (
        str(store.path.resolve()),
        *(stamp[part] for part in _DEFINITION_STAMP),
        today,
        role,
        own,
    )
    if key not in _RATES_HIDDEN:
        shares = rate_shares(store, today)
        _RATES_HIDDEN[key] = protect_sums(
            {k: shares.get(k, {}) for k in keys},
            _group_nests(every, set(keys), "period"),
            role,
            own=own,
        )
        while len(_RATES_HIDDEN) > _RATES_KEPT:
            _RATES_HIDDEN.pop(next(iter(_RATES_HIDDEN)))
    return _RATES_HIDDEN[key]


def _group_nests(frame: pd.DataFrame, published: set[tuple[str, ...]], by: str = "") -> list[Nest]:
    """The initiative = the sum of the groups of each dimension (partner type, territory,
    indicator) in `frame`, per `by` (the period), for the nests whose every member is among
    the `published` keys (dimension, member[, period])."""
    nests: list[Nest] = []
    slices = [(str(at), rows) for at, rows in frame.groupby(by, sort=True)] if by else [("", frame)]
    for at, rows in slices:
        suffix: tuple[str, ...] = (at,) if by else ()
        total = ("initiative", "*", *suffix)
        for dimension in NESTED_DIMENSIONS:
            members = rows.loc[rows["dimension"] == dimension, "member"]
            parts = tuple((dimension, str(m), *suffix) for m in sorted(members))
            if parts and total in published and all(p in published for p in parts):
                nests.append(Nest(total, parts))
    return nests


def _masked(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`table` with the `columns` of its hidden rows emptied."""
    shown = table["hidden"] == ""
    if shown.all():
        return table
    for column in columns:
        table[column] = table[column].astype(float).where(shown)
    return table


@keep
def statuses(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """The reporting status of each organisation for each period it has reports expected in."""
    return _own_rows(store.query("reporting_status", today=today), viewer)


@keep
def consistency(store: Store, viewer: Viewer, today: dt.date, periods: list[str]) -> pd.DataFrame:
    """Of the partners that reported in any period of `periods`, the share that reported in
    every one, for the initiative, each partner type and each territory. `hidden` says why a
    group's figures are withheld from a partner or a funder ('' when shown; they are then
    empty): fewer than 3 partners reporting, or to protect such a group from being worked
    out as the initiative minus the other partner types (disclosure.protect_sums)."""
    require_role(viewer, "evaluator", "partner", "funder")
    columns = ["dimension", "member", "reporting_any", "reporting_every", "consistency"]
    if not periods:
        return pd.DataFrame(columns=[*columns, "hidden"])
    table = store.query("sync_consistency", today=today, periods=list(periods))
    keys = [(str(d), str(m)) for d, m in zip(table["dimension"], table["member"], strict=True)]
    hidden: dict[tuple[str, str], str] = {}
    if viewer.role != "evaluator":
        members = consistency_members(store, today, periods)
        members = members[members["reporting_any"]]
        behind: dict[tuple[str, str], dict[str, float]] = {}
        for dimension, member, organisation in zip(
            members["dimension"], members["member"], members["organisation"], strict=True
        ):
            behind.setdefault((str(dimension), str(member)), {})[str(organisation)] = 1.0
        hidden = protect_sums(
            {k: behind.get(k, {}) for k in keys},
            [n for n in _group_nests(table, set(keys)) if n.parts[0][0] == "organisation_type"],
            viewer.role,
            own=viewer.organisation or "" if viewer.role == "partner" else "",
        )
    table["hidden"] = [hidden.get(k, "") for k in keys]
    return _masked(table, ["reporting_any", "reporting_every", "consistency"])


def consistency_members(store: Store, today: dt.date, periods: list[str]) -> pd.DataFrame:
    """Behind each group of `consistency`: one row per group x organisation (dimension,
    member, organisation), whether it reported in any period of `periods` it owed reports in
    (reporting_any) and in every one (reporting_every). Never shown as such: what disclosure
    control needs to know who stands behind each group's figure."""
    frame = store.query("sync_consistency_members", today=today, periods=list(periods))
    frame["reporting_any"] = frame["reported"] > 0
    frame["reporting_every"] = frame["reporting_any"] & (frame["reported"] == frame["owed"])
    return frame[["dimension", "member", "organisation", "reporting_any", "reporting_every"]]


def windows(store: Store, today: dt.date) -> dict[str, list[str]]:
    """Each school year's periods with reports due on `today` (the year and its terms): the
    window of its consistency on the page."""
    reports = store.query("expected_reports", today=today)
    periods = store.query("periods_list")
    year_of = {str(c): str(p or c) for c, p in zip(periods["code"], periods["parent"], strict=True)}
    out: dict[str, list[str]] = {}
    for period in sorted(set(reports.loc[reports["is_due"], "period"].astype(str))):
        out.setdefault(year_of.get(period, period), []).append(period)
    return out


def rate_shares(store: Store, today: dt.date) -> dict[tuple[str, str, str], dict[str, float]]:
    """Behind each row of `rates` (dimension, member, period): how many of its expected
    reports each organisation owes. Never shown as such: what disclosure control needs."""
    frame = store.query("rate_shares", today=today)
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for dimension, member, period, organisation, owed in zip(
        frame["dimension"].astype(str).tolist(),
        frame["member"].astype(str).tolist(),
        frame["period"].astype(str).tolist(),
        frame["organisation"].astype(str).tolist(),
        frame["owed"].astype(float).tolist(),
        strict=True,
    ):
        out.setdefault((dimension, member, period), {})[organisation] = owed
    return out


def conformity(store: Store, viewer: Viewer) -> pd.DataFrame:
    """Each organisation's share of current values on the common definitions: found by code
    or label, stored as written, on the catalogue's current version (see `conformity.sql`)."""
    return _own_rows(store.query("conformity"), viewer)


@keep
def data_quality(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """Per organisation: uploads stored and refused, warnings and notes per upload, values
    corrected later, reports received late, and its conformity (evaluators; a partner its own)."""
    quality = store.query("data_quality")
    shares = store.query("conformity")[
        ["organisation", "conformity", "mapped", "converted", "old_version", "old_indicators"]
    ]
    ages = store.query("freshness", today=today)[["organisation", "age_days"]]
    merged = quality.merge(shares, on="organisation", how="left").merge(
        ages, on="organisation", how="left"
    )
    return _own_rows(merged, viewer)


@keep
def freshness(store: Store, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """The date of each committed organisation's latest upload and its age in days."""
    return _own_rows(store.query("freshness", today=today), viewer)


def partner_index(
    statuses_: pd.DataFrame, freshness_: pd.DataFrame, conformity_: pd.DataFrame
) -> pd.DataFrame:
    """Each organisation's synchronisation index from its statuses, freshness and conformity
    (pure).

    Over the periods that are over: completeness = received / expected reports, timeliness =
    on time / expected, regularity = periods with a report / periods with reports expected;
    conformity = share of its current values on the common definitions (0 with no value);
    freshness = 1 - age of the latest data / FRESH_DAYS (0 at worst, 0 with no data).
    index = 100 x (0.35 completeness + 0.25 timeliness + 0.15 regularity + 0.15 conformity
    + 0.10 freshness).
    """
    over = statuses_[~statuses_["status"].eq("not_yet_due")]
    if over.empty:
        return pd.DataFrame(
            columns=["organisation", "organisation_name", "organisation_type", *WEIGHTS, "index"]
        )
    grouped = over.groupby(["organisation", "organisation_name", "organisation_type"])
    table = grouped.agg(
        expected=("expected", "sum"),
        received=("received", "sum"),
        on_time=("on_time", "sum"),
        periods=("period", "count"),
        reported=("received", lambda r: int((r > 0).sum())),
    ).reset_index()
    table["completeness"] = table["received"] / table["expected"]
    table["timeliness"] = table["on_time"] / table["expected"]
    table["regularity"] = table["reported"] / table["periods"]
    ages = freshness_.set_index("organisation")["age_days"].astype("Float64")
    age = table["organisation"].map(ages).astype(float)
    table["freshness"] = (1 - age / FRESH_DAYS).clip(lower=0).fillna(0.0)
    shares = conformity_.set_index("organisation")["conformity"].astype("Float64")
    table["conformity"] = table["organisation"].map(shares).astype(float).fillna(0.0)
    table["index"] = 100 * sum(weight * table[name] for name, weight in WEIGHTS.items())
    return table.sort_values("index", ascending=False).reset_index(drop=True)


@keep
def sync_index(store: Store, viewer: Viewer, today: dt.date) -> tuple[pd.DataFrame, float]:
    """(each organisation's index as the viewer may see it, the initiative's index): an
    evaluator every organisation, a partner its own, a funder none; the initiative's index is
    the mean of all organisations' indexes."""
    require_role(viewer, "evaluator", "partner", "funder")
    table = partner_index(
        store.query("reporting_status", today=today),
        store.query("freshness", today=today),
        store.query("conformity"),
    )
    overall = float(table["index"].mean()) if not table.empty else float("nan")
    if viewer.role == "funder":
        table = table.iloc[0:0]
    elif viewer.role == "partner":
        table = table[table["organisation"] == own_organisation(viewer)]
    return table.reset_index(drop=True), overall


def late_days(statuses_: pd.DataFrame) -> pd.Series:
    """For each row of `statuses` (reporting_status), how many days after the period's due
    date its last late report arrived; <NA> when every report that came was on time (or none
    came)."""
    late = statuses_["received"] > statuses_["on_time"]
    arrived = pd.to_datetime(statuses_["last_received_at"]).dt.normalize()
    days = (arrived - pd.to_datetime(statuses_["due_date"])).dt.days
    return days.where(late).astype("Int64")


def grid_states(statuses_: pd.DataFrame) -> pd.Series:
    """The state of each row of `statuses` in the status grid: its status, made
    'submitted_late' or 'accepted_late' where some of its reports arrived after the due date
    (a returned submission stays 'returned': it is owed again)."""
    late = late_days(statuses_).notna()
    return pd.Series(
        [
            LATE.get(status, status) if is_late else status
            for status, is_late in zip(statuses_["status"], late, strict=True)
        ],
        index=statuses_.index,
        dtype=object,
    )


def grid_text(state: str, days: int | None, lang: str = "fr") -> str:
    """The words of one cell of the status grid: the state, and for a late one its delay."""
    if not state:
        return ""
    words = label("sync_status", state, lang)
    if state in LATE.values() and days is not None:
        words += t("sync.late_by", lang, days=days)
    return words


def status_grid(statuses_: pd.DataFrame, lang: str = "fr") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisations (grouped by type, then by name) x periods (in time order): the grid of
    states (see `grid_states`) and the grid of their words (with the delay of late ones)."""
    table = statuses_.assign(state=grid_states(statuses_))
    delays = [None if pd.isna(d) else int(d) for d in late_days(statuses_)]
    table["text"] = [grid_text(s, d, lang) for s, d in zip(table["state"], delays, strict=True)]
    ordered = table.sort_values(["organisation_type", "organisation_name", "start_date"])
    periods = list(dict.fromkeys(statuses_.sort_values(["start_date", "period"])["period"]))

    def pivot(column: str) -> pd.DataFrame:
        grid = ordered.pivot_table(
            index="organisation", columns="period", values=column, aggfunc="first", sort=False
        )
        return grid.reindex(columns=periods).fillna("")

    return pivot("state"), pivot("text")


def status_colorscale() -> list[tuple[float, str]]:
    """A plotly colour scale giving each grid state (as its index in GRID_STATES) its colour."""
    scale: list[tuple[float, str]] = []
    step = 1 / len(GRID_STATES)
    for i, state in enumerate(GRID_STATES):
        scale += [(i * step, STATUS_COLOURS[state]), ((i + 1) * step, STATUS_COLOURS[state])]
    return scale


def report_summary(reports: pd.DataFrame) -> dict[str, int]:
    """Of `expected_reports` rows (one organisation's, say): how many are due (their period
    is over), how many of those arrived, on time, late, and how many are missing."""
    due = reports[reports["is_due"]]
    received = int(due["received"].sum())
    on_time = int(due["on_time"].sum())
    return {
        "due": len(due),
        "received": received,
        "on_time": on_time,
        "late": received - on_time,
        "missing": len(due) - received,
    }


def missing_sentence(summary: Mapping[str, int], lang: str = "fr") -> tuple[str, str]:
    """(kind, sentence) saying what `report_summary` found, in agreement with the timeliness
    shown beside it: 'success' when every report due came on time, 'warning' when some are
    missing or came late, 'info' with nothing due yet."""
    due, late, missing = summary["due"], summary["late"], summary["missing"]
    if due == 0:
        return "info", t("sync.missing_nothing_due", lang)
    if missing:
        return "warning", t("sync.missing_some", lang, n=missing, due=due)
    if late:
        share = round(100 * summary["on_time"] / due)
        return "warning", t("sync.missing_none_late", lang, late=late, due=due, share=share)
    return "success", t("sync.missing_none", lang)


def year_shares(statuses_: pd.DataFrame, year_of: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """school year -> (reports received and accepted, reports due), from `statuses`
    (reporting_status) over the periods that are over; `year_of` gives each period's year."""
    over = statuses_[statuses_["status"] != "not_yet_due"]
    out: dict[str, tuple[int, int]] = {}
    for period, status, expected, received in zip(
        over["period"], over["status"], over["expected"], over["received"], strict=True
    ):
        year = year_of.get(str(period), str(period))
        accepted, due = out.get(year, (0, 0))
        out[year] = (accepted + (int(received) if status == "accepted" else 0), due + int(expected))
    return out


def default_year(shares: Mapping[str, tuple[int, int]], years: Sequence[str]) -> str:
    """The school year a page opens on, among `years` (in time order): the latest where at
    least MIN_ACCEPTED_SHARE of the reports due were received and accepted; else the latest
    with reports due; else the last one ('' when there is none). A year that a few early
    values opened does not become the default before its data is there and accepted."""
    if not years:
        return ""
    enough = [
        y
        for y in years
        if shares.get(y, (0, 0))[1] > 0 and shares[y][0] / shares[y][1] >= MIN_ACCEPTED_SHARE
    ]
    if enough:
        return enough[-1]
    due = [y for y in years if shares.get(y, (0, 0))[1] > 0]
    return due[-1] if due else years[-1]


@keep
def opening_year(store: Store, today: dt.date, years: Sequence[str]) -> str:
    """`default_year` of `years` for the store's reports on `today` (any role may know which
    year a page opens on: it says no more than the year's name). Kept: four pages ask for it
    on every run, and it reads the status of every expected report."""
    periods = store.query("periods_list")
    year_of = {str(c): str(p or c) for c, p in zip(periods["code"], periods["parent"], strict=True)}
    shares = year_shares(store.query("reporting_status", today=today), year_of)
    return default_year(shares, years)


INDEX_WORDS = {
    "fr": {
        "index": "indice",
        "completeness": "complétude",
        "timeliness": "ponctualité",
        "regularity": "régularité",
        "conformity": "conformité",
        "freshness": "fraîcheur",
    },
    "en": {name: name for name in ("index", *WEIGHTS)},
}


def index_formula(lang: str = "fr") -> str:
    """The index's formula in LaTeX, from WEIGHTS, in `lang`."""
    words = INDEX_WORDS["en" if lang == "en" else "fr"]

    def number(weight: float) -> str:
        text = f"{weight:g}"
        return text.replace(".", "{,}") if lang != "en" else text

    terms = " + ".join(
        rf"{number(weight)}\,\text{{{words[name]}}}" for name, weight in WEIGHTS.items()
    )
    return rf"\text{{{words['index']}}} = 100 \times ({terms})"


def member_label(dimension: str, member: str, definition: Definition, lang: str = "fr") -> str:
    """The words for a member of a dimension of `rates` (a type, a territory, an indicator)."""
    if dimension == "organisation_type":
        return label("organisation_type", member, lang)
    if dimension == "territory":
        return next((p.name for p in definition.places if p.code == member), member)
    if dimension == "indicator":
        found = next((i for i in definition.indicators if i.code == member), None)
        return member if found is None else (found.label_en if lang == "en" else found.label_fr)
    if dimension == "organisation":
        return next((o.name for o in definition.organisations if o.code == member), member)
    return member
