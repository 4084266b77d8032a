"""Dates du programme, calculées ici et nulle part ailleurs : ajouter des mois ou des années (échéances, fin estimée
d'une convention, sans jamais tomber sur un jour qui n'existe pas), écrire une date ou une durée en français."""

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MOIS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


# La date demandée d'une situation (`?au=` des pages, des pages publiques et de l'API) : ISO ou à la française.
FORMATS_JOUR = ("%Y-%m-%d", "%d/%m/%Y")


def lire_jour(texte: str) -> date:
    """« 2021-07-27 » ou « 27/07/2021 » ; `ValueError` pour tout le reste. Le seul lecteur de `?au=`."""
    for format_ in FORMATS_JOUR:
        try:
            return datetime.strptime(texte.strip(), format_).date()
        except ValueError:
            continue
    raise ValueError(f"« {texte} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).")


def ajouter_mois(jour: date, mois: int) -> date:
    """Le même jour `mois` mois plus tard, ramené au dernier jour du mois si besoin (31 août + 6 mois → 28 février)."""
    total = jour.month - 1 + mois
    annee, mois_cible = jour.year + total // 12, total % 12 + 1
    return date(annee, mois_cible, min(jour.day, calendar.monthrange(annee, mois_cible)[1]))


def ajouter_annees(jour: date, annees: int) -> date:
    """Le même jour `annees` ans plus tard ; un 29 février tombe au 28 février d'une année non bissextile."""
    return ajouter_mois(jour, 12 * annees)


def date_longue(jour: date) -> str:
    """27 juillet 2021 ; 1er août 2021."""
    premier = "1er" if jour.day == 1 else str(jour.day)
    return f"{premier} {MOIS[jour.month - 1]} {jour.year}"


def duree_en_francais(jours: int) -> str:
    """Une durée lisible : « 12 jours », « 3 mois », « 1 an et 2 mois »."""
    jours = abs(jours)
    if jours < 31:
        return f"{jours} jour{'s' if jours > 1 else ''}"
    mois = round(jours / 30.44)
    annees, mois = divmod(mois, 12)
    if not annees:
        return f"{mois} mois"
    texte = f"{annees} an{'s' if annees > 1 else ''}"
    return f"{texte} et {mois} mois" if mois else texte


def fin_du_jour(jour: date) -> datetime:
    """Minuit qui suit `jour`, à l'heure du site : `cree_le < fin_du_jour(jour)` ⇔ enregistré au plus tard ce
    jour-là, sans convertir chaque ligne en date locale (une fonction Python par ligne sur SQLite)."""
    return timezone.make_aware(datetime.combine(jour + timedelta(days=1), time.min))
