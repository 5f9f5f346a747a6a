"""The definition the store holds, as the model: what ingest checks files against and what the
app shows once a store is initialised (the files of `data/` are how an initiative starts).

The store keeps the text of the definition's files at each save (`definition_history`): they
are read back by the same loader as `data/`, so the store gives back exactly what was saved,
in its order. A store saved before that history was kept is read from its tables.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from indicators.common.problems import DefinitionError
from indicators.definition.model import (
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
from indicators.definition.writing import read_files
from indicators.store.database import Store

_CACHE: dict[tuple[str, object], Definition] = {}
# the definitions read from files, by the files' texts: a store copied from another, or saved
# again with the same files, is not read again (a Definition is immutable)
_READ: dict[tuple[tuple[str, str], ...], Definition] = {}
_CACHE_LOCK = threading.Lock()


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def definition_from_export(data: dict[str, Any]) -> Definition:
    """The model of `Store.export_definition()`'s data (current indicator versions)."""
    if not data.get("initiative"):
        raise ValueError("the store holds no definition")
    initiative = Initiative(
        **{k: v for k, v in data["initiative"].items() if k in Initiative.__dataclass_fields__}
    )
    dimensions: dict[str, list[dict[str, Any]]] = {}
    for row in data["disaggregations"]:
        dimensions.setdefault(row["dimension"], []).append(row)
    indicators = []
    for sheet in data["indicators"]:
        fields = {k: v for k, v in sheet.items() if k in Indicator.__dataclass_fields__}
        fields["deduplication"] = Deduplication(**sheet["deduplication"])
        fields["disaggregations"] = tuple(sheet.get("disaggregations") or ())
        fields["aliases"] = tuple(sheet.get("aliases") or ())
        indicators.append(Indicator(**fields))
    commitments = [c for org in data["organisations"] for c in org.get("commitments", [])]
    return Definition(
        initiative=initiative,
        nodes=tuple(
            Node(
                n["code"],
                n["level"],
                n["label_fr"],
                n["label_en"],
                _s(n["description_fr"]),
                _s(n["description_en"]),
            )
            for n in data["theory_of_change"]["nodes"]
        ),
        links=tuple(Link(x["source"], x["target"]) for x in data["theory_of_change"]["links"]),
        dimensions=tuple(
            Dimension(
                code,
                rows[0]["dimension_label_fr"],
                rows[0]["dimension_label_en"],
                tuple(Category(r["category"], r["label_fr"], r["label_en"]) for r in rows),
            )
            for code, rows in dimensions.items()
        ),
        indicators=tuple(indicators),
        places=tuple(
            Place(
                code=p["code"],
                kind=p["kind"],
                name=p["name"],
                parent=_s(p["parent"]),
                uai=_s(p["uai"]),
                education_priority=_s(p["education_priority"]),
                commune_insee=_s(p["commune_insee"]),
                qpv=_s(p["qpv"]),
                pupils={str(g): int(n) for g, n in p["pupils"].items()},
            )
            for p in data["places"]
        ),
        organisations=tuple(
            Organisation(o["code"], o["name"], o["type"], _s(o["place"]), tuple(o["territories"]))
            for o in data["organisations"]
        ),
        commitments=tuple(
            Commitment(
                id=c["id"],
                organisation=c["organisation"],
                action_type=c["action_type"],
                node=c["node"],
                places=tuple(c["places"]),
                grades=tuple(c["grades"]),
                sex=tuple(c["sex"]),
                targeted=c["targeted"],
                periods=tuple(c["periods"]),
                status=c["status"],
                indicators=tuple(c["indicators"]),
            )
            for c in sorted(commitments, key=lambda c: str(c["id"]))
        ),
        periods=tuple(
            Period(
                p["code"],
                p["label_fr"],
                p["label_en"],
                p["kind"],
                _s(p["parent"]),
                _date(p["start_date"]),
                _date(p["end_date"]),
                _date(p["due_date"]),
            )
            for p in data["periods"]
        ),
        targets=tuple(
            Target(
                t["indicator"], t["place"], t["period"], t["kind"], float(t["value"]), _s(t["note"])
            )
            for t in data["targets"]
        ),
    )


def definition_from_files(texts: dict[str, str]) -> Definition:
    """The model of a definition's files, read by the loader of `data/` (DefinitionError)."""
    definition, problems = read_files(texts)
    if definition is None or any(p.severity == "error" for p in problems):
        raise DefinitionError(problems)  # as load_definition does
    return definition


def stored_definition(store: Store) -> Definition:
    """The definition held by the store (ValueError when it holds none), read once per save."""
    key = (str(store.path), store.definition_saved_at())
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    texts = store.definition_files()
    if texts is None:
        definition = definition_from_export(store.export_definition())
    else:
        files = tuple(sorted(texts.items()))
        with _CACHE_LOCK:
            read = _READ.get(files)
        if read is None:
            read = definition_from_files(texts)
            with _CACHE_LOCK:
                if len(_READ) > 16:
                    _READ.clear()
                _READ[files] = read
        definition = read
    with _CACHE_LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = definition
    return definition
