"""Reading the definition: the valid fixture, the demo initiative, one fixture per failure mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.common.problems import TEMPLATES, DefinitionError
from indicators.definition.loading import FILES, load_definition, read_definition
from indicators.definition.model import LEVELS, RATE_TYPES, Definition
from tests.conftest import BASE_DEFINITION, BROKEN, PROJECT, copy_definition

# case folder -> (problem code, words the French message must contain)
BROKEN_CASES: dict[str, tuple[str, list[str]]] = {
    "unknown-node": (
        "unknown-node",
        ["indicators.yaml", "score-confiance", "INT-INCONNU", "inconnu"],
    ),
    "duplicate-code": ("duplicate-code", ["places.csv:5", "0950001K", "déjà utilisé"]),
    "rate-without-denominator": (
        "rate-without-denominator",
        ["indicators.yaml", "taux-projet-avenir", "dénominateur", "denominator_fr"],
    ),
    "target-unknown-indicator": ("unknown-indicator", ["targets.csv:5", "taux-fantome"]),
    "toc-cycle": (
        "toc-cycle",
        [
            "theory_of_change.yaml",
            "cycle",
            "INT-CONFIANCE → INT-PROJET",
            "INT-PROJET → INT-CONFIANCE",
        ],
    ),
    "link-goes-down": (
        "link-goes-down",
        ["theory_of_change.yaml", "LT-REUSSITE → OUT-JEUNES", "descend"],
    ),
    "rate-summed": ("rate-summed", ["taux-projet-avenir", "« sum »", "ratio"]),
    "invalid-uai": ("invalid-uai", ["places.csv:4", "0950002A", "0950002L"]),
    "commitment-unknown-period": ("unknown-period", ["commitments.csv:3", "C2", "2030-2031"]),
    "action-not-activity": (
        "action-not-activity",
        ["commitments.csv", "C2", "OUT-JEUNES", "activité"],
    ),
    "node-not-reachable": ("node-not-reachable", ["C4", "OUT-JEUNES", "ACT-PARENTS"]),
    "period-end-before-start": ("bad-dates", ["periods.csv:3", "2024-2025-T1", "end"]),
    "target-not-a-number": ("not-a-number", ["targets.csv:4", "beaucoup", "value"]),
    "target-out-of-range": ("value-out-of-range", ["targets.csv:3", "140", "taux-reussite-dnb"]),
    "missing-label": (
        "missing-field",
        ["indicators.yaml", "score-confiance", "label_en", "obligatoire"],
    ),
    "yaml-syntax": ("file-unreadable", ["indicators.yaml", "illisible"]),
    "csv-columns": ("bad-columns", ["organisations.csv:1", "code,name,type", "code,nom,type"]),
    "unknown-organisation": ("unknown-organisation", ["commitments.csv:2", "C1", "ent-disparue"]),
    "funder-commits": ("bad-organisation-type", ["C2", "fin-fondation", "funder"]),
    "bad-backbone": ("bad-organisation-type", ["initiative.yaml", "ent-valmont", "backbone"]),
    "unknown-dimension": ("unknown-dimension", ["jeunes-touches", "religion"]),
}


def test_every_broken_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(BROKEN_CASES)


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_definition_is_refused_with_a_precise_message(tmp_path: Path, case: str) -> None:
    code, words = BROKEN_CASES[case]
    folder = copy_definition(tmp_path / "d", overlay=case)
    with pytest.raises(DefinitionError) as refused:
        load_definition(folder)
    matching = [p for p in refused.value.problems if p.code == code and p.severity == "error"]
    assert matching, [p.message() for p in refused.value.problems]
    message = matching[0].message("fr")
    for word in words:
        assert word in message, f"{word!r} missing from {message!r}"
    assert matching[0].message("en") != message
    assert matching[0].hint("fr") and matching[0].hint("en")


def test_valid_fixture_loads_without_problem() -> None:
    definition, problems = read_definition(BASE_DEFINITION)
    assert problems == []
    assert definition is not None
    assert {i.code for i in definition.indicators} >= {"jeunes-touches", "taux-reussite-dnb"}
    school = next(p for p in definition.places if p.code == "0950001K")
    assert school.pupils == {"6e": 120, "5e": 115, "4e": 110, "3e": 100}
    commitment = next(c for c in definition.commitments if c.id == "C1")
    assert commitment.places == ("0950001K", "0950002L")
    assert commitment.indicators == ("visites-entreprise", "jeunes-touches")
    period = next(p for p in definition.periods if p.code == "2024-2025-T1")
    assert period.delay_days == 15


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = copy_definition(tmp_path / "d")
    (folder / "targets.csv").unlink()
    definition, problems = read_definition(folder)
    assert definition is None
    assert [p.message() for p in problems] == [
        "targets.csv : fichier introuvable : ajoutez-le au dossier de définition"
    ]


def test_every_problem_is_collected_not_only_the_first(tmp_path: Path) -> None:
    folder = copy_definition(tmp_path / "d", overlay="unknown-node")
    for path in (BROKEN / "invalid-uai").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    with pytest.raises(DefinitionError) as refused:
        load_definition(folder)
    assert {"unknown-node", "invalid-uai"} <= {p.code for p in refused.value.problems}


def test_node_without_indicator_is_a_warning_only(tmp_path: Path) -> None:
    folder = copy_definition(tmp_path / "d")
    theory = folder / "theory_of_change.yaml"
    theory.write_text(
        theory.read_text(encoding="utf-8").replace(
            "links:",
            "  - {code: INT-SEUL, level: intermediate_outcome, label_fr: Seul, label_en: Alone}\nlinks:",
        ),
        encoding="utf-8",
    )
    definition = load_definition(folder)  # does not raise
    _, problems = read_definition(folder)
    assert definition is not None
    assert [(p.code, p.severity) for p in problems] == [("node-without-indicator", "warning")]


def test_every_problem_code_has_both_languages() -> None:
    for code, (fr, en) in TEMPLATES.items():
        assert fr and en and fr != en, code


@pytest.fixture(scope="module")
def demo() -> Definition:
    return load_definition(PROJECT / "data")


class TestDemoInitiative:
    """The embedded demo must be a realistic, complete, consistent initiative."""

    def test_loads_without_error_or_warning(self) -> None:
        _, problems = read_definition(PROJECT / "data")
        assert [p.message() for p in problems] == []

    def test_size_matches_a_defi_jeunesse_like_programme(self, demo: Definition) -> None:
        d = demo
        types = [o.type for o in d.organisations]
        assert sum(p.kind == "school" for p in d.places) == 31
        assert 40 <= types.count("company") + types.count("company_foundation") <= 55
        assert 40 <= types.count("association") <= 55
        assert types.count("public_body") >= 2 and types.count("funder") >= 2
        assert types.count("backbone") == 1
        assert 30 <= len(d.indicators) <= 40
        assert len({p.code for p in d.periods if p.kind == "school_year"}) >= 3
        assert {"T-SARCELLES", "T-TOULOUSE"} <= {p.code for p in d.places if p.kind == "territory"}

    def test_every_level_and_every_node_is_measured(self, demo: Definition) -> None:
        d = demo
        levels = {n.code: n.level for n in d.nodes}
        assert {levels[i.node] for i in d.indicators} == set(LEVELS)
        assert {i.node for i in d.indicators} == set(levels)

    def test_reference_sheets_are_complete(self, demo: Definition) -> None:
        for ind in demo.indicators:
            assert ind.label_fr and ind.label_en and ind.definition_fr and ind.definition_en
            assert ind.source_fr and ind.aliases, ind.code
            if ind.type in RATE_TYPES:
                assert ind.numerator_fr and ind.denominator_fr, ind.code

    def test_every_partner_commits(self, demo: Definition) -> None:
        d = demo
        committed = {c.organisation for c in d.commitments}
        partners = {o.code for o in d.organisations if o.type not in ("funder",)}
        assert partners <= committed

    def test_every_indicator_is_reported_by_someone(self, demo: Definition) -> None:
        reported = {code for c in demo.commitments for code in c.indicators}
        assert reported == {i.code for i in demo.indicators}

    def test_files_documented(self) -> None:
        readme = (PROJECT / "data" / "README.md").read_text(encoding="utf-8")
        for name in FILES.values():
            assert f"`{name}`" in readme
