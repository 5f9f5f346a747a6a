"""Connexion: the sign-in form; once signed in, the viewer's first page."""

import streamlit as st

import ui

lang = ui.language_switch()
ui.through_the_router("login")
store = ui.open_store(lang)
if ui.current_viewer(store).viewer is None:
    ui.demo_banner(lang)
    ui.login_form(store, lang)
else:
    st.switch_page(ui.PAGE_FILES["catalogue"], query_params=ui.language_params())
