"""Notifications by e-mail: a returned file, and reminders of missing reports.

Each message goes to every enabled account of the partner organisation that has an address,
in that account's language (French by default). A return is done and committed first, then
announced: a message that cannot be sent never undoes it, and the page says so. Reminders are
planned (who gets what, shown as a preview) and then sent as planned. See `transport.py`
for the configuration and the audit of every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from indicators.access import accounts
from indicators.access.accounts import Account
from indicators.access.viewer import Viewer, require_role
from indicators.analytics import synchronisation
from indicators.common.i18n import t
from indicators.definition.model import Definition
from indicators.ingest.uploads import review_submission
from indicators.mail import markup
from indicators.mail.transport import Delivery, MailConfig, Message, send
from indicators.store.database import Store
from indicators.store.stored import stored_definition

UPLOAD_PAGE = "deposer"  # the URL path of the Déposer page (pages/deposer.py)


@dataclass(frozen=True)
class Review:
    """What a review did: whether the submission was still open to it, and, for a return,
    what became of the e-mails announcing it."""

    done: bool
    decision: str
    organisation: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    mail_off: bool = False  # no SMTP server configured: nobody was written to
    no_address: bool = False  # no account of the organisation has an address

    @property
    def failures(self) -> list[Delivery]:
        """The messages that could not be sent."""
        return [d for d in self.deliveries if not d.sent]


def _signature(viewer: Viewer, definition: Definition, lang: str) -> str:
    initiative = definition.initiative
    name = initiative.name_en if lang == "en" else initiative.name_fr
    return t("mail.signature", lang, evaluator=viewer.display_name, initiative=name)


def _plain(parts: list[str], url: str, signature: str, lang: str) -> str:
    """The plain text: `parts` as paragraphs, the link under the last one, the signature."""
    body = "\n\n".join(parts)
    if url:
        body += t("mail.upload_link", lang, url=url)
    return f"{body}\n\n{signature}\n\n-- \n{t('mail.sent_by', lang)}"


def _footer(url: str, signature: str, lang: str) -> list[str]:
    """The link to Déposer (when the app's address is known), the signature, who sent it."""
    blocks = [markup.link(url, t("mail.link_words", lang))] if url else []
    return [*blocks, markup.footer([signature, t("mail.sent_by", lang)])]


def return_messages(
    store: Store, viewer: Viewer, submission: int, config: MailConfig
) -> tuple[str, list[Message]]:
    """(the organisation, one message per account of it with an address) announcing that
    `submission` was returned: which file, the evaluator's reason, what to do, a link. Each
    message has a plain text and an HTML part saying the same."""
    require_role(viewer, "evaluator")
    row = store.query("submission", id=submission).iloc[0]
    organisation = str(row["organisation"])
    definition = stored_definition(store)
    names = {o.code: o.name for o in definition.organisations}
    labels = {p.code: (p.label_fr, p.label_en) for p in definition.periods}
    url = config.link(UPLOAD_PAGE)
    filename = str(row["filename"])
    messages = []
    for account in accounts.contacts(store).get(organisation, []):
        lang = account.language
        period = labels.get(str(row["period"]))
        greeting = t("mail.greeting", lang, name=account.display_name)
        intro = t(
            "mail.return.intro",
            lang,
            filename=filename,
            uploaded=_date(row["uploaded_at"], lang),
            organisation=names.get(organisation, organisation),
            period=t("mail.return.period", lang, period=period[int(lang == "en")])
            if period
            else "",
        )
        reason = str(row["review_comment"]).strip() or t("mail.return.no_reason", lang)
        todo = t("mail.return.todo", lang)
        signature = _signature(viewer, definition, lang)
        body = _plain(
            [greeting, intro, t("mail.return.reason", lang, reason=reason), todo],
            url,
            signature,
            lang,
        )
        heading = t("mail.return.heading", lang, filename=filename)
        reasons = [line.strip() for line in reason.splitlines() if line.strip()]
        html = markup.page(
            lang,
            heading,
            [
                markup.paragraph(greeting),
                markup.paragraph(intro),
                markup.heading(t("mail.return.reasons", lang)),
                markup.items(reasons),
                markup.paragraph(todo),
                *_footer(url, signature, lang),
            ],
        )
        subject = t("mail.return.subject", lang, filename=filename)
        messages.append(_message(account, "return", str(submission), subject, body, html))
    return organisation, messages


def _message(
    account: Account, kind: str, target: str, subject: str, body: str, html: str
) -> Message:
    assert account.email is not None  # accounts.contacts: only accounts with an address
    return Message(
        kind=kind,
        target=target,
        to=account.email,
        name=account.display_name,
        username=account.username,
        lang=account.language,
        subject=subject,
        body=body,
        html=html,
    )


def _date(value: object, lang: str) -> str:
    day = pd.Timestamp(value)  # type: ignore[arg-type]
    return f"{day:%Y-%m-%d}" if lang == "en" else f"{day:%d/%m/%Y}"


def review(
    store: Store,
    viewer: Viewer,
    submission: int,
    decision: str,
    comment: str,
    config: MailConfig | None,
) -> Review:
    """Accept or return `submission` (committed first), then, for a return, write to the
    partner's accounts. A message not sent leaves the return done: see `Review.failures`."""
    if not review_submission(store, viewer, submission, decision, comment):
        return Review(False, decision)
    if decision != "returned":
        return Review(True, decision)
    if config is None:
        return Review(True, decision, mail_off=True)
    organisation, messages = return_messages(store, viewer, submission, config)
    if not messages:
        store.audit(
            viewer.username,
            "mail.skipped",
            str(submission),
            kind="return",
            organisation=organisation,
            reason="no-address",
        )
        return Review(True, decision, organisation, no_address=True)
    return Review(True, decision, organisation, send(store, viewer.username, messages, config))


@dataclass(frozen=True)
class ReminderPlan:
    """Who gets which reminder: the messages, and the organisations owing reports that
    nobody can be written to (no account with an address)."""

    messages: list[Message]
    unreachable: list[str]
    reports: dict[str, int]  # missing reports per organisation

    def preview(self, definition: Definition, lang: str = "fr") -> pd.DataFrame:
        """One row per message: organisation, recipient, address, language, reports."""
        names = {o.code: o.name for o in definition.organisations}
        return pd.DataFrame(
            {
                "organisation": [names.get(m.target, m.target) for m in self.messages],
                "recipient": [m.name for m in self.messages],
                "address": [m.to for m in self.messages],
                "language": [t(f"language.{m.lang}", lang) for m in self.messages],
                "reports": [self.reports[m.target] for m in self.messages],
            }
        )


def reminder_plan(
    store: Store,
    viewer: Viewer,
    today: dt.date,
    organisations: Sequence[str] = (),
    config: MailConfig | None = None,
    missing: pd.DataFrame | None = None,
) -> ReminderPlan:
    """The reminders of the reports missing on `today` of `organisations` (every one owing
    some when empty): one message per account with an address, in its language, listing the
    reports (indicator, place, period, due date) with a link to Déposer when the app's
    address is known. `missing`: `synchronisation.missing_reports` on `today`, when the
    caller already has it."""
    require_role(viewer, "evaluator")
    definition = stored_definition(store)
    names = {o.code: o.name for o in definition.organisations}
    labels = {p.code: (p.label_fr, p.label_en) for p in definition.periods}
    if missing is None:
        missing = synchronisation.missing_reports(store, viewer, today)
    if organisations:
        missing = missing[missing["organisation"].isin(list(organisations))]
    messages: list[Message] = []
    unreachable: list[str] = []
    reports: dict[str, int] = {}
    reachable = accounts.contacts(store)
    for organisation, owed in missing.groupby("organisation", sort=True):
        code = str(organisation)
        reports[code] = len(owed)
        people = reachable.get(code, [])
        if not people:
            unreachable.append(code)
        for account in people:
            lang = account.language
            shown = owed.assign(period=[_period(labels, p, lang) for p in owed["period"]])
            name = names.get(code, code)
            url = config.link(UPLOAD_PAGE) if config else ""
            signature = _signature(viewer, definition, lang)
            text = synchronisation.reminder_text(shown, name, lang)
            body = _plain([text], url, signature, lang)
            html = markup.page(
                lang,
                t("mail.reminder.heading", lang, count=len(owed), name=name),
                [
                    markup.paragraph(t("sync.reminder_greeting", lang)),
                    markup.paragraph(t("sync.reminder_intro", lang, count=len(owed), name=name)),
                    markup.items(synchronisation.reminder_lines(shown, lang)),
                    markup.paragraph(t("sync.reminder_outro", lang)),
                    *_footer(url, signature, lang),
                ],
            )
            subject = t("mail.reminder.subject", lang, count=len(owed), name=name)
            messages.append(_message(account, "reminder", code, subject, body, html))
    return ReminderPlan(messages, unreachable, reports)


def _period(labels: dict[str, tuple[str, str]], code: object, lang: str) -> str:
    pair = labels.get(str(code))
    return str(code) if pair is None else pair[int(lang == "en")]


def send_reminders(
    store: Store, viewer: Viewer, plan: ReminderPlan, config: MailConfig
) -> list[Delivery]:
    """Send the messages of `plan` (each audited); one Delivery each, in order."""
    require_role(viewer, "evaluator")
    return send(store, viewer.username, plan.messages, config)
