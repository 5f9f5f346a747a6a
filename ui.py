"""Streamlit glue shared by the pages: the guard, the language switch, the store handle.

Every page starts with `viewer, store, lang = ui.guard("page-key")`: a page can be run by
URL on a freshly started server before `app.py` has run, so it never relies on the router.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators.access import Viewer, can_view, resolve_viewer
from indicators.definition import load_definition
from indicators.demo import demo_wanted, ensure_demo_store
from indicators.i18n import LANGUAGES, t
from indicators.model import Definition
from indicators.problems import DefinitionError
from indicators.setup import ensure_store
from indicators.store import Store, StoreError, data_dir, default_db_path
from indicators.template import write_template


@st.cache_resource(show_spinner=False)
def _store(db: str, folder: str) -> Store:
    return ensure_store(Path(db), Path(folder))


def current_lang() -> str:
    """The interface language: the `lang` URL parameter, French by default."""
    lang = st.query_params.get("lang", "fr")
    return lang if lang in LANGUAGES else "fr"


def language_switch() -> str:
    """Draw the FR/EN switch in the sidebar; keep the choice in the URL; return it."""
    lang = current_lang()
    chosen = st.sidebar.segmented_control(
        t("app.language", lang),
        options=list(LANGUAGES),
        default=lang,
        format_func=str.upper,
        key="lang_switch",
    )
    if chosen and chosen != lang:
        st.query_params["lang"] = chosen
        st.rerun()
    return lang


def _stop_on_definition(exc: DefinitionError, lang: str) -> None:
    """Show every problem of a refused definition and stop the page."""
    st.error(t("app.definition_error", lang))
    st.code("\n".join(p.message(lang) for p in exc.problems), language=None)
    st.stop()


def _build_demo(db: Path, folder: Path, lang: str) -> None:
    """Build the demo store through the ingest pipeline, with a progress bar (first start)."""
    bar = st.progress(0.0, text=t("app.demo_building", lang))

    def progress(done: int, total: int, label: str) -> None:
        text = t("app.demo_progress", lang, done=done + 1, total=total, file=label)
        bar.progress(min(1.0, done / total) if total else 1.0, text=text if label else None)

    ensure_demo_store(db, folder, progress)  # one build at a time: the others wait, then open
    bar.empty()


def open_store(lang: str) -> Store:
    """The initiative's store, created from data/ on first start; stops the page on failure.

    On the first start of a demo initiative, the store is the demo store: partner workbooks
    generated and sent through the ingest pipeline, under a progress bar.
    """
    db, folder = default_db_path(), data_dir()
    try:
        if not db.exists() and demo_wanted(folder):
            _build_demo(db, folder, lang)
        with st.spinner("…"):
            return _store(str(db), str(folder))
    except DefinitionError as exc:
        _stop_on_definition(exc, lang)
    except StoreError as exc:
        st.error(t("app.store_error", lang))
        st.code(str(exc), language=None)
        st.stop()
    raise AssertionError("unreachable")


def guard(page: str) -> tuple[Viewer, Store, str]:
    """Resolve the viewer and stop the page unless they may open `page`."""
    lang = language_switch()
    store = open_store(lang)
    viewer = resolve_viewer(store)
    if not can_view(viewer, page):
        st.error(t("app.no_viewer", lang))
        st.caption(t("app.no_viewer_hint", lang))
        st.stop()
    assert viewer is not None
    if viewer.anonymous:
        st.sidebar.caption(t("app.demo_banner", lang))
    return viewer, store, lang


def table(columns: dict[str, Iterable[object]]) -> None:
    """Draw a read-only table from {column title: values}, full width, without index."""
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")


@st.cache_resource(show_spinner=False)
def _definition(folder: str) -> Definition:
    return load_definition(Path(folder))


def definition(lang: str) -> Definition:
    """The initiative definition the uploads are checked against; stops the page on failure."""
    try:
        return _definition(str(data_dir()))
    except DefinitionError as exc:
        _stop_on_definition(exc, lang)
    raise AssertionError("unreachable")


def keep_upload(name: str, data: bytes) -> Path:
    """A private copy of an uploaded file for this session (the page reads it twice)."""
    folder = st.session_state.get("_upload_dir")
    if folder is None or not Path(folder).is_dir():
        folder = tempfile.mkdtemp(prefix="mesure-upload-")
        st.session_state["_upload_dir"] = folder
    path = Path(folder) / f"{len(list(Path(folder).iterdir()))}{Path(name).suffix.lower()}"
    path.write_bytes(data)
    return path


@st.cache_data(show_spinner=False, max_entries=64)
def template_bytes(organisation: str) -> bytes:
    """The organisation's pre-filled template, as the bytes of an .xlsx file."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(_definition(str(data_dir())), organisation, Path(folder) / "t.xlsx")
        return path.read_bytes()
