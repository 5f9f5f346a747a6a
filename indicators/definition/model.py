"""Typed, immutable objects of an initiative definition (what `data/` describes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LEVELS: tuple[str, ...] = (
    "activity",
    "output",
    "intermediate_outcome",
    "long_term_outcome",
    "impact",
)
INDICATOR_TYPES = ("count", "percentage", "ratio", "amount", "duration", "score")
RATE_TYPES = ("percentage", "ratio")
UNITS = ("person", "event", "hour", "day", "eur", "percent", "ratio", "point")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATION_RULES = ("sum", "mean", "last", "max", "ratio", "none")
DEDUPLICATION_RULES = (
    "none",
    "max_per_school",
    "max_per_territory",
    "unique_id",
    "not_applicable",
)
FREQUENCIES = ("term", "school_year")
PLACE_KINDS = ("territory", "school")
EDUCATION_PRIORITIES = ("REP+", "REP", "none")
GRADES = ("6e", "5e", "4e", "3e")
ORGANISATION_TYPES = (
    "school",
    "company",
    "company_foundation",
    "association",
    "public_body",
    "funder",
    "backbone",
)
COMMITMENT_STATUSES = ("planned", "ongoing", "done")
PERIOD_KINDS = ("school_year", "term")
TARGET_KINDS = ("baseline", "target")
WHOLE_INITIATIVE = "*"

# Fields whose change alters what an indicator measures: changing one needs a new version.
SEMANTIC_FIELDS = (
    "definition_fr",
    "definition_en",
    "type",
    "unit",
    "polarity",
    "numerator_fr",
    "numerator_en",
    "denominator_fr",
    "denominator_en",
    "aggregation_time",
    "aggregation_space",
    "deduplication",
    "disaggregations",
    "frequency",
)


@dataclass(frozen=True, slots=True)
class Initiative:
    code: str
    name_fr: str
    name_en: str
    demo: bool
    backbone: str
    completeness_goal: float
    timeliness_goal: float
    suppression_threshold: int


@dataclass(frozen=True, slots=True)
class Node:
    code: str
    level: str
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str

    @property
    def rank(self) -> int:
        """Position of the level, 0 for activities up to 4 for the impact."""
        return LEVELS.index(self.level)


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    label_fr: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    label_fr: str
    label_en: str
    categories: tuple[Category, ...]


@dataclass(frozen=True, slots=True)
class Deduplication:
    rule: str
    note_fr: str
    note_en: str


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    version: int
    label_fr: str
    label_en: str
    definition_fr: str
    definition_en: str
    node: str
    type: str
    unit: str
    polarity: str
    aggregation_time: str
    aggregation_space: str
    deduplication: Deduplication
    frequency: str
    range_min: float
    range_max: float
    source_fr: str
    source_en: str
    numerator_fr: str = ""
    numerator_en: str = ""
    denominator_fr: str = ""
    denominator_en: str = ""
    disaggregations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def is_rate(self) -> bool:
        """True for percentages and ratios, which aggregate as numerator / denominator."""
        return self.type in RATE_TYPES


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    kind: str
    name: str
    parent: str = ""
    uai: str = ""
    education_priority: str = ""
    commune_insee: str = ""
    qpv: str = ""
    pupils: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    type: str
    place: str = ""
    territories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Commitment:
    id: str
    organisation: str
    action_type: str
    node: str
    places: tuple[str, ...]
    grades: tuple[str, ...]
    sex: tuple[str, ...]
    targeted: int | None
    periods: tuple[str, ...]
    status: str
    indicators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    label_fr: str
    label_en: str
    kind: str
    parent: str
    start: dt.date
    end: dt.date
    due: dt.date

    @property
    def delay_days(self) -> int:
        """Days allowed after the period's end for a report to count as on time."""
        return (self.due - self.end).days


@dataclass(frozen=True, slots=True)
class Target:
    indicator: str
    place: str
    period: str
    kind: str
    value: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Definition:
    """A whole, consistent initiative definition."""

    initiative: Initiative
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    places: tuple[Place, ...]
    organisations: tuple[Organisation, ...]
    commitments: tuple[Commitment, ...]
    periods: tuple[Period, ...]
    targets: tuple[Target, ...]

    def dimension_label(self, code: str, lang: str = "fr") -> str:
        """The words for a breakdown dimension ("grade" -> "Niveau scolaire"); the code if
        unknown."""
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension.label_en if lang == "en" else dimension.label_fr
        return code

    def breakdown_label(self, key: str, lang: str = "fr") -> str:
        """The words for a stored breakdown key ("grade=6e;sex=F" -> "Sixième, Filles"); ""
        for the total."""
        words = []
        for pair in filter(None, key.split(";")):
            code, _, member = pair.partition("=")
            dimension = next((d for d in self.dimensions if d.code == code), None)
            category = next(
                (c for c in (dimension.categories if dimension else ()) if c.code == member),
                None,
            )
            if category is None:
                words.append(f"{self.dimension_label(code, lang)} {member}")
            else:
                words.append(category.label_en if lang == "en" else category.label_fr)
        return ", ".join(words)


# The breakdowns every initiative starts with: commitments name sexes and grades.
STANDARD_DIMENSIONS = (
    Dimension(
        "sex",
        "Sexe",
        "Sex",
        (Category("F", "Filles", "Girls"), Category("M", "Garçons", "Boys")),
    ),
    Dimension(
        "grade",
        "Niveau scolaire",
        "School grade",
        (
            Category("6e", "Sixième", "Year 6 (6e)"),
            Category("5e", "Cinquième", "Year 7 (5e)"),
            Category("4e", "Quatrième", "Year 8 (4e)"),
            Category("3e", "Troisième", "Year 9 (3e)"),
        ),
    ),
)


def empty_definition(
    code: str, name_fr: str, name_en: str, backbone: str, backbone_name: str
) -> Definition:
    """A new initiative with nothing in it yet but its backbone team and the standard
    breakdowns (sex, grade): no theory of change, indicators, places, partners or periods,
    all of which the Administration page then sets up (`mesure init --empty`)."""
    return Definition(
        initiative=Initiative(
            code=code,
            name_fr=name_fr,
            name_en=name_en,
            demo=False,
            backbone=backbone,
            completeness_goal=0.9,
            timeliness_goal=0.8,
            suppression_threshold=11,
        ),
        nodes=(),
        links=(),
        dimensions=STANDARD_DIMENSIONS,
        indicators=(),
        places=(),
        organisations=(Organisation(backbone, backbone_name, "backbone"),),
        commitments=(),
        periods=(),
        targets=(),
    )
