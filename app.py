"""Mesure commune: the router. Pages are registered, and listed in the menu, for the viewer's
role only.

Nobody signed in: every page is registered but hidden, behind the sign-in page, so that a deep
link opens the sign-in form at its own address and, once signed in, the page itself.
"""

import streamlit as st

import ui
from indicators.access.viewer import can_view
from indicators.common.i18n import t

st.set_page_config(page_title="Mesure commune", page_icon=":material/insights:", layout="wide")

st.session_state[ui.ROUTED] = True
lang = ui.current_lang()
viewer = ui.routed_viewer(ui.open_store(lang)).viewer
wanted = st.session_state.pop(ui.WANTED, None)  # a page asked for before the router ran

SECTIONS = {
    "nav.section.definition": [
        ("catalogue", "nav.catalogue", ":material/menu_book:"),
        ("theory", "nav.theory", ":material/account_tree:"),
    ],
    "nav.section.partners": [
        ("upload", "nav.upload", ":material/upload_file:"),
        ("data", "nav.data", ":material/table_chart:"),
    ],
    "nav.section.follow": [
        ("sync", "nav.sync", ":material/sync_alt:"),
        ("coordination", "nav.coordination", ":material/hub:"),
        ("explorer", "nav.explorer", ":material/pivot_table_chart:"),
        ("synthesis", "nav.synthesis", ":material/summarize:"),
        ("quality", "nav.quality", ":material/fact_check:"),
        ("audit", "nav.audit", ":material/history:"),
        ("admin", "nav.admin", ":material/settings:"),
    ],
}
# The sign-in page is always the default page ("/"): a default page answers only at "/", and
# every other page must keep its own address for links and bookmarks. Signed in, it opens the
# first page of the menu.
login = st.Page("pages/connexion.py", title=t("nav.login", lang), icon=":material/login:")
if viewer is None:
    hidden = [
        st.Page(ui.PAGE_FILES[key], title=t(title, lang), icon=icon)
        for entries in SECTIONS.values()
        for key, title, icon in entries
    ]
    current = st.navigation([login, *hidden], position="hidden")
    if wanted:
        st.switch_page(wanted, query_params=ui.address_params())
else:
    # Every page is registered, so that a page the viewer may not open, asked for by its
    # address, is not "not found": the viewer lands on their home page, told why. Only the
    # pages they may open are in the menu.
    every = {
        key: (st.Page(ui.PAGE_FILES[key], title=t(title, lang), icon=icon), title)
        for entries in SECTIONS.values()
        for key, title, icon in entries
    }
    sections = {
        t(section, lang): [every[key][0] for key, _, _ in entries if can_view(viewer, key)]
        for section, entries in SECTIONS.items()
    }
    sections = {section: pages for section, pages in sections.items() if pages}
    current = st.navigation([login, *(page for page, _ in every.values())], position="hidden")
    refused = next(
        (
            key
            for key, (page, _) in every.items()
            if (page.url_path == current.url_path or ui.PAGE_FILES[key] == wanted)
            and not can_view(viewer, key)
        ),
        None,
    )
    if refused is not None:
        st.session_state[ui.REFUSED] = (refused, t(every[refused][1], lang))
        st.switch_page(ui.PAGE_FILES[ui.HOME], query_params=ui.language_params())
    if wanted in {file for key, file in ui.PAGE_FILES.items() if can_view(viewer, key)}:
        st.switch_page(wanted, query_params=ui.address_params())
    with st.sidebar:
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                st.page_link(page, query_params=ui.language_params())
try:
    current.run()
except Exception as exc:  # st.stop and st.rerun are not Exceptions: they pass through
    ui.failure(exc, lang)
