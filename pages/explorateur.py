"""Explorateur: indicators pivoted by two dimensions, drawn, and drilled down to the cells.

The view lives in the query string (explorer.ExplorerView), so that reloading or sending the
address restores it; what each role may see is decided in indicators/analytics/explorer.py."""

from dataclasses import replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from indicators.analytics import explorer as ex
from indicators.analytics import saved_views as sv
from indicators.common.i18n import label, t
from indicators.views import curves

viewer, store, lang = ui.guard("explorer")
definition = ui.definition(lang)
sheets = {i.code: i for i in definition.indicators}

st.title(t("explorer.title", lang))
st.caption(t(f"explorer.intro.{viewer.role}", lang))

url = st.query_params.to_dict()
view = ex.ExplorerView.from_params(url)
dimensions = list(ex.DIMENSIONS)
options = {d: ex.members(store, viewer, d, lang) for d in dimensions}


def dimension_name(code: str) -> str:
    return t(f"explorer.dim.{code}", lang) if code else t("explorer.none", lang)


def member_name(dimension: str, code: str) -> str:
    if dimension == "version":
        return t("explorer.version", lang, version=code)
    return str(options[dimension].get(code, code))


def label_of(code: str) -> str:
    sheet = sheets.get(code)
    return str(getattr(sheet, f"label_{lang}")) if sheet else code


chosen = st.multiselect(
    t("explorer.indicators", lang),
    list(sheets),
    default=[c for c in view.indicators if c in sheets],
    format_func=lambda c: f"{label_of(c)} ({c} · {sheets[c].node})",
    help=t("explorer.indicators_help", lang),
    key="explorer_indicators",
)
layout = st.columns(4)
rows = layout[0].selectbox(
    t("explorer.rows", lang),
    dimensions,
    index=dimensions.index(view.rows),
    format_func=dimension_name,
    key="explorer_rows",
)
column_choices = ["", *(d for d in dimensions if d != rows)]
columns = layout[1].selectbox(
    t("explorer.columns", lang),
    column_choices,
    index=column_choices.index(view.columns) if view.columns in column_choices else 0,
    format_func=dimension_name,
    key="explorer_columns",
)
grain = layout[2].selectbox(
    t("explorer.grain", lang),
    list(ex.GRAINS),
    index=ex.GRAINS.index(view.grain),
    format_func=lambda g: t(f"explorer.grain.{g}", lang),
    key="explorer_grain",
)
chart = layout[3].selectbox(
    t("explorer.chart", lang),
    list(ex.CHARTS),
    index=ex.CHARTS.index(view.chart),
    format_func=lambda c: t(f"explorer.chart.{c}", lang),
    key="explorer_chart",
)
filters: dict[str, tuple[str, ...]] = {}
with st.expander(t("explorer.filters", lang), expanded=bool(view.filters)):
    boxes = st.columns(3)
    for n, dimension in enumerate(dimensions):
        kept = boxes[n % 3].multiselect(
            dimension_name(dimension),
            list(options[dimension]),
            default=[m for m in view.filters.get(dimension, ()) if m in options[dimension]],
            format_func=partial(member_name, dimension),
            key=f"explorer_filter_{dimension}",
        )
        if kept:
            filters[dimension] = tuple(kept)

view = ex.ExplorerView(
    tuple(chosen), rows, columns, filters, chart, grain, view.drill_row, view.drill_column
)
wanted = view.to_params()
others = {k: v for k, v in url.items() if k not in ex.PARAMS and not k.startswith("f_")}
if {k: v for k, v in url.items() if k not in others} != wanted:
    st.query_params.from_dict({**others, **wanted})

# -- saved views: opened, renamed, deleted and shared by callbacks, before the widgets are
# drawn again from the address ----------------------------------------------------------------
WIDGETS = (
    "explorer_indicators",
    "explorer_rows",
    "explorer_columns",
    "explorer_grain",
    "explorer_chart",
    "explorer_drill_row",
    "explorer_drill_column",
    *(f"explorer_filter_{d}" for d in dimensions),
)
SAID = "explorer_saved_said"


def outside_the_view() -> dict[str, str]:
    """The address's parameters that are not the view's (the language)."""
    current = st.query_params.to_dict()
    return {k: v for k, v in current.items() if k not in ex.PARAMS and not k.startswith("f_")}


