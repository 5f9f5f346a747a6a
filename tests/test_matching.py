"""Matching partners' labels to the catalogue, places and categories, with a confidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indicators.definition.loading import load_definition
from indicators.ingest.matching import AUTO, Vocabulary, words
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_definition(load_definition(PROJECT / "data"))


def test_words_ignore_case_accents_plural_order_and_abbreviations() -> None:
    assert words("Nb de JEUNES touchés") == ("nombre", "jeune", "touche")
    assert sorted(words("jeunes touchés, nombre")) == sorted(words("Nombre de jeunes touchés"))
    assert words("Tx réussite") == ("taux", "reussite")


@pytest.mark.parametrize(
    ("kind", "label", "target", "method"),
    [
        ("indicator", "jeunes-touches", "jeunes-touches", "code"),
        ("indicator", "Nb jeunes touchés", "jeunes-touches", "label"),  # a declared alias
        ("indicator", "young people reached", "jeunes-touches", "label"),  # English
        ("indicator", "nombre de JEUNES touches", "jeunes-touches", "folded"),  # Nb = nombre
        ("indicator", "jeunes touchés nombre", "jeunes-touches", "words"),  # word order
        ("place", "0950243Y", "0950243Y", "code"),
        ("place", "UAI 0950243Y - Tilleuls", "0950243Y", "code"),
        ("place", "Collège des Tilleuls", "0950243Y", "label"),
        ("place", "clg des tilleuls", "0950243Y", "label"),
        ("place", "Tilleul", "0950243Y", "folded"),  # singular
        ("place", "Col. des Tilleuls", "0950243Y", "folded"),
        ("place", "COLLEGE LUCIE AUBRAC DES VERGERS", "0951761Y", "label"),
        ("place", "Collège des Tilleuls (REP+)", "0950243Y", "label"),  # a note after the name
        ("dimension", "Filles", "sex=F", "label"),
        ("dimension", "3e", "grade=3e", "code"),
    ],
)
def test_matches(vocabulary: Vocabulary, kind: str, label: str, target: str, method: str) -> None:
    match = vocabulary.match(kind, label)
    assert (match.target, match.method) == (target, method)
    assert match.confidence >= 0.85


def test_low_confidence_asks_and_nonsense_is_unknown(vocabulary: Vocabulary) -> None:
    close = vocabulary.match("indicator", "tx reussite brevet")
    assert close.target == "taux-reussite-dnb" and close.needs_confirmation
    assert close.confidence < AUTO
    nothing = vocabulary.match("indicator", "nombre de licornes roses")
    assert nothing.target is None and nothing.method == "none"
    assert vocabulary.match("indicator", "").target is None


def test_memory_wins_over_guessing() -> None:
    partner = Vocabulary.from_definition(load_definition(PROJECT / "data"))
    assert partner.match("indicator", "Bénéficiaires Tremplin").target != "jeunes-mentores"
    partner.remember({("indicator", "bénéficiaires TREMPLIN"): "jeunes-mentores"})
    match = partner.match("indicator", "Bénéficiaires Tremplin")
    assert (match.target, match.method, match.confidence) == ("jeunes-mentores", "memory", 1.0)


def test_word_order_that_changes_the_meaning_is_not_a_match(vocabulary: Vocabulary) -> None:
    meetings = vocabulary.match("indicator", "Rencontres avec les parents")  # meetings held
    assert meetings.target == "reunions-parents" and meetings.needs_confirmation
    assert "parents-touches" not in meetings.alternatives  # not "Parents rencontrés"
    met = vocabulary.match("indicator", "PARENTS RENCONTRES")  # capitals drop the accent
    assert (met.target, met.method) == ("parents-touches", "label")


def test_the_commune_breaks_a_tie_between_schools_of_the_same_name() -> None:
    definition = load_definition(PROJECT / "data")
    tilleuls = next(p for p in definition.places if p.code == "0950243Y")
    twin = replace(tilleuls, code="0310004L", uai="0310004L", parent="T-TOULOUSE")
    twin = replace(twin, commune_insee="31555")
    partner = Vocabulary.from_definition(replace(definition, places=(*definition.places, twin)))
    alone = partner.match("place", "Collège des Tilleuls")
    assert alone.needs_confirmation and set(alone.alternatives) | {alone.target} == {
        "0950243Y",
        "0310004L",
    }
    assert partner.match("place", "Collège des Tilleuls", "Toulouse").target == "0310004L"
    assert partner.match("place", "COLLEGE DES TILLEULS", "Sarcelles").target == "0950243Y"
    assert partner.match("place", "Clg des Tilleuls (31)").target == "0310004L"  # department
    inline = partner.match("place", "Clg des Tilleuls - Sarcelles")
    assert (inline.target, inline.confidence >= AUTO) == ("0950243Y", True)
