"""Every page of every role, and every export, in French: no raw code, no English word, every
number written the French way (issue 19: "screens a French backbone team can hand to anyone").

The pages run through AppTest on the demo initiative (the richest data there is); a helper walks
the whole element tree and gathers every text a person can read: titles, markdown, captions,
alerts, metrics, buttons, the options of the choice widgets, the labels of expanders and tabs,
the headers and cells of tables as their configuration shows them, and of charts their titles,
axis and legend titles, trace names, ticks, the words of hover templates and the numbers Plotly
prints (its separators, d3 formats, date ticks). The same session then clicks EN and runs the
page once more: nothing of the interface's own French (the i18n catalogue's) may be left.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1.element_tree import Block, Dataframe, Element

import ui
from indicators import reports
from indicators.access import accounts, journal
from indicators.access.accounts import UNKNOWN_CLIENT
from indicators.access.viewer import PAGE_ROLES
from indicators.admin import editing
from indicators.analytics import synthesis
from indicators.common.i18n import LABELS, TEXTS
from indicators.store.database import Store
from indicators.store.stored import stored_definition
from indicators.views import figure_locale, pack
from tests.conftest import LIGHT_ARGON2, PROJECT, demo_viewer, session_token
from tests.test_app import open_traces, started

# The demo's accounts, one per role (two partners: a school and a company see different pages).
USERS = {"evaluator": "evaluation", "school": "college", "company": "entreprise"}
USERS["funder"] = "financeur"
TIMEOUT = 120

# Words that are English (or a raw value of the code) wherever they stand in a French text.
ENGLISH = re.compile(
    r"\b(Upload|Download|None|nan|NaN|NaT|null|True|False|received|accepted|returned|pending"
    r"|submitted|overdue|on time|late|person|persons|percent|hidden|reached|pupils|per file"
    r"|Drag and drop|Browse|evaluator|partner|funder|school|company|association_type|sex"
    r"|grade|partner_type|organisation_type|territory|the|and|with|of|value|values|unit"
    r"|indicator|period|count|rate|amount|due|end|start|kind|level"
    r"|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    r"|^[Pp]lace$"  # a French word too ("mise en place"): English only as a whole header
)
# A code shown raw: a demo identifier, a node of the theory of change, key: value details.
RAW = re.compile(
    r"\bdemo:[a-z]"
    r"|(?<![(\w-])(ACT|OUT|INT|LT|IMP|RES)-[A-Z0-9-]+\b(?!\))"
    r"|\b[a-z_]{3,}: \S"  # English punctuation of key: value (French writes « clé : valeur »)
    r"|\bFeuille 0\b"
    r"|(?:^| · )[a-z]+(?:-[a-z0-9]+)+(?= · |$)"  # a code among words: "Évaluation · asso-elan"
)
# A whole text that is a code: snake_case or kebab-case identifiers.
CODE = re.compile(r"^([a-z0-9]+(_[a-z0-9]+)+|[a-z]+(-[a-z0-9]+)+)$")
TERM_CODE = re.compile(r"\b(19|20)\d\d-(19|20)\d\d-T\d\b")  # a term's code, "2024-2025-T1"
# Numbers not written the French way: a decimal point, more than two decimals, thousands
# without a space (years 1900-2099 are years).
NUMBER = re.compile(
    r"(?<![\w.])\d+\.\d+(?![\w.])"  # 74.5 (a version or an address 1.2.3 is not a number)
    r"|(?<![\w,])\d+,\d{3,}(?![\w,])"  # 74,5098
    r"|(?<![\w\s])(?<!\d )\b(?!(19|20)\d\d\b)\d{4,}\b(?! \d)"  # 12345 but not 12 345
    r"|\d%"  # 90% (French sets the sign apart: 90 %)
)


# A placeholder of a hover or text template, %{name} or %{name:format}, and an HTML tag.
PLACEHOLDER = re.compile(r"%\{([^}:|]*)(?::([^}|]*))?(?:\|[^}]*)?\}")
TAG = re.compile(r"<[^>]+>")
FRENCH_SEPARATORS = ", "  # layout.separators: the decimal comma, then the thousands space


def _values(value: Any) -> list[Any]:
    """The flat values of a trace's array, decoded where Plotly wrote it as base64."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return list(array.tolist())
    if isinstance(value, list):
        return list(_flat(value))
    return [] if value is None else [value]


