"""Match the labels partners write (headers, row labels) to the common definition.

Each match has a confidence and says how it was found, so that a page can show it and ask
for confirmation where it is low. Methods, best first: `memory` (a partner confirmed it
before), `code`, `label` (a French or English label or a declared alias, ignoring case,
accents and punctuation), `words` (the same words in another order, plurals, common
abbreviations), `similar` (close spelling).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from indicators.common.text import normalise
from indicators.definition.model import Definition

AUTO = 0.9  # at or above: mapped without asking
ASK = 0.6  # between ASK and AUTO: proposed, to be confirmed; below: unknown
KINDS = ("indicator", "place", "dimension")

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
    keys: dict[tuple[str, ...], set[str]] = field(default_factory=dict)  # sorted words -> targets
    stems: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # word start -> keys

    def add(self, target: str, code: str, labels: Iterable[str]) -> None:
        self.exact[code] = target
        self.codes[normalise(code)] = target
        for text in (code, *labels):
            if not text:
                continue
            self.labels.setdefault(normalise(text), set()).add(target)
            key = tuple(sorted(words(text)))
            if key:
                self.keys.setdefault(key, set()).add(target)
                for word in key:
                    self.stems.setdefault(word[:STEM], set()).add(key)


@dataclass
class Vocabulary:
    """The names of everything a workbook may refer to, by kind, with a partner's memory."""

    indexes: dict[str, _Index] = field(default_factory=lambda: {kind: _Index() for kind in KINDS})
    memory: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, normalised) -> target
    _seen: dict[tuple[str, str], Match] = field(default_factory=dict, repr=False)
    # Matches found in the indexes alone, shared by every vocabulary of one definition.
    _found: dict[tuple[str, str], Match] = field(default_factory=dict, repr=False)

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
        for place in d.places:
            names = [place.name]
            if place.kind == "school":
                bare = re.sub(r"(?i)^\s*coll[eè]ge\s+", "", place.name)
                names += [bare, f"Collège {bare}", f"Clg {bare}"]
            vocabulary.add("place", place.code, place.code, names)
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

    def match(self, kind: str, label: object) -> Match:
        """The best target of `kind` for `label`, with its confidence and method."""
        text = "" if label is None else str(label).strip()
        known = self._seen.get((kind, text))
        if known is None:
            known = self._seen[(kind, text)] = self._match(kind, text)
        return known

    def _match(self, kind: str, text: str) -> Match:
        if not text:
            return Match(kind, text, None, 0.0, "none")
        if self.memory:
            remembered = self.memory.get((kind, normalise(text)))
            if remembered is not None:
                return Match(kind, text, remembered, 1.0, "memory")
        found = self._found.get((kind, text))
        if found is None:
            found = self._found[(kind, text)] = self._in_indexes(kind, text)
        return found

    def _in_indexes(self, kind: str, text: str) -> Match:
        index = self.indexes[kind]
        if text in index.exact:
            return Match(kind, text, index.exact[text], 1.0, "code")
        plain = normalise(text)
        if plain in index.codes:
            return Match(kind, text, index.codes[plain], 1.0, "code")
        if kind == "place" and (uai := UAI.search(text)) and normalise(uai.group(1)) in index.codes:
            return Match(kind, text, index.codes[normalise(uai.group(1))], 1.0, "code")
        for candidates, confidence, method in (
            (index.labels.get(plain), 0.95, "label"),
            (index.keys.get(tuple(sorted(words(text)))), 0.85, "words"),
        ):
            if candidates:
                ranked = sorted(candidates)
                if len(ranked) == 1:
                    return Match(kind, text, ranked[0], confidence, method)
                return Match(kind, text, ranked[0], ASK, method, tuple(ranked[1:]))
        return self._similar(kind, text, index)

    def _similar(self, kind: str, text: str, index: _Index) -> Match:
        mine = " ".join(sorted(words(text)))
        mine_set = set(mine.split())
        scored: dict[str, float] = {}
        shared: dict[tuple[str, ...], int] = {}
        for stem in {word[:STEM] for word in mine_set}:
            for key in index.stems.get(stem, ()):
                shared[key] = shared.get(key, 0) + 1
        # Spelling is compared with the labels sharing the most word starts, a bounded few.
        nearby = sorted(shared, key=lambda k: (-shared[k], k))[:SIMILAR_KEPT]
        for key in nearby:
            targets = index.keys[key]
            theirs = " ".join(key)
            jaccard = len(mine_set & set(key)) / max(len(mine_set | set(key)), 1)
            ratio = difflib.SequenceMatcher(None, mine, theirs).ratio()
            score = max(ratio, jaccard)
            for target in targets:
                scored[target] = max(scored.get(target, 0.0), score)
        if not scored:
            return Match(kind, text, None, 0.0, "none")
        ranked = sorted(scored, key=lambda t: (-scored[t], t))
        best = scored[ranked[0]]
        confidence = round(0.8 * best, 3)
        if confidence < ASK:
            return Match(kind, text, None, confidence, "none", tuple(ranked[:3]))
        close = tuple(t for t in ranked[1:4] if scored[t] >= best - 0.05)
        return Match(kind, text, ranked[0], confidence, "similar", close)
