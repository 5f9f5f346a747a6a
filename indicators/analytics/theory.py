"""The theory of change as a graph: nodes by level, links, indicators and committed partners."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from indicators.access.viewer import Viewer, require
from indicators.analytics.kept import keep
from indicators.analytics.progress import STATUS_COLOURS, STATUSES, NodeStatus
from indicators.common.i18n import label, t
from indicators.definition.model import LEVELS
from indicators.store.database import Store


@dataclass(frozen=True)
class TheoryGraph:
    """Everything the theory-of-change page draws."""

    nodes: pd.DataFrame  # one row per node
    links: pd.DataFrame  # one row per link
    indicators: pd.DataFrame  # one row per indicator (code, labels, node)
    partners: pd.DataFrame  # one row per node x committed organisation

    def indicators_of(self, node: str) -> pd.DataFrame:
        """Indicators measuring `node`."""
        return self._indicators_by_node.get(node, self.indicators.iloc[0:0])

    def partners_of(self, node: str) -> pd.DataFrame:
        """Organisations committed to `node`."""
        return self._partners_by_node.get(node, self.partners.iloc[0:0])

    # each table split by node once per graph: the figure asks for each node's rows three
    # times, and filtering the whole table each time was half its cost
    @cached_property
    def _indicators_by_node(self) -> dict[str, pd.DataFrame]:
        return _by_node(self.indicators)

    @cached_property
    def _partners_by_node(self) -> dict[str, pd.DataFrame]:
        return _by_node(self.partners)


def _by_node(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`frame`'s rows by their node, in their order."""
    return {str(k): rows for k, rows in frame.groupby("node", sort=False)}


@keep
def theory_graph(store: Store, viewer: Viewer) -> TheoryGraph:
    """The theory of change with what measures and what feeds each node."""
    require(viewer, "theory")
    indicators = store.query("indicators")[["code", "label_fr", "label_en", "node", "type"]]
    partners = store.query("node_contributors")
    partners = partners[partners["direct"]].drop(columns=["direct", "action_types"])
    if viewer.role not in ("evaluator", "partner"):
        # A funder reads how many organisations of each type feed a node, not who they are.
        partners = (
            partners.groupby(["node", "type"], as_index=False)
            .agg(organisations=("organisation", "nunique"), commitments=("commitments", "sum"))
            .sort_values(["node", "organisations"], ascending=[True, False])
        )
    return TheoryGraph(
        nodes=store.query("toc_nodes"),
        links=store.query("toc_links"),
        indicators=indicators,
        partners=partners,
    )


def layout(
    nodes: pd.DataFrame, links: pd.DataFrame, sweeps: int = 4
) -> dict[str, tuple[float, float]]:
    """(x, y) of each node: y is the level (activities at 0, impact at 4), x spreads each level.

    Within a level, nodes are ordered by the mean position of their neighbours on the levels
    below and above (a few barycentre sweeps), which keeps most links short and uncrossed.
    """
    by_level: dict[int, list[str]] = {rank: [] for rank in range(len(LEVELS))}
    for code, rank in zip(nodes["code"], nodes["level_rank"], strict=True):
        by_level[int(rank)].append(str(code))
    neighbours: dict[str, list[str]] = {code: [] for code in nodes["code"]}
    for source, target in zip(links["source"], links["target"], strict=True):
        if source in neighbours and target in neighbours:
            neighbours[source].append(target)
            neighbours[target].append(source)

    def spread(codes: list[str]) -> dict[str, float]:
        return {code: (i + 0.5) / len(codes) for i, code in enumerate(codes)}

    pos: dict[str, float] = {}
    for codes in by_level.values():
        pos.update(spread(codes))
    for sweep in range(sweeps):
        # Level by level, alternately upwards and downwards, each level seeing the new order
        # of the level just placed (the classic Sugiyama barycentre heuristic).
        ranks = sorted(by_level, reverse=sweep % 2 == 1)
        for rank in ranks:

            def key(code: str) -> tuple[float, str]:
                near = [pos[n] for n in neighbours[code]]
                return (sum(near) / len(near) if near else pos[code], code)

            by_level[rank] = sorted(by_level[rank], key=key)
            pos.update(spread(by_level[rank]))
    rank_of = dict(zip(nodes["code"], nodes["level_rank"], strict=True))
    return {code: (x, float(rank_of[code])) for code, x in pos.items()}


