"""Le processus de travaux (`pvd worker`) : le travailleur de django-tasks (`django_tasks_db`), avec notre reprise.

Au démarrage puis périodiquement, un fil de veille :
- donne un signe de vie (`battement`) au travail en cours d'exécution, même pendant une longue transaction ;
- déclare échoués les travaux « en cours » dont le processus a disparu (muets depuis `PVD_TRAVAUX_SILENCE_MAX`
  secondes : SIGKILL, machine éteinte, mémoire épuisée), avec la raison en français ; jamais « en cours » pour
  toujours ;
- avec `suivre_le_parent`, arrête le processus quand son parent disparaît (`pvd demo` arrêté net).

À son démarrage, il efface les travaux finis depuis plus de 30 jours (`services.travaux_anciens_effacer`).

Sur SQLite, le signe de vie attend la fin de la transaction d'écriture d'un import (un seul écrivain) : le seuil
doit dépasser la plus longue d'entre elles (ADR 0012).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from . import services

journal = logging.getLogger(__name__)


def travailleur(*, intervalle: float = 1.0, batch: bool = False, **options) -> Travailleur:
    """Le travailleur de la file par défaut (`pvd worker`, et les tests qui vident la file : `batch=True`)."""
    return Travailleur(
        queue_names=["default"],
        interval=intervalle,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
        **options,
    )


class Travailleur(Worker):
    def __init__(self, *, suivre_le_parent: bool = False, veille: bool = True, **options) -> None:
        super().__init__(**options)
        self.veille = veille
        self.tache_courante: str | None = None
        self.parent = os.getppid() if suivre_le_parent else None
        self._arret = threading.Event()

    @property
    def pas_de_veille(self) -> float:
        return max(0.5, min(30.0, settings.PVD_TRAVAUX_SILENCE_MAX / 4))

    def run(self) -> None:
        self.veiller()
        effaces = services.travaux_anciens_effacer()
        if effaces:
            journal.info("%s travail(s) fini(s) depuis plus de 30 jours effacé(s).", effaces)
        if self.veille:
            fil = threading.Thread(target=self._veille, name="veille-des-travaux", daemon=True)
            fil.start()
        try:
            super().run()
        finally:
            self._arret.set()

    def run_task(self, db_task_result) -> None:
        self.tache_courante = str(db_task_result.id)
        try:
            super().run_task(db_task_result)
        finally:
            self.tache_courante = None

    def veiller(self) -> int:
        """Un tour de veille : signe de vie du travail en cours, puis reprise des travaux interrompus."""
        courante = self.tache_courante
        if courante:
            services.travail_battre(tache_id=courante)
        clos = services.travaux_interrompus_clore(sauf=courante)
        if clos:
            journal.warning("%s interrompu(s) déclaré(s) échoué(s).", clos)
        return clos

    def _veille(self) -> None:
        while not self._arret.wait(self.pas_de_veille):
            if self.parent is not None and os.getppid() != self.parent:
                journal.warning("Le site qui a lancé ce processus de travaux s'est arrêté : arrêt.")
                os._exit(0)
            try:
                self.veiller()
            except DatabaseError as erreur:  # base verrouillée ou injoignable : au prochain tour
                journal.warning("Veille des travaux remise au prochain tour : %s", erreur)
            finally:
                connection.close()


def processus_a_cote() -> subprocess.Popen:
    """`pvd worker` dans un processus à côté du site de démonstration ; il s'arrête avec lui (`processus_arreter`,
    ou de lui-même si le site disparaît sans prévenir)."""
    return subprocess.Popen([sys.executable, "-m", "pvd.cli", "worker", "--suivre-le-parent"])


def processus_arreter(processus: subprocess.Popen, delai: float = 10.0) -> None:
    """Demande l'arrêt (SIGTERM : le travail en cours finit), puis l'impose au bout de `delai` secondes."""
    if processus.poll() is not None:
        return
    processus.terminate()
    try:
        processus.wait(delai)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()