def saved_action(action: str, view_id: int = 0) -> None:
    """Open, rename, delete, share or save a view; what happened is said on the next run."""
    try:
        if action == "save":
            name = str(st.session_state.get("saved_view_name", ""))
            current = ex.ExplorerView.from_params(st.query_params.to_dict())
            shared = bool(st.session_state.get("saved_view_shared", False))
            sv.save_view(store, viewer, name, current, shared=shared)
            said = t("explorer.saved_done", lang, name=" ".join(name.split()))
        elif action == "open":
            saved = sv.open_view(store, viewer, view_id)
            for key in WIDGETS:  # drawn again from the address, not from their last state
                st.session_state.pop(key, None)
            st.query_params.from_dict({**outside_the_view(), **saved.view.to_params()})
            said = t("explorer.saved_opened", lang, name=saved.name)
        elif action == "rename":
            name = str(st.session_state.get("saved_view_new_name", ""))
            sv.rename_view(store, viewer, view_id, name)
            said = t("explorer.saved_renamed", lang, name=" ".join(name.split()))
        else:
            saved = sv.open_view(store, viewer, view_id)
            if action == "delete":
                sv.delete_view(store, viewer, view_id)
            else:
                sv.share_view(store, viewer, view_id, shared=action == "share")
            said = t(f"explorer.saved_{action}d", lang, name=saved.name)
    except sv.SavedViewError as refused:
        st.session_state[SAID] = ("error", refused.message(lang))
        return
    st.session_state[SAID] = ("success", said)


saved_list = sv.saved_views(store, viewer)
with st.expander(
    t("explorer.saved", lang, count=len(saved_list)), expanded=SAID in st.session_state
):
    if message := st.session_state.pop(SAID, None):
        (st.error if message[0] == "error" else st.success)(message[1])
    if saved_list.empty:
        st.caption(t("explorer.saved_none", lang))
    else:
        rows_of = saved_list.set_index("id")

        def saved_name(view_id: int) -> str:
            row = rows_of.loc[view_id]
            if not row["own"]:
                return t(
                    "explorer.saved_shared_by", lang, name=row["name"], owner=row["owner_name"]
                )
            if row["shared"]:
                return t("explorer.saved_mine_shared", lang, name=row["name"])
            return str(row["name"])

        chosen_view = int(
            st.selectbox(
                t("explorer.saved_pick", lang),
                [int(i) for i in rows_of.index],
                format_func=saved_name,
                key="saved_view",
            )
            or 0
        )
        buttons = st.columns([1, 2, 1, 1, 2], vertical_alignment="bottom")
        buttons[0].button(
            t("explorer.saved_open", lang),
            on_click=saved_action,
            args=("open", chosen_view),
            key="saved_view_open",
            type="primary",
        )
        if chosen_view in rows_of.index and bool(rows_of.at[chosen_view, "own"]):
            buttons[1].text_input(t("explorer.saved_rename_to", lang), key="saved_view_new_name")
            buttons[2].button(
                t("explorer.saved_rename", lang),
                on_click=saved_action,
                args=("rename", chosen_view),
                key="saved_view_rename",
            )
            buttons[3].button(
                t("explorer.saved_delete", lang),
                on_click=saved_action,
                args=("delete", chosen_view),
                key="saved_view_delete",
            )
            if viewer.role == "evaluator":
                sharing = "unshare" if bool(rows_of.at[chosen_view, "shared"]) else "share"
                buttons[4].button(
                    t(f"explorer.saved_{sharing}", lang),
                    on_click=saved_action,
                    args=(sharing, chosen_view),
                    key="saved_view_share",
                )
    with st.form("saved_view_new", clear_on_submit=True):
        st.text_input(t("explorer.save_name", lang), key="saved_view_name")
        if viewer.role == "evaluator":
            st.checkbox(t("explorer.save_shared", lang), key="saved_view_shared")
        st.form_submit_button(
            t("explorer.save", lang), on_click=saved_action, args=("save",), type="primary"
        )

if not view.indicators:
    st.info(t("explorer.pick", lang))
    st.stop()

result = ex.pivot(store, viewer, view)
if isinstance(result, ex.Refusal):
    st.warning(result.text(lang))
    st.stop()
if result.cells.empty:
    st.info(t("explorer.empty", lang))
    st.stop()
if result.period:
    st.caption(t("explorer.period_shown", lang, period=member_name("period", result.period)))

cells = result.cells
several = len(set(cells["indicator"])) > 1


def row_name(indicator: str, row: str) -> str:
    name = member_name(view.rows, row)
    return f"{label_of(indicator)} · {name}" if several else name


def column_name(column: str) -> str:
    return member_name(view.columns, column) if view.columns else t("explorer.total", lang)


