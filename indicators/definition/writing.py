"""Writing a definition back as the files `loading` reads: the same YAML and CSV, so that a
team keeps the definition held by the store in git (`mesure definition export DIR`), and so
that an edit made in the app is checked by exactly the rules, codes and messages of the files.

`rows` gives the CSV-shaped parts (places, organisations, commitments, periods, targets) as
plain rows of text, the shape the Administration page edits and the Excel round trip carries;
`write_rows` writes such rows as their CSV file.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from indicators.common.problems import DefinitionProblem
from indicators.definition.loading import CSV_COLUMNS, FILES, read_definition
from indicators.definition.model import GRADES, Definition, Indicator

Row = dict[str, str]
TABLES = ("places", "organisations", "commitments", "periods", "targets")
# The theory of change as two tables of rows (theory_of_change.yaml's `nodes` and `links`).
THEORY_COLUMNS = {
    "nodes": ["code", "level", "label_fr", "label_en", "description_fr", "description_en"],
    "links": ["from", "to"],
}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    return str(value)


def _joined(values: Iterable[str]) -> str:
    return ";".join(values)


def rows(definition: Definition) -> dict[str, list[Row]]:
    """The CSV-shaped parts of the definition, as rows of text in their files' columns."""
    return {
        "places": [
            {
                "code": p.code,
                "kind": p.kind,
                "name": p.name,
                "parent": p.parent,
                "uai": p.uai,
                "education_priority": p.education_priority,
                "commune_insee": p.commune_insee,
                "qpv": p.qpv,
                **{f"pupils_{g}": _text(p.pupils.get(g)) for g in GRADES},
            }
            for p in definition.places
        ],
        "organisations": [
            {
                "code": o.code,
                "name": o.name,
                "type": o.type,
                "place": o.place,
                "territories": _joined(o.territories),
            }
            for o in definition.organisations
        ],
        "commitments": [
            {
                "id": c.id,
                "organisation": c.organisation,
                "action_type": c.action_type,
                "node": c.node,
                "places": _joined(c.places),
                "grades": _joined(c.grades),
                "sex": _joined(c.sex),
                "targeted": _text(c.targeted),
                "periods": _joined(c.periods),
                "status": c.status,
                "indicators": _joined(c.indicators),
            }
            for c in definition.commitments
        ],
        "periods": [
            {
                "code": p.code,
                "label_fr": p.label_fr,
                "label_en": p.label_en,
                "kind": p.kind,
                "parent": p.parent,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "due": p.due.isoformat(),
            }
            for p in definition.periods
        ],
        "targets": [
            {
                "indicator": t.indicator,
                "place": t.place,
                "period": t.period,
                "kind": t.kind,
                "value": _text(t.value),
                "note": t.note,
            }
            for t in definition.targets
        ],
    }


def csv_text(table: str, table_rows: Iterable[Mapping[str, object]]) -> str:
    """One CSV file of the definition: its columns, in order, every cell as text."""
    columns = CSV_COLUMNS[table]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in table_rows:
        writer.writerow({c: _text(row.get(c)) for c in columns})
    return out.getvalue()


def write_rows(folder: Path, table: str, table_rows: Iterable[Mapping[str, object]]) -> Path:
    path = Path(folder) / FILES[table]
    path.write_text(csv_text(table, table_rows), encoding="utf-8")
    return path


def _indicator(ind: Indicator) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": ind.code,
        "version": ind.version,
        "label_fr": ind.label_fr,
        "label_en": ind.label_en,
        "definition_fr": ind.definition_fr,
        "definition_en": ind.definition_en,
        "node": ind.node,
        "type": ind.type,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "aggregation": {"time": ind.aggregation_time, "space": ind.aggregation_space},
        "deduplication": {
            "rule": ind.deduplication.rule,
            "note_fr": ind.deduplication.note_fr,
            "note_en": ind.deduplication.note_en,
        },
        "frequency": ind.frequency,
        "range": {"min": ind.range_min, "max": ind.range_max},
        "source_fr": ind.source_fr,
        "source_en": ind.source_en,
    }
    for name in ("numerator_fr", "numerator_en", "denominator_fr", "denominator_en"):
        if getattr(ind, name):
            entry[name] = getattr(ind, name)
    if ind.disaggregations:
        entry["disaggregations"] = list(ind.disaggregations)
    if ind.aliases:
        entry["aliases"] = list(ind.aliases)
    return entry


