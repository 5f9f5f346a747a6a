"""The demo partners' habits: who sends what, when and how (cadences, layouts, lateness,
mistakes refused then corrected, corrections sent again), and the values their files carry
(outcome trajectories towards or away from targets, rates on their denominators, counts split
by sex). Everything is drawn from generators seeded by the organisation's code, so two runs
plan the same files and a smaller scale keeps the same files for the organisations it keeps.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from indicators.definition.model import (
    GRADES,
    Commitment,
    Definition,
    Indicator,
    Organisation,
    Period,
    Place,
)

DEMO_TODAY = dt.date(2026, 11, 23)  # the demo's "today": the data stop where partners were then
SEED = 2026

Key = tuple[str, str, str, str]  # indicator, place, period, disaggregation
Cell = str | int | float | None  # what the writers put in a spreadsheet cell

# The layouts partners use, and how the reader should see each one.
LAYOUTS = ("template", "long", "wide-periods", "wide-indicators", "merged", "sheets", "csv")
READ_AS = {
    "template": "long",
    "long": "long",
    "wide-periods": "wide",
    "wide-indicators": "wide",
    "merged": "wide",
    "sheets": "wide",
    "csv": "long",
}
LAYOUT_WEIGHTS = (30, 22, 12, 12, 8, 8, 8)
FILE_NAMES = {
    "template": "modele-saisie-{tag}.xlsx",
    "long": "bilan-{tag}.xlsx",
    "wide-periods": "suivi-indicateurs-{tag}.xlsx",
    "wide-indicators": "tableau-de-bord-{tag}.xlsx",
    "merged": "synthese-{tag}.xlsx",
    "sheets": "colleges-{tag}.xlsx",
    "csv": "export-{tag}.csv",
}
# Organisations cast in a role, chosen from the definition (the first that fits), so that every
# layout and every mistake is in the demo at any scale.
ROLE_LAYOUTS = {
    "correction": "template",
    "unknown-place": "long",
    "over-100": "wide-indicators",
    "unknown-indicator": "csv",
    "merged": "merged",
    "sheets": "sheets",
    "wide-periods": "wide-periods",
}
UNKNOWN_SCHOOL = "Collège Victor-Hugo"
# A wrong name a partner gives an indicator, far enough from the catalogue to be refused.
WRONG_LABELS = {
    "ateliers-savoir-etre": "Ateliers de savoir-vivre",
    "visites-entreprise": "Visites de chantier",
    "heures-mentorat": "Heures de soutien scolaire",
    "stages-3e-trouves": "Stages d'observation proposés",
}
SEX_LABELS = {"F": "Filles", "M": "Garçons"}
DEFAULT_PUPILS = 140  # per grade, where a school's enrolment is unknown

# Outcome trajectories: indicator -> {territory or "*": (level in the first school year, change
# per year)}. Some outcomes move towards their targets, others do not: the story of the demo.
OUTCOMES: dict[str, dict[str, tuple[float, float]]] = {
    "taux-reussite-dnb": {
        "*": (78.4, 1.8),
        "T-SARCELLES": (76.1, 2.0),
        "T-TOULOUSE": (78.9, 2.2),
        "T-SUD-NIVERNAIS": (84.2, 0.6),
    },
    "moyenne-ecrits-dnb": {"*": (10.2, 0.25)},
    "taux-absenteisme": {
        "*": (9.8, -0.2),
        "T-SARCELLES": (11.2, 0.25),
        "T-TOULOUSE": (10.1, -0.7),
        "T-SUD-NIVERNAIS": (6.4, -0.2),
    },
    "taux-exclusions-temporaires": {"*": (6.5, -0.3)},
    "taux-voeu-satisfait": {
        "*": (71.0, 1.0),
        "T-SARCELLES": (68.0, 0.3),
        "T-TOULOUSE": (72.0, 2.6),
        "T-SUD-NIVERNAIS": (76.0, 1.2),
    },
    "taux-orientation-2gt": {"*": (56.0, 0.8)},
    "taux-decrochage": {"*": (4.1, -0.1)},
    "taux-stages-partenaires": {"*": (18.0, 7.0)},
    "taux-parents-reunion": {"*": (38.0, 4.0)},
    "taux-parents-entretien-orientation": {"*": (55.0, 5.0)},
    "taux-couverture-eleves": {"*": (50.0, 7.0)},
    "taux-presence-coordination": {"*": (72.0, 3.0)},
    "score-confiance": {"*": (5.9, 0.22)},
    "taux-prise-parole": {"*": (37.0, 2.5)},
    "taux-connaissance-metiers": {"*": (41.0, 5.5)},
    "taux-projet-avenir": {"*": (48.0, 0.2)},
    "taux-demarches-orientation": {"*": (31.0, 3.0)},
    "ecart-dnb-national": {"*": (7.2, -0.8)},
    "ecart-voeu-departement": {"*": (6.0, 0.1)},
}
# Spread of one place's level around its territory's, in the indicator's unit.
OUTCOME_SPREAD = {"score-confiance": 0.3, "moyenne-ecrits-dnb": 0.6}
# What a rate is computed on: pupils of 3e, all pupils, surveyed pupils, people invited.
DENOMINATORS = {
    "taux-reussite-dnb": "3e",
    "taux-voeu-satisfait": "3e",
    "taux-orientation-2gt": "3e",
    "taux-decrochage": "3e",
    "taux-stages-partenaires": "3e",
    "taux-parents-entretien-orientation": "3e",
    "taux-projet-avenir": "survey-3e",
    "taux-demarches-orientation": "survey-3e",
    "taux-prise-parole": "survey",
    "taux-connaissance-metiers": "survey",
    "taux-presence-coordination": "invited",
}
# Counts that follow a rate: jeunes-sans-solution is the decrochage rate applied to the 3e.
COUNT_OF_RATE = {"jeunes-sans-solution": "taux-decrochage"}
# Yearly growth of an action's outputs; internships stall, which the demo should show.
GROWTH = {
    "stages-3e-trouves": 0.02,
    "offres-stage-collectees": 0.03,
    "visites-entreprise": 0.14,
    "jeunes-touches": 0.1,
}
DEFAULT_GROWTH = 0.08
# People counts are cumulative over the school year ("last" over time): share reached by term.
CUMULATIVE = {"stages-3e-trouves": (0.2, 0.95, 1.0), "jeunes-mentores": (0.7, 0.95, 1.0)}
DEFAULT_CUMULATIVE = (0.55, 0.85, 1.0)
# Flows (events, hours, amounts) split over the terms of a year.
SPLIT = {"offres-stage-collectees": (0.6, 0.35, 0.05), "visites-entreprise": (0.3, 0.4, 0.3)}
DEFAULT_SPLIT = (0.35, 0.35, 0.3)
EVENTS_PER_TERM = {
    "visites-entreprise": 2.0,
    "visites-proposees": 3.0,
    "ateliers-savoir-etre": 5.0,
    "reunions-parents": 2.0,
    "reunions-coordination": 2.0,
    "journees-formation": 2.0,
}
HOURS_PER_YOUTH = {"heures-mentorat": 24.0, "heures-ateliers": 18.0}
PEOPLE_SHARE = {"parents-touches": 0.7, "jeunes-mentores": 0.85, "stages-3e-trouves": 0.6}


@dataclass(frozen=True)
class DemoValue:
    """One value a demo file carries, as the store should hold it once accepted."""

    indicator: str
    place: str
    period: str
    disaggregation: str = ""
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def key(self) -> Key:
        """The natural key of the value within its organisation."""
        return (self.indicator, self.place, self.period, self.disaggregation)


@dataclass(frozen=True)
class DemoFile:
    """One generated file, in the order the partners sent them."""

    path: Path
    organisation: str
    layout: str  # one of LAYOUTS
    received_at: dt.datetime  # naive UTC, like the store's timestamps
    due: dt.date  # the due date of the last period it reports
    expected: str = "received"  # received, unchanged or rejected
    story: str = ""  # why the file is there beyond routine: refused, corrected, correction, resent
    problem: str = ""  # for a file expected to be refused: the error code it must show
    values: tuple[DemoValue, ...] = ()

    @property
    def late(self) -> bool:
        """True when the file arrived after the due date of what it reports."""
        return self.received_at.date() > self.due


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    """A partner's habits."""

    layout: str
    cadence: str  # termly, twice (after T2 and at the year's end), yearly
    lateness: float  # chance that an upload is late
    by_sex: bool  # reports people counts by sex as well
    french: bool  # numbers typed as French text ("1 204", "45,2 %")


