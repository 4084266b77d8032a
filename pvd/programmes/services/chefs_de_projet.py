"""Les chefs de projet : le poste (recruté par une commune ou un EPCI), les lauréats qu'il couvre, son
cofinancement, qui respecte les plafonds du programme (des données, pas du code : taux, montant annuel, avec ou sans
l'Anah).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pvd.territoires.models import Commune, Epci

from ..models import Evenement, Laureat, PosteChefDeProjet, Programme
from .journal import Trace, journaliser


def _pourcent(valeur: Decimal) -> str:
    """Decimal("75.00") → « 75 » ; Decimal("62.5") → « 62,5 »."""
    return f"{Decimal(valeur).normalize():f}".replace(".", ",")


def verifier_cofinancement(
    programme: Programme,
    *,
    cout_annuel_charge: int | None,
    taux: Decimal | None,
    montant: int | None,
    avec_anah: bool,
) -> dict[str, list[str]]:
    """Les plafonds du programme (taux, montant annuel, avec ou sans Anah) ; renvoie les erreurs par champ."""
    erreurs: dict[str, list[str]] = {}
    if (
        taux is not None
        and programme.cofinancement_taux_max is not None
        and taux > programme.cofinancement_taux_max
    ):
        erreurs["taux_cofinancement"] = [
            f"Le taux de cofinancement ne peut pas dépasser {_pourcent(programme.cofinancement_taux_max)} % du coût chargé."
        ]
    plafond = programme.cofinancement_plafond_anah if avec_anah else programme.cofinancement_plafond
    if montant is not None and plafond is not None and montant > plafond:
        avec = " avec l'Anah" if avec_anah else ""
        erreurs["montant_cofinancement"] = [
            f"Le cofinancement annuel est plafonné à {plafond:,} €{avec}.".replace(",", " ")
        ]
    if montant is not None and cout_annuel_charge is not None and taux is not None:
        maximum = Decimal(cout_annuel_charge) * taux / 100
        if montant > maximum + 1:
            erreurs.setdefault("montant_cofinancement", []).append(
                f"Le montant dépasse {_pourcent(taux)} % du coût chargé ({maximum:,.0f} €).".replace(",", " ")
            )
    return erreurs


@transaction.atomic
def poste_record(
    *,
    programme: Programme,
    employeur: Commune | Epci,
    laureats: list[Laureat],
    date_prise_poste: date,
    trace: Trace,
    nom_titulaire: str = "",
    date_fin: date | None = None,
    cout_annuel_charge: int | None = None,
    taux_cofinancement: Decimal | None = None,
    montant_cofinancement: int | None = None,
    avec_anah: bool = False,
) -> PosteChefDeProjet:
    """Enregistre un poste de chef de projet (recruté par une commune ou un EPCI) et les lauréats qu'il couvre."""
    erreurs = verifier_cofinancement(
        programme,
        cout_annuel_charge=cout_annuel_charge,
        taux=taux_cofinancement,
        montant=montant_cofinancement,
        avec_anah=avec_anah,
    )
    if not laureats:
        erreurs["laureats"] = ["Le poste couvre au moins un lauréat."]
    if any(laureat.programme_id != programme.pk for laureat in laureats):
        erreurs["laureats"] = ["Un lauréat d'un autre programme ne peut pas être couvert par ce poste."]
    if date_fin and date_fin < date_prise_poste:
        erreurs["date_fin"] = ["La fin de poste précède la prise de poste."]
    if erreurs:
        raise ValidationError(erreurs)
    est_commune = isinstance(employeur, Commune)
    try:
        poste = PosteChefDeProjet.objects.create(
            programme=programme,
            employeur_type=PosteChefDeProjet.Employeur.COMMUNE
            if est_commune
            else PosteChefDeProjet.Employeur.EPCI,
            employeur_commune=employeur if est_commune else None,
            employeur_epci=None if est_commune else employeur,
            nom_titulaire=nom_titulaire.strip(),
            date_prise_poste=date_prise_poste,
            date_fin=date_fin,
            cout_annuel_charge=cout_annuel_charge,
            taux_cofinancement=taux_cofinancement,
            montant_cofinancement=montant_cofinancement,
            avec_anah=avec_anah,
        )
    except IntegrityError as erreur:
        raise ValidationError(
            "Le poste n'a pas pu être enregistré : vérifiez l'employeur et les dates."
        ) from erreur
    poste.laureats.set(laureats)
    journaliser(
        poste,
        Evenement.Action.CREATION,
        f"Chef de projet recruté par {employeur.nom}",
        trace,
        apres={
            "laureats": [laureat.commune_id for laureat in laureats],
            "date_prise_poste": date_prise_poste,
            "montant_cofinancement": montant_cofinancement,
        },
    )
    return poste
