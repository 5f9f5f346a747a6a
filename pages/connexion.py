"""Shown when nobody is admitted: says why, shows no data."""

import streamlit as st

import ui
from indicators.i18n import t

lang = ui.language_switch()
st.title(t("app.title", lang))
st.error(t("app.no_viewer", lang))
st.caption(t("app.no_viewer_hint", lang))
