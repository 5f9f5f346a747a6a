"""Synchronisation: who reports what, on time; statuses, rates against the goals, the index,
what is missing, and (evaluators) the review of submissions."""

from functools import partial

import plotly.graph_objects as go
import streamlit as st

import ui
from indicators import reports
from indicators.analytics import synchronisation as sync
from indicators.common.i18n import label, t
from indicators.ingest import changes, uploads
from indicators.mail import notices
from indicators.mail.transport import MailConfig, failure_text
from indicators.views import changes as changes_view
from indicators.views import charts, curves

viewer, store, lang = ui.guard("sync")
definition = ui.definition(lang)
today = store.clock().date()
initiative = definition.initiative
names = {o.code: o.name for o in definition.organisations}
parents = {p.code: p.parent or p.code for p in definition.periods}
years = [p.code for p in definition.periods if p.kind == "school_year" and p.start <= today]
over = [parents[p.code] for p in definition.periods if p.end < today]  # periods already over

st.title(t("sync.title", lang))
st.caption(t("sync.intro", lang))
year_col, territory_col = st.columns([1, 2])
choices_years = list(reversed(years))
opening = sync.opening_year(store, today, years)
# the year, territory and organisation chosen live in the address (ui.keep_in_url)
year = year_col.selectbox(
    t("sync.year", lang),
    choices_years,
    index=ui.url_index("year", choices_years, opening),
    key="sync_year",
)
ui.keep_in_url("year", year, opening)
territories = [p.code for p in definition.places if p.kind == "territory"]
places = {p.code: p.name for p in definition.places}
territory = territory_col.selectbox(
    t("sync.territory", lang),
    ["", *territories],
    index=ui.url_index("territory", ["", *territories], ""),
    format_func=lambda c: places.get(c, c) if c else t("data.all", lang),
    key="sync_territory",
)
ui.keep_in_url("territory", territory)

rates = sync.rates(store, viewer, today)
rates = rates[rates["period"].map(parents) == year]
if rates.empty and viewer.role == "funder":
    st.info(t("sync.nothing", lang))

# -- the heatmap (evaluators: every partner; a partner: its own row) ---------------------------
if viewer.role in ("evaluator", "partner"):
    statuses = sync.statuses(store, viewer, today)
    statuses = statuses[statuses["period"].map(parents) == year]
    if territory:
        statuses = statuses[statuses["territories"].map(lambda ts: territory in list(ts))]
    st.subheader(t("sync.heatmap", lang))
    if statuses.empty:
        st.info(t("sync.nothing", lang))
    else:
        kinds = {
            o: f"{label('organisation_type', k, lang)} · {n}"
            for o, k, n in zip(
                statuses["organisation"],
                statuses["organisation_type"],
                statuses["organisation_name"],
                strict=True,
            )
        }
        grid, words = sync.status_grid(statuses, lang)
        codes = {s: i for i, s in enumerate(sync.GRID_STATES)}
        figure = go.Figure(
            go.Heatmap(
                z=grid.map(lambda s: codes.get(s)).values,
                x=list(grid.columns),
                y=[kinds[o] for o in grid.index],
                text=words.map(lambda w: w.replace(" (+", "<br>(+")).values,  # the delay below
                texttemplate="%{text}",
                hovertemplate="%{y}<br>%{x} : %{text}<extra></extra>",
                colorscale=sync.status_colorscale(),
                zmin=-0.5,
                zmax=len(sync.GRID_STATES) - 0.5,
                showscale=False,
                xgap=2,
                ygap=2,
            )
        )
        figure.update_layout(
            height=120 + 26 * len(grid),
            margin={"l": 0, "r": 0, "t": 10, "b": 0},
            yaxis={"autorange": "reversed"},
        )
        ui.chart(lang, figure, width="stretch")

