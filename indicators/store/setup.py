"""Create, migrate and load a store from a definition folder."""

from __future__ import annotations

import os
from pathlib import Path

from indicators.definition.loading import load_definition
from indicators.definition.model import Definition
from indicators.store.database import LATEST_SCHEMA, LoadSummary, Store, StoreError


def init_store(db_path: Path, folder: Path, actor: str = "mesure") -> tuple[Store, LoadSummary]:
    """Create or migrate the store at `db_path` and load the definition of `folder` into it.

    A new store is built beside its final path and moved there only once complete, so a
    failure never leaves a half-made store behind. Raises DefinitionError or StoreError.
    """
    definition = load_definition(folder)
    target = Store(db_path)
    if target.exists():
        target.migrate()
        return target, target.save_definition(definition, actor)
    return create_store(db_path, definition, actor)


def create_store(
    db_path: Path, definition: Definition, actor: str = "mesure", reason: str = ""
) -> tuple[Store, LoadSummary]:
    """A new store at `db_path` holding `definition`, built beside its final path and moved
    there only once complete (a DuckLake is made in place). StoreError when a store is already
    there."""
    target = Store(db_path)
    if target.exists():
        raise StoreError(f"La base existe déjà : {db_path} / The store already exists.")
    if target.lake:
        # nothing to build beside it: the migrations and the definition, each all or nothing
        target.migrate()
        return target, target.save_definition(definition, actor, reason)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    scratch = Store(db_path.with_name(f".{db_path.name}.{os.getpid()}.new"))
    try:
        scratch.migrate()
        summary = scratch.save_definition(definition, actor, reason)
        scratch.move_to(db_path)
    finally:
        scratch.close()
        scratch.path.unlink(missing_ok=True)
        Path(f"{scratch.path}.wal").unlink(missing_ok=True)
    return target, summary


def ensure_store(db_path: Path, folder: Path) -> Store:
    """The store at `db_path`, created from `folder` on first use and migrated when behind."""
    store = Store(db_path)
    if not store.exists():
        store, _ = init_store(db_path, folder, actor="app")
    elif store.schema_version() < LATEST_SCHEMA:
        store.migrate()
    return store
