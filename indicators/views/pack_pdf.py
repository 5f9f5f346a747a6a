"""The funder pack as a PDF a funder forwards as it is: A4 portrait, a cover, the contents
with page numbers, the key figures, the theory of change with its statuses, one curve per
indicator against its baseline and targets, the reach tables (a withheld cell hatched and
« masqué », never blank or 0), the definitions of the catalogue and the protection of small
numbers in plain words; each page numbered in its footer. Drawn with reportlab (flowing
text, tables split over pages with their header, a contents page filled by a second pass);
the curves are matplotlib pictures (`pack_charts`)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from indicators.access.suppression import TOTAL
from indicators.analytics.synthesis import Summary
from indicators.common.i18n import label, t
from indicators.views import pack
from indicators.views.exports import hidden_note
from indicators.views.pack_charts import (
    curve_png,
    figure_number,
    legend_drawing,
    theory_drawing,
)

REGULAR, BOLD, ITALIC = "PackSans", "PackSans-Bold", "PackSans-Oblique"
FONTS = (REGULAR, BOLD)
INK = colors.HexColor("#1a1a1a")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#c9d3de")
HEAD = colors.HexColor("#e8eef5")
MASKED = colors.HexColor("#eeeeee")
MARGIN = 2 * cm
WIDTH = A4[0] - 2 * MARGIN


@functools.cache
def _fonts() -> None:
    """DejaVu Sans (shipped with matplotlib, so the curves and the text match): every French
    character, the non-breaking spaces of numbers and « − » included."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in (
        (REGULAR, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=3, spaceBefore=2
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD,
            fontSize=16,
            leading=20,
            textColor=ACCENT,
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            textColor=ACCENT,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=9.5, leading=12.5),
        "cover_name": ParagraphStyle(
            "cover_name", parent=base, fontName=BOLD, fontSize=24, leading=30, textColor=ACCENT
        ),
        "cover_title": ParagraphStyle(
            "cover_title", parent=base, fontSize=17, leading=22, spaceBefore=6
        ),
        "cover_line": ParagraphStyle("cover_line", parent=base, fontSize=11.5, leading=16),
        "preview": ParagraphStyle(
            "preview",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=16,
            textColor=colors.HexColor("#b00020"),
            alignment=TA_CENTER,
            borderPadding=6,
            borderColor=colors.HexColor("#b00020"),
            borderWidth=1,
        ),
        "toc": ParagraphStyle("toc", parent=base, fontSize=11, leading=18),
        "contents": ParagraphStyle(
            "contents",
            parent=base,
            fontName=BOLD,
            fontSize=16,
            leading=20,
            textColor=ACCENT,
            spaceAfter=12,
        ),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=9, leading=13, leftIndent=14),
    }


@dataclass(frozen=True)
class Context:
    """What the pack needs besides the summary: the catalogue (`indicators` query: label,
    unit, node, level, reference sheet), the theory of change, the names of the initiative
    and of the summary's scope, the day it is made, the language."""

    catalogue: pd.DataFrame
    nodes: pd.DataFrame  # code, level, label_fr, label_en
    links: Sequence[tuple[str, str]]
    initiative: str
    scope_name: str
    made_on: dt.date
    lang: str


