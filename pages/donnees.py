"""Données: the values each viewer may see, the collective figures, and their downloads."""

from collections.abc import Iterable
from functools import partial

import plotly.graph_objects as go
import streamlit as st

import ui
from indicators import reports
from indicators.access import disclosure
from indicators.analytics import figures
from indicators.common.i18n import label, t
from indicators.views import charts, curves, exports

viewer, store, lang = ui.guard("data")
SHOWN = 5_000  # values listed on the page; the downloads hold them all
definition = ui.definition(lang)
names = {o.code: o.name for o in definition.organisations}
places = {p.code: p.name for p in definition.places}
indicator_names = {
    i.code: i.label_en if lang == "en" else i.label_fr for i in definition.indicators
}

st.title(t("data.title", lang))
st.caption(t(f"data.intro.{viewer.role}", lang))

downloads = st.container(horizontal=True)
for fmt, title in (("xlsx", "data.download_xlsx"), ("csv", "data.download_csv")):
    downloads.download_button(
        t(title, lang),
        data=partial(reports.values_export, store, viewer, fmt, lang),  # made on click, audited
        file_name=f"mesure-donnees.{fmt}",
        icon=":material/download:",
        on_click="ignore",
    )

collective = figures.collective(store, viewer)
st.subheader(t("data.collective", lang))
st.caption(
    t(
        "data.hidden_note",
        lang,
        minimum=disclosure.MIN_ORGANISATIONS,
        share=charts.value_text(disclosure.DOMINANCE, "share", lang),
    )
)
if collective.empty:
    st.info(t("data.no_collective", lang))
else:
    labels = dict(zip(collective["indicator"], collective[f"label_{lang}"], strict=False))
    # the indicator and the organisation chosen live in the address (ui.keep_in_url)
    codes = list(labels)
    code = st.selectbox(
        t("data.indicator", lang),
        codes,
        index=ui.url_index("indicator", codes, codes[0]),
        format_func=lambda c: f"{labels[c]} ({c})",
        key="data_indicator",
    )
    ui.keep_in_url("indicator", code, codes[0])
    chosen = collective[collective["indicator"] == code]
    figure = go.Figure(
        go.Bar(x=chosen["period"], y=chosen["value"], name=t("data.initiative", lang))
    )
    if viewer.role == "partner":
        figure.add_trace(
            go.Scatter(
                x=chosen["period"],
                y=chosen["own"],
                mode="markers+lines",
                name=t("data.own", lang),
                marker={"size": 10},
            )
        )
    curves.mark_hidden(figure, curves.hidden_at(chosen["period"], chosen["hidden"]), lang)
    figure.update_layout(
        title=t("data.chart", lang, indicator=labels[code]),
        height=320,
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        yaxis_title=label("unit", chosen["unit"].iloc[0], lang),
    )
    plotted = [*chosen["value"], *(chosen["own"] if viewer.role == "partner" else [])]
    flat = "" if (chosen["hidden"] != "").any() else charts.says_nothing(plotted)
    if flat:
        title = t("data.chart", lang, indicator=labels[code])
        unit = str(chosen["unit"].iloc[0])
        st.info(charts.nothing_sentence(flat, title, plotted, unit, lang))
    else:
        ui.chart(lang, figure, width="stretch")
    columns: dict[str, Iterable[object]] = {
        t("column.indicator", lang): collective[f"label_{lang}"],
        t("column.period", lang): collective["period"],
        t("column.organisations", lang): collective["organisations"],
        t("column.number", lang): curves.numbers(collective["value"], collective["unit"], lang),
        t("column.unit", lang): collective["unit"].map(lambda u: label("unit", u, lang)),
        t("column.hidden", lang): collective["hidden"].map(lambda c: exports.hidden_note(c, lang)),
    }
    if viewer.role == "partner":
        columns[t("column.own", lang)] = curves.numbers(collective["own"], collective["unit"], lang)
    ui.table(columns)

if viewer.role in ("evaluator", "partner"):
    st.subheader(t("data.values", lang))
    organisation = ""  # a partner's values are its own: no organisation is read from the address
    if viewer.role == "evaluator":
        organisations = ["", *sorted(names, key=names.__getitem__)]
        organisation = st.selectbox(
            t("data.organisation", lang),
            organisations,
            index=ui.url_index("org", organisations, ""),
            format_func=lambda c: names.get(c, c) if c else t("data.all", lang),
            key="data_org",
        )
    ui.keep_in_url("org", organisation)
    values, total = figures.first_values(store, viewer, organisation, SHOWN)
    if values.empty:
        st.info(t("data.no_values", lang))
    else:
        if total > len(values):
            st.caption(
                t(
                    "data.first_values",
                    lang,
                    shown=charts.value_text(len(values), "count", lang),
                    total=charts.value_text(total, "count", lang),
                )
            )
        ui.table(
            {
                t("column.organisation", lang): values["organisation"].map(names),
                t("column.indicator", lang): values["indicator"].map(
                    lambda code: indicator_names.get(code, code)
                ),
                t("column.place", lang): values["place"].map(lambda p: places.get(p, p)),
                t("column.period", lang): values["period"],
                t("column.breakdown", lang): values["disaggregation"].map(
                    lambda key: definition.breakdown_label(key, lang)
                ),
                t("column.number", lang): curves.numbers(values["value"], values["unit"], lang),
                t("column.file", lang): values["filename"],
                t("column.sheet", lang): values["sheet"],
                t("column.cell", lang): values["cell"],
                t("column.at", lang): values["uploaded_at"],
            }
        )
