"""Écritures des imports hors du registre : le fichier déposé, gardé entre l'aperçu et la confirmation, et la
correspondance des colonnes d'un tableur, retenue pour le prochain import du même département.

Le site (dépôt, communiqué lu, confirmation) et `pvd import` passent par ici ; l'écriture du registre elle-même
est celle du pipeline (`pipeline.importer`), qui passe par les services du programme.
"""

from __future__ import annotations

from django.db import transaction

from pvd.programmes.services import Trace
from pvd.territoires.models import Departement

from .lecture import lire_tableau
from .models import CorrespondanceColonnes, FichierImport
from .pipeline import Plan, importer


def fichier_deposer(
    *,
    auteur,
    nom: str,
    contenu: bytes,
    source: str,
    departement: Departement | None,
    correspondance: dict[str, str] | None = None,
) -> FichierImport:
    """Garde le fichier jusqu'à sa confirmation ; `correspondance` impose ses colonnes (un communiqué lu).

    Le fichier est d'abord lu : trop lourd, trop long (`lecture.TAILLE_MAX`, `lecture.LIGNES_MAX`), piégé ou illisible,
    il est refusé (`FichierIllisible`, message en français) et rien n'est gardé."""
    lire_tableau(contenu, nom)
    return FichierImport.objects.create(
        nom=nom[:255],
        contenu=contenu,
        source=source,
        departement=departement,
        correspondance=correspondance,
        auteur=auteur,
    )


def correspondance_retenir(
    *, departement: Departement | None, source: str, correspondance: dict | None
) -> None:
    """La correspondance d'un tableur importé, proposée au prochain import du département (une par département)."""
    if source != "tableur" or departement is None or correspondance is None:
        return
    CorrespondanceColonnes.objects.update_or_create(
        departement=departement, source=source, defaults={"correspondances": correspondance}
    )


@transaction.atomic
def tableau_importer(
    contenu: bytes,
    nom_fichier: str,
    source: str,
    *,
    trace: Trace,
    departement: Departement | None = None,
    correspondance: dict[str, str] | None = None,
    **options,
) -> Plan:
    """Importe (`pipeline.importer`, mêmes options) et retient la correspondance des colonnes, d'un bloc."""
    plan = importer(
        contenu,
        nom_fichier,
        source,
        trace=trace,
        departement=departement,
        correspondance=correspondance,
        **options,
    )
    correspondance_retenir(departement=departement, source=source, correspondance=correspondance)
    return plan


@transaction.atomic
def fichier_importer(*, fichier: FichierImport, trace: Trace, correspondance, **options) -> Plan:
    """Importe le fichier déposé, retient sa correspondance et l'efface : confirmé, il n'est plus gardé."""
    plan = tableau_importer(
        bytes(fichier.contenu),
        fichier.nom,
        fichier.source,
        trace=trace,
        departement=fichier.departement,
        correspondance=correspondance,
        **options,
    )
    fichier.delete()
    return plan
