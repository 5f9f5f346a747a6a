"""Déposer: check workbooks without saving, read every problem, show the reader a sheet it
did not understand, confirm, see the history."""

import pandas as pd
import streamlit as st

import ui
from indicators.common import i18n
from indicators.common.i18n import t
from indicators.ingest import changes, shapes, uploads
from indicators.views import changes as changes_view

viewer, store, lang = ui.guard("upload")
definition = ui.definition(lang)
names = {o.code: o.name for o in definition.organisations}
choices_of = {
    "indicator": [i.code for i in definition.indicators],
    "place": [p.code for p in definition.places],
    "dimension": [f"{d.code}={c.code}" for d in definition.dimensions for c in d.categories],
}
labels_of = {
    **{i.code: f"{i.label_fr} ({i.code})" for i in definition.indicators},
    **{p.code: f"{p.name} ({p.code})" for p in definition.places},
    **{
        f"{d.code}={c.code}": f"{d.label_fr} : {c.label_fr}"
        for d in definition.dimensions
        for c in d.categories
    },
}

dimension_names = {
    f"dimension:{d.code}": d.label_fr if lang == "fr" else d.label_en for d in definition.dimensions
}
options = shapes.role_options(definition)


def option_label(option: str) -> str:
    if option in dimension_names:
        return f"{t('upload.show_dimension', lang)} : {dimension_names[option].lower()}"
    return t(f"shape.role.{option}", lang)


def show_the_reader(key: tuple[str, str], entry: uploads.CheckedFile, sheets: list[str]) -> None:
    """The partner shows the reader a sheet: its header row and what each column holds."""
    organisation = key[0]
    assert entry.outcome is not None
    prep = entry.outcome.preparation
    fid = key[1]
    sheet = sheets[0]
    if len(sheets) > 1:
        sheet = st.selectbox(t("upload.show_sheet", lang), sheets, key=f"show-sheet-{fid}")
    seen = prep.previews[sheet]
    letters = seen.letters()
    st.dataframe(
        pd.DataFrame(
            [list(r) + [""] * (len(letters) - len(r)) for r in seen.rows],
            columns=letters,
            index=[seen.first_row + n + 1 for n in range(len(seen.rows))],
        ),
        width="stretch",
        height=min(38 + 35 * len(seen.rows), 320),
    )
    rows = [seen.first_row + n for n, r in enumerate(seen.rows) if any(r)]
    reading = next(r for r in prep.tables if r.sheet == sheet)
    found = reading.header_rows[-1] if reading.header_rows else None
    default = (
        found
        if found in rows
        else next(
            (seen.first_row + n for n, r in enumerate(seen.rows) if sum(1 for x in r if x) >= 2),
            rows[0],
        )
    )
    header = st.selectbox(
        t("upload.show_header", lang),
        rows,
        index=rows.index(default),
        format_func=lambda row: t(
            "upload.show_row",
            lang,
            row=row + 1,
            texts=" · ".join(x for _, x in seen.header_cells(row))[:90],
        ),
        key=f"show-header-{fid}-{sheet}",
    )
    cells = seen.header_cells(header)
    with st.form(f"show-{fid}-{sheet}-{header}"):
        picked = []
        for start, (col, text) in zip(
            uploads.starting_choices(entry, sheet, header), cells, strict=True
        ):
            left, right = st.columns(2)
            option = left.selectbox(
                t("upload.show_column", lang, column=shapes.column_label(col), header=text),
                options,
                index=options.index(shapes.option_of(start)),
                format_func=option_label,
                key=f"show-role-{fid}-{sheet}-{header}-{col}",
            )
            measured = right.selectbox(
                t("upload.show_measures", lang),
                ["", *choices_of["indicator"]],
                index=([""] + choices_of["indicator"]).index(start.target)
                if start.role in ("value", "numerator", "denominator")
                else 0,
                format_func=lambda code: (
                    labels_of.get(code, code) if code else t("upload.show_from_header", lang)
                ),
                key=f"show-indicator-{fid}-{sheet}-{header}-{col}",
            )
            picked.append(shapes.choice_of(col, option, measured))
        tried = st.form_submit_button(t("upload.show_try", lang))
        kept = st.form_submit_button(t("upload.show_remember", lang), type="primary")
    if not (tried or kept):
        return
    layout = shapes.make_layout(seen, header, picked)
    refusals = uploads.layout_refusals(layout, definition, lang)
    if refusals:
        for sentence in refusals:
            st.error(sentence)
        return
    others = tuple(x for x in entry.layouts if x.sheet != sheet)
    if kept:
        uploads.remember_layout(store, viewer, definition, organisation, layout)
        st.session_state[f"shown-{fid}"] = t("upload.show_remembered", lang)
    else:
        others = (layout, *others)
        st.session_state[f"shown-{fid}"] = t("upload.show_tried", lang)
    checked[key] = uploads.check_file(
        store, viewer, definition, organisation, entry.path, entry.name, others
    )
    st.rerun()