def _english(values: list[Any]) -> str | None:
    """A number of `values` as Plotly's default separators print it ("1,234.5", "0.25"), or
    None when they are all small whole numbers (the separators change nothing)."""
    for value in values:
        if isinstance(value, float) and value != value:
            continue  # a missing value: no number is printed
        if (isinstance(value, float) and not value.is_integer()) or (
            isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1000
        ):
            return f"{value:,}"
    return None


def _texts_of_figure(spec: str, lang: str = "fr") -> Iterator[tuple[str, str]]:
    """(part, text) of a Plotly figure that a person reads: titles of the figure, its axes and
    legend, trace names, tick and annotation texts, category values shown as ticks, the words
    of hover and text templates; and, as the browser would print them, numbers a hover shows
    unformatted and numbers Plotly formats without French separators."""
    figure = json.loads(spec)
    layout = figure.get("layout", {})

    def title(entry: Any) -> Iterator[str]:
        if isinstance(entry, dict):
            entry = entry.get("text")
        if isinstance(entry, str) and entry:
            yield entry

    yield from (("title", text) for text in title(layout.get("title")))
    yield from (("legend", text) for text in title((layout.get("legend") or {}).get("title")))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis", "coloraxis")) and isinstance(axis, dict):
            yield from (("axis", text) for text in title(axis.get("title")))
            yield from (("axis", text) for text in title((axis.get("colorbar") or {}).get("title")))
            yield from (("tick", str(v)) for v in axis.get("ticktext", []) or [])
    for note in layout.get("annotations", []) or []:
        yield from (("annotation", text) for text in title(note))
    formatted: list[Any] = []  # numbers Plotly writes with the figure's separators
    marks = str(layout.get("separators") or ".,")
    for trace in figure.get("data", []):
        hover = trace.get("hovertemplate") or ""
        hovers = [hover] if isinstance(hover, str) else [str(h) for h in _values(hover)]
        hidden_name = all("<extra></extra>" in h for h in hovers) and any(hovers)
        if trace.get("name") and not (trace.get("showlegend") is False and hidden_name):
            yield "name", str(trace["name"])
        yield from (("axis", text) for text in title((trace.get("colorbar") or {}).get("title")))
        for key in ("text",):  # customdata is for clicks, shown only through a template
            yield from (("text", str(v)) for v in _values(trace.get(key)) if isinstance(v, str))
        for axis in ("x", "y"):  # category values are the ticks a person reads
            values = _values(trace.get(axis))
            if values and all(isinstance(v, str) and ISO_DATE.match(v) for v in values):
                # a date axis: Plotly writes its ticks "Dec 6, 2026" unless given a format
                reference = str(trace.get(f"{axis}axis") or axis)
                settings = layout.get(f"{axis}axis{reference[1:]}") or {}
                if lang == "fr" and not settings.get("tickformat"):
                    yield "date ticks", "Dec 6, 2026"
                if lang == "fr" and not settings.get("hoverformat") and any(hovers):
                    yield "date hover", "Dec 6, 2026"
                continue
            reference = str(trace.get(f"{axis}axis") or axis)
            settings = layout.get(f"{axis}axis{reference[1:]}") or {}
            if not settings.get("ticktext"):  # ticked with texts of its own, yielded above
                yield from (("tick", v) for v in values if isinstance(v, str))
            formatted += [v for v in values if not isinstance(v, str)]
        templates = [*hovers, str(trace.get("texttemplate") or "")]
        for template in templates:
            shown = PLACEHOLDER.sub(lambda m: _sample(m.group(2), marks), template)
            for line in TAG.split(shown):
                if line.strip():
                    yield "hover", line.strip()
            for name, form in PLACEHOLDER.findall(template):
                values = _placeholder_values(trace, name)
                if form:
                    formatted += values
                elif name not in ("x", "y") and (number := _english(values)):
                    yield f"hover %{{{name}}}", number  # shown as JavaScript writes it
    if lang == "fr" and marks != FRENCH_SEPARATORS and (number := _english(formatted)):
        yield "separators", number
    for key, axis in layout.items():  # ticks as a d3 format writes them: 0.9 as "90%"
        ticked = isinstance(axis, dict) and axis.get("tickmode") != "array"
        if key.startswith(("xaxis", "yaxis")) and ticked and axis.get("tickformat"):
            yield "tick format", _sample(str(axis["tickformat"]), marks)


