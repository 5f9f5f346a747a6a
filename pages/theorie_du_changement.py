"""Théorie du changement: the graph, and for one node its indicators and committed partners."""

import streamlit as st

import ui
from indicators import theory
from indicators.i18n import label, t

viewer, store, lang = ui.guard("theory")

graph = theory.theory_graph(store, viewer)
st.title(t("theory.title", lang))
st.caption(t("theory.intro", lang))
st.plotly_chart(theory.theory_figure(graph, lang), width="stretch")

names = dict(zip(graph.nodes["code"], graph.nodes[f"label_{lang}"], strict=True))
code = st.selectbox(
    t("theory.choose", lang),
    list(reversed(graph.nodes["code"])),
    format_func=lambda c: f"{names[c]} ({c})",
)
node = graph.nodes[graph.nodes["code"] == code].iloc[0]
st.subheader(f"{node[f'label_{lang}']} · {label('level', node['level'], lang)}")
st.write(node[f"description_{lang}"])
fed_by = graph.links.loc[graph.links["target"] == code, "source"].map(names)
feeds = graph.links.loc[graph.links["source"] == code, "target"].map(names)
st.markdown(f"**{t('theory.fed_by', lang)}** : {', '.join(fed_by) or '—'}")
st.markdown(f"**{t('theory.feeds', lang)}** : {', '.join(feeds) or '—'}")

left, right = st.columns(2)
with left:
    st.markdown(f"#### {t('theory.indicators', lang)}")
    indicators = graph.indicators_of(code)
    if indicators.empty:
        st.info(t("theory.no_indicator", lang))
    else:
        ui.table(
            {
                t("sheet.code", lang): indicators["code"],
                t("sheet.label", lang): indicators[f"label_{lang}"],
                t("sheet.type", lang): indicators["type"].map(lambda c: label("type", c, lang)),
            }
        )
with right:
    st.markdown(f"#### {t('theory.partners', lang)}")
    partners = graph.partners_of(code)
    kinds = partners["type"].map(lambda c: label("organisation_type", c, lang))
    if partners.empty:
        st.info(t("theory.no_partner", lang))
    elif "name" in partners:
        ui.table(
            {
                t("column.organisation", lang): partners["name"],
                t("column.type", lang): kinds,
                t("column.commitments", lang): partners["commitments"],
            }
        )
    else:  # a funder: organisations counted by type
        ui.table(
            {
                t("column.type", lang): kinds,
                t("column.organisations", lang): partners["organisations"],
                t("column.commitments", lang): partners["commitments"],
            }
        )
