"""Consistency rules of an initiative definition, as pure functions reporting problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from indicators.definition.model import (
    GRADES,
    LEVELS,
    WHOLE_INITIATIVE,
    Definition,
    Dimension,
    Indicator,
    Link,
    Node,
    Organisation,
    Period,
    Place,
)

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_SHAPE = re.compile(r"^(\d{7})([A-Z])$")
# Organisations that may commit to actions (funders only read).
COMMITTING_TYPES = (
    "school",
    "company",
    "company_foundation",
    "association",
    "public_body",
    "backbone",
)


class Problem(Protocol):
    def __call__(self, code: str, severity: str = "error", **details: object) -> None: ...


class Report(Protocol):
    def __call__(
        self, obj: object, code: str, severity: str = "error", **details: object
    ) -> None: ...


def uai_check_letter(digits: str) -> str:
    """The check letter of a 7-digit UAI number."""
    return UAI_LETTERS[int(digits) % 23]


def check_uai(uai: str, problem: Problem) -> None:
    """Report a code that is not 7 digits followed by its check letter."""
    match = UAI_SHAPE.match(uai)
    if match is None:
        problem("invalid-uai", value=uai, expected="0950123A")
    elif match.group(2) != uai_check_letter(match.group(1)):
        problem(
            "invalid-uai", value=uai, expected=match.group(1) + uai_check_letter(match.group(1))
        )


def check_indicator_rules(ind: Indicator, problem: Problem) -> None:
    """Rules that one reference sheet must obey on its own."""
    fractions = {
        "numerator_fr": ind.numerator_fr,
        "numerator_en": ind.numerator_en,
        "denominator_fr": ind.denominator_fr,
        "denominator_en": ind.denominator_en,
    }
    if ind.is_rate:
        missing = [name for name, text in fractions.items() if not text]
        if missing:
            problem("rate-without-denominator", value=ind.type, field=", ".join(missing))
        for axis, rule in (("time", ind.aggregation_time), ("space", ind.aggregation_space)):
            allowed = ("ratio", "none") if axis == "space" else ("ratio", "last", "none")
            if rule and rule not in allowed:
                problem("rate-summed", value=rule, field=f"aggregation.{axis}")
    elif ind.type:
        if any(fractions.values()):
            problem("fraction-on-non-rate", value=ind.type)
        for axis, rule in (("time", ind.aggregation_time), ("space", ind.aggregation_space)):
            if rule == "ratio":
                problem("ratio-on-non-rate", value=ind.type, field=f"aggregation.{axis}")
    if ind.range_min > ind.range_max:
        problem("bad-range", min=ind.range_min, max=ind.range_max)


def find_cycle(links: Iterable[Link]) -> list[str]:
    """One cycle of the directed graph as a list of node codes (first repeated last), or []."""
    graph: dict[str, list[str]] = {}
    for link in links:
        graph.setdefault(link.source, []).append(link.target)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def reachable(links: Iterable[Link], start: str) -> set[str]:
    """Every node reached from `start` along the links, `start` included."""
    graph: dict[str, list[str]] = {}
    for link in links:
        graph.setdefault(link.source, []).append(link.target)
    seen = {start}
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@dataclass(frozen=True)
class _Index:
    """The definition's entries by code, for cross-reference checks."""

    nodes: dict[str, Node]
    indicators: dict[str, Indicator]
    places: dict[str, Place]
    organisations: dict[str, Organisation]
    periods: dict[str, Period]
    dimensions: dict[str, Dimension]

    @classmethod
    def of(cls, d: Definition) -> _Index:
        return cls(
            nodes={n.code: n for n in d.nodes},
            indicators={i.code: i for i in d.indicators},
            places={p.code: p for p in d.places},
            organisations={o.code: o for o in d.organisations},
            periods={p.code: p for p in d.periods},
            dimensions={dim.code: dim for dim in d.dimensions},
        )


def check_definition(d: Definition, report: Report) -> None:
    """Cross-file rules: every reference resolves, the graph climbs and has no cycle."""
    index = _Index.of(d)
    _check_backbone(d, index, report)
    links = _check_links(d, index, report)
    _check_indicators(d, index, report)
    _check_places(d, index, report)
    _check_organisations(d, index, report)
    _check_commitments(d, index, links, report)
    _check_periods(d, index, report)
    _check_targets(d, index, report)


def _check_backbone(d: Definition, index: _Index, report: Report) -> None:
    backbone = index.organisations.get(d.initiative.backbone)
    if d.initiative.backbone and backbone is None:
        report(d.initiative, "unknown-organisation", value=d.initiative.backbone)
    elif backbone is not None and backbone.type != "backbone":
        report(
            d.initiative,
            "bad-organisation-type",
            value=backbone.code,
            found=backbone.type,
            expected="backbone",
        )


