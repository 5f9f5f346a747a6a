"""The audit log as evaluators read it: who did what, when, filtered."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.common.problems import CELL_LABELS, DefinitionError
from indicators.store.database import Store
from indicators.store.stored import stored_definition

# Every action the app writes in the audit log, in French and English.
ACTIONS: dict[str, tuple[str, str]] = {
    "login.success": ("connexion", "login"),
    "login.failure": ("connexion refusée", "failed login"),
    "login.throttled": ("connexion bloquée (trop d'échecs)", "login throttled"),
    "login.ticket": (
        "ticket de connexion émis (identifiants acceptés)",
        "sign-in ticket issued (credentials accepted)",
    ),
    "login.ticket_refused": ("ticket de connexion refusé", "sign-in ticket refused"),
    "device.add": ("appareil de confiance enregistré", "trusted device registered"),
    "logout": ("déconnexion", "logout"),
    "session.expired": ("session expirée", "session expired"),
    "session.rejected": ("cookie de session refusé", "session cookie refused"),
    "submission.upload": ("dépôt", "upload"),
    "submission.refused": ("dépôt refusé (erreurs)", "upload refused (errors)"),
    "submission.accept": ("dépôt accepté", "submission accepted"),
    "submission.return": ("dépôt renvoyé", "submission returned"),
    "mapping.confirm": ("rapprochement confirmé", "mapping confirmed"),
    "layout.confirm": ("lecture d'une feuille retenue", "sheet reading remembered"),
    "definition.load": ("définition chargée", "definition loaded"),
    "definition.edit": (
        "définition modifiée (Administration)",
        "definition edited (Administration)",
    ),
    "export": ("export", "export"),
    "note.add": ("note du journal d'apprentissage", "learning log note"),
    "view.save": ("vue de l'explorateur enregistrée", "explorer view saved"),
    "view.rename": ("vue enregistrée renommée", "saved view renamed"),
    "view.delete": ("vue enregistrée supprimée", "saved view deleted"),
    "view.share": ("partage d'une vue enregistrée", "saved view sharing"),
    "summary.publish": ("synthèse publiée pour les financeurs", "summary published for funders"),
    "account.add": ("compte créé", "account created"),
    "account.disable": ("compte désactivé", "account disabled"),
    "account.enable": ("compte réactivé", "account enabled"),
    "account.role": ("rôle ou organisation changé", "role or organisation changed"),
    "account.password": ("mot de passe changé", "password changed"),
    "account.rehash": ("empreinte du mot de passe renforcée", "password hash upgraded"),
    "account.contact": (
        "adresse ou langue des e-mails changée",
        "e-mail address or language changed",
    ),
    "mail.sent": ("e-mail envoyé", "e-mail sent"),
    "mail.failed": ("e-mail non envoyé (échec)", "e-mail not sent (failure)"),
    "mail.skipped": (
        "e-mail sans destinataire (aucune adresse)",
        "e-mail without recipient (no address)",
    ),
    "store.backup": ("sauvegarde de la base", "store backed up"),
    "store.restore": ("base restaurée d'une sauvegarde", "store restored from a backup"),
}


def action_label(action: str, lang: str = "fr") -> str:
    """The words for an audit action; the code itself when unknown."""
    pair = ACTIONS.get(action)
    return action if pair is None else pair[1 if lang == "en" else 0]


def read_log(
    store: Store,
    viewer: Viewer,
    since: dt.date,
    until: dt.date,
    actions: list[str] | None = None,
    actor: str = "",
    lang: str = "fr",
) -> pd.DataFrame:
    """Audit entries from `since` to `until` (both days included), newest first, for
    evaluators only; narrowed to `actions` and to actors whose name contains `actor`."""
    require_role(viewer, "evaluator")
    log = store.query(
        "audit_log",
        since=dt.datetime.combine(since, dt.time()),
        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time()),
    )
    if actions:
        log = log[log["action"].isin(actions)]
    if actor.strip():
        log = log[log["actor"].str.contains(actor.strip(), case=False, regex=False)]
    log = log.reset_index(drop=True)
    known = names(store, lang)
    log["details"] = [_details(d, lang, known) for d in log["details"]]
    return log


# The words for the details of an entry (the keys written by `Store.audit` and `Audit`); a key
# not listed is shown with its underscores as spaces.
DETAIL_WORDS = {
    "role": ("rôle", "role"),
    "organisation": ("organisation", "organisation"),
    "organisations": ("organisations", "organisations"),
    "via": ("par", "via"),
    "client": ("adresse", "address"),
    "device": ("appareil", "device"),
    "reason": ("motif", "reason"),
    "rows": ("lignes", "rows"),
    "year": ("année", "year"),
    "scope": ("périmètre", "scope"),
    "lang": ("langue", "language"),
    "language": ("langue", "language"),
    "comment": ("commentaire", "comment"),
    "submissions": ("dépôts", "submissions"),
    "submission": ("dépôt", "submission"),
    "values": ("valeurs", "values"),
    "left_waiting": ("valeurs en attente", "values waiting"),
    "new_indicators": ("nouveaux indicateurs", "new indicators"),
    "new_versions": ("nouvelles versions", "new versions"),
    "retired": ("indicateurs retirés", "retired indicators"),
    "counts": ("lignes enregistrées", "rows saved"),
    "changes": ("modifications", "changes"),
    "kind": ("type", "kind"),
    "visibility": ("visibilité", "visibility"),
    "tables": ("tables", "tables"),
    "kept": ("gardé", "kept"),
    "email": ("courriel", "e-mail"),
    "file": ("fichier", "file"),
    "status": ("statut", "status"),
    "version": ("version", "version"),
    "before": ("avant", "before"),
    "to": ("destinataire", "to"),
    "subject": ("objet", "subject"),
    "result": ("résultat", "result"),
    "error": ("erreur", "error"),
    "detail": ("détail", "detail"),
    "view": ("vue n°", "view no."),
    "shared": ("partagée", "shared"),
    "params": ("paramètres de l'adresse", "address parameters"),
    "sheet": ("feuille", "sheet"),
    "header_row": ("ligne d'en-tête", "header row"),
    "signature": ("en-têtes lus", "headers read"),
    "columns": ("colonnes", "columns"),
    "mappings": ("rapprochements", "mappings"),
    "severity": ("problèmes", "problems"),
    "code": ("par type", "by kind"),
    "sha256": ("empreinte SHA-256", "SHA-256 fingerprint"),
    "created": ("valeurs créées", "values created"),
    "updated": ("valeurs mises à jour", "values updated"),
    "unchanged": ("valeurs inchangées", "values unchanged"),
    "retry_after": ("nouvel essai dans (s)", "retry after (s)"),
}
# The words for the values of some details, per key (a value not listed is shown as it is).
VALUE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "role": {
        "evaluator": ("évaluation", "evaluator"),
        "partner": ("partenaire", "partner"),
        "funder": ("financeur", "funder"),
    },
    "reason": {
        "idle": ("inactivité", "idle"),
        "absolute": ("durée maximale atteinte", "maximum duration reached"),
        "logout": ("déconnexion", "logout"),
        "tampered": ("cookie altéré", "tampered cookie"),
        "throttled": ("trop d'échecs", "too many failures"),
        "wrong_password": ("mot de passe erroné", "wrong password"),
        "unknown": ("compte inconnu", "unknown account"),
        "no_password": ("compte sans mot de passe", "account without password"),
        "disabled": ("compte désactivé", "account disabled"),
        "used": ("déjà utilisé", "already used"),
        "expired": ("expiré", "expired"),
        "no-address": ("aucune adresse", "no address"),
        "password": ("mot de passe changé", "password changed"),
        "role": ("rôle changé", "role changed"),
        "reader-crashed": ("lecture du fichier interrompue", "file reader crashed"),
        "reader-timeout": ("lecture du fichier trop longue", "file reader timed out"),
    },
    "via": {
        "password": ("mot de passe", "password"),
        "sso": ("authentification unique", "single sign-on"),
        "device": ("appareil de confiance", "trusted device"),
    },
    "kind": {
        "return": ("renvoi d'un fichier", "returned file"),
        "reminder": ("relance", "reminder"),
        "note": ("note", "note"),
        "decision": ("décision", "decision"),
        "added": ("ajouté", "added"),
        "changed": ("modifié", "changed"),
        "removed": ("supprimé", "removed"),
    },
    "result": {"sent": ("envoyé", "sent"), "failed": ("échec", "failed")},
    "client": {"unknown": ("inconnue", "unknown")},
    "error": {
        "connection": ("serveur injoignable", "server unreachable"),
        "timeout": ("pas de réponse à temps", "timed out"),
        "auth": ("identifiants refusés", "credentials refused"),
        "recipient": ("adresse refusée", "address refused"),
        "smtp": ("erreur du serveur", "server error"),
    },
    "visibility": {"partners": ("partenaires", "partners"), "team": ("équipe d'appui", "team")},
    "language": {"fr": ("français", "French"), "en": ("anglais", "English")},
    "severity": {
        "error": ("erreur(s)", "error(s)"),
        "warning": ("alerte(s)", "warning(s)"),
        "info": ("information(s)", "note(s)"),
    },
    "code": CELL_LABELS,
    "table": {
        "initiative": ("initiative", "initiative"),
        "toc_nodes": ("nœuds", "nodes"),
        "toc_links": ("liens", "links"),
        "dimension_categories": ("catégories de ventilation", "breakdown categories"),
        "places": ("lieux", "places"),
        "place_enrolment": ("effectifs par niveau", "pupils per grade"),
        "organisations": ("organisations", "organisations"),
        "commitments": ("engagements", "commitments"),
        "periods": ("périodes", "periods"),
        "targets": ("cibles et références", "targets and baselines"),
        "nodes": ("nœuds", "nodes"),
        "links": ("liens", "links"),
        "attachments": ("nœuds mesurés", "nodes measured"),
        "indicators": ("indicateurs", "indicators"),
    },
    "column_role": {
        "value": ("valeur", "value"),
        "numerator": ("numérateur", "numerator"),
        "denominator": ("dénominateur", "denominator"),
        "indicator": ("indicateur", "indicator"),
        "place": ("lieu", "place"),
        "period": ("période", "period"),
        "dimension": ("ventilation", "breakdown"),
        "commune": ("commune", "municipality"),
        "comment": ("commentaire", "comment"),
        "ignore": ("ignorée", "ignored"),
    },
    "yes_no": {"True": ("oui", "yes"), "False": ("non", "no")},
}
VALUE_WORDS["lang"] = VALUE_WORDS["language"]
ROLE_WORDS = VALUE_WORDS["role"]
SEPARATOR = {"fr": " : ", "en": ": "}  # French sets a colon apart
NONE = "—"


def names(store: Store, lang: str = "fr") -> dict[str, str]:
    """The words for the codes an entry names: organisations, places, indicators, periods,
    nodes and the initiative ({} for a store without a definition)."""
    try:
        definition = stored_definition(store)
    except (ValueError, DefinitionError):
        return {}
    english = lang == "en"
    initiative = definition.initiative
    return {
        initiative.code: initiative.name_en if english else initiative.name_fr,
        **{n.code: n.label_en if english else n.label_fr for n in definition.nodes},
        **{p.code: p.label_en if english else p.label_fr for p in definition.periods},
        **{p.code: p.name for p in definition.places},
        **{i.code: i.label_en if english else i.label_fr for i in definition.indicators},
        **{o.code: o.name for o in definition.organisations},
    }


def _details(raw: object, lang: str = "fr", known: Mapping[str, str] | None = None) -> str:
    """The details of an entry as « key : value » pairs in `lang`, the codes of the
    definition by their names (`known`)."""
    try:
        data = json.loads(str(raw)) if raw is not None else {}
    except json.JSONDecodeError:
        return str(raw)
    if not isinstance(data, dict):
        return str(data)
    english = lang == "en"
    parts = []
    for key, value in data.items():
        if value in (None, "", [], {}):
            continue
        word = DETAIL_WORDS.get(key, (key.replace("_", " "),) * 2)[english]
        parts.append(
            f"{word}{SEPARATOR['en' if english else 'fr']}{_value(key, value, lang, known or {})}"
        )
    return " · ".join(parts)


def _word(kind: str, value: object, lang: str) -> str:
    pair = VALUE_WORDS.get(kind, {}).get(str(value))
    return str(value) if pair is None else pair[lang == "en"]


def _value(key: str, value: object, lang: str, known: Mapping[str, str]) -> str:
    """One detail's value in words."""
    english = lang == "en"
    if value is None or value == "":
        return NONE
    if isinstance(value, bool):
        return _word("yes_no", value, lang)
    if key == "header_row" and isinstance(value, int):
        return str(value + 1)  # people count rows from 1
    if key == "params" and isinstance(value, dict):
        return "&".join(f"{k}={v}" for k, v in value.items())
    if key == "counts" and isinstance(value, dict):
        return ", ".join(f"{_word('table', k, lang)} {v}" for k, v in value.items())
    if key == "severity" and isinstance(value, dict):
        return ", ".join(f"{v} {_word('severity', k, lang)}" for k, v in value.items())
    if key == "code" and isinstance(value, dict):  # problems counted by kind
        return ", ".join(f"{_word('code', k, lang)} {v}" for k, v in value.items())
    if key == "changes" and isinstance(value, list):
        return " ; ".join(_change(c, lang, known) for c in value if isinstance(c, dict))
    if key == "columns" and isinstance(value, list):
        return ", ".join(
            f"{_letter(c.get('col'))} {_word('column_role', c.get('role'), lang)}"
            for c in value
            if isinstance(c, dict)
        )
    if key == "mappings" and isinstance(value, list):
        return " ; ".join(
            f"{_quoted(str(m[1]), lang)} → {known.get(str(m[2]), m[2])}"
            for m in value
            if isinstance(m, list) and len(m) == 3
        )
    if isinstance(value, dict):
        return ", ".join(
            f"{DETAIL_WORDS.get(k, (k,) * 2)[english]} {_value(k, v, lang, known)}"
            for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(_value(key, v, lang, known) for v in value)
    if key in VALUE_WORDS:
        return _word(key, value, lang)
    if key == "scope" and value == "*":
        return "toute l'initiative" if not english else "the whole initiative"
    return known.get(str(value), str(value))


def _letter(column: object) -> str:
    """A column number (from 0) as a spreadsheet names it: 3 -> D."""
    if not isinstance(column, int) or column < 0:
        return str(column)
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _quoted(text: str, lang: str) -> str:
    return f"'{text}'" if lang == "en" else f"« {text} »"


def _change(change: Mapping[str, object], lang: str, known: Mapping[str, str]) -> str:
    """One row of a definition edit: what happened to which row of which table."""
    key = " · ".join(known.get(part, part) for part in str(change.get("key", "")).split(" · "))
    kind = _word("kind", change.get("kind"), lang)
    return f"{kind} {_word('table', change.get('table'), lang)} {_quoted(key, lang)}"


def per_day(log: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """day, action (in words), entries: the log counted per day and action, for a chart."""
    if log.empty:
        return pd.DataFrame(columns=["day", "action", "entries"])
    counted = (
        log.assign(
            day=log["logged_at"].dt.floor("D"),
            action=log["action"].map(lambda a: action_label(a, lang)),
        )
        .groupby(["day", "action"], as_index=False)
        .size()
        .rename(columns={"size": "entries"})
    )
    return counted
