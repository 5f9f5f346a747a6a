"""Administration: the definition's tables edited in the app or through Excel (evaluators)."""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

import ui
from indicators.access import accounts
from indicators.access.viewer import ROLES
from indicators.admin import editing, shown
from indicators.admin.workbook import propose_workbook, workbook_bytes
from indicators.common.i18n import LANGUAGES, t
from indicators.common.problems import RefusedInputError, UnreadableFileError

viewer, store, lang = ui.guard("admin")

st.title(t("admin.title", lang))
st.caption(t("admin.intro", lang))

CLEARED_ON_SAVE = ("admin_table_", "admin_upload", "admin_indicator_edits", "admin_theory_")
NEW = ""  # the indicator picked to add one


definition = ui.definition(lang)


def configured(columns: Sequence[shown.Column], disabled: Sequence[str] = ()) -> dict[str, Any]:
    """The Streamlit configuration of a definition table's columns: headed in words, choices
    shown by their labels and names, dates the French way (the values stay the codes)."""
    config: dict[str, Any] = {}
    for column in columns:
        off = column.name in disabled
        if column.kind == shown.CHOICE:
            config[column.name] = st.column_config.SelectboxColumn(
                column.header,
                options=list(column.options),
                format_func=column.word,
                disabled=off,
            )
        elif column.kind == shown.CHOICES:
            config[column.name] = st.column_config.MultiselectColumn(
                column.header,
                options=list(column.options),
                format_func=column.word,
                disabled=off,
            )
        elif column.kind == shown.DATE:
            config[column.name] = st.column_config.DateColumn(
                column.header, format="DD/MM/YYYY", disabled=off
            )
        else:
            config[column.name] = st.column_config.TextColumn(column.header, disabled=off)
    return config


def editor(
    table: str,
    frame: pd.DataFrame,
    key: str,
    more: dict[str, dict[str, str]] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """A definition table to edit, shown in words (`shown`), read back as the files' text."""
    columns = shown.columns(table, definition, lang, more)
    return st.data_editor(
        shown.display(frame, columns, lang),
        hide_index=True,
        width="stretch",
        column_config=configured(columns, options.pop("disabled", ())),
        key=key,
        **options,
    )


def pick(
    where: st.delta_generator.DeltaGenerator, column: shown.Column, value: str
) -> str | list[str]:
    """An indicator field with a closed list: a drop-down in words (several choices: a
    multiselect; a text field while the list is still empty)."""
    options = list(column.options)
    if column.kind == shown.CHOICES:
        chosen = [x for x in value.split(";") if x in options]
        return list(where.multiselect(column.header, options, chosen, format_func=column.word))
    if not options:
        return str(where.text_input(column.header, value))
    return str(
        where.selectbox(
            column.header,
            options,
            index=options.index(value) if value in options else 0,
            format_func=column.word,
        )
    )


def show(proposal: editing.Proposal, key: str) -> None:
    """The differences and problems of a proposal, and its save button."""
    if not proposal.changes:
        st.info(t("admin.no_change", lang))
        return
    st.markdown("**" + t("admin.changes", lang, **proposal.counts()) + "**")
    st.dataframe(
        shown.change_table(proposal.changes, definition, lang), hide_index=True, width="stretch"
    )
    if proposal.errors:
        st.error(t("admin.errors", lang, count=len(proposal.errors)))
        for problem in proposal.errors:
            hint = shown.problem_hint(problem, lang)
            st.markdown(f"- {shown.problem_text(problem, lang)}  \n  _{hint}_")
    warnings = [p for p in proposal.problems if p.severity != "error"]
    if warnings:
        st.warning(t("admin.warnings", lang))
        for problem in warnings:
            st.markdown(f"- {shown.problem_text(problem, lang)}")
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
        edited = editor(name, tables[name], f"admin_table_{name}", num_rows="dynamic")
        show(editing.propose(store, viewer, {name: edited}), f"admin_{name}")
with tabs[-4]:
    st.caption(t("admin.theory_help", lang))
    theory = editing.theory_tables(store, viewer)
    st.markdown("**" + t("admin.theory_nodes", lang) + "**")
    nodes = editor("nodes", theory["nodes"], "admin_theory_nodes", num_rows="dynamic")
    # the links and attachments offer the nodes as edited (one added can be linked at once)
    label = "label_en" if lang == "en" else "label_fr"
    new_nodes = {
        str(code): str(words) if pd.notna(words) else ""
        for code, words in zip(nodes["code"], nodes[label], strict=True)
        if pd.notna(code) and str(code).strip()
    }
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**" + t("admin.theory_links", lang) + "**")
        links = editor(
            "links",
            theory["links"],
            "admin_theory_links",
            {"from": new_nodes, "to": new_nodes},
            num_rows="dynamic",
        )
    with right:
        st.markdown("**" + t("admin.theory_attachments", lang) + "**")
        attachments = editor(
            "attachments",
            theory["attachments"],
            "admin_theory_attachments",
            {"node": new_nodes},
            disabled=["indicator"],
        )
    show(
        editing.propose_theory(
            store, viewer, {"nodes": nodes, "links": links, "attachments": attachments}
        ),
        "admin_theory",
    )
with tabs[-3]:
    st.caption(t("admin.indicators_help", lang))
    catalogue = definition.indicators
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
    fields = {c.name: c for c in shown.columns("indicators", definition, lang)}
    with st.form(f"admin_indicator_form_{code or 'new'}"):
        edits: dict[str, object] = {}
        if code == NEW:
            edits["code"] = st.text_input(
                fields["code"].header, placeholder=t("admin.code_example", lang)
            )
        columns = st.columns(2)
        for n, name in enumerate(editing.INDICATOR_FIELDS):
            where = columns[n % 2]
            field = fields[name]
            if field.kind in (shown.CHOICE, shown.CHOICES):
                edits[name] = pick(where, field, current[name])
            elif name.startswith("definition_"):
                edits[name] = where.text_area(field.header, current[name])
            elif field.kind == shown.NUMBER:
                edits[name] = where.text_input(
                    field.header, shown.french_number(current[name], lang)
                )
            else:
                edits[name] = where.text_input(field.header, current[name])
        start = (
            None
            if code == NEW
            else st.date_input(
                t("admin.indicator_from", lang), store.clock().date(), format="DD/MM/YYYY"
            )
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
                        shown.row_title("indicators", change.after, fields.values(), lang)
                        + " — "
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
    organisations = {o.code: o.name for o in definition.organisations}
    st.dataframe(
        pd.DataFrame(
            {
                t("admin.account_username", lang): people["username"],
                t("admin.account_name", lang): people["display_name"],
                t("admin.account_role", lang): people["role"].map(lambda r: t(f"role.{r}", lang)),
                t("admin.account_organisation", lang): [
                    "" if pd.isna(o) else organisations.get(str(o), str(o))
                    for o in people["organisation"]
                ],
                t("admin.account_email", lang): people["email"].fillna(""),
                t("admin.account_language", lang): people["language"].map(
                    lambda c: t(f"language.{c}", lang)
                ),
                t("admin.account_state", lang): [
                    t("admin.account_inactive" if off else "admin.account_active", lang)
                    for off in people["disabled"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    done = st.session_state.pop("admin_account_done", None)
    if done:
        st.success(done)
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
    display_names = dict(zip(people["username"], people["display_name"], strict=True))
    chosen = st.selectbox(
        t("admin.account_pick", lang),
        list(people["username"]),
        format_func=lambda u: f"{display_names.get(u) or u} ({u})",
        key="admin_pick",
    )
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
