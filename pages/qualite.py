"""Qualité des données: per partner, refusals, warnings, corrections, lateness, conformity."""

import plotly.graph_objects as go
import streamlit as st

import ui
from indicators.analytics import synchronisation as sync
from indicators.common.i18n import label, t
from indicators.views import charts, curves

viewer, store, lang = ui.guard("quality")
today = store.clock().date()

st.title(t("quality.title", lang))
st.caption(t("quality.intro", lang))
quality = sync.data_quality(store, viewer, today)
if quality.empty:
    st.info(t("quality.none", lang))
    st.stop()

left, right = st.columns(2)
lowest = quality.dropna(subset=["conformity"]).nsmallest(15, "conformity")
conformity = go.Figure(
    go.Bar(x=lowest["conformity"], y=lowest["organisation_name"], orientation="h")
)
conformity.update_layout(
    title=t("quality.conformity_chart", lang),
    height=420,
    xaxis={"tickformat": ".0%", "range": [0, 1]},
    yaxis={"autorange": "reversed"},
    margin={"l": 0, "r": 0, "t": 40, "b": 0},
)
shown = charts.says_nothing(lowest["conformity"])
if shown:
    title = t("quality.conformity_chart", lang)
    left.info(charts.nothing_sentence(shown, title, lowest["conformity"], "share", lang))
else:
    ui.chart(lang, conformity, where=left, width="stretch")
worst = quality.nlargest(15, ["refused", "warnings_per_upload"])
problems = go.Figure(
    [
        go.Bar(
            x=worst["refused"],
            y=worst["organisation_name"],
            orientation="h",
            name=t("column.refused", lang),
        ),
        go.Bar(
            x=worst["warnings_per_upload"],
            y=worst["organisation_name"],
            orientation="h",
            name=t("column.warnings_per_upload", lang),
        ),
    ]
)
problems.update_layout(
    title=t("quality.problems_chart", lang),
    height=420,
    yaxis={"autorange": "reversed"},
    margin={"l": 0, "r": 0, "t": 40, "b": 0},
    legend={"orientation": "h", "y": -0.1},
)
counted = [*worst["refused"], *worst["warnings_per_upload"]]
shown = charts.says_nothing(counted)
if shown:
    title = t("quality.problems_chart", lang)
    right.info(charts.nothing_sentence(shown, title, counted, "count", lang))
else:
    ui.chart(lang, problems, where=right, width="stretch")

ui.table(
    {
        t("column.organisation", lang): quality["organisation_name"],
        t("column.type", lang): quality["organisation_type"].map(
            lambda c: label("organisation_type", c, lang)
        ),
        t("column.uploads", lang): quality["uploads"],
        t("column.refused", lang): quality["refused"],
        t("column.warnings_per_upload", lang): curves.numbers(
            quality["warnings_per_upload"], "", lang
        ),
        t("column.corrected", lang): quality["corrected"],
        t("column.late", lang): quality["late_reports"],
        t("column.age_days", lang): quality["age_days"],
        t("column.conformity", lang): curves.numbers(100 * quality["conformity"], "percent", lang),
        t("column.mapped", lang): quality["mapped"],
        t("column.converted", lang): quality["converted"],
        t("column.old_version", lang): quality["old_indicators"].fillna(""),
    }
)
