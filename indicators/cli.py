"""The `mesure` command: a thin layer over the `indicators` package.

Exit codes: 0 done; 1 the definition was refused (every problem is printed); 2 the command
line is wrong; 3 the store cannot be opened or migrated.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from indicators.definition import read_definition
from indicators.problems import DefinitionError, DefinitionProblem
from indicators.setup import ensure_store, init_store
from indicators.store import LATEST_SCHEMA, StoreError, data_dir, default_db_path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3

DESCRIPTION = """\
Mesure commune : système de mesure partagée d'une initiative d'impact collectif.
Shared-measurement system of a collective-impact initiative.

codes de sortie / exit codes:
  0  fait / done
  1  définition refusée (chaque problème est affiché) / definition refused
  2  ligne de commande incorrecte / bad command line
  3  base inaccessible / store cannot be opened
"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help="fichier de la base (défaut : $MESURE_DB ou data/mesure.duckdb)",
    )
    common.add_argument(
        "--data",
        type=Path,
        default=argparse.SUPPRESS,
        help="dossier de la définition (défaut : $MESURE_DATA ou data/)",
    )
    common.add_argument(
        "--lang", choices=("fr", "en"), default=argparse.SUPPRESS, help="langue des messages"
    )
    parser = argparse.ArgumentParser(
        prog="mesure",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)
    commands.add_parser(
        "init",
        parents=[common],
        help="créer ou migrer la base et y charger la définition de data/",
    )
    commands.add_parser(
        "check",
        parents=[common],
        help="vérifier la définition de data/ sans rien écrire",
    )
    catalogue = commands.add_parser(
        "catalogue",
        parents=[common],
        help="afficher la définition de l'initiative (créée au premier usage)",
    )
    catalogue.add_argument(
        "--json", action="store_true", help="toute la définition en JSON sur la sortie standard"
    )
    return parser


def _print_problems(problems: list[DefinitionProblem], lang: str) -> None:
    for problem in problems:
        tag = {"error": "ERREUR", "warning": "ALERTE"}[problem.severity]
        if lang == "en":
            tag = problem.severity.upper()
        print(f"{tag} [{problem.code}] {problem.message(lang)}", file=sys.stderr)
        print(f"    → {problem.hint(lang)}", file=sys.stderr)


def _init(db: Path, folder: Path, lang: str) -> int:
    existed = db.is_file()
    _, summary = init_store(db, folder, actor=os.environ.get("USER", "mesure"))
    counts = summary.counts
    if lang == "en":
        print(f"Store {'updated' if existed else 'created'}: {db} (schema {LATEST_SCHEMA}).")
        print(
            f"{counts['toc_nodes']} nodes, {len(summary.new_indicators)} new indicators,"
            f" {len(summary.new_versions)} new versions, {len(summary.retired)} retired,"
            f" {counts['places']} places, {counts['organisations']} organisations,"
            f" {counts['commitments']} commitments, {counts['periods']} periods,"
            f" {counts['targets']} targets and baselines."
        )
    else:
        print(f"Base {'mise à jour' if existed else 'créée'} : {db} (schéma {LATEST_SCHEMA}).")
        print(
            f"{counts['toc_nodes']} nœuds, {len(summary.new_indicators)} nouveaux indicateurs,"
            f" {len(summary.new_versions)} nouvelles versions, {len(summary.retired)} retirés,"
            f" {counts['places']} lieux, {counts['organisations']} organisations,"
            f" {counts['commitments']} engagements, {counts['periods']} périodes,"
            f" {counts['targets']} cibles et références."
        )
    for line in summary.new_versions:
        print(f"  {'new version' if lang == 'en' else 'nouvelle version'} : {line}")
    return EXIT_OK


def _check(folder: Path, lang: str) -> int:
    definition, problems = read_definition(folder)
    _print_problems(problems, lang)
    errors = [p for p in problems if p.severity == "error"]
    if definition is None or errors:
        print(
            f"Definition refused: {len(errors)} error(s)."
            if lang == "en"
            else f"Définition refusée : {len(errors)} erreur(s).",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    print(
        f"Definition valid: {len(definition.indicators)} indicators, {len(definition.nodes)} nodes."
        if lang == "en"
        else f"Définition valide : {len(definition.indicators)} indicateurs,"
        f" {len(definition.nodes)} nœuds."
    )
    return EXIT_OK


def _catalogue(db: Path, folder: Path, as_json: bool, lang: str) -> int:
    exported = ensure_store(db, folder).export_definition()
    if as_json:
        json.dump(exported, sys.stdout, ensure_ascii=False, indent=2, default=str)
        print()
        return EXIT_OK
    for sheet in exported["indicators"]:
        label = sheet["label_en"] if lang == "en" else sheet["label_fr"]
        print(f"{sheet['code']:<32} v{sheet['version']:<3} {sheet['type']:<11} {label}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    db: Path = getattr(args, "db", None) or default_db_path()
    folder: Path = getattr(args, "data", None) or data_dir()
    lang: str = getattr(args, "lang", None) or os.environ.get("MESURE_LANG", "fr")
    try:
        if args.command == "init":
            return _init(db, folder, lang)
        if args.command == "check":
            return _check(folder, lang)
        return _catalogue(db, folder, args.json, lang)
    except DefinitionError as exc:
        _print_problems(exc.problems, lang)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(
            f"Definition refused, nothing was written: {errors} error(s)."
            if lang == "en"
            else f"Définition refusée, rien n'a été écrit : {errors} erreur(s).",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_STORE
    except BrokenPipeError:
        # The reader of our output went away (`mesure catalogue --json | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