class _Masked(Flowable):
    """A withheld figure in a table: the cell hatched in grey with « masqué »."""

    def __init__(self, word: str, size: float = 8):
        super().__init__()
        self.word, self.size = word, size
        self.width = self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = max(available_width, pdfmetrics.stringWidth(self.word, ITALIC, self.size))
        self.height = self.size + 3
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        box = canvas.beginPath()
        box.rect(0, -1, self.width, self.height + 1)
        canvas.clipPath(box, stroke=0, fill=0)
        canvas.setStrokeColor(colors.HexColor("#9a9a9a"))
        canvas.setLineWidth(0.4)
        x = -self.height
        while x < self.width:
            canvas.line(x, -1, x + self.height + 1, self.height)
            x += 3.0
        text_w = pdfmetrics.stringWidth(self.word, ITALIC, self.size)
        canvas.setFillColor(MASKED)
        canvas.rect((self.width - text_w) / 2 - 2, 0, text_w + 4, self.size + 1.5, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#444444"))
        canvas.setFont(ITALIC, self.size)
        canvas.drawCentredString(self.width / 2, 2, self.word)
        canvas.restoreState()


class _Document(BaseDocTemplate):
    """Pages with a footer, and the headings collected for the contents and the outline."""

    def __init__(self, out: io.BytesIO, footer: str, preview: str, lang: str, title: str):
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=1.8 * cm,
            bottomMargin=2 * cm,
            title=title,
            author=footer,
            lang=lang,
        )
        self.footer, self.preview, self.language = footer, preview, lang
        frame = Frame(MARGIN, 2 * cm, WIDTH, A4[1] - 3.8 * cm, id="body")
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover_page),
                PageTemplate("body", [frame], onPage=self._body_page),
            ]
        )
        self._headings = 0
        self._pages_now = self._pages_before = 0

    def _mark(self, canvas: Canvas) -> None:
        if self.preview:  # an unpublished preview says so on every page
            canvas.saveState()
            canvas.setFont(BOLD, 54)
            canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.08))
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(50)
            canvas.drawCentredString(0, 0, self.preview.upper())
            canvas.restoreState()

    def _cover_page(self, canvas: Canvas, document: Any) -> None:
        self._mark(canvas)

    def _body_page(self, canvas: Canvas, document: Any) -> None:
        self._mark(canvas)
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 1.45 * cm, A4[0] - MARGIN, 1.45 * cm)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        # the number of pages is the previous pass's (multiBuild lays the document out until
        # the contents stop changing, so the last pass knows it)
        total = str(self._pages_before) if self._pages_before else "…"
        number = t("pack.page_of", self.language, page=document.page, pages=total)
        canvas.drawRightString(A4[0] - MARGIN, 1.05 * cm, number)
        room = WIDTH - pdfmetrics.stringWidth(number, REGULAR, 7.5) - 0.8 * cm
        footer = self.footer
        while pdfmetrics.stringWidth(footer, REGULAR, 7.5) > room and len(footer) > 1:
            footer = footer[:-2] + "…"  # a long place name is shortened, never overprinted
        canvas.drawString(MARGIN, 1.05 * cm, footer)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's hook)
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            text = flowable.getPlainText()
            self._headings += 1
            key = f"section-{self._headings}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, text, self.page, key))

    def handle_documentBegin(self) -> None:  # noqa: N802 (reportlab's hook)
        self._headings = 0
        self._pages_before = self._pages_now
        super().handle_documentBegin()

    def handle_pageEnd(self) -> None:  # noqa: N802 (reportlab's hook)
        self._pages_now = self.page
        super().handle_pageEnd()


