"""Les tâches des travaux longs, exécutées par `pvd worker` (django-tasks, file en base) : un import confirmé d'un
gros fichier, un export national, un lot d'annexes « plan d'action » d'un département en un ZIP.

Chaque tâche reçoit l'identifiant de son `Travail`, le passe « en cours », le tient au courant, puis le déclare
terminé (compte rendu, fichier produit) ou échoué (raison en français). Un import est d'un bloc : le travail est
déclaré terminé dans la transaction même de l'import, si bien qu'un processus tué entre les deux ne laisse jamais un
registre écrit et un travail « échoué », ni l'inverse.
"""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import date

from django.urls import reverse
from django_tasks import task

from pvd.accounts import perimetres
from pvd.imports.models import FichierImport
from pvd.imports.pipeline import ImportRefuse
from pvd.programmes.models import Convention, Evenement, Programme
from pvd.programmes.services import Trace
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.rapport import accorder

from . import services
from .models import Travail

journal = logging.getLogger(__name__)
ERREUR_INATTENDUE = (
    "Une erreur inattendue a arrêté le traitement ; rien n'a été écrit. Relancez-le ; si l'erreur revient, "
    "signalez-la à l'équipe nationale avec l'adresse de cette page."
)


def _travail(travail_id: str) -> Travail | None:
    travail = Travail.objects.filter(pk=travail_id).select_related("auteur").first()
    if travail is None or not services.travail_commencer(travail=travail):
        return None  # effacé, ou déjà repris ou déclaré interrompu
    return travail


@task()
def import_executer(
    *,
    travail_id: str,
    fichier_id: str,
    correspondance: dict | None = None,
    choix: dict | None = None,
    valides_seulement: bool = False,
    signature_apercu: str | None = None,
) -> dict | None:
    """L'import confirmé d'un fichier déposé (`imports.services.fichier_importer`, tout ou rien)."""
    from pvd.imports.services import fichier_importer

    travail = _travail(travail_id)
    if travail is None:
        return None
    fichier = FichierImport.objects.filter(pk=fichier_id).select_related("departement", "convention").first()
    if fichier is None:
        services.travail_echouer(
            travail=travail,
            message="Le fichier déposé n'existe plus (déjà importé ou effacé) : rien n'a été écrit.",
        )
        return None
    suivi = services.Suivi(travail)
    departement, source, nom = fichier.departement_id, fichier.source, fichier.nom
    convention_id = fichier.convention_id

    def terminer(plan) -> None:
        travail.lignes_ecrites = sum(1 for ligne in plan.lignes if ligne.valide)
        services.travail_terminer(travail=travail, rapport=_rapport(plan, departement, source, convention_id))

    try:
        fichier_importer(
            fichier=fichier,
            trace=Trace(auteur=travail.auteur, canal=Evenement.Canal.IMPORT),
            correspondance=correspondance,
            choix=choix or {},
            valides_seulement=valides_seulement,
            signature_apercu=signature_apercu,
            avec_l_import=terminer,
            progression=suivi,
        )
    except (FichierIllisible, ImportRefuse) as erreur:
        plan = getattr(erreur, "plan", None)
        rapport = {"refusees": _refusees(plan), "apercu": reverse("import-apercu", args=[fichier_id])}
        services.travail_echouer(
            travail=travail, message=f"{nom} : {erreur} Rien n'a été écrit.", rapport=rapport
        )
        return None
    except Exception:
        journal.exception("import %s (travail %s) en échec", nom, travail_id)
        services.travail_echouer(travail=travail, message=ERREUR_INATTENDUE)
        raise
    return {"travail": travail_id}


def _refusees(plan) -> list[str]:
    if plan is None:
        return []
    return [f"Ligne {ligne.numero} : {' ; '.join(ligne.messages)}" for ligne in plan.refusees[:50]]


def _rapport(plan, departement: str | None, source: str, convention_id: int | None) -> dict:
    """Le compte rendu montré sur la page du travail, et où aller voir le résultat."""
    c = plan.comptes()
    resume = (
        f"Import réalisé : {accorder(c['creation'], 'ligne créée', 'lignes créées')}, "
        f"{accorder(c['modification'], 'modifiée')}, {accorder(c['inchange'], 'inchangée')}."
    )
    if source == "maquette":
        lien, texte = reverse("plan-d-action", args=[convention_id]), "Voir le plan d'action"
    elif departement:
        lien = reverse("programme-departement", args=[plan.programme.slug, departement])
        texte = "Voir le département"
    else:
        lien, texte = reverse("tableau-de-bord", args=[plan.programme.slug]), "Voir le tableau de bord"
    return {"comptes": c, "resume": resume, "lien": lien, "texte_lien": texte}


@task()
def export_produire(
    *, travail_id: str, jeu: str, format: str, programme: str, au: str, departement: str = ""
) -> dict | None:
    """Un jeu de données ouvertes national (`publication.exports.produire`), rangé comme fichier à télécharger."""
    from pvd.publication.exports import produire

    travail = _travail(travail_id)
    if travail is None:
        return None
    try:
        prog = Programme.objects.get(slug=programme)
        contenu, _ = produire(
            jeu, format, programme=prog, au=date.fromisoformat(au), departement=departement, publics=True
        )
        suffixe = f"-{departement}" if departement else ""
        nom = f"{prog.slug}-{jeu}{suffixe}-{au}.{format}"
        services.travail_terminer(
            travail=travail, contenu=contenu, nom_fichier=nom, rapport={"octets": len(contenu)}
        )
    except Exception:
        journal.exception("export %s.%s (travail %s) en échec", jeu, format, travail_id)
        services.travail_echouer(
            travail=travail, message="L'export a échoué ; aucun fichier n'a été produit. Relancez-le."
        )
        raise
    return {"travail": travail_id}


@task()
def annexes_rassembler(
    *, travail_id: str, programme: str, departement: str, format: str, au: str
) -> dict | None:
    """Les annexes « plan d'action » des conventions-cadres d'un département lisibles par l'auteur, en un ZIP."""
    from pvd.publication import annexe

    travail = _travail(travail_id)
    if travail is None:
        return None
    jour = date.fromisoformat(au)
    try:
        conventions = list(
            perimetres.conventions_visibles(
                travail.auteur,
                Convention.objects.filter(
                    programme__slug=programme,
                    type=Convention.Type.CADRE_ORT,
                    departement_suivi_id=departement,
                ).order_by("pk"),
            )
        )
        suivi = services.Suivi(travail)
        tampon = io.BytesIO()
        with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
            for rang, convention in enumerate(conventions, start=1):
                contenu = annexe.rendre(annexe.annexe_plan(convention, jour, publique=False), format)
                archive.writestr(annexe.nom_de_fichier(convention, jour, format, False), contenu)
                suivi("ecrites", rang, len(conventions))
        nom = f"{programme}-plans-d-action-{departement}-{au}-{format}.zip"
        services.travail_terminer(
            travail=travail,
            contenu=tampon.getvalue(),
            nom_fichier=nom,
            rapport={"documents": len(conventions)},
        )
    except Exception:
        journal.exception("annexes %s (travail %s) en échec", departement, travail_id)
        services.travail_echouer(
            travail=travail,
            message="Le lot de documents a échoué ; aucun fichier n'a été produit. Relancez-le.",
        )
        raise
    return {"travail": travail_id}