@dataclass
class Upload:
    org: Organisation
    layout: str
    when: dt.datetime
    anchor: Period  # the period whose due date the upload answers
    periods: tuple[Period, ...]
    values: list[DemoValue]
    french: bool
    name: str = ""
    expected: str = "received"
    story: str = ""
    problem: str = ""
    bad_place: Key | None = None
    bad_indicator: str = ""
    copy_of: Upload | None = None


@dataclass(frozen=True)
class _Year:
    period: Period
    terms: tuple[Period, ...]  # the terms ended by the demo's today
    index: int  # 0 for the initiative's first school year
    done: bool  # the school year itself has ended


class _World:
    """The definition, indexed for the generators."""

    def __init__(self, definition: Definition, today: dt.date):
        self.definition = definition
        self.today = today
        self.indicators = {i.code: i for i in definition.indicators}
        self.places = {p.code: p for p in definition.places}
        self.schools_of: dict[str, list[Place]] = {}
        for place in definition.places:
            if place.kind == "school":
                self.schools_of.setdefault(place.parent, []).append(place)
        school_years = sorted(
            (p for p in definition.periods if p.kind == "school_year"), key=lambda p: p.start
        )
        self.term_position: dict[str, int] = {}
        self.years: list[_Year] = []
        for index, year in enumerate(school_years):
            terms = sorted(
                (p for p in definition.periods if p.kind == "term" and p.parent == year.code),
                key=lambda p: p.start,
            )
            self.term_position.update({t.code: i for i, t in enumerate(terms)})
            ended = tuple(t for t in terms if t.end <= today)
            if ended or year.end <= today:
                self.years.append(_Year(year, ended, index, year.end <= today))
        self.committed_years = {y for c in definition.commitments for y in c.periods}
        self.commitments: dict[str, list[Commitment]] = {}
        for commitment in definition.commitments:
            if commitment.indicators:
                self.commitments.setdefault(commitment.organisation, []).append(commitment)

    def pupils(self, place: Place, grades: tuple[str, ...] = ()) -> int:
        """Pupils of the grades (all when empty) in a school, or in a territory's schools."""
        if place.kind == "territory":
            schools = self.schools_of.get(place.code, [])
            return sum(self.pupils(s, grades) for s in schools) or 4 * DEFAULT_PUPILS
        return sum(place.pupils.get(g) or DEFAULT_PUPILS for g in grades or GRADES)

    def territory(self, place: Place) -> str:
        return place.parent if place.kind == "school" else place.code

    def first_action_year(self) -> _Year | None:
        return next((y for y in self.years if y.period.code in self.committed_years), None)

    def last_action_year(self) -> _Year | None:
        return next(
            (y for y in reversed(self.years) if y.period.code in self.committed_years), None
        )


