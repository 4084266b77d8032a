"""Écritures sur le référentiel : alias d'usage (le chargement du COG est dans `importation`)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Alias, Commune, Epci, EtatReferentiel
from .normalisation import cle, cle_epci


def alias_valider(*, texte: str, type: str, code: str, commentaire: str = "") -> Alias:
    """Construit l'alias sans l'enregistrer ; lève `ValidationError` (en français) s'il ne peut pas l'être."""
    texte = " ".join((texte or "").split())
    if not texte:
        raise ValidationError({"texte": "Le nom d'usage est vide."})
    if type == Alias.Type.EPCI:
        cible = Epci.objects.actuels().filter(siren=code.replace(" ", "")).first()
        if cible is None:
            raise ValidationError({"code": f"Aucun EPCI actuel ne porte le SIREN « {code} »."})
        alias = Alias(texte=texte, cle=cle_epci(texte), type=type, epci=cible, commentaire=commentaire)
    elif type == Alias.Type.COMMUNE:
        cible = Commune.objects.actuelles().filter(code=code.strip().upper()).first()
        if cible is None:
            raise ValidationError({"code": f"Aucune commune actuelle ne porte le code INSEE « {code} »."})
        alias = Alias(texte=texte, cle=cle(texte), type=type, commune=cible, commentaire=commentaire)
    else:
        raise ValidationError({"type": "Le type doit être « commune » ou « epci »."})
    existant = Alias.objects.filter(type=type, cle=alias.cle).first()
    if existant is not None:
        raise ValidationError(
            {"texte": f"Le nom d'usage « {existant.texte} » existe déjà et désigne {existant.cible}."}
        )
    return alias


def alias_create(*, texte: str, type: str, code: str, commentaire: str = "") -> Alias:
    """Enregistre un nom d'usage pour une commune (code INSEE) ou un EPCI (SIREN) et prévient le résolveur."""
    alias = alias_valider(texte=texte, type=type, code=code, commentaire=commentaire)
    try:
        with transaction.atomic():
            alias.save()
            EtatReferentiel.signaler_changement()
    except IntegrityError as erreur:
        raise ValidationError(
            {"texte": "Ce nom d'usage vient d'être enregistré par quelqu'un d'autre."}
        ) from erreur
    return alias


@transaction.atomic
def alias_delete(*, texte: str, type: str) -> int:
    """Supprime un nom d'usage ; renvoie le nombre d'alias supprimés (0 ou 1)."""
    cle_alias = cle_epci(texte) if type == Alias.Type.EPCI else cle(texte)
    supprimes, _ = Alias.objects.filter(type=type, cle=cle_alias).delete()
    if supprimes:
        EtatReferentiel.signaler_changement()
    return supprimes