cells = cells.assign(
    row_label=[row_name(i, r) for i, r in zip(cells["indicator"], cells["row"], strict=True)],
    column_label=[column_name(c) for c in cells["column"]],
)
if view.chart != "table":
    figure = go.Figure()
    if view.chart == "heatmap":
        grid = cells.pivot_table(
            index="row_label", columns="column_label", values="value", aggfunc="first", sort=False
        )
        figure.add_trace(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index)))
    else:
        series = ["indicator", "column"] if several else ["column"]
        for _, group in cells.groupby(series, sort=False):
            name = group["column_label"].iloc[0]
            if several:
                name = f"{label_of(group['indicator'].iloc[0])} · {name}"
            x = [member_name(view.rows, r) for r in group["row"]]
            if view.chart == "line":
                figure.add_trace(go.Scatter(x=x, y=group["value"], name=name, mode="lines+markers"))
            else:
                figure.add_trace(go.Bar(x=x, y=group["value"], name=name))
    figure.update_layout(
        height=380,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        yaxis_title=label("unit", result.unit, lang),
        separators=", " if lang == "fr" else ".,",
    )
    ui.chart(lang, figure, width="stretch")

shown = cells.assign(
    text=[
        t("explorer.hidden", lang) if h else curves.number(v, result.unit, lang)
        for v, h in zip(cells["value"], cells["hidden"], strict=True)
    ]
)
table = shown.pivot_table(
    index="row_label", columns="column_label", values="text", aggfunc="first", sort=False
).fillna("—")
table.index.name = dimension_name(view.rows)
st.dataframe(table, width="stretch")
if (cells["hidden"] != "").any():
    st.caption(t("explorer.hidden_note", lang))

st.subheader(t("explorer.drill", lang))
pick = st.columns(2)
row_keys = list(dict.fromkeys(cells["row"]))
row_key = pick[0].selectbox(
    t("explorer.drill_row", lang),
    row_keys,
    index=row_keys.index(view.drill_row) if view.drill_row in row_keys else 0,
    format_func=lambda r: member_name(view.rows, r),
    key="explorer_drill_row",
)
col_keys = list(dict.fromkeys(cells.loc[cells["row"] == row_key, "column"]))
col_key = pick[1].selectbox(
    t("explorer.drill_column", lang),
    col_keys,
    index=col_keys.index(view.drill_column) if view.drill_column in col_keys else 0,
    format_func=column_name,
    key="explorer_drill_column",
)
# the figure drilled into goes to the address too (the first one, the default, is left out)
view = replace(
    view,
    drill_row=str(row_key) if row_key != row_keys[0] else "",
    drill_column=str(col_key or "") if col_key != col_keys[0] else "",
)
drilled = {k: v for k, v in view.to_params().items() if k in ("drill", "drill_col")}
if {k: v for k, v in st.query_params.to_dict().items() if k in ("drill", "drill_col")} != drilled:
    for key in ("drill", "drill_col"):
        if key in drilled:
            st.query_params[key] = drilled[key]
        elif key in st.query_params:
            del st.query_params[key]
behind = ex.drill(store, viewer, view, str(row_key), str(col_key or ""))
if behind.others:
    st.caption(t("explorer.drill_others", lang, count=behind.others))
if behind.cells.empty:
    st.info(t("explorer.drill_none", lang))
else:
    found = behind.cells
    where = [
        f"{f} ({s}!{c})"
        for f, s, c in zip(found["filename"], found["sheet"], found["cell"], strict=True)
    ]
    more = len(where) - 5
    st.caption(
        t("explorer.drill_sources", lang, count=len(where), cells=", ".join(where[:5]))
        + (t("explorer.drill_more", lang, count=more) if more > 0 else "")
    )
    places = options["school"] | options["territory"]
    ui.table(
        {
            t("column.file", lang): found["filename"],
            t("column.sheet", lang): found["sheet"],
            t("column.cell", lang): found["cell"],
            t("column.indicator", lang): found["indicator"].map(label_of),
            t("column.organisation", lang): found["organisation_name"],
            t("column.place", lang): found["place"].map(lambda p: places.get(p, p)),
            t("column.period", lang): found["period"].map(lambda p: member_name("period", p)),
            t("column.breakdown", lang): found["disaggregation"],
            t("column.number", lang): [curves.number(v, result.unit, lang) for v in found["value"]],
            t("explorer.part", lang): found["part"].map(lambda p: t(f"explorer.part.{p}", lang)),
            t("column.at", lang): pd.to_datetime(found["uploaded_at"]).dt.strftime(
                "%d/%m/%Y %H:%M"
            ),
        }
    )
