"""The `mesure` command: a thin layer over the `indicators` package.

Exit codes: 0 done; 1 the definition was refused (every problem is printed); 2 the command
line is wrong; 3 the store cannot be opened or migrated. `mesure demo` exits 2 as well when the
store already exists (without --force) or the initiative is not a demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from indicators.access import accounts
from indicators.access.accounts import AccountError
from indicators.access.viewer import ROLES, command_line
from indicators.analytics import progress
from indicators.common import i18n
from indicators.common.problems import DefinitionError, DefinitionProblem, UnreadableFileError
from indicators.common.runtime import set_up
from indicators.definition.loading import read_definition
from indicators.definition.model import empty_definition
from indicators.definition.writing import files as files_of
from indicators.definition.writing import read_files, write_files
from indicators.demo import DEMO_PASSWORD, DemoError, DemoSummary, build_demo
from indicators.ingest.annotate import annotated_upload
from indicators.ingest.pipeline import ingest
from indicators.ingest.template import write_template
from indicators.mail import notices
from indicators.mail.transport import MailConfig, failure_text
from indicators.reports import observations_csv
from indicators.store.database import (
    KEEP,
    LATEST_SCHEMA,
    Store,
    StoreError,
    data_dir,
    default_db_path,
)
from indicators.store.setup import create_store, ensure_store, init_store
from indicators.store.stored import stored_definition
from indicators.views.curves import number

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3

DESCRIPTION = """\
Mesure commune : système de mesure partagée d'une initiative d'impact collectif.
Shared-measurement system of a collective-impact initiative.

codes de sortie / exit codes:
  0  fait / done
  1  définition refusée (chaque problème est affiché) / definition refused
  2  ligne de commande incorrecte / bad command line
  3  base inaccessible / store cannot be opened

mesure ingest: 0 accepté ou inchangé, 1 refusé pour des problèmes ou rien de lu,
  2 illisible ou incorrect