def _draw(text: str) -> random.Random:
    return random.Random(f"{SEED}:{text}")


def plan_uploads(definition: Definition, scale: float, today: dt.date) -> list[Upload]:
    world = _World(definition, today)
    uploaders = [o for o in definition.organisations if o.code in world.commitments]
    roles = _cast(world, uploaders)
    kept = set(roles.values())
    uploads: list[Upload] = []
    for org in uploaders:
        if org.code not in kept and _draw(f"scale:{org.code}").random() >= scale:
            continue
        role = next((r for r, code in roles.items() if code == org.code), "")
        profile = _profile(org, role)
        truth = _truth(world, org, profile)
        org_uploads = _org_uploads(world, org, profile, truth, role)
        uploads += _scenario(world, org_uploads, role, roles)
    uploads.sort(key=lambda u: (u.when, u.org.code, u.name))
    return uploads


def _cast(world: _World, uploaders: list[Organisation]) -> dict[str, str]:
    """Role -> the first organisation that can play it (each plays one role at most)."""
    first, last = world.first_action_year(), world.last_action_year()
    if first is None or last is None:
        return {}

    def indicators(org: Organisation, year: _Year) -> list[Indicator]:
        return [
            world.indicators[code]
            for c in world.commitments[org.code]
            if year.period.code in c.periods
            for code in c.indicators
        ]

    def school_places(org: Organisation, year: _Year) -> list[str]:
        return [
            p
            for c in world.commitments[org.code]
            if year.period.code in c.periods
            for p in c.places
            if world.places[p].kind == "school"
        ]

    fits: dict[str, Callable[[Organisation], bool]] = {
        "correction": lambda o: (
            o.type in ("company", "company_foundation")
            and any(i.frequency == "term" and i.unit == "event" for i in indicators(o, first))
        ),
        "unknown-place": lambda o: o.type == "association" and bool(school_places(o, first)),
        "over-100": lambda o: (
            o.type == "school"
            and any(
                i.type == "percentage" and i.frequency == "school_year"
                for i in indicators(o, first)
            )
        ),
        "unknown-indicator": lambda o: (
            o.type != "school" and any(i.code in WRONG_LABELS for i in indicators(o, last))
        ),
        "merged": lambda o: any(
            i.unit == "person" and "sex" in i.disaggregations and i.frequency == "term"
            for i in indicators(o, first)
        ),
        "sheets": lambda o: len(set(school_places(o, first))) >= 2,
        "wide-periods": lambda o: any(i.frequency == "term" for i in indicators(o, first)),
    }
    roles: dict[str, str] = {}
    for role, fit in fits.items():
        for org in uploaders:
            if org.code not in roles.values() and org.type != "backbone" and fit(org):
                roles[role] = org.code
                break
    return roles