def show_changes(found: changes.Changes, title: str) -> None:
    """What a submission changed: a sentence, then each value before and after."""
    st.markdown(f"**{t(f'changes.{title}', lang)}**")
    st.caption(changes_view.summary(found, lang))
    if not found.rows.empty:
        ui.table(changes_view.table(found, lang))


st.title(t("upload.title", lang))
st.caption(t("upload.intro", lang))
choices = uploads.organisations_for(viewer, definition)
if viewer.role == "partner":  # always the signed-in partner's own organisation
    organisation = choices[0] if choices else None
    st.markdown(f"**{t('upload.organisation', lang)}** : {names.get(organisation or '', '—')}")
else:  # the organisation chosen lives in the address (ui.keep_in_url)
    first = choices[0] if choices else ""
    organisation = st.selectbox(
        t("upload.organisation", lang),
        choices,
        index=ui.url_index("org", choices, first),
        format_func=lambda code: names.get(code, code),
        key="upload_org",
    )
    ui.keep_in_url("org", organisation, first)
if organisation is None:
    st.stop()

st.download_button(
    t("upload.template", lang),
    data=ui.template_bytes(organisation, lang),
    file_name=f"modele-{organisation}.xlsx",
    icon=":material/download:",
)

files = ui.file_uploader(
    t("upload.files", lang),
    lang,
    ["xlsx", "xlsm", "xls", "ods", "csv"],
    multiple=True,
    key="files",
)
# The uploader hands back the same files on every rerun: each is checked once per session.
checked: dict[tuple[str, str], uploads.CheckedFile] = st.session_state.setdefault("checked", {})
for uploaded in files or []:
    key = (organisation, uploaded.file_id)
    if key not in checked:
        with st.status(t("upload.checking", lang, file=uploaded.name)) as status:
            path = ui.keep_upload(uploaded.name, uploaded.getvalue())
            checked[key] = uploads.check_file(
                store, viewer, definition, organisation, path, uploaded.name
            )
            status.update(
                label=t("upload.checked", lang, file=uploaded.name),
                state="error" if checked[key].blocked else "complete",
            )
    entry = checked[key]
    with st.container(border=True):
        st.subheader(uploaded.name)
        if entry.refused is not None:
            st.error(f"{t('upload.unreadable', lang)} — {entry.refused.message(lang)}")
            st.caption(entry.refused.hint(lang))
            continue
        outcome = entry.outcome
        assert outcome is not None
        prep = outcome.preparation
        cells = st.columns(6)
        figures = [
            ("upload.rows", prep.rows_read),
            ("upload.created", outcome.created),
            ("upload.updated", outcome.updated),
            ("upload.unchanged", outcome.unchanged),
            ("upload.errors", len(prep.errors)),
            ("upload.warnings", len(prep.warnings)),
        ]
        for cell, (label, value) in zip(cells, figures, strict=True):
            cell.metric(t(label, lang), value)
        if prep.problems and entry.annotated is not None:
            problems = uploads.problems_frame(outcome, lang)
            st.markdown(f"**{t('upload.problems', lang)}**")
            ui.table(
                {
                    t("column.severity", lang): problems["severity"],
                    t("column.sheet", lang): problems["sheet"],
                    t("column.cell", lang): problems["cell"],
                    t("column.value", lang): problems["value"],
                    t("column.problem", lang): problems["problem"],
                    t("column.hint", lang): problems["hint"],
                }
            )
            st.download_button(
                t("upload.annotated", lang),
                data=entry.annotated,
                file_name=f"{uploaded.name.rsplit('.', 1)[0]}.annote.xlsx",
                key=f"annotated-{uploaded.file_id}",
                icon=":material/download:",
            )
        if prep.mappings:
            with st.expander(t("upload.mappings", lang)):
                mappings = uploads.mappings_frame(outcome)
                ui.table(
                    {
                        t("column.label", lang): mappings["label"],
                        t("column.target", lang): mappings["target"],
                        t("column.confidence", lang): mappings["confidence"],
                        t("column.method", lang): mappings["method"],
                    }
                )
        pending = uploads.to_confirm(entry)
        if pending:
            with st.form(f"mappings-{uploaded.file_id}"):
                st.markdown(f"**{t('upload.to_confirm', lang)}**")
                chosen: list[tuple[str, str, str]] = []
                for kind, label, proposed, alternatives in pending:
                    targets = list(
                        dict.fromkeys(
                            [*(x for x in (proposed, *alternatives) if x), *choices_of[kind]]
                        )
                    )
                    # Nothing is chosen for the partner: a guess is saved only once picked.
                    said = t(
                        "upload.proposed", lang, target=labels_of.get(proposed or "", proposed)
                    )
                    pick = st.selectbox(
                        f"« {label} »" + (f" — {said}" if proposed else ""),
                        ["", *targets],
                        index=0,
                        format_func=lambda code: labels_of.get(code, code) if code else "—",
                        key=f"map-{uploaded.file_id}-{kind}-{label}",
                    )
                    if pick:
                        chosen.append((kind, label, pick))
                if st.form_submit_button(t("upload.remember", lang)) and chosen:
                    uploads.confirm_mappings(store, viewer, definition, organisation, chosen)
                    del checked[key]  # checked again, now with the partner's memory
                    st.rerun()
        if said := st.session_state.pop(f"shown-{uploaded.file_id}", None):
            st.info(said)
        sheets = uploads.sheets_to_show(entry)
        if sheets and entry.done is None:
            with st.expander(
                t("upload.show", lang, sheet=" », « ".join(sheets[:3])),
                expanded=outcome.status == "empty",
            ):
                st.caption(t("upload.show_intro", lang))
                show_the_reader(key, entry, sheets)
        done = entry.done
        verdict = uploads.verdict(outcome, lang)
        if verdict is not None and verdict[0] == "error":
            st.error(verdict[1])
        elif prep.errors or (done is not None and done.status == "rejected"):
            st.warning(t("upload.blocked", lang))
        elif done is not None and done.status == "unchanged":
            st.info(t("upload.same_now", lang))
        elif done is not None:
            st.success(
                t(
                    "upload.done",
                    lang,
                    created=done.created,
                    updated=done.updated,
                    unchanged=done.unchanged,
                )
            )
            if (done.created, done.updated) != (outcome.created, outcome.updated):
                st.info(t("upload.overtaken", lang))
            if done.submission is not None and done.updated:  # it replaced earlier values
                show_changes(changes.what_changed(store, viewer, done.submission), "title")
        elif outcome.created + outcome.updated == 0:
            st.info(t("upload.same", lang))
        elif st.button(
            t("upload.confirm", lang), key=f"confirm-{uploaded.file_id}", type="primary"
        ):
            with ui.saving(lang):  # a busy store: said here, the file still checked
                entry.done = uploads.confirm_upload(
                    store,
                    viewer,
                    definition,
                    organisation,
                    entry.path,
                    uploaded.name,
                    entry.layouts,
                )
                st.rerun()


