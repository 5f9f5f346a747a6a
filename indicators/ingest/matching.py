"""Match the labels partners write (headers, row labels) to the common definition.

Each match has a confidence and says how it was found, so that a page can show it and ask
for confirmation where it is low. Methods, best first: `memory` (a partner confirmed it
before), `code`, `label` (a French or English label or a declared alias, ignoring case,
accents and punctuation), `folded` (the same words in the same order once abbreviations such
as Nb, Clg or Col. are expanded, plurals made singular and little words such as "de" or
"des" dropped), `words` (the same words in another order), `similar` (close spelling).

Order matters where it changes the meaning: "Rencontres avec les parents" (meetings) is not
"Parents rencontrés" (parents met), although both hold the same words once accents are
folded. Two labels are read as saying the same thing only when their first or their last
meaningful word agree (a measure word such as "nombre" or "taux" does not count).

Two schools may share a name: the school's commune breaks the tie, given in the same cell
("Collège Jean-Moulin (Toulouse)", "Clg Jean Moulin - Sarcelles") or by a commune column.
What the definition knows of a school's commune is its INSEE code, its department and the
name of its territory.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from indicators.common.text import normalise
from indicators.definition.model import Definition

AUTO = 0.9  # at or above: mapped without asking
ASK = 0.6  # between ASK and AUTO: proposed, to be confirmed; below: unknown
KINDS = ("indicator", "place", "dimension")
FOLDED = 0.92  # same words in the same order after folding: as sure as a label
WORDS = 0.85  # same words in another order: a proposal
REORDERED = 0.6  # similarity kept when the first and last meaningful words both differ
CONTAINED = 0.75  # at least this similar: a label's words in order, inside a longer one

STOPWORDS = frozenset(
    [
        "de",
        "des",
        "du",
        "d",
        "la",
        "le",
        "les",
        "l",
        "et",
        "ou",
        "of",
        "the",
        "a",
        "an",
        "au",
        "aux",
        "en",
        "par",
        "pour",
        "sur",
        "dans",
        "avec",
        "by",
        "for",
        "in",
        "on",
        "with",
        "to",
    ]
)
# Abbreviations and synonyms partners use, mapped to one canonical word.
SYNONYMS = {
    "nb": "nombre",
    "nbr": "nombre",
    "nbre": "nombre",
    "n": "nombre",
    "no": "nombre",
    "number": "nombre",
    "count": "nombre",
    "num": "nombre",
    "tx": "taux",
    "pct": "taux",
    "%": "taux",
    "part": "taux",
    "pourcentage": "taux",
    "proportion": "taux",
    "rate": "taux",
    "share": "taux",
    "percentage": "taux",
    "h": "heure",
    "hr": "heure",
    "hrs": "heure",
    "hour": "heure",
    "clg": "college",
    "col": "college",
    "coll": "college",
    "colg": "college",
    "etab": "etablissement",
    "etabl": "etablissement",
    "ets": "etablissement",
    "benef": "beneficiaire",
    "bénéf": "beneficiaire",
    "beneficiary": "beneficiaire",
    "eleve": "eleve",
    "pupil": "eleve",
    "student": "eleve",
    "jeune": "jeune",
    "young": "jeune",
    "youth": "jeune",
    "entreprise": "entreprise",
    "company": "entreprise",
    "companies": "entreprise",
    "ent": "entreprise",
    "visit": "visite",
    "stagiaire": "stage",
    "internship": "stage",
}
# Words that end in s or x in the singular too.
INVARIABLE = frozenset(
    [
        "taux",
        "prix",
        "choix",
        "mois",
        "cours",
        "parcours",
        "concours",
        "secours",
        "recours",
        "fois",
        "temps",
        "pays",
        "acces",
        "succes",
        "progres",
        "discours",
        "corps",
        "bras",
        "repas",
    ]
)
BASES_KEPT = 4  # definitions whose indexes are kept (a store's current one, and a few in tests)
_BASES: dict[int, tuple[Definition, Vocabulary]] = {}  # id(definition) -> it and its indexes
UAI = re.compile(r"\b(\d{7}[A-Za-z])\b")
# Words that say how something is measured, not what: skipped when comparing meaning.
MEASURE_WORDS = frozenset({"nombre", "taux", "total", "moyenne", "volume", "montant", "effectif"})
# A place written with its commune: "Collège Jean-Moulin (Toulouse)", "Clg X - Sarcelles".
PLACE_HINT = re.compile(
    r"(?P<name>.+?)\s*(?:\((?P<paren>[^()]+)\)|\s[-–—/|]\s*(?P<dash>[^-–—/|]+)|,\s*(?P<comma>[^,]+))\s*"
)
SIMILAR_KEPT = 200  # labels compared letter by letter with an unknown one, at most
STEM = 4  # spelling-close labels are looked for among those sharing a word's first letters


@functools.lru_cache(maxsize=1 << 16)
def words(label: str) -> tuple[str, ...]:
    """The meaningful words of a label: normalised, singular, abbreviations expanded."""
    out = []
    for token in normalise(label.replace("%", " % ")).split() + (["%"] if "%" in label else []):
        if token in STOPWORDS:
            continue
        token = SYNONYMS.get(token, token)
        if (
            len(token) > 3
            and token[-1] in "sx"
            and token not in INVARIABLE
            and not token.endswith("ss")
        ):
            token = token[:-1]
        token = SYNONYMS.get(token, token)
        out.append(token)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Match:
    """What a label was matched to."""

    kind: str
    label: str
    target: str | None
    confidence: float
    method: str  # memory, code, label, words, similar, none
    alternatives: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        """True when the match is a proposal a person should confirm."""
        return self.target is not None and self.confidence < AUTO


@dataclass
class _Index:
    exact: dict[str, str] = field(default_factory=dict)  # code as written -> target
    codes: dict[str, str] = field(default_factory=dict)  # normalised code -> target
    labels: dict[str, set[str]] = field(default_factory=dict)  # normalised label -> targets
    # sorted words -> each (words in their order, target) they come from; tuples, not sets:
    # a school name gives a few, and an index may hold tens of thousands of schools
    orders: dict[tuple[str, ...], tuple[tuple[tuple[str, ...], str], ...]] = field(
        default_factory=dict
    )
    stems: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # word start -> keys
    where: dict[str, frozenset[str]] = field(default_factory=dict)  # place -> its commune's words

    def add(self, target: str, code: str, labels: Iterable[str]) -> None:
        self.exact[code] = target
        self.codes[normalise(code)] = target
        for text in (code, *labels):
            if not text:
                continue
            self.labels.setdefault(normalise(text), set()).add(target)
            ordered = words(text)
            key = tuple(sorted(ordered))
            if key:
                known = self.orders.get(key, ())
                if (ordered, target) not in known:
                    self.orders[key] = (*known, (ordered, target))
                if not known:
                    for word in key:
                        self.stems.setdefault(word[:STEM], set()).add(key)


@dataclass
class Vocabulary:
    """The names of everything a workbook may refer to, by kind, with a partner's memory."""

    indexes: dict[str, _Index] = field(default_factory=lambda: {kind: _Index() for kind in KINDS})
    memory: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, normalised) -> target
    _seen: dict[tuple[str, str, str], Match] = field(default_factory=dict, repr=False)
    # Matches found in the indexes alone, shared by every vocabulary of one definition.
    _found: dict[tuple[str, str, str], Match] = field(default_factory=dict, repr=False)

    @classmethod
    def from_definition(cls, d: Definition) -> Vocabulary:
        """Codes, labels and aliases of indicators, places and disaggregation categories.

        The indexes are built once per definition object and shared (read-only) by the
        vocabularies made from it, with what was already matched in them: each upload adds
        only its partner's memory.
        """
        known = _BASES.get(id(d))
        if known is None or known[0] is not d:
            while len(_BASES) >= BASES_KEPT:
                del _BASES[next(iter(_BASES))]
            known = _BASES[id(d)] = (d, cls._build(d))
        base = known[1]
        return cls(indexes=base.indexes, _found=base._found)

    @classmethod
    def _build(cls, d: Definition) -> Vocabulary:
        vocabulary = cls()
        for ind in d.indicators:
            vocabulary.add(
                "indicator", ind.code, ind.code, [ind.label_fr, ind.label_en, *ind.aliases]
            )
        territories = {p.code: p.name for p in d.places if p.kind == "territory"}
        where = vocabulary.indexes["place"].where
        shared: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct commune
        for place in d.places:
            names = [place.name]
            if place.kind == "school":
                bare = re.sub(r"(?i)^\s*coll[eè]ge\s+", "", place.name)
                names += [bare, f"Collège {bare}", f"Clg {bare}"]
            vocabulary.add("place", place.code, place.code, names)
            commune = normalise(place.commune_insee)
            said = frozenset({commune, commune[:2], *words(territories.get(place.parent, ""))})
            where[place.code] = shared.setdefault(said - {""}, said - {""})
        for dim in d.dimensions:
            for category in dim.categories:
                target = f"{dim.code}={category.code}"
                vocabulary.add(
                    "dimension", target, category.code, [category.label_fr, category.label_en]
                )
        return vocabulary

    def add(self, kind: str, target: str, code: str, labels: Iterable[str]) -> None:
        """Make `target` known under its code and labels."""
        self.indexes[kind].add(target, code, labels)

    def remember(self, memory: Mapping[tuple[str, str], str]) -> None:
        """Add a partner's confirmed mappings: (kind, source label) -> target."""
        for (kind, label), target in memory.items():
            self.memory[(kind, normalise(label))] = target
        self._seen.clear()

    def match(self, kind: str, label: object, hint: str = "") -> Match:
        """The best target of `kind` for `label`, with its confidence and method.

        `hint`: for a place, the text of its commune (a commune column), which picks one of
        several schools of the same name.
        """
        text = "" if label is None else str(label).strip()
        known = self._seen.get((kind, text, hint))
        if known is None:
            known = self._seen[(kind, text, hint)] = self._match(kind, text, hint)
        return known

    def match_all(self, kind: str, labels: Iterable[str]) -> list[Match]:
        """`match(kind, label)` of each label, without a hint: the labels of a whole column,
        tens of thousands of them, looked up in one loop."""
        seen, out = self._seen, []
        for label in labels:
            key = (kind, label.strip(), "")
            known = seen.get(key)
            if known is None:
                known = seen[key] = self._match(kind, key[1], "")
            out.append(known)
        return out

    def _match(self, kind: str, text: str, hint: str) -> Match:
        if not text:
            return Match(kind, text, None, 0.0, "none")
        if self.memory:
            remembered = self.memory.get((kind, normalise(text)))
            if remembered is not None:
                return Match(kind, text, remembered, 1.0, "memory")
        found = self._found.get((kind, text, hint))
        if found is None:
            found = self._found[(kind, text, hint)] = self._in_indexes(kind, text, hint)
        return found

    def _in_indexes(self, kind: str, text: str, hint: str) -> Match:
        index = self.indexes[kind]
        targets, confidence, method = self._named(kind, text, index)
        if kind == "place" and len(targets) != 1:
            named = PLACE_HINT.fullmatch(text)
            inner = named and (named["paren"] or named["dash"] or named["comma"])
            if named and inner and not targets:  # the name, without what follows it
                targets, confidence, method = self._named(kind, named["name"], index)
            if len(targets) > 1 and (hint or inner):
                targets = _near(targets, f"{hint} {inner or ''}", index) or targets
        if len(targets) == 1:
            return Match(kind, text, targets[0], confidence, method)
        if targets:
            return Match(kind, text, targets[0], ASK, method, tuple(targets[1:]))
        return self._similar(kind, text, index)

    def _named(self, kind: str, text: str, index: _Index) -> tuple[list[str], float, str]:
        """The targets `text` names without guessing, how sure and how; ([], 0, "none")."""
        if text in index.exact:
            return [index.exact[text]], 1.0, "code"
        plain = normalise(text)
        if plain in index.codes:
            return [index.codes[plain]], 1.0, "code"
        if kind == "place" and (uai := UAI.search(text)) and normalise(uai.group(1)) in index.codes:
            return [index.codes[normalise(uai.group(1))]], 1.0, "code"
        if plain in index.labels:
            return sorted(index.labels[plain]), 0.95, "label"
        ordered = words(text)
        known = index.orders.get(tuple(sorted(ordered)), ())
        same = {t for theirs, t in known if theirs == ordered}
        if same:
            return sorted(same), FOLDED, "folded"
        agreeing = {t for theirs, t in known if _agree(ordered, theirs)}
        if agreeing:
            return sorted(agreeing), WORDS, "words"
        return [], 0.0, "none"

    def _similar(self, kind: str, text: str, index: _Index) -> Match:
        ordered = words(text)
        mine = " ".join(sorted(ordered))
        mine_set = set(ordered)
        scored: dict[str, float] = {}
        shared: Counter[tuple[str, ...]] = Counter()
        for stem in {word[:STEM] for word in mine_set}:
            shared.update(index.stems.get(stem, ()))
        # Spelling is compared with the labels sharing the most word starts, a bounded few
        # (the first SIMILAR_KEPT by most shared, then alphabetically, without sorting all:
        # a word start such as "coll" is shared by tens of thousands of schools).
        by_count: dict[int, list[tuple[str, ...]]] = {}
        for key, count in shared.items():
            by_count.setdefault(count, []).append(key)
        nearby: list[tuple[str, ...]] = []
        for count in sorted(by_count, reverse=True):
            if len(nearby) >= SIMILAR_KEPT:
                break
            nearby += heapq.nsmallest(SIMILAR_KEPT - len(nearby), by_count[count])
        for key in nearby:
            theirs = " ".join(key)
            jaccard = len(mine_set & set(key)) / max(len(mine_set | set(key)), 1)
            ratio = difflib.SequenceMatcher(None, mine, theirs).ratio()
            score = max(ratio, jaccard)
            for order, target in index.orders[key]:
                here = score
                if len(ordered) >= 2 and _inside(ordered, order):
                    here = max(here, CONTAINED + (1 - CONTAINED) * len(ordered) / len(order))
                if not _agree(ordered, order):
                    here *= REORDERED
                scored[target] = max(scored.get(target, 0.0), here)
        if not scored:
            return Match(kind, text, None, 0.0, "none")
        ranked = sorted(scored, key=lambda t: (-scored[t], t))
        best = scored[ranked[0]]
        confidence = round(0.8 * best, 3)
        if confidence < ASK:
            return Match(kind, text, None, confidence, "none", tuple(ranked[:3]))
        close = tuple(t for t in ranked[1:4] if scored[t] >= best - 0.05)
        return Match(kind, text, ranked[0], confidence, "similar", close)


def _ends(ordered: tuple[str, ...]) -> tuple[str, str]:
    """The first and last words that say what is measured (not "nombre", "taux")."""
    content = [w for w in ordered if w not in MEASURE_WORDS] or list(ordered)
    return content[0], content[-1]


def _same_word(a: str, b: str) -> bool:
    return a == b or (
        min(len(a), len(b)) > 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8
    )


def _agree(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """True when two labels start or end on the same meaningful word (typos aside): word
    order then only moves details around, it does not swap the thing and its quality."""
    if not mine or not theirs:
        return True
    (first, last), (their_first, their_last) = _ends(mine), _ends(theirs)
    return _same_word(first, their_first) or _same_word(last, their_last)


def _inside(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """True when `mine` is a run of consecutive words of the longer `theirs`."""
    n = len(mine)
    return n < len(theirs) and any(theirs[i : i + n] == mine for i in range(len(theirs) - n + 1))


def _near(targets: list[str], hint: str, index: _Index) -> list[str]:
    """The places among `targets` whose commune the hint names (its name, INSEE code or
    department, or its territory's name)."""
    said = set(words(hint)) | set(normalise(hint).split())
    return [t for t in targets if index.where.get(t, frozenset()) & said]