def _profile(org: Organisation, role: str) -> _Profile:
    rng = _draw(f"profile:{org.code}")
    drawn = rng.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
    layout = ROLE_LAYOUTS.get(role) or ("template" if org.type == "backbone" else drawn)
    cadence = rng.choices(("termly", "twice", "yearly"), (1, 4, 5))[0]
    lateness = rng.choice((0.05, 0.1, 0.15, 0.2, 0.5, 0.7))
    by_sex = layout in ("template", "long", "merged") and (role == "merged" or rng.random() < 0.4)
    french = layout == "csv" or (
        layout in ("long", "wide-periods", "wide-indicators", "sheets")
        and (rng.random() < 0.5 or bool(role))
    )
    if role:
        lateness = 0.05  # the cast's own stories are told by their scenario
    return _Profile(layout, cadence, lateness, by_sex, french)


def _org_uploads(
    world: _World, org: Organisation, profile: _Profile, truth: dict[Key, DemoValue], role: str
) -> list[Upload]:
    """The organisation's routine uploads, in time order."""
    rng = _draw(f"uploads:{org.code}")
    last = world.last_action_year()
    uploads: list[Upload] = []
    for year in world.years:
        codes = {year.period.code, *(t.code for t in year.terms)}
        in_year = [v for v in truth.values() if v.period in codes]
        if not in_year:
            continue
        groups = _groups(profile.cadence, year)
        for group in groups:
            in_group = {p.code for p in group}
            values = [v for v in in_year if v.period in in_group]
            terms = [p for p in group if p.kind == "term"]
            anchor = terms[-1] if terms else year.period
            late = rng.random() < profile.lateness
            missing = rng.random() < (0.08 if year == last else 0.03)
            when = _when(anchor, late, rng)
            if not values or (missing and not role) or when.date() > world.today:
                continue
            uploads.append(
                Upload(org, profile.layout, when, anchor, tuple(group), values, profile.french)
            )
    if profile.layout == "template":  # the partner keeps one workbook and sends it whole
        sent: dict[Key, DemoValue] = {}
        for upload in uploads:
            sent.update({v.key: v for v in upload.values})
            upload.values = list(sent.values())
    if profile.layout == "csv" and uploads and rng.random() < 0.5:
        upload = uploads[rng.randrange(len(uploads))]  # one value "NC": not available
        counts = [
            i for i, v in enumerate(upload.values) if not v.disaggregation and v.numerator is None
        ]
        if counts:
            at = counts[rng.randrange(len(counts))]
            upload.values[at] = replace(upload.values[at], value=None)
    for upload in uploads:
        upload.name = FILE_NAMES[upload.layout].format(tag=_tag(upload.periods))
    return uploads


