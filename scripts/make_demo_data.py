"""Write the CSV files of the embedded demo initiative « Défi Avenir » into data/.

This is the record of how the demo was made, not part of the app: run it once with
`uv run python scripts/make_demo_data.py`, then the backbone edits the CSVs by hand. It writes
places.csv, organisations.csv, periods.csv, commitments.csv and targets.csv from the fixed tables
below and one seeded generator (`random.Random(2026)`), so two runs write the same bytes. It reads
theory_of_change.yaml and the hand-written indicators.yaml only to check what it writes.

Everything here is fictional: school names, UAI numbers, QPV codes, companies and associations.
The communes' INSEE codes are real, so that maps and joins behave as with real files.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from indicators.definition.loading import CSV_COLUMNS, FILES

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 2026
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
GRADES = ("6e", "5e", "4e", "3e")

# The tables below are data, laid out one row per line for reading and hand edits.
# fmt: off

# --- Places ------------------------------------------------------------------

TERRITORIES = {
    "T-SARCELLES": ("Cité éducative de Sarcelles (Val-d'Oise)", "095"),
    "T-TOULOUSE": ("Cité éducative de Toulouse (Haute-Garonne)", "031"),
    "T-SUD-NIVERNAIS": ("Territoire rural du Sud-Nivernais, autour de Luzy (Nièvre)", "058"),
}

# Communes (real INSEE codes): Sarcelles 95585, Garges-lès-Gonesse 95268, Villiers-le-Bel 95680,
# Goussainville 95280, Arnouville 95019; Toulouse 31555, Colomiers 31149; Luzy 58147,
# Moulins-Engilbert 58182, Château-Chinon (Ville) 58062, Cercy-la-Tour 58046, La Machine 58151,
# Decize 58095. QPV codes follow the 2024 pattern QN + department + order number + letter
# (M = 2015 quartier with a new outline, N = new quartier, I = unchanged) but are made up.
SCHOOLS = {
    "T-SARCELLES": [
        ("Collège des Tilleuls", "95585", "REP+", "QN09512M"),
        ("Collège Lucie-Aubrac-des-Vergers", "95585", "REP+", "QN09512M"),
        ("Collège du Haut-Val", "95585", "REP+", "QN09513M"),
        ("Collège des Sablons", "95585", "REP", "QN09513M"),
        ("Collège Jean-Rostand-des-Prés", "95585", "REP", "QN09514M"),
        ("Collège des Hirondelles", "95268", "REP+", "QN09507M"),
        ("Collège de la Croix-Blanche", "95268", "REP", "QN09507M"),
        ("Collège des Quatre-Vents", "95680", "REP+", "QN09521M"),
        ("Collège du Moulin-Neuf", "95680", "REP", "QN09522N"),
        ("Collège des Cèdres", "95280", "REP", "QN09515M"),
        ("Collège de l'Orme-Rond", "95019", "REP", "QN09503I"),
    ],
    "T-TOULOUSE": [
        ("Collège des Pastels", "31555", "REP+", "QN03104M"),
        ("Collège des Cigales", "31555", "REP+", "QN03104M"),
        ("Collège de la Tuilerie", "31555", "REP+", "QN03105M"),
        ("Collège des Violettes", "31555", "REP+", "QN03105M"),
        ("Collège du Grand-Cèdre", "31555", "REP+", "QN03107M"),
        ("Collège Germaine-Tillion-des-Coteaux", "31555", "REP+", "QN03107M"),
        ("Collège de la Briqueterie", "31555", "REP", "QN03108M"),
        ("Collège des Lauriers-Roses", "31555", "REP", "QN03108M"),
        ("Collège du Vent-d'Autan", "31555", "REP", "QN03111N"),
        ("Collège des Platanes", "31555", "REP", "QN03109M"),
        ("Collège du Canal-Vert", "31555", "REP", "QN03110M"),
        ("Collège des Sablières", "31149", "REP", "QN03102M"),
        ("Collège du Pigeonnier", "31149", "REP", "QN03102M"),
    ],
    "T-SUD-NIVERNAIS": [
        ("Collège des Grands-Prés", "58147", "none", ""),
        ("Collège du Bazois", "58182", "none", ""),
        ("Collège des Genêts", "58062", "none", ""),
        ("Collège de la Haute-Alène", "58046", "none", ""),
        ("Collège du Carreau-de-Mine", "58151", "REP", ""),
        ("Collège des Bords-de-Loire", "58095", "REP", ""),
        ("Collège de l'Aron", "58095", "none", ""),
    ],
}

# Pupils per grade are "where known": the backbone has not received these schools' census yet.
PUPILS_UNKNOWN = {
    "Collège du Moulin-Neuf",
    "Collège du Canal-Vert",
    "Collège des Sablières",
    "Collège de l'Aron",
}

# Well-known schools that many partners ask for: they draw more commitments, hence overlaps.
POPULAR = {
    "Collège des Tilleuls": 4,
    "Collège des Quatre-Vents": 3,
    "Collège des Hirondelles": 2,
    "Collège des Pastels": 4,
    "Collège du Grand-Cèdre": 3,
    "Collège de la Tuilerie": 2,
    "Collège du Bazois": 2,
}

# Deliberate coverage gaps: no partner does this action type in these schools.
GAPS = {
    "ACT-MENTORAT": {"Collège de l'Orme-Rond", "Collège du Pigeonnier"},
    "ACT-VISITES": {"Collège des Genêts", "Collège de la Haute-Alène"},
    "ACT-STAGES": {"Collège de la Haute-Alène"},
}

# --- Organisations -----------------------------------------------------------

S, T, N = "T-SARCELLES", "T-TOULOUSE", "T-SUD-NIVERNAIS"
ALL = (S, T, N)

BACKBONE = ("alliance-appui", "Alliance Défi Avenir – équipe d'appui", ALL)

# (code, name, territories, action types it runs, without the ACT- prefix)
COMPANIES = [
    ("ent-transports-valmont", "Transports Valmont", (S,), ("VISITES", "STAGES")),
    ("ent-fret-plaine-de-france", "Fret Plaine de France", (S,), ("VISITES", "STAGES")),
    ("ent-aeroservices-nord", "Aéroservices Nord Francilien", (S,), ("VISITES", "MENTORAT")),
    ("ent-btp-vallee-du-croult", "BTP Vallée du Croult", (S,), ("STAGES", "VISITES")),
    ("ent-hotellerie-portes-du-nord", "Hôtellerie des Portes du Nord", (S,), ("STAGES", "VISITES")),
    ("ent-clinique-du-val-fleuri", "Clinique du Val Fleuri", (S,), ("VISITES", "STAGES")),
    ("ent-distribution-lepic", "Distribution Lepic", (S,), ("STAGES", "ATELIERS")),
    ("ent-atelier-numerique-du-val", "Atelier Numérique du Val", (S,), ("ATELIERS", "MENTORAT")),
    ("ent-horizon-securite", "Horizon Sécurité Services", (S,), ("STAGES",)),
    ("ent-imprimerie-du-parisis", "Imprimerie du Parisis", (S,), ("VISITES", "STAGES")),
    ("ent-reseaux-energie-nord", "Réseaux Énergie Nord", (S,), ("VISITES", "MENTORAT")),
    ("ent-laboratoires-pharmalis", "Laboratoires Pharmalis", (S,), ("VISITES", "MENTORAT")),
    ("ent-sodeval-restauration", "Sodeval Restauration Collective", (S,), ("STAGES", "VISITES")),
    ("ent-berthier-associes", "Cabinet Berthier & Associés", (S,), ("MENTORAT", "STAGES")),
    ("ent-garage-central", "Garage Central Mécanique", (S,), ("STAGES",)),
    ("ent-aerostructures-occitanie", "Aérostructures d'Occitanie", (T,), ("VISITES", "MENTORAT", "STAGES")),
    ("ent-banque-solidaire-du-sud", "Banque Solidaire du Sud", (T,), ("MENTORAT", "ATELIERS", "COORDINATION")),
    ("ent-spatial-garonne", "Spatial Garonne Ingénierie", (T,), ("VISITES", "MENTORAT")),
    ("ent-numerique-capitole", "Numérique Capitole", (T,), ("ATELIERS", "STAGES")),
    ("ent-clinique-des-violettes", "Clinique des Violettes", (T,), ("VISITES", "STAGES")),
    ("ent-bati-sud-ouest", "Bâti Sud-Ouest", (T,), ("STAGES", "VISITES")),
    ("ent-transports-pastel", "Transports Pastel", (T,), ("VISITES", "STAGES")),
    ("ent-conserverie-du-lauragais", "Conserverie du Lauragais", (T,), ("VISITES",)),
    ("ent-hotels-de-la-garonne", "Hôtels de la Garonne", (T,), ("STAGES", "VISITES")),
    ("ent-electricite-occitane", "Électricité Occitane Services", (T,), ("VISITES", "MENTORAT")),
    ("ent-delmas-avocats", "Cabinet Delmas Avocats", (T,), ("MENTORAT", "ATELIERS")),
    ("ent-biosud-laboratoires", "BioSud Laboratoires", (T,), ("VISITES", "STAGES")),
    ("ent-garonne-fret", "Logistique Garonne Fret", (T,), ("STAGES", "VISITES")),
    ("ent-radio-vent-d-autan", "Radio Vent d'Autan", (T,), ("ATELIERS", "VISITES")),
    ("ent-ovalie-evenements", "Ovalie Événements", (T,), ("ATELIERS", "STAGES")),
    ("ent-scierie-du-haut-morvan", "Scierie du Haut-Morvan", (N,), ("VISITES", "STAGES")),
    ("ent-laiterie-de-l-aron", "Laiterie de l'Aron", (N,), ("VISITES", "STAGES")),
    ("ent-cooperative-du-bazois", "Coopérative agricole du Bazois", (N,), ("VISITES",)),
    ("ent-menuiserie-luzycoise", "Menuiserie Luzycoise", (N,), ("STAGES",)),
    ("ent-ambulances-morvandelles", "Ambulances Morvandelles", (N,), ("STAGES", "VISITES")),
    ("ent-caoutchoucs-du-nivernais", "Caoutchoucs du Nivernais", (N,), ("VISITES", "MENTORAT")),
    ("ent-rail-services-france", "Rail Services France", (S, T), ("VISITES", "MENTORAT", "STAGES")),
    ("ent-assurances-horizon", "Assurances Mutuelles Horizon", (S, N), ("MENTORAT", "STAGES")),
    ("ent-energies-reunies", "Énergies Réunies", (S, T), ("VISITES", "MENTORAT", "STAGES")),
    ("ent-conseil-digital-partners", "Conseil & Digital Partners", (S, T), ("MENTORAT", "ATELIERS")),
    ("ent-courrier-express", "Courrier Express Services", (T, N), ("STAGES", "VISITES")),
]

FOUNDATIONS = [
    ("fond-transports-valmont", "Fondation Transports Valmont", (S,), ("COORDINATION", "MENTORAT")),
    ("fond-horizon", "Fondation Assurances Horizon", (S, N), ("COORDINATION", "ATELIERS")),
    ("fond-aerostructures", "Fondation Aérostructures d'Occitanie pour la jeunesse", (T,), ("COORDINATION", "MENTORAT", "VISITES")),
    ("fond-energies-reunies", "Fondation Énergies Réunies", (S, T), ("COORDINATION", "ATELIERS")),
    ("fond-banque-solidaire", "Fondation Banque Solidaire du Sud", (T,), ("COORDINATION", "MENTORAT")),
]

ASSOCIATIONS = [
    ("asso-parrains-de-l-avenir", "Parrains de l'Avenir", (S, T), ("MENTORAT",)),
    ("asso-les-voix-du-val", "Les Voix du Val", (S,), ("ATELIERS",)),
    ("asso-cafe-des-parents-du-val", "Café des Parents du Val", (S,), ("PARENTS",)),
    ("asso-code-en-cite", "Code en Cité", (S, T), ("ATELIERS",)),
    ("asso-sport-et-avenir", "Sport et Avenir 95", (S,), ("ATELIERS",)),
    ("asso-theatre-forum-nord", "Théâtre Forum Nord", (S,), ("ATELIERS", "PARENTS")),
    ("asso-passerelles-metiers", "Passerelles Métiers", (S,), ("VISITES", "STAGES")),
    ("asso-femmes-relais-du-val", "Femmes-Relais Médiatrices du Val", (S,), ("PARENTS",)),
    ("asso-reussite-pour-tous", "Réussite pour Tous 95", (S,), ("MENTORAT", "ATELIERS")),
    ("asso-orientation-ensemble", "Orientation Ensemble", (S,), ("FORMATION", "ATELIERS")),
    ("asso-hip-hop-citoyen", "Hip-Hop Citoyen", (S,), ("ATELIERS",)),
    ("asso-jeunes-ambassadeurs", "Jeunes Ambassadeurs du Val", (S,), ("MENTORAT",)),
    ("asso-numerique-solidaire", "Numérique Solidaire Plaine de France", (S,), ("PARENTS", "ATELIERS")),
    ("asso-les-curieux-de-sciences", "Les Curieux de Sciences", (S, T), ("ATELIERS",)),
    ("asso-club-entreprendre", "Club Entreprendre Jeunesse", (S,), ("VISITES", "MENTORAT")),
    ("asso-mediation-val-nord", "Médiation Sociale Val-Nord", (S,), ("PARENTS",)),
    ("asso-elan", "Association Élan", (S,), ("ATELIERS", "MENTORAT")),
    ("asso-eloquence-garonne", "Éloquence Garonne", (T,), ("ATELIERS",)),
    ("asso-filles-et-sciences", "Filles & Sciences Occitanie", (T,), ("MENTORAT", "VISITES")),
    ("asso-cafes-des-parents-rive-gauche", "Cafés des Parents Rive Gauche", (T,), ("PARENTS",)),
    ("asso-la-boussole", "La Boussole Orientation", (T,), ("FORMATION", "ATELIERS")),
    ("asso-tremplin-stages", "Tremplin Stages 31", (T,), ("STAGES",)),
    ("asso-rugby-citoyen", "Rugby Citoyen Toulousain", (T,), ("ATELIERS",)),
    ("asso-mentors-d-occitanie", "Mentors d'Occitanie", (T,), ("MENTORAT",)),
    ("asso-ecole-des-parents", "École des Parents du Sud-Ouest", (T,), ("PARENTS",)),
    ("asso-cirque-et-confiance", "Cirque et Confiance", (T,), ("ATELIERS",)),
    ("asso-aero-decouverte", "Aéro Découverte Jeunes", (T,), ("VISITES",)),
    ("asso-coup-de-pouce-reussite", "Coup de Pouce Réussite", (T,), ("MENTORAT",)),
    ("asso-ondes-de-collegiens", "Ondes de Collégiens", (T,), ("ATELIERS",)),
    ("asso-maison-des-initiatives", "Maison des Initiatives du Quartier", (T,), ("PARENTS", "ATELIERS")),
    ("asso-interpretes-solidaires", "Interprètes Solidaires", (T,), ("PARENTS",)),
    ("asso-etoiles-en-poche", "Étoiles en Poche", (T,), ("ATELIERS",)),
    ("asso-orientation-et-metiers", "Orientation & Métiers Formation", (T,), ("FORMATION",)),
    ("asso-clic-solidaire", "Clic Solidaire", (T,), ("ATELIERS", "PARENTS")),
    ("asso-centre-social-sud-morvan", "Centre social intercommunal du Sud-Morvan", (N,), ("PARENTS", "ATELIERS")),
    ("asso-foyers-ruraux-du-bazois", "Foyers ruraux du Bazois", (N,), ("ATELIERS",)),
    ("asso-mobilite-rurale", "Mobilité Rurale 58", (N,), ("VISITES",)),
    ("asso-mentorat-des-champs", "Mentorat des Champs", (N,), ("MENTORAT",)),
    ("asso-familles-rurales", "Familles Rurales du Sud-Nivernais", (N,), ("PARENTS",)),
    ("asso-theatre-des-monts", "Théâtre des Monts du Morvan", (N,), ("ATELIERS",)),
    ("asso-maison-de-l-emploi", "Maison de l'emploi Loire-Morvan", (N,), ("STAGES", "VISITES")),
    ("asso-mini-entreprises", "Mini-Entreprises Jeunes", (S, T), ("ATELIERS",)),
    ("asso-decouverte-des-metiers", "Découverte des Métiers", (S, N), ("VISITES",)),
    ("asso-profs-en-entreprise", "Profs en Entreprise", (T, N), ("FORMATION",)),
    ("asso-reseau-parents-ressources", "Réseau Parents Ressources", (S, T), ("PARENTS",)),
]

PUBLIC_BODIES = [
    ("pub-departement-val-nord", "Département du Val-Nord – Direction des collèges", (S,), ("STAGES", "COORDINATION", "PARENTS")),
    ("pub-ville-education", "Ville – Direction de l'éducation et de la cité éducative", (T,), ("PARENTS", "COORDINATION", "ATELIERS")),
    ("pub-service-academique", "Service académique d'information et d'orientation", ALL, ("FORMATION", "COORDINATION")),
    ("pub-caisse-des-familles", "Caisse d'allocations des familles du Centre", (N, T), ("PARENTS", "COORDINATION")),
]

FUNDERS = [
    ("fin-fonds-egalite", "Fonds Égalité des Chances", ALL),
    ("fin-fondation-avenir-jeunesse", "Fondation Avenir Jeunesse", (S, T)),
    ("fin-programme-reussite-rurale", "Programme régional Réussite Rurale", (N,)),
]

# Commitments restricted to one sex (empty everywhere else = all pupils).
SEX = {"asso-filles-et-sciences": "F"}

# --- Periods -----------------------------------------------------------------

BASELINE_YEAR = "2023-2024"
YEARS = ("2023-2024", "2024-2025", "2025-2026", "2026-2027")
COMMITMENT_YEARS = YEARS[1:]
CURRENT_YEAR = "2026-2027"
# (term, first day, last day); the year is the one the term falls in.
TERMS = (("T1", (9, 1), (12, 31)), ("T2", (1, 1), (3, 31)), ("T3", (4, 1), (6, 30)))
TERM_LABELS = {"T1": ("1er trimestre", "Term 1"), "T2": ("2e trimestre", "Term 2"), "T3": ("3e trimestre", "Term 3")}
DUE_AFTER_TERM = 15  # days, the DHIS2 default
DUE_AFTER_YEAR = 30

# --- Commitments -------------------------------------------------------------

# The node a commitment serves, drawn from these (each checked reachable from the action type).
NODES = {
    "ACT-VISITES": ("OUT-VISITES", "INT-CONNAISSANCE", "OUT-JEUNES"),
    "ACT-MENTORAT": ("OUT-HEURES", "INT-CONFIANCE", "INT-PROJECTION"),
    "ACT-ATELIERS": ("INT-CONFIANCE", "OUT-HEURES"),
    "ACT-STAGES": ("OUT-STAGES", "INT-PROJECTION", "INT-CONNAISSANCE"),
    "ACT-FORMATION": ("OUT-ENSEIGNANTS", "INT-ENGAGEMENT"),
    "ACT-PARENTS": ("INT-PARENTS", "INT-ENGAGEMENT", "LT-ORIENTATION"),
    "ACT-COORDINATION": ("ACT-COORDINATION", "OUT-JEUNES"),
}

# Indicators a partner reports: (always, some of). Each is measured at the action type or at a
# node the action type links to directly, so that what partners report matches what they do.
REPORTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ACT-VISITES": (("visites-entreprise",), ("eleves-visite-entreprise", "visites-proposees")),
    "ACT-MENTORAT": (("heures-mentorat",), ("jeunes-mentores", "jeunes-touches")),
    "ACT-ATELIERS": (("ateliers-savoir-etre",), ("heures-ateliers", "jeunes-touches")),
    "ACT-STAGES": (("stages-3e-trouves",), ("offres-stage-collectees",)),
    "ACT-FORMATION": (("enseignants-formes",), ("journees-formation",)),
    "ACT-PARENTS": (("reunions-parents",), ("parents-touches",)),
    "ACT-COORDINATION": (("reunions-coordination",), ()),
}
# Companies and their foundations also report their volunteers; they fund rather than convene.
REPORTED_BY_COMPANIES = {
    "ACT-VISITES": (("visites-entreprise",), ("salaries-benevoles", "eleves-visite-entreprise", "visites-proposees")),
    "ACT-MENTORAT": (("heures-mentorat",), ("salaries-benevoles", "jeunes-par-benevole", "jeunes-mentores")),
    "ACT-COORDINATION": (("mecenat-financier",), ()),
}
REPORTED_BY_SCHOOLS = {
    "ACT-PARENTS": (("reunions-parents", "taux-parents-reunion"), ("parents-touches", "taux-parents-entretien-orientation")),
    "ACT-COORDINATION": (("jeunes-touches",), ("taux-couverture-eleves",)),
}
REPORTED_BY_BACKBONE = ("reunions-coordination", "taux-presence-coordination")

# Shared measurement of the outcomes, beyond what each action counts. Every school reports its
# own results (administrative data it alone holds); the backbone runs the yearly pupil survey
# in all schools and computes the gaps to the national and departmental figures.
SCHOOL_RESULTS = (
    "taux-absenteisme",
    "taux-exclusions-temporaires",
    "taux-stages-partenaires",
    "taux-voeu-satisfait",
    "taux-orientation-2gt",
    "taux-reussite-dnb",
    "moyenne-ecrits-dnb",
    "taux-decrochage",
    "jeunes-sans-solution",
)
BACKBONE_SURVEY = (
    "score-confiance",
    "taux-prise-parole",
    "taux-connaissance-metiers",
    "taux-projet-avenir",
    "taux-demarches-orientation",
    "ecart-dnb-national",
    "ecart-voeu-departement",
)

GRADE_CHOICES = {
    "ACT-VISITES": ("4e;3e", "3e", "5e;4e", "4e", "4e;3e"),
    "ACT-MENTORAT": ("4e;3e", "3e", "3e", "5e;4e;3e"),
    "ACT-ATELIERS": ("", "6e;5e", "5e;4e", "6e", "5e"),
    "ACT-STAGES": ("3e",),
    "ACT-PARENTS": ("", "", "6e", "3e"),
    "ACT-FORMATION": ("",),
    "ACT-COORDINATION": ("",),
}
# Young people targeted per school, drawn in this range; the total is kept within 20-400.
TARGETED_PER_SCHOOL = {
    "ACT-VISITES": (25, 90),
    "ACT-MENTORAT": (8, 30),
    "ACT-ATELIERS": (30, 110),
    "ACT-STAGES": (10, 45),
    "ACT-PARENTS": (40, 150),
}
# Teacher training and coordination reach young people only indirectly: nobody is "targeted".
NOT_TARGETED = {"ACT-FORMATION", "ACT-COORDINATION"}

# How many schools one commitment covers (1, 2, 3 or 4), by weight: rural partners are small
# and the distances long, so they work with fewer schools and sign fewer commitments.
SPREAD = (3, 4, 2, 1)
RURAL_SPREAD = (6, 3, 1, 0)
RURAL_MAX_COMMITMENTS = 3

# Which school years a commitment spans, with how often partners sign for each span.
SPANS = (
    (("2024-2025",), 2),
    (("2025-2026",), 2),
    (("2026-2027",), 3),
    (("2024-2025", "2025-2026"), 3),
    (("2025-2026", "2026-2027"), 4),
    (("2024-2025", "2025-2026", "2026-2027"), 4),
)

# --- Targets -----------------------------------------------------------------

# indicator: (baseline 2023-2024, targets 2024-2025, 2025-2026, 2026-2027) for the whole initiative.
TARGETS = {
    "jeunes-touches": (9800, 11000, 12300, 13500),
    "visites-entreprise": (310, 360, 410, 460),
    "stages-3e-trouves": (820, 950, 1100, 1250),
    "salaries-benevoles": (640, 720, 800, 900),
    "score-confiance": (5.9, 6.1, 6.3, 6.5),
    "taux-connaissance-metiers": (41.0, 46.0, 51.0, 55.0),
    "taux-projet-avenir": (48.0, 52.0, 56.0, 60.0),
    "taux-absenteisme": (9.8, 9.3, 8.7, 8.0),
    "taux-voeu-satisfait": (71.0, 73.0, 75.0, 78.0),
    "taux-reussite-dnb": (78.4, 80.0, 82.0, 84.0),
    "taux-decrochage": (4.1, 3.8, 3.4, 3.0),
    "ecart-dnb-national": (7.2, 6.5, 5.5, 4.5),
}
# indicator: {territory: (baseline 2023-2024, target 2026-2027)}
TERRITORY_TARGETS: dict[str, dict[str, tuple[float, float]]] = {
    "jeunes-touches": {S: (4150, 5650), T: (4620, 6450), N: (1030, 1400)},
    "taux-absenteisme": {S: (11.2, 9.0), T: (10.1, 8.3), N: (6.4, 5.5)},
    "taux-voeu-satisfait": {S: (68.0, 76.0), T: (72.0, 78.0), N: (76.0, 80.0)},
    "taux-reussite-dnb": {S: (76.1, 82.5), T: (78.9, 84.0), N: (84.2, 87.0)},
}
NOTES = {
    ("taux-reussite-dnb", "baseline"): "Session de juin 2024",
    ("ecart-dnb-national", "baseline"): "Session de juin 2024, écart au taux national",
    ("taux-voeu-satisfait", "baseline"): "Affectation de juin 2024",
    ("taux-decrochage", "baseline"): "Sortants de juin 2024, situation au 15 novembre 2024",
    ("jeunes-touches", "baseline"): "Année de référence, valeur du 3e trimestre",
    ("score-confiance", "baseline"): "Questionnaire de mai 2024, échelle 0-10 recalculée",
    ("taux-absenteisme", "baseline"): "Recalculé selon la définition de la version 2",
}
TARGET_NOTE = "Cible votée par le comité de pilotage de juin 2024"
TERRITORY_TARGET_NOTE = "Cible du comité local"

# fmt: on


@dataclass(frozen=True)
class School:
    uai: str
    name: str
    territory: str
    weight: int
    pupils: dict[str, int]  # by grade; empty where unknown


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    type: str
    territories: tuple[str, ...]
    actions: tuple[str, ...] = ()
    place: str = ""


def uai_letter(digits: str) -> str:
    """The check letter of a 7-digit UAI number."""
    return UAI_LETTERS[int(digits) % 23]


def make_places(rng: random.Random) -> tuple[list[dict[str, object]], list[School]]:
    """The rows of places.csv (territories, then their schools) and the schools."""
    rows: list[dict[str, object]] = []
    schools: list[School] = []
    taken: set[str] = set()
    for code, (name, _) in TERRITORIES.items():
        rows.append({"code": code, "kind": "territory", "name": name})
    for territory, entries in SCHOOLS.items():
        department = TERRITORIES[territory][1]
        for name, insee, priority, qpv in entries:
            digits = f"{department}{rng.randrange(2000):04d}"
            while digits in taken:
                digits = f"{department}{rng.randrange(2000):04d}"
            taken.add(digits)
            uai = digits + uai_letter(digits)
            size = (60, 100) if territory == N else (110, 190)
            base = rng.randint(*size)
            pupils = {g: min(220, max(60, base + rng.randint(-15, 15))) for g in GRADES}
            row: dict[str, object] = {
                "code": uai,
                "kind": "school",
                "name": name,
                "parent": territory,
                "uai": uai,
                "education_priority": priority,
                "commune_insee": insee,
                "qpv": qpv,
            }
            if name in PUPILS_UNKNOWN:
                pupils = {}
            row.update({f"pupils_{g}": n for g, n in pupils.items()})
            rows.append(row)
            schools.append(School(uai, name, territory, POPULAR.get(name, 1), pupils))
    return rows, schools


def make_organisations(schools: list[School]) -> list[Org]:
    """Every organisation: the backbone, one per school, then partners and funders."""
    code, name, territories = BACKBONE
    orgs = [Org(code, name, "backbone", territories, ("COORDINATION",))]
    orgs += [
        Org(f"clg-{s.uai.lower()}", s.name, "school", (s.territory,), place=s.uai) for s in schools
    ]
    for kind, table in (
        ("company", COMPANIES),
        ("company_foundation", FOUNDATIONS),
        ("association", ASSOCIATIONS),
        ("public_body", PUBLIC_BODIES),
    ):
        orgs += [Org(c, n, kind, t, tuple(f"ACT-{a}" for a in acts)) for c, n, t, acts in table]
    orgs += [Org(c, n, "funder", t) for c, n, t in FUNDERS]
    return orgs


def make_periods() -> list[dict[str, object]]:
    """School years from 1 September to 31 August; terms only from the first year of action."""
    rows: list[dict[str, object]] = []
    for year in YEARS:
        first, second = (int(y) for y in year.split("-"))
        start, end = dt.date(first, 9, 1), dt.date(second, 8, 31)
        label_fr, label_en = f"Année scolaire {year}", f"School year {year}"
        if year == BASELINE_YEAR:
            label_fr += " (année de référence)"
            label_en += " (baseline year)"
        rows.append(
            _period(year, label_fr, label_en, "school_year", "", start, end, DUE_AFTER_YEAR)
        )
        if year == BASELINE_YEAR:
            continue
        for term, (m1, d1), (m2, d2) in TERMS:
            calendar_year = first if m1 >= 9 else second
            fr, en = TERM_LABELS[term]
            rows.append(
                _period(
                    f"{year}-{term}",
                    f"{fr} {year}",
                    f"{en} {year}",
                    "term",
                    year,
                    dt.date(calendar_year, m1, d1),
                    dt.date(calendar_year, m2, d2),
                    DUE_AFTER_TERM,
                )
            )
    return rows


def _period(
    code: str, fr: str, en: str, kind: str, parent: str, start: dt.date, end: dt.date, days: int
) -> dict[str, object]:
    due = end + dt.timedelta(days=days)
    return {
        "code": code,
        "label_fr": fr,
        "label_en": en,
        "kind": kind,
        "parent": parent,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "due": due.isoformat(),
    }


def weighted_sample(rng: random.Random, schools: list[School], k: int) -> list[School]:
    """`k` distinct schools drawn by weight, returned in the order of places.csv."""
    pool = list(schools)
    chosen: list[School] = []
    while pool and len(chosen) < k:
        pick = rng.choices(pool, weights=[s.weight for s in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return sorted(chosen, key=schools.index)


def status_of(periods: tuple[str, ...], action: str, rng: random.Random) -> str:
    """`done` before the current year; `planned` for some not yet started; else `ongoing`."""
    if periods[-1] < CURRENT_YEAR:
        return "done"
    if periods[0] == CURRENT_YEAR and (action == "ACT-STAGES" or rng.random() < 0.25):
        return "planned"  # 3e internships take place in the winter, after this autumn
    return "ongoing"


def reported(org: Org, action: str, rng: random.Random) -> list[str]:
    """The 1-3 indicators an organisation reports for one commitment."""
    if org.type == "backbone":
        return list(REPORTED_BY_BACKBONE)
    table = REPORTED
    if org.type == "school":
        table = REPORTED_BY_SCHOOLS
    elif org.type in ("company", "company_foundation"):
        table = {**REPORTED, **REPORTED_BY_COMPANIES}
    always, optional = table[action]
    extra = rng.sample(optional, rng.randint(0, min(len(optional), 3 - len(always))))
    return [*always, *extra]


def commitment(
    org: Org,
    action: str,
    places: list[str],
    periods: tuple[str, ...],
    rng: random.Random,
    targeted: int | None = None,
    node: str = "",
    schools: tuple[School, ...] = (),
) -> dict[str, object]:
    """One commitment row (without its id); the node served is drawn unless given.

    `targeted` is capped at 90 % of the pupils of the grades aimed at in `schools`, where known.
    """
    grades = rng.choice(GRADE_CHOICES[action])
    eligible = [
        sum(s.pupils.get(g, 0) for g in (grades.split(";") if grades else GRADES)) for s in schools
    ]
    if targeted is not None and eligible and all(eligible):
        targeted = round_targeted(min(targeted, int(0.9 * sum(eligible))))
    return {
        "organisation": org.code,
        "action_type": action,
        "node": node or rng.choice(NODES[action]),
        "places": ";".join(places),
        "grades": grades,
        "sex": SEX.get(org.code, ""),
        "targeted": "" if targeted is None else targeted,
        "periods": ";".join(periods),
        "status": status_of(periods, action, rng),
        "indicators": ";".join(reported(org, action, rng)),
    }


def round_targeted(n: int) -> int:
    """Partners announce round numbers, within 20-400."""
    return min(400, max(20, 5 * round(n / 5)))


def partner_commitments(
    org: Org, schools: list[School], rng: random.Random
) -> list[dict[str, object]]:
    """2 to 4 commitments of a company, foundation, association or public body."""
    rows: list[dict[str, object]] = []
    signed: list[tuple[str, set[str], set[str]]] = []  # action, places, years
    rural = org.territories == (N,)
    count = rng.randint(2, RURAL_MAX_COMMITMENTS if rural else 4)
    attempts = 0
    while len(rows) < count and attempts < 20:
        attempts += 1
        action = org.actions[len(rows)] if len(rows) < len(org.actions) else rng.choice(org.actions)
        periods = rng.choices([s for s, _ in SPANS], weights=[w for _, w in SPANS])[0]
        territory = rng.choice(org.territories)
        chosen: list[School] = []
        territory_wide = action == "ACT-COORDINATION" or (
            org.type == "public_body" and action in ("ACT-FORMATION", "ACT-STAGES")
        )
        if territory_wide:
            places = list(org.territories) if org.type == "public_body" else [territory]
            targeted = None if action in NOT_TARGETED else round_targeted(rng.randint(150, 400))
        else:
            excluded = GAPS.get(action, set())
            local = [s for s in schools if s.territory == territory and s.name not in excluded]
            spread = RURAL_SPREAD if territory == N else SPREAD
            k = rng.choices((1, 2, 3, 4), weights=spread)[0]
            chosen = weighted_sample(rng, local, k)
            places = [s.uai for s in chosen]
            if action in NOT_TARGETED:
                targeted = None
            else:
                low, high = TARGETED_PER_SCHOOL[action]
                targeted = round_targeted(sum(rng.randint(low, high) for _ in chosen))
        # A second commitment to the same action is a renewal or another school, never a
        # duplicate: the same place in the same year would double the expected reports.
        if any(a == action and p & set(places) and y & set(periods) for a, p, y in signed):
            continue
        signed.append((action, set(places), set(periods)))
        rows.append(commitment(org, action, places, periods, rng, targeted, schools=tuple(chosen)))
    return rows


def school_commitments(org: Org, school: School, rng: random.Random) -> list[dict[str, object]]:
    """One or two commitments of a school: hosting the local committee, meeting parents."""
    draw = rng.random()
    if draw < 0.7:
        actions = ["ACT-COORDINATION", "ACT-PARENTS"]
    elif draw < 0.9:
        actions = ["ACT-COORDINATION"]
    else:
        actions = ["ACT-PARENTS"]
    periods = COMMITMENT_YEARS if rng.random() < 0.85 else COMMITMENT_YEARS[1:]
    rows = []
    for action in actions:
        row = commitment(org, action, [org.place], periods, rng)
        if action == "ACT-PARENTS":
            # The families of the grades aimed at, of whom the school hopes to see most.
            grades = str(row["grades"]).split(";") if row["grades"] else GRADES
            pupils = sum(school.pupils.get(g, 0) for g in grades) or rng.randint(80, 250)
            row["targeted"] = round_targeted(int(pupils * rng.uniform(0.5, 0.9)))
        rows.append(row)
    return rows


def measurement_commitment(
    org: Org, places: list[str], node: str, indicators: tuple[str, ...]
) -> dict[str, object]:
    """The commitment to report outcome indicators every year, as part of the alliance."""
    return {
        "organisation": org.code,
        "action_type": "ACT-COORDINATION",
        "node": node,
        "places": ";".join(places),
        "grades": "",
        "sex": "",
        "targeted": "",
        "periods": ";".join(COMMITMENT_YEARS),
        "status": "ongoing",
        "indicators": ";".join(indicators),
    }


def make_commitments(
    orgs: list[Org], schools: list[School], rng: random.Random
) -> list[dict[str, object]]:
    """Every commitment, numbered C0001, C0002, … in the order of organisations.csv."""
    rows: list[dict[str, object]] = []
    by_uai = {s.uai: s for s in schools}
    for org in orgs:
        if org.type == "funder":
            continue  # funders read, they do not commit to actions
        if org.type == "backbone":
            places = list(org.territories)
            rows.append(
                commitment(
                    org, "ACT-COORDINATION", places, COMMITMENT_YEARS, rng, None, "ACT-COORDINATION"
                )
            )
            rows.append(measurement_commitment(org, places, "IMP-EGALITE", BACKBONE_SURVEY))
        elif org.type == "school":
            rows += school_commitments(org, by_uai[org.place], rng)
            rows.append(measurement_commitment(org, [org.place], "LT-REUSSITE", SCHOOL_RESULTS))
        else:
            rows += partner_commitments(org, schools, rng)
    return [{"id": f"C{i:04d}", **row} for i, row in enumerate(rows, start=1)]


def make_targets() -> list[dict[str, object]]:
    """Baselines for the reference year and yearly targets, for the initiative then territories."""
    rows: list[dict[str, object]] = []
    for indicator, (baseline, *targets) in TARGETS.items():
        note = NOTES.get((indicator, "baseline"), "")
        rows.append(_target(indicator, "*", BASELINE_YEAR, "baseline", baseline, note))
        for year, value in zip(COMMITMENT_YEARS, targets, strict=True):
            rows.append(_target(indicator, "*", year, "target", value, TARGET_NOTE))
    for indicator, by_territory in TERRITORY_TARGETS.items():
        for territory, (baseline, target) in by_territory.items():
            rows.append(_target(indicator, territory, BASELINE_YEAR, "baseline", baseline, ""))
            rows.append(
                _target(indicator, territory, CURRENT_YEAR, "target", target, TERRITORY_TARGET_NOTE)
            )
    return rows


def _target(
    indicator: str, place: str, period: str, kind: str, value: float, note: str
) -> dict[str, object]:
    return {
        "indicator": indicator,
        "place": place,
        "period": period,
        "kind": kind,
        "value": f"{value:g}",
        "note": note,
    }


def check(commitments: list[dict[str, object]], targets: list[dict[str, object]]) -> None:
    """Refuse to write a commitment or target that the hand-written definition contradicts."""
    toc = yaml.safe_load((DATA / "theory_of_change.yaml").read_text(encoding="utf-8"))
    catalogue = yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))
    successors: dict[str, set[str]] = {}
    for link in toc["links"]:
        successors.setdefault(link["from"], set()).add(link["to"])
    indicators = {i["code"]: i for i in catalogue["indicators"]}
    for row in commitments:
        action, node = str(row["action_type"]), str(row["node"])
        assert node in reachable(successors, action), (row["id"], node)
        direct = {action} | successors.get(action, set())
        if set(str(row["indicators"]).split(";")) <= {*SCHOOL_RESULTS, *BACKBONE_SURVEY}:
            continue  # outcome reporting for the whole alliance, not the counts of one action
        for code in str(row["indicators"]).split(";"):
            assert indicators[code]["node"] in direct, (row["id"], code)
    for row in targets:
        ind = indicators[str(row["indicator"])]
        value = float(row["value"])  # type: ignore[arg-type]
        assert ind["range"]["min"] <= value <= ind["range"]["max"], row
    trajectories = [(code, baseline, targets_) for code, (baseline, *targets_) in TARGETS.items()]
    for code, by_territory in TERRITORY_TARGETS.items():
        trajectories += [(code, baseline, [target]) for baseline, target in by_territory.values()]
    for code, baseline, targets_ in trajectories:
        sign = -1 if indicators[code]["polarity"] == "lower_is_better" else 1
        assert all(sign * (t - baseline) > 0 for t in targets_), code  # targets improve


def reachable(successors: dict[str, set[str]], start: str) -> set[str]:
    """Every node reached from `start` along the links, `start` included."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in successors.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def write_csv(name: str, columns: list[str], rows: list[dict[str, object]]) -> None:
    with (DATA / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} lignes")


def main() -> None:
    rng = random.Random(SEED)
    places, schools = make_places(rng)
    orgs = make_organisations(schools)
    periods = make_periods()
    commitments = make_commitments(orgs, schools, rng)
    targets = make_targets()
    check(commitments, targets)
    organisations: list[dict[str, object]] = [
        {
            "code": o.code,
            "name": o.name,
            "type": o.type,
            "place": o.place,
            "territories": ";".join(o.territories),
        }
        for o in orgs
    ]
    tables: dict[str, list[dict[str, object]]] = {
        "places": places,
        "organisations": organisations,
        "periods": periods,
        "commitments": commitments,
        "targets": targets,
    }
    for key, rows in tables.items():
        write_csv(FILES[key], CSV_COLUMNS[key], rows)


if __name__ == "__main__":
    main()
