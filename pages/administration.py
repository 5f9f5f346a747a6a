"""Administration: the definition's tables edited in the app or through Excel (evaluators)."""

import pandas as pd
import streamlit as st

import ui
from indicators.access import accounts
from indicators.access.viewer import ROLES
from indicators.admin import editing
from indicators.admin.workbook import propose_workbook, workbook_bytes
from indicators.common.i18n import LANGUAGES, t
from indicators.common.problems import RefusedInputError, UnreadableFileError
from indicators.definition.model import (
    AGGREGATION_RULES,
    COMMITMENT_STATUSES,
    DEDUPLICATION_RULES,
    EDUCATION_PRIORITIES,
    FREQUENCIES,
    INDICATOR_TYPES,
    LEVELS,
    ORGANISATION_TYPES,
    PERIOD_KINDS,
    PLACE_KINDS,
    POLARITIES,
    TARGET_KINDS,
    UNITS,
)

viewer, store, lang = ui.guard("admin")

st.title(t("admin.title", lang))
st.caption(t("admin.intro", lang))

CLOSED: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {"kind": PLACE_KINDS, "education_priority": EDUCATION_PRIORITIES},
    "organisations": {"type": ORGANISATION_TYPES},
    "commitments": {"status": COMMITMENT_STATUSES},
    "periods": {"kind": PERIOD_KINDS},
    "targets": {"kind": TARGET_KINDS},
}


CLEARED_ON_SAVE = ("admin_table_", "admin_upload", "admin_indicator_edits", "admin_theory_")
NEW = ""  # the indicator picked to add one


def pick(
    where: st.delta_generator.DeltaGenerator, name: str, options: list[str], value: str
) -> str:
    """A closed list's drop-down (a text field while the list is still empty)."""
    if not options:
        return str(where.text_input(name, value))
    return str(
        where.selectbox(name, options, index=options.index(value) if value in options else 0)
    )


