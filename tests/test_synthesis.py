"""The funders' summary: small-cell suppression on hand-computed tables, published snapshots,
and the funder pack (workbook and PDF)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pypdfium2 as pdfium
import pytest

from indicators import reports
from indicators.access.suppression import TOTAL, suppress
from indicators.access.viewer import AccessDeniedError
from indicators.analytics import attack, synthesis
from indicators.store.database import Store
from indicators.views import pack
from tests.conftest import EVALUATOR, FUNDER, PARTNER_A
from tests.stored import Sender

YEAR, T1 = "2024-2025", "2024-2025-T1"
TODAY = dt.date(2025, 10, 1)


def table(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows).T


# -- suppression ----------------------------------------------------------------------------------


def test_a_small_count_and_the_cells_that_would_reveal_it_are_hidden() -> None:
    # A: 5 girls, 20 boys; B: 30 and 40. A-F is small; with its row total 25 published, A-M
    # would give it away, with the column total 35, B-F; then B-M by B's total 70.
    done = suppress(table({"A": {"F": 5, "M": 20}, "B": {"F": 30, "M": 40}}), 11)
    reasons = done.reasons
    assert reasons.at["A", "F"] == "small-count"
    assert {reasons.at["A", "M"], reasons.at["B", "F"], reasons.at["B", "M"]} == {"complementary"}
    assert (reasons.loc[:, TOTAL] == "").all() and (reasons.loc[TOTAL, :] == "").all()
    assert done.values.at[TOTAL, TOTAL] == 95 and done.hidden_count() == 4
    text = done.text("fr")
    assert (text.at["A", "F"], text.at["A", "M"], text.at["A", TOTAL]) == ("< 11", "·", "25")


def test_suppression_goes_on_until_no_total_reveals_a_hidden_cell() -> None:
    # A: 5 girls, 0 boys; B: 30 and 40. A's total (5) is small too. Column F then hides B-F,
    # row B hides B-M, column M (whose other cell is 0) its total, the row of totals F's
    # total, the column of totals B's: only the zero and the grand total 75 remain.
    done = suppress(table({"A": {"F": 5, "M": 0}, "B": {"F": 30, "M": 40}}), 11)
    shown = done.reasons == ""
    assert {(r, c) for r in shown.index for c in shown.columns if shown.at[r, c]} == {
        ("A", "M"),
        (TOTAL, TOTAL),
    }
    assert done.reasons.at["A", TOTAL] == "small-count"
    assert done.reasons.at[TOTAL, "M"] == "complementary"


def test_zero_is_shown_and_the_threshold_is_the_initiatives() -> None:
    done = suppress(table({"A": {"F": 0, "M": 12}, "B": {"F": 15, "M": 40}}), 13)
    assert done.reasons.at["A", "M"] == "small-count"  # 12 < 13
    assert done.text("en").at["A", "M"] == "< 13" and done.text().at["A", "F"] == "0"


def test_figures_of_too_few_organisations_stay_hidden_with_their_row_total() -> None:
    hidden = pd.DataFrame(
        {"F": ["few-organisations", ""], "M": ["few-organisations", ""]}, index=["A", "B"]
    )
    done = suppress(
        table({"A": {"F": 120, "M": 130}, "B": {"F": 300, "M": 310}}), 11, hidden=hidden
    )
    assert done.reasons.at["A", TOTAL] == "few-organisations"  # one place, same organisations
    assert done.reasons.at[TOTAL, "F"] == ""  # a column adds up other places
    assert done.text().at["A", "F"] == "s" and done.shown().isna().at["A", "F"]


# -- snapshots --------------------------------------------------------------------------------------


@pytest.fixture
def accepted(store: Store) -> Store:
    """Young people reached, accepted: the school 70 in 0950001K (Valmont's 40 there is
    de-duplicated), Élan 30 in 0950002L, the backbone 10 for the territory: 110 from three
    organisations."""
    send = Sender(store)
    send("clg-0950001k", [("jeunes-touches", "0950001K", T1, 70)], "accepted")
    send("ent-valmont", [("jeunes-touches", "0950001K", T1, 40)], "accepted")
    send("asso-elan", [("jeunes-touches", "0950002L", T1, 30)], "accepted")
    send("appui", [("jeunes-touches", "T-NORD", T1, 10, None, None, "sex=F")], "accepted")
    send("appui", [("jeunes-touches", "T-NORD", T1, 10, None, None, "grade=3e")], "accepted")
    send("appui", [("jeunes-touches", "T-NORD", T1, 10)], "accepted")
    return store


def headline(summary: synthesis.Summary | None, measure: str) -> float:
    assert summary is not None
    rows = dict(
        zip(summary.tables["headline"]["measure"], summary.tables["headline"]["value"], strict=True)
    )
    return float(rows[measure])


def test_funders_read_only_published_figures_that_do_not_move_until_the_next(
    accepted: Store,
) -> None:
    assert synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY) is None  # nothing published
    accepted.clock = lambda: dt.datetime(2025, 10, 2, 9)
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    first = synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY)
    assert headline(first, "reached") == 110
    assert first is not None
    frozen_progress = first.tables["progress"].set_index("indicator")
    assert frozen_progress.loc["jeunes-touches", "value"] == 110  # this year's, not nothing
    assert first is not None and first.published_at == dt.datetime(2025, 10, 2, 9)
    # Valmont's 60 in 0950002L arrives and is accepted: the funders' figure waits
    Sender(accepted)("ent-valmont", [("jeunes-touches", "0950002L", T1, 60)], "accepted")
    assert headline(synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY), "reached") == 110
    live = synthesis.summary(accepted, EVALUATOR, YEAR, "*", TODAY, live=True)
    assert headline(live, "reached") == 140  # the evaluator's preview: 70 + 60 + 10
    accepted.clock = lambda: dt.datetime(2025, 10, 9, 9)
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    assert headline(synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY), "reached") == 140
    assert synthesis.published_years(accepted, FUNDER) == [YEAR]


def test_only_accepted_data_is_published(accepted: Store) -> None:
    Sender(accepted)("ent-valmont", [("jeunes-touches", "0950002L", T1, 500)])  # received
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    assert headline(synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY), "reached") == 110


def test_the_territory_rows_of_the_reach_table_are_protected(accepted: Store) -> None:
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    summary = synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY)
    assert summary is not None
    text = summary.reach().text()
    # girls in T-NORD: the backbone's 10 alone, one organisation's figure: funders do not
    # see it, the backbone's no more than another's (one rule for every funder view)
    assert text.at["Territoire Nord", "F"] == "s"
    by_grade = summary.reach("grade").text()
    assert list(by_grade.columns) == ["3e", TOTAL] and by_grade.at["Territoire Nord", "3e"] == "s"
    assert summary.reach().reasons.at["Territoire Nord", "F"] == "few-organisations"


def test_the_reach_tables_totals_are_the_published_figures_under_one_protection(
    accepted: Store,
) -> None:
    """The totals of a reach table are the figures of the place and of the scope (110 young
    people in T-NORD, though only the backbone's 10 girls are broken down by sex), hidden or
    shown by the same protection as the cells and as every other figure a funder reads, not
    new sums; at a territory's scope its schools are in that protection too: one kept figure
    each (the largest per school), so hidden, in the reach tables as in the need table."""
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    summary = synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY)
    assert summary is not None
    text = summary.reach().text()
    assert text.at["Territoire Nord", TOTAL] == "110" and text.at[TOTAL, TOTAL] == "110"
    assert text.at["Territoire Nord", "F"] == "s" and text.at[TOTAL, "F"] == "s"
    local = synthesis.summary(accepted, FUNDER, YEAR, "T-NORD", TODAY)
    assert local is not None
    need = local.tables["need"]
    assert set(need["hidden"]) == {"few-organisations"} and need["reached"].isna().all()
    assert set(local.reach().reasons.drop(index=TOTAL)[TOTAL]) == {"few-organisations"}
    for family, found in attack.families(accepted, FUNDER, TODAY, ["synthesis"]).items():
        assert found.hidden > 0 and found.leaks == 0, family
    sheet = openpyxl.load_workbook(io.BytesIO(reports.pack_workbook(accepted, FUNDER, local, "fr")))
    rows = list(sheet["Besoins et portée"].iter_rows(values_only=True))[1:]
    assert [r[2] for r in rows] == ["masqué", "masqué"]  # never the schools' 70 and 30
    assert not {70, 30} & {c for r in rows for c in r}
    printed = " ".join(pdf_text(reports.pack_pdf(accepted, FUNDER, local, "fr")))
    assert "masqué" in printed and not {"70", "30"} & set(printed.split())


def test_publishing_and_reading_are_scoped(accepted: Store) -> None:
    with pytest.raises(AccessDeniedError):
        synthesis.publish(accepted, FUNDER, YEAR, TODAY)
    with pytest.raises(AccessDeniedError):
        synthesis.summary(accepted, PARTNER_A, YEAR, "*", TODAY)
    with pytest.raises(AccessDeniedError):
        synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY, live=True)
    with pytest.raises(AccessDeniedError):  # fixed tables only: no school of one's choosing
        synthesis.summary(accepted, FUNDER, YEAR, "0950001K", TODAY)
    audit = accepted.query(
        "audit_log", since=dt.datetime(2000, 1, 1), until=dt.datetime(2100, 1, 1)
    )
    assert "summary.publish" not in set(audit["action"])


# -- the funder pack ---------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_section_and_per_indicator(accepted: Store) -> None:
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    summary = synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY)
    assert summary is not None
    data = reports.pack_workbook(accepted, FUNDER, summary, "fr")
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = book.sheetnames
    assert names[:6] == [
        "Synthèse",
        "Jeunes touchés par sexe",
        "Jeunes touchés par niveau",
        "Progrès",
        "Besoins et portée",
        "Synchronisation",
    ]
    # an indicator's sheet bears its label (cut after a whole word within Excel's 31)
    assert {"Jeunes touchés", "Taux de réussite au brevet", "Définitions", "Note"} <= set(names)
    assert ["Jeunes touchés", "110"] in [
        list(r) for r in book["Synthèse"].iter_rows(values_only=True)
    ]
    assert "< 11" in book["Note"]["A2"].value
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        assert not any(b"<f>" in parts.read(n) for n in parts.namelist() if n.endswith(".xml"))
    english = openpyxl.load_workbook(
        io.BytesIO(reports.pack_workbook(accepted, FUNDER, summary, "en"))
    )
    assert english.sheetnames[0] == "Summary"


def pdf_text(data: bytes) -> list[str]:
    """Each page's text, and every page rendered to an image on the way (which must work)."""
    document = pdfium.PdfDocument(data)
    pages = []
    for page in document:
        image = page.render(scale=0.5).to_pil()
        assert image.size[0] > 0
        pages.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
    return pages


def test_the_pdf_report_has_its_sections_numbered_pages_and_masked_cells(
    accepted: Store,
) -> None:
    """A4 portrait, a cover naming the initiative, year, scope and publication date; the
    contents with page numbers; the theory of change; a curve per indicator with figures;
    the reach tables, whose withheld cells read « masqué » (never 0, never blank); the
    definitions and the protection note; « Page n sur N » in each footer but the cover."""
    accepted.clock = lambda: dt.datetime(2025, 10, 2, 9)
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    summary = synthesis.summary(accepted, FUNDER, YEAR, "*", TODAY)
    assert summary is not None
    data = reports.pack_pdf(accepted, FUNDER, summary, "fr")
    assert data.startswith(b"%PDF")
    pages = pdf_text(data)
    assert 8 <= len(pages) == pack.page_count(data)
    width, height = pdfium.PdfDocument(data)[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    cover = pages[0]
    for words in ("Rapport aux financeurs", "Année scolaire 2024-2025", "Toute l'initiative"):
        assert words in cover
    assert "publiés le 02/10/2025" in cover and "Aperçu" not in cover
    contents = pages[1]
    sections = [
        "Chiffres clés",
        "Théorie du changement",
        "Indicateurs",
        "Jeunes touchés",
        "Définitions des indicateurs",
        "Protection des petits effectifs",
    ]
    for section in sections:  # each in the contents with its page, and on that page
        line = next(line for line in contents.splitlines() if line.startswith(section))
        page = int(line.rstrip().split()[-1].strip("."))
        assert section in pages[page - 1], section
    total = len(pages)
    assert all(f"Page {n} sur {total}" in pages[n - 1] for n in range(2, total + 1))
    assert "Page 1 sur" not in cover
    everything = "\n".join(pages)
    reach = next(p for p in pages if "Lieu Filles Garçons Total" in p)
    # Territoire Nord: its girls are the backbone's 10 alone (few organisations): masked
    row = next(line for line in reach.splitlines() if line.startswith("Territoire Nord"))
    assert "masqué" in row and " 0 " not in f" {row} "
    assert "Cases « masqué »" in reach
    assert "Jeunes touchés · personnes · Statut : Non évalué" in everything  # its curve
    assert "de 1 à 10 jeunes" in everything and "11 − 1" not in everything
    for word in ("Summary", "place", "pupils", "reached", "hidden", "Page 2 of"):
        assert word not in everything.split(), word
    english = pdf_text(reports.pack_pdf(accepted, FUNDER, summary, "en"))
    assert "Report to funders" in english[0] and f"Page 2 of {len(english)}" in english[1]
    assert "hidden" in " ".join(english) and "masqué" not in " ".join(english)
    with pytest.raises(AccessDeniedError):
        reports.pack_pdf(accepted, PARTNER_A, summary, "fr")


def test_a_preview_is_marked_as_such_on_its_cover(accepted: Store) -> None:
    preview = synthesis.summary(accepted, EVALUATOR, YEAR, "*", TODAY, live=True)
    assert preview is not None
    cover = pdf_text(reports.pack_pdf(accepted, EVALUATOR, preview, "fr"))[0]
    assert "Aperçu non publié" in cover and "publiés le" not in cover


def test_the_workbook_speaks_french_and_names_its_sheets_whole(accepted: Store) -> None:
    synthesis.publish(accepted, EVALUATOR, YEAR, TODAY)
    local = synthesis.summary(accepted, FUNDER, YEAR, "T-NORD", TODAY)
    assert local is not None
    book = openpyxl.load_workbook(io.BytesIO(reports.pack_workbook(accepted, FUNDER, local, "fr")))
    headers = {
        name: [c.value for c in next(book[name].iter_rows(max_row=1))] for name in book.sheetnames
    }
    assert headers["Besoins et portée"] == [
        "Lieu",
        "Élèves inscrits",
        "Jeunes touchés",
        "Couverture (%)",
        "Pourquoi masqué",
    ]
    assert headers["Synchronisation"][0] == "Période"
    english = {"place", "pupils", "reached", "hidden", "period", "expected", "on_time"}
    assert not english & {str(h) for row in headers.values() for h in row}
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert "Jeunes touchés" in book.sheetnames  # an indicator's sheet bears its label


def test_sheet_names_are_abbreviated_sensibly_and_uniquely() -> None:
    names = pack.sheet_names(
        [
            "Part des élèves de 3e orientés en seconde générale et technologique",
            "Part des élèves qui connaissent une diversité de métiers",
            "Taux de réussite au diplôme national du brevet",
            "Jeunes touchés",
            "Jeunes touchés",
            "Ventilation [sexe]: filles/garçons",
        ],
        "fr",
    )
    assert names[0] == "% élèves 3e orientés 2de GT"
    assert names[2] == "Taux réussite au DNB"
    assert names[3:5] == ["Jeunes touchés", "Jeunes touchés (2)"]
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)
    assert names[1] == "% élèves connaissent diversité…"  # cut after a whole word
    assert len(set(names)) == len(names)
