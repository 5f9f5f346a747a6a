"""Problems found in an initiative definition: values with a stable code, never exceptions.

Each code has one French and one English template; the placeholders are filled from the
problem's `details`. Only `DefinitionError` is raised, and it carries every problem found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# code: (French template, English template). Placeholders come from `details`.
TEMPLATES: dict[str, tuple[str, str]] = {
    "file-missing": (
        "fichier introuvable : ajoutez-le au dossier de définition",
        "file not found: add it to the definition folder",
    ),
    "file-unreadable": (
        "fichier illisible ({reason})",
        "unreadable file ({reason})",
    ),
    "bad-columns": (
        "colonnes attendues {expected}, trouvées {found}",
        "expected columns {expected}, found {found}",
    ),
    "missing-field": (
        "le champ « {field} » est obligatoire",
        "field '{field}' is required",
    ),
    "invalid-value": (
        "« {value} » n'est pas une valeur permise pour « {field} » (permis : {allowed})",
        "'{value}' is not allowed for '{field}' (allowed: {allowed})",
    ),
    "not-a-number": (
        "« {value} » n'est pas un nombre pour « {field} »",
        "'{value}' is not a number for '{field}'",
    ),
    "not-a-date": (
        "« {value} » n'est pas une date AAAA-MM-JJ pour « {field} »",
        "'{value}' is not a YYYY-MM-DD date for '{field}'",
    ),
    "duplicate-code": (
        "le code « {value} » est déjà utilisé par une autre entrée",
        "code '{value}' is already used by another entry",
    ),
    "unknown-node": (
        "nœud de la théorie du changement inconnu : « {value} »",
        "unknown theory-of-change node: '{value}'",
    ),
    "unknown-indicator": (
        "indicateur inconnu : « {value} »",
        "unknown indicator: '{value}'",
    ),
    "unknown-place": (
        "lieu inconnu : « {value} »",
        "unknown place: '{value}'",
    ),
    "unknown-period": (
        "période inconnue : « {value} »",
        "unknown period: '{value}'",
    ),
    "unknown-organisation": (
        "organisation inconnue : « {value} »",
        "unknown organisation: '{value}'",
    ),
    "unknown-dimension": (
        "dimension de ventilation inconnue : « {value} »",
        "unknown disaggregation dimension: '{value}'",
    ),
    "unknown-category": (
        "catégorie « {value} » inconnue pour la dimension « {field} »",
        "unknown category '{value}' for dimension '{field}'",
    ),
    "link-goes-down": (
        "le lien {source} → {target} descend d'un niveau ({source_level} → {target_level}) :"
        " un lien va vers un niveau égal ou supérieur",
        "link {source} → {target} goes down a level ({source_level} → {target_level}):"
        " a link goes to the same or a higher level",
    ),
    "toc-cycle": (
        "la théorie du changement contient un cycle : {cycle}",
        "the theory of change contains a cycle: {cycle}",
    ),
    "rate-without-denominator": (
        "un indicateur de type « {value} » doit définir numérateur et dénominateur"
        " (manquant : {field})",
        "an indicator of type '{value}' must define numerator and denominator (missing: {field})",
    ),
    "fraction-on-non-rate": (
        "numérateur/dénominateur définis pour un indicateur de type « {value} » qui n'est pas un taux",
        "numerator/denominator defined for an indicator of type '{value}', which is not a rate",
    ),
    "rate-summed": (
        "un taux ne s'agrège pas par « {value} » ({field}) : utilisez « ratio »"
        " (somme des numérateurs / somme des dénominateurs) ou « none »",
        "a rate cannot aggregate by '{value}' ({field}): use 'ratio'"
        " (sum of numerators / sum of denominators) or 'none'",
    ),
    "ratio-on-non-rate": (
        "la règle « ratio » ({field}) est réservée aux taux ; ce type est « {value} »",
        "the 'ratio' rule ({field}) is only for rates; this type is '{value}'",
    ),
    "bad-range": (
        "plage plausible incohérente : min {min} > max {max}",
        "inconsistent plausible range: min {min} > max {max}",
    ),
    "invalid-uai": (
        "« {value} » n'est pas un code UAI valide (7 chiffres et une lettre de contrôle,"
        " attendue ici : {expected})",
        "'{value}' is not a valid UAI code (7 digits and a check letter, expected here: {expected})",
    ),
    "bad-parent": (
        "le parent « {value} » doit être {expected}",
        "parent '{value}' must be {expected}",
    ),
    "bad-dates": (
        "dates incohérentes : « {field} » ({value}) tombe avant « {before} » ({limit})",
        "inconsistent dates: '{field}' ({value}) falls before '{before}' ({limit})",
    ),
    "term-outside-year": (
        "le trimestre sort de son année scolaire « {value} » ({start} – {end})",
        "the term falls outside its school year '{value}' ({start} – {end})",
    ),
    "action-not-activity": (
        "le type d'action « {value} » n'est pas une activité de la théorie du changement"
        " (niveau : {level})",
        "action type '{value}' is not an activity of the theory of change (level: {level})",
    ),
    "node-not-reachable": (
        "le nœud « {value} » n'est pas atteint depuis l'activité « {action} » en suivant les liens",
        "node '{value}' cannot be reached from activity '{action}' along the links",
    ),
    "value-out-of-range": (
        "la valeur {value} sort de la plage plausible de « {indicator} » ({min} à {max})",
        "value {value} is outside the plausible range of '{indicator}' ({min} to {max})",
    ),
    "duplicate-target": (
        "deuxième {kind} pour {indicator} × {place} × {period}",
        "second {kind} for {indicator} × {place} × {period}",
    ),
    "bad-organisation-type": (
        "l'organisation « {value} » est de type « {found} », attendu : {expected}",
        "organisation '{value}' is of type '{found}', expected: {expected}",
    ),
    "node-without-indicator": (
        "le nœud « {value} » n'a aucun indicateur : sa progression ne pourra pas être suivie",
        "node '{value}' has no indicator: its progress cannot be followed",
    ),
    "version-starts-too-early": (
        "la version {version} de « {value} » commencerait le {date}, avant la version en cours"
        " (en vigueur depuis le {since})",
        "version {version} of '{value}' would start on {date}, before the current version"
        " (in force since {since})",
    ),
    "version-not-raised": (
        "la définition de « {value} » a changé ({fields}) mais sa version reste {version} :"
        " passez-la à {next} pour garder l'historique",
        "the definition of '{value}' changed ({fields}) but its version is still {version}:"
        " raise it to {next} to keep the history",
    ),
    "version-went-back": (
        "la version {version} de « {value} » est inférieure à la version {stored} déjà enregistrée",
        "version {version} of '{value}' is lower than version {stored} already stored",
    ),
}

# Problems of an uploaded file as a whole: it cannot be read at all.
FILE_TEMPLATES: dict[str, tuple[str, str]] = {
    "file-too-large": (
        "le fichier pèse {size} ; la limite est de {limit}",
        "the file weighs {size}; the limit is {limit}",
    ),
    "empty-file": ("le fichier est vide", "the file is empty"),
    "corrupt-file": (
        "le fichier est abîmé ou tronqué ({reason})",
        "the file is damaged or truncated ({reason})",
    ),
    "zip-bomb": (
        "le classeur se décompresserait de façon anormale ({reason}) : refusé par sécurité",
        "the workbook would decompress abnormally ({reason}): refused for safety",
    ),
    "xml-entities": (
        "le classeur contient des déclarations XML (DTD/entités) dans « {part} » :"
        " refusé par sécurité",
        "the workbook contains XML declarations (DTD/entities) in '{part}': refused for safety",
    ),
    "external-reference": (
        "le classeur demande à charger une ressource externe ({reason}) : refusé par sécurité",
        "the workbook asks to load an external resource ({reason}): refused for safety",
    ),
    "encrypted": (
        "le classeur est protégé par un mot de passe (chiffré) : il ne peut pas être lu",
        "the workbook is password-protected (encrypted): it cannot be read",
    ),
    "content-mismatch": (
        "le contenu du fichier ({found}) ne correspond pas à son extension « {extension} »",
        "the file's content ({found}) does not match its extension '{extension}'",
    ),
    "unsupported-format": (
        "format non pris en charge : « {extension} » (acceptés : {accepted})",
        "unsupported format: '{extension}' (accepted: {accepted})",
    ),
    "lock-file": (
        "c'est un fichier de verrouillage d'Excel (« ~$… »), pas le classeur lui-même",
        "this is an Excel lock file ('~$…'), not the workbook itself",
    ),
    "no-sheet": (
        "le classeur ne contient aucune feuille lisible",
        "the workbook holds no readable sheet",
    ),
    "reader-failed": (
        "le lecteur de classeurs n'a pas pu lire ce fichier ({reason})",
        "the workbook reader could not read this file ({reason})",
    ),
    "reader-crashed": (
        "la lecture de ce fichier a échoué brutalement ({reason}) : il est probablement malformé",
        "reading this file failed abruptly ({reason}): it is probably malformed",
    ),
    "reader-timeout": (
        "la lecture a dépassé {seconds} s : fichier trop complexe ou malformé",
        "reading took more than {seconds} s: the file is too complex or malformed",
    ),
}

FILE_HINTS: dict[str, tuple[str, str]] = {
    "file-too-large": (
        "Découpez le classeur (une feuille par période) ou supprimez les feuilles inutiles.",
        "Split the workbook (one sheet per period) or remove the sheets you do not need.",
    ),
    "encrypted": (
        "Dans Excel : Fichier › Informations › Protéger le classeur › Chiffrer avec mot de passe,"
        " videz le mot de passe, enregistrez puis déposez de nouveau.",
        "In Excel: File › Info › Protect Workbook › Encrypt with Password, clear the password,"
        " save and upload again.",
    ),
    "content-mismatch": (
        "Enregistrez le fichier sous son vrai format (par exemple .csv) ou ouvrez-le dans Excel et"
        " enregistrez-le en .xlsx.",
        "Save the file in its real format (for example .csv) or open it in Excel and save it as"
        " .xlsx.",
    ),
    "lock-file": (
        "Fermez Excel et déposez le fichier sans « ~$ » au début du nom.",
        "Close Excel and upload the file whose name does not start with '~$'.",
    ),
}
DEFAULT_FILE_HINT = (
    "Ouvrez le fichier dans Excel ou LibreOffice, enregistrez-le de nouveau en .xlsx, puis"
    " déposez cette copie. Si le problème persiste, utilisez le modèle officiel.",
    "Open the file in Excel or LibreOffice, save it again as .xlsx, then upload that copy."
    " If the problem persists, use the official template.",
)

HINTS: dict[str, tuple[str, str]] = {
    "file-missing": ("Voir data/README.md pour la liste des fichiers.", "See data/README.md."),
    "file-unreadable": (
        "Vérifiez la syntaxe (indentation YAML, guillemets, séparateur « , » en CSV).",
        "Check the syntax (YAML indentation, quotes, ',' separator in CSV).",
    ),
    "toc-cycle": (
        "Supprimez ou inversez un des liens du cycle.",
        "Remove or reverse one of the links of the cycle.",
    ),
    "version-starts-too-early": (
        "Choisissez une date de début postérieure au début de la version en cours.",
        "Pick a start date after the start of the current version.",
    ),
    "version-not-raised": (
        "Les valeurs déjà reçues restent attachées à l'ancienne version.",
        "Values already received stay attached to the old version.",
    ),
}

DEFAULT_HINT = (
    "Corrigez l'entrée dans le fichier puis relancez « mesure check ».",
    "Fix the entry in the file, then run 'mesure check' again.",
)


class RefusedInputError(ValueError):
    """A refused input of a person (an account change, a note): a stable code and a message
    in French and English."""

    def __init__(self, code: str, fr: str, en: str):
        super().__init__(f"{fr} / {en}")
        self.code, self.fr, self.en = code, fr, en

    def message(self, lang: str = "fr") -> str:
        """The message in `lang`."""
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True, slots=True)
class DefinitionProblem:
    """One problem in one entry of one definition file."""

    code: str
    file: str
    line: int | None = None
    entry: str = ""
    details: dict[str, object] = field(default_factory=dict)
    severity: str = "error"

    @property
    def where(self) -> str:
        """`file:line [entry]`, the coordinates of the problem."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place} [{self.entry}]" if self.entry else place

    def message(self, lang: str = "fr") -> str:
        """The problem as one sentence naming the file and the entry."""
        fr, en = TEMPLATES[self.code]
        body = (fr if lang == "fr" else en).format_map(_Defaulting(self.details))
        return f"{self.where} : {body}" if lang == "fr" else f"{self.where}: {body}"

    def hint(self, lang: str = "fr") -> str:
        """How to fix it."""
        fr, en = HINTS.get(self.code, DEFAULT_HINT)
        return fr if lang == "fr" else en

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view, with both languages."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "entry": self.entry,
            "message_fr": self.message("fr"),
            "message_en": self.message("en"),
            "hint_fr": self.hint("fr"),
            "hint_en": self.hint("en"),
        }


