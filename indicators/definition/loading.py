"""Read the initiative definition files of `data/` into typed objects.

Every problem is collected with its file, line and entry; `load_definition` raises one
`DefinitionError` carrying all of them when at least one is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from indicators.common.problems import DefinitionError, DefinitionProblem
from indicators.definition import checks
from indicators.definition.model import (
    AGGREGATION_RULES,
    COMMITMENT_STATUSES,
    DEDUPLICATION_RULES,
    EDUCATION_PRIORITIES,
    FREQUENCIES,
    GRADES,
    INDICATOR_TYPES,
    LEVELS,
    ORGANISATION_TYPES,
    PERIOD_KINDS,
    PLACE_KINDS,
    POLARITIES,
    TARGET_KINDS,
    UNITS,
    Category,
    Commitment,
    Deduplication,
    Definition,
    Dimension,
    Indicator,
    Initiative,
    Link,
    Node,
    Organisation,
    Period,
    Place,
    Target,
)

T = TypeVar("T")
# libyaml's safe loader where it is built in (ten times faster), else PyYAML's own.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILES = {
    "initiative": "initiative.yaml",
    "theory": "theory_of_change.yaml",
    "dimensions": "disaggregations.yaml",
    "indicators": "indicators.yaml",
    "places": "places.csv",
    "organisations": "organisations.csv",
    "commitments": "commitments.csv",
    "periods": "periods.csv",
    "targets": "targets.csv",
}

CSV_COLUMNS = {
    "places": [
        "code",
        "kind",
        "name",
        "parent",
        "uai",
        "education_priority",
        "commune_insee",
        "qpv",
        "pupils_6e",
        "pupils_5e",
        "pupils_4e",
        "pupils_3e",
    ],
    "organisations": ["code", "name", "type", "place", "territories"],
    "commitments": [
        "id",
        "organisation",
        "action_type",
        "node",
        "places",
        "grades",
        "sex",
        "targeted",
        "periods",
        "status",
        "indicators",
    ],
    "periods": ["code", "label_fr", "label_en", "kind", "parent", "start", "end", "due"],
    "targets": ["indicator", "place", "period", "kind", "value", "note"],
}


@dataclass
class Entry:
    """One raw entry of a file: its fields, its line, and a problem collector."""

    file: str
    line: int | None
    fields: dict[str, Any]
    problems: list[DefinitionProblem]
    label: str = ""

    def problem(self, code: str, severity: str = "error", **details: object) -> None:
        self.problems.append(
            DefinitionProblem(code, self.file, self.line, self.label, details, severity)
        )

    def text(self, name: str, required: bool = True) -> str:
        raw = self.fields.get(name)
        value = "" if raw is None else str(raw).strip()
        if required and not value:
            self.problem("missing-field", field=name)
        return value

    def choice(self, name: str, allowed: tuple[str, ...], required: bool = True) -> str:
        value = self.text(name, required)
        if value and value not in allowed:
            self.problem("invalid-value", field=name, value=value, allowed=", ".join(allowed))
        return value

    def number(self, name: str, required: bool = True) -> float | None:
        raw = self.fields.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.problem("missing-field", field=name)
            return None
        if isinstance(raw, bool):
            self.problem("not-a-number", field=name, value=raw)
            return None
        try:
            value = float(str(raw).strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # "nan", "inf", "Infinity" parse as floats: refuse them
            self.problem("not-a-number", field=name, value=raw)
            return None
        return value

    def integer(self, name: str, required: bool = True) -> int | None:
        value = self.number(name, required)
        if value is None:
            return None
        if value != int(value):
            self.problem("not-a-number", field=name, value=self.fields.get(name))
            return None
        return int(value)

    def date(self, name: str) -> dt.date | None:
        raw = self.fields.get(name)
        if isinstance(raw, dt.date):
            return raw
        value = self.text(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem("not-a-date", field=name, value=value)
            return None

    def items(self, name: str) -> tuple[str, ...]:
        raw = self.fields.get(name)
        if raw is None:
            return ()
        if isinstance(raw, list):
            return tuple(str(v).strip() for v in raw if str(v).strip())
        return tuple(v.strip() for v in str(raw).split(";") if v.strip())


@dataclass
class Reader:
    """Reads the files of one definition folder, collecting problems and where each object was."""

    folder: Path
    problems: list[DefinitionProblem] = field(default_factory=list)
    origins: dict[int, Entry] = field(default_factory=dict)

    def located(self, obj: T | None, entry: Entry) -> T | None:
        """Remember the entry an object came from, for problems found later about it."""
        if obj is not None:
            self.origins[id(obj)] = entry
        return obj

    def report(self, obj: object, code: str, severity: str = "error", **details: object) -> None:
        """Record a problem about an object built from some entry."""
        entry = self.origins.get(id(obj))
        if entry is None:
            self.problems.append(DefinitionProblem(code, "?", details=details, severity=severity))
        else:
            entry.problem(code, severity, **details)

    def _source(self, key: str) -> str | None:
        name = FILES[key]
        path = self.folder / name
        if not path.is_file():
            self.problems.append(DefinitionProblem("file-missing", name))
            return None
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(
                DefinitionProblem("file-unreadable", name, details={"reason": str(exc)})
            )
            return None

    def yaml_document(self, key: str) -> tuple[dict[str, Any], dict[str, list[int]]]:
        """The YAML mapping of a file, and for each top-level list the line of each item."""
        text = self._source(key)
        if text is None:
            return {}, {}
        name = FILES[key]
        try:
            data = yaml.load(text, Loader=YAML_LOADER)
            root = yaml.compose(text, Loader=YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            reason = str(getattr(exc, "problem", None) or exc)
            self.problems.append(
                DefinitionProblem("file-unreadable", name, line, details={"reason": reason})
            )
            return {}, {}
        if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
            self.problems.append(
                DefinitionProblem(
                    "file-unreadable", name, details={"reason": "le document n'est pas un mapping"}
                )
            )
            return {}, {}
        lines: dict[str, list[int]] = {}
        for key_node, value_node in root.value:
            if isinstance(value_node, yaml.SequenceNode):
                lines[key_node.value] = [item.start_mark.line + 1 for item in value_node.value]
        return data, lines

    def yaml_entries(self, key: str, section: str) -> Iterator[Entry]:
        data, lines = self.yaml_document(key)
        items = data.get(section) or []
        name = FILES[key]
        if not isinstance(items, list):
            self.problems.append(
                DefinitionProblem(
                    "file-unreadable",
                    name,
                    details={"reason": f"« {section} » n'est pas une liste"},
                )
            )
            return
        for index, item in enumerate(items):
            line = lines.get(section, [])[index] if index < len(lines.get(section, [])) else None
            fields = item if isinstance(item, dict) else {}
            entry = Entry(name, line, fields, self.problems, str(fields.get("code") or ""))
            if not isinstance(item, dict):
                entry.problem("file-unreadable", reason="entrée qui n'est pas un mapping")
                continue
            yield entry

    def csv_entries(self, key: str) -> Iterator[Entry]:
        text = self._source(key)
        if text is None:
            return
        name = FILES[key]
        reader = csv.DictReader(io.StringIO(text, newline=""))
        expected = CSV_COLUMNS[key]
        found = list(reader.fieldnames or [])
        if found != expected:
            self.problems.append(
                DefinitionProblem(
                    "bad-columns",
                    name,
                    1,
                    details={"expected": ",".join(expected), "found": ",".join(found)},
                )
            )
            return
        for row in reader:
            fields = {k: v for k, v in row.items() if k is not None}
            label = (row.get("code") or row.get("id") or row.get("indicator") or "").strip()
            entry = Entry(name, reader.line_num, fields, self.problems, label)
            if None in row:
                entry.problem("bad-columns", expected=len(expected), found=len(expected) + 1)
                continue
            yield entry


def _unique(
    reader: Reader, entries: Iterator[Entry], build: Callable[[Entry], T | None], key: str
) -> list[T]:
    """Build each entry, refusing a second entry with the same `key` field."""
    seen: set[str] = set()
    built: list[T] = []
    for entry in entries:
        code = entry.text(key)
        if code and code in seen:
            entry.problem("duplicate-code", value=code)
            continue
        seen.add(code)
        obj = reader.located(build(entry), entry)
        if obj is not None and code:
            built.append(obj)
    return built


def _initiative(reader: Reader) -> Initiative | None:
    data, _ = reader.yaml_document("initiative")
    if not data:
        return None
    entry = Entry(FILES["initiative"], None, data, reader.problems)
    demo = data.get("demo")
    if not isinstance(demo, bool):
        entry.problem("invalid-value", field="demo", value=demo, allowed="true, false")
    goals = {}
    for name in ("completeness_goal", "timeliness_goal"):
        goal = entry.number(name)
        if goal is not None and not 0 <= goal <= 1:
            entry.problem("invalid-value", field=name, value=goal, allowed="0 … 1")
        goals[name] = goal or 0.0
    threshold = entry.integer("suppression_threshold", required=False)
    if threshold is not None and threshold < 1:
        entry.problem(
            "invalid-value", field="suppression_threshold", value=threshold, allowed="≥ 1"
        )
    initiative = Initiative(
        code=entry.text("code"),
        name_fr=entry.text("name_fr"),
        name_en=entry.text("name_en"),
        demo=bool(demo),
        backbone=entry.text("backbone"),
        completeness_goal=goals["completeness_goal"],
        timeliness_goal=goals["timeliness_goal"],
        suppression_threshold=threshold or 11,
    )
    reader.located(initiative, entry)
    return initiative


def _node(entry: Entry) -> Node:
    return Node(
        code=entry.text("code"),
        level=entry.choice("level", LEVELS),
        label_fr=entry.text("label_fr"),
        label_en=entry.text("label_en"),
        description_fr=entry.text("description_fr", required=False),
        description_en=entry.text("description_en", required=False),
    )


def _links(reader: Reader) -> list[Link]:
    links: list[Link] = []
    for entry in reader.yaml_entries("theory", "links"):
        entry.label = f"{entry.fields.get('from')} → {entry.fields.get('to')}"
        source, target = entry.text("from"), entry.text("to")
        if source and target:
            link = Link(source, target)
            reader.located(link, entry)
            links.append(link)
    return links


def _dimension(entry: Entry) -> Dimension:
    categories = []
    raws = entry.fields.get("categories") or []
    if not isinstance(raws, list):
        entry.problem("file-unreadable", reason="« categories » n'est pas une liste")
        raws = []
    for raw in raws:
        sub = Entry(entry.file, entry.line, raw if isinstance(raw, dict) else {}, entry.problems)
        sub.label = f"{entry.label}.{sub.fields.get('code', '?')}"
        categories.append(Category(sub.text("code"), sub.text("label_fr"), sub.text("label_en")))
    if not categories:
        entry.problem("missing-field", field="categories")
    return Dimension(
        entry.text("code"), entry.text("label_fr"), entry.text("label_en"), tuple(categories)
    )


def _indicator(entry: Entry) -> Indicator | None:
    version = entry.integer("version")
    if version is not None and version < 1:
        entry.problem("invalid-value", field="version", value=version, allowed="≥ 1")
    aggregation = entry.fields.get("aggregation") or {}
    dedup = entry.fields.get("deduplication") or {}
    value_range = entry.fields.get("range") or {}
    if (
        not isinstance(aggregation, dict)
        or not isinstance(dedup, dict)
        or not isinstance(value_range, dict)
    ):
        entry.problem(
            "file-unreadable", reason="aggregation, deduplication, range : mappings attendus"
        )
        return None
    agg = Entry(entry.file, entry.line, aggregation, entry.problems, entry.label)
    ded = Entry(entry.file, entry.line, dedup, entry.problems, entry.label)
    rng = Entry(entry.file, entry.line, value_range, entry.problems, entry.label)
    indicator = Indicator(
        code=entry.text("code"),
        version=version or 1,
        label_fr=entry.text("label_fr"),
        label_en=entry.text("label_en"),
        definition_fr=entry.text("definition_fr"),
        definition_en=entry.text("definition_en"),
        node=entry.text("node"),
        type=entry.choice("type", INDICATOR_TYPES),
        unit=entry.choice("unit", UNITS),
        polarity=entry.choice("polarity", POLARITIES),
        aggregation_time=agg.choice("time", AGGREGATION_RULES),
        aggregation_space=agg.choice("space", AGGREGATION_RULES),
        deduplication=Deduplication(
            ded.choice("rule", DEDUPLICATION_RULES),
            ded.text("note_fr", required=False),
            ded.text("note_en", required=False),
        ),
        frequency=entry.choice("frequency", FREQUENCIES),
        range_min=rng.number("min") or 0.0,
        range_max=rng.number("max") or 0.0,
        source_fr=entry.text("source_fr"),
        source_en=entry.text("source_en"),
        numerator_fr=entry.text("numerator_fr", required=False),
        numerator_en=entry.text("numerator_en", required=False),
        denominator_fr=entry.text("denominator_fr", required=False),
        denominator_en=entry.text("denominator_en", required=False),
        disaggregations=entry.items("disaggregations"),
        aliases=entry.items("aliases"),
    )
    checks.check_indicator_rules(indicator, entry.problem)
    return indicator


def _place(entry: Entry) -> Place:
    pupils = {}
    for grade in GRADES:
        count = entry.integer(f"pupils_{grade}", required=False)
        if count is not None:
            pupils[grade] = count
    kind = entry.choice("kind", PLACE_KINDS)
    place = Place(
        code=entry.text("code"),
        kind=kind,
        name=entry.text("name"),
        parent=entry.text("parent", required=kind == "school"),
        uai=entry.text("uai", required=kind == "school"),
        education_priority=entry.choice(
            "education_priority", EDUCATION_PRIORITIES, required=kind == "school"
        ),
        commune_insee=entry.text("commune_insee", required=False),
        qpv=entry.text("qpv", required=False),
        pupils=pupils,
    )
    if place.uai:
        checks.check_uai(place.uai, entry.problem)
    return place


def _organisation(entry: Entry) -> Organisation:
    return Organisation(
        code=entry.text("code"),
        name=entry.text("name"),
        type=entry.choice("type", ORGANISATION_TYPES),
        place=entry.text("place", required=False),
        territories=entry.items("territories"),
    )


def _commitment(entry: Entry) -> Commitment:
    return Commitment(
        id=entry.text("id"),
        organisation=entry.text("organisation"),
        action_type=entry.text("action_type"),
        node=entry.text("node"),
        places=entry.items("places") or _required(entry, "places"),
        grades=entry.items("grades"),
        sex=entry.items("sex"),
        targeted=entry.integer("targeted", required=False),
        periods=entry.items("periods") or _required(entry, "periods"),
        status=entry.choice("status", COMMITMENT_STATUSES),
        indicators=entry.items("indicators"),
    )


def _required(entry: Entry, name: str) -> tuple[str, ...]:
    entry.problem("missing-field", field=name)
    return ()


def _period(entry: Entry) -> Period | None:
    start, end, due = entry.date("start"), entry.date("end"), entry.date("due")
    kind = entry.choice("kind", PERIOD_KINDS)
    period = Period(
        code=entry.text("code"),
        label_fr=entry.text("label_fr"),
        label_en=entry.text("label_en"),
        kind=kind,
        parent=entry.text("parent", required=kind == "term"),
        start=start or dt.date.min,
        end=end or dt.date.min,
        due=due or dt.date.min,
    )
    if start and end and end < start:
        entry.problem("bad-dates", field="end", value=end, before="start", limit=start)
    if end and due and due < end:
        entry.problem("bad-dates", field="due", value=due, before="end", limit=end)
    return period if start and end and due else None


def _target(entry: Entry) -> Target | None:
    value = entry.number("value")
    target = Target(
        indicator=entry.text("indicator"),
        place=entry.text("place"),
        period=entry.text("period"),
        kind=entry.choice("kind", TARGET_KINDS),
        value=value or 0.0,
        note=entry.text("note", required=False),
    )
    return target if value is not None else None


def read_definition(folder: Path) -> tuple[Definition | None, list[DefinitionProblem]]:
    """Parse and check every file of `folder`; the definition is None when a file is missing."""
    reader = Reader(Path(folder))
    initiative = _initiative(reader)
    nodes = _unique(reader, reader.yaml_entries("theory", "nodes"), _node, "code")
    links = _links(reader)
    dimensions = _unique(
        reader, reader.yaml_entries("dimensions", "dimensions"), _dimension, "code"
    )
    indicators = _unique(
        reader, reader.yaml_entries("indicators", "indicators"), _indicator, "code"
    )
    places = _unique(reader, reader.csv_entries("places"), _place, "code")
    organisations = _unique(reader, reader.csv_entries("organisations"), _organisation, "code")
    commitments = _unique(reader, reader.csv_entries("commitments"), _commitment, "id")
    periods = _unique(reader, reader.csv_entries("periods"), _period, "code")
    targets = [
        t for e in reader.csv_entries("targets") if (t := reader.located(_target(e), e)) is not None
    ]
    if initiative is None or any(p.code == "file-missing" for p in reader.problems):
        return None, reader.problems
    definition = Definition(
        initiative=initiative,
        nodes=tuple(nodes),
        links=tuple(links),
        dimensions=tuple(dimensions),
        indicators=tuple(indicators),
        places=tuple(places),
        organisations=tuple(organisations),
        commitments=tuple(commitments),
        periods=tuple(periods),
        targets=tuple(targets),
    )
    checks.check_definition(definition, reader.report)
    return definition, reader.problems


def load_definition(folder: Path) -> Definition:
    """The definition of `folder`, or `DefinitionError` with every problem when it has errors."""
    definition, problems = read_definition(folder)
    if definition is None or any(p.severity == "error" for p in problems):
        raise DefinitionError(problems)
    return definition
