"""Every interface text exists in French and English with the same placeholders."""

from __future__ import annotations

import string

import pytest

from indicators.common.i18n import LABELS, TEXTS, label, t
from indicators.common.problems import CELL_LABELS, CELL_TEMPLATES
from indicators.definition.model import (
    AGGREGATION_RULES,
    COMMITMENT_STATUSES,
    DEDUPLICATION_RULES,
    EDUCATION_PRIORITIES,
    FREQUENCIES,
    INDICATOR_TYPES,
    LEVELS,
    ORGANISATION_TYPES,
    PERIOD_KINDS,
    PLACE_KINDS,
    POLARITIES,
    TARGET_KINDS,
    UNITS,
)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    fr, en = TEXTS[key]
    assert fr.strip() and en.strip()
    assert fields(fr) == fields(en)


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("level", LEVELS),
        ("type", INDICATOR_TYPES),
        ("unit", UNITS),
        ("polarity", POLARITIES),
        ("aggregation", AGGREGATION_RULES),
        ("deduplication", DEDUPLICATION_RULES),
        ("frequency", FREQUENCIES),
        ("organisation_type", ORGANISATION_TYPES),
        ("place_kind", PLACE_KINDS),
        ("education_priority", EDUCATION_PRIORITIES),
        ("commitment_status", COMMITMENT_STATUSES),
        ("period_kind", PERIOD_KINDS),
        ("target_kind", TARGET_KINDS),
    ],
)
def test_every_code_of_the_definition_has_labels(kind: str, codes: tuple[str, ...]) -> None:
    assert set(LABELS[kind]) == set(codes)
    for code in codes:
        assert label(kind, code, "fr") and label(kind, code, "en")


def test_french_is_the_default() -> None:
    assert t("nav.catalogue") == "Catalogue"
    assert t("catalogue.results", count=3) == "3 indicateur(s) trouvé(s)"
    assert t("catalogue.results", "en", count=3) == "3 indicator(s) found"
    assert label("level", "impact") == "Impact" and label("level", "unknown") == "unknown"


def test_every_kind_of_cell_problem_has_a_few_words() -> None:
    assert set(CELL_LABELS) == set(CELL_TEMPLATES)
    assert all(fr.strip() and en.strip() for fr, en in CELL_LABELS.values())