class _Defaulting(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


class DefinitionError(Exception):
    """Raised when a definition has at least one error; carries every problem found."""

    def __init__(self, problems: list[DefinitionProblem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"définition refusée : {len(errors)} erreur(s)\n"
            + "\n".join(p.message("fr") for p in errors)
        )


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Why an uploaded file cannot be read at all."""

    code: str
    file: str
    details: dict[str, object] = field(default_factory=dict)

    def message(self, lang: str = "fr") -> str:
        """The problem as one sentence naming the file."""
        fr, en = FILE_TEMPLATES[self.code]
        body = (fr if lang == "fr" else en).format_map(_Defaulting(self.details))
        return f"{self.file} : {body}" if lang == "fr" else f"{self.file}: {body}"

    def hint(self, lang: str = "fr") -> str:
        """How to fix it."""
        fr, en = FILE_HINTS.get(self.code, DEFAULT_FILE_HINT)
        return fr if lang == "fr" else en


class UnreadableFileError(Exception):
    """An uploaded file that cannot be read at all; carries the one problem saying why."""

    def __init__(self, problem: FileProblem):
        self.problem = problem
        super().__init__(problem.message("fr"))


# Problems of one cell, row or sheet of an uploaded workbook. (message FR, message EN, hint FR, hint EN)
CELL_TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "unknown-indicator": (
        "indicateur non reconnu : « {value} »",
        "indicator not recognised: '{value}'",
        "Utilisez le code ou le libellé du catalogue (page Catalogue), ou confirmez la correspondance proposée.",
        "Use the catalogue's code or label (Catalogue page), or confirm the proposed mapping.",
    ),
    "unknown-place": (
        "collège ou lieu non reconnu : « {value} »",
        "school or place not recognised: '{value}'",
        "Indiquez le code UAI du collège (7 chiffres et une lettre) ou son nom exact.",
        "Give the school's UAI code (7 digits and a letter) or its exact name.",
    ),
    "unknown-period": (
        "période non reconnue : « {value} »",
        "period not recognised: '{value}'",
        "Écrivez la période sous la forme 2024-2025 ou T1 2024-2025.",
        "Write the period as 2024-2025 or T1 2024-2025.",
    ),
    "period-outside-initiative": (
        "la période « {value} » ne fait pas partie de l'initiative",
        "period '{value}' is not one of the initiative's periods",
        "Vérifiez l'année scolaire : l'initiative couvre {periods}.",
        "Check the school year: the initiative covers {periods}.",
    ),
    "missing-indicator": (
        "valeur sans indicateur : ni la ligne ni la colonne ne disent ce qui est mesuré",
        "value without indicator: neither its row nor its column says what is measured",
        "Ajoutez une colonne « Indicateur » ou mettez le nom de l'indicateur en en-tête de colonne.",
        "Add an 'Indicator' column or put the indicator's name as the column header.",
    ),
    "missing-place": (
        "valeur sans collège ni lieu",
        "value without a school or place",
        "Ajoutez une colonne « Collège » (code UAI) ou nommez la feuille d'après le collège.",
        "Add a 'School' column (UAI code) or name the sheet after the school.",
    ),
    "missing-period": (
        "valeur sans période",
        "value without a period",
        "Ajoutez une colonne « Période » ou indiquez l'année scolaire au-dessus du tableau.",
        "Add a 'Period' column or write the school year above the table.",
    ),
    "not-a-number": (
        "« {value} » n'est pas un nombre",
        "'{value}' is not a number",
        "Saisissez un nombre (1 234,5 ou 1234.5), ou laissez vide / « NC » si la donnée manque.",
        "Enter a number (1 234,5 or 1234.5), or leave blank / 'NC' if the figure is missing.",
    ),
    "error-cell": (
        "la cellule contient une erreur de calcul ({value})",
        "the cell holds a calculation error ({value})",
        "Corrigez la formule dans le classeur (division par zéro, référence manquante…).",
        "Fix the formula in the workbook (division by zero, missing reference…).",
    ),
    "formula-without-value": (
        "formule jamais calculée : la valeur affichée n'est pas enregistrée dans le fichier",
        "formula never calculated: the shown value is not stored in the file",
        "Ouvrez le classeur dans Excel ou LibreOffice, recalculez (F9), enregistrez, puis déposez-le.",
        "Open the workbook in Excel or LibreOffice, recalculate (F9), save, then upload it.",
    ),
    "negative-count": (
        "effectif négatif : {value}",
        "negative count: {value}",
        "Un effectif ne peut pas être négatif : vérifiez le signe.",
        "A count cannot be negative: check the sign.",
    ),
    "percentage-over-100": (
        "pourcentage supérieur à 100 : {value}",
        "percentage over 100: {value}",
        "Saisissez un pourcentage entre 0 et 100 (ou une fraction entre 0 et 1).",
        "Enter a percentage between 0 and 100 (or a fraction between 0 and 1).",
    ),
    "numerator-over-denominator": (
        "le numérateur ({numerator}) dépasse le dénominateur ({denominator})",
        "the numerator ({numerator}) exceeds the denominator ({denominator})",
        "Vérifiez les deux colonnes : le numérateur compte une partie du dénominateur.",
        "Check both columns: the numerator counts a part of the denominator.",
    ),
    "out-of-range": (
        "{value} sort de la plage plausible de « {indicator} » ({min} à {max})",
        "{value} is outside the plausible range of '{indicator}' ({min} to {max})",
        "Vérifiez l'unité et les zéros en trop ; si la valeur est juste, ajoutez un commentaire.",
        "Check the unit and extra zeros; if the value is right, add a comment.",
    ),
    "duplicate-key": (
        "deuxième valeur pour {key} (déjà en {first})",
        "second value for {key} (already at {first})",
        "Gardez une seule ligne par indicateur, collège, période et ventilation.",
        "Keep one row per indicator, school, period and breakdown.",
    ),
    "unknown-category": (
        "catégorie « {value} » inconnue pour « {dimension} »",
        "unknown category '{value}' for '{dimension}'",
        "Utilisez les catégories communes : {categories}.",
        "Use the common categories: {categories}.",
    ),
    "not-committed": (
        "« {indicator} » ne fait pas partie des engagements de votre organisation",
        "'{indicator}' is not among your organisation's commitments",
        "Vérifiez l'indicateur ; s'il est juste, l'équipe d'appui peut ajouter l'engagement.",
        "Check the indicator; if it is right, the backbone can add the commitment.",
    ),
    "unit-jump": (
        "{value} : {factor} par rapport à la valeur précédente ({previous}) : erreur d'unité ?",
        "{value}: {factor} compared with the previous value ({previous}): unit error?",
        "Vérifiez l'unité (pourcentage ou fraction, euros ou k€, heures ou minutes).",
        "Check the unit (percent or fraction, euros or k€, hours or minutes).",
    ),
    "mapping-to-confirm": (
        "« {value} » ressemble à « {target} » (confiance {confidence}) : ses valeurs ne seront"
        " enregistrées qu'une fois la correspondance confirmée",
        "'{value}' looks like '{target}' (confidence {confidence}): its values will only be"
        " saved once the mapping is confirmed",
        "Confirmez ou corrigez la correspondance sur la page Déposer ; elle sera retenue pour vos"
        " prochains dépôts. Ou écrivez le libellé du catalogue.",
        "Confirm or correct the mapping on the Upload page; it will be remembered for your next"
        " uploads. Or write the catalogue's label.",
    ),
    "nothing-read": (
        "rien n'a été lu dans ce fichier : aucune valeur à enregistrer",
        "nothing was read from this file: no value to save",
        "Sur la page Déposer, montrez au lecteur la ligne d'en-têtes et ce que contient chaque"
        " colonne ; ou mettez au-dessus des données une ligne d'en-têtes qui nomme l'indicateur,"
        " le collège, la période et la valeur (ou utilisez le modèle pré-rempli) ; confirmez les"
        " correspondances proposées. Les autres lignes de ce tableau disent ce qui a manqué.",
        "On the Upload page, show the reader the header row and what each column holds; or put"
        " above the data a header row naming the indicator, the school, the period and the value"
        " (or use the pre-filled template); confirm the proposed mappings. The other rows of this"
        " table say what was missing.",
    ),
    "rows-below-table": (
        "{count} ligne(s) sous le tableau, après une ligne vide, ne lui ressemblent pas : elles ne"
        " sont pas lues",
        "{count} row(s) under the table, after a blank row, do not look like it: they are not read",
        "Si ce sont des données, enlevez les lignes vides au-dessus et remplissez chaque colonne"
        " comme dans le tableau ; si ce sont des commentaires, rien à faire.",
        "If they are data, remove the blank rows above and fill every column as in the table; if"
        " they are comments, nothing to do.",
    ),
    "total-column-skipped": (
        "colonne de total « {value} » ignorée (les totaux sont recalculés)",
        "total column '{value}' skipped (totals are computed again)",
        "Rien à faire.",
        "Nothing to do.",
    ),
    "total-differs-from-parts": (
        "le total {value} n'est pas la somme de ses parts ({dimension} : {parts})",
        "the total {value} is not the sum of its parts ({dimension}: {parts})",
        "Vérifiez le total et ses parts ; le total est enregistré tel qu'écrit.",
        "Check the total and its parts; the total is saved as written.",
    ),
    "rate-without-base": (
        "{count} valeur(s) de « {indicator} » sans numérateur ni dénominateur : elles sont"
        " enregistrées mais ne compteront dans aucun chiffre collectif, qui additionne les"
        " numérateurs et les dénominateurs",
        "{count} value(s) of '{indicator}' without numerator and denominator: they are saved"
        " but will count in no collective figure, which adds up numerators and denominators",
        "Ajoutez les colonnes « Numérateur » ({numerator}) et « Dénominateur » ({denominator}).",
        "Add the columns 'Numerator' ({numerator_en}) and 'Denominator' ({denominator_en}).",
    ),
    "frequency-mismatch": (
        "« {indicator} » est {frequency} : {count} valeur(s) données pour {given} ne compteront"
        " pas comme le rapport attendu",
        "'{indicator}' is {frequency_en}: {count} value(s) given for {given_en} will not count as"
        " the expected report",
        "Donnez une valeur par période de la fréquence de l'indicateur (voir sa fiche, page"
        " Catalogue).",
        "Give one value per period of the indicator's frequency (see its sheet, Catalogue page).",
    ),
    "period-not-open": (
        "la période « {value} » n'a pas encore commencé (elle s'ouvre le {start}) : cette valeur"
        " ne comptera pas avant",
        "period '{value}' has not started yet (it opens on {start}): this value will not count"
        " before then",
        "Vérifiez la période (une année ou un trimestre déjà commencé ?).",
        "Check the period (a year or term that has already started?).",
    ),
    "total-row-skipped": (
        "ligne de total ignorée (les totaux sont recalculés)",
        "totals row skipped (totals are computed again)",
        "Rien à faire.",
        "Nothing to do.",
    ),
    "hidden-sheet-skipped": (
        "feuille masquée « {value} » non lue (elle peut contenir des données personnelles)",
        "hidden sheet '{value}' not read (it may hold personal data)",
        "Si elle contient des indicateurs, affichez-la puis déposez de nouveau le fichier.",
        "If it holds indicators, unhide it and upload the file again.",
    ),
    "no-table-found": (
        "aucun tableau d'indicateurs reconnu dans cette feuille",
        "no indicator table recognised in this sheet",
        "Sur la page Déposer, montrez au lecteur sa ligne d'en-têtes et ce que contient chaque"
        " colonne (la lecture est retenue pour vos prochains fichiers de même forme) ; ou mettez"
        " une ligne d'en-têtes (Indicateur, Collège, Période, Valeur) au-dessus des données.",
        "On the Upload page, show the reader its header row and what each column holds (the"
        " reading is remembered for your next files of the same shape); or put a header row"
        " (Indicator, School, Period, Value) above the data.",
    ),
    "sheet-read-as-shown": (
        "feuille lue comme votre organisation l'a montré (en-têtes ligne {header})",
        "sheet read as your organisation showed it (headers on row {header})",
        "Si la lecture ne convient plus, montrez-la de nouveau sur la page Déposer.",
        "If the reading no longer fits, show it again on the Upload page.",
    ),
    "unmapped-column": (
        "colonne « {value} » non reconnue : ignorée",
        "column '{value}' not recognised: ignored",
        "Si la colonne contient des valeurs, dites ce qu'elle mesure sur la page Déposer (« Montrer"
        " au lecteur ») ou renommez l'en-tête avec un libellé du catalogue.",
        "If the column holds values, say what it measures on the Upload page ('Show the reader')"
        " or rename the header with a catalogue label.",
    ),
    "template-other-organisation": (
        "ce modèle a été préparé pour « {value} », pas pour « {organisation} »",
        "this template was prepared for '{value}', not for '{organisation}'",
        "Téléchargez votre propre modèle depuis la page Déposer.",
        "Download your own template from the Upload page.",
    ),
    "value-interpreted": (
        "« {value} » lu comme {parsed} ({how})",
        "'{value}' read as {parsed} ({how})",
        "Vérifiez que c'est bien ce que vous vouliez dire.",
        "Check that this is what you meant.",
    ),
}


# A few words naming each kind of cell problem, where problems are counted by kind (the audit
# log's details of an upload): (French, English).
CELL_LABELS: dict[str, tuple[str, str]] = {
    "unknown-indicator": ("indicateur non reconnu", "indicator not recognised"),
    "unknown-place": ("lieu non reconnu", "place not recognised"),
    "unknown-period": ("période non reconnue", "period not recognised"),
    "period-outside-initiative": ("période hors de l'initiative", "period outside the initiative"),
    "missing-indicator": ("valeur sans indicateur", "value without indicator"),
    "missing-place": ("valeur sans lieu", "value without place"),
    "missing-period": ("valeur sans période", "value without period"),
    "not-a-number": ("pas un nombre", "not a number"),
    "error-cell": ("erreur de calcul", "calculation error"),
    "formula-without-value": ("formule jamais calculée", "formula never calculated"),
    "negative-count": ("effectif négatif", "negative count"),
    "percentage-over-100": ("pourcentage supérieur à 100", "percentage over 100"),
    "numerator-over-denominator": (
        "numérateur supérieur au dénominateur",
        "numerator over denominator",
    ),
    "out-of-range": ("hors de la plage plausible", "out of the plausible range"),
    "duplicate-key": ("valeur en double", "duplicate value"),
    "unknown-category": ("catégorie inconnue", "unknown category"),
    "not-committed": ("hors des engagements", "not committed"),
    "unit-jump": ("saut d'unité probable", "likely unit jump"),
    "mapping-to-confirm": ("rapprochement à confirmer", "mapping to confirm"),
    "nothing-read": ("rien de lu", "nothing read"),
    "rows-below-table": ("lignes sous le tableau", "rows below the table"),
    "total-column-skipped": ("colonne de total ignorée", "total column skipped"),
    "total-differs-from-parts": ("total différent de ses parts", "total differs from its parts"),
    "rate-without-base": ("taux sans numérateur ni dénominateur", "rate without its base"),
    "frequency-mismatch": ("fréquence différente", "frequency mismatch"),
    "period-not-open": ("période pas encore ouverte", "period not open yet"),
    "total-row-skipped": ("ligne de total ignorée", "total row skipped"),
    "hidden-sheet-skipped": ("feuille masquée non lue", "hidden sheet skipped"),
    "no-table-found": ("aucun tableau reconnu", "no table found"),
    "sheet-read-as-shown": ("feuille lue comme montré", "sheet read as shown"),
    "unmapped-column": ("colonne non reconnue", "column not recognised"),
    "template-other-organisation": (
        "modèle d'une autre organisation",
        "template of another organisation",
    ),
    "value-interpreted": ("valeur interprétée", "value interpreted"),
}


# How a value was read, for the message of `value-interpreted` (codes in `values.VALUE_NOTES`,
# plus the two decisions the ingest takes from a cell's format and from its column).
VALUE_NOTE_LABELS: dict[str, tuple[str, str]] = {
    "thousands-separator": ("séparateur de milliers", "thousands separator"),
    "decimal-comma": ("virgule décimale", "decimal comma"),
    "ambiguous-separator-resolved": (
        "séparateur ambigu lu selon l'unité",
        "ambiguous separator read from the unit",
    ),
    "scientific-notation": ("notation scientifique", "scientific notation"),
    "accounting-negative": ("négatif entre parenthèses", "negative in brackets"),
    "percent-sign": ("signe %", "% sign"),
    "fraction-read-as-percent": ("fraction lue en pourcentage", "fraction read as a percentage"),
    "percent-format": ("cellule au format pourcentage", "cell formatted as a percentage"),
    "fraction-column": (
        "colonne de fractions entre 0 et 1 : 1 vaut 100 %",
        "column of fractions between 0 and 1: 1 is 100%",
    ),
    "currency": ("symbole monétaire", "currency sign"),
    "kilo-euros": ("k€ : milliers d'euros", "k€: thousands of euros"),
    "mega-euros": ("M€ : millions d'euros", "M€: millions of euros"),
    "unit-word": ("unité écrite après le nombre", "unit written after the number"),
    "minutes-to-hours": ("minutes converties en heures", "minutes converted to hours"),
    "duration-cell": ("durée convertie", "duration converted"),
}


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One problem at one cell (or row, or sheet) of an uploaded workbook."""

    code: str
    severity: str  # error, warning, info
    sheet: str = ""
    cell: str = ""  # A1 reference; empty for a sheet-level problem
    column: str = ""  # the column's header, as written
    value: str = ""  # the content read, as text
    details: dict[str, object] = field(default_factory=dict)

    def message(self, lang: str = "fr") -> str:
        """What is wrong, in one sentence."""
        fr, en, _, _ = CELL_TEMPLATES[self.code]
        values = _Defaulting({"value": self.value, **self.details})
        if isinstance(how := self.details.get("how"), str):  # note codes, said in words
            side = 0 if lang == "fr" else 1
            values["how"] = ", ".join(
                VALUE_NOTE_LABELS.get(n, (n, n))[side] for n in how.split(", ") if n
            )
        return (fr if lang == "fr" else en).format_map(values)

    def hint(self, lang: str = "fr") -> str:
        """How to fix it."""
        _, _, fr, en = CELL_TEMPLATES[self.code]
        return (fr if lang == "fr" else en).format_map(_Defaulting(self.details))

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view, with both languages."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "value": self.value,
            "message": self.message("fr"),
            "message_en": self.message("en"),
            "hint": self.hint("fr"),
            "hint_en": self.hint("en"),
        }