mesure demo: 2 aussi si la base existe déjà (sans --force) ou si l'initiative n'est pas une démo
"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help="fichier de la base, ou base partagée ducklake:<catalogue>;data=<dossier>"
        " (défaut : $MESURE_STORE, $MESURE_DB ou data/mesure.duckdb)",
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
    init = commands.add_parser(
        "init",
        parents=[common],
        help="créer ou migrer la base et y charger la définition de data/",
        description="Avec --empty : une nouvelle base pour une nouvelle initiative, sans lieux,"
        " partenaires ni indicateurs, que la page Administration met ensuite en place ; data/"
        " n'est pas lu. Codes de sortie : 0 créée, 2 la base existe déjà.",
    )
    init.add_argument(
        "--empty",
        action="store_true",
        help="une initiative vide, mise en place ensuite par la page Administration",
    )
    init.add_argument("--code", default="nouvelle-initiative", help="code de l'initiative")
    init.add_argument("--name", default="Nouvelle initiative", help="nom (français)")
    init.add_argument("--name-en", default="", help="nom (anglais ; défaut : le nom français)")
    init.add_argument("--backbone", default="equipe-appui", help="code de l'équipe d'appui")
    init.add_argument("--backbone-name", default="Équipe d'appui", help="nom de l'équipe d'appui")
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
    ingest = commands.add_parser(
        "ingest",
        parents=[common],
        help="lire, vérifier et charger des classeurs d'un partenaire",
        description="Codes de sortie : 0 accepté ou inchangé, 1 refusé pour des problèmes ou"
        " rien de lu (statut « empty »), 2 illisible ou commande incorrecte.",
    )
    ingest.add_argument("files", nargs="+", type=Path, metavar="FICHIER")
    ingest.add_argument("--org", required=True, help="code de l'organisation qui dépose")
    ingest.add_argument("--dry-run", action="store_true", help="rapport sans rien écrire")
    ingest.add_argument("--json", action="store_true", help="résumé JSON sur la sortie standard")
    ingest.add_argument(
        "--annotated",
        type=Path,
        metavar="DOSSIER",
        help="y écrire, pour chaque fichier à problèmes, le classeur annoté (NOM.annote.xlsx)",
    )
    template = commands.add_parser(
        "template", parents=[common], help="le modèle officiel pré-rempli pour un partenaire"
    )
    template.add_argument("--org", required=True, help="code de l'organisation")
    template.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.xlsx")
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="construire la base de démonstration : classeurs de partenaires générés puis déposés",
        description="Génère les fichiers que les partenaires de l'initiative de démonstration"
        " auraient déposés (modèle officiel, tableaux longs et larges, formats français, CSV,"
        " erreurs puis corrections, retards) et les dépose un à un comme `mesure ingest`, dans"
        " une base construite à côté puis mise en place. Codes de sortie : 0 construite,"
        " 1 définition refusée, 2 base existante sans --force, initiative qui n'est pas une"
        " démo ou commande incorrecte, 3 base inaccessible.",
    )
    demo.add_argument("--force", action="store_true", help="remplacer la base si elle existe")
    demo.add_argument(
        "--scale",
        type=_share,
        default=1.0,
        metavar="PART",
        help="part des partenaires gardés, de 0 à 1 (défaut 1) ; ceux qui montrent chaque"
        " disposition et chaque erreur restent toujours",
    )
    demo.add_argument(
        "--files", type=Path, metavar="DOSSIER", help="garder les fichiers générés dans ce dossier"
    )
    users = commands.add_parser(
        "users",
        parents=[common],
        help="gérer les comptes : add, list, disable, enable, set-role, set-password",
        description="Les mots de passe ne passent jamais sur la ligne de commande : ils sont"
        " demandés deux fois au terminal, ou lus sur l'entrée standard avec --password-stdin."
        " Codes de sortie : 0 fait, 1 refusé (le message dit pourquoi), 2 commande incorrecte.",
    )
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="créer un compte")
    add.add_argument("username", metavar="IDENTIFIANT")
    add.add_argument("--role", required=True, choices=ROLES, help="evaluator, partner, funder")
    add.add_argument("--organisation", help="code de l'organisation (partenaires, financeurs)")
    add.add_argument("--name", default="", help="nom affiché (défaut : l'identifiant)")
    add.add_argument("--email", help="adresse (authentification unique, e-mails)")
    add.add_argument(
        "--language", choices=("fr", "en"), default="fr", help="langue de ses e-mails (fr)"
    )
    add.add_argument("--password-stdin", action="store_true", help="lire le mot de passe en entrée")
    listing = actions.add_parser("list", parents=[common], help="lister les comptes")
    listing.add_argument("--json", action="store_true", help="en JSON")
    for name, text in (("disable", "désactiver un compte"), ("enable", "réactiver un compte")):
        actions.add_parser(name, parents=[common], help=text).add_argument(
            "username", metavar="IDENTIFIANT"
        )
    role = actions.add_parser(
        "set-role", parents=[common], help="changer le rôle et l'organisation d'un compte"
    )
    role.add_argument("username", metavar="IDENTIFIANT")
    role.add_argument("--role", required=True, choices=ROLES, help="evaluator, partner, funder")
    role.add_argument("--organisation", help="code de l'organisation (partenaires, financeurs)")
    password = actions.add_parser(
        "set-password", parents=[common], help="changer le mot de passe d'un compte"
    )
    password.add_argument("username", metavar="IDENTIFIANT")
    password.add_argument("--password-stdin", action="store_true", help="le lire en entrée")
    remind = commands.add_parser(
        "remind",
        parents=[common],
        help="relancer par e-mail les partenaires qui doivent des rapports (aperçu, puis --send)",
        description="Montre qui recevra quelle relance (chaque compte de l'organisation qui a"
        " une adresse, dans sa langue), puis l'envoie avec --send par le serveur SMTP configuré"
        " (MESURE_SMTP_HOST…). Codes de sortie : 0 aperçu ou tout envoyé, 1 un message au moins"
        " non envoyé, 2 organisation inconnue, date incorrecte ou e-mail désactivé avec --send.",
    )
    remind.add_argument(
        "--org", action="append", default=[], help="une organisation (répétable ; défaut : toutes)"
    )
    remind.add_argument(
        "--today", type=_day, default=None, metavar="AAAA-MM-JJ", help="date (défaut : ce jour)"
    )
    remind.add_argument("--send", action="store_true", help="envoyer (sinon : aperçu seulement)")
    export = commands.add_parser(
        "export", parents=[common], help="exporter les valeurs stockées avec leur provenance"
    )
    definition = commands.add_parser(
        "definition", parents=[common], help="la définition tenue par la base"
    )
    definition_actions = definition.add_subparsers(dest="action", metavar="ACTION", required=True)
    definition_export = definition_actions.add_parser(
        "export",
        parents=[common],
        help="écrire la définition de la base dans DOSSIER, au format de data/ (pour git)",
    )
    definition_export.add_argument("folder", type=Path, metavar="DOSSIER")
    progress = commands.add_parser(
        "progress",
        parents=[common],
        help="progrès des indicateurs et statut des nœuds pour une année",
    )
    progress.add_argument(
        "--year", default="", help="année scolaire (défaut : la dernière chiffrée)"
    )
    progress.add_argument("--scope", default="*", help="lieu : * (l'initiative), territoire ou UAI")
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="copie cohérente de la base, même pendant que l'application tourne",
    )
    backup.add_argument("file", type=Path, metavar="FICHIER", help="la copie à écrire")
    backup.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDES",
        help="attente maximale quand l'application utilise la base (défaut : 60)",
    )
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="remplacer le contenu de la base par une sauvegarde (l'actuel est gardé à côté)",
    )
    restore.add_argument("file", type=Path, metavar="FICHIER", help="la sauvegarde à relire")
    restore.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    restore.add_argument("--wait", type=float, default=60.0, metavar="SECONDES")
    maintenance = commands.add_parser(
        "maintenance",
        parents=[common],
        help="entretien de la base, à planifier (base partagée : fusion des petits fichiers,"
        " vieux instantanés expirés, fichiers inutiles effacés ; fichier : CHECKPOINT)",
    )
    maintenance.add_argument(
        "--keep-days",
        type=float,
        default=KEEP.total_seconds() / 86400,
        metavar="JOURS",
        help="garder les instantanés et les fichiers inutilisés depuis moins de JOURS jours"
        f" (défaut : {KEEP.days} ; 0 seulement quand aucun serveur ne tourne)",
    )
    maintenance.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDES",
        help="attente maximale quand l'application utilise la base fichier (défaut : 60)",
    )
    export.add_argument("what", choices=["observations"])
    export.add_argument("--org", default="", help="une seule organisation (défaut : toutes)")
    export.add_argument("--format", choices=["csv"], default="csv")
    return parser