def uploader(by: str) -> str:
    """Who uploaded: a person's account, or the organisation the demo uploaded for
    ("demo:<organisation>")."""
    prefix, _, code = by.partition(":")
    return names.get(code, by) if prefix == "demo" and code else by


st.subheader(t("upload.history", lang))
past = uploads.history(store, viewer, definition, organisation)
if past.empty:
    st.caption(t("upload.no_history", lang))
else:
    ui.table(
        {
            t("column.file", lang): past["filename"],
            t("column.by", lang): past["uploaded_by"].map(uploader),
            t("column.at", lang): past["uploaded_at"],
            t("column.status", lang): past["status"].map(
                lambda s: i18n.label("submission_status", s, lang)
            ),
            t("column.comment", lang): past["review_comment"].fillna(""),
            t("column.values", lang): past["current_values"],
        }
    )
    if len(past) > 1:
        st.subheader(t("changes.history", lang))
        st.caption(t("changes.history_intro", lang))
        named = changes_view.submission_names(past)
        left, right = st.columns(2)
        shown: int = left.selectbox(
            t("changes.pick", lang),
            list(named)[:-1],
            format_func=lambda i: named[i],
            key="changes_of",
        ) or int(past["id"].iloc[0])
        earlier = changes_view.since_choices(
            changes.earlier_submissions(store, viewer, shown), lang
        )
        since = 0
        if len(earlier) > 1:  # an older upload of the same period to compare with
            since = right.selectbox(
                t("changes.since", lang),
                list(earlier),
                format_func=earlier.__getitem__,
                help=t("changes.since_help", lang),
                key="changes_since",
            )
        found = changes.what_changed(store, viewer, shown, since or None)
        periods = dict(zip(found.rows["period"], found.rows[f"period_label_{lang}"], strict=True))
        if len(periods) > 1:  # one period at a time, or all of them
            period = st.selectbox(
                t("column.period", lang),
                ["", *periods],
                format_func=lambda p: periods.get(p) or t("changes.all_periods", lang),
                key="changes_period",
            )
            if period:
                found = changes.what_changed(store, viewer, shown, since or None, period)
        show_changes(found, "title")
