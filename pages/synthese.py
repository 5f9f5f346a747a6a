"""Synthèse: the funders' read-only summary of a published school year, charts first, and the
funder pack (workbook and PDF); evaluators preview and publish."""

import streamlit as st

import ui
from indicators import reports
from indicators.analytics import synchronisation as sync
from indicators.analytics import synthesis
from indicators.common.i18n import t
from indicators.common.problems import RefusedInputError
from indicators.views import curves, pack
from indicators.views import synthesis as view

viewer, store, lang = ui.guard("synthesis")
definition = ui.definition(lang)
today = store.clock().date()
places = {p.code: p.name for p in definition.places}
nodes = {n.code: n.label_fr if lang == "fr" else n.label_en for n in definition.nodes}

st.title(t("synthesis.title", lang))
st.caption(t("synthesis.intro", lang))

years = synthesis.published_years(store, viewer)
opening = ""  # the year an evaluator's choices open on
if viewer.role == "evaluator":
    closed = [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]
    opening = sync.opening_year(store, today, closed)
    with st.container(border=True):
        st.markdown(f"**{t('synthesis.publish_title', lang)}**")
        chosen = st.selectbox(
            t("progress.year", lang),
            list(reversed(closed)),
            index=list(reversed(closed)).index(opening) if opening in closed else 0,
            key="synthesis_publish_year",
        )
        st.caption(t("synthesis.publish_help", lang))
        found = synthesis.contents(store, viewer, chosen)
        if found.last_published is not None:
            when = found.last_published.strftime("%d/%m/%Y %H:%M")
            st.caption(t("synthesis.last_published", lang, when=when, by=found.last_published_by))
        if not found.publishable:
            st.warning(t("synthesis.nothing_accepted", lang, year=chosen))
        else:
            cells = st.columns(3)
            cells[0].metric(
                t("synthesis.publish_organisations", lang), found.accepted_organisations
            )
            cells[1].metric(t("synthesis.publish_values", lang), found.accepted_values)
            cells[2].metric(t("synthesis.publish_waiting", lang), found.waiting_values)
            if found.waiting_values:
                st.info(t("synthesis.publish_left_out", lang, values=found.waiting_values))
            preview = synthesis.summary(store, viewer, chosen, "*", today, live=True)
            if preview is not None:
                st.caption(t("synthesis.publish_headline", lang))
                headline = pack.headline_rows(preview, lang)
                ui.table(
                    {
                        t("column.figure", lang): [title for title, _ in headline],
                        t("column.number", lang): [text for _, text in headline],
                    }
                )
            sure = st.checkbox(
                t("synthesis.publish_confirm", lang, year=chosen), key="synthesis_publish_sure"
            )
            if st.button(
                t("synthesis.publish", lang, year=chosen),
                key="synthesis_publish",
                type="primary",
                disabled=not sure,
            ):
                try:
                    with st.spinner():
                        synthesis.publish(store, viewer, chosen, today)
                except RefusedInputError as refused:
                    st.error(refused.message(lang))
                else:
                    st.success(t("synthesis.published", lang, year=chosen))
                    years = synthesis.published_years(store, viewer)
if not years and viewer.role != "evaluator":
    st.info(t("synthesis.none", lang))
    st.stop()

# the year, scope and live switch chosen live in the address (ui.keep_in_url); the years
# offered are those the viewer may read (a funder: published ones only)
year_col, scope_col = st.columns(2)
live = viewer.role == "evaluator" and st.toggle(
    t("synthesis.live", lang), value=ui.url_switch("live"), key="synthesis_live"
)
ui.keep_in_url("live", live, False)
choices = (
    years
    if not live
    else list(
        reversed(
            [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]
        )
    )
)
if not choices:
    st.info(t("synthesis.none", lang))
    st.stop()
first = opening if live and opening in choices else choices[0]
year = year_col.selectbox(
    t("progress.year", lang),
    choices,
    index=ui.url_index("year", choices, first),
    key="synthesis_year",
)
ui.keep_in_url("year", year, first)
scopes = synthesis.scopes(store)
scope = scope_col.selectbox(
    t("synthesis.scope", lang),
    scopes,
    index=ui.url_index("scope", scopes, "*"),
    format_func=lambda s: t("progress.whole", lang) if s == "*" else places.get(s, s),
    key="synthesis_scope",
)
ui.keep_in_url("scope", scope, "*")
summary = synthesis.summary(store, viewer, year, scope, today, live=live)
if summary is None:
    st.info(t("synthesis.none", lang))
    st.stop()
ready: synthesis.Summary = summary
st.caption(pack.scope_line(summary, lang))

# -- headline figures -------------------------------------------------------------------------
columns = st.columns(4)
for index, (title, text) in enumerate(pack.headline_rows(summary, lang)):
    columns[index % 4].metric(title, text)

# -- charts first, each with what it shows ------------------------------------------------------
st.subheader(t("synthesis.reach_title", lang))
st.write(view.reach_sentence(summary, lang))
ui.chart(lang, view.reach_figure(summary, lang), width="stretch", key="synthesis_reach")
st.dataframe(pack.reach_table(summary, lang), hide_index=True, width="stretch")
st.markdown(f"**{t('synthesis.reach_grade_title', lang)}**")
st.dataframe(pack.reach_table(summary, lang, "grade"), hide_index=True, width="stretch")

st.subheader(t("synthesis.progress_title", lang))
st.write(view.progress_sentence(summary, lang))
ui.chart(lang, view.nodes_figure(summary, nodes, lang), width="stretch", key="synthesis_nodes")
st.dataframe(reports.pack_progress_rows(store, summary, lang), hide_index=True, width="stretch")

st.subheader(t("coordination.need", lang))
need = view.need_frame(summary)
ui.table(
    {
        t("column.place", lang): need["place"],
        t("synthesis.pupils", lang): curves.numbers(need["pupils"], "person", lang),
        t("synthesis.reached", lang): curves.shown_or_hidden(
            need["reached"], need["hidden"], "person", lang
        ),
        t("coordination.coverage_axis", lang): curves.shown_or_hidden(
            100 * need["coverage"], need["hidden"], "percent", lang
        ),
    }
)

st.subheader(t("synthesis.sync_title", lang))
ui.chart(lang, view.sync_figure(summary, lang), width="stretch", key="synthesis_sync")

# -- the funder pack ------------------------------------------------------------------------------
left, right = st.columns(2)
left.download_button(
    t("synthesis.pack_xlsx", lang),
    data=lambda: reports.pack_workbook(store, viewer, ready, lang),
    file_name=f"mesure-commune-{year}-{'initiative' if scope == '*' else scope}-{lang}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="synthesis_xlsx",
    on_click="ignore",
)
right.download_button(
    t("synthesis.pack_pdf", lang),
    data=lambda: reports.pack_pdf(store, viewer, ready, lang),
    file_name=f"mesure-commune-{year}-{'initiative' if scope == '*' else scope}-{lang}.pdf",
    mime="application/pdf",
    key="synthesis_pdf",
    on_click="ignore",
)
st.caption(pack.note(summary, lang))