def _table(
    rows: list[list[Any]],
    widths: Sequence[float],
    styles: dict[str, ParagraphStyle],
    *,
    numeric: Sequence[int] | None = None,
    total_rows: Sequence[int] = (),
) -> Table:
    """A table with its header repeated on each page, text wrapped in its cells; the
    `numeric` columns right-aligned (all but the first by default); a rule above each of
    `total_rows`."""
    numeric = range(1, len(widths)) if numeric is None else numeric
    right = ParagraphStyle("head_right", parent=styles["head"], alignment=2)
    body: list[list[Flowable]] = [
        [
            Paragraph(str(c), right if i in numeric else styles["head"])
            for i, c in enumerate(rows[0])
        ]
    ]
    for row in rows[1:]:
        body.append(
            [c if isinstance(c, Flowable) else Paragraph(str(c), styles["cell"]) for c in row]
        )
    table = Table(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
    for index, row in enumerate(body):
        for column, cell in enumerate(row):
            if isinstance(cell, _Masked):
                commands.append(("BACKGROUND", (column, index), (column, index), MASKED))
    for index in total_rows:
        commands.append(("LINEABOVE", (0, index), (-1, index), 0.8, ACCENT))
    table.setStyle(TableStyle(commands))
    return table


def _right(text: str, styles: dict[str, ParagraphStyle]) -> Paragraph:
    style = ParagraphStyle("right", parent=styles["cell"], alignment=2)
    return Paragraph(text, style)


def _bold_right(text: str, styles: dict[str, ParagraphStyle]) -> Paragraph:
    style = ParagraphStyle("bold_right", parent=styles["cell"], alignment=2, fontName=BOLD)
    return Paragraph(text, style)


def _escaped(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- the sections ------------------------------------------------------------------------------


def _cover(summary: Summary, context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    when = (
        t("pack.published_on", lang, when=f"{summary.published_at:%d/%m/%Y}")
        if summary.published_at
        else ""
    )
    story: list[Any] = [
        Spacer(1, 4.5 * cm),
        Paragraph(_escaped(context.initiative), styles["cover_name"]),
        Paragraph(t("pack.title", lang), styles["cover_title"]),
        Spacer(1, 1.2 * cm),
        Paragraph(t("pack.cover_year", lang, year=summary.year), styles["cover_line"]),
        Paragraph(
            t("pack.cover_scope", lang, scope=_escaped(context.scope_name)), styles["cover_line"]
        ),
    ]
    if when:
        story.append(Paragraph(when, styles["cover_line"]))
    story += [
        Paragraph(
            t("pack.made_on", lang, when=f"{context.made_on:%d/%m/%Y}"), styles["cover_line"]
        ),
        Spacer(1, 1.2 * cm),
    ]
    if not summary.published_at:
        story += [Paragraph(t("pack.preview_mark", lang), styles["preview"]), Spacer(1, 1 * cm)]
    story.append(Paragraph(t("pack.cover_about", lang), styles["body"]))
    return story


def _contents(styles: dict[str, ParagraphStyle], lang: str) -> list[Any]:
    toc = TableOfContents()
    toc.levelStyles = [styles["toc"], styles["toc2"]]
    toc.dotsMinLevel = 0
    return [Paragraph(t("pack.contents", lang), styles["contents"]), toc]


def _key_figures(
    summary: Summary, context: Context, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    lang = context.lang
    rows: list[list[Any]] = [[t("synthesis.measure", lang), t("column.number", lang)]]
    for title, text in pack.headline_rows(summary, lang):
        value: Any = (
            _Masked(t("synthesis.hidden", lang))
            if text == t("synthesis.hidden", lang)
            else _bold_right(text.replace(" ", "\u00a0"), styles)
        )
        rows.append([_escaped(title), value])
    statuses = summary.tables["progress"]["status"].value_counts()
    counts = ", ".join(
        f"{label('progress_status', str(s), lang).lower()} : {n}"
        if lang == "fr"
        else f"{label('progress_status', str(s), lang).lower()}: {n}"
        for s, n in statuses.items()
    )
    return [
        Paragraph(t("pack.key_figures", lang), styles["h1"]),
        Paragraph(t("pack.key_figures_intro", lang, year=summary.year), styles["body"]),
        Spacer(1, 0.3 * cm),
        _table(rows, [12 * cm, 5 * cm], styles),
        Spacer(1, 0.5 * cm),
        Paragraph(t("pack.statuses_count", lang, counts=counts), styles["body"]),
    ]


def _theory(summary: Summary, context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    nodes = summary.tables["nodes"]
    statuses = dict(zip(nodes["node"].astype(str), nodes["status"].astype(str), strict=True))
    story: list[Any] = [
        PageBreak(),
        Paragraph(t("theory.title", lang), styles["h1"]),
        Paragraph(t("pack.theory_intro", lang), styles["body"]),
        Spacer(1, 0.3 * cm),
        theory_drawing(context.nodes, context.links, statuses, lang, FONTS),
        Spacer(1, 0.3 * cm),
        legend_drawing(lang, FONTS),
    ]
    rows: list[list[Any]] = [
        [t("pack.level", lang), t("progress.node", lang), t("progress.status", lang)]
    ]
    for node in context.nodes.to_dict("records"):
        state = statuses.get(str(node["code"]), "no_data")
        rows.append(
            [
                label("level", str(node["level"]), lang),
                _escaped(node[f"label_{lang}"]),
                label("progress_status", state, lang),
            ]
        )
    story += [
        PageBreak(),
        Paragraph(t("pack.theory_table", lang), styles["h2"]),
        _table(rows, [4 * cm, 9.5 * cm, 3.5 * cm], styles, numeric=[]),
    ]
    return story


def _history(summary: Summary) -> pd.DataFrame:
    """The summary's curves; for one published before it carried them, the year's own row."""
    if "history" in summary.tables:
        return summary.tables["history"]
    rows = summary.tables["progress"].copy()
    rows["period"], rows["position"] = summary.year, 0
    rows["target"] = math.nan
    rows["baseline_period"] = ""
    return rows


def _indicators(summary: Summary, context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    catalogue = context.catalogue
    progress = summary.tables["progress"].set_index("indicator")
    history = _history(summary)
    story: list[Any] = [
        PageBreak(),
        Paragraph(t("pack.indicators", lang), styles["h1"]),
        Paragraph(t("pack.indicators_intro", lang, year=summary.year), styles["body"]),
        Spacer(1, 0.3 * cm),
    ]
    rows: list[list[Any]] = [
        [
            t("column.indicator", lang),
            t("progress.actual", lang),
            t("progress.expected", lang),
            t("progress.status", lang),
        ]
    ]
    for sheet in catalogue.to_dict("records"):
        code = str(sheet["code"])
        if code not in progress.index:
            continue
        row = progress.loc[code]
        unit = str(sheet["unit"])
        hidden = isinstance(row["hidden"], str) and bool(row["hidden"])
        rows.append(
            [
                _escaped(sheet[f"label_{lang}"]),
                _Masked(t("synthesis.hidden", lang))
                if hidden
                else _right(figure_number(float(str(row["value"])), unit, lang), styles),
                _right(figure_number(float(str(row["expected"])), unit, lang), styles),
                label("progress_status", str(row["status"]), lang),
            ]
        )
    story.append(_table(rows, [8.6 * cm, 2.6 * cm, 2.9 * cm, 2.9 * cm], styles, numeric=[1, 2]))
    level = None
    without: list[str] = []
    for sheet in catalogue.to_dict("records"):
        code = str(sheet["code"])
        rows_of = history[history["indicator"] == code]
        shown = rows_of["value"].notna().any() or rows_of["hidden"].fillna("").astype(bool).any()
        if rows_of.empty or not shown:
            without.append(str(sheet[f"label_{lang}"]))
            continue
        if sheet.get("level") != level:
            level = sheet.get("level")
            story += [
                CondPageBreak(9 * cm),
                Paragraph(label("level", str(level), lang), styles["h2"]),
            ]
        state = str(progress.loc[code, "status"]) if code in progress.index else "no_data"
        # the years up to the summary's, and the later ones up to the last target
        year_at = rows_of.loc[rows_of["period"] == summary.year, "position"].max()
        last = max(year_at, rows_of.loc[rows_of["target"].notna(), "position"].max())
        rows_of = rows_of[rows_of["position"] <= (year_at if pd.isna(last) else last)]
        plan = rows_of[["baseline", "target"]].notna().to_numpy().any()
        picture: Flowable
        if rows_of["value"].notna().any() or plan:
            image = curve_png(rows_of, str(sheet["unit"]), lang)
            picture = Image(io.BytesIO(image), width=WIDTH, height=WIDTH * 5.4 / 17.0)
        else:  # every year withheld and nothing planned: a hatched line says so, no empty axes
            picture = _Masked(t("pack.all_masked", lang), size=8.5)
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        f"{_escaped(sheet[f'label_{lang}'])}"
                        f" <font color='#555555' size='8'>· {label('unit', str(sheet['unit']), lang)}"
                        f" · {t('progress.status', lang)} : {label('progress_status', state, lang)}"
                        "</font>"
                        if lang == "fr"
                        else f"{_escaped(sheet[f'label_{lang}'])}"
                        f" <font color='#555555' size='8'>· {label('unit', str(sheet['unit']), lang)}"
                        f" · {t('progress.status', lang)}: {label('progress_status', state, lang)}"
                        "</font>",
                        styles["h3"],
                    ),
                    picture,
                    Spacer(1, 0.25 * cm),
                ]
            )
        )
    if without:
        story += [
            Spacer(1, 0.3 * cm),
            Paragraph(
                t("pack.without_data", lang, items=_escaped(" ; ".join(without))), styles["small"]
            ),
        ]
    return story


def _reach(summary: Summary, context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    story: list[Any] = [PageBreak(), Paragraph(t("pack.reach", lang), styles["h1"])]
    story.append(Paragraph(t("pack.reach_intro", lang), styles["body"]))
    for by, title in (("sex", "synthesis.reach_title"), ("grade", "synthesis.reach_grade_title")):
        table = summary.reach(by)
        columns = list(table.values.columns)
        head = [t("column.place", lang)] + [
            t("synthesis.total", lang)
            if c == TOTAL
            else (label("sex", str(c), lang) if by == "sex" else str(c))
            for c in columns
        ]
        rows: list[list[Any]] = [head]
        reasons: set[str] = set()
        for place in table.values.index:
            cells: list[Any] = [t("synthesis.total", lang) if place == TOTAL else _escaped(place)]
            for column in columns:
                why = str(table.reasons.at[place, column])
                value = table.values.at[place, column]
                if why:
                    reasons.add(why)
                    cells.append(_Masked(t("synthesis.hidden", lang)))
                else:
                    cells.append(_right(figure_number(float(str(value)), "person", lang), styles))
            rows.append(cells)
        first = 6.0 * cm
        rest = (WIDTH - first) / max(len(columns), 1)
        categories = [c for c in columns if c != TOTAL]
        if not reasons and table.values[categories].isna().all().all():
            story += [
                Paragraph(t(title, lang), styles["h2"]),
                Paragraph(t("pack.no_breakdown", lang), styles["body"]),
            ]
            continue
        story += [
            Paragraph(t(title, lang), styles["h2"]),
            _table(rows, [first] + [rest] * len(columns), styles, total_rows=[len(rows) - 1]),
        ]
        story += _why(reasons, lang, styles)
    need = summary.tables["need"]
    rows = [
        [
            t("column.place", lang),
            t("synthesis.pupils", lang),
            t("synthesis.reached", lang),
            t("coordination.coverage_axis", lang),
        ]
    ]
    reasons = set()
    for place, pupils, reached, why in zip(
        need["place"], need["pupils"], need["reached"], need["hidden"].fillna(""), strict=True
    ):
        cells = [_escaped(place), _right(figure_number(float(pupils), "person", lang), styles)]
        if why:
            reasons.add(str(why))
            cells += [_Masked(t("synthesis.hidden", lang)), _Masked(t("synthesis.hidden", lang))]
        else:
            share = 100 * float(reached) / float(pupils) if pupils else math.nan
            cells += [
                _right(figure_number(float(reached), "person", lang), styles),
                _right(figure_number(share, "percent", lang), styles),
            ]
        rows.append(cells)
    story += [
        CondPageBreak(5 * cm),
        Paragraph(t("coordination.need", lang), styles["h2"]),
        _table(rows, [6 * cm, 3.6 * cm, 3.6 * cm, 3.8 * cm], styles),
        *_why(reasons, lang, styles),
    ]
    return story


def _why(reasons: set[str], lang: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """Under a table: why its hatched cells are « masqué », in words."""
    if not reasons:
        return [Spacer(1, 0.2 * cm)]
    order = ("small-count", "few-organisations", "dominant", "complementary")
    # the notes read "masqué : why"; under a table, the word is said once
    words = [hidden_note(r, lang).split(":", 1)[-1].strip() for r in order if r in reasons]
    return [
        Spacer(1, 0.1 * cm),
        Paragraph(_escaped(t("pack.why_masked", lang, reasons=" ; ".join(words))), styles["small"]),
        Spacer(1, 0.2 * cm),
    ]


def _sync(summary: Summary, context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    sync = summary.tables["sync"]
    if sync.empty:
        return []
    rows: list[list[Any]] = [
        [
            t("column.period", lang),
            t("column.expected", lang),
            t("column.received", lang),
            t("synthesis.on_time", lang),
            t("synthesis.completeness", lang),
            t("synthesis.timeliness", lang),
        ]
    ]
    reasons = set()
    hidden = sync["hidden"].fillna("") if "hidden" in sync else pd.Series([""] * len(sync))
    for row, why in zip(sync.to_dict("records"), hidden, strict=True):
        cells: list[Any] = [_escaped(row["period"])]
        if why:
            reasons.add(str(why))
            cells += [_Masked(t("synthesis.hidden", lang)) for _ in range(5)]
        else:
            cells += [
                _right(figure_number(float(row[c]), "", lang), styles)
                for c in ("expected", "received", "on_time")
            ]
            cells += [
                _right(figure_number(100 * float(row[c]), "percent", lang), styles)
                for c in ("completeness", "timeliness")
            ]
        rows.append(cells)
    return [
        CondPageBreak(6 * cm),
        Paragraph(t("synthesis.sync_title", lang), styles["h1"]),
        Paragraph(t("pack.sync_intro", lang), styles["body"]),
        Spacer(1, 0.3 * cm),
        _table(rows, [3.7 * cm, 2.5 * cm, 2.5 * cm, 2.7 * cm, 2.8 * cm, 2.8 * cm], styles),
        *_why(reasons, lang, styles),
    ]


def _definitions(context: Context, styles: dict[str, ParagraphStyle]) -> list[Any]:
    lang = context.lang
    story: list[Any] = [PageBreak(), Paragraph(t("pack.definitions", lang), styles["h1"])]
    story.append(Paragraph(t("pack.definitions_intro", lang), styles["body"]))
    colon = " : " if lang == "fr" else ": "
    for sheet_row in context.catalogue.to_dict("records"):
        sheet = pack.sheet_of(sheet_row.get("sheet"))
        facts = [
            (t("sheet.unit", lang), label("unit", str(sheet_row["unit"]), lang)),
            (t("sheet.numerator", lang), sheet.get(f"numerator_{lang}", "")),
            (t("sheet.denominator", lang), sheet.get(f"denominator_{lang}", "")),
            (
                t("sheet.aggregation_time", lang),
                label("aggregation", str(sheet_row["aggregation_time"]), lang),
            ),
            (
                t("sheet.aggregation_space", lang),
                label("aggregation", str(sheet_row["aggregation_space"]), lang),
            ),
            (
                t("sheet.deduplication", lang),
                label("deduplication", str(sheet_row["deduplication_rule"]), lang),
            ),
            (t("sheet.frequency", lang), label("frequency", str(sheet_row["frequency"]), lang)),
            (t("sheet.source", lang), sheet.get(f"source_{lang}", "")),
            (t("sheet.node", lang), sheet_row.get(f"node_label_{lang}") or ""),
        ]
        lines = " · ".join(
            f"<font name='{BOLD}'>{_escaped(name)}</font>{colon}{_escaped(value)}"
            for name, value in facts
            if value
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(_escaped(sheet_row[f"label_{lang}"]), styles["h3"]),
                    Paragraph(_escaped(sheet.get(f"definition_{lang}", "")), styles["body"]),
                    Paragraph(lines, styles["small"]),
                    Spacer(1, 0.3 * cm),
                ]
            )
        )
    return story


def _protection(summary: Summary, lang: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    limit = summary.threshold
    return [
        CondPageBreak(8 * cm),
        Paragraph(t("pack.protection", lang), styles["h1"]),
        Paragraph(t("pack.protection_why", lang), styles["body"]),
        *(
            Paragraph(
                f"<b>{t(key + '_title', lang)}</b>{' : ' if lang == 'fr' else ': '}"
                f"{t(key, lang, below=limit - 1)}",
                styles["bullet"],
                bulletText="•",
            )
            for key in (
                "pack.protection_small",
                "pack.protection_organisations",
                "pack.protection_complementary",
            )
        ),
        Paragraph(t("pack.protection_accepted", lang), styles["body"]),
    ]


def document(summary: Summary, context: Context) -> bytes:
    """The funder pack as a PDF (see the module's docstring)."""
    _fonts()
    styles = _styles()
    lang = context.lang
    for style in styles.values():
        style.spaceAfter = max(style.spaceAfter, 3)
    title = f"{context.initiative} · {t('pack.title', lang)} {summary.year}"
    out = io.BytesIO()
    preview = "" if summary.published_at else t("synthesis.preview", lang)
    scope = context.scope_name
    footer = f"{context.initiative} · {t('pack.title', lang)} · {summary.year} · {scope}"
    doc = _Document(out, footer, preview, lang, title)
    story: list[Any] = [
        *_cover(summary, context, styles),
        NextPageTemplate("body"),
        PageBreak(),
        *_contents(styles, lang),
        PageBreak(),
        *_key_figures(summary, context, styles),
        *_theory(summary, context, styles),
        *_indicators(summary, context, styles),
        *_reach(summary, context, styles),
        *_sync(summary, context, styles),
        *_definitions(context, styles),
        *_protection(summary, lang, styles),
    ]
    doc.multiBuild(story)
    return out.getvalue()
