"""Catalogue: the common indicators, searchable, each with its full reference sheet."""

from functools import partial

import plotly.express as px
import streamlit as st

import ui
from indicators.analytics import catalogue
from indicators.common.i18n import label, t
from indicators.definition.model import INDICATOR_TYPES, LEVELS

viewer, store, lang = ui.guard("catalogue")
other = "en" if lang == "fr" else "fr"

table = catalogue.indicator_table(store, viewer)
st.title(t("catalogue.title", lang))
st.caption(t("catalogue.intro", lang, count=len(table)))

# the search, the filters and the indicator chosen live in the address (ui.keep_in_url)
search_col, level_col, type_col = st.columns([3, 2, 2])
query = search_col.text_input(
    t("catalogue.search", lang),
    value=ui.url_text("q"),
    placeholder=t("catalogue.search_placeholder", lang),
    key="catalogue_search",
)
ui.keep_in_url("q", query.strip())
levels = level_col.multiselect(
    t("catalogue.level", lang),
    LEVELS,
    default=ui.url_values("level", LEVELS),
    format_func=lambda c: label("level", c, lang),
    placeholder=t("catalogue.all", lang),
    key="catalogue_levels",
)
ui.keep_in_url("level", levels)
types = type_col.multiselect(
    t("catalogue.type", lang),
    INDICATOR_TYPES,
    default=ui.url_values("type", INDICATOR_TYPES),
    format_func=lambda c: label("type", c, lang),
    placeholder=t("catalogue.all", lang),
    key="catalogue_types",
)
ui.keep_in_url("type", types)
found = catalogue.search_indicators(table, query, levels, types)

list_col, chart_col = st.columns([3, 2])
with list_col:
    st.markdown(t("catalogue.results", lang, count=len(found)))
    if found.empty:
        st.info(t("catalogue.none", lang))
    else:
        ui.table(
            {
                t("sheet.code", lang): found["code"],
                t("sheet.label", lang): found[f"label_{lang}"],
                t("catalogue.level", lang): found["level"].map(lambda c: label("level", c, lang)),
                t("sheet.type", lang): found["type"].map(lambda c: label("type", c, lang)),
                t("sheet.frequency", lang): found["frequency"].map(
                    lambda c: label("frequency", c, lang)
                ),
                t("sheet.version", lang): found["version"],
            }
        )
with chart_col:
    counts = (
        found.assign(
            level_label=found["level"].map(lambda c: label("level", c, lang)),
            type_label=found["type"].map(lambda c: label("type", c, lang)),
        )
        .groupby(["level_rank", "level_label", "type_label"], as_index=False)
        .size()
        .sort_values("level_rank")
    )
    figure = px.bar(
        counts,
        x="size",
        y="level_label",
        color="type_label",
        orientation="h",
        title=t("catalogue.by_level", lang),
        labels={"size": "", "level_label": "", "type_label": t("sheet.type", lang)},
        category_orders={"level_label": [label("level", c, lang) for c in reversed(LEVELS)]},
    )
    figure.update_traces(  # the level, then the type and its indicators (not "size=…")
        hovertemplate="%{y}<br>%{fullData.name}" + (" : " if lang == "fr" else ": ") + "%{x}"
        "<extra></extra>"
    )
    figure.update_layout(height=320, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    ui.chart(lang, figure, width="stretch")

if not found.empty:
    codes = list(found["code"])
    labels = dict(zip(found["code"], found[f"label_{lang}"], strict=True))
    code = st.selectbox(
        t("catalogue.choose", lang),
        codes,
        index=ui.url_index("indicator", codes, codes[0]),
        format_func=lambda c: f"{c} — {labels[c]}",
        key="catalogue_indicator",
    )
    ui.keep_in_url("indicator", code, codes[0])
    sheet = found.loc[found["code"] == code, "sheet"].iloc[0]
    row = found.loc[found["code"] == code].iloc[0]
    with st.container(border=True):
        st.subheader(f"{sheet[f'label_{lang}']}  ·  v{sheet['version']}")
        st.caption(f"{sheet['code']} — {sheet[f'label_{other}']}")
        st.markdown(f"**{t('sheet.definition', lang)}.** {sheet[f'definition_{lang}']}")
        facts = catalogue.sheet_facts(
            row, lang, partial(ui.definition(lang).dimension_label, lang=lang)
        )
        half = (len(facts) + 1) // 2
        for column, part in zip(st.columns(2), (facts[:half], facts[half:]), strict=True):
            for name, value in part:
                column.markdown(f"**{name}** : {value}")
        history = catalogue.indicator_history(store, viewer, code)
        if len(history) > 1:
            st.markdown(f"**{t('sheet.history', lang)}**")
            st.dataframe(
                history[["version", f"label_{lang}", "valid_from", "valid_to", "reason"]].rename(
                    columns={
                        f"label_{lang}": t("sheet.label", lang),
                        "valid_from": t("sheet.valid_from", lang),
                        "valid_to": t("sheet.valid_to", lang),
                        "reason": t("sheet.reason", lang),
                    }
                ),
                hide_index=True,
            )

schools = catalogue.school_table(store, viewer)
if not schools.empty:
    places = {p.code: p.name for p in ui.definition(lang).places}
    with st.expander(t("catalogue.schools", lang, count=len(schools))):
        ui.table(
            {
                t("column.place", lang): schools["school_name"],
                t("sync.territory", lang): schools["territory"].map(lambda c: places.get(c, c)),
                "UAI": schools["school"],
                t("coordination.priority", lang): schools["education_priority"].map(
                    lambda p: t(f"coordination.priority.{p}", lang) if p else ""
                ),
                "QPV": schools["qpv"],
                t("catalogue.commune", lang): schools["commune_insee"],
                t("catalogue.pupils", lang): schools["pupils"].astype("Int64"),
            }
        )
