"""Lire les dates telles que les tableurs et les gens les écrivent.

`lire_date` : une date exacte (« 27/07/2021 », « 2021-07-27 », « 27 juillet 2021 », « 1er août 2021 », numéro de série
d'un tableur, date du tableur lui-même). `lire_date_prevue` : une date prévue avec sa précision (« 4e trimestre
2023 » → 1er octobre 2023, trimestre ; « juin 2024 » → mois ; « 2024 » → année ; « 2nd semestre 2024 »).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from pvd.programmes.dates import MOIS
from pvd.territoires.normalisation import cle

ORIGINE_TABLEUR = date(1899, 12, 30)
NUMEROS_MOIS = {nom: i + 1 for i, nom in enumerate(cle(m) for m in MOIS)} | {
    "fevrier": 2,
    "aout": 8,
    "decembre": 12,
}
ORDINAUX = r"(?P<n>[1-4])\s*(?:er|ere|re|e|eme|nd|nde|°)?"


class DateIllisible(ValueError):
    pass


def lire_date(valeur) -> date | None:
    """Une date exacte, ou None si la cellule est vide ; `DateIllisible` si elle n'est pas une date."""
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = str(valeur).strip()
    if not texte:
        return None
    trouve = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", texte)
    if trouve:
        return _construire(int(trouve[1]), int(trouve[2]), int(trouve[3]), texte)
    trouve = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", texte)
    if trouve:
        annee = int(trouve[3])
        annee = annee + 2000 if annee < 100 else annee
        return _construire(annee, int(trouve[2]), int(trouve[1]), texte)
    trouve = re.fullmatch(r"(\d{1,2})(?:er)?\s+([a-zéèêûôî]+)\s+(\d{4})", cle(texte).replace(" er ", "er "))
    if trouve and trouve[2] in NUMEROS_MOIS:
        return _construire(int(trouve[3]), NUMEROS_MOIS[trouve[2]], int(trouve[1]), texte)
    trouve = re.fullmatch(r"(\d{1,2})(?: er)? ([a-z]+) (\d{4})", cle(texte))
    if trouve and trouve[2] in NUMEROS_MOIS:
        return _construire(int(trouve[3]), NUMEROS_MOIS[trouve[2]], int(trouve[1]), texte)
    if re.fullmatch(r"\d{5}(\.0+)?", texte) and 20000 < float(texte) < 80000:
        return ORIGINE_TABLEUR + timedelta(days=int(float(texte)))
    raise DateIllisible(f"« {texte} » n'est pas une date : écrivez-la JJ/MM/AAAA (27/07/2021) ou AAAA-MM-JJ.")


def _construire(annee: int, mois: int, jour: int, texte: str) -> date:
    try:
        return date(annee, mois, jour)
    except ValueError as erreur:
        raise DateIllisible(f"« {texte} » n'est pas une date du calendrier.") from erreur


def lire_date_prevue(valeur) -> tuple[date | None, str]:
    """Une date prévue et sa précision : jour, mois, trimestre, semestre ou année."""
    try:
        exacte = lire_date(valeur)
    except DateIllisible:
        exacte = None
    else:
        return exacte, "jour" if exacte else ""
    texte = cle(str(valeur))
    annee = re.search(r"(20\d{2})", texte)
    if not annee:
        raise DateIllisible(
            f"« {valeur} » : date prévue illisible. Écrivez par exemple « 4e trimestre 2023 »."
        )
    an = int(annee[1])
    trimestre = re.search(ORDINAUX + r"\s*trimestre", texte) or re.search(r"\bt\s*(?P<n>[1-4])\b", texte)
    if trimestre:
        return date(an, 3 * (int(trimestre["n"]) - 1) + 1, 1), "trimestre"
    semestre = re.search(ORDINAUX.replace("[1-4]", "[12]") + r"\s*semestre", texte) or re.search(
        r"\bs\s*(?P<n>[12])\b", texte
    )
    if semestre:
        return date(an, 1 if semestre["n"] == "1" else 7, 1), "semestre"
    if re.search(r"\b(second|deuxieme)\s+semestre", texte):
        return date(an, 7, 1), "semestre"
    if re.search(r"\bpremier\s+semestre", texte):
        return date(an, 1, 1), "semestre"
    for nom, numero in NUMEROS_MOIS.items():
        if re.search(rf"\b{nom}\b", texte):
            return date(an, numero, 1), "mois"
    if re.search(r"\b(fin|automne)\b", texte):
        return date(an, 10, 1), "trimestre"
    return date(an, 1, 1), "annee"