def _share(text: str) -> float:
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"une part entre 0 et 1, pas « {text} »")
    return share


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"une date AAAA-MM-JJ, pas « {text} »") from None


def _remind(db: Path, folder: Path, args: argparse.Namespace, lang: str) -> int:
    store = ensure_store(db, folder)
    definition = stored_definition(store)
    names = {o.code: o.name for o in definition.organisations}
    unknown = [o for o in args.org if o not in names]
    if unknown:
        print(
            f"Unknown organisation: {', '.join(unknown)}."
            if lang == "en"
            else f"Organisation inconnue : {', '.join(unknown)}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    config = MailConfig.from_env()
    today = args.today or store.clock().date()
    plan = notices.reminder_plan(store, command_line(), today, args.org, config)
    for message in plan.messages:
        owed = plan.reports[message.target]
        print(
            f"{names.get(message.target, message.target)} → {message.name} <{message.to}>"
            f" ({message.lang}) : {owed} {'report(s)' if lang == 'en' else 'rapport(s)'}"
        )
    for code in plan.unreachable:
        print(
            f"{names.get(code, code)}: {plan.reports[code]} report(s), no e-mail address"
            if lang == "en"
            else f"{names.get(code, code)} : {plan.reports[code]} rapport(s), aucune adresse"
        )
    if not plan.reports:
        print("No missing report." if lang == "en" else "Aucun rapport manquant.")
    if not args.send:
        if plan.messages:
            print(
                "Preview only: run again with --send to send."
                if lang == "en"
                else "Aperçu seulement : relancez avec --send pour envoyer."
            )
        return EXIT_OK
    if config is None:
        print(i18n.t("mail.off", lang), file=sys.stderr)
        return EXIT_USAGE
    deliveries = notices.send_reminders(store, command_line(), plan, config)
    for delivery in deliveries:
        if not delivery.sent:
            print(failure_text(delivery, config, lang), file=sys.stderr)
    sent = sum(d.sent for d in deliveries)
    print(i18n.t("sync.remind_sent", lang, count=sent))
    return EXIT_OK if sent == len(deliveries) else EXIT_REFUSED


def _print_problems(problems: list[DefinitionProblem], lang: str) -> None:
    for problem in problems:
        tag = {"error": "ERREUR", "warning": "ALERTE"}[problem.severity]
        if lang == "en":
            tag = problem.severity.upper()
        print(f"{tag} [{problem.code}] {problem.message(lang)}", file=sys.stderr)
        print(f"    → {problem.hint(lang)}", file=sys.stderr)


def _definition_export(db: Path, folder: Path, target: Path, lang: str) -> int:
    if not Store(db).exists():
        print(
            f"No store at {db}: run 'mesure init' first."
            if lang == "en"
            else f"Pas de base à {db} : lancez d'abord « mesure init ».",
            file=sys.stderr,
        )
        return EXIT_USAGE
    store = ensure_store(db, folder)
    texts = store.definition_files() or files_of(stored_definition(store))
    written = write_files(texts, target)
    print(
        f"{len(written)} files written to {target}."
        if lang == "en"
        else f"{len(written)} fichiers écrits dans {target}."
    )
    return EXIT_OK


def _init_empty(db: Path, args: argparse.Namespace, lang: str) -> int:
    if Store(db).exists():
        print(
            f"A store already exists at {db}: --empty only creates a new one."
            if lang == "en"
            else f"Une base existe déjà à {db} : --empty n'en crée qu'une nouvelle.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    definition = empty_definition(
        args.code.strip(),
        args.name.strip(),
        (args.name_en or args.name).strip(),
        args.backbone.strip(),
        args.backbone_name.strip(),
    )
    read_back, problems = read_files(files_of(definition))
    errors = [p for p in problems if p.severity == "error"]
    if read_back is None or errors:
        raise DefinitionError(problems)  # an empty code or name: said like any definition
    create_store(
        db, read_back, actor=os.environ.get("USER", "mesure"), reason="mesure init --empty"
    )
    print(
        f"Store created: {db}, initiative '{definition.initiative.code}' with nothing in it yet."
        " Next: 'mesure users add NAME --role evaluator', then the Administration page."
        if lang == "en"
        else f"Base créée : {db}, initiative « {definition.initiative.code} » encore vide."
        " Ensuite : « mesure users add NOM --role evaluator », puis la page Administration."
    )
    return EXIT_OK


def _init(db: Path, folder: Path, lang: str) -> int:
    existed = Store(db).exists()
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


def _ingest(db: Path, folder: Path, args: argparse.Namespace, lang: str) -> int:
    store = ensure_store(db, folder)
    definition = stored_definition(store)
    if args.org not in {o.code for o in definition.organisations}:
        print(
            f"Unknown organisation '{args.org}'."
            if lang == "en"
            else f"Organisation inconnue : « {args.org} » (voir data/organisations.csv).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    summaries: list[dict[str, object]] = []
    code = EXIT_OK
    for path in args.files:
        if not path.is_file():
            summaries.append(
                {
                    "status": "unreadable",
                    "file": str(path),
                    "errors": [
                        {
                            "code": "file-missing",
                            "sheet": "",
                            "cell": "",
                            "message": f"fichier introuvable : {path}",
                        }
                    ],
                }
            )
            code = max(code, EXIT_USAGE)
            continue
        try:
            outcome = ingest(store, path, definition, args.org, _actor(), dry_run=args.dry_run)
        except UnreadableFileError as exc:
            problem = exc.problem
            summaries.append(
                {
                    "status": "unreadable",
                    "file": problem.file,
                    "errors": [
                        {
                            "code": problem.code,
                            "sheet": "",
                            "cell": "",
                            "message": problem.message(lang),
                            "hint": problem.hint(lang),
                        }
                    ],
                }
            )
            code = max(code, EXIT_USAGE)
            continue
        summary = outcome.summary()
        if args.annotated and outcome.preparation.problems:
            args.annotated.mkdir(parents=True, exist_ok=True)
            target = args.annotated / f"{path.stem}.annote.xlsx"
            summary["annotated"] = str(
                annotated_upload(path, path.name, outcome.preparation.problems, target)
            )
        summaries.append(summary)
        if outcome.status in ("rejected", "empty"):  # refused, or nothing could be read
            code = max(code, EXIT_REFUSED)
    store.settle()  # the figures of what was stored, before the command says it is done
    if args.json:
        json.dump(
            summaries[0] if len(summaries) == 1 else summaries,
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        print()
    else:
        for summary in summaries:
            _print_ingest(summary, lang)
    return code


def _print_ingest(summary: dict[str, object], lang: str) -> None:
    print(f"{summary['file']} : {summary['status']}")
    if "rows_read" in summary:
        print(
            f"  {summary['rows_read']} lignes lues, {summary['values']} valeurs :"
            f" {summary['created']} nouvelles, {summary['updated']} modifiées,"
            f" {summary['unchanged']} inchangées"
        )
    for severity in ("errors", "warnings"):
        for problem in summary.get(severity, []):  # type: ignore[attr-defined]
            where = "!".join(p for p in (problem["sheet"], problem["cell"]) if p)
            label = {"errors": "ERREUR", "warnings": "ALERTE"}[severity]
            message = problem.get("message_en" if lang == "en" else "message", problem["message"])
            print(f"  {label} [{problem['code']}] {where} {message}".rstrip())


def _demo(db: Path, folder: Path, args: argparse.Namespace, lang: str) -> int:
    def progress(done: int, total: int, label: str) -> None:
        if label:
            print(f"[{done + 1:>{len(str(total))}}/{total}] {label}", file=sys.stderr)

    try:
        summary = build_demo(
            db, folder, progress, scale=args.scale, force=args.force, files_dir=args.files
        )
    except DemoError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    _print_demo(summary, lang)
    return EXIT_OK


def _print_demo(s: DemoSummary, lang: str) -> None:
    if lang == "en":
        print(f"Demo store built: {s.db}")
        print(
            f"{s.files} files from {s.organisations} organisations sent in {s.seconds:.0f} s:"
            f" {s.received} received ({s.late} late), {s.unchanged} unchanged,"
            f" {s.rejected} refused then {s.corrected} corrected;"
            f" {s.reviewed} of past school years accepted by the evaluator."
        )
        print(f"{s.values} current values, {s.superseded} replaced ones kept in the history.")
        print(f"Accounts: {', '.join(s.accounts)} (password {DEMO_PASSWORD}).")
    else:
        print(f"Base de démonstration créée : {s.db}")
        print(
            f"{s.files} fichiers de {s.organisations} organisations déposés en {s.seconds:.0f} s :"
            f" {s.received} reçus (dont {s.late} en retard), {s.unchanged} inchangés,"
            f" {s.rejected} refusés puis {s.corrected} corrigés ;"
            f" {s.reviewed} des années passées acceptés par l'évaluation."
        )
        print(
            f"{s.values} valeurs en vigueur, {s.superseded} remplacées gardées dans l'historique."
        )
        print(f"Comptes : {', '.join(s.accounts)} (mot de passe {DEMO_PASSWORD}).")
    if s.surprises:
        print(
            "WARNING: the pipeline did not read the files as they were written:"
            if lang == "en"
            else "ALERTE : le pipeline n'a pas lu les fichiers comme ils ont été écrits :",
            file=sys.stderr,
        )
        for line in s.surprises:
            print(f"  {line}", file=sys.stderr)


def _actor() -> str:
    return command_line().username


def _password(from_stdin: bool, lang: str) -> str | None:
    """The new password, typed twice at a terminal or read from standard input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mot de passe : " if lang == "fr" else "Password: ")
    second = getpass.getpass("Encore une fois : " if lang == "fr" else "Once more: ")
    if first != second:
        print(
            "Les deux saisies diffèrent." if lang == "fr" else "The two entries differ.",
            file=sys.stderr,
        )
        return None
    return first


def _users(db: Path, folder: Path, args: argparse.Namespace, lang: str) -> int:
    store, admin = ensure_store(db, folder), command_line()
    try:
        if args.action == "list":
            table = accounts.list_accounts(store, admin)
            if args.json:
                print(table.to_json(orient="records", date_format="iso", force_ascii=False))
            else:
                shown = table.drop(columns=["created_at", "updated_at"]).fillna("")
                print(shown.to_string(index=False) if not table.empty else "(aucun compte)")
            return EXIT_OK
        if args.action in ("disable", "enable"):
            done = accounts.set_disabled(store, admin, args.username, args.action == "disable")
            state = "désactivé" if done.disabled else "actif"
            print(
                f"{done.username} : {state}" if lang == "fr" else f"{done.username}: {args.action}d"
            )
            return EXIT_OK
        if args.action == "set-role":
            changed = accounts.set_role(store, admin, args.username, args.role, args.organisation)
            where = f", {changed.organisation}" if changed.organisation else ""
            print(f"{changed.username} ({changed.role}{where})")
            return EXIT_OK
        password = _password(args.password_stdin, lang)
        if password is None:
            return EXIT_REFUSED
        if args.action == "add":
            made = accounts.add_account(
                store,
                admin,
                args.username,
                args.name,
                args.role,
                password,
                organisation=args.organisation,
                email=args.email,
                language=args.language,
            )
            print(
                f"{made.username} ({made.role}{', ' + made.organisation if made.organisation else ''})"
            )
        else:
            accounts.set_password(store, admin, args.username, password)
            print(f"{args.username} : mot de passe changé" if lang == "fr" else "password changed")
        return EXIT_OK
    except AccountError as refused:
        print(refused.message(lang), file=sys.stderr)
        return EXIT_REFUSED


def _progress(db: Path, folder: Path, args: argparse.Namespace, lang: str) -> int:
    store = ensure_store(db, folder)
    viewer = command_line()
    if args.scope != progress.SCOPE_ALL and args.scope not in set(
        store.query("places_list")["code"]
    ):
        print(
            f"Unknown place '{args.scope}'."
            if lang == "en"
            else f"Lieu inconnu : « {args.scope} » (voir data/places.csv).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    table = progress.progress(store, viewer, scope=args.scope)
    year = args.year or progress.latest_year(table)
    if year not in set(table["period"]):
        print(
            f"Unknown school year '{year}'."
            if lang == "en"
            else f"Année scolaire inconnue : « {year} » (voir data/periods.csv).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    units = dict(zip(*store.query("indicators")[["code", "unit"]].T.values, strict=True))
    print(f"{year} · {args.scope}")
    for row in table[table["period"] == year].itertuples():
        unit = str(units[row.indicator])
        value = number(float(row.value), unit, lang)  # type: ignore[arg-type]
        expected = number(float(row.expected), unit, lang)  # type: ignore[arg-type]
        state = i18n.label("progress_status", str(row.status), lang)
        print(f"{row.indicator:<36} {value:>12} {expected:>12}  {state}")
    nodes = progress.node_statuses(store, viewer, table, year)
    print()
    for code, node in nodes.items():
        print(f"{code:<20} {i18n.label('progress_status', node.status, lang)}")
    return EXIT_OK


def _backup(db: Path, args: argparse.Namespace, lang: str) -> int:
    store = Store(db, patience=args.wait)
    if not store.exists():
        print(f"Pas de base à {db}." if lang == "fr" else f"No store at {db}.", file=sys.stderr)
        return EXIT_STORE
    done = store.backup(args.file, actor=command_line().username)
    size = f"{done.size_bytes / 1e6:.1f}".replace(".", "," if lang == "fr" else ".")
    print(
        f"Backup written: {done.path} ({done.tables} tables, {done.rows} rows, {size} MB)."
        if lang == "en"
        else f"Sauvegarde écrite : {done.path} ({done.tables} tables, {done.rows} lignes,"
        f" {size} Mo)."
    )
    return EXIT_OK


def _restore(db: Path, args: argparse.Namespace, lang: str) -> int:
    if not args.yes:
        question = (
            f"Replace the content of {db} by {args.file}? The current content is kept beside it."
            " [y/N] "
            if lang == "en"
            else f"Remplacer le contenu de {db} par {args.file} ? Le contenu actuel est gardé"
            " à côté. [o/N] "
        )
        if not sys.stdin.isatty():
            print(question.rsplit("?", 1)[0] + " ? --yes pour confirmer.", file=sys.stderr)
            return EXIT_USAGE
        if input(question).strip().lower() not in ("o", "oui", "y", "yes"):
            return EXIT_USAGE
    done = Store(db, patience=args.wait).restore(args.file, actor=command_line().username)
    print(
        f"Store restored from {done.path} ({done.tables} tables, {done.rows} rows)."
        if lang == "en"
        else f"Base restaurée depuis {done.path} ({done.tables} tables, {done.rows} lignes)."
    )
    return EXIT_OK


def _maintenance(db: Path, args: argparse.Namespace, lang: str) -> int:
    if args.keep_days < 0:
        print(
            "--keep-days : 0 ou plus." if lang == "fr" else "--keep-days: 0 or more.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    store = Store(db, patience=args.wait)
    if not store.exists():
        print(f"Pas de base à {db}." if lang == "fr" else f"No store at {db}.", file=sys.stderr)
        return EXIT_STORE
    done = store.maintain(command_line().username, dt.timedelta(days=args.keep_days))
    seconds = f"{done.seconds:.1f}".replace(".", "," if lang == "fr" else ".")
    if not done.lake:
        print(
            f"Store checkpointed: {done.before} then {done.after} bytes ({seconds} s)."
            if lang == "en"
            else f"Base écrite (CHECKPOINT) : {done.before} puis {done.after} octets ({seconds} s)."
        )
        return EXIT_OK
    print(
        f"Shared store maintained: {done.before} then {done.after} files in use,"
        f" {done.snapshots_expired} snapshots expired, {done.files_deleted} files deleted"
        f" ({seconds} s)."
        if lang == "en"
        else f"Base partagée entretenue : {done.before} puis {done.after} fichiers utilisés,"
        f" {done.snapshots_expired} instantanés expirés, {done.files_deleted} fichiers effacés"
        f" ({seconds} s)."
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    set_up()
    args = _parser().parse_args(argv)
    db: Path = getattr(args, "db", None) or default_db_path()
    folder: Path = getattr(args, "data", None) or data_dir()
    lang: str = getattr(args, "lang", None) or os.environ.get("MESURE_LANG", "fr")
    try:
        if args.command == "init":
            return _init_empty(db, args, lang) if args.empty else _init(db, folder, lang)
        if args.command == "check":
            return _check(folder, lang)
        if args.command == "ingest":
            return _ingest(db, folder, args, lang)
        if args.command == "template":
            definition = stored_definition(ensure_store(db, folder))
            if args.org not in {o.code for o in definition.organisations}:
                print(f"Organisation inconnue : « {args.org} ».", file=sys.stderr)
                return EXIT_USAGE
            print(write_template(definition, args.org, args.output))
            return EXIT_OK
        if args.command == "demo":
            return _demo(db, folder, args, lang)
        if args.command == "users":
            return _users(db, folder, args, lang)
        if args.command == "progress":
            return _progress(db, folder, args, lang)
        if args.command == "backup":
            return _backup(db, args, lang)
        if args.command == "restore":
            return _restore(db, args, lang)
        if args.command == "maintenance":
            return _maintenance(db, args, lang)
        if args.command == "definition":
            return _definition_export(db, folder, args.folder, lang)
        if args.command == "remind":
            return _remind(db, folder, args, lang)
        if args.command == "export":
            sys.stdout.write(observations_csv(ensure_store(db, folder), command_line(), args.org))
            return EXIT_OK
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