def _sample(form: str | None, separators: str) -> str:
    """What a template's placeholder shows, as an example: a number in its d3 format with
    the figure's separators ("12%", "1 234,5"), or a word for any other value."""
    if not form:
        return "valeur"
    if form.startswith("%"):  # a date format
        return "06/12/2026" if "%b" not in form and "%B" not in form else "Dec 6, 2026"
    decimal, thousands = separators[0], (separators + ",")[1]
    number = f"{1234.5:,.1f}".replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return "12%" if form.endswith("%") else number


def _placeholder_values(trace: dict[str, Any], name: str) -> list[Any]:
    """The values a template's placeholder stands for: customdata[1] is the second column."""
    indexed = re.fullmatch(r"(\w+)\[(\d+)\]", name)
    if indexed:
        rows = trace.get(indexed.group(1))
        if isinstance(rows, dict) and "bdata" in rows:
            shape = [int(n) for n in str(rows.get("shape", "0")).split(",")]
            flat = _values(rows)
            width = shape[-1] if len(shape) > 1 else 1
            return flat[int(indexed.group(2)) :: width]
        if isinstance(rows, list):
            column = int(indexed.group(2))
            return [r[column] for r in rows if isinstance(r, list) and len(r) > column]
        return []
    return _values(trace.get(name))