def _groups(cadence: str, year: _Year) -> list[list[Period]]:
    """The periods sent together in one upload, for a partner's cadence."""
    terms = list(year.terms)
    if cadence == "termly":
        groups = [[t] for t in terms]
    elif cadence == "twice":
        groups = [terms[:2], terms[2:]]
    else:
        groups = [terms]
    groups = [g for g in groups if g]
    if year.done:
        if groups and len(year.terms) == 3 and groups[-1][-1] == year.terms[-1]:
            groups[-1].append(year.period)
        else:
            groups.append([year.period])
    return groups


def _when(anchor: Period, late: bool, rng: random.Random) -> dt.datetime:
    """An upload time: before the anchor's due date, or some weeks after it."""
    window = max(2, (anchor.due - anchor.end).days - 1)
    if late:
        day = anchor.due + dt.timedelta(days=rng.randint(4, 45))
    else:
        day = anchor.end + dt.timedelta(days=rng.randint(2, window))
    return dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)))


def _tag(periods: tuple[Period, ...]) -> str:
    years = sorted({p.parent or p.code for p in periods})
    terms = [p.code.removeprefix(f"{p.parent}-") for p in periods if p.kind == "term"]
    return "-".join([*years, *terms])


def _scenario(
    world: _World, uploads: list[Upload], role: str, roles: dict[str, str]
) -> list[Upload]:
    """The cast organisation's story laid over its routine uploads."""
    if not uploads:
        return uploads
    if role == "correction":
        return _correction(world, uploads)
    if role == "unknown-place":
        found = _first(
            uploads, lambda v: world.places[v.place].kind == "school" and not v.disaggregation
        )
        if found:
            upload, value = found
            return _refused_then_corrected(
                uploads, upload, replace(upload, bad_place=value.key), "unknown-place", days=3
            )
    if role == "over-100":
        uploads = _late_last(world, uploads)
        found = _first(uploads, lambda v: world.indicators[v.indicator].type == "percentage")
        if found:
            upload, value = found
            wrong = round(value.value + 60, 1) if value.value and value.value > 40 else 112.5
            values = [
                replace(v, value=wrong, numerator=None, denominator=None) if v is value else v
                for v in upload.values
            ]
            return _refused_then_corrected(
                uploads, upload, replace(upload, values=values), "percentage-over-100", days=6
            )
    if role == "unknown-indicator":
        last = world.last_action_year()
        found = _first(
            uploads,
            lambda v: (
                v.indicator in WRONG_LABELS
                and last is not None
                and v.period in {last.period.code, *(t.code for t in last.terms)}
            ),
        )
        if found:
            upload, value = found
            return _refused_then_corrected(
                uploads,
                upload,
                replace(upload, bad_indicator=value.indicator),
                "unknown-indicator",
                days=2,
            )
    return uploads


def _first(
    uploads: list[Upload], test: Callable[[DemoValue], bool]
) -> tuple[Upload, DemoValue] | None:
    for upload in uploads:
        for value in upload.values:
            if value.value is not None and test(value):
                return upload, value
    return None


def _gap(uploads: list[Upload], upload: Upload, days: float) -> dt.timedelta:
    """A delay after `upload` that stays before the organisation's next upload."""
    later = [u.when for u in uploads if u.when > upload.when]
    wanted = dt.timedelta(days=days)
    return min(wanted, (min(later) - upload.when) / 3) if later else wanted


def _refused_then_corrected(
    uploads: list[Upload], upload: Upload, wrong: Upload, problem: str, days: float
) -> list[Upload]:
    """`wrong` is sent instead of `upload` and refused; `upload` follows, corrected."""
    wrong.expected, wrong.story, wrong.problem = "rejected", f"refused: {problem}", problem
    corrected = replace(
        upload,
        when=upload.when + _gap(uploads, upload, days),
        name=upload.name.replace(".", "-corrige.", 1),
        story="corrects the refused file",
    )
    return [wrong if u is upload else u for u in uploads] + [corrected]