def _check_links(d: Definition, index: _Index, report: Report) -> list[Link]:
    """Check the links; return those between known nodes."""
    valid = []
    for link in d.links:
        unknown = [code for code in (link.source, link.target) if code not in index.nodes]
        for code in unknown:
            report(link, "unknown-node", value=code)
        if unknown:
            continue
        source, target = index.nodes[link.source], index.nodes[link.target]
        if source.level in LEVELS and target.level in LEVELS and target.rank < source.rank:
            report(
                link,
                "link-goes-down",
                source=source.code,
                target=target.code,
                source_level=source.level,
                target_level=target.level,
            )
        valid.append(link)
    if cycle := find_cycle(valid):
        closing = next(lk for lk in valid if (lk.source, lk.target) == (cycle[-2], cycle[-1]))
        report(closing, "toc-cycle", cycle=" → ".join(cycle))
    return valid


def _check_indicators(d: Definition, index: _Index, report: Report) -> None:
    for ind in d.indicators:
        if ind.node and ind.node not in index.nodes:
            report(ind, "unknown-node", value=ind.node)
        for dim in ind.disaggregations:
            if dim not in index.dimensions:
                report(ind, "unknown-dimension", value=dim)
    measured = {ind.node for ind in d.indicators}
    for node in d.nodes:
        if node.code not in measured:
            report(node, "node-without-indicator", severity="warning", value=node.code)


def _check_places(d: Definition, index: _Index, report: Report) -> None:
    for place in d.places:
        if place.kind == "school" and place.parent:
            parent = index.places.get(place.parent)
            if parent is None:
                report(place, "unknown-place", value=place.parent)
            elif parent.kind != "territory":
                report(place, "bad-parent", value=place.parent, expected="territory")
        elif place.kind == "territory" and place.parent:
            report(place, "bad-parent", value=place.parent, expected="vide / empty")


def _check_organisations(d: Definition, index: _Index, report: Report) -> None:
    for org in d.organisations:
        if org.place:
            school = index.places.get(org.place)
            if school is None:
                report(org, "unknown-place", value=org.place)
            elif school.kind != "school":
                report(org, "bad-parent", value=org.place, expected="school")
        for territory in org.territories:
            known = index.places.get(territory)
            if known is None or known.kind != "territory":
                report(org, "unknown-place", value=territory)


def _check_commitments(d: Definition, index: _Index, links: list[Link], report: Report) -> None:
    sex_dimension = index.dimensions.get("sex")
    sexes = {c.code for c in sex_dimension.categories} if sex_dimension else {"F", "M"}
    for c in d.commitments:
        org = index.organisations.get(c.organisation)
        if org is None:
            report(c, "unknown-organisation", value=c.organisation)
        elif org.type not in COMMITTING_TYPES:
            report(
                c,
                "bad-organisation-type",
                value=org.code,
                found=org.type,
                expected=", ".join(COMMITTING_TYPES),
            )
        action = index.nodes.get(c.action_type)
        if action is None:
            report(c, "unknown-node", value=c.action_type)
        elif action.level != "activity":
            report(c, "action-not-activity", value=action.code, level=action.level)
        if c.node not in index.nodes:
            report(c, "unknown-node", value=c.node)
        elif action is not None and c.node not in reachable(links, action.code):
            report(c, "node-not-reachable", value=c.node, action=action.code)
        references = (
            (c.places, index.places, "unknown-place"),
            (c.periods, index.periods, "unknown-period"),
            (c.indicators, index.indicators, "unknown-indicator"),
        )
        for codes, known, problem in references:
            for code in codes:
                if code not in known:
                    report(c, problem, value=code)
        for grade in c.grades:
            if grade not in GRADES:
                report(c, "unknown-category", value=grade, field="grade")
        for sex in c.sex:
            if sex not in sexes:
                report(c, "unknown-category", value=sex, field="sex")


def _check_periods(d: Definition, index: _Index, report: Report) -> None:
    for period in d.periods:
        if period.kind != "term":
            continue
        year = index.periods.get(period.parent)
        if year is None:
            report(period, "unknown-period", value=period.parent)
        elif year.kind != "school_year":
            report(period, "bad-parent", value=period.parent, expected="school_year")
        elif period.start < year.start or period.end > year.end:
            report(period, "term-outside-year", value=year.code, start=year.start, end=year.end)


def _check_targets(d: Definition, index: _Index, report: Report) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for target in d.targets:
        ind = index.indicators.get(target.indicator)
        if ind is None:
            report(target, "unknown-indicator", value=target.indicator)
        elif not ind.range_min <= target.value <= ind.range_max:
            report(
                target,
                "value-out-of-range",
                value=target.value,
                indicator=ind.code,
                min=ind.range_min,
                max=ind.range_max,
            )
        if target.place != WHOLE_INITIATIVE and target.place not in index.places:
            report(target, "unknown-place", value=target.place)
        if target.period not in index.periods:
            report(target, "unknown-period", value=target.period)
        key = (target.indicator, target.place, target.period, target.kind)
        if key in seen:
            report(
                target,
                "duplicate-target",
                indicator=target.indicator,
                place=target.place,
                period=target.period,
                kind=target.kind,
            )
        seen.add(key)