def _flat(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _flat(value)
        else:
            yield value


def shown_texts(
    node: Block | Element, where: str = "", lang: str = "fr"
) -> Iterator[tuple[str, str]]:
    """Every (place, text) a person can read in the AppTest tree under `node` (in `lang`)."""
    if isinstance(node, Block):
        label = getattr(node, "label", None)
        if isinstance(label, str) and label:
            yield f"{where}/{node.type}", label
        for child in node.children.values():
            yield from shown_texts(child, where, lang)
        return
    kind = node.type
    proto: Any = getattr(node, "proto", None)
    if kind in ("html", "space", "divider", "exception", "empty"):
        return
    if isinstance(node, Dataframe):
        config = json.loads(proto.columns) if proto.columns else {}
        yield from table_texts(node.value, f"{where}/dataframe", config)
        return
    for name in ("label", "help", "placeholder", "body", "delta"):
        value = getattr(proto, name, None) if proto is not None else None
        if isinstance(value, str) and value:
            yield f"{where}/{kind}.{name}", value
    if kind in ("text_input", "text_area") and ENGLISH_DATA.search(str(proto.label)):
        return  # the English version of a text, typed by the French team
    if kind == "plotly_chart":
        for part, text in _texts_of_figure(proto.spec, lang):
            yield f"{where}/chart.{part}", text
        return
    if kind in ("selectbox", "multiselect", "radio", "button_group", "select_slider"):
        for option in getattr(node, "options", []) or []:
            yield f"{where}/{kind}.option", str(getattr(option, "content", option))
        return
    value = node.value if kind not in ("button", "download_button", "file_uploader") else None
    if kind in ("metric",):
        value = proto.body
    if isinstance(value, str) and value:
        yield f"{where}/{kind}", value


def table_texts(
    frame: pd.DataFrame, where: str, config: dict[str, Any] | None = None
) -> Iterator[tuple[str, str]]:
    """The headers and cells of a table as the browser shows them: a column's header from its
    configuration when it has one, a choice by the words its configuration gives it; a
    numeric column as the browser prints it (Streamlit writes 74.5098 and 12345 the English
    way: such a column must come as French text)."""
    for column in frame.columns:
        setting = (config or {}).get(str(column), {})
        if setting.get("hidden"):
            continue
        header = str(setting.get("label") or column)
        yield f"{where}.header", header
        values = frame[column]
        kind = (setting.get("type_config") or {}).get("type")
        if is_code_column(header) or kind == "date" or ENGLISH_DATA.search(header):
            continue  # a code column holds codes, a date column shows its format, English
        if pd.api.types.is_datetime64_any_dtype(values):
            continue  # dates are written as ISO dates
        words = {
            str(option["value"]): str(option.get("label") or option["value"])
            for option in (setting.get("type_config") or {}).get("options") or []
            if isinstance(option, dict)
        }
        if words or kind in ("selectbox", "multiselect"):
            for value in values.dropna():
                for item in _flat(list(value)) if pd.api.types.is_list_like(value) else [value]:
                    yield f"{where}.cell[{header}]", words.get(str(item), str(item))
            continue
        if pd.api.types.is_bool_dtype(values):
            yield f"{where}.cell", "True"  # shown as a box to tick: a word for it is wanted
        elif pd.api.types.is_numeric_dtype(values):
            numbers = values.dropna()
            if (numbers != numbers.round()).any():
                yield f"{where}.cell[{column}]", str(numbers[numbers != numbers.round()].iloc[0])
            big = numbers[numbers.abs() >= 1000]
            if not big.empty:
                yield f"{where}.cell[{column}]", f"{big.iloc[0]:.0f}"
        else:
            for value in values.dropna().unique():
                yield f"{where}.cell[{column}]", str(value)
            if values.isna().any():
                yield f"{where}.cell[{column}]", "None"  # Streamlit prints None in the cell


def is_code_column(header: str) -> bool:
    """True for a column whose cells are codes on purpose: one of CODE_COLUMNS, or one its
    header calls a code ("Code UAI", "Code de la période")."""
    return header in CODE_COLUMNS or bool(CODE_HEADER.search(header))


# Columns whose cells are codes on purpose: the catalogue's "Code" column and the exports'
# indicator code (the code is how an indicator is named in a workbook), and the INSEE code of
# a commune (a code, not a number).
CODE_COLUMNS = {"Code", "Commune (INSEE)", "Code de l'indicateur"}
# A header that says its cells are codes (what a person types to name a new entry, an
# official code): « Code UAI », « Code de la période ».
CODE_HEADER = re.compile(r"^Codes?\b")
# A column or field that holds the English version of a text (a label in English, edited by
# the French team beside the French one): its words are English on purpose.
ENGLISH_DATA = re.compile(r"\ben anglais\b")
# Texts that are right as they are, each with why.
ALLOWED = {
    "Mesure commune",  # the product's name
    "FR",  # the language switch
    "EN",
}


def problems(texts: Iterator[tuple[str, str]]) -> list[str]:
    """What is wrong in `texts`: English words, raw codes, numbers written the English way."""
    found = []
    for where, text in texts:
        if text in ALLOWED:
            continue
        for pattern, why in ((ENGLISH, "english"), (RAW, "raw"), (NUMBER, "number")):
            match = pattern.search(text)
            if match:
                found.append(f"{why} {match.group(0)!r} in {where}: {text[:120]!r}")
        if CODE.match(text.strip()):
            found.append(f"code in {where}: {text!r}")
        if "tick" in where and TERM_CODE.search(text):  # "1er trimestre 2024-2025" is read
            found.append(f"period code in {where}: {text!r}")
        if "chart.hover" in where and "=" in text:  # Plotly Express's default: "sex=F"
            found.append(f"name=value hover in {where}: {text!r}")
    return sorted(set(found))


@pytest.fixture
def demo_app(demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The app pointed at a copy of the demo store."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store.path, db)
    monkeypatch.setenv("MESURE_DB", str(db))
    monkeypatch.setenv("MESURE_DATA", str(PROJECT / "data"))
    monkeypatch.setenv("MESURE_DEMO_BUILD", "0")
    for name, value in LIGHT_ARGON2.items():
        monkeypatch.setenv(name, value)
    return Store(db)


def _role(store: Store, user: str) -> str:
    return demo_viewer(store, user).role


PAIRS = [(user, page) for user in USERS for page in ui.PAGE_FILES]
# Edits left pending on a page when it is scanned, so that what they show is scanned too:
# Administration's differences in words and the problems of an edit (a due date before the
# period's end), a number typed the French way, a row added.
PENDING: dict[str, dict[str, dict[str, Any]]] = {
    "admin": {
        "admin_table_places": {
            "edited_rows": {},
            "added_rows": [
                {"code": "T-NOUVEAU", "kind": "territory", "name": "Nouveau territoire"}
            ],
            "deleted_rows": [],
        },
        "admin_table_periods": {
            "edited_rows": {1: {"due": "2024-01-15"}},
            "added_rows": [],
            "deleted_rows": [],
        },
        "admin_table_targets": {
            "edited_rows": {1: {"value": "12 500"}},
            "added_rows": [],
            "deleted_rows": [],
        },
    }
}


@pytest.mark.parametrize(("user", "page"), PAIRS)
def test_every_page_of_every_role_is_in_french_then_in_english(
    demo_app: Store, user: str, page: str
) -> None:
    """The page in French: no English, raw code or English number anywhere, its charts'
    hovers, names, axes and legends included. Then the same session switches to English
    (one more run, as a person clicks EN): no French left of the interface's own words."""
    role = _role(demo_app, USERS[user])
    if role not in PAGE_ROLES[page]:
        pytest.skip(f"{page} is not a page of a {role}")
    at = started(timeout=TIMEOUT)  # the sign-in page, then signed in on `page`
    at.session_state[ui.TOKEN] = session_token(demo_app, USERS[user])
    at.switch_page(ui.PAGE_FILES[page])
    for key, state in PENDING.get(page, {}).items():
        at.session_state[key] = state
    if page == "theory":  # every indicator's "where does this figure come from?" box open
        open_traces(at, demo_app.query("indicators")["code"])
    at.run()
    assert not at.exception, at.exception
    found = problems(shown_texts(at._tree))
    assert not found, "\n".join(found)
    at.button_group(key="lang_switch").set_value("en").run()
    assert not at.exception, at.exception
    assert at.session_state[ui.LANG] == "en"
    left = french_left(shown_texts(at._tree, lang="en"), french_words(demo_app))
    assert not left, "\n".join(left)


# -- the English interface ------------------------------------------------------------------------


@dataclass(frozen=True)
class FrenchWords:
    """The interface's own French, where its English differs: whole texts (labels, buttons,
    headers) and long fragments of sentences (the literal parts of templates)."""

    whole: frozenset[str]
    fragments: tuple[str, ...]


MARKUP = re.compile(r"[*_`#]+")
# Cells holding what partners wrote (the names of their files and sheets): their words.
PARTNERS_WORDS = re.compile(r"\.cell\[(Sheet|File)\]")
FRAGMENT = 24  # a template's literal part this long is French a person would notice


def french_words(store: Store) -> FrenchWords:
    """The French of the i18n catalogue (TEXTS, LABELS) and of the journal's actions whose
    English differs, less what is also the initiative's data (an indicator's French label
    shown in both languages is data, not interface)."""
    definition = stored_definition(store)
    data = {definition.initiative.name_fr}
    data |= {o.name for o in definition.organisations} | {p.name for p in definition.places}
    for entries in (definition.indicators, definition.nodes, definition.periods):
        data |= {e.label_fr for e in entries}
    for dimension in definition.dimensions:
        data |= {dimension.label_fr} | {c.label_fr for c in dimension.categories}
    pairs = list(TEXTS.values()) + [p for kind in LABELS.values() for p in kind.values()]
    pairs += list(journal.ACTIONS.values())
    whole: set[str] = set()
    fragments: set[str] = set()
    for fr, en in pairs:
        if fr == en:
            continue
        parts = [p for p in re.split(r"\{[^}]*\}", fr)]
        if len(parts) == 1:
            whole.add(_bare(fr))
        fragments |= {p.strip() for p in parts if len(p.strip()) >= FRAGMENT}
    english = {_bare(en) for _, en in pairs}  # "Type", "Comment": English words too
    return FrenchWords(frozenset(whole - data - english), tuple(sorted(fragments - data)))


def _bare(text: str) -> str:
    return MARKUP.sub("", text).strip()


def french_left(texts: Iterator[tuple[str, str]], french: FrenchWords) -> list[str]:
    """The texts of an English page that are the interface's French."""
    found = []
    for where, text in texts:
        if PARTNERS_WORDS.search(where):
            continue
        bare = _bare(text)
        if bare in french.whole:
            found.append(f"french in {where}: {text[:120]!r}")
            continue
        fragment = next((f for f in french.fragments if f in text), None)
        if fragment:
            found.append(f"french {fragment[:40]!r}… in {where}: {text[:120]!r}")
    return sorted(set(found))


def test_the_audit_details_are_in_french(demo_app: Store) -> None:
    """The journal's details of every entry of the demo, and of what Administration writes
    (a definition edited, an account moved, its address changed): French words, names
    rather than codes."""
    evaluator = demo_viewer(demo_app, USERS["evaluator"])
    tables = editing.tables(demo_app, evaluator)
    places = tables["places"].copy()
    places.loc[places["kind"] == "school", "pupils_6e"] = "1 234"
    targets = tables["targets"].iloc[1:]
    proposal = editing.propose(demo_app, evaluator, {"places": places, "targets": targets})
    editing.save(demo_app, evaluator, proposal, "effectifs de la rentrée")
    accounts.set_role(demo_app, evaluator, USERS["company"], "partner", "asso-elan")
    accounts.set_contact(demo_app, evaluator, USERS["company"], "contact@elan.org", "en")
    for username in (USERS["school"], "personne"):  # a wrong password, an unknown account
        accounts.authenticate(demo_app, username, "pas le bon mot de passe", UNKNOWN_CLIENT)
    since, until = dt.date(2000, 1, 1), dt.date(2100, 1, 1)
    log = journal.read_log(demo_app, evaluator, since, until)
    assert {"definition.edit", "account.role", "account.contact", "login.failure"} <= set(
        log["action"]
    )
    found = problems(
        (f"journal/{a}", d) for a, d in zip(log["action"], log["details"], strict=True)
    )
    assert not found, "\n".join(found)


# -- the exports --------------------------------------------------------------------------------

FIELD_NUMBER = re.compile(r"^-?\d+(,\d+)?$")  # a CSV field that is a number
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d([ T]|$)")  # a date and time in a file, as ISO writes it


def workbook_problems(data: bytes) -> list[str]:
    """What is wrong in a workbook: its sheet names, headers and text cells as `problems`
    says, a name Excel's limit cut short, a figure with more than two decimals."""
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        if len(sheet.title) >= 31:
            found.append(f"sheet name cut at 31 characters: {sheet.title!r}")
        texts = [(f"{sheet.title}/name", sheet.title)]
        rows = list(sheet.iter_rows(values_only=True))
        headers = [str(h) for h in rows[0]] if rows else []
        texts += [(f"{sheet.title}/header", h) for h in headers]
        for row in rows[1:]:
            coded = bool(row) and row[0] in CODE_COLUMNS  # a sheet of fields: its "Code" line
            for header, value in zip(headers, row, strict=False):
                where = f"{sheet.title}/{header}"
                if isinstance(value, float) and round(value, 2) != value:
                    found.append(f"number {value!r} in {where}")
                elif isinstance(value, str) and header not in CODE_COLUMNS and not coded:
                    texts.append((where, value))
        found += problems(iter(texts))
    return found


def csv_problems(text: str) -> list[str]:
    """What is wrong in a French CSV export (`;` between fields, as French spreadsheets read)."""
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    texts = [("csv/header", str(c)) for c in frame.columns]
    for column in frame.columns:
        if column in CODE_COLUMNS:
            continue
        for value in frame[column]:
            if FIELD_NUMBER.match(value):
                # a number field: a decimal comma and two decimals at most, but no thousands
                # separator (a spreadsheet reads "1176" as a number, "1 176" as text)
                if re.search(r",\d{3,}$", value):
                    texts.append((f"csv/{column}", value))
            elif value and not ISO_DATE.match(value):
                texts.append((f"csv/{column}", value))
    return problems(iter(texts))


EXPORT_USERS = {"evaluator": "evaluation", "partner": "entreprise", "funder": "financeur"}


@pytest.mark.parametrize("user", EXPORT_USERS.values())
def test_every_export_of_every_role_is_in_french(demo_store: Store, user: str) -> None:
    viewer = demo_viewer(demo_store, user)
    found = workbook_problems(reports.values_export(demo_store, viewer, "xlsx", "fr"))
    found += csv_problems(
        reports.values_export(demo_store, viewer, "csv", "fr").decode("utf-8-sig")
    )
    if viewer.role == "evaluator":
        today = demo_store.clock().date()
        for organisation in ("ent-transports-valmont", "clg-0950243y"):
            found += workbook_problems(
                reports.reminder_export(demo_store, viewer, today, organisation, "fr")
            )
    if viewer.role in ("evaluator", "funder"):
        today = demo_store.clock().date()
        for year in synthesis.published_years(demo_store, viewer):
            summary = synthesis.summary(demo_store, viewer, year, "*", today)
            assert summary is not None
            found += workbook_problems(reports.pack_workbook(demo_store, viewer, summary, "fr"))
    assert not found, "\n".join(sorted(set(found)))


def test_the_suppression_note_reads_as_people_say_it() -> None:
    class Threshold:
        threshold = 11

    french = pack.note(Threshold(), "fr")  # type: ignore[arg-type]
    english = pack.note(Threshold(), "en")  # type: ignore[arg-type]
    assert "un nombre de 1 à 10 jeunes n'est pas publié, il est remplacé par « < 11 »" in french
    assert 'a number of 1 to 10 young people is not published, it is replaced by "< 11"' in english
    assert "−" not in french + english


def test_a_figure_is_localised_for_its_reader() -> None:
    """Plotly's own numbers: French separators, a share axis as "90 %", dates day/month/year;
    English keeps Plotly's ways."""
    shares = go.Figure(go.Scatter(x=["T1", "T2"], y=[0.5, 0.9]))
    shares.update_layout(yaxis={"tickformat": ".0%", "range": [0, 1.05]})
    days = go.Figure(go.Bar(x=pd.to_datetime(["2025-01-02", "2025-01-03"]), y=[1, 2]))
    figure_locale.localise(shares, "fr")
    figure_locale.localise(days, "fr")
    assert shares.layout.separators == ", "
    assert list(shares.layout.yaxis.ticktext) == ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"]
    assert days.layout.xaxis.tickformat == "%d/%m/%Y" == days.layout.xaxis.hoverformat
    english = figure_locale.localise(go.Figure(go.Bar(x=pd.to_datetime(["2025-01-02"]))), "en")
    assert english.layout.separators == ".," and english.layout.xaxis.tickformat is None
    assert not list(problems(_shown(shares))) and not list(problems(_shown(days)))
    assert problems(_shown(go.Figure(go.Bar(x=["a"], y=[1234.5]))))  # English separators


def test_period_codes_on_an_axis_are_ticked_with_their_labels() -> None:
    """A chart by term shows "1er trimestre 2024-2025", its traces keeping the codes; years,
    whose label is their code, and axes of other categories are left alone."""
    periods = {"2024-2025-T1": "1er trimestre 2024-2025", "2024-2025": "2024-2025"}
    terms = go.Figure(go.Bar(x=["2024-2025-T1"], y=[3]))
    assert problems(_shown(terms)) == ["period code in chart.tick: '2024-2025-T1'"]
    figure_locale.localise(terms, "fr", periods)
    assert list(terms.data[0].x) == ["2024-2025-T1"]
    assert list(terms.layout.xaxis.ticktext) == ["1er trimestre 2024-2025"]
    assert not problems(_shown(terms))
    grid = go.Figure(go.Heatmap(x=["2024-2025-T1"], y=["Collège du Moulin"], z=[[1]]))
    figure_locale.localise(grid, "fr", periods)
    assert (
        list(grid.layout.xaxis.tickvals) == ["2024-2025-T1"] and grid.layout.yaxis.tickvals is None
    )
    years = figure_locale.localise(go.Figure(go.Bar(x=["2024-2025"], y=[1])), "fr", periods)
    mixed = figure_locale.localise(
        go.Figure(go.Bar(x=["2024-2025-T1", "T9"], y=[1, 2])), "fr", periods
    )
    assert years.layout.xaxis.ticktext is None and mixed.layout.xaxis.ticktext is None


def _shown(figure: go.Figure) -> Iterator[tuple[str, str]]:
    for part, text in _texts_of_figure(figure.to_json()):
        yield f"chart.{part}", text