def show(proposal: editing.Proposal, key: str) -> None:
    """The differences and problems of a proposal, and its save button."""
    if not proposal.changes:
        st.info(t("admin.no_change", lang))
        return
    st.markdown("**" + t("admin.changes", lang, **proposal.counts()) + "**")
    st.dataframe(
        pd.DataFrame(
            {
                t("admin.column.kind", lang): [
                    t(f"admin.kind.{c.kind}", lang) for c in proposal.changes
                ],
                t("admin.column.key", lang): [c.key for c in proposal.changes],
                t("admin.column.fields", lang): [", ".join(c.fields) for c in proposal.changes],
                t("admin.column.before", lang): [
                    "" if c.before is None else " · ".join(c.before[f] for f in c.fields)
                    for c in proposal.changes
                ],
                t("admin.column.after", lang): [
                    "" if c.after is None else " · ".join(c.after[f] for f in c.fields)
                    for c in proposal.changes
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if proposal.errors:
        st.error(t("admin.errors", lang, count=len(proposal.errors)))
        for problem in proposal.errors:
            st.markdown(f"- {problem.message(lang)}  \n  _{problem.hint(lang)}_")
    warnings = [p for p in proposal.problems if p.severity != "error"]
    if warnings:
        st.warning(t("admin.warnings", lang))
        for problem in warnings:
            st.markdown(f"- {problem.message(lang)}")
    reason = st.text_input(t("admin.reason", lang), key=f"{key}_reason")
    if st.button(
        t("admin.save", lang), key=f"{key}_save", disabled=not proposal.ready, type="primary"
    ):
        try:
            editing.save(store, viewer, proposal, reason)
        except RefusedInputError as refused:
            st.error(refused.message(lang))
            return
        st.session_state["admin_saved"] = t("admin.saved", lang, **proposal.counts())
        for name in [k for k in st.session_state if str(k).startswith(CLEARED_ON_SAVE)]:
            del st.session_state[name]
        st.rerun()


saved = st.session_state.pop("admin_saved", None)
if saved:
    st.success(saved)
tables = editing.tables(store, viewer)
names = ["places", "organisations", "commitments", "periods", "targets"]
tabs = st.tabs(
    [t(f"admin.tab.{name}", lang) for name in names]
    + [
        t("admin.tab.theory", lang),
        t("admin.tab.indicators", lang),
        t("admin.tab.excel", lang),
        t("admin.tab.accounts", lang),
    ]
)
for name, tab in zip(names, tabs, strict=False):
    with tab:
        st.caption(t("admin.edit_help", lang))
        config = {
            column: st.column_config.SelectboxColumn(column, options=list(options))
            for column, options in CLOSED[name].items()
        }
        edited = st.data_editor(
            tables[name],
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config=config,
            key=f"admin_table_{name}",
        )
        show(editing.propose(store, viewer, {name: edited}), f"admin_{name}")
with tabs[-4]:
    st.caption(t("admin.theory_help", lang))
    theory = editing.theory_tables(store, viewer)
    st.markdown("**" + t("admin.theory_nodes", lang) + "**")
    nodes = st.data_editor(
        theory["nodes"],
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={"level": st.column_config.SelectboxColumn("level", options=list(LEVELS))},
        key="admin_theory_nodes",
    )
    codes = [str(c) for c in nodes["code"].dropna() if str(c).strip()]
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**" + t("admin.theory_links", lang) + "**")
        links = st.data_editor(
            theory["links"],
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                end: st.column_config.SelectboxColumn(end, options=codes) for end in ("from", "to")
            },
            key="admin_theory_links",
        )
    with right:
        st.markdown("**" + t("admin.theory_attachments", lang) + "**")
        attachments = st.data_editor(
            theory["attachments"],
            hide_index=True,
            width="stretch",
            disabled=["indicator"],
            column_config={"node": st.column_config.SelectboxColumn("node", options=codes)},
            key="admin_theory_attachments",
        )
    show(
        editing.propose_theory(
            store, viewer, {"nodes": nodes, "links": links, "attachments": attachments}
        ),
        "admin_theory",
    )
with tabs[-3]:
    st.caption(t("admin.indicators_help", lang))
    catalogue = ui.definition(lang).indicators
    titles = {i.code: f"{i.label_fr if lang == 'fr' else i.label_en} ({i.code})" for i in catalogue}
    titles[NEW] = t("admin.indicator_new", lang)
    code = str(
        st.selectbox(
            t("admin.indicator_pick", lang),
            list(titles),
            format_func=lambda c: titles.get(c, c),
            key="admin_indicator",
        )
        or NEW
    )
    if code == NEW:
        current = editing.new_indicator_row()
    else:
        current = editing.indicator_row(next(i for i in catalogue if i.code == code))
    closed = {
        "node": [n.code for n in ui.definition(lang).nodes],
        "type": list(INDICATOR_TYPES),
        "unit": list(UNITS),
        "polarity": list(POLARITIES),
        "aggregation_time": list(AGGREGATION_RULES),
        "aggregation_space": list(AGGREGATION_RULES),
        "deduplication_rule": list(DEDUPLICATION_RULES),
        "frequency": list(FREQUENCIES),
    }
    with st.form(f"admin_indicator_form_{code or 'new'}"):
        edits: dict[str, object] = {}
        if code == NEW:
            edits["code"] = st.text_input("code", placeholder="familles-accueillies")
        columns = st.columns(2)
        for n, field in enumerate(editing.INDICATOR_FIELDS):
            where = columns[n % 2]
            if field in closed:
                edits[field] = pick(where, field, closed[field], current[field])
            elif field.startswith("definition_"):
                edits[field] = where.text_area(field, current[field])
            else:
                edits[field] = where.text_input(field, current[field])
        start = (
            None
            if code == NEW
            else st.date_input(t("admin.indicator_from", lang), store.clock().date())
        )
        if st.form_submit_button(t("admin.indicator_check", lang)):
            st.session_state["admin_indicator_edits"] = (code, edits, start)
    asked = st.session_state.get("admin_indicator_edits")
    if asked and asked[0] == code == NEW:
        show(editing.propose_new_indicator(store, viewer, asked[1]), "admin_indicator")
    elif asked and asked[0] == code:
        proposal = editing.propose_indicator(store, viewer, code, asked[1], asked[2])
        if proposal.valid_from is not None and proposal.changes and proposal.changes[0].after:
            st.info(
                t(
                    "admin.new_version",
                    lang,
                    version=proposal.changes[0].after["version"],
                    date=f"{proposal.valid_from:%d/%m/%Y}",
                )
            )
        show(proposal, "admin_indicator")
with tabs[-2]:
    st.caption(t("admin.excel_help", lang))
    st.download_button(
        t("admin.download", lang),
        data=lambda: workbook_bytes(store, viewer),  # made on click, audited
        file_name="definition.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    uploaded = ui.file_uploader(t("admin.upload", lang), lang, ["xlsx"], key="admin_upload")
    if uploaded is not None:
        path = ui.keep_upload(uploaded.name, uploaded.getvalue())
        try:
            proposal, notes = propose_workbook(store, viewer, path, uploaded.name)
        except UnreadableFileError as unreadable:
            st.error(t("admin.unreadable", lang, reason=unreadable.problem.message(lang)))
        else:
            for note in notes:
                st.warning(note)
            for change in proposal.changes:
                if change.table == "indicators" and "version" in change.fields and change.after:
                    st.info(
                        f"{change.key} — "
                        + t(
                            "admin.new_version",
                            lang,
                            version=change.after["version"],
                            date=f"{proposal.valid_from:%d/%m/%Y}",
                        )
                    )
            show(proposal, "admin_excel")

with tabs[-1]:
    st.caption(t("admin.accounts_help", lang))
    people = accounts.list_accounts(store, viewer)
    st.dataframe(
        people.assign(language=people["language"].map(lambda c: t(f"language.{c}", lang)))[
            ["username", "display_name", "role", "organisation", "email", "language", "disabled"]
        ].rename(
            columns={
                "username": t("admin.account_username", lang),
                "display_name": t("admin.account_name", lang),
                "role": t("admin.account_role", lang),
                "organisation": t("admin.account_organisation", lang),
                "email": t("admin.account_email", lang),
                "language": t("admin.account_language", lang),
                "disabled": t("admin.account_disable", lang),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    done = st.session_state.pop("admin_account_done", None)
    if done:
        st.success(done)
    organisations = {o.code: o.name for o in ui.definition(lang).organisations}
    with st.form("admin_account_new", clear_on_submit=True):
        st.markdown("**" + t("admin.account_new", lang) + "**")
        left, right = st.columns(2)
        username = left.text_input(t("admin.account_username", lang), key="admin_new_username")
        name = right.text_input(t("admin.account_name", lang), key="admin_new_name")
        role = left.selectbox(
            t("admin.account_role", lang),
            ROLES,
            format_func=lambda r: t(f"role.{r}", lang),
            key="admin_new_role",
        )
        organisation = right.selectbox(
            t("admin.account_organisation", lang),
            ["", *organisations],
            format_func=lambda code: organisations.get(code, "—"),
            key="admin_new_organisation",
        )
        email = left.text_input(t("admin.account_email", lang), key="admin_new_email")
        language = right.selectbox(
            t("admin.account_language", lang),
            LANGUAGES,
            format_func=lambda code: t(f"language.{code}", lang),
            key="admin_new_language",
        )
        if st.form_submit_button(t("admin.account_create", lang)):
            password = accounts.temporary_password()
            try:
                accounts.add_account(
                    store,
                    viewer,
                    username,
                    name,
                    role,
                    password,
                    organisation or None,
                    email or None,
                    language=language,
                )
            except RefusedInputError as refused:
                st.error(refused.message(lang))
            else:
                st.session_state["admin_account_done"] = t(
                    "admin.account_created",
                    lang,
                    username=username.strip().lower(),
                    password=password,
                )
                st.rerun()
    chosen = st.selectbox(t("admin.account_pick", lang), list(people["username"]), key="admin_pick")
    if chosen:
        row = people[people["username"] == chosen].iloc[0]
        first, second = st.columns(2)
        if bool(row["disabled"]):
            if first.button(t("admin.account_enable", lang), key="admin_enable"):
                accounts.set_disabled(store, viewer, chosen, disabled=False)
                st.session_state["admin_account_done"] = t(
                    "admin.account_enabled", lang, username=chosen
                )
                st.rerun()
        elif chosen != viewer.username and first.button(
            t("admin.account_disable", lang), key="admin_disable"
        ):
            accounts.set_disabled(store, viewer, chosen)
            st.session_state["admin_account_done"] = t(
                "admin.account_disabled", lang, username=chosen
            )
            st.rerun()
        if second.button(t("admin.account_reset", lang), key="admin_reset"):
            password = accounts.temporary_password()
            accounts.set_password(store, viewer, chosen, password)
            st.session_state["admin_account_done"] = t(
                "admin.account_reset_done", lang, username=chosen, password=password
            )
            st.rerun()
        with st.form("admin_account_contact"):
            st.markdown("**" + t("admin.account_contact", lang, username=chosen) + "**")
            left, right = st.columns(2)
            address = left.text_input(
                t("admin.account_email", lang),
                "" if pd.isna(row["email"]) else str(row["email"]),
                key="admin_contact_email",
            )
            spoken = str(row["language"]) if str(row["language"]) in LANGUAGES else "fr"
            new_language = right.selectbox(
                t("admin.account_language", lang),
                LANGUAGES,
                index=LANGUAGES.index(spoken),
                format_func=lambda code: t(f"language.{code}", lang),
                key="admin_contact_language",
            )
            if st.form_submit_button(
                t("admin.account_contact_button", lang), key="admin_contact_save"
            ):
                try:
                    accounts.set_contact(store, viewer, chosen, address or None, new_language)
                except RefusedInputError as refused:
                    st.error(refused.message(lang))
                else:
                    st.session_state["admin_account_done"] = t(
                        "admin.account_contact_done", lang, username=chosen
                    )
                    st.rerun()
        if chosen != viewer.username:
            with st.form("admin_account_role"):
                st.markdown("**" + t("admin.account_move", lang, username=chosen) + "**")
                left, right = st.columns(2)
                new_role = left.selectbox(
                    t("admin.account_role", lang),
                    ROLES,
                    index=list(ROLES).index(str(row["role"])),
                    format_func=lambda r: t(f"role.{r}", lang),
                    key="admin_move_role",
                )
                choices = ["", *organisations]
                now = "" if pd.isna(row["organisation"]) else str(row["organisation"])
                new_organisation = right.selectbox(
                    t("admin.account_organisation", lang),
                    choices,
                    index=choices.index(now) if now in choices else 0,
                    format_func=lambda code: organisations.get(code, "—"),
                    key="admin_move_organisation",
                )
                if st.form_submit_button(t("admin.account_move_button", lang)):
                    try:
                        accounts.set_role(store, viewer, chosen, new_role, new_organisation or None)
                    except RefusedInputError as refused:
                        st.error(refused.message(lang))
                    else:
                        st.session_state["admin_account_done"] = t(
                            "admin.account_moved", lang, username=chosen
                        )
                        st.rerun()