def theory_rows(definition: Definition) -> dict[str, list[Row]]:
    """The theory of change as rows of text: its nodes, and its links (`from`, `to`)."""
    return {
        "nodes": [
            {
                "code": n.code,
                "level": n.level,
                "label_fr": n.label_fr,
                "label_en": n.label_en,
                "description_fr": n.description_fr,
                "description_en": n.description_en,
            }
            for n in definition.nodes
        ],
        "links": [{"from": link.source, "to": link.target} for link in definition.links],
    }


def theory_text(
    nodes: Iterable[Mapping[str, object]], links: Iterable[Mapping[str, object]]
) -> str:
    """theory_of_change.yaml from rows of nodes and links, as `files` writes it."""
    data = {
        "nodes": [{c: _text(n.get(c)) for c in THEORY_COLUMNS["nodes"]} for n in nodes],
        "links": [{c: _text(lk.get(c)) for c in THEORY_COLUMNS["links"]} for lk in links],
    }
    return yaml_text(data)


def yaml_text(data: Mapping[str, Any]) -> str:
    """One YAML file of the definition as `files` writes it (header, order kept)."""
    return HEADER + yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, width=100)


def documents(definition: Definition) -> dict[str, Any]:
    """The YAML-shaped parts of the definition, as the data of their files."""
    i = definition.initiative
    return {
        "initiative": {
            "code": i.code,
            "name_fr": i.name_fr,
            "name_en": i.name_en,
            "demo": i.demo,
            "backbone": i.backbone,
            "completeness_goal": i.completeness_goal,
            "timeliness_goal": i.timeliness_goal,
            "suppression_threshold": i.suppression_threshold,
        },
        "theory": theory_rows(definition),
        "dimensions": {
            "dimensions": [
                {
                    "code": d.code,
                    "label_fr": d.label_fr,
                    "label_en": d.label_en,
                    "categories": [
                        {"code": c.code, "label_fr": c.label_fr, "label_en": c.label_en}
                        for c in d.categories
                    ],
                }
                for d in definition.dimensions
            ]
        },
        "indicators": {"indicators": [_indicator(ind) for ind in definition.indicators]},
    }


HEADER = (
    "# Écrit par « mesure definition export » depuis la base ; format : data/README.md.\n"
    "# Written by 'mesure definition export' from the store; format: data/README.md.\n"
)


def files(definition: Definition) -> dict[str, str]:
    """The text of every file of the definition, by file name."""
    texts = {FILES[name]: yaml_text(data) for name, data in documents(definition).items()}
    texts.update({FILES[t]: csv_text(t, table_rows) for t, table_rows in rows(definition).items()})
    return texts


def write_files(texts: Mapping[str, str], folder: Path) -> list[Path]:
    """Write files of a definition ({file name: text}) into `folder`, created if needed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        if name not in FILES.values():
            raise ValueError(name)  # only the definition's own files, never a path
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_definition(definition: Definition, folder: Path) -> list[Path]:
    """Write every file of the definition into `folder` (created if needed); the paths."""
    return write_files(files(definition), folder)


def read_files(texts: Mapping[str, str]) -> tuple[Definition | None, list[DefinitionProblem]]:
    """Files of a definition ({file name: text}) read by the loader of data/, with its checks:
    the definition (None when a file is missing) and every problem."""
    with tempfile.TemporaryDirectory(prefix="mesure-definition-") as folder:
        write_files(texts, Path(folder))
        return read_definition(Path(folder))
