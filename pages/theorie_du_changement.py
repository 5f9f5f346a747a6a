"""Théorie du changement: the graph coloured by progress; for one node, its indicators as
turn-the-curve charts, the partners whose actions feed it, its learning log; a table view."""

import streamlit as st

import ui
from indicators.analytics import catalogue, learning, theory
from indicators.analytics import progress as pr
from indicators.analytics import synchronisation as sync
from indicators.common.i18n import label, t
from indicators.views import curves

viewer, store, lang = ui.guard("theory")
definition = ui.definition(lang)
today = store.clock().date()
writes_notes = viewer.role in ("evaluator", "partner")

graph = theory.theory_graph(store, viewer)
sheets = catalogue.indicator_table(store, viewer).set_index("code")
place_names = {p.code: p.name for p in definition.places}
territory_of = {p.code: p.parent or "" for p in definition.places}
year_labels = {p.code: p.label_fr if lang == "fr" else p.label_en for p in definition.periods}
years = [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]
spans = {p.code: (p.start, p.end) for p in definition.periods}
node_names = dict(zip(graph.nodes["code"], graph.nodes[f"label_{lang}"], strict=True))
indicator_names = {str(c): str(s[f"label_{lang}"]) for c, s in sheets["sheet"].items()}
categories = {
    (d.code, c.code): c.label_fr if lang == "fr" else c.label_en
    for d in definition.dimensions
    for c in d.categories
}

st.title(t("theory.title", lang))
st.caption(t("theory.intro", lang))
if graph.nodes.empty or not years:  # a new initiative, still being set up
    st.info(t("page.not_set_up", lang))
    st.stop()

scope_col, year_col, view_col = st.columns([2, 1, 1])
territories = [p.code for p in definition.places if p.kind == "territory"]
schools = [p.code for p in definition.places if p.kind == "school"]
# the scope, year, view and node chosen live in the address (ui.keep_in_url); a funder is
# offered no school, so no address opens one for it
scopes = [pr.SCOPE_ALL, *territories, *([] if viewer.role == "funder" else schools)]
scope = scope_col.selectbox(
    t("progress.scope", lang),
    scopes,
    index=ui.url_index("scope", scopes, pr.SCOPE_ALL),
    format_func=lambda c: t("progress.whole", lang) if c == pr.SCOPE_ALL else place_names[c],
    key="toc_scope",
)
ui.keep_in_url("scope", scope, pr.SCOPE_ALL)
table = pr.progress(store, viewer, scope=scope)
latest = sync.opening_year(store, today, years)
choices = list(reversed(years))
year = year_col.selectbox(
    t("progress.year", lang),
    choices,
    index=ui.url_index("year", choices, latest),
    format_func=lambda y: year_labels.get(y, y),
    key="toc_year",
)
ui.keep_in_url("year", year, latest)
as_table = view_col.segmented_control(
    t("progress.view", lang),
    ["graph", "table"],
    default=ui.url_value("view", ["graph", "table"], "graph"),
    format_func=lambda v: t(f"progress.view_{v}", lang),
    key="toc_view",
)
ui.keep_in_url("view", as_table or "graph", "graph")
statuses = pr.node_statuses(store, viewer, table, year)
if viewer.role == "funder":
    st.info(t("progress.funder_note", lang))

with st.expander(t("progress.rule_title", lang)):
    st.markdown(t("progress.rule_text", lang, share=int(pr.ON_TRACK * 100)))

if as_table == "table":
    # -- the same, for people who would rather read ------------------------------------------
    units = {str(c): str(u) for c, u in sheets["unit"].items()}
    for level, rows in curves.table_view(graph, table, statuses, year, units, lang):
        st.markdown(f"#### {label('level', level, lang)}")
        st.dataframe(rows, hide_index=True, width="stretch")
    st.stop()

# -- the graph, each node coloured by its rolled-up status ----------------------------------
event = ui.chart(
    lang,
    theory.theory_figure(graph, lang, statuses),
    width="stretch",
    on_select="rerun",
    selection_mode="points",
    key="toc_graph",
)
clicked = [p.get("customdata") for p in event.selection.points] if event else []
clicked = [c[0] if isinstance(c, list) else c for c in clicked if c]
if clicked and clicked[0] in node_names and clicked[0] != st.session_state.get("toc_clicked"):
    st.session_state["toc_clicked"] = clicked[0]
    st.session_state["toc_node"] = clicked[0]
st.caption(t("progress.click", lang))

codes = list(reversed(list(graph.nodes["code"])))
rated = [c for c in codes if statuses[c].own not in ("no_data", "unrated")]
first = rated[0] if rated else codes[0]
code = st.selectbox(
    t("theory.choose", lang),
    codes,
    index=ui.url_index("node", codes, first),
    format_func=lambda c: f"{node_names[c]} ({c})",
    key="toc_node",
)
ui.keep_in_url("node", code, first)
node = graph.nodes[graph.nodes["code"] == code].iloc[0]
state = statuses[code]
st.subheader(f"{node[f'label_{lang}']} · {label('level', node['level'], lang)}")
st.markdown(
    f"<span style='background:{pr.STATUS_COLOURS[state.status]};color:white;padding:2px 10px;"
    f"border-radius:10px'>{label('progress_status', state.status, lang)}</span>",
    unsafe_allow_html=True,
)
st.write(curves.node_sentence(state, {**node_names, **indicator_names}, lang))
st.write(node[f"description_{lang}"])

# -- its indicators as turn-the-curve charts ------------------------------------------------
indicators = list(graph.indicators_of(code)["code"])
if not indicators:
    st.info(t("theory.no_indicator", lang))
else:
    tabs = st.tabs([indicator_names[i] for i in indicators])
    for tab, indicator in zip(tabs, indicators, strict=True):
        with tab:
            sheet = sheets.loc[indicator, "sheet"]
            unit = str(sheet["unit"])
            rows = table[(table["indicator"] == indicator) & table["period"].isin(years)]
            this_year = rows[rows["period"] == year].iloc[0]
            breaks = catalogue.version_breaks(store, viewer, indicator)
            left, right = st.columns([3, 2])
            with left:
                ui.chart(
                    lang,
                    curves.curve_figure(
                        rows,
                        unit,
                        lang,
                        own=viewer.role == "partner",
                        breaks=breaks,
                        spans=spans,
                    ),
                    width="stretch",
                    key=f"curve_{indicator}",
                )
                if not breaks.empty:
                    st.caption(curves.breaks_sentence(breaks, lang))
            with right:
                shown = curves.shown_or_hidden(
                    [this_year["value"]], [this_year["hidden"]], unit, lang
                )
                st.metric(
                    year_labels.get(year, year), shown[0], help=t("progress.metric_help", lang)
                )
                st.markdown(
                    f"**{t('progress.status', lang)}** : "
                    f"{label('progress_status', this_year['status'], lang)}"
                )
                if this_year["turned"] is not None:
                    st.markdown(
                        t(
                            "progress.turned_yes" if this_year["turned"] else "progress.turned_no",
                            lang,
                        )
                    )
                if this_year["hidden"]:
                    st.info(t(f"progress.hidden.{this_year['hidden']}", lang))
                st.caption(curves.rule_sentence(sheet, lang))
                if not this_year["hidden"] and int(this_year["units"]):
                    st.caption(
                        curves.facts_sentence(
                            {**this_year.to_dict(), "rule": sheet["aggregation_space"]}, unit, lang
                        )
                    )
            options = [
                "",
                *[
                    b
                    for b in pr.BREAKDOWNS
                    if b in ("territory", "school") or b in sheet["disaggregations"]
                ],
            ]
            by = st.segmented_control(
                t("progress.breakdown", lang),
                options,
                default="territory" if sheet["aggregation_space"] == "none" else "",
                format_func=lambda b: t(f"progress.by.{b or 'none'}", lang),
                key=f"by_{indicator}",
            )
            if by:
                split = pr.breakdown(
                    pr.figures(store, viewer, indicator), indicator, by, scope, years, territory_of
                )
                if split.empty:
                    st.info(t("progress.no_breakdown", lang))
                else:
                    split["member_label"] = [
                        place_names.get(m) or categories.get((by, m), m) for m in split["member"]
                    ]
                    ui.chart(
                        lang,
                        curves.breakdown_figure(split, years, unit, lang),
                        width="stretch",
                        key=f"split_{indicator}",
                    )
            if viewer.role in ("evaluator", "partner"):
                # the values behind the figure are read when someone opens them: Streamlit runs
                # a closed expander's content too, and this read was a sixth of the page's time
                box = st.expander(
                    t("progress.trace_title", lang), key=f"{ui.TRACE}{indicator}", on_change="rerun"
                )
                if box.open:
                    with box:
                        traced = pr.trace(store, viewer, indicator, scope, year)
                        cells = traced.cells
                        if cells.empty:
                            st.info(t("progress.trace_none", lang))
                        else:
                            ui.table(
                                {
                                    t("column.organisation", lang): cells["organisation_name"],
                                    t("column.place", lang): cells["place"].map(
                                        lambda p: place_names.get(p, p)
                                    ),
                                    t("column.period", lang): cells["period"].map(
                                        lambda p: year_labels.get(p, p)
                                    ),
                                    t("column.value", lang): curves.numbers(
                                        cells["value"], unit, lang
                                    ),
                                    t("progress.part", lang): cells["part"].map(
                                        lambda p: t(f"progress.part.{p}", lang)
                                    ),
                                    t("column.file", lang): cells["filename"],
                                    t("column.sheet", lang): cells["sheet"],
                                    t("column.cell", lang): cells["cell"],
                                    t("column.submission", lang): cells["submission_id"],
                                }
                            )
                        if traced.others:
                            st.caption(t("progress.trace_others", lang, n=traced.others))