def node_hover(graph: TheoryGraph, code: str, lang: str) -> str:
    """The hover text of one node: its label, its indicators and its committed partners."""
    node = graph.nodes[graph.nodes["code"] == code].iloc[0]
    lines = [f"<b>{node[f'label_{lang}']}</b>", label("level", node["level"], lang)]
    indicators = graph.indicators_of(code)
    lines.append(f"{t('theory.indicators', lang)} : {len(indicators)}")
    lines += [f"  • {name}" for name in indicators[f"label_{lang}"].head(6)]
    partners = graph.partners_of(code)
    if "name" in partners:
        lines.append(f"{t('theory.partners', lang)} : {len(partners)}")
        lines += [f"  • {name}" for name in partners["name"].head(6)]
        if len(partners) > 6:
            lines.append(f"  … (+{len(partners) - 6})")
    else:  # counted by type (a funder's view)
        lines.append(f"{t('theory.partners', lang)} : {int(partners['organisations'].sum())}")
        lines += [
            f"  • {label('organisation_type', kind, lang)} : {n}"
            for kind, n in zip(partners["type"], partners["organisations"], strict=True)
        ]
    return "<br>".join(lines)


def theory_figure(
    graph: TheoryGraph, lang: str, statuses: Mapping[str, NodeStatus] | None = None
) -> go.Figure:
    """The theory of change drawn level by level, links as arrows, each node coloured by its
    rolled-up progress status (`statuses`; no data where missing). A node's code is its
    point's customdata, so that a click on it can select it."""
    pos = layout(graph.nodes, graph.links)
    statuses = statuses or {}
    # the arrows, laid out at once: added one by one, plotly copies and checks every arrow
    # before each new one (two thirds of the figure's time for 32 links)
    arrows = [
        {
            "x": pos[target][0],
            "y": pos[target][1],
            "ax": pos[source][0],
            "ay": pos[source][1],
            "xref": "x",
            "yref": "y",
            "axref": "x",
            "ayref": "y",
            "showarrow": True,
            "arrowhead": 2,
            "arrowsize": 1,
            "arrowwidth": 1,
            "arrowcolor": "#b0b7c3",
            "standoff": 14,
            "startstandoff": 14,
            "text": "",
        }
        for source, target in zip(graph.links["source"], graph.links["target"], strict=True)
    ]
    figure = go.Figure(layout={"annotations": arrows})
    status_of = {
        str(c): statuses[c].status if c in statuses else "no_data" for c in graph.nodes["code"]
    }
    for state in STATUSES:
        rows = graph.nodes[graph.nodes["code"].map(status_of) == state]
        if rows.empty:
            continue
        codes = list(rows["code"])
        figure.add_trace(
            go.Scatter(
                x=[pos[c][0] for c in codes],
                y=[pos[c][1] for c in codes],
                mode="markers+text",
                name=label("progress_status", state, lang),
                marker={
                    # the more partners committed to a node, the bigger it is drawn
                    "size": [18 + 4 * len(graph.partners_of(c)) ** 0.5 for c in codes],
                    "color": STATUS_COLOURS[state],
                    "line": {"width": 1.5, "color": "#4a4f57"},
                },
                text=[_wrap(str(v)) for v in rows[f"label_{lang}"]],
                textposition="bottom center",
                textfont={"size": 11},
                customdata=codes,
                hovertext=[
                    f"{node_hover(graph, c, lang)}<br>"
                    f"{t('progress.status', lang)} : {label('progress_status', status_of[c], lang)}"
                    for c in codes
                ],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        height=760,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.04},
        xaxis={"visible": False, "range": [-0.02, 1.02]},
        yaxis={
            "tickvals": list(range(len(LEVELS))),
            "ticktext": [label("level", level, lang) for level in LEVELS],
            "range": [-0.6, len(LEVELS) - 0.5],
            "showgrid": False,
            "zeroline": False,
        },
        plot_bgcolor="white",
        clickmode="event+select",
    )
    return figure


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)
