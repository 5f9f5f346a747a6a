"""Coordination: who does what where (the 5W), the gaps nobody covers, the overlaps, need
against reach, and the partner network."""

from collections.abc import Iterable

import streamlit as st

import ui
from indicators.analytics import coordination as co
from indicators.analytics import synchronisation as sync
from indicators.common.i18n import label, t
from indicators.definition.model import EDUCATION_PRIORITIES
from indicators.views import charts, curves
from indicators.views import coordination as view

viewer, store, lang = ui.guard("coordination")
definition = ui.definition(lang)
today = store.clock().date()
places = {p.code: p.name for p in definition.places}
names = {o.code: o.name for o in definition.organisations}
nodes = {n.code: n.label_fr if lang == "fr" else n.label_en for n in definition.nodes}
years = [p.code for p in definition.periods if p.kind == "school_year"]
started = [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]

st.title(t("coordination.title", lang))
st.caption(t("coordination.intro", lang))
if not years:  # a new initiative, still being set up
    st.info(t("page.not_set_up", lang))
    st.stop()
# the latest year with enough accepted reports (a later one can still be chosen)
current = sync.opening_year(store, today, started or years[:1])
# every choice of the page lives in the address (ui.keep_in_url)
year_col, territory_col, type_col = st.columns([1, 2, 1])
year = year_col.selectbox(
    t("progress.year", lang),
    list(reversed(years)),
    index=ui.url_index("year", list(reversed(years)), current),
    key="coord_year",
)
ui.keep_in_url("year", year, current)
territories = ["", *(p.code for p in definition.places if p.kind == "territory")]
territory = territory_col.selectbox(
    t("sync.territory", lang),
    territories,
    index=ui.url_index("territory", territories, ""),
    format_func=lambda c: places.get(c, c) if c else t("coordination.all_territories", lang),
    key="coord_territory",
)
ui.keep_in_url("territory", territory)
kinds = ["", *sorted({o.type for o in definition.organisations} - {"funder", "backbone"})]
kind = type_col.selectbox(
    t("column.type", lang),
    kinds,
    index=ui.url_index("type", kinds, ""),
    format_func=lambda k: label("organisation_type", k, lang) if k else t("data.all", lang),
    key="coord_type",
)
ui.keep_in_url("type", kind)

# the segmented controls get columns wide enough for every choice (not clipped at 1400 px)
dimension_col, priority_col, qpv_col = st.columns([1, 1, 1])
dimension = (
    dimension_col.segmented_control(
        t("coordination.dimension", lang),
        list(co.DIMENSIONS),
        default=ui.url_value("by", list(co.DIMENSIONS), "node"),
        format_func=lambda d: t(f"coordination.by.{d}", lang),
        key="coord_dimension",
    )
    or "node"
)
ui.keep_in_url("by", dimension, "node")
priorities = priority_col.multiselect(
    t("coordination.priority", lang),
    list(EDUCATION_PRIORITIES),
    default=ui.url_values("priority", list(EDUCATION_PRIORITIES)),
    format_func=lambda p: t(f"coordination.priority.{p}", lang),
    placeholder=t("coordination.all_schools", lang),
    key="coord_priority",
)
ui.keep_in_url("priority", priorities)
qpv = (
    qpv_col.segmented_control(
        t("coordination.qpv", lang),
        list(co.QPV_CHOICES),
        default=ui.url_value("qpv", list(co.QPV_CHOICES), ""),
        format_func=lambda q: t(f"coordination.qpv.{q or 'any'}", lang),
        key="coord_qpv",
    )
    or ""
)
ui.keep_in_url("qpv", qpv)
kept = co.Schools(tuple(priorities), qpv)
if kept.narrowed:
    st.caption(t("coordination.narrowed", lang))

# -- the matrix: places x outcomes or action types --------------------------------------------
grid = co.presence(
    store, viewer, year, dimension, territory=territory, organisation_type=kind, kept=kept
)
members = {m: nodes.get(m, m) for m in dict.fromkeys(grid["member"])}
st.subheader(t("coordination.matrix", lang))
st.caption(t("coordination.matrix_help", lang))
ui.chart(lang, view.matrix_figure(grid, members, lang), width="stretch", key="coord_matrix")
empty = grid[grid["partners"] == 0]
alone = grid[grid["partners"] == co.FRAGILE]
left, right = st.columns(2)
left.metric(t("coordination.gaps_count", lang), len(empty))
right.metric(t("coordination.fragile_count", lang), len(alone))

# -- gaps ---------------------------------------------------------------------------------------
st.subheader(t("coordination.gaps", lang))
found = co.gaps(store, viewer, year, today, territory=territory, kept=kept)
if found.coverage.empty:
    st.success(t("coordination.no_coverage_gap", lang))
else:
    st.markdown(t("coordination.coverage_gaps", lang, n=len(found.coverage)))
    st.caption(t("coordination.gaps_ranked", lang))
    ranked = co.ranked_gaps(store, viewer, found.coverage)
    every = len(ranked) > co.LIST_LIMIT and st.toggle(
        t("coordination.show_all", lang, n=len(ranked)), key="coord_gaps_all"
    )
    shown = co.first_rows(ranked, every)
    ui.table(
        {
            t("coordination.rank", lang): shown["rank"],
            t("progress.node", lang): shown["node"].map(nodes),
            t("column.place", lang): shown["school_name"],
            t("coordination.grades", lang): shown["grades"].map(", ".join),
            t("coordination.why", lang): [
                view.gap_reason(row, lang) for row in shown.to_dict("records")
            ],
        }
    )
    if len(shown) < len(ranked):
        st.caption(t("coordination.shown_first", lang, shown=len(shown), n=len(ranked)))
    st.caption(t("coordination.advice_gap", lang))
