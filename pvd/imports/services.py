"""Écritures des imports hors du registre : le fichier déposé, gardé entre l'aperçu et la confirmation, et la
correspondance des colonnes d'un tableur, retenue pour le prochain import du même département.

Le site (dépôt, communiqué lu, confirmation) et `pvd import` passent par ici ; l'écriture du registre elle-même
est celle du pipeline (`ecriture.importer`), qui passe par les services du programme.
"""

from __future__ import annotations

from collections.abc import Callable

from pvd.programmes.services import Trace
from pvd.territoires.models import Departement

from .ecriture import importer, maquette_importer
from .lecture import lire_tableau
from .models import CorrespondanceColonnes, FichierImport
from .pipeline import Plan


def fichier_deposer(
    *,
    auteur,
    nom: str,
    contenu: bytes,
    source: str,
    departement: Departement | None,
    correspondance: dict[str, str] | None = None,
    convention=None,
    axe=None,
) -> FichierImport:
    """Garde le fichier jusqu'à sa confirmation ; `correspondance` impose ses colonnes (un communiqué lu).

    Le fichier est d'abord lu : trop lourd, trop long (`settings.PVD_TAILLE_MAX_FICHIER`, `lecture.LIGNES_MAX`), piégé ou illisible,
    il est refusé (`FichierIllisible`, message en français) et rien n'est gardé."""
    lire_tableau(contenu, nom)
    return FichierImport.objects.create(
        nom=nom[:255],
        contenu=contenu,
        source=source,
        departement=departement,
        correspondance=correspondance,
        convention=convention,
        axe=axe,
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


def tableau_importer(
    contenu: bytes,
    nom_fichier: str,
    source: str,
    *,
    trace: Trace,
    departement: Departement | None = None,
    correspondance: dict[str, str] | None = None,
    ensuite: Callable[[], None] | None = None,
    dans_la_transaction_du_plan: Callable[[Plan], None] | None = None,
    **options,
) -> Plan:
    """Importe (`ecriture.importer`, mêmes options) et retient la correspondance des colonnes, d'un bloc : dans la
    transaction de l'import, qui ne s'ouvre qu'une fois le fichier lu (`ensuite` : une écriture de plus, la même)."""

    def retenir(plan: Plan) -> None:
        correspondance_retenir(departement=departement, source=source, correspondance=correspondance)
        if ensuite is not None:
            ensuite()
        if dans_la_transaction_du_plan is not None:
            dans_la_transaction_du_plan(plan)

    return importer(
        contenu,
        nom_fichier,
        source,
        trace=trace,
        departement=departement,
        correspondance=correspondance,
        dans_la_transaction=retenir,
        **options,
    )


def fichier_importer(
    *,
    fichier: FichierImport,
    trace: Trace,
    correspondance,
    avec_l_import: Callable[[object], None] | None = None,
    **options,
) -> Plan:
    """Importe le fichier déposé, retient sa correspondance et l'efface, d'un bloc : confirmé, il n'est plus gardé.
    Une maquette financière va dans le plan d'action de sa convention (`ecriture.maquette_importer`).
    `avec_l_import(plan)` : une écriture de plus dans la même transaction (le travail long déclaré terminé) ;
    `progression` (dans `options`) : l'avancement d'un tableau (`pipeline.Progression`)."""

    def effacer(plan) -> None:
        fichier.delete()
        if avec_l_import is not None:
            avec_l_import(plan)

    if fichier.source == "maquette":
        return maquette_importer(
            bytes(fichier.contenu),
            fichier.nom,
            convention=fichier.convention,
            axe_par_defaut=fichier.axe,
            trace=trace,
            valides_seulement=options.get("valides_seulement", False),
            signature_apercu=options.get("signature_apercu"),
            dans_la_transaction=effacer,
        )
    return tableau_importer(
        bytes(fichier.contenu),
        fichier.nom,
        fichier.source,
        trace=trace,
        departement=fichier.departement,
        correspondance=correspondance,
        dans_la_transaction_du_plan=effacer,
        **options,
    )
