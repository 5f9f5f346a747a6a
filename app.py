"""Mesure commune: the router. Pages are registered for the viewer's role only."""

import streamlit as st

import ui
from indicators.access import can_view, resolve_viewer
from indicators.i18n import t

st.set_page_config(page_title="Mesure commune", page_icon=":material/insights:", layout="wide")

lang = ui.current_lang()
viewer = resolve_viewer(ui.open_store(lang))

SECTIONS = {
    "nav.section.definition": [
        ("catalogue", "pages/catalogue.py", "nav.catalogue", ":material/menu_book:"),
        ("theory", "pages/theorie_du_changement.py", "nav.theory", ":material/account_tree:"),
    ],
    "nav.section.partners": [
        ("upload", "pages/deposer.py", "nav.upload", ":material/upload_file:"),
    ],
}
pages = {
    t(section, lang): [
        st.Page(path, title=t(title, lang), icon=icon)
        for key, path, title, icon in entries
        if can_view(viewer, key)
    ]
    for section, entries in SECTIONS.items()
}
pages = {section: entries for section, entries in pages.items() if entries}
if not pages:
    pages = {"": [st.Page("pages/connexion.py", title="Connexion", icon=":material/login:")]}
st.navigation(pages).run()
