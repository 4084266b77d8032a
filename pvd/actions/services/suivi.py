"""Le suivi d'une fiche action : coûts annuels, étapes, indicateurs et leurs valeurs datées."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pvd.programmes import services as registre
from pvd.programmes.models import Evenement

from ..models import CoutAnnuel, EtapeAction, FicheAction, Indicateur, ValeurIndicateur
from .communs import Trace, montant_lu


@transaction.atomic
def cout_annuel_definir(
    *, fiche: FicheAction, annee: int, nature: str, prevu: Any = None, realise: Any = None, trace: Trace
) -> CoutAnnuel:
    if nature not in CoutAnnuel.Nature.values:
        raise ValidationError({"nature": ["Investissement ou fonctionnement."]})
    if not 1990 <= int(annee) <= 2100:
        raise ValidationError({"annee": [f"« {annee} » n'est pas une année plausible."]})
    valeurs = {"prevu": montant_lu(prevu, "prevu"), "realise": montant_lu(realise, "realise")}
    cout, _ = CoutAnnuel.objects.update_or_create(fiche=fiche, annee=annee, nature=nature, defaults=valeurs)
    registre.journaliser(
        fiche,
        Evenement.Action.MODIFICATION,
        f"Fiche action {fiche.numero} : coût {nature} {annee} (prévu {valeurs['prevu']}, réalisé "
        f"{valeurs['realise']})",
        trace,
    )
    return cout


@transaction.atomic
def etape_ajouter(
    *, fiche: FicheAction, intitule: str, trace: Trace, date_prevue: date | None = None
) -> EtapeAction:
    if not intitule.strip():
        raise ValidationError({"intitule": ["Indiquez l'intitulé de l'étape."]})
    ordre = fiche.etapes.count() + 1
    etape = EtapeAction.objects.create(
        fiche=fiche, intitule=intitule.strip(), date_prevue=date_prevue, ordre=ordre
    )
    registre.journaliser(fiche, Evenement.Action.MODIFICATION, f"Étape ajoutée : {etape.intitule}", trace)
    return etape


@transaction.atomic
def etape_marquer(*, etape: EtapeAction, faite: bool, trace: Trace, jour: date | None = None) -> EtapeAction:
    if faite and jour and jour > timezone.localdate():
        raise ValidationError({"jour": ["Une étape faite l'a été aujourd'hui ou avant : corrigez la date."]})
    etape.faite = faite
    etape.date_faite = (jour or timezone.localdate()) if faite else None
    etape.save(update_fields=["faite", "date_faite"])
    registre.journaliser(
        etape.fiche,
        Evenement.Action.MODIFICATION,
        f"Étape « {etape.intitule} » {'faite' if faite else 'à faire'}",
        trace,
    )
    return etape


@transaction.atomic
def indicateur_ajouter(
    *, fiche: FicheAction, nom: str, trace: Trace, unite: str = "", periodicite: str = ""
) -> Indicateur:
    if not nom.strip():
        raise ValidationError({"nom": ["Indiquez le nom de l'indicateur."]})
    indicateur = Indicateur.objects.create(
        fiche=fiche, nom=nom.strip(), unite=unite.strip(), periodicite=periodicite.strip()
    )
    registre.journaliser(fiche, Evenement.Action.MODIFICATION, f"Indicateur ajouté : {indicateur.nom}", trace)
    return indicateur


@transaction.atomic
def valeur_indicateur_ajouter(
    *, indicateur: Indicateur, type: str, jour: date, valeur: Any, trace: Trace, source: str = ""
) -> ValeurIndicateur:
    if type not in ValeurIndicateur.Type.values:
        raise ValidationError({"type": ["Résultat ou cible."]})
    try:
        nombre = Decimal(str(valeur).replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"valeur": [f"« {valeur} » n'est pas un nombre."]}) from None
    if not nombre.is_finite() or abs(nombre) >= Decimal("1e12"):
        raise ValidationError({"valeur": [f"« {valeur} » n'est pas une valeur d'indicateur plausible."]})
    objet = ValeurIndicateur.objects.create(
        indicateur=indicateur, type=type, date=jour, valeur=nombre, source=source
    )
    registre.journaliser(
        indicateur.fiche,
        Evenement.Action.MODIFICATION,
        f"Indicateur « {indicateur.nom} » : {objet.get_type_display()} {valeur} au {jour:%d/%m/%Y}",
        trace,
    )
    return objet