# -- who feeds this node ----------------------------------------------------------------------
st.markdown(f"#### {t('progress.contributors', lang)}")
feeding = pr.contributors(store, viewer, code)
kinds = feeding["type"].map(lambda c: label("organisation_type", c, lang))
if feeding.empty:
    st.info(t("theory.no_partner", lang))
elif "name" in feeding:
    ui.table(
        {
            t("column.organisation", lang): feeding["name"],
            t("column.type", lang): kinds,
            t("progress.how", lang): feeding["direct"].map(
                lambda d: t("progress.direct" if d else "progress.indirect", lang)
            ),
            t("progress.actions", lang): feeding["action_types"].map(
                lambda a: ", ".join(node_names.get(x, x) for x in a)
            ),
            t("column.commitments", lang): feeding["commitments"],
        }
    )
else:  # a funder: organisations counted by type
    ui.table(
        {
            t("column.type", lang): kinds,
            t("column.organisations", lang): feeding["organisations"],
            t("column.commitments", lang): feeding["commitments"],
        }
    )

# -- the learning log -----------------------------------------------------------------------
if writes_notes:
    st.markdown(f"#### {t('progress.log', lang)}")
    st.caption(t("progress.log_intro", lang))
    log = learning.notes(store, viewer, node=code, indicators=tuple(indicators))
    for note in log.to_dict("records"):
        with st.container(border=True):
            st.markdown(
                learning.heading(note, {**node_names, **indicator_names}, year_labels, lang)
            )
            st.text(note["body"])
    if log.empty:
        st.info(t("progress.log_empty", lang))
    with st.form("toc_note", clear_on_submit=True):
        about = st.selectbox(
            t("progress.about", lang),
            ["", *indicators],
            format_func=lambda i: indicator_names[i] if i else t("progress.about_node", lang),
        )
        kind = st.radio(
            t("progress.kind", lang),
            learning.KINDS,
            horizontal=True,
            format_func=lambda k: t(f"progress.kind.{k}", lang),
        )
        body = st.text_area(t("progress.note", lang), max_chars=learning.MAX_LENGTH)
        for_year = st.checkbox(t("progress.note_year", lang, year=year_labels.get(year, year)))
        team_only = (
            st.checkbox(t("progress.team_only", lang)) if viewer.role == "evaluator" else False
        )
        if st.form_submit_button(t("progress.add_note", lang)):
            try:
                learning.add_note(
                    store,
                    viewer,
                    body,
                    learning.Subject(
                        indicator=about,
                        node="" if about else code,
                        period=year if for_year else "",
                        place="" if scope == pr.SCOPE_ALL else scope,
                    ),
                    kind=kind,
                    visibility="team" if team_only else "partners",
                )
            except learning.NoteError as refused:
                st.error(refused.message(lang))
            else:
                st.success(t("progress.note_added", lang))
                st.rerun()
