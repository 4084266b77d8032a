"""Ce que partagent les écritures du plan d'action : le verrou de version d'une fiche ou d'une ligne, la lecture
d'un montant en euros, et les organisations (maître d'ouvrage, partenaire, financeur) désignées par un formulaire ou
un import."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from pvd.programmes import services as registre
from pvd.programmes.models import Evenement
from pvd.territoires.models import Commune, Epci

from ..models import FicheAction, LigneFinancement, Organisation

Trace = registre.Trace


class ConflitDeVersion(registre.ConflitDeVersion):
    """Quelqu'un a modifié la fiche ou la ligne entre la lecture et l'enregistrement (le même refus que pour une
    convention, que pages et API traitent de même)."""

    def __init__(self, actuelle: FicheAction | LigneFinancement) -> None:
        self.actuelle = actuelle
        quoi = (
            "Cette fiche action a été modifiée"
            if isinstance(actuelle, FicheAction)
            else ("Cette ligne de financement a été modifiée")
        )
        Exception.__init__(
            self,
            f"{quoi} par quelqu'un d'autre pendant que vous la modifiiez (version {actuelle.version}). Vos "
            "changements n'ont pas été enregistrés : relisez la version actuelle, puis refaites vos modifications.",
        )


def version_prendre(objet: FicheAction | LigneFinancement, version: int) -> None:
    modele = type(objet)
    if not modele.objects.filter(pk=objet.pk, version=version).update(version=F("version") + 1):
        raise ConflitDeVersion(modele.objects.get(pk=objet.pk))
    objet.version = version + 1


def montant_lu(valeur: Any, champ: str, obligatoire: bool = False) -> Decimal | None:
    """« 125 000,50 », « 125000.5 » ou un nombre → Decimal au centime ; `ValidationError` sur `champ` sinon."""
    if valeur in (None, ""):
        if obligatoire:
            raise ValidationError({champ: ["Indiquez un montant en euros."]})
        return None
    try:
        montant = Decimal(str(valeur).replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {champ: [f"« {valeur} » n'est pas un montant en euros (exemple : 125000,50)."]}
        ) from None
    if not montant.is_finite() or montant < 0:
        raise ValidationError({champ: ["Un montant est positif ou nul."]})
    return montant.quantize(Decimal("0.01"))


# Organisations ---------------------------------------------------------------------------------------------------


@transaction.atomic
def organisation_obtenir(
    *,
    trace: Trace,
    commune: Commune | None = None,
    epci: Epci | None = None,
    nom: str = "",
    siren: str = "",
    nature: str = "",
) -> Organisation:
    """L'organisation d'une commune, d'un EPCI, ou d'un nom et d'un SIREN ; créée si elle n'existe pas encore."""
    if commune is not None:
        existante = Organisation.objects.filter(commune=commune).first()
        if existante:
            return existante
        nom, siren, nature = commune.nom, commune.siren or "", Organisation.Nature.COMMUNE
    elif epci is not None:
        existante = Organisation.objects.filter(epci=epci).first()
        if existante:
            return existante
        nom, siren, nature = epci.nom, epci.siren, Organisation.Nature.EPCI
    nom, siren = nom.strip(), siren.replace(" ", "")
    if not nom:
        raise ValidationError({"nom": ["Indiquez le nom de l'organisation."]})
    if siren and not (len(siren) == 9 and siren.isdigit()):
        raise ValidationError({"siren": [f"« {siren} » n'est pas un SIREN : neuf chiffres."]})
    if nature not in Organisation.Nature.values:
        raise ValidationError({"nature": ["Choisissez la nature de l'organisation."]})
    existante = (
        Organisation.objects.filter(siren=siren).first()
        if siren
        else Organisation.objects.filter(nom=nom, siren="").first()
    )
    if existante and commune is None and epci is None:
        return existante
    if existante:
        raise ValidationError(
            {"siren": [f"Le SIREN {siren} est déjà celui de « {existante.nom} » : vérifiez le référentiel."]}
        )
    organisation = Organisation.objects.create(
        nom=nom, siren=siren, nature=nature, commune=commune, epci=epci
    )
    registre.journaliser(
        organisation, Evenement.Action.CREATION, f"Organisation enregistrée : {organisation.nom}", trace
    )
    return organisation


def organisation_designee(designation: Any, trace: Trace) -> Organisation | None:
    """Une organisation désignée par un formulaire ou un import : elle-même, une commune, un EPCI, ou la description
    d'une nouvelle (`{"nom", "siren", "nature"}`), créée au besoin dans la transaction de l'appelant."""
    if designation is None or isinstance(designation, Organisation):
        return designation
    if isinstance(designation, Commune):
        return organisation_obtenir(commune=designation, trace=trace)
    if isinstance(designation, Epci):
        return organisation_obtenir(epci=designation, trace=trace)
    return organisation_obtenir(trace=trace, **designation)
