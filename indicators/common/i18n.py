"""Interface texts in French (first) and English, and labels of the definition's codes."""

from __future__ import annotations

LANGUAGES = ("fr", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("Mesure commune", "Mesure commune"),
    "app.language": ("Langue", "Language"),
    "app.no_viewer": (
        "Connexion requise : cette page n'est accessible qu'aux comptes autorisés.",
        "Sign-in required: this page is only open to authorised accounts.",
    ),
    "app.reserved": (
        "La page « {page} » est réservée {whom} : vous voici sur votre page d'accueil.",
        "The page '{page}' is reserved to {whom}: here is your home page.",
    ),
    "app.reserved_nobody": (
        "La page « {page} » n'est ouverte à aucun compte : vous voici sur votre page d'accueil.",
        "The page '{page}' is open to no account: here is your home page.",
    ),
    "app.and": (" et ", " and "),
    "app.store_error": (
        "La base de l'initiative ne peut pas être ouverte.",
        "The initiative's store cannot be opened.",
    ),
    "app.store_busy": (
        "La base de l'initiative est occupée par une autre opération (une sauvegarde, une"
        " commande en cours, les écritures d'autres serveurs). Rechargez la page dans un"
        " instant ; rien de ce que vous avez saisi n'a été enregistré à moitié. (Référence {ref})",
        "The initiative's store is busy with another operation (a backup, a command, other"
        " servers' writes). Reload the page in a moment; nothing you entered was half saved."
        " (Reference {ref})",
    ),
    "app.not_saved": (
        "Rien n'a été enregistré : la base était occupée (d'autres serveurs y écrivaient au même"
        " moment, ou une sauvegarde était en cours). Réessayez dans un instant : le bouton est"
        " toujours là. (Référence {ref})",
        "Nothing was saved: the store was busy (other servers were writing at the same moment,"
        " or a backup was running). Try again in a moment: the button is still there."
        " (Reference {ref})",
    ),
    "app.unexpected": (
        "Une erreur inattendue a interrompu cette page ; rien n'a été enregistré à moitié."
        " Rechargez la page ; si cela recommence, donnez la référence {ref} à l'équipe d'appui.",
        "An unexpected error stopped this page; nothing was half saved. Reload the page; if it"
        " happens again, give the reference {ref} to the backbone team.",
    ),
    "app.definition_error": (
        "La définition de l'initiative est incohérente ; corrigez les fichiers de data/ puis"
        " relancez « mesure init ».",
        "The initiative definition is inconsistent; fix the files in data/ then run 'mesure init'.",
    ),
    "app.demo_building": (
        "Premier démarrage : la base de la démonstration est créée, ses comptes ouverts ; les"
        " classeurs des partenaires seront ensuite déposés un à un, comme de vrais dépôts…",
        "First start: the demo store is being created and its accounts opened; the partners'"
        " workbooks will then be uploaded one by one, like real uploads…",
    ),
    "app.demo_loading": (
        "La démonstration se charge encore : {done} dépôts de partenaires sur {total} passés"
        " par l'ingestion. Les chiffres affichés sont incomplets et changent jusqu'à la fin du"
        " chargement (rechargez la page pour les suivre) ; les pages qui écrivent dans la base"
        " ouvrent ensuite.",
        "The demo is still loading: {done} of {total} partner uploads through the ingest so"
        " far. The figures shown are incomplete and change until the loading ends (reload the"
        " page to follow them); the pages that write into the store open then.",
    ),
    "app.demo_reviewing": (
        "La démonstration se termine : les {total} dépôts sont passés ; l'évaluation de la démo"
        " accepte ceux des années scolaires passées et les publie.",
        "The demo is finishing: all {total} uploads went through; the demo's evaluator accepts"
        " those of past school years and publishes them.",
    ),
    "app.figures_catching_up": (
        "Mise à jour des chiffres après le dernier dépôt : la page s'affiche dans quelques"
        " secondes.",
        "Updating the figures after the latest upload: the page shows in a few seconds.",
    ),
    "app.demo_closed": (
        "Cette page écrit dans la base : elle ouvre quand la démonstration aura fini de se"
        " charger.",
        "This page writes into the store: it opens once the demo has finished loading.",
    ),
    "app.demo_progress": (
        "Dépôt {done} sur {total} : {file}",
        "Upload {done} of {total}: {file}",
    ),
    "nav.catalogue": ("Catalogue", "Catalogue"),
    "nav.explorer": ("Explorateur", "Explorer"),
    "explorer.title": ("Explorateur", "Explorer"),
    "explorer.intro.evaluator": (
        "Croisez un ou plusieurs indicateurs par deux dimensions ; chaque chiffre suit les règles"
        " de son indicateur. Choisissez ensuite un chiffre pour voir les valeurs déposées qui le"
        " font, jusqu'au fichier, à la feuille et à la cellule. La vue est dans l'adresse de la"
        " page : copiez-la pour la garder ou l'envoyer.",
        "Cross one or more indicators by two dimensions; each figure follows its indicator's"
        " rules. Then pick a figure to see the uploaded values behind it, down to the file, sheet"
        " and cell. The view is in the page's address: copy it to keep or send it.",
    ),
    "explorer.intro.partner": (
        "Vos propres chiffres par toutes les dimensions, et les chiffres collectifs publiés aux"
        " partenaires (masqués quand ils permettraient de retrouver la valeur d'une autre"
        " organisation). La vue est dans l'adresse de la page.",
        "Your own figures by every dimension, and the collective figures published to partners"
        " (hidden where they would give away another organisation's value). The view is in the"
        " page's address.",
    ),
    "explorer.indicators": ("Indicateurs", "Indicators"),
    "explorer.indicators_help": (
        "Tapez un code, un libellé ou un nœud de la théorie du changement.",
        "Type a code, a label or a theory-of-change node.",
    ),
    "explorer.rows": ("Lignes", "Rows"),
    "explorer.columns": ("Colonnes", "Columns"),
    "explorer.none": ("(aucune)", "(none)"),
    "explorer.grain": ("Périodes", "Periods"),
    "explorer.grain.school_year": ("Années scolaires", "School years"),
    "explorer.grain.term": ("Trimestres", "Terms"),
    "explorer.chart": ("Présentation", "Display"),
    "explorer.chart.table": ("Tableau", "Table"),
    "explorer.chart.line": ("Courbes", "Lines"),
    "explorer.chart.bars": ("Barres", "Bars"),
    "explorer.chart.heatmap": ("Carte de chaleur", "Heatmap"),
    "explorer.filters": ("Filtres", "Filters"),
    "explorer.dim.period": ("Période", "Period"),
    "explorer.dim.territory": ("Territoire", "Territory"),
    "explorer.dim.school": ("Collège", "School"),
    "explorer.dim.priority": ("Éducation prioritaire (REP/REP+)", "Priority education (REP/REP+)"),
    "explorer.dim.partner": ("Partenaire", "Partner"),
    "explorer.dim.partner_type": ("Type de partenaire", "Partner type"),
    "explorer.dim.sex": ("Sexe", "Sex"),
    "explorer.dim.grade": ("Niveau", "Grade"),
    "explorer.dim.version": ("Version de l'indicateur", "Indicator version"),
    "explorer.version": ("version {version}", "version {version}"),
    "explorer.pick": (
        "Choisissez au moins un indicateur pour commencer.",
        "Choose at least one indicator to start.",
    ),
    "explorer.empty": (
        "Aucune valeur ne correspond à cette vue.",
        "No value matches this view.",
    ),
    "explorer.period_shown": (
        "Chiffres de la période {period} (la dernière avec des valeurs) : placez « Période » en"
        " lignes ou en colonnes pour voir les autres.",
        "Figures of {period} (the latest with values): put 'Period' in rows or columns to see the"
        " others.",
    ),
    "explorer.hidden": ("masqué", "hidden"),
    "explorer.hidden_note": (
        "« masqué » : un chiffre que votre rôle ne permet pas de voir (trop peu d'organisations"
        " derrière lui, une organisation dominante, ou un chiffre qui permettrait d'en retrouver"
        " un autre par soustraction).",
        "'hidden': a figure your role may not see (too few organisations behind it, one dominant"
        " organisation, or a figure that would give away another by subtraction).",
    ),
    "explorer.total": ("Ensemble", "All"),
    "explorer.drill": ("Les valeurs derrière un chiffre", "The values behind a figure"),
    "explorer.drill_row": ("Ligne", "Row"),
    "explorer.drill_column": ("Colonne", "Column"),
    "explorer.drill_others": (
        "{count} valeur(s) d'autres organisations entrent aussi dans ce chiffre ; elles ne vous"
        " sont pas montrées.",
        "{count} value(s) of other organisations also go into this figure; they are not shown"
        " to you.",
    ),
    "explorer.drill_none": (
        "Aucune valeur que vous puissiez voir derrière ce chiffre.",
        "No value you may see behind this figure.",
    ),
    "explorer.drill_sources": (
        "{count} valeur(s) déposée(s), lues dans : {cells}",
        "{count} uploaded value(s), read from: {cells}",
    ),
    "explorer.drill_more": (" et {count} autre(s)", " and {count} more"),
    "explorer.part": ("Prise en compte", "Counted"),
    "explorer.part.counted": ("comptée", "counted"),
    "explorer.part.deduplicated": (
        "écartée (dédoublonnage : une valeur plus grande compte les mêmes jeunes)",
        "left out (de-duplication: a larger value counts the same young people)",
    ),
    "explorer.saved": ("Vues enregistrées ({count})", "Saved views ({count})"),
    "explorer.saved_none": (
        "Aucune vue enregistrée : construisez une vue, puis donnez-lui un nom ci-dessous.",
        "No saved view yet: build a view, then give it a name below.",
    ),
    "explorer.saved_pick": ("Vue", "View"),
    "explorer.saved_shared_by": ("{name} (partagée par {owner})", "{name} (shared by {owner})"),
    "explorer.saved_mine_shared": ("{name} (partagée)", "{name} (shared)"),
    "explorer.saved_open": ("Ouvrir", "Open"),
    "explorer.saved_rename_to": ("Nouveau nom", "New name"),
    "explorer.saved_rename": ("Renommer", "Rename"),
    "explorer.saved_delete": ("Supprimer", "Delete"),
    "explorer.saved_share": ("Partager avec les évaluateurs", "Share with evaluators"),
    "explorer.saved_unshare": ("Ne plus partager", "Stop sharing"),
    "explorer.save_name": ("Nom de la vue actuelle", "Name of the current view"),
    "explorer.save_shared": (
        "La partager avec les autres évaluateurs",
        "Share it with the other evaluators",
    ),
    "explorer.save": ("Enregistrer la vue actuelle", "Save the current view"),
    "explorer.saved_done": ("Vue « {name} » enregistrée.", "View '{name}' saved."),
    "explorer.saved_opened": (
        "Vue « {name} » ouverte : elle est dans l'adresse de la page ; ses chiffres suivent vos"
        " propres droits d'accès.",
        "View '{name}' opened: it is in the page's address; its figures follow your own access"
        " rights.",
    ),
    "explorer.saved_renamed": ("Vue renommée « {name} ».", "View renamed '{name}'."),
    "explorer.saved_deleted": ("Vue « {name} » supprimée.", "View '{name}' deleted."),
    "explorer.saved_shared": (
        "Vue « {name} » partagée avec les évaluateurs.",
        "View '{name}' shared with the evaluators.",
    ),
    "explorer.saved_unshared": (
        "Vue « {name} » réservée à vous seul·e.",
        "View '{name}' kept to yourself.",
    ),
    "nav.theory": ("Théorie du changement", "Theory of change"),
    "nav.section.definition": ("Définition commune", "Common definition"),
    "catalogue.title": ("Catalogue des indicateurs communs", "Common indicator catalogue"),
    "catalogue.intro": (
        "{count} indicateurs partagés par tous les partenaires. Cherchez par code, libellé,"
        " définition ou synonyme.",
        "{count} indicators shared by every partner. Search by code, label, definition or alias.",
    ),
    "catalogue.search": ("Rechercher", "Search"),
    "catalogue.search_placeholder": (
        "ex. jeunes touchés, stage, brevet…",
        "e.g. young people reached, internship, brevet…",
    ),
    "catalogue.level": ("Niveau", "Level"),
    "catalogue.all": ("Tous", "All"),
    "catalogue.type": ("Type", "Type"),
    "catalogue.results": ("{count} indicateur(s) trouvé(s)", "{count} indicator(s) found"),
    "catalogue.none": (
        "Aucun indicateur ne correspond : essayez un autre mot ou retirez un filtre.",
        "No indicator matches: try another word or remove a filter.",
    ),
    "catalogue.choose": ("Fiche indicateur", "Reference sheet"),
    "catalogue.schools": (
        "Les {count} collèges de l'initiative (éducation prioritaire, QPV)",
        "The initiative's {count} schools (priority education, QPV)",
    ),
    "catalogue.commune": ("Commune (INSEE)", "Commune (INSEE)"),
    "catalogue.pupils": ("Élèves", "Pupils"),
    "catalogue.by_level": ("Indicateurs par niveau", "Indicators by level"),
    "sheet.code": ("Code", "Code"),
    "sheet.version": ("Version", "Version"),
    "sheet.label": ("Libellé", "Label"),
    "sheet.definition": ("Définition", "Definition"),
    "sheet.node": ("Nœud de la théorie du changement", "Theory-of-change node"),
    "sheet.type": ("Type", "Type"),
    "sheet.unit": ("Unité", "Unit"),
    "sheet.polarity": ("Sens", "Polarity"),
    "sheet.numerator": ("Numérateur", "Numerator"),
    "sheet.denominator": ("Dénominateur", "Denominator"),
    "sheet.disaggregations": ("Ventilations", "Disaggregations"),
    "sheet.aggregation_time": ("Agrégation dans le temps", "Aggregation over time"),
    "sheet.aggregation_space": (
        "Agrégation entre lieux et partenaires",
        "Aggregation over places and partners",
    ),
    "sheet.deduplication": ("Règle de dédoublonnage", "De-duplication rule"),
    "sheet.frequency": ("Fréquence", "Frequency"),
    "sheet.range": ("Plage plausible", "Plausible range"),
    "sheet.source": ("Source", "Source"),
    "sheet.aliases": ("Synonymes reconnus", "Recognised aliases"),
    "sheet.history": ("Historique des versions", "Version history"),
    "sheet.valid_from": ("En vigueur depuis", "Valid from"),
    "sheet.valid_to": ("Remplacée le", "Replaced on"),
    "theory.title": ("Théorie du changement", "Theory of change"),
    "theory.intro": (
        "Des activités à l'impact : chaque nœud prend la couleur de son statut, calculé à partir"
        " de ses indicateurs et des nœuds qui l'alimentent. Cliquez sur un nœud (ou"
        " choisissez-le plus bas) pour voir ses courbes, les partenaires qui y contribuent et son"
        " journal d'apprentissage.",
        "From activities to impact: each node takes the colour of its status, computed from its"
        " indicators and from the nodes that feed it. Click a node (or choose it below) to see"
        " its curves, the partners who contribute to it and its learning log.",
    ),
    "progress.status": ("Statut", "Status"),
    "progress.scope": ("Périmètre", "Scope"),
    "progress.whole": ("Toute l'initiative", "The whole initiative"),
    "progress.year": ("Année scolaire", "School year"),
    "progress.view": ("Affichage", "View"),
    "progress.view_graph": ("Graphe", "Graph"),
    "progress.view_table": ("Tableau", "Table"),
    "progress.funder_note": (
        "Chiffres des seuls dépôts acceptés par l'équipe d'évaluation ; un chiffre porté par"
        " moins de 3 organisations, ou dominé par l'une d'elles, est masqué.",
        "Figures from submissions accepted by the evaluation team only; a figure from fewer"
        " than 3 organisations, or dominated by one of them, is hidden.",
    ),
    "progress.rule_title": ("Comment le statut est décidé", "How the status is decided"),
    "progress.rule_text": (
        "Chaque année après l'année de référence, la valeur de l'indicateur est comparée à ce"
        " qui était attendu : la cible de l'année, ou à défaut le point de la droite qui va de"
        " la valeur de référence à la cible suivante (après la dernière cible, cette cible)."
        " « Mieux » veut dire plus haut, ou plus bas pour un indicateur dont la baisse est"
        " recherchée.\n\n"
        "- **Atteint** : la valeur atteint ou dépasse la valeur attendue.\n"
        "- **En bonne voie** : pas encore, mais au moins {share} % du chemin attendu depuis la"
        " référence est parcouru (sans cible : mieux que la référence).\n"
        "- **Hors trajectoire** : un progrès, mais moins de {share} % du chemin attendu.\n"
        "- **Pas de progrès** : pas mieux que la référence.\n"
        "- **Pas de données** : aucune valeur pour l'année (ou un chiffre masqué).\n"
        "- **Non évalué** : indicateur de suivi sans sens de progression, année de référence,"
        " ou ni cible ni référence.\n\n"
        "La **référence** est celle que déclare l'initiative, sinon la première valeur connue."
        " La **prévision** (méthode Results-Based Accountability) dit où irait la courbe si rien"
        " ne changeait : la droite des moindres carrés des 3 dernières valeurs jusqu'à la"
        " référence, une droite plate s'il n'y en a qu'une. La courbe **a tourné** quand la"
        " valeur fait mieux que la prévision.\n\n"
        "Le statut d'un **nœud** : chaque indicateur du nœud et chaque nœud qui l'alimente"
        " compte une fois (atteint 3, en bonne voie 2, hors trajectoire 1, pas de progrès 0) ;"
        " la moyenne est arrondie au statut le plus proche, à égalité vers le moins bon.",
        "Each year after the baseline year, the indicator's value is compared with what was"
        " expected: the year's target, or else the point on the straight line from the baseline"
        ' to the next target (after the last target, that target). "Better" means higher, or'
        " lower for an indicator meant to fall.\n\n"
        "- **Met**: the value reaches or passes the expected value.\n"
        "- **On track**: not yet, but at least {share} % of the expected way since the baseline"
        " is covered (without a target: better than the baseline).\n"
        "- **Off track**: progress, but less than {share} % of the expected way.\n"
        "- **No progress**: no better than the baseline.\n"
        "- **No data**: no value for the year (or a hidden figure).\n"
        "- **Unrated**: a monitoring indicator with no direction, the baseline year, or neither"
        " target nor baseline.\n\n"
        "The **baseline** is the one the initiative declares, else the first value known. The"
        " **forecast** (Results-Based Accountability) says where the curve would go if nothing"
        " changed: the least-squares line through the last 3 values up to the baseline, a flat"
        " line when there is only one. The curve **turned** when the value does better than the"
        " forecast.\n\n"
        "A **node**'s status: each of its indicators and each node feeding it counts once (met 3,"
        " on track 2, off track 1, no progress 0); the mean is rounded to the nearest status,"
        " ties going to the worse.",
    ),
    "progress.node": ("Nœud", "Node"),
    "progress.node_status_short": ("Statut du nœud", "Node status"),
    "progress.actual": ("Valeur", "Value"),
    "progress.own": ("Mon organisation", "My organisation"),
    "progress.baseline": ("Référence", "Baseline"),
    "progress.target": ("Cible", "Target"),
    "progress.expected": ("Trajectoire attendue", "Expected path"),
    "progress.forecast": ("Prévision sans changement", "Forecast without change"),
    "progress.turned": ("Courbe tournée", "Curve turned"),
    "progress.turned_yes": (
        "La courbe a tourné : la valeur fait mieux que la prévision sans changement.",
        "The curve turned: the value does better than the forecast without change.",
    ),
    "progress.turned_no": (
        "La courbe n'a pas tourné : la valeur ne fait pas mieux que la prévision sans changement.",
        "The curve has not turned: the value does no better than the forecast without change.",
    ),
    "progress.click": (
        "Cliquez sur un nœud du graphe pour l'ouvrir.",
        "Click a node of the graph to open it.",
    ),
    "progress.metric_help": (
        "Valeur de l'année sur le périmètre choisi, agrégée selon les règles de l'indicateur.",
        "The year's value on the chosen scope, aggregated by the indicator's rules.",
    ),
    "progress.rule_sentence": (
        "Agrégation : dans le temps, {time} ; entre partenaires et lieux, {space} ;"
        " dédoublonnage : {dedup}.",
        "Aggregation: over time, {time}; across partners and places, {space};"
        " de-duplication: {dedup}.",
    ),
    "progress.facts": (
        "{organisations} organisation(s), {units} valeur(s) retenue(s)",
        "{organisations} organisation(s), {units} value(s) counted",
    ),
    "progress.facts_none": (
        "{units} valeurs que la règle « non agrégeable » ne permet pas de réunir en un chiffre :"
        " ventilez par territoire ou par collège",
        '{units} values that the rule "not aggregated" does not combine into one figure:'
        " break them down by territory or school",
    ),
    "progress.facts_dropped": (
        "{dropped} valeur(s) écartée(s) par le dédoublonnage (somme brute {gross})",
        "{dropped} value(s) left out by de-duplication (gross sum {gross})",
    ),
    "progress.facts_without_base": (
        "{n} taux donné(s) sans numérateur ni dénominateur, hors du calcul : demandez-les aux"
        " partenaires",
        "{n} rate(s) given without numerator and denominator, left out: ask partners for them",
    ),
    "progress.node_status": ("Statut consolidé : {status}.", "Rolled-up status: {status}."),
    "progress.node_own": ("Ses indicateurs : {items}.", "Its indicators: {items}."),
    "progress.node_fed": ("Nœuds qui l'alimentent : {items}.", "Nodes feeding it: {items}."),
    "progress.breakdown": ("Ventiler", "Break down"),
    "progress.by.none": ("Ensemble", "Overall"),
    "progress.by.territory": ("Par territoire", "By territory"),
    "progress.by.school": ("Par collège", "By school"),
    "progress.by.sex": ("Par sexe", "By sex"),
    "progress.by.grade": ("Par niveau", "By grade"),
    "progress.no_breakdown": (
        "Pas de chiffre à montrer pour cette ventilation (aucune donnée, ou des chiffres"
        " masqués parce que trop peu d'organisations y contribuent).",
        "No figure to show for this breakdown (no data, or figures hidden because too few"
        " organisations contribute).",
    ),
    "progress.trace_title": ("D'où vient ce chiffre ?", "Where does this figure come from?"),
    "progress.trace_none": (
        "Aucune valeur derrière ce chiffre pour l'année choisie.",
        "No value behind this figure for the chosen year.",
    ),
    "progress.trace_others": (
        "Et {n} valeur(s) d'autres partenaires, qui ne vous sont pas montrées.",
        "And {n} value(s) of other partners, not shown to you.",
    ),
    "progress.part": ("Prise en compte", "Part"),
    "progress.part.counted": ("comptée", "counted"),
    "progress.part.time_rule": (
        "non retenue par la règle dans le temps",
        "not used by the rule over time",
    ),
    "progress.part.deduplicated": (
        "écartée : une valeur plus grande compte les mêmes jeunes",
        "left out: a larger value counts the same young people",
    ),
    "progress.part.no_base": (
        "écartée : taux sans numérateur ni dénominateur",
        "left out: rate without numerator and denominator",
    ),
    "progress.contributors": ("Partenaires qui y contribuent", "Contributing partners"),
    "progress.how": ("Comment", "How"),
    "progress.direct": ("engagement sur ce nœud", "commitment on this node"),
    "progress.indirect": ("par les liens du graphe", "through the graph's links"),
    "progress.actions": ("Actions", "Actions"),
    "progress.log": ("Journal d'apprentissage", "Learning log"),
    "progress.log_intro": (
        "L'histoire derrière la courbe : ce qui a été observé et décidé. Visible par l'équipe"
        " d'évaluation et tous les partenaires (sauf les notes réservées à l'équipe).",
        "The story behind the curve: what was observed and decided. Seen by the evaluation team"
        " and every partner (except notes kept for the team).",
    ),
    "progress.log_empty": (
        "Aucune note pour ce nœud. Ajoutez la première ci-dessous.",
        "No note on this node yet. Add the first one below.",
    ),
    "progress.about": ("À propos de", "About"),
    "progress.about_node": ("Le nœud dans son ensemble", "The node as a whole"),
    "progress.kind": ("Type", "Kind"),
    "progress.kind.note": ("Note", "Note"),
    "progress.kind.decision": ("Décision", "Decision"),
    "progress.note": ("Texte", "Text"),
    "progress.note_year": ("Concerne l'année {year}", "About the year {year}"),
    "progress.team_only": ("réservée à l'équipe d'évaluation", "kept for the evaluation team"),
    "progress.add_note": ("Ajouter au journal", "Add to the log"),
    "progress.note_added": ("Note ajoutée au journal.", "Note added to the log."),
    "progress.hidden.few-organisations": (
        "Chiffre masqué : moins de 3 organisations y contribuent.",
        "Figure hidden: fewer than 3 organisations contribute to it.",
    ),
    "progress.hidden.small-count": (
        "Chiffre masqué : moins de 11 jeunes (petit effectif).",
        "Figure hidden: fewer than 11 young people (small number).",
    ),
    "progress.hidden.complementary": (
        "Chiffre masqué : avec le total, il révélerait un chiffre masqué.",
        "Figure hidden: with the total, it would reveal a hidden figure.",
    ),
    "progress.hidden.dominant": (
        "Chiffre masqué : une organisation en fait plus de 85 %.",
        "Figure hidden: one organisation makes more than 85 % of it.",
    ),
    "theory.choose": ("Détail d'un nœud", "Node details"),
    "theory.indicators": ("Indicateurs", "Indicators"),
    "theory.partners": ("Partenaires engagés", "Committed partners"),
    "theory.no_indicator": ("Aucun indicateur sur ce nœud.", "No indicator on this node."),
    "theory.no_partner": (
        "Aucun partenaire engagé sur ce nœud.",
        "No partner committed to this node.",
    ),
    "theory.feeds": ("Alimente", "Feeds"),
    "theory.fed_by": ("Alimenté par", "Fed by"),
    "theory.commitments": ("engagement(s)", "commitment(s)"),
    "nav.upload": ("Déposer", "Upload"),
    "nav.login": ("Connexion", "Sign in"),
    "nav.section.partners": ("Données des partenaires", "Partners' data"),
    "upload.title": ("Déposer des classeurs", "Upload workbooks"),
    "upload.intro": (
        "Déposez vos classeurs Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) ou CSV. Ils sont"
        " d'abord vérifiés sans rien enregistrer ; vous confirmez ensuite le dépôt.",
        "Upload your Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or CSV workbooks. They are"
        " checked first without saving anything; you then confirm the upload.",
    ),
    "upload.organisation": ("Organisation qui dépose", "Uploading organisation"),
    "upload.files": ("Classeurs", "Workbooks"),
    "uploader.button": ("Choisir un fichier", "Choose a file"),
    "uploader.drop": ("Déposez le fichier ici", "Drop the file here"),
    "uploader.caption": (
        "Glissez le fichier sur le cadre ou choisissez-le ; {types}, {limit} Mo au plus.",
        "Drag the file onto the box or choose it; {types}, {limit} MB at most.",
    ),
    "upload.template": ("Télécharger le modèle pré-rempli", "Download the pre-filled template"),
    "upload.checking": ("Vérification de {file}…", "Checking {file}…"),
    "upload.to_confirm": (
        "Correspondances à confirmer : elles seront retenues pour vos prochains dépôts",
        "Mappings to confirm: they will be remembered for your next uploads",
    ),
    "upload.remember": ("Confirmer ces correspondances", "Confirm these mappings"),
    "upload.proposed": ("proposé : {target}", "proposed: {target}"),
    "upload.checked": ("{file} : vérifié", "{file}: checked"),
    "upload.unreadable": ("Fichier refusé", "File refused"),
    "upload.rows": ("Lignes lues", "Rows read"),
    "upload.created": ("Nouvelles valeurs", "New values"),
    "upload.updated": ("Valeurs modifiées", "Changed values"),
    "upload.unchanged": ("Inchangées", "Unchanged"),
    "upload.errors": ("Erreurs", "Errors"),
    "upload.warnings": ("Alertes", "Warnings"),
    "upload.problems": ("Problèmes", "Problems"),
    "upload.mappings": ("Correspondances trouvées", "Mappings found"),
    "upload.blocked": (
        "Ce fichier a des erreurs : rien ne sera enregistré. Téléchargez le classeur annoté,"
        " corrigez-le puis déposez-le de nouveau.",
        "This file has errors: nothing will be saved. Download the annotated workbook, fix it,"
        " then upload it again.",
    ),
    "upload.annotated": ("Télécharger le classeur annoté", "Download the annotated workbook"),
    "upload.confirm": ("Confirmer le dépôt", "Confirm the upload"),
    "upload.done": (
        "Dépôt enregistré : {created} nouvelles valeurs, {updated} modifiées, {unchanged}"
        " inchangées.",
        "Upload saved: {created} new values, {updated} changed, {unchanged} unchanged.",
    ),
    "upload.overtaken": (
        "Entre la vérification et la confirmation, un autre dépôt pour cette organisation a été"
        " enregistré (un autre onglet ou une autre personne) : ce qui précède est ce que ce"
        " fichier a réellement changé, comparé aux valeurs devenues les plus récentes.",
        "Between the check and the confirmation, another upload for this organisation was saved"
        " (another tab or person): the figures above are what this file really changed, against"
        " the values that had become the latest.",
    ),
    "upload.same_now": (
        "Rien n'a été enregistré : entre la vérification et la confirmation, les mêmes valeurs"
        " venaient d'être enregistrées par un autre dépôt (un autre onglet ou une autre"
        " personne). Voyez l'historique ci-dessous.",
        "Nothing was saved: between the check and the confirmation, the same values had just"
        " been saved by another upload (another tab or person). See the history below.",
    ),
    "upload.empty": (
        "Rien n'a été lu dans ce fichier : aucun tableau d'indicateurs n'y a été reconnu, ou"
        " aucune de ses valeurs ne peut être enregistrée. Rien ne sera enregistré. Que faire :"
        " montrez au lecteur (« Montrer au lecteur » ci-dessus) la ligne d'en-têtes et ce que contient chaque colonne"
        " (votre lecture sera retenue pour vos prochains fichiers) ; ou téléchargez le modèle"
        " pré-rempli ci-dessus et recopiez-y vos chiffres, ou mettez"
        " au-dessus de vos données une ligne d'en-têtes qui nomme l'indicateur, le collège, la"
        " période et la valeur ; confirmez les correspondances proposées s'il y en a. Le tableau"
        " des problèmes dit ce qui a manqué, feuille par feuille.",
        "Nothing was read from this file: no indicator table was recognised in it, or none of"
        " its values can be saved. Nothing will be saved. What to do: show the reader ('Show the"
        " reader' above) the header row and what each column holds (your reading will be remembered for your"
        " next files); or download the pre-filled template above and copy your figures into"
        " it, or put above your data a header row"
        " naming the indicator, the school, the period and the value; confirm the proposed"
        " mappings if there are any. The table of problems says what was missing, sheet by"
        " sheet.",
    ),
    "upload.same": (
        "Ce fichier ne change rien : toutes ses valeurs sont déjà enregistrées.",
        "This file changes nothing: all its values are already stored.",
    ),
    "upload.show": (
        "Montrer au lecteur comment lire la feuille « {sheet} »",
        "Show the reader how to read sheet '{sheet}'",
    ),
    "upload.show_intro": (
        "Le lecteur n'a pas tout compris de cette feuille. Choisissez la ligne qui porte les"
        " en-têtes du tableau, puis dites ce que contient chaque colonne ; pour une colonne de"
        " valeurs, quel indicateur elle mesure. « Essayer » vérifie de nouveau le fichier avec"
        " cette lecture, sans rien enregistrer ; « Retenir » la garde aussi pour vos prochains"
        " fichiers de même forme, lus ainsi sans question.",
        "The reader did not understand all of this sheet. Pick the row that holds the table's"
        " headers, then say what each column holds; for a column of values, which indicator it"
        " measures. 'Try' checks the file again with this reading, saving nothing; 'Remember'"
        " also keeps it for your next files of the same shape, read this way without a"
        " question.",
    ),
    "upload.show_sheet": ("Feuille", "Sheet"),
    "upload.show_header": ("Ligne des en-têtes", "Header row"),
    "upload.show_row": ("ligne {row} : {texts}", "row {row}: {texts}"),
    "upload.show_column": ("Colonne {column} « {header} »", "Column {column} '{header}'"),
    "upload.show_measures": ("si valeurs : indicateur mesuré", "if values: indicator measured"),
    "upload.show_from_header": (
        "— celui que nomme l'en-tête ou la ligne —",
        "— as the header or row says —",
    ),
    "upload.show_dimension": ("Ventilation", "Breakdown"),
    "upload.show_try": ("Essayer cette lecture", "Try this reading"),
    "upload.show_remember": (
        "Retenir cette lecture pour mes prochains fichiers de même forme",
        "Remember this reading for my next files of the same shape",
    ),
    "upload.show_remembered": (
        "Lecture retenue : vos prochains fichiers de même forme seront lus ainsi.",
        "Reading remembered: your next files of the same shape will be read this way.",
    ),
    "upload.show_tried": (
        "Fichier vérifié de nouveau avec votre lecture (rien n'est enregistré avant la"
        " confirmation du dépôt).",
        "File checked again with your reading (nothing is saved before the upload is confirmed).",
    ),
    "shape.role.place": ("Lieu (collège, école, site)", "Place (school, site)"),
    "shape.role.indicator": ("Indicateur (libellés)", "Indicator (labels)"),
    "shape.role.period": ("Période", "Period"),
    "shape.role.value": ("Valeur", "Value"),
    "shape.role.numerator": ("Numérateur", "Numerator"),
    "shape.role.denominator": ("Dénominateur", "Denominator"),
    "shape.role.dimension": ("Ventilation (sexe, niveau…)", "Breakdown (sex, grade…)"),
    "shape.role.commune": ("Commune", "Municipality"),
    "shape.role.comment": ("Commentaire", "Comment"),
    "shape.role.ignore": ("À ignorer", "Ignore"),
    "shape.no_header": (
        "La ligne choisie est vide : choisissez celle qui porte les en-têtes du tableau.",
        "The row chosen is empty: pick the one holding the table's headers.",
    ),
    "shape.bad_role": (
        "Colonne {column} : « {role} » n'est pas un rôle connu.",
        "Column {column}: '{role}' is not a known role.",
    ),
    "shape.bad_indicator": (
        "Colonne {column} : l'indicateur {code} n'est pas au catalogue.",
        "Column {column}: indicator {code} is not in the catalogue.",
    ),
    "shape.bad_dimension": (
        "Colonne {column} : choisissez la ventilation qu'elle contient (sexe, niveau…).",
        "Column {column}: pick the breakdown it holds (sex, grade…).",
    ),
    "shape.no_value": (
        "Aucune colonne n'est une valeur, un numérateur ou un dénominateur : dites au moins"
        " laquelle porte les chiffres.",
        "No column is a value, a numerator or a denominator: say at least which one holds the"
        " figures.",
    ),
    "upload.history": ("Historique des dépôts", "Upload history"),
    "upload.no_history": ("Aucun dépôt pour l'instant.", "No upload yet."),
    "changes.title": ("Ce que ce dépôt change", "What this upload changes"),
    "changes.history": ("Ce qu'un dépôt a changé", "What an upload changed"),
    "changes.history_intro": (
        "Choisissez un dépôt : ses valeurs sont comparées à celles qui étaient en vigueur avant"
        " lui, ou après un dépôt plus ancien de la même période.",
        "Pick an upload: its values are compared with those in force before it, or after an"
        " older upload for the same period.",
    ),
    "changes.pick": ("Dépôt", "Upload"),
    "changes.since": ("Comparé à", "Compared with"),
    "changes.since_previous_named": (
        "le dépôt précédent ({name})",
        "the previous upload ({name})",
    ),
    "changes.since_help": (
        "Un dépôt plus ancien de la même organisation pour la même période : les valeurs de"
        " ce dépôt-ci sont comparées à celles qui étaient en vigueur après lui.",
        "An older upload of the same organisation for the same period: this upload's values"
        " are compared with those in force after it.",
    ),
    "changes.all_periods": ("toutes les périodes", "every period"),
    "changes.none": (
        "Aucune valeur ne diffère entre ces deux dépôts.",
        "No value differs between these two uploads.",
    ),
    "changes.summary": (
        "{changed} valeur(s) modifiée(s), {added} ajoutée(s) et {removed} retirée(s) par rapport"
        " à ce qui était en vigueur après « {file} ».",
        "{changed} value(s) changed, {added} added and {removed} removed compared with what"
        " was in force after '{file}'.",
    ),
    "changes.summary_first": (
        "Premier dépôt de l'organisation pour ces périodes : {added} valeur(s) ajoutée(s),"
        " {changed} modifiée(s), {removed} retirée(s).",
        "The organisation's first upload for these periods: {added} value(s) added, {changed}"
        " changed, {removed} removed.",
    ),
    "changes.change": ("Changement", "Change"),
    "changes.kind.changed": ("modifiée", "changed"),
    "changes.kind.added": ("ajoutée", "added"),
    "changes.kind.removed": ("retirée", "removed"),
    "changes.old": ("Ancienne valeur", "Old value"),
    "changes.new": ("Nouvelle valeur", "New value"),
    "changes.old_cell": ("Avant : fichier · feuille!cellule", "Before: file · sheet!cell"),
    "changes.new_cell": ("Après : fichier · feuille!cellule", "After: file · sheet!cell"),
    "changes.review": (
        "Ce que ce dépôt change, avant de l'accepter",
        "What this submission changes, before accepting it",
    ),
    "column.file": ("Fichier", "File"),
    "column.by": ("Déposé par", "Uploaded by"),
    "column.at": ("Le", "On"),
    "column.status": ("Statut", "Status"),
    "column.values": ("Valeurs en vigueur", "Current values"),
    "column.severity": ("Gravité", "Severity"),
    "column.sheet": ("Feuille", "Sheet"),
    "column.cell": ("Cellule", "Cell"),
    "column.submission": ("Dépôt n°", "Submission #"),
    "column.version": ("Version", "Version"),
    "column.current": ("En vigueur", "Current"),
    "export.yes": ("oui", "yes"),
    "export.no": ("non", "no"),
    "column.indicator_code": ("Code de l'indicateur", "Indicator code"),
    "column.value": ("Valeur lue", "Value read"),
    "column.problem": ("Problème", "Problem"),
    "column.hint": ("Comment corriger", "How to fix"),
    "column.label": ("Libellé du fichier", "Label in the file"),
    "column.target": ("Rapproché de", "Matched to"),
    "column.confidence": ("Confiance", "Confidence"),
    "column.method": ("Méthode", "Method"),
    "column.organisation": ("Organisation", "Organisation"),
    "column.type": ("Type", "Type"),
    "column.commitments": ("Engagements", "Commitments"),
    "column.organisations": ("Organisations", "Organisations"),
    "login.title": ("Connexion", "Sign in"),
    "login.intro": (
        "Connectez-vous avec le compte que l'équipe d'appui vous a ouvert.",
        "Sign in with the account the backbone team opened for you.",
    ),
    "login.username": ("Identifiant", "Username"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Sign in"),
    "login.refused": (
        "Identifiant ou mot de passe incorrect, ou compte désactivé.",
        "Wrong username or password, or the account is disabled.",
    ),
    "login.throttled": (
        "Trop de tentatives échouées : réessayez dans {minutes} min.",
        "Too many failed attempts: try again in {minutes} min.",
    ),
    "login.expired_idle": (
        "Votre session a expiré après une période d'inactivité : reconnectez-vous.",
        "Your session expired after a period of inactivity: please sign in again.",
    ),
    "login.expired_absolute": (
        "Votre session a atteint sa durée maximale : reconnectez-vous.",
        "Your session reached its maximum length: please sign in again.",
    ),
    "login.sso": ("Se connecter avec l'authentification unique", "Sign in with single sign-on"),
    "login.sso_unknown": (
        "Aucun compte actif ne correspond à l'adresse {email} : demandez à l'équipe d'appui"
        " de l'enregistrer sur votre compte.",
        "No active account has the address {email}: ask the backbone team to record it on"
        " your account.",
    ),
    "login.sso_logout": ("Quitter l'authentification unique", "Leave single sign-on"),
    "login.demo": ("Comptes de démonstration", "Demo accounts"),
    "login.demo_intro": (
        "Initiative de démonstration : chaque compte a le mot de passe `{password}`.",
        "Demo initiative: every account has the password `{password}`.",
    ),
    "login.logout": ("Se déconnecter", "Sign out"),
    "login.opening": ("Ouverture de la session…", "Opening the session…"),
    "login.ticket_failed": (
        "La connexion n'a pas pu aboutir : reconnectez-vous.",
        "Signing in could not complete: please sign in again.",
    ),
    "web.refused_download": (
        "Accès refusé : connectez-vous à Mesure commune pour ouvrir ce fichier.",
        "Access refused: sign in to Mesure commune to open this file.",
    ),
    "web.refused_request": (
        "Requête refusée : elle ne vient pas d'une page de Mesure commune.",
        "Request refused: it does not come from a Mesure commune page.",
    ),
    "web.refused_ticket": (
        "Connexion refusée : recommencez depuis la page de connexion.",
        "Sign-in refused: start again from the sign-in page.",
    ),
    "web.bad_request": ("Requête incomplète.", "Incomplete request."),
    "login.signed_in": ("Connecté·e : **{name}**", "Signed in: **{name}**"),
    "role.evaluator": ("Évaluation", "Evaluator"),
    "role.partner": ("Partenaire", "Partner"),
    "role.funder": ("Financeur", "Funder"),
    "role.to.evaluator": ("à l'équipe d'appui (évaluation)", "the backbone team (evaluation)"),
    "role.to.partner": ("aux partenaires", "partners"),
    "role.to.funder": ("aux financeurs", "funders"),
    "nav.data": ("Données", "Data"),
    "nav.audit": ("Journal d'audit", "Audit log"),
    "nav.section.follow": ("Suivi", "Follow-up"),
    "data.title": ("Données", "Data"),
    "data.intro.evaluator": (
        "Toutes les valeurs déposées, avec leur provenance (fichier, feuille, cellule, dépôt),"
        " et les chiffres collectifs de l'initiative.",
        "Every value uploaded, with its provenance (file, sheet, cell, upload), and the"
        " initiative's collective figures.",
    ),
    "data.intro.partner": (
        "Les valeurs de votre organisation, avec leur provenance, et les chiffres collectifs"
        " de l'initiative (jamais ceux d'un autre partenaire).",
        "Your organisation's values, with their provenance, and the initiative's collective"
        " figures (never another partner's).",
    ),
    "data.intro.funder": (
        "Les chiffres collectifs de l'initiative, sur les seules données acceptées par"
        " l'équipe d'évaluation.",
        "The initiative's collective figures, from data accepted by the evaluation team only.",
    ),
    "data.values": ("Valeurs déposées", "Uploaded values"),
    "data.no_values": ("Aucune valeur pour l'instant.", "No value yet."),
    "data.first_values": (
        "Les {shown} premières valeurs sur {total} : choisissez une organisation, ou téléchargez"
        " le fichier pour les avoir toutes.",
        "The first {shown} values of {total}: choose an organisation, or download the file to"
        " have them all.",
    ),
    "data.collective": ("Chiffres collectifs", "Collective figures"),
    "data.no_collective": ("Aucun chiffre collectif pour l'instant.", "No collective figure yet."),
    "data.hidden_note": (
        "Un chiffre est masqué quand moins de {minimum} organisations y contribuent ou"
        " qu'une seule en fait plus de {share} : sinon il révélerait la valeur d'un partenaire.",
        "A figure is hidden when fewer than {minimum} organisations contribute to it or one of"
        " them makes more than {share} of it: it would otherwise reveal a partner's value.",
    ),
    "data.indicator": ("Indicateur", "Indicator"),
    "data.organisation": ("Organisation", "Organisation"),
    "data.all": ("Toutes", "All"),
    "chart.nothing.empty": (
        "{title} : aucune valeur à montrer.",
        "{title}: no value to show.",
    ),
    "chart.nothing.single": (
        "{title} : une seule valeur, {value} ; un graphique d'un seul point n'apprendrait rien"
        " de plus.",
        "{title}: a single value, {value}; a chart of one point would tell nothing more.",
    ),
    "chart.nothing.constant": (
        "{title} : toutes les valeurs valent {value} ; le graphique n'apprendrait rien de plus.",
        "{title}: every value is {value}; a chart would tell nothing more.",
    ),
    "data.chart": (
        "{indicator} : chiffre collectif par période",
        "{indicator}: collective figure by period",
    ),
    "data.own": ("Mon organisation", "My organisation"),
    "data.initiative": ("Initiative", "Initiative"),
    "data.download_xlsx": ("Télécharger (Excel)", "Download (Excel)"),
    "data.download_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "column.indicator": ("Indicateur", "Indicator"),
    "column.place": ("Lieu", "Place"),
    "column.period": ("Période", "Period"),
    "column.breakdown": ("Ventilation", "Breakdown"),
    "column.number": ("Valeur", "Value"),
    "column.figure": ("Chiffre", "Figure"),
    "column.unit": ("Unité", "Unit"),
    "column.rule": ("Règle", "Rule"),
    "column.hidden": ("Masqué", "Hidden"),
    "column.own": ("Mon organisation", "My organisation"),
    "column.when": ("Quand (UTC)", "When (UTC)"),
    "column.actor": ("Qui", "Who"),
    "column.action": ("Action", "Action"),
    "column.details": ("Détails", "Details"),
    "column.subject": ("Objet", "Subject"),
    "nav.sync": ("Synchronisation", "Synchronisation"),
    "nav.coordination": ("Coordination", "Coordination"),
    "nav.synthesis": ("Synthèse", "Summary"),
    "synthesis.title": ("Synthèse pour les financeurs", "Summary for funders"),
    "synthesis.intro": (
        "Les chiffres publiés par l'équipe d'évaluation pour une année scolaire, sur les seules"
        " données acceptées. Ils ne changent qu'à la publication suivante. Les petits effectifs"
        " sont protégés : voir la note en bas de page.",
        "The figures the evaluation team published for a school year, from accepted data only."
        " They change only at the next publication. Small numbers are protected: see the note"
        " at the bottom.",
    ),
    "synthesis.scope": ("Périmètre", "Scope"),
    "synthesis.none": (
        "Aucune année publiée pour l'instant : l'équipe d'évaluation publie une année quand ses"
        " données sont acceptées.",
        "No year published yet: the evaluation team publishes a year once its data is accepted.",
    ),
    "synthesis.published_on": ("publiée le {when}", "published on {when}"),
    "synthesis.preview": ("aperçu non publié", "unpublished preview"),
    "synthesis.publish": ("Publier l'année {year}", "Publish the year {year}"),
    "synthesis.publish_help": (
        "Fige les tableaux de l'année pour les financeurs (données acceptées seulement)."
        " Ils ne changeront plus jusqu'à la prochaine publication.",
        "Freezes the year's tables for funders (accepted data only). They will not change"
        " until the next publication.",
    ),
    "synthesis.publish_title": (
        "Publier une année pour les financeurs",
        "Publish a year for funders",
    ),
    "synthesis.last_published": (
        "Dernière publication de cette année : le {when} par {by}.",
        "Last publication of this year: on {when} by {by}.",
    ),
    "synthesis.nothing_accepted": (
        "L'année {year} n'a encore aucune valeur acceptée : il n'y a rien à publier. Acceptez"
        " d'abord des dépôts (page Synchronisation).",
        "The year {year} has no accepted value yet: there is nothing to publish. Accept uploads"
        " first (Synchronisation page).",
    ),
    "synthesis.publish_organisations": ("Organisations publiées", "Organisations published"),
    "synthesis.publish_values": ("Valeurs acceptées publiées", "Accepted values published"),
    "synthesis.publish_waiting": (
        "Valeurs en attente, non publiées",
        "Values waiting, not published",
    ),
    "synthesis.publish_left_out": (
        "{values} valeurs de cette année attendent encore d'être relues : la publication les"
        " laisse de côté. Acceptez-les d'abord pour qu'elles y figurent.",
        "{values} values of this year still wait for review: the publication leaves them out."
        " Accept them first to include them.",
    ),
    "synthesis.publish_headline": (
        "Chiffres clés que les financeurs liront (l'initiative entière) :",
        "Key figures funders will read (the whole initiative):",
    ),
    "synthesis.publish_confirm": (
        "J'ai relu ce que contient la publication : les financeurs liront ces chiffres de"
        " {year}, figés jusqu'à la prochaine publication.",
        "I have read what the publication contains: funders will read these {year} figures,"
        " frozen until the next publication.",
    ),
    "synthesis.published": ("Année {year} publiée.", "Year {year} published."),
    "synthesis.live": (
        "Voir l'aperçu à jour (non publié)",
        "See the up-to-date preview (unpublished)",
    ),
    "synthesis.reached": ("Jeunes touchés", "Young people reached"),
    "synthesis.pupils": ("Élèves inscrits", "Pupils enrolled"),
    "synthesis.schools": ("Collèges avec au moins une action", "Schools with at least one action"),
    "synthesis.hours": ("Heures de mentorat et d'ateliers", "Hours of mentoring and workshops"),
    "synthesis.internships": ("Stages de 3e trouvés", "Year-9 internships found"),
    "synthesis.partners_of": ("Partenaires : {kind}", "Partners: {kind}"),
    "synthesis.hidden": ("masqué", "hidden"),
    "chart.hidden": ("masqué", "hidden"),
    "coordination.overlaps_hidden": (
        "La somme d'une superposition est « masqué » quand moins de 3 organisations y déclarent"
        " des jeunes touchés, quand une seule en fait plus de 85 %, ou quand, retranchée d'une"
        " autre superposition du même collège, elle révélerait le chiffre d'une organisation."
        " La portée dédoublonnée (la plus grande) est celle d'une seule organisation : seule"
        " l'équipe d'appui la voit.",
        'An overlap\'s sum is "hidden" when fewer than 3 organisations report young people'
        " reached in it, when one makes more than 85 % of it, or when, taken from another"
        " overlap of the same school, it would reveal one organisation's figure. The"
        " de-duplicated reach (the largest) is a single organisation's: only the backbone team"
        " sees it.",
    ),
    "sync.hidden_note": (
        "« masqué » : le chiffre d'un groupe de moins de 3 organisations (ou dont une seule doit"
        " plus de 85 % des rapports) n'est pas montré, ni celui d'un autre groupe qui, retranché"
        " de l'ensemble de l'initiative, le révélerait.",
        '"hidden": the figure of a group of fewer than 3 organisations (or where one owes more'
        " than 85 % of the reports) is not shown, nor that of another group which, taken from"
        " the whole initiative, would reveal it.",
    ),
    "synthesis.total": ("Total", "Total"),
    "synthesis.measure": ("Mesure", "Measure"),
    "synthesis.field": ("Champ", "Field"),
    "synthesis.reach_title": (
        "Jeunes touchés par lieu et par sexe",
        "Young people reached by place and sex",
    ),
    "synthesis.reach_sentence": (
        "Parmi les jeunes touchés en {year} dont le sexe est déclaré : {total} ({girls} filles,"
        " {boys} garçons). Les cases masquées protègent de petits groupes (voir la note).",
        "Among the young people reached in {year} whose sex is reported: {total} ({girls} girls,"
        " {boys} boys). Hidden cells protect small groups (see the note).",
    ),
    "synthesis.progress_title": ("Progrès des effets", "Progress of the outcomes"),
    "synthesis.progress_sentence": (
        "{met} effet(s) atteint(s), {on_track} en bonne voie, {off} hors trajectoire ou sans"
        " progrès, sur {rated} évalué(s).",
        "{met} outcome(s) met, {on_track} on track, {off} off track or without progress, out of"
        " {rated} rated.",
    ),
    "synthesis.sync_title": ("Synchronisation de l'alliance", "Synchronisation of the alliance"),
    "synthesis.completeness": ("Complétude", "Completeness"),
    "synthesis.timeliness": ("Ponctualité", "Timeliness"),
    "synthesis.pack_xlsx": ("Dossier financeur (Excel)", "Funder pack (Excel)"),
    "synthesis.pack_pdf": ("Rapport financeur (PDF)", "Funder report (PDF)"),
    "synthesis.sheet_headline": ("Synthèse", "Summary"),
    "synthesis.sheet_reach": ("Jeunes touchés par sexe", "Reached by sex"),
    "synthesis.sheet_progress": ("Progrès", "Progress"),
    "synthesis.sheet_reach_grade": ("Jeunes touchés par niveau", "Reached by grade"),
    "synthesis.reach_grade_title": (
        "Jeunes touchés par lieu et par niveau",
        "Young people reached by place and grade",
    ),
    "synthesis.sheet_need": ("Besoins et portée", "Need and reach"),
    "synthesis.sheet_sync": ("Synchronisation", "Synchronisation"),
    "synthesis.sheet_definitions": ("Définitions", "Definitions"),
    "synthesis.sheet_note": ("Note", "Note"),
    "synthesis.note": (
        "Protection des petits effectifs (les données concernent des mineurs) : un nombre de"
        " 1 à {below} jeunes n'est pas publié, il est remplacé par « < {threshold} » ;"
        " « · » remplace un chiffre qui, retranché d'un total publié, ferait retrouver un"
        " chiffre masqué ; « s » remplace un chiffre déclaré par moins de 3 organisations, ou"
        " dont une seule organisation fournit plus de 85 %. Seules les données acceptées par"
        " l'équipe d'évaluation sont publiées.",
        "Small numbers are protected (the data concerns minors): a number of 1 to {below}"
        ' young people is not published, it is replaced by "< {threshold}"; "·" replaces a'
        ' figure that, taken from a published total, would give away a hidden one; "s"'
        " replaces a figure reported by fewer than 3 organisations, or one organisation of"
        " which provides more than 85 %. Only data accepted by the evaluation team is"
        " published.",
    ),
    "synthesis.why_hidden": ("Pourquoi masqué", "Why hidden"),
    "synthesis.on_time": ("Reçus à temps", "Received on time"),
    "synthesis.completeness_pct": ("Complétude (%)", "Completeness (%)"),
    "synthesis.timeliness_pct": ("Ponctualité (%)", "Timeliness (%)"),
    "pack.title": ("Rapport aux financeurs", "Report to funders"),
    "pack.cover_year": ("Année scolaire {year}", "School year {year}"),
    "pack.cover_scope": ("Périmètre : {scope}", "Scope: {scope}"),
    "pack.published_on": (
        "Chiffres publiés le {when} par l'équipe d'évaluation",
        "Figures published on {when} by the evaluation team",
    ),
    "pack.made_on": ("Document édité le {when}", "Document made on {when}"),
    "pack.preview_mark": (
        "Aperçu non publié : ces chiffres peuvent encore changer. Ne pas diffuser.",
        "Unpublished preview: these figures may still change. Do not circulate.",
    ),
    "pack.cover_about": (
        "Ce rapport présente les chiffres de l'année publiés pour les financeurs : les chiffres"
        " clés, la théorie du changement et l'état de chacun de ses maillons, la courbe de"
        " chaque indicateur face à sa valeur de référence et à ses cibles, les jeunes touchés"
        " par lieu, les définitions des indicateurs et la façon dont les petits effectifs sont"
        " protégés. Seules les données acceptées par l'équipe d'évaluation y figurent.",
        "This report gives the year's figures published for funders: the key figures, the"
        " theory of change and the state of each of its links, the curve of each indicator"
        " against its baseline and targets, the young people reached by place, the indicators'"
        " definitions and how small numbers are protected. Only data accepted by the evaluation"
        " team is included.",
    ),
    "pack.contents": ("Sommaire", "Contents"),
    "pack.page_of": ("Page {page} sur {pages}", "Page {page} of {pages}"),
    "pack.key_figures": ("Chiffres clés", "Key figures"),
    "pack.key_figures_intro": (
        "Les chiffres de l'année scolaire {year}, sur les seules données acceptées.",
        "The figures of the school year {year}, from accepted data only.",
    ),
    "pack.statuses_count": (
        "Indicateurs de l'année par statut : {counts}.",
        "The year's indicators by status: {counts}.",
    ),
    "pack.theory_intro": (
        "Des activités (à gauche) à l'impact (à droite) : chaque case est un maillon de la"
        " théorie du changement, colorée selon son statut, calculé à partir de ses indicateurs"
        " et des maillons qui l'alimentent (flèches). Une case blanche cerclée est masquée : les"
        " chiffres qui la décident ne peuvent pas être publiés.",
        "From activities (left) to impact (right): each box is a link of the theory of change,"
        " coloured by its status, computed from its indicators and from the links that feed it"
        " (arrows). A white outlined box is hidden: the figures that decide it cannot be"
        " published.",
    ),
    "pack.theory_table": ("Statut de chaque maillon", "Status of each link"),
    "pack.level": ("Niveau", "Level"),
    "pack.indicators": ("Indicateurs", "Indicators"),
    "pack.indicators_intro": (
        "Pour chaque indicateur, sa valeur en {year}, la valeur attendue sur le chemin de sa"
        " valeur de référence à sa cible, et son statut ; puis sa courbe : les valeurs de chaque"
        " année (points colorés selon le statut), la valeur de référence (ligne grise"
        " pointillée), les cibles (losanges verts) et la trajectoire attendue (pointillés verts)."
        " Une année masquée est hachurée.",
        "For each indicator, its value in {year}, the value expected on the way from its"
        " baseline to its target, and its status; then its curve: each year's value (dots"
        " coloured by status), the baseline (dashed grey line), the targets (green diamonds) and"
        " the expected path (dotted green line). A hidden year is hatched.",
    ),
    "pack.all_masked": (
        "masqué : chaque année de cet indicateur est masquée pour ce périmètre",
        "hidden: every year of this indicator is hidden for this scope",
    ),
    "pack.without_data": (
        "Sans donnée publiée pour ce périmètre : {items}.",
        "No published data for this scope: {items}.",
    ),
    "pack.reach": ("Jeunes touchés", "Young people reached"),
    "pack.reach_intro": (
        "Les jeunes touchés par lieu, par sexe et par niveau. Les totaux sont les chiffres"
        " publiés de chaque lieu et de l'ensemble : un jeune dont le sexe ou le niveau n'est pas"
        " déclaré y compte. Une case hachurée « masqué » protège un petit groupe : ce n'est ni"
        " un zéro ni une case vide.",
        "Young people reached by place, sex and grade. The totals are the published figures of"
        " each place and of the whole: a young person whose sex or grade is not reported counts"
        ' in them. A hatched "hidden" cell protects a small group: it is neither a zero nor an'
        " empty cell.",
    ),
    "pack.why_masked": ("Cases « masqué » : {reasons}.", "Hidden cells: {reasons}."),
    "pack.no_breakdown": (
        "Aucun chiffre de cette ventilation n'est publié pour ce périmètre.",
        "No figure of this breakdown is published for this scope.",
    ),
    "pack.sync_intro": (
        "Les rapports attendus des partenaires, reçus, et reçus à temps, par période.",
        "The reports expected from partners, received, and received on time, by period.",
    ),
    "pack.definitions": ("Définitions des indicateurs", "Definitions of the indicators"),
    "pack.definitions_intro": (
        "Les fiches du catalogue commun : chaque partenaire déclare chaque indicateur selon"
        " cette définition.",
        "The common catalogue's reference sheets: every partner reports each indicator by this"
        " definition.",
    ),
    "pack.protection": ("Protection des petits effectifs", "Protection of small numbers"),
    "pack.protection_why": (
        "Les données concernent des mineurs : aucun chiffre publié ne doit permettre de"
        " reconnaître un jeune ou un petit groupe de jeunes, ni de retrouver ce qu'a déclaré une"
        " organisation. Un chiffre protégé est écrit « masqué » sur une case hachurée.",
        "The data concerns minors: no published figure may let anyone recognise a young person"
        " or a small group of young people, or work out what one organisation reported. A"
        ' protected figure reads "hidden" on a hatched cell.',
    ),
    "pack.protection_small_title": ("Petits groupes", "Small groups"),
    "pack.protection_small": (
        "un nombre de 1 à {below} jeunes n'est pas publié (zéro l'est).",
        "a number of 1 to {below} young people is not published (zero is).",
    ),
    "pack.protection_organisations_title": ("Peu d'organisations", "Few organisations"),
    "pack.protection_organisations": (
        "un chiffre déclaré par moins de 3 organisations, ou dont une seule organisation"
        " fournit plus de 85 %, n'est pas publié : il dirait ce qu'a déclaré l'une d'elles.",
        "a figure reported by fewer than 3 organisations, or one organisation of which"
        " provides more than 85 %, is not published: it would tell what one of them reported.",
    ),
    "pack.protection_complementary_title": (
        "Chiffres qui en révéleraient un autre",
        "Figures that would give another away",
    ),
    "pack.protection_complementary": (
        "quand un total est publié, une autre case de sa ligne ou de sa colonne est masquée"
        " aussi, sans quoi une simple soustraction ferait retrouver le chiffre masqué.",
        "where a total is published, another cell of its row or column is hidden too, or a"
        " simple subtraction would give the hidden figure back.",
    ),
    "pack.protection_accepted": (
        "Seules les données acceptées par l'équipe d'évaluation sont publiées ; les chiffres ne"
        " changent qu'à la publication suivante.",
        "Only data accepted by the evaluation team is published; the figures change only at the"
        " next publication.",
    ),
    "coordination.title": ("Coordination des actions", "Coordination of actions"),
    "coordination.intro": (
        "Qui fait quoi, où, quand et pour qui (5W) d'après les engagements, avec ce qui a été"
        " déclaré : les lieux et les publics que personne ne couvre, les actions qui se"
        " superposent, la couverture des besoins et le réseau des partenaires.",
        "Who does what, where, when and for whom (5W) from the commitments, with what was"
        " reported: places and publics nobody covers, actions that overlap, how far needs are"
        " covered, and the partner network.",
    ),
    "coordination.all_territories": ("Tous les territoires", "All territories"),
    "coordination.dimension": ("Colonnes", "Columns"),
    "coordination.by.node": ("Effets et réalisations", "Outcomes and outputs"),
    "coordination.by.action_type": ("Types d'action", "Action types"),
    "coordination.matrix": ("Présence des partenaires", "Partners' presence"),
    "coordination.matrix_help": (
        "Nombre d'organisations qui agissent dans chaque lieu pour chaque effet (en l'alimentant"
        " par leurs actions) ou type d'action. Rouge : personne (un manque) ; jaune : une seule"
        " (couverture fragile). Choisissez un territoire pour voir ses collèges.",
        "Number of organisations acting in each place for each outcome (feeding it through their"
        " actions) or action type. Red: nobody (a gap); yellow: a single one (fragile"
        " coverage). Choose a territory to see its schools.",
    ),
    "coordination.partners": ("Partenaires", "Partners"),
    "coordination.gaps_count": ("Cases sans aucun partenaire", "Cells with no partner"),
    "coordination.fragile_count": ("Cases portées par un seul", "Cells carried by one alone"),
    "coordination.gaps": ("Ce que personne ne couvre", "What nobody covers"),
    "coordination.no_coverage_gap": (
        "Chaque effet est couvert dans chaque collège pour chaque niveau.",
        "Every outcome is covered in every school for every grade.",
    ),
    "coordination.coverage_gaps": (
        "{n} couple(s) effet × collège où au moins un niveau n'est couvert par aucune action :",
        "{n} outcome × school pair(s) where at least one grade is covered by no action:",
    ),
    "coordination.gaps_ranked": (
        "Les plus importants d'abord : effets qui ont une cible, puis collèges REP+, REP, en"
        " quartier prioritaire, et le plus d'élèves inscrits dans les niveaux sans action.",
        "Most important first: outcomes with a target, then REP+ and REP schools, in priority"
        " neighbourhoods, and the most pupils enrolled in the grades without action.",
    ),
    "coordination.rank": ("Rang", "Rank"),
    "coordination.why": ("Pourquoi ce rang", "Why this rank"),
    "coordination.why.target": ("effet avec une cible", "outcome with a target"),
    "coordination.why.qpv": ("QPV", "QPV"),
    "coordination.why.pupils": ("{n} élèves inscrits", "{n} pupils enrolled"),
    "coordination.why.actors": ("{n} partenaires", "{n} partners"),
    "coordination.why.none": ("hors éducation prioritaire", "outside priority education"),
    "coordination.show_all": ("Voir tout ({n})", "Show all ({n})"),
    "coordination.shown_first": (
        "Les {shown} premiers sur {n} sont affichés.",
        "The first {shown} of {n} are shown.",
    ),
    "coordination.grades": ("Niveaux sans action", "Grades without action"),
    "coordination.grade": ("Niveau", "Grade"),
    "coordination.advice_gap": (
        "À faire : proposer ces collèges et niveaux aux partenaires qui mènent déjà une action"
        " sur cet effet ailleurs, ou chercher un nouveau partenaire.",
        "To do: offer these schools and grades to the partners who already serve this outcome"
        " elsewhere, or look for a new partner.",
    ),
    "coordination.schools_without": (
        "{n} collège(s) sans action d'aucun partenaire (hors le collège lui-même) : les"
        " actions à l'échelle de leur territoire sont comptées à part.",
        "{n} school(s) without any partner's action (besides the school itself): actions for"
        " their whole territory are counted apart.",
    ),
    "coordination.territory_wide": (
        "Partenaires à l'échelle du territoire",
        "Partners for the whole territory",
    ),
    "coordination.targets_without": (
        "{n} cible(s) sans action engagée qui en rende compte cette année :",
        "{n} target(s) without a committed action reporting on it this year:",
    ),
    "coordination.silent": (
        "{n} engagement(s) dont le compte rendu est échu sans aucune valeur déposée :",
        "{n} commitment(s) whose report is due with no value uploaded:",
    ),
    "coordination.overlaps": ("Actions qui se superposent", "Overlapping actions"),
    "coordination.no_overlap": (
        "Aucune superposition : jamais deux partenaires pour la même action, le même collège et"
        " le même niveau.",
        "No overlap: never two partners for the same action, school and grade.",
    ),
    "coordination.overlaps_intro": (
        "{n} cas où plusieurs partenaires mènent le même type d'action pour le même collège et"
        " le même niveau. La portée dédoublonnée retient le plus grand nombre déclaré : la"
        " somme peut compter deux fois les mêmes jeunes.",
        "{n} cases where several partners run the same action type for the same school and"
        " grade. The de-duplicated reach keeps the largest number reported: the sum may count"
        " the same young people twice.",
    ),
    "coordination.overlaps_ranked": (
        "Les plus importants d'abord : le plus de partenaires, puis le plus d'élèves inscrits"
        " dans ce collège et ce niveau, puis les collèges REP+, REP et en quartier prioritaire.",
        "Most important first: the most partners, then the most pupils enrolled in that school"
        " and grade, then REP+, REP and priority-neighbourhood schools.",
    ),
    "coordination.gross": ("Somme déclarée", "Sum reported"),
    "coordination.deduplicated": ("Portée dédoublonnée", "De-duplicated reach"),
    "coordination.advice": ("À faire", "To do"),
    "coordination.advice_overlap": (
        "se coordonner : calendrier commun, ou répartir les classes",
        "coordinate: a shared calendar, or split the classes",
    ),
    "coordination.advice_overlap_counted": (
        "se coordonner ; jusqu'à {n} jeune(s) peut-être comptés deux fois : croiser les listes",
        "coordinate; up to {n} young people possibly counted twice: compare the lists",
    ),
    "coordination.need": ("Besoins et portée", "Need and reach"),
    "coordination.need_help": (
        "Part des élèves inscrits (besoin) touchés par au moins une action ({indicator}, par"
        " niveau quand il est déclaré ainsi, sinon pour tout le collège). En rouge : moins de la"
        " moitié.",
        "Share of enrolled pupils (the need) reached by at least one action ({indicator}, by"
        " grade where reported so, else for the whole school). In red: under half.",
    ),
    "coordination.coverage_axis": ("Couverture (%)", "Coverage (%)"),
    "coordination.no_need": (
        "Pas de couverture à montrer : effectifs inconnus, aucune valeur, ou chiffres masqués"
        " parce que trop peu d'organisations y contribuent.",
        "No coverage to show: unknown enrolment, no value, or figures hidden because too few"
        " organisations contribute.",
    ),
    "coordination.network": ("Réseau des partenaires", "Partner network"),
    "coordination.network_help": (
        "Deux partenaires sont reliés quand ils servent le même effet dans un même collège ; le"
        " trait s'épaissit avec le nombre de collèges partagés. Un partenaire isolé est dessiné"
        " creux.",
        "Two partners are linked when they serve the same outcome in the same school; the line"
        " thickens with the number of schools shared. An isolated partner is drawn hollow.",
    ),
    "coordination.no_network": ("Aucune action dans un collège.", "No action in a school."),
    "coordination.isolated": (
        "Partenaires isolés (seuls sur leurs effets dans leurs collèges) : {names}.",
        "Isolated partners (alone on their outcomes in their schools): {names}.",
    ),
    "coordination.fragile": (
        "{n} effet(s) porté(s) par un seul partenaire dans un collège (couverture fragile) :",
        "{n} outcome(s) carried by a single partner in a school (fragile coverage):",
    ),
    "coordination.schools_n": ("{n} collège(s)", "{n} school(s)"),
    "coordination.links_n": ("{n} lien(s)", "{n} link(s)"),
    "sync.title": ("Synchronisation des acteurs", "Synchronisation between actors"),
    "sync.intro": (
        "Qui rend compte de quoi, à temps, sur les définitions communes : les rapports attendus"
        " découlent des engagements de chaque partenaire ; un rapport est reçu dès qu'une valeur"
        " est arrivée, à temps si elle est arrivée avant la date limite de la période.",
        "Who reports what, on time, on the common definitions: the expected reports follow from"
        " each partner's commitments; a report is received once a value has arrived, on time if"
        " it arrived by the period's due date.",
    ),
    "sync.year": ("Année scolaire", "School year"),
    "sync.late_by": (" (+{days} j)", " (+{days} d)"),
    "sync.territory": ("Territoire", "Territory"),
    "sync.heatmap": (
        "Statut de chaque partenaire, par période",
        "Each partner's status, by period",
    ),
    "sync.counts": ("Partenaires par statut et par période", "Partners by status and period"),
    "sync.rates": (
        "Complétude et ponctualité au fil des périodes",
        "Completeness and timeliness over time",
    ),
    "sync.completeness": ("Complétude", "Completeness"),
    "sync.timeliness": ("Ponctualité", "Timeliness"),
    "sync.goal": ("objectif {name} : {goal}", "{name} goal: {goal}"),
    "sync.mine": ("{name} (mon organisation)", "{name} (my organisation)"),
    "sync.initiative": ("{name} (initiative)", "{name} (initiative)"),
    "sync.compare_by": ("Comparer par", "Compare by"),
    "sync.consistency": ("Régularité (%)", "Consistency (%)"),
    "sync.consistency_help": (
        "parmi les partenaires qui ont rendu compte sur au moins une période close de l'année,"
        " la part qui l'a fait sur toutes.",
        "of the partners that reported in at least one period of the year that is over, the"
        " share that reported in all of them.",
    ),
    "column.member": ("Groupe", "Group"),
    "column.reporting_any": ("Ont rendu compte", "Reported"),
    "column.reporting_every": ("À chaque période", "In every period"),
    "column.age_days": ("Âge des dernières données (jours)", "Age of the latest data (days)"),
    "sync.by.initiative": ("Initiative", "Initiative"),
    "sync.by.organisation_type": ("Type de partenaire", "Partner type"),
    "sync.by.territory": ("Territoire", "Territory"),
    "sync.by.indicator": ("Indicateur", "Indicator"),
    "sync.index": ("Indice de synchronisation", "Synchronisation index"),
    "sync.index_initiative": ("Indice de l'initiative", "Initiative's index"),
    "sync.index_formula": (
        "Sur les périodes closes : complétude = rapports reçus / attendus ; ponctualité = reçus"
        " à temps / attendus ; régularité = périodes avec un rapport / périodes avec des rapports"
        " attendus ; conformité = part des valeurs sur les définitions communes ; fraîcheur = 1 −"
        " âge des dernières données / 365 jours. L'indice de l'initiative est la moyenne de"
        " ceux des partenaires.",
        "Over the periods that are over: completeness = reports received / expected; timeliness"
        " = received on time / expected; regularity = periods with a report / periods with"
        " reports expected; conformity = share of values on the common definitions; freshness ="
        " 1 − age of the latest data / 365 days. The initiative's index is the mean of the"
        " partners'.",
    ),
    "sync.missing": ("Rapports manquants", "Missing reports"),
    "sync.missing_none": (
        "Aucun rapport manquant : tous les rapports dus sont arrivés à temps.",
        "No missing report: every report due arrived on time.",
    ),
    "sync.missing_none_late": (
        "Aucun rapport manquant, mais {late} rapport(s) sur {due} arrivé(s) après la date limite"
        " (ponctualité : {share} %).",
        "No missing report, but {late} report(s) of {due} arrived after the deadline"
        " (timeliness: {share}%).",
    ),
    "sync.missing_some": (
        "Rapports manquants : {n} sur {due} dus.",
        "Missing reports: {n} of {due} due.",
    ),
    "sync.missing_nothing_due": (
        "Aucun rapport n'est encore dû : aucune période engagée n'est close.",
        "No report is due yet: no committed period is over.",
    ),
    "sync.reminder": ("Relance à envoyer", "Reminder to send"),
    "sync.reminder_greeting": ("Bonjour,", "Hello,"),
    "sync.reminder_intro": (
        "Il nous manque {count} rapport(s) de {name} pour Mesure commune :",
        "We are missing {count} report(s) from {name} for Mesure commune:",
    ),
    "sync.reminder_line": (
        "{indicator} · {place} · {period} (attendu le {due})",
        "{indicator} · {place} · {period} (due {due})",
    ),
    "sync.reminder_outro": (
        "Vous pouvez les déposer sur la page « Déposer » (le modèle pré-rempli y est proposé)."
        " Merci !",
        "You can upload them on the 'Upload' page (the pre-filled template is offered there)."
        " Thank you!",
    ),
    "sync.reminder_xlsx": ("Liste à envoyer (Excel)", "List to send (Excel)"),
    "sync.remind": ("Envoyer des relances par e-mail", "Send reminders by e-mail"),
    "sync.remind_scope": ("Relancer", "Remind"),
    "sync.remind_one": ("cette organisation", "this organisation"),
    "sync.remind_all": (
        "toutes les organisations en retard ({count})",
        "every organisation behind ({count})",
    ),
    "sync.remind_preview": (
        "Aperçu : chaque compte de l'organisation qui a une adresse reçoit la relance ci-dessus,"
        " dans sa langue, avec la liste de ses rapports manquants.",
        "Preview: every account of the organisation with an address gets the reminder above, in"
        " its language, with the list of its missing reports.",
    ),
    "sync.remind_recipient": ("Destinataire", "Recipient"),
    "sync.remind_address": ("Adresse", "Address"),
    "sync.remind_language": ("Langue", "Language"),
    "sync.remind_reports": ("Rapports manquants", "Missing reports"),
    "sync.remind_unreachable": (
        "Sans adresse e-mail, à relancer autrement (ou à compléter dans Administration) : {names}.",
        "No e-mail address, to remind another way (or to fill in on Administration): {names}.",
    ),
    "sync.remind_button": ("Envoyer {count} relance(s)", "Send {count} reminder(s)"),
    "sync.remind_sent": ("{count} relance(s) envoyée(s).", "{count} reminder(s) sent."),
    "sync.remind_failed": (
        "{count} relance(s) non envoyée(s) ; relancez ces partenaires autrement :",
        "{count} reminder(s) not sent; remind these partners another way:",
    ),
    "mail.off": (
        "L'envoi d'e-mails est désactivé (aucun serveur SMTP configuré).",
        "Sending e-mail is off (no SMTP server configured).",
    ),
    "mail.error.connection": (
        "E-mail à {to} non envoyé : le serveur SMTP {server} est injoignable (le détail est"
        " au journal d'audit).",
        "E-mail to {to} not sent: the SMTP server {server} cannot be reached (the details are in"
        " the audit log).",
    ),
    "mail.error.timeout": (
        "E-mail à {to} non envoyé : le serveur SMTP {server} n'a pas répondu à temps.",
        "E-mail to {to} not sent: the SMTP server {server} did not answer in time.",
    ),
    "mail.error.auth": (
        "E-mail à {to} non envoyé : le serveur SMTP {server} a refusé l'identifiant ou le mot"
        " de passe (MESURE_SMTP_USER, MESURE_SMTP_PASSWORD).",
        "E-mail to {to} not sent: the SMTP server {server} refused the user name or password"
        " (MESURE_SMTP_USER, MESURE_SMTP_PASSWORD).",
    ),
    "mail.error.recipient": (
        "E-mail à {to} non envoyé : le serveur SMTP a refusé cette adresse ; vérifiez-la dans"
        " Administration.",
        "E-mail to {to} not sent: the SMTP server refused this address; check it on"
        " Administration.",
    ),
    "mail.error.smtp": (
        "E-mail à {to} non envoyé : le serveur SMTP {server} a répondu par une erreur ({detail}).",
        "E-mail to {to} not sent: the SMTP server {server} answered with an error ({detail}).",
    ),
    "mail.return.subject": (
        "Mesure commune : votre fichier « {filename} » vous est renvoyé",
        "Mesure commune: your file '{filename}' is returned to you",
    ),
    "mail.greeting": ("Bonjour {name},", "Hello {name},"),
    "mail.return.heading": (
        "Votre fichier « {filename} » vous est renvoyé",
        "Your file '{filename}' is returned to you",
    ),
    "mail.return.intro": (
        "L'équipe d'appui renvoie le fichier « {filename} » déposé le {uploaded} pour"
        " {organisation}{period}.",
        "The backbone team returns the file '{filename}' uploaded on {uploaded} for"
        " {organisation}{period}.",
    ),
    "mail.return.reason": ("Raison : {reason}", "Reason: {reason}"),
    "mail.return.reasons": ("Raison du renvoi", "Why it is returned"),
    "mail.return.todo": (
        "Que faire : corrigez le fichier selon cette raison, puis déposez-le à nouveau sur la"
        " page « Déposer » de Mesure commune (le modèle pré-rempli y est proposé).",
        "What to do: correct the file for this reason, then upload it again on the 'Upload'"
        " page of Mesure commune (the pre-filled template is offered there).",
    ),
    "mail.return.period": (" (période {period})", " (period {period})"),
    "mail.return.no_reason": (
        "aucune raison n'a été donnée ; demandez-la à l'équipe d'appui.",
        "no reason was given; ask the backbone team for it.",
    ),
    "mail.reminder.subject": (
        "Mesure commune : {count} rapport(s) manquant(s) de {name}",
        "Mesure commune: {count} missing report(s) from {name}",
    ),
    "mail.upload_link": ("\nPage « Déposer » : {url}", "\n'Upload' page: {url}"),
    "mail.reminder.heading": (
        "{count} rapport(s) manquant(s) de {name}",
        "{count} missing report(s) from {name}",
    ),
    "mail.link_words": (
        "Ouvrir la page « Déposer » de Mesure commune",
        "Open the 'Upload' page of Mesure commune",
    ),
    "mail.signature": (
        "{evaluator}, pour l'équipe d'appui de {initiative}",
        "{evaluator}, for the backbone team of {initiative}",
    ),
    "mail.sent_by": ("Message envoyé par Mesure commune.", "Message sent by Mesure commune."),
    "language.fr": ("français", "French"),
    "language.en": ("anglais", "English"),
    "sync.review": ("Revue des dépôts", "Review of submissions"),
    "sync.review_intro": (
        "Accepter un dépôt le rend visible aux financeurs ; le renvoyer, avec un commentaire,"
        " le signale au partenaire.",
        "Accepting a submission makes it visible to funders; returning it, with a comment,"
        " tells the partner.",
    ),
    "sync.submission": ("Dépôt", "Submission"),
    "sync.comment": ("Commentaire pour le partenaire", "Comment for the partner"),
    "sync.accept": ("Accepter", "Accept"),
    "sync.return": ("Renvoyer", "Return"),
    "sync.reviewed": ("Dépôt {status}.", "Submission {status}."),
    "sync.return_mailed": (
        "Le partenaire est prévenu par e-mail ({to}).",
        "The partner is told by e-mail ({to}).",
    ),
    "sync.return_mail_failed": (
        "Le dépôt est bien renvoyé, mais le partenaire n'a pas été prévenu par e-mail :"
        " prévenez-le par un autre moyen.",
        "The submission is returned, but the partner was not told by e-mail: tell them another"
        " way.",
    ),
    "sync.return_no_address": (
        "Aucun compte de {organisation} n'a d'adresse e-mail : prévenez le partenaire par un"
        " autre moyen (ou ajoutez une adresse dans Administration).",
        "No account of {organisation} has an e-mail address: tell the partner another way (or"
        " add an address on Administration).",
    ),
    "sync.return_mail_off": (
        "L'envoi d'e-mails est désactivé (aucun serveur SMTP configuré) : prévenez le partenaire"
        " par un autre moyen.",
        "Sending e-mail is off (no SMTP server configured): tell the partner another way.",
    ),
    "sync.nothing": (
        "Aucun rapport n'était encore attendu sur cette année.",
        "No report was expected yet for this year.",
    ),
    "nav.quality": ("Qualité des données", "Data quality"),
    "nav.admin": ("Administration", "Administration"),
    "coordination.priority": ("Éducation prioritaire", "Priority education"),
    "coordination.priority.REP+": ("REP+", "REP+"),
    "coordination.priority.REP": ("REP", "REP"),
    "coordination.priority.none": ("Hors éducation prioritaire", "Outside priority education"),
    "coordination.all_schools": ("Tous les collèges", "Every school"),
    "coordination.qpv": ("Quartier prioritaire (QPV)", "Priority neighbourhood (QPV)"),
    "coordination.qpv.any": ("Tous", "All"),
    "coordination.qpv.in": ("En QPV", "In a QPV"),
    "coordination.qpv.out": ("Hors QPV", "Outside any QPV"),
    "coordination.narrowed": (
        "Vue restreinte aux collèges choisis : la matrice montre ces collèges ; chaque chiffre"
        " est celui de la vue complète, masqué de la même façon, et aucun total n'est fait sur"
        " la sélection.",
        "View narrowed to the chosen schools: the matrix shows these schools; every figure is"
        " that of the whole view, hidden the same way, and no total is made over the selection.",
    ),
    "page.not_set_up": (
        "L'initiative n'est pas encore mise en place : il lui faut une théorie du changement et"
        " des années scolaires (page Administration).",
        "The initiative is not set up yet: it needs a theory of change and school years"
        " (Administration page).",
    ),
    "chart.version_break": (
        "Version {version} en vigueur depuis le {date}",
        "Version {version} in force from {date}",
    ),
    "progress.version_breaks": (
        "Définition changée : {items}. Les valeurs gardent la version sous laquelle elles ont"
        " été déposées ; de part et d'autre du trait, elles ne mesurent pas tout à fait la même"
        " chose.",
        "Definition changed: {items}. Values keep the version they were reported under; on"
        " either side of the line they do not measure quite the same thing.",
    ),
    "sheet.reason": ("Pourquoi", "Why"),
    "admin.title": ("Administration de l'initiative", "Administering the initiative"),
    "admin.intro": (
        "Modifiez les lieux, les organisations, les engagements (5W), les périodes et les cibles"
        " dans les tableaux ou dans un classeur Excel. Chaque modification est vérifiée avec les"
        " mêmes règles que les fichiers de définition, montrée avant d'être enregistrée, puis"
        " enregistrée d'un seul coup et inscrite au journal d'audit.",
        "Edit places, organisations, commitments (5W), periods and targets in the tables or in an"
        " Excel workbook. Every edit is checked by the rules of the definition files, shown"
        " before it is saved, then saved at once and written in the audit log.",
    ),
    "admin.tab.places": ("Lieux et collèges", "Places and schools"),
    "admin.tab.organisations": ("Organisations", "Organisations"),
    "admin.tab.commitments": ("Engagements (5W)", "Commitments (5W)"),
    "admin.tab.periods": ("Périodes", "Periods"),
    "admin.tab.targets": ("Cibles et références", "Targets and baselines"),
    "admin.tab.excel": ("Par Excel", "Through Excel"),
    "admin.tab.accounts": ("Comptes", "Accounts"),
    "admin.tab.indicators": ("Indicateurs", "Indicators"),
    "admin.indicators_help": (
        "Corriger un libellé, des alias, la plage ou la source modifie la version en cours. Changer"
        " ce que l'indicateur mesure (type, unité, règles d'agrégation, dédoublonnage, numérateur,"
        " dénominateur, ventilations, fréquence) crée une nouvelle version à partir de la date"
        " choisie ; les valeurs déjà reçues gardent la version sous laquelle elles ont été"
        " déposées.",
        "Correcting a label, aliases, the range or the source edits the current version. Changing"
        " what the indicator measures (type, unit, aggregation rules, de-duplication, numerator,"
        " denominator, breakdowns, frequency) makes a new version from the chosen date; values"
        " already received keep the version they were reported under.",
    ),
    "admin.tab.theory": ("Théorie du changement", "Theory of change"),
    "admin.theory_help": (
        "Les nœuds (activités, réalisations, effets, impact), les liens qui montent de l'un à"
        " l'autre et le nœud que mesure chaque indicateur. Un lien ne descend jamais de niveau"
        " et ne forme pas de cycle ; les activités sont les types d'action des engagements.",
        "The nodes (activities, outputs, outcomes, impact), the links going up from one to"
        " another and the node each indicator measures. A link never goes down a level nor"
        " closes a cycle; activities are the commitments' action types.",
    ),
    "admin.theory_nodes": ("Nœuds", "Nodes"),
    "admin.theory_links": ("Liens (de → vers)", "Links (from → to)"),
    "admin.theory_attachments": (
        "Nœud mesuré par chaque indicateur",
        "Node each indicator measures",
    ),
    "admin.indicator_new": ("➕ Nouvel indicateur", "➕ New indicator"),
    "admin.indicator_pick": ("Indicateur", "Indicator"),
    "admin.indicator_from": (
        "En vigueur à partir du (pour une nouvelle version)",
        "In force from (for a new version)",
    ),
    "admin.indicator_check": ("Vérifier la modification", "Check the change"),
    "admin.new_version": (
        "Nouvelle version {version}, en vigueur à partir du {date}.",
        "New version {version}, in force from {date}.",
    ),
    "admin.accounts_help": (
        "Les comptes des personnes : un évaluateur voit tout, un partenaire les données de son"
        " organisation, un financeur les synthèses publiées. Un mot de passe provisoire n'est"
        " affiché qu'une fois : transmettez-le par un autre canal que l'identifiant.",
        "People's accounts: an evaluator sees everything, a partner their organisation's data,"
        " a funder the published summaries. A temporary password is shown once only: send it"
        " by another channel than the username.",
    ),
    "admin.account_new": ("Créer un compte", "Create an account"),
    "admin.account_username": ("Identifiant", "Username"),
    "admin.account_name": ("Nom affiché", "Display name"),
    "admin.account_role": ("Rôle", "Role"),
    "admin.account_organisation": ("Organisation", "Organisation"),
    "admin.account_email": ("Courriel (facultatif)", "E-mail (optional)"),
    "admin.account_language": ("Langue des e-mails", "Language of e-mails"),
    "admin.account_contact": (
        "Adresse et langue des e-mails de « {username} »",
        "E-mail address and language of '{username}'",
    ),
    "admin.account_contact_button": (
        "Enregistrer l'adresse et la langue",
        "Save the address and language",
    ),
    "admin.account_contact_done": (
        "Adresse et langue des e-mails de « {username} » enregistrées.",
        "E-mail address and language of '{username}' saved.",
    ),
    "admin.account_create": ("Créer le compte", "Create the account"),
    "admin.account_created": (
        "Compte « {username} » créé. Mot de passe provisoire, affiché une seule fois : {password}",
        "Account '{username}' created. Temporary password, shown once: {password}",
    ),
    "admin.account_pick": ("Compte", "Account"),
    "admin.account_disable": ("Désactiver", "Disable"),
    "admin.account_enable": ("Réactiver", "Enable again"),
    "admin.account_disabled": (
        "Compte « {username} » désactivé : ses sessions sont fermées.",
        "Account '{username}' disabled: its sessions are closed.",
    ),
    "admin.account_enabled": (
        "Compte « {username} » réactivé.",
        "Account '{username}' enabled again.",
    ),
    "admin.account_move": (
        "Rôle et organisation de « {username} »",
        "Role and organisation of '{username}'",
    ),
    "admin.account_move_button": (
        "Changer le rôle ou l'organisation",
        "Change role or organisation",
    ),
    "admin.account_moved": (
        "Rôle et organisation de « {username} » changés : ses sessions sont fermées, elle voit"
        " à sa prochaine connexion ce que permet son nouveau rôle.",
        "Role and organisation of '{username}' changed: its sessions are closed; at the next"
        " sign-in it sees what the new role allows.",
    ),
    "admin.account_reset": ("Nouveau mot de passe provisoire", "New temporary password"),
    "admin.account_reset_done": (
        "Nouveau mot de passe provisoire de « {username} », affiché une seule fois : {password}"
        " (ses sessions et appareils de confiance sont fermés).",
        "New temporary password for '{username}', shown once: {password} (its sessions and"
        " trusted devices are closed).",
    ),
    "admin.edit_help": (
        "Ajoutez une ligne en bas du tableau, supprimez-en une en la sélectionnant. Les"
        " colonnes « Code » s'écrivent telles quelles (le code d'un nouveau lieu, d'une"
        " nouvelle organisation…) ; les autres proposent leurs choix par leur nom.",
        "Add a row at the bottom of the table, delete one by selecting it. The 'Code' columns"
        " are typed as they are (the code of a new place, of a new organisation…); the others"
        " offer their choices by name.",
    ),
    "admin.no_change": ("Aucune modification.", "No change."),
    "admin.changes": (
        "{added} ajout(s), {changed} modification(s), {removed} suppression(s)",
        "{added} added, {changed} changed, {removed} removed",
    ),
    "admin.kind.added": ("ajouté", "added"),
    "admin.kind.changed": ("modifié", "changed"),
    "admin.kind.removed": ("supprimé", "removed"),
    "admin.column.kind": ("Changement", "Change"),
    "admin.column.key": ("Ligne", "Row"),
    "admin.column.fields": ("Colonnes", "Columns"),
    "admin.column.before": ("Avant", "Before"),
    "admin.column.after": ("Après", "After"),
    "admin.errors": (
        "{count} erreur(s) à corriger avant d'enregistrer :",
        "{count} error(s) to fix before saving:",
    ),
    "admin.warnings": ("À vérifier :", "To check:"),
    "admin.reason": (
        "Pourquoi cette modification ? (gardé au journal d'audit)",
        "Why this change? (kept in the audit log)",
    ),
    "admin.save": ("Enregistrer", "Save"),
    "admin.saved": (
        "Définition enregistrée : {added} ajout(s), {changed} modification(s),"
        " {removed} suppression(s).",
        "Definition saved: {added} added, {changed} changed, {removed} removed.",
    ),
    "admin.download": ("Télécharger la définition (Excel)", "Download the definition (Excel)"),
    "admin.excel_help": (
        "Téléchargez le classeur, modifiez-le (les listes déroulantes proposent les valeurs"
        " permises), puis déposez-le ici : les différences s'affichent avant tout enregistrement."
        " Une feuille retirée du classeur laisse sa table telle quelle. Dans la feuille"
        " Indicateurs, changer ce qu'un indicateur mesure (type, unité, règles, ventilations)"
        " crée une nouvelle version en vigueur dès l'enregistrement ; une ligne avec un nouveau"
        " code ajoute un indicateur.",
        "Download the workbook, edit it (drop-downs offer the allowed values), then upload it"
        " here: the differences are shown before anything is saved. A sheet removed from the"
        " workbook leaves its table as it is. In the sheet Indicateurs, changing what an"
        " indicator measures (type, unit, rules, breakdowns) makes a new version in force from"
        " the save; a row with a new code adds an indicator.",
    ),
    "admin.upload": ("Classeur de définition modifié", "Edited definition workbook"),
    "admin.unreadable": (
        "Ce fichier ne peut pas être lu : {reason}",
        "This file cannot be read: {reason}",
    ),
    # the columns of the definition's tables, as the Administration page heads them
    "admin.field.code": ("Code", "Code"),
    "admin.field.name": ("Nom", "Name"),
    "admin.field.places.code": (
        "Code du lieu (UAI pour un collège)",
        "Place code (UAI for a school)",
    ),
    "admin.field.places.kind": ("Type de lieu", "Kind of place"),
    "admin.field.places.parent": ("Territoire", "Territory"),
    "admin.field.places.uai": ("Code UAI", "UAI code"),
    "admin.field.places.education_priority": ("Éducation prioritaire", "Priority education"),
    "admin.field.places.commune_insee": ("Code commune (INSEE)", "Municipality code (INSEE)"),
    "admin.field.places.qpv": ("Code QPV", "QPV code"),
    "admin.field.places.pupils_6e": ("Élèves de 6e", "Pupils in 6e"),
    "admin.field.places.pupils_5e": ("Élèves de 5e", "Pupils in 5e"),
    "admin.field.places.pupils_4e": ("Élèves de 4e", "Pupils in 4e"),
    "admin.field.places.pupils_3e": ("Élèves de 3e", "Pupils in 3e"),
    "admin.field.organisations.code": ("Code de l'organisation", "Organisation code"),
    "admin.field.organisations.type": ("Type d'organisation", "Kind of organisation"),
    "admin.field.organisations.place": ("Collège (pour un collège)", "School (for a school)"),
    "admin.field.organisations.territories": ("Territoires", "Territories"),
    "admin.field.commitments.id": ("Code de l'engagement", "Commitment code"),
    "admin.field.commitments.organisation": ("Organisation", "Organisation"),
    "admin.field.commitments.action_type": ("Type d'action", "Action type"),
    "admin.field.commitments.node": ("Nœud servi", "Node served"),
    "admin.field.commitments.places": ("Lieux", "Places"),
    "admin.field.commitments.grades": ("Niveaux (aucun : tous)", "Grades (none: all)"),
    "admin.field.commitments.sex": ("Sexe (aucun : tous)", "Sex (none: all)"),
    "admin.field.commitments.targeted": ("Jeunes visés", "Young people targeted"),
    "admin.field.commitments.periods": ("Années scolaires", "School years"),
    "admin.field.commitments.status": ("Statut", "Status"),
    "admin.field.commitments.indicators": ("Indicateurs déclarés", "Indicators reported"),
    "admin.field.periods.code": ("Code de la période", "Period code"),
    "admin.field.periods.label_fr": ("Libellé en français", "Label in French"),
    "admin.field.periods.label_en": ("Libellé en anglais", "Label in English"),
    "admin.field.periods.kind": ("Type de période", "Kind of period"),
    "admin.field.periods.parent": (
        "Année scolaire (pour un trimestre)",
        "School year (for a term)",
    ),
    "admin.field.periods.start": ("Début", "Start"),
    "admin.field.periods.end": ("Fin", "End"),
    "admin.field.periods.due": ("Date limite de dépôt", "Due date"),
    "admin.field.targets.indicator": ("Indicateur", "Indicator"),
    "admin.field.targets.place": ("Lieu", "Place"),
    "admin.field.targets.period": ("Période", "Period"),
    "admin.field.targets.kind": ("Référence ou cible", "Baseline or target"),
    "admin.field.targets.value": ("Valeur", "Value"),
    "admin.field.targets.note": ("Note", "Note"),
    "admin.field.nodes.code": ("Code du nœud", "Node code"),
    "admin.field.nodes.level": ("Niveau", "Level"),
    "admin.field.nodes.label_fr": ("Libellé en français", "Label in French"),
    "admin.field.nodes.label_en": ("Libellé en anglais", "Label in English"),
    "admin.field.nodes.description_fr": ("Description en français", "Description in French"),
    "admin.field.nodes.description_en": ("Description en anglais", "Description in English"),
    "admin.field.links.from": ("De", "From"),
    "admin.field.links.to": ("Vers", "To"),
    "admin.field.attachments.indicator": ("Indicateur", "Indicator"),
    "admin.field.attachments.node": ("Nœud mesuré", "Node measured"),
    "admin.field.indicators.code": (
        "Code du nouvel indicateur (minuscules et tirets)",
        "Code of the new indicator (lower case and hyphens)",
    ),
    "admin.field.indicators.version": ("Version", "Version"),
    "admin.field.indicators.label_fr": ("Libellé en français", "Label in French"),
    "admin.field.indicators.label_en": ("Libellé en anglais", "Label in English"),
    "admin.field.indicators.definition_fr": ("Définition en français", "Definition in French"),
    "admin.field.indicators.definition_en": ("Définition en anglais", "Definition in English"),
    "admin.field.indicators.node": (
        "Nœud de la théorie du changement",
        "Node of the theory of change",
    ),
    "admin.field.indicators.type": ("Type", "Type"),
    "admin.field.indicators.unit": ("Unité", "Unit"),
    "admin.field.indicators.polarity": ("Sens", "Polarity"),
    "admin.field.indicators.aggregation_time": (
        "Agrégation dans le temps",
        "Aggregation over time",
    ),
    "admin.field.indicators.aggregation_space": (
        "Agrégation entre lieux et partenaires",
        "Aggregation over places and partners",
    ),
    "admin.field.indicators.deduplication_rule": ("Dédoublonnage", "De-duplication"),
    "admin.field.indicators.frequency": ("Fréquence", "Frequency"),
    "admin.field.indicators.range_min": ("Minimum plausible", "Plausible minimum"),
    "admin.field.indicators.range_max": ("Maximum plausible", "Plausible maximum"),
    "admin.field.indicators.source_fr": ("Source en français", "Source in French"),
    "admin.field.indicators.source_en": ("Source en anglais", "Source in English"),
    "admin.field.indicators.numerator_fr": ("Numérateur en français", "Numerator in French"),
    "admin.field.indicators.numerator_en": ("Numérateur en anglais", "Numerator in English"),
    "admin.field.indicators.denominator_fr": (
        "Dénominateur en français",
        "Denominator in French",
    ),
    "admin.field.indicators.denominator_en": (
        "Dénominateur en anglais",
        "Denominator in English",
    ),
    "admin.field.indicators.disaggregations": ("Ventilations", "Breakdowns"),
    "admin.field.indicators.aliases": (
        "Autres noms employés par les partenaires (séparés par « ; »)",
        "Other names partners use (separated by ';')",
    ),
    "admin.code_example": ("ex. : familles-accueillies", "e.g. familles-accueillies"),
    "admin.whole_initiative": ("Toute l'initiative", "The whole initiative"),
    "admin.hint": (
        "Corrigez la ligne dans le tableau (ou dans le classeur) : la vérification se refait"
        " aussitôt.",
        "Correct the row in the table (or in the workbook): it is checked again at once.",
    ),
    "admin.column.table": ("Tableau", "Table"),
    "admin.account_state": ("État", "State"),
    "admin.account_active": ("actif", "active"),
    "admin.account_inactive": ("désactivé", "disabled"),
    "quality.title": ("Qualité des données", "Data quality"),
    "quality.intro": (
        "Par partenaire : dépôts enregistrés et refusés pour erreurs, alertes par dépôt, valeurs"
        " corrigées par un dépôt suivant, rapports arrivés après la date limite, et conformité"
        " aux définitions communes (part des valeurs trouvées par leur code ou leur libellé,"
        " gardées telles qu'écrites, sur la version courante de l'indicateur).",
        "Per partner: uploads stored and refused for errors, warnings per upload, values"
        " corrected by a later upload, reports that arrived after their due date, and conformity"
        " to the common definitions (share of values found by their code or label, stored as"
        " written, on the indicator's current version).",
    ),
    "quality.conformity_chart": ("Les conformités les plus basses", "The lowest conformity"),
    "quality.problems_chart": (
        "Dépôts refusés et alertes par dépôt",
        "Refused uploads and warnings per upload",
    ),
    "quality.none": ("Aucun dépôt pour l'instant.", "No upload yet."),
    "column.uploads": ("Dépôts", "Uploads"),
    "column.refused": ("Refusés", "Refused"),
    "column.warnings_per_upload": ("Alertes par dépôt", "Warnings per upload"),
    "column.corrected": ("Valeurs corrigées", "Values corrected"),
    "column.late": ("Rapports en retard", "Late reports"),
    "column.conformity": ("Conformité", "Conformity"),
    "column.mapped": ("Rapprochées par ressemblance", "Matched by resemblance"),
    "column.converted": ("Converties", "Rescaled"),
    "column.old_version": (
        "Indicateurs sur une ancienne version",
        "Indicators on an older version",
    ),
    "column.expected": ("Attendus", "Expected"),
    "column.received": ("Reçus", "Received"),
    "column.on_time": ("Reçus à temps", "Received on time"),
    "column.due": ("Date limite", "Due date"),
    "column.comment": ("Commentaire", "Comment"),
    "audit.title": ("Journal d'audit", "Audit log"),
    "audit.intro": (
        "Qui a fait quoi, et quand : connexions (échouées comprises), dépôts, rapprochements"
        " confirmés, changements de la définition, exports, comptes.",
        "Who did what, and when: logins (failed ones included), uploads, confirmed mappings,"
        " definition changes, exports, accounts.",
    ),
    "audit.dates": ("Période", "Dates"),
    "audit.actions": ("Actions", "Actions"),
    "audit.actor": ("Personne (identifiant contient)", "Person (username contains)"),
    "audit.count": ("{count} entrée(s)", "{count} entry(ies)"),
    "audit.per_day": ("Entrées par jour", "Entries per day"),
    "audit.none": ("Aucune entrée ne correspond.", "No entry matches."),
}

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "sex": {"F": ("Filles", "Girls"), "M": ("Garçons", "Boys")},
    "progress_status": {
        "met": ("Atteint", "Met"),
        "on_track": ("En bonne voie", "On track"),
        "off_track": ("Hors trajectoire", "Off track"),
        "no_progress": ("Pas de progrès", "No progress"),
        "no_data": ("Pas de données", "No data"),
        "unrated": ("Non évalué", "Unrated"),
        "hidden": ("Masqué", "Hidden"),
    },
    "submission_status": {
        "received": ("reçu", "received"),
        "accepted": ("accepté", "accepted"),
        "returned": ("renvoyé", "returned"),
        "superseded": ("remplacé", "superseded"),
        "refused": ("refusé", "refused"),
    },
    "sync_status": {
        "not_yet_due": ("pas encore dû", "not yet due"),
        "due": ("attendu", "due"),
        "overdue": ("en retard", "overdue"),
        "submitted": ("déposé", "submitted"),
        "returned": ("renvoyé", "returned"),
        "accepted": ("accepté", "accepted"),
        "submitted_late": ("déposé en retard", "submitted late"),
        "accepted_late": ("accepté, en retard", "accepted, late"),
    },
    "level": {
        "activity": ("Activité", "Activity"),
        "output": ("Réalisation", "Output"),
        "intermediate_outcome": ("Effet intermédiaire", "Intermediate outcome"),
        "long_term_outcome": ("Effet à long terme", "Long-term outcome"),
        "impact": ("Impact", "Impact"),
    },
    "type": {
        "count": ("Effectif", "Count"),
        "percentage": ("Pourcentage", "Percentage"),
        "ratio": ("Ratio", "Ratio"),
        "amount": ("Montant", "Amount"),
        "duration": ("Durée", "Duration"),
        "score": ("Score", "Score"),
    },
    "unit": {
        "person": ("personnes", "people"),
        "event": ("occurrences", "events"),
        "hour": ("heures", "hours"),
        "day": ("jours", "days"),
        "eur": ("euros", "euros"),
        "percent": ("%", "%"),
        "ratio": ("ratio", "ratio"),
        "point": ("points", "points"),
    },
    "polarity": {
        "higher_is_better": ("Plus c'est haut, mieux c'est", "Higher is better"),
        "lower_is_better": ("Plus c'est bas, mieux c'est", "Lower is better"),
        "neutral": ("Neutre", "Neutral"),
    },
    "aggregation": {
        "sum": ("Somme", "Sum"),
        "mean": ("Moyenne", "Mean"),
        "last": ("Dernière valeur", "Last value"),
        "max": ("Maximum", "Maximum"),
        "ratio": (
            "Ratio (somme des numérateurs / somme des dénominateurs)",
            "Ratio (sum of numerators / sum of denominators)",
        ),
        "none": ("Non agrégeable", "Not aggregated"),
    },
    "deduplication": {
        "none": ("Aucune (les valeurs s'additionnent)", "None (values add up)"),
        "max_per_school": ("Maximum par collège", "Maximum per school"),
        "max_per_territory": ("Maximum par territoire", "Maximum per territory"),
        "unique_id": ("Identifiants uniques", "Unique identifiers"),
        "not_applicable": ("Sans objet", "Not applicable"),
    },
    "frequency": {
        "term": ("Trimestrielle", "Every term"),
        "school_year": ("Annuelle (année scolaire)", "Yearly (school year)"),
    },
    "place_kind": {"territory": ("Territoire", "Territory"), "school": ("Collège", "School")},
    "education_priority": {
        "REP+": ("REP+", "REP+"),
        "REP": ("REP", "REP"),
        "none": ("Hors éducation prioritaire", "Outside priority education"),
    },
    "commitment_status": {
        "planned": ("Prévu", "Planned"),
        "ongoing": ("En cours", "Ongoing"),
        "done": ("Terminé", "Done"),
    },
    "period_kind": {
        "school_year": ("Année scolaire", "School year"),
        "term": ("Trimestre", "Term"),
    },
    "target_kind": {"baseline": ("Référence", "Baseline"), "target": ("Cible", "Target")},
    "organisation_type": {
        "school": ("Collège", "School"),
        "company": ("Entreprise", "Company"),
        "company_foundation": ("Fondation d'entreprise", "Company foundation"),
        "association": ("Association", "Association"),
        "public_body": ("Acteur public", "Public body"),
        "funder": ("Financeur", "Funder"),
        "backbone": ("Structure d'appui", "Backbone"),
    },
}


def t(key: str, lang: str = "fr", **values: object) -> str:
    """The interface text `key` in `lang`, with `{placeholders}` filled."""
    fr, en = TEXTS[key]
    text = en if lang == "en" else fr
    return text.format(**values) if values else text


def label(kind: str, code: str, lang: str = "fr") -> str:
    """The human label of a definition code (a level, a type, a unit...); the code if unknown."""
    pair = LABELS.get(kind, {}).get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]