def _correction(world: _World, uploads: list[Upload]) -> list[Upload]:
    """A value found wrong after an accepted upload: corrected file, then the same file again."""
    first = uploads[0]
    value = next(
        (
            v
            for v in first.values
            if v.value is not None
            and v.numerator is None
            and not v.disaggregation
            and world.indicators[v.indicator].unit == "event"
        ),
        None,
    )
    if value is None or value.value is None:
        return uploads
    wrong = replace(value, value=value.value + 2)
    sent_wrong = replace(first, values=[wrong if v is value else v for v in first.values])
    fixed = replace(
        first,
        when=first.when + _gap(uploads, first, 30),
        name=first.name.replace(".", "-v2.", 1),
        story="correction: one value corrected",
    )
    again = replace(
        fixed,
        when=fixed.when + _gap([*uploads, fixed], fixed, 1),
        name=fixed.name.replace(".", " (2).", 1),
        expected="unchanged",
        story="resent: the same file again",
        copy_of=fixed,
    )
    return [sent_wrong if u is first else u for u in uploads] + [fixed, again]


def _late_last(world: _World, uploads: list[Upload]) -> list[Upload]:
    """The organisation's last upload arrives some weeks after its due date."""
    last = uploads[-1]
    when = dt.datetime.combine(last.anchor.due + dt.timedelta(days=40), dt.time(16, 20))
    if when.date() >= world.today or when <= last.when:
        return uploads
    return [*uploads[:-1], replace(last, when=when, story="late")]


# --- the values -----------------------------------------------------------------------------


def _kind(indicator: Indicator) -> str:
    if indicator.type == "percentage":
        return "rate"
    if indicator.type in ("ratio", "score", "amount"):
        return indicator.type
    if indicator.type == "duration":
        return "hours" if indicator.unit == "hour" else "events"
    return "people" if indicator.unit == "person" else "events"


ADDITIVE = ("people", "events", "hours", "amount")


def _truth(world: _World, org: Organisation, profile: _Profile) -> dict[Key, DemoValue]:
    """Every value the organisation has to report, for the school years with data."""
    rng = _draw(f"values:{org.code}")
    first = world.first_action_year()
    values: dict[Key, DemoValue] = {}
    for commitment in world.commitments[org.code]:
        for year in world.years:
            baseline = (
                first is not None
                and year.index < first.index
                and org.type in ("school", "backbone")  # they hold the data of the year before
            )
            if year.period.code not in commitment.periods and not baseline:
                continue
            for code in commitment.indicators:
                indicator = world.indicators[code]
                if indicator.frequency == "term":
                    periods = list(year.terms) if not baseline else []
                else:
                    periods = [year.period] if year.done else []
                for place in commitment.places:
                    series = _series(
                        world,
                        org,
                        commitment,
                        indicator,
                        world.places[place],
                        year,
                        periods,
                        profile,
                        rng,
                    )
                    for value in series:
                        old = values.get(value.key)
                        if old is None:
                            values[value.key] = value
                        elif _kind(indicator) in ADDITIVE and old.value is not None:
                            values[value.key] = replace(old, value=old.value + (value.value or 0))
    return values


def _level(world: _World, code: str, indicator: Indicator, place: Place, k: int) -> float:
    """The outcome level of a place in the year of index k (0: first school year)."""
    table = OUTCOMES.get(code, {})
    low, high = indicator.range_min, min(indicator.range_max, 100.0)
    if table:
        base, slope = table.get(world.territory(place)) or table["*"]
    elif indicator.type == "percentage":
        base, slope = 50.0, 1.0 if indicator.polarity != "lower_is_better" else -1.0
    else:
        base, slope = (low + high) / 2, 0.0
    spread = OUTCOME_SPREAD.get(code, 2.0 if indicator.type == "percentage" else 0.5)
    offset = _draw(f"offset:{code}:{place.code}").gauss(0, spread)
    noise = _draw(f"noise:{code}:{place.code}:{k}").gauss(0, spread / 3)
    return min(high, max(low, base + slope * k + offset + noise))


def _denominator(world: _World, code: str, place: Place, grades: tuple[str, ...], k: int) -> int:
    kind = DENOMINATORS.get(code, "all")
    rng = _draw(f"denominator:{code}:{place.code}:{k}")
    third = world.pupils(place, ("3e",))
    if kind == "3e":
        return max(20, round(third * rng.uniform(0.95, 1.0)))
    if kind == "survey-3e":
        return max(20, round(third * rng.uniform(0.55, 0.7)))
    if kind == "survey":
        return max(20, round(world.pupils(place) * rng.uniform(0.3, 0.4)))
    if kind == "invited":
        return rng.randint(18, 40)
    return world.pupils(place, grades)


