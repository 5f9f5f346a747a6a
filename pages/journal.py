"""Journal d'audit: who did what and when, filtered by dates, actions and person."""

import datetime as dt

import plotly.express as px
import streamlit as st

import ui
from indicators.access import journal
from indicators.common.i18n import t

viewer, store, lang = ui.guard("audit")

st.title(t("audit.title", lang))
st.caption(t("audit.intro", lang))
today = store.clock().date()
dates_col, actions_col, actor_col = st.columns([2, 3, 2])
dates = dates_col.date_input(
    t("audit.dates", lang), value=(today - dt.timedelta(days=30), today), format="DD/MM/YYYY"
)
since, until = (dates[0], dates[-1]) if isinstance(dates, tuple) and dates else (today, today)
actions = actions_col.multiselect(
    t("audit.actions", lang),
    list(journal.ACTIONS),
    format_func=lambda a: journal.action_label(a, lang),
    placeholder=t("data.all", lang),
)
actor = actor_col.text_input(t("audit.actor", lang))

log = journal.read_log(store, viewer, since, until, actions, actor, lang)
st.markdown(t("audit.count", lang, count=len(log)))
if log.empty:
    st.info(t("audit.none", lang))
    st.stop()
counts = journal.per_day(log, lang)
figure = px.bar(
    counts,
    x="day",
    y="entries",
    color="action",
    title=t("audit.per_day", lang),
    labels={"day": "", "entries": "", "action": t("column.action", lang)},
)
figure.update_traces(  # the day, then the action and its entries (not "day=…")
    hovertemplate="%{x}<br>%{fullData.name}" + (" : " if lang == "fr" else ": ") + "%{y}"
    "<extra></extra>"
)
figure.update_layout(height=280, margin={"l": 0, "r": 0, "t": 40, "b": 0})
ui.chart(lang, figure, width="stretch")
# what an entry is about, in words where it is a code of the definition
definition = ui.definition(lang)
english = lang == "en"
subjects = {
    definition.initiative.code: definition.initiative.name_en
    if english
    else definition.initiative.name_fr,
    **{o.code: o.name for o in definition.organisations},
    **{p.code: p.name for p in definition.places},
    **{i.code: i.label_en if english else i.label_fr for i in definition.indicators},
}
ui.table(
    {
        t("column.when", lang): log["logged_at"],
        t("column.actor", lang): log["actor"],
        t("column.action", lang): log["action"].map(lambda a: journal.action_label(a, lang)),
        t("column.subject", lang): log["target"].map(lambda code: subjects.get(code, code)),
        t("column.details", lang): log["details"],
    }
)
