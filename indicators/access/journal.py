"""The audit log as evaluators read it: who did what, when, filtered."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from indicators.access.viewer import Viewer, require_role
from indicators.store.database import Store

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
    log["details"] = [_details(d, lang) for d in log["details"]]
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
    "comment": ("commentaire", "comment"),
    "submissions": ("dépôts", "submissions"),
    "values": ("valeurs", "values"),
    "left_waiting": ("valeurs en attente", "values waiting"),
    "new_indicators": ("nouveaux indicateurs", "new indicators"),
    "kind": ("type", "kind"),
    "visibility": ("visibilité", "visibility"),
    "tables": ("tables", "tables"),
    "kept": ("gardé", "kept"),
    "email": ("courriel", "e-mail"),
    "file": ("fichier", "file"),
    "status": ("statut", "status"),
    "version": ("version", "version"),
}
ROLE_WORDS = {
    "evaluator": ("évaluation", "evaluator"),
    "partner": ("partenaire", "partner"),
    "funder": ("financeur", "funder"),
}
SEPARATOR = {"fr": " : ", "en": ": "}  # French sets a colon apart


def _details(raw: object, lang: str = "fr") -> str:
    """The details of an entry as « key : value » pairs in `lang`."""
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
        if key == "role" and value in ROLE_WORDS:
            value = ROLE_WORDS[value][english]
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        parts.append(f"{word}{SEPARATOR['en' if english else 'fr']}{value}")
    return " · ".join(parts)


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