def _school_reach(world: _World, place: Place, k: int) -> float:
    """Pupils of a school reached by the alliance over a school year, when it reports them."""
    first = world.first_action_year()
    share = 0.8 + 0.03 * (k - (first.index if first else 0))
    return world.pupils(place) * share * _draw(f"reach:{place.code}:{k}").uniform(0.93, 1.07)


def _series(
    world: _World,
    org: Organisation,
    commitment: Commitment,
    indicator: Indicator,
    place: Place,
    year: _Year,
    periods: list[Period],
    profile: _Profile,
    rng: random.Random,
) -> list[DemoValue]:
    """The values of one indicator at one place over the periods of one school year."""
    code, k, kind = indicator.code, year.index, _kind(indicator)
    first = world.first_action_year()
    step = k - (first.index if first else 0)  # 0 in the first year of action
    growth = max(0.5, 1 + GROWTH.get(code, DEFAULT_GROWTH) * step)
    noise = rng.uniform(0.85, 1.15)
    territory = place.kind == "territory"
    grades = commitment.grades
    targeted = (
        commitment.targeted / len(commitment.places)
        if commitment.targeted
        else 0.3 * world.pupils(place, grades)
    )
    girls = 1.0 if commitment.sex == ("F",) else rng.uniform(0.44, 0.56)
    out: list[DemoValue] = []
    for period in periods:
        position = world.term_position.get(period.code)
        cumulative = 1.0 if position is None else CUMULATIVE.get(code, DEFAULT_CUMULATIVE)[position]
        split = 1.0 if position is None else SPLIT.get(code, DEFAULT_SPLIT)[position]
        per_year = 3 if position is not None else 1
        value: float | None
        numerator = denominator = None
        if kind == "people":
            if code in COUNT_OF_RATE:
                rate = world.indicators.get(COUNT_OF_RATE[code])
                level = _level(world, COUNT_OF_RATE[code], rate or indicator, place, k)
                value = round(world.pupils(place, ("3e",)) * level / 100)
            elif code == "jeunes-touches" and org.type == "school":
                value = round(_school_reach(world, place, k) * cumulative)
            elif code == "salaries-benevoles":
                value = round(max(2.0, targeted / 1.6) * growth * noise * cumulative)
            elif code == "enseignants-formes":
                value = round((36 if territory else 12) * growth * noise * cumulative)
            else:
                share = PEOPLE_SHARE.get(code, 0.9)
                value = round(targeted * share * growth * noise * cumulative)
        elif kind == "events":
            base = EVENTS_PER_TERM.get(code, 3.0) * (2 if territory else 1)
            if code == "offres-stage-collectees":
                base = targeted * 0.45
            value = round(base * per_year * growth * noise * split)
        elif kind == "hours":
            value = round(targeted * HOURS_PER_YOUTH.get(code, 20.0) * growth * noise * split)
        elif kind == "amount":
            value = round(rng.uniform(8, 60) * growth * split * 2) * 500.0
        elif kind == "rate":
            denominator = _denominator(world, code, place, grades, k)
            if code == "taux-couverture-eleves" and org.type == "school":
                numerator = min(denominator, round(_school_reach(world, place, k) * cumulative))
            else:
                level = _level(world, code, indicator, place, k)
                if position is not None:
                    level *= 0.9 + 0.1 * cumulative  # rates settle over the year
                numerator = min(denominator, round(denominator * level / 100))
            value = 100 * numerator / denominator
        elif kind == "ratio":  # given alone: the checker refuses a numerator over its denominator
            youths = round(targeted * 0.85 * growth * noise * cumulative) or 1
            value = round(youths / max(1, round(targeted / rng.uniform(2.0, 4.0) * cumulative)), 1)
        else:  # score
            value = round(_level(world, code, indicator, place, k), 1)
        out.append(DemoValue(code, place.code, period.code, "", value, numerator, denominator))
        if (
            profile.by_sex
            and kind == "people"
            and "sex" in indicator.disaggregations
            and value is not None
        ):
            girls_count = round(value * girls)
            out.append(DemoValue(code, place.code, period.code, "sex=F", girls_count))
            if commitment.sex != ("F",):
                out.append(DemoValue(code, place.code, period.code, "sex=M", value - girls_count))
    return out
