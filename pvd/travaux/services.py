"""Écritures des travaux longs : créer un travail et mettre sa tâche en file (django-tasks), suivre son avancement,
le terminer ou dire pourquoi il a échoué, et clore ceux qu'un processus arrêté net a laissés « en cours ».

Contrat :
- un travail fini (terminé ou échoué) ne change plus : un processus qui reprendrait un travail déjà déclaré
  interrompu ne le « ressuscite » pas ;
- un échec porte toujours un message en français (contrainte en base) ;
- le fichier produit passe par le stockage de Django (`default_storage`), jamais par un chemin local : un second
  serveur, ou un stockage objet, le sert de même.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Travail

INTERROMPU = {
    Travail.Nature.IMPORT: "Le traitement s'est interrompu ; rien n'a été écrit ; relancez l'import.",
    Travail.Nature.EXPORT: "Le traitement s'est interrompu ; aucun fichier n'a été produit ; relancez l'export.",
    Travail.Nature.DOCUMENTS: (
        "Le traitement s'est interrompu ; aucun fichier n'a été produit ; relancez la demande de documents."
    ),
}
FINIS = (Travail.Etat.TERMINE, Travail.Etat.ECHOUE)


def travail_lancer(*, nature: str, libelle: str, auteur, tache, total: int = 0, **arguments) -> Travail:
    """Crée le travail puis met sa tâche en file (`tache.enqueue(travail_id=…, **arguments)`) ; le processus de
    travaux (`pvd worker`) la prendra. Les arguments doivent se dire en JSON (identifiants, textes, dates ISO)."""
    travail = Travail.objects.create(nature=nature, libelle=libelle[:255], auteur=auteur, total=total)
    resultat = tache.enqueue(travail_id=str(travail.pk), **arguments)
    Travail.objects.filter(pk=travail.pk).update(tache_id=str(resultat.id))
    travail.tache_id = str(resultat.id)
    return travail


def travail_commencer(*, travail: Travail) -> bool:
    """Le travail passe « en cours » ; faux s'il n'était plus en attente (déjà repris, ou déclaré interrompu)."""
    maintenant = timezone.now()
    commence = Travail.objects.filter(pk=travail.pk, etat=Travail.Etat.EN_ATTENTE).update(
        etat=Travail.Etat.EN_COURS, commence_le=maintenant, battement=maintenant
    )
    travail.refresh_from_db()
    return bool(commence)


class Suivi:
    """L'avancement d'un travail, appelé par le pipeline (`progression(etape, fait, total)`, étape « lues »,
    « resolues » ou « ecrites ») : retenu en mémoire, écrit au plus toutes les `intervalle` secondes (et à chaque
    étape finie) ; chaque écriture est aussi un battement de cœur. Jamais dans une transaction ouverte : le pipeline
    ne l'appelle qu'en dehors de sa transaction d'écriture."""

    CHAMPS = {"lues": "lignes_lues", "resolues": "lignes_resolues", "ecrites": "lignes_ecrites"}
    ETAPES = {
        "lues": "lecture du fichier",
        "resolues": "résolution des communes",
        "ecrites": "écriture au registre",
    }

    def __init__(self, travail: Travail, intervalle: float = 0.5) -> None:
        self.travail = travail
        self.intervalle = intervalle
        self._dernier = 0.0

    def __call__(self, etape: str, fait: int, total: int) -> None:
        champ = self.CHAMPS[etape]
        setattr(self.travail, champ, fait)
        self.travail.total = total
        nouvelle_etape = self.travail.etape != self.ETAPES[etape]
        self.travail.etape = self.ETAPES[etape]
        maintenant = time.monotonic()
        if not nouvelle_etape and fait < total and maintenant - self._dernier < self.intervalle:
            return
        self._dernier = maintenant
        Travail.objects.filter(pk=self.travail.pk, etat=Travail.Etat.EN_COURS).update(
            **{champ: fait}, total=total, etape=self.travail.etape, battement=timezone.now()
        )


def travail_terminer(
    *, travail: Travail, rapport: dict | None = None, contenu: bytes | None = None, nom_fichier: str = ""
) -> Travail:
    """Le travail est terminé : son compte rendu, et le fichier produit, rangé par le stockage de Django."""
    nom_range = ""
    if contenu is not None:
        nom_range = default_storage.save(f"travaux/{travail.pk}/{nom_fichier}", ContentFile(contenu))
    Travail.objects.filter(pk=travail.pk).exclude(etat__in=FINIS).update(
        etat=Travail.Etat.TERMINE,
        etape="",
        rapport=rapport,
        fichier=nom_range,
        nom_fichier=nom_fichier,
        lignes_ecrites=travail.lignes_ecrites or travail.total,
        fini_le=timezone.now(),
    )
    travail.refresh_from_db()
    return travail


def travail_echouer(*, travail: Travail, message: str, rapport: dict | None = None) -> Travail:
    """Le travail a échoué ; `message` dit pourquoi, en français, et ce qu'il faut faire."""
    Travail.objects.filter(pk=travail.pk).exclude(etat__in=FINIS).update(
        etat=Travail.Etat.ECHOUE, message=message, rapport=rapport, fini_le=timezone.now()
    )
    travail.refresh_from_db()
    return travail


def silence_maximal() -> timedelta:
    return timedelta(seconds=settings.PVD_TRAVAUX_SILENCE_MAX)


def travail_battre(*, tache_id: str) -> int:
    """Un signe de vie du processus qui exécute cette tâche (le fil de veille de `pvd worker`)."""
    return Travail.objects.filter(tache_id=tache_id, etat=Travail.Etat.EN_COURS).update(
        battement=timezone.now()
    )


@transaction.atomic
def travaux_interrompus_clore(*, silence: timedelta | None = None, sauf: str | None = None) -> int:
    """Les travaux « en cours » sans signe de vie depuis `silence` (par défaut `PVD_TRAVAUX_SILENCE_MAX` secondes) :
    leur processus a été arrêté net (SIGKILL, machine éteinte). Ils sont déclarés échoués, avec la raison, et leur
    tâche aussi ; rien n'a été écrit, l'import étant d'un bloc. Rend le nombre de travaux clos."""
    limite = timezone.now() - (silence if silence is not None else silence_maximal())
    interrompus = list(
        Travail.objects.select_for_update()
        .filter(etat=Travail.Etat.EN_COURS, battement__lt=limite)
        .exclude(tache_id=sauf or "-")
    )
    for travail in interrompus:
        Travail.objects.filter(pk=travail.pk).update(
            etat=Travail.Etat.ECHOUE, message=INTERROMPU[travail.nature], fini_le=timezone.now()
        )
    DBTaskResult.objects.filter(
        id__in=[t.tache_id for t in interrompus if t.tache_id], status="RUNNING"
    ).update(status="FAILED", finished_at=timezone.now())
    return len(interrompus)


def travaux_anciens_effacer(*, jours: int = 30) -> int:
    """Efface les travaux finis depuis plus de `jours` jours, leurs fichiers et le résultat de leur tâche ; rend leur
    nombre (`pvd worker` l'appelle à son démarrage)."""
    anciens = Travail.objects.filter(etat__in=FINIS, fini_le__lt=timezone.now() - timedelta(days=jours))
    for nom in anciens.exclude(fichier="").values_list("fichier", flat=True):
        default_storage.delete(nom)
    taches = [tache for tache in anciens.values_list("tache_id", flat=True) if tache]
    nombre = anciens.delete()[0]
    DBTaskResult.objects.filter(id__in=taches).exclude(status__in=["READY", "RUNNING"]).delete()
    return nombre
