"""Charts and sentences of the Synthèse page, from a published summary."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from indicators.access.suppression import TOTAL
from indicators.analytics.progress import POINTS, STATUS_COLOURS, STATUSES
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import label, t
from indicators.views.curves import hidden_at, mark_hidden, merged


def reach_figure(summary: Summary, lang: str) -> go.Figure:
    """Young people reached by place and sex; a place with a hidden cell is marked « masqué »
    with the categories hidden there (see the note), never drawn as a gap or a zero."""
    reach = summary.reach()
    shown = reach.shown().drop(index=TOTAL, columns=TOTAL)
    reasons = reach.reasons.drop(index=TOTAL, columns=TOTAL)
    figure = go.Figure()
    for sex, colour in zip(shown.columns, ("#b279a2", "#4c78a8"), strict=False):
        figure.add_trace(
            go.Bar(
                y=[str(p) for p in shown.index],
                x=shown[sex].tolist(),
                name=label("sex", str(sex), lang),
                orientation="h",
                marker={"color": colour},
            )
        )
    withheld = merged(
        *(
            hidden_at(reasons.index, reasons[sex], label("sex", str(sex), lang))
            for sex in reasons.columns
        )
    )
    mark_hidden(figure, withheld, lang, horizontal=True)
    figure.update_layout(
        barmode="stack",
        height=max(260, 40 * len(shown) + 120),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def reach_sentence(summary: Summary, lang: str) -> str:
    """What the reach table says, with its protected totals."""
    reach = summary.reach()
    text = reach.text(lang)
    return t(
        "synthesis.reach_sentence",
        lang,
        total=text.at[TOTAL, TOTAL],
        year=summary.year,
        girls=text.at[TOTAL, "F"] if "F" in text.columns else "—",
        boys=text.at[TOTAL, "M"] if "M" in text.columns else "—",
    )


def nodes_figure(summary: Summary, names: Mapping[str, str], lang: str) -> go.Figure:
    """Outcome nodes counted by status."""
    nodes = summary.tables["nodes"]
    counts = nodes["status"].value_counts()
    states = [s for s in STATUSES if s in counts]
    figure = go.Figure(
        go.Bar(
            x=[label("progress_status", s, lang) for s in states],
            y=[int(counts[s]) for s in states],
            marker={"color": [STATUS_COLOURS[s] for s in states]},
            text=[int(counts[s]) for s in states],
            textposition="outside",
        )
    )
    figure.update_layout(height=300, margin={"l": 10, "r": 10, "t": 20, "b": 10})
    return figure


def progress_sentence(summary: Summary, lang: str) -> str:
    """How many outcome nodes are met, on track, off track."""
    states = summary.tables["nodes"]["status"]
    rated = states[states.isin(list(POINTS))]
    return t(
        "synthesis.progress_sentence",
        lang,
        met=int((rated == "met").sum()),
        on_track=int((rated == "on_track").sum()),
        off=int(rated.isin(["off_track", "no_progress"]).sum()),
        rated=len(rated),
    )


def need_frame(summary: Summary) -> pd.DataFrame:
    """The need table with its coverage, hidden figures left empty."""
    need = summary.tables["need"].copy()
    need["hidden"] = need["hidden"].fillna("").astype(str)
    shown = (need["hidden"] == "") & need["reached"].notna() & (need["pupils"] > 0)
    need["coverage"] = (need["reached"] / need["pupils"]).where(shown)
    need.loc[~shown, "reached"] = math.nan
    return need


def sync_figure(summary: Summary, lang: str) -> go.Figure:
    """Completeness and timeliness of the year's periods; a period whose rates are withheld
    (too few organisations in a territory) is marked « masqué »."""
    sync = summary.tables["sync"]
    figure = go.Figure()
    for column, colour in (("completeness", "#1f4e79"), ("timeliness", "#e07b39")):
        figure.add_trace(
            go.Scatter(
                x=list(sync["period"]),
                y=(100 * sync[column]).round(1).tolist(),
                mode="lines+markers",
                name=t(f"synthesis.{column}", lang),
                line={"color": colour},
            )
        )
    if "hidden" in sync:  # published with its protection (earlier summaries were not)
        mark_hidden(figure, hidden_at(sync["period"], sync["hidden"].fillna("")), lang)
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        yaxis={"range": [0, 105], "title": "%"},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure
