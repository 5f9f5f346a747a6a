"""The funder pack's pictures: one indicator's curve against its baseline and targets
(matplotlib, as a PNG), and the theory of change as a diagram of its nodes by level, coloured
by status (a reportlab drawing: vector, its words searchable in the PDF)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth

from indicators.analytics.progress import STATUS_COLOURS
from indicators.common.i18n import label, t
from indicators.views.curves import number

VALUE = "#1f4e79"
BASELINE = "#6b6b6b"
TARGET = "#2e7d32"
HIDDEN_GREY = "#8a8a8a"  # a withheld figure's hatched mark (as curves.mark_hidden on screen)
DPI = 150  # sharp on paper and on screen; each curve costs its pixels twice (drawn, then packed)
LEVELS = ("activity", "output", "intermediate_outcome", "long_term_outcome", "impact")
DARK_TEXT = {"no_data", "hidden", "on_track", "unrated", "off_track"}  # light fills


def figure_number(value: float, unit: str, lang: str) -> str:
    """A figure as printed in the pack: `curves.number` with non-breaking spaces, so that a
    number is never split over two lines (and 0 as « 0 »)."""
    if value == 0 and unit != "percent":
        return "0"
    return number(value, unit, lang).replace(" ", "\u00a0")


def _missing(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def curve_png(rows: pd.DataFrame, unit: str, lang: str, width_cm: float = 17.0) -> bytes:
    """One indicator's curve as a PNG: its values by school year (each labelled, hidden years
    hatched « masqué »), its baseline as a horizontal line, its targets and the path expected
    from the baseline to them. `rows`: the summary's `history` rows of one indicator."""
    rows = rows.sort_values("position").reset_index(drop=True)
    years = [str(p) for p in rows["period"]]
    x = list(range(len(years)))
    figure, axis = plt.subplots(figsize=(width_cm / 2.54, 5.4 / 2.54), dpi=DPI)
    values = [float(v) if not _missing(v) else math.nan for v in rows["value"]]
    shown = [(i, v) for i, v in zip(x, values, strict=True) if not math.isnan(v)]
    tops = [v for _, v in shown]
    baseline = next((float(b) for b in rows["baseline"] if not _missing(b)), math.nan)
    base_year = next((str(p) for p in rows.get("baseline_period", []) if str(p) in years), "")
    # a baseline that is only the one value shown (no declared one) tells nothing more
    alone = len(shown) == 1 and base_year == years[shown[0][0]]
    if not math.isnan(baseline) and base_year and not alone:
        colon = " : " if lang == "fr" else ": "
        axis.axhline(
            baseline,
            color=BASELINE,
            lw=1,
            ls="--",
            zorder=1,
            label=f"{t('progress.baseline', lang)}{colon}{figure_number(baseline, unit, lang)}",
        )
        tops.append(baseline)
    path = [(i, float(e)) for i, e in zip(x, rows["expected"], strict=True) if not _missing(e)]
    if len(path) > 1:
        axis.plot(
            [i for i, _ in path],
            [e for _, e in path],
            color=TARGET,
            lw=1,
            ls=":",
            zorder=2,
            label=t("progress.expected", lang),
        )
    goals = [(i, float(g)) for i, g in zip(x, rows["target"], strict=True) if not _missing(g)]
    if goals:
        axis.scatter(
            [i for i, _ in goals],
            [g for _, g in goals],
            marker="D",
            s=22,
            color=TARGET,
            zorder=3,
            label=t("progress.target", lang),
        )
        for i, g in goals:
            axis.annotate(
                figure_number(g, unit, lang),
                (i, g),
                xytext=(7, -2),
                textcoords="offset points",
                fontsize=6.5,
                color=TARGET,
                va="top",
            )
        tops += [g for _, g in goals]
    if shown:
        axis.plot(
            [i for i, _ in shown],
            [v for _, v in shown],
            color=VALUE,
            lw=2,
            zorder=4,
            label=t("progress.actual", lang),
        )
        axis.scatter(
            [i for i, _ in shown],
            [v for _, v in shown],
            s=36,
            zorder=5,
            color=[
                STATUS_COLOURS.get(str(s), "#cccccc")
                for s, v in zip(rows["status"], values, strict=True)
                if not math.isnan(v)
            ],
            edgecolors=VALUE,
            linewidths=1.2,
        )
        for i, v in shown:
            axis.annotate(
                figure_number(v, unit, lang),
                (i, v),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=7.5,
                weight="bold",
                color=VALUE,
            )
    low = min([0.0, *tops]) if tops else 0.0
    high = max(tops) if tops else 1.0
    span = (high - low) or 1.0
    axis.set_ylim(low - (0.08 * span if low < 0 else 0), high + 0.28 * span)
    hidden = [
        i for i, h in zip(x, rows["hidden"].fillna(""), strict=True) if isinstance(h, str) and h
    ]
    for i in hidden:
        axis.axvspan(i - 0.3, i + 0.3, facecolor="none", edgecolor=HIDDEN_GREY, hatch="///", lw=0.6)
        bottom, top = axis.get_ylim()
        axis.text(
            i,
            (bottom + top) / 2,
            t("chart.hidden", lang),
            ha="center",
            va="center",
            fontsize=7,
            color="#444444",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    axis.set_xticks(x, years, fontsize=7)
    axis.set_xlim(-0.5, len(x) - 0.5)
    axis.tick_params(axis="y", labelsize=6.5)
    axis.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: figure_number(float(v), "" if unit != "percent" else unit, lang))
    )
    axis.set_ylabel(label("unit", unit, lang), fontsize=7)
    for side in ("top", "right"):
        axis.spines[side].set_visible(False)
    axis.grid(axis="y", color="#e6e6e6", lw=0.6)
    axis.set_axisbelow(True)
    if len(axis.get_legend_handles_labels()[0]) > 1:
        axis.legend(loc="lower right", bbox_to_anchor=(1, 1), fontsize=6.5, frameon=False, ncol=4)
    if not tops:  # every year withheld and no baseline or target: no scale to read
        axis.set_yticks([])
    # fixed margins rather than tight_layout, which draws the figure once more (37 curves)
    figure.subplots_adjust(left=0.1, right=0.985, top=0.84, bottom=0.13)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    plt.close(figure)
    return out.getvalue()


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` points, cut between words."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _ordered(
    nodes: pd.DataFrame, levels: Sequence[str], links: Sequence[tuple[str, str]]
) -> dict[str, list[str]]:
    """The nodes of each level in an order that crosses fewer links: each node moved to the
    mean position of the nodes it links to in the level before, then after (a few sweeps of
    the barycentre rule), ties kept in the catalogue's order."""
    order = {
        level: [str(c) for c in nodes.loc[nodes["level"] == level, "code"]] for level in levels
    }
    level_of = {code: level for level, codes in order.items() for code in codes}
    sources: dict[str, list[str]] = {code: [] for code in level_of}
    targets: dict[str, list[str]] = {code: [] for code in level_of}
    for source, target in links:
        if source in level_of and target in level_of and level_of[source] != level_of[target]:
            sources[target].append(source)
            targets[source].append(target)

    def centre(code: str, neighbours: list[str], place: dict[str, int]) -> float:
        near = [place[n] for n in neighbours]
        return sum(near) / len(near) if near else float(place[code])

    def sweep(sequence: Sequence[str], neighbours: dict[str, list[str]]) -> None:
        for level in sequence:
            place = {c: i for codes in order.values() for i, c in enumerate(codes)}
            order[level] = sorted(
                order[level], key=lambda code: centre(code, neighbours[code], place)
            )

    for _ in range(3):
        sweep(levels[1:], sources)
        sweep(list(reversed(levels[:-1])), targets)
    return order


def theory_drawing(
    nodes: pd.DataFrame,
    links: Sequence[tuple[str, str]],
    statuses: Mapping[str, str],
    lang: str,
    fonts: tuple[str, str],
    width: float = 17 * cm,
    height: float = 19 * cm,
) -> Drawing:
    """The theory of change: a column per level (activities on the left, the impact on the
    right), a box per node filled with its status's colour (a hidden one white, outlined),
    arrows along the links, drawn under the boxes (between nodes of one level, a bracket on
    the column's right). `nodes`: code, level, label_fr, label_en; `statuses`: node ->
    status; `fonts`: regular and bold font names."""
    regular, bold = fonts
    drawing = Drawing(width, height)
    levels = [level for level in LEVELS if (nodes["level"] == level).any()]
    columns = len(levels) or 1
    gap = 0.6 * cm
    box_w = (width - gap * (columns - 1)) / columns
    header = 0.9 * cm
    size = 7.0
    names = dict(zip(nodes["code"].astype(str), nodes[f"label_{lang}"].astype(str), strict=True))
    order = _ordered(nodes, levels, links)
    where: dict[str, tuple[float, float, float, float]] = {}  # x, y (bottom), w, h
    texts: dict[str, list[str]] = {}
    for column, level in enumerate(levels):
        x = column * (box_w + gap)
        for index, line in enumerate(_wrapped(label("level", level, lang), bold, 7.5, box_w)):
            drawing.add(
                String(
                    x + box_w / 2,
                    height - 0.35 * cm - index * 9,
                    line,
                    fontName=bold,
                    fontSize=7.5,
                    textAnchor="middle",
                    fillColor=colors.HexColor("#333333"),
                )
            )
        members = order[level]
        slot = (height - header) / max(len(members), 1)
        for row, code in enumerate(members):
            lines = _wrapped(names[code], regular, size, box_w - 8)
            box_h = min(max(1.25 * cm, len(lines) * (size + 1.5) + 12), slot - 6)
            y = height - header - row * slot - (slot + box_h) / 2
            where[code] = (x, y, box_w, box_h)
            texts[code] = lines
    grey = colors.HexColor("#a0a0a0")
    for source, target in links:
        if source not in where or target not in where:
            continue
        sx, sy, sw, sh = where[source]
        tx, ty, _, th = where[target]
        if abs(sx - tx) < 1:  # same level: a bracket on the right of the column
            x0, y0, y1 = sx + sw, sy + sh / 2 + 3, ty + th / 2 - 3
            bend = x0 + gap * 0.4
            for a, b in (((x0, y0), (bend, y0)), ((bend, y0), (bend, y1))):
                drawing.add(Line(*a, *b, strokeColor=grey, strokeWidth=0.7))
            _arrow(drawing, (bend, y1), (x0, y1), grey)
        else:
            _arrow(drawing, (sx + sw, sy + sh / 2), (tx, ty + th / 2), grey)
    for code, (x, y, w, h) in where.items():
        state = statuses.get(code, "no_data")
        drawing.add(
            _box(
                (x, y, w, h),
                STATUS_COLOURS.get(state, "#cccccc"),
                "#333333" if state == "hidden" else "#ffffff",
                radius=4,
            )
        )
        ink = colors.HexColor("#1a1a1a" if state in DARK_TEXT else "#ffffff")
        lines = texts[code]
        top = y + h / 2 + (len(lines) * (size + 1.5)) / 2 - size + 1
        for index, line in enumerate(lines):
            drawing.add(
                String(
                    x + w / 2,
                    top - index * (size + 1.5),
                    line,
                    fontName=regular,
                    fontSize=size,
                    textAnchor="middle",
                    fillColor=ink,
                )
            )
    return drawing


def _box(at: tuple[float, float, float, float], fill: str, stroke: str, radius: float = 0) -> Rect:
    """A rectangle (x, y of its bottom left, width, height) filled and outlined."""
    box = Rect(*at, rx=radius, ry=radius)
    box.fillColor = colors.HexColor(fill)
    box.strokeColor = colors.HexColor(stroke)
    box.strokeWidth = 0.7
    return box


def _arrow(
    drawing: Drawing, start: tuple[float, float], end: tuple[float, float], colour: Any
) -> None:
    """A line from `start` to `end` with a small head at `end`."""
    (x0, y0), (x1, y1) = start, end
    drawing.add(Line(x0, y0, x1, y1, strokeColor=colour, strokeWidth=0.7))
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head = 4.0
    left = (x1 - head * ux - head * 0.5 * uy, y1 - head * uy + head * 0.5 * ux)
    right = (x1 - head * ux + head * 0.5 * uy, y1 - head * uy - head * 0.5 * ux)
    drawing.add(
        Polygon([x1, y1, *left, *right], fillColor=colour, strokeColor=colour, strokeWidth=0.3)
    )


def legend_drawing(lang: str, fonts: tuple[str, str], width: float = 17 * cm) -> Drawing:
    """The statuses' colours, each with its name."""
    regular, _ = fonts
    states = ("met", "on_track", "off_track", "no_progress", "no_data", "unrated", "hidden")
    per_row = 4
    drawing = Drawing(width, 0.55 * cm * math.ceil(len(states) / per_row))
    cell = width / per_row
    for index, state in enumerate(states):
        x = (index % per_row) * cell
        y = drawing.height - (index // per_row + 1) * 0.55 * cm + 0.12 * cm
        drawing.add(_box((x, y, 0.5 * cm, 0.3 * cm), STATUS_COLOURS[state], "#333333"))
        drawing.add(
            String(
                x + 0.65 * cm,
                y + 0.06 * cm,
                label("progress_status", state, lang),
                fontName=regular,
                fontSize=8,
            )
        )
    return drawing