# -- how many partners in each status (a collective figure for everyone) ---------------------
counts = sync.status_counts(store, viewer, today)
counts = counts[counts["period"].map(parents) == year]
if not counts.empty and viewer.role != "evaluator":
    st.subheader(t("sync.counts", lang))
    bars = go.Figure(
        [
            go.Bar(
                x=counts.loc[counts["status"] == status, "period"],
                y=counts.loc[counts["status"] == status, "partners"],
                name=label("sync_status", status, lang),
                marker_color=sync.STATUS_COLOURS[status],
            )
            for status in sync.GRID_STATES
            if (counts["status"] == status).any()
        ]
    )
    bars.update_layout(barmode="stack", height=300, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    ui.chart(lang, bars, width="stretch")

# -- completeness and timeliness against the goals ------------------------------------------
st.subheader(t("sync.rates", lang))
goals = {"completeness": initiative.completeness_goal, "timeliness": initiative.timeliness_goal}
by = "initiative"
if viewer.role != "partner":  # groups of partners; a partner compares itself to the initiative
    groups = ["initiative", "organisation_type", "territory", "indicator"]
    by = (
        st.segmented_control(
            t("sync.compare_by", lang),
            groups,
            default=ui.url_value("by", groups, "initiative"),
            format_func=lambda d: t(f"sync.by.{d}", lang),
            key="compare_by",
        )
        or "initiative"
    )
    ui.keep_in_url("by", by, "initiative")
lines = go.Figure()
withheld: dict[str, list[str]] = {}  # a group's figures withheld from this viewer, by period
for measure, dash in (("completeness", "solid"), ("timeliness", "dot")):
    name = t(f"sync.{measure}", lang)
    if by == "initiative":
        series = [("initiative", "*", t("sync.initiative", lang, name=name))]
        if viewer.role == "partner":
            mine = t("sync.mine", lang, name=name)
            series.append(("organisation", viewer.organisation or "", mine))
    else:
        members = sorted(set(rates.loc[rates["dimension"] == by, "member"]))
        series = [
            (by, m, f"{name} · {sync.member_label(by, m, definition, lang)}") for m in members
        ]
    for dimension, member, caption in series:
        part = rates[(rates["dimension"] == dimension) & (rates["member"] == member)]
        if not part.empty:
            lines.add_trace(
                go.Scatter(
                    x=part["period"],
                    y=part[measure],
                    name=caption,
                    customdata=[charts.value_text(v, "share", lang) for v in part[measure]],
                    hovertemplate="%{x} : %{customdata}",
                    mode="lines+markers",
                    line={"dash": dash, "width": 3 if dimension == "organisation" else 2},
                )
            )
            withheld = curves.merged(
                withheld, curves.hidden_at(part["period"], part["hidden"], caption)
            )
    lines.add_hline(
        y=goals[measure],
        line_dash="dash",
        line_color="grey",
        annotation_text=t(
            "sync.goal", lang, name=name, goal=charts.value_text(goals[measure], "share", lang)
        ),
    )
curves.mark_hidden(lines, withheld, lang)
lines.update_layout(
    height=420,
    yaxis={"tickformat": ".0%", "range": [0, 1.05]},
    margin={"t": 10, "b": 0},
    legend={"orientation": "h", "y": -0.15},
)
plotted = [y for trace in lines.data if trace.name and trace.y is not None for y in trace.y]
flat = "" if withheld else charts.says_nothing(plotted)
if flat:
    st.info(charts.nothing_sentence(flat, t("sync.rates", lang), plotted, "share", lang))
else:
    ui.chart(lang, lines, width="stretch")
if withheld:
    st.caption(t("sync.hidden_note", lang))

# -- consistency over the year's periods that are over -------------------------------------
window = sorted({p for p in rates["period"]})
steady = sync.consistency(store, viewer, today, window)
if not steady.empty:
    st.markdown(f"**{t('sync.consistency', lang)}** — {t('sync.consistency_help', lang)}")
    shown = steady if viewer.role != "partner" else steady[steady["dimension"] == "initiative"]
    ui.table(
        {
            t("sync.compare_by", lang): shown["dimension"].map(lambda d: t(f"sync.by.{d}", lang)),
            t("column.member", lang): [
                t("sync.by.initiative", lang)
                if d == "initiative"
                else sync.member_label(d, m, definition, lang)
                for d, m in zip(shown["dimension"], shown["member"], strict=True)
            ],
            t("column.reporting_any", lang): curves.shown_or_hidden(
                shown["reporting_any"], shown["hidden"], "count", lang
            ),
            t("column.reporting_every", lang): curves.shown_or_hidden(
                shown["reporting_every"], shown["hidden"], "count", lang
            ),
            t("sync.consistency", lang): curves.shown_or_hidden(
                100 * shown["consistency"], shown["hidden"], "percent", lang
            ),
        }
    )
    if (shown["hidden"] != "").any():
        st.caption(t("sync.hidden_note", lang))

# -- the index --------------------------------------------------------------------------------
st.subheader(t("sync.index", lang))
index, overall = sync.sync_index(store, viewer, today)
st.latex(sync.index_formula(lang))
st.caption(t("sync.index_formula", lang))
metric_cols = st.columns(4)
metric_cols[0].metric(t("sync.index_initiative", lang), f"{overall:.0f}")
if viewer.role == "partner" and not index.empty:
    metric_cols[1].metric(names.get(viewer.organisation or "", ""), f"{index['index'].iloc[0]:.0f}")
if viewer.role == "evaluator" and not index.empty:
    ranked = index.sort_values("index")
    ranking = go.Figure(
        go.Bar(
            x=ranked["index"],
            y=ranked["organisation_name"],
            orientation="h",
            customdata=ranked[list(sync.WEIGHTS)]
            .map(lambda v: charts.value_text(v, "share", lang))
            .values,
            hovertemplate="%{y}"
            + (" : " if lang == "fr" else ": ")
            + "%{x:.0f}<br>"
            + " · ".join(
                f"{sync.INDEX_WORDS[lang][name]} %{{customdata[{i}]}}"
                for i, name in enumerate(sync.WEIGHTS)
            )
            + "<extra></extra>",
        )
    )
    ranking.add_vline(x=overall, line_dash="dash", line_color="grey")
    ranking.update_layout(height=120 + 16 * len(ranked), margin={"l": 0, "r": 0, "t": 10, "b": 0})
    flat = charts.says_nothing(ranked["index"].round(0))
    if flat:
        title = t("sync.index", lang)
        st.info(charts.nothing_sentence(flat, title, ranked["index"].round(0), "point", lang))
    else:
        ui.chart(lang, ranking, width="stretch")

# -- what is missing, ready to send -------------------------------------------------------------
if viewer.role in ("evaluator", "partner"):
    st.subheader(t("sync.missing", lang))
    owed = sync.missing_reports(store, viewer, today)  # a partner's own only
    organisation = viewer.organisation
    if viewer.role == "evaluator":
        owing = sorted(set(owed["organisation"]))
        organisation = st.selectbox(
            t("data.organisation", lang),
            owing,
            index=ui.url_index("org", owing, owing[0] if owing else ""),
            format_func=lambda c: names.get(c, c),
            key="sync_org",
        )
        ui.keep_in_url("org", organisation, owing[0] if owing else "")
    missing = owed[owed["organisation"] == organisation] if organisation else None
    expected = sync.expected_reports(store, viewer, today, organisation or "")
    summary = sync.report_summary(expected if organisation else expected.iloc[0:0])
    kind, sentence = sync.missing_sentence(summary, lang)
    {"success": st.success, "warning": st.warning, "info": st.info}[kind](sentence)
    if missing is not None and not missing.empty:
        ui.table(
            {
                t("column.indicator", lang): missing[f"indicator_label_{lang}"],
                t("column.place", lang): missing["place_name"],
                t("column.period", lang): missing["period"],
                t("column.due", lang): missing["due_date"],
            }
        )
        assert organisation is not None
        st.markdown(f"**{t('sync.reminder', lang)}**")
        st.code(sync.reminder_text(missing, names.get(organisation, organisation), lang), None)
        st.download_button(
            t("sync.reminder_xlsx", lang),
            data=partial(reports.reminder_export, store, viewer, today, organisation, lang),
            file_name=f"rapports-manquants-{organisation}.xlsx",
            icon=":material/download:",
            on_click="ignore",
        )
    if viewer.role == "evaluator" and not owed.empty:
        st.markdown(f"**{t('sync.remind', lang)}**")
        mail = MailConfig.from_env()
        if mail is None:
            st.info(t("mail.off", lang))
        everyone = sorted(set(owed["organisation"]))
        scope = st.radio(
            t("sync.remind_scope", lang),
            ["one", "all"],
            format_func=lambda s: (
                t("sync.remind_one", lang)
                if s == "one"
                else t("sync.remind_all", lang, count=len(everyone))
            ),
            horizontal=True,
            key="remind_scope",
        )
        plan = notices.reminder_plan(
            store,
            viewer,
            today,
            [organisation or ""] if scope == "one" else everyone,
            mail,
            missing=owed,
        )
        if plan.messages:
            st.caption(t("sync.remind_preview", lang))
            preview = plan.preview(definition, lang)
            ui.table(
                {
                    t("data.organisation", lang): preview["organisation"],
                    t("sync.remind_recipient", lang): preview["recipient"],
                    t("sync.remind_address", lang): preview["address"],
                    t("sync.remind_language", lang): preview["language"],
                    t("sync.remind_reports", lang): preview["reports"],
                }
            )
        if plan.unreachable:
            st.warning(
                t(
                    "sync.remind_unreachable",
                    lang,
                    names=", ".join(names.get(o, o) for o in plan.unreachable),
                )
            )
        if st.button(
            t("sync.remind_button", lang, count=len(plan.messages)),
            key="remind_send",
            icon=":material/send:",
            disabled=mail is None or not plan.messages,
        ):
            assert mail is not None
            deliveries = notices.send_reminders(store, viewer, plan, mail)
            sent = sum(d.sent for d in deliveries)
            if sent:
                st.success(t("sync.remind_sent", lang, count=sent))
            failed = [d for d in deliveries if not d.sent]
            if failed:
                st.error(
                    t("sync.remind_failed", lang, count=len(failed))
                    + "\n\n"
                    + "\n".join(f"- {failure_text(d, mail, lang)}" for d in failed)
                )

# -- the review of submissions (evaluators) --------------------------------------------------------
if viewer.role == "evaluator":
    st.subheader(t("sync.review", lang))
    st.caption(t("sync.review_intro", lang))
    choices = uploads.organisations_for(viewer, definition)
    reviewed_org = st.selectbox(
        t("data.organisation", lang),
        choices,
        format_func=lambda c: names.get(c, c),
        key="review_org",
    )
    history = uploads.history(store, viewer, definition, reviewed_org) if reviewed_org else None
    open_ = (
        history[history["status"].isin(["received", "accepted", "returned"])]
        if (history is not None)
        else None
    )
    if open_ is None or open_.empty:
        st.caption(t("upload.no_history", lang))
    else:
        files = dict(zip(open_["id"], open_["filename"], strict=True))
        states = dict(zip(open_["id"], open_["status"], strict=True))
        chosen = st.selectbox(
            t("sync.submission", lang),
            list(files),
            format_func=lambda i: f"{files[i]} · {label('submission_status', states[i], lang)}",
            key="review_submission",
        )
        # what the submission changed against what stood before it (or after an older upload
        # of the same period, as the evaluator chooses), seen before accepting it
        with st.expander(t("changes.review", lang), expanded=states[chosen] == "received"):
            earlier = changes_view.since_choices(
                changes.earlier_submissions(store, viewer, int(chosen)), lang
            )
            since = 0
            if len(earlier) > 1:
                since = st.selectbox(
                    t("changes.since", lang),
                    list(earlier),
                    format_func=earlier.__getitem__,
                    help=t("changes.since_help", lang),
                    key="review_since",
                )
            found = changes.what_changed(store, viewer, int(chosen), since or None)
            st.caption(changes_view.summary(found, lang))
            if not found.rows.empty:
                ui.table(changes_view.table(found, lang))
        with st.form("review"):
            comment = st.text_input(t("sync.comment", lang))
            accept, send_back = st.columns(2)
            accepted = accept.form_submit_button(
                t("sync.accept", lang), type="primary", key="review_accept"
            )
            returned = send_back.form_submit_button(t("sync.return", lang), key="review_return")
        if accepted or returned:
            decision = "accepted" if accepted else "returned"
            mail = MailConfig.from_env()
            # the review is committed before any e-mail: a message not sent never undoes it
            review = notices.review(store, viewer, int(chosen), decision, comment, mail)
            st.success(t("sync.reviewed", lang, status=label("sync_status", decision, lang)))
            if review.done and decision == "returned":
                if review.mail_off:
                    st.warning(t("sync.return_mail_off", lang))
                elif review.no_address:
                    organisation_name = names.get(review.organisation, review.organisation)
                    st.warning(t("sync.return_no_address", lang, organisation=organisation_name))
                sent_to = [d.message.to for d in review.deliveries if d.sent]
                if sent_to:
                    st.info(t("sync.return_mailed", lang, to=", ".join(sent_to)))
                if review.failures:
                    st.error(
                        t("sync.return_mail_failed", lang)
                        + "\n\n"
                        + "\n".join(f"- {failure_text(d, mail, lang)}" for d in review.failures)
                    )