if not found.schools.empty:
    st.warning(t("coordination.schools_without", lang, n=len(found.schools)))
    ui.table(
        {
            t("column.place", lang): found.schools["school_name"],
            t("coordination.territory_wide", lang): found.schools["territory_wide"],
        }
    )
if not found.targets.empty:
    st.warning(t("coordination.targets_without", lang, n=len(found.targets)))
    ui.table(
        {
            t("column.indicator", lang): found.targets["indicator"],
            t("column.place", lang): found.targets["place"].map(lambda p: places.get(p, p)),
            t("progress.target", lang): found.targets["value"],
        }
    )
if not found.silent.empty:
    st.warning(t("coordination.silent", lang, n=len(found.silent)))
    ui.table(
        {
            t("column.organisation", lang): found.silent["organisation_name"],
            t("progress.actions", lang): found.silent["action_type"].map(nodes),
            t("column.place", lang): found.silent["place_name"],
            t("column.due", lang): found.silent["due_date"],
        }
    )

# -- overlaps -----------------------------------------------------------------------------------
st.subheader(t("coordination.overlaps", lang))
crossing = co.overlaps(store, viewer, year, territory=territory, kept=kept)
if crossing.empty:
    st.info(t("coordination.no_overlap", lang))
else:
    st.markdown(t("coordination.overlaps_intro", lang, n=len(crossing)))
    st.caption(t("coordination.overlaps_ranked", lang))
    ranked_overlaps = co.ranked_overlaps(store, viewer, crossing)
    every = len(ranked_overlaps) > co.LIST_LIMIT and st.toggle(
        t("coordination.show_all", lang, n=len(ranked_overlaps)), key="coord_overlaps_all"
    )
    crossing = co.first_rows(ranked_overlaps, every)
    columns: dict[str, Iterable[object]] = {
        t("coordination.rank", lang): crossing["rank"],
        t("progress.actions", lang): crossing["action_type"].map(nodes),
        t("column.place", lang): crossing["place_name"],
        t("coordination.grade", lang): crossing["grade"],
        t("coordination.partners", lang): crossing["partners"],
    }
    if "organisations" in crossing:
        columns[t("column.organisations", lang)] = crossing["organisations"].map(
            lambda os: ", ".join(names.get(o, o) for o in os)
        )
    if "own_reach" in crossing:
        columns[t("column.own", lang)] = crossing["own_reach"]
    columns[t("coordination.gross", lang)] = curves.shown_or_hidden(
        crossing["gross"], crossing["hidden"], "person", lang
    )
    if viewer.role == "evaluator":  # the largest is one organisation's figure
        columns[t("coordination.deduplicated", lang)] = crossing["deduplicated"]
    columns[t("coordination.why", lang)] = [
        view.overlap_reason(row, lang) for row in crossing.to_dict("records")
    ]
    columns[t("coordination.advice", lang)] = [
        view.overlap_advice(row, lang) for row in crossing.to_dict("records")
    ]
    ui.table(columns)
    if len(crossing) < len(ranked_overlaps):
        st.caption(t("coordination.shown_first", lang, shown=len(crossing), n=len(ranked_overlaps)))
    if viewer.role != "evaluator":
        st.caption(t("coordination.overlaps_hidden", lang))

# -- need and reach -----------------------------------------------------------------------------
st.subheader(t("coordination.need", lang))
reach = co.need_and_reach(store, viewer, year, territory=territory, kept=kept)
flat = "" if (reach["hidden"] != "").any() else charts.says_nothing(reach["coverage"])
if reach["coverage"].notna().any() and flat and flat != charts.EMPTY:
    title = t("coordination.need", lang)
    st.info(charts.nothing_sentence(flat, title, reach["coverage"], "share", lang))
elif reach["coverage"].notna().any():
    st.caption(t("coordination.need_help", lang, indicator=co.REACH_INDICATOR))
    ui.chart(lang, view.need_figure(reach, lang), width="stretch", key="coord_need")
else:
    st.info(t("coordination.no_need", lang))

# -- the partner network (the shared plan: not for funders) ---------------------------------------
if viewer.role in ("evaluator", "partner"):
    st.subheader(t("coordination.network", lang))
    net = co.network(store, viewer, year, territory=territory, kept=kept)
    st.caption(t("coordination.network_help", lang))
    if net.organisations.empty:
        st.info(t("coordination.no_network", lang))
    else:
        ui.chart(
            lang,
            view.network_figure(net.organisations, net.links, lang),
            width="stretch",
            key="coord_network",
        )
        isolated = net.organisations[net.organisations["links"] == 0]
        if not isolated.empty:
            st.warning(t("coordination.isolated", lang, names=", ".join(isolated["name"])))
        if not net.fragile.empty:
            st.markdown(t("coordination.fragile", lang, n=len(net.fragile)))
            ui.table(
                {
                    t("column.place", lang): net.fragile["place"].map(places),
                    t("progress.node", lang): net.fragile["member"].map(nodes),
                    t("column.organisation", lang): net.fragile["organisations"].map(
                        lambda os: ", ".join(names.get(o, o) for o in os)
                    ),
                }
            )
