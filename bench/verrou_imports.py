"""Mesure : combien de temps un long import garde la base pour lui (SQLite n'a qu'un écrivain).

Un tableur de 35 000 lignes est importé pendant qu'un autre fil écrit une petite ligne toutes les 50 ms (ce que
fait un jeton d'API ou une session) : on relève la durée de l'import, celle de sa transaction d'écriture (le reste,
lire le fichier et résoudre les communes, se fait avant), et la plus longue attente de l'autre écrivain.
Usage : python bench/verrou_imports.py
"""

import threading
import time

from _commun import machine, preparer_django

preparer_django()

from django.db import OperationalError, connection  # noqa: E402

from pvd.accounts.models import EvenementSecurite  # noqa: E402
from pvd.imports import pipeline  # noqa: E402

try:
    from pvd.imports import ecriture
except ImportError:  # avant la séparation du pipeline
    ecriture = pipeline
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune  # noqa: E402
from pvd.territoires.resolution import obtenir_index  # noqa: E402


def tableur(lignes: int) -> bytes:
    tous = [
        (nom, code)
        for nom, code, pop in Commune.objects.actuelles().values_list("nom", "code", "population")
        if (pop or 0) < 20000
    ]
    corps = [f"{nom};{code};ligne de suivi {i}" for i, (nom, code) in enumerate(tous[:lignes])]
    while len(corps) < lignes:
        corps.append(corps[len(corps) % len(tous)])
    return "\n".join(["Commune;Code INSEE;Observations", *corps]).encode("utf-8")


def main() -> None:
    referentiel_importer()
    obtenir_index()
    print(machine())
    contenu = tableur(35000)
    attentes: list[float] = []
    echecs: list[float] = []  # « database is locked » après le délai d'attente de SQLite (20 s)
    fin = threading.Event()

    def autre_ecrivain():
        while not fin.is_set():
            debut = time.perf_counter()
            try:
                EvenementSecurite.objects.create(type="connexion", identifiant="mesure")
            except OperationalError:
                echecs.append(time.perf_counter() - debut)
            attentes.append(time.perf_counter() - debut)
            time.sleep(0.05)
        connection.close()

    transaction_ecriture = {}
    planifier = getattr(
        pipeline, "planifier", None
    )  # avant la séparation lecture / écriture : tout était dedans

    def planifier_mesure(lecture):  # dans `importer`, la transaction d'écriture s'ouvre juste avant
        transaction_ecriture.setdefault("debut", time.perf_counter())
        plan = planifier(lecture)
        transaction_ecriture["plan"] = time.perf_counter() - transaction_ecriture["debut"]
        return plan

    if planifier is not None:
        ecriture.planifier = planifier_mesure
    fil = threading.Thread(target=autre_ecrivain)
    fil.start()
    debut = time.perf_counter()
    plan = ecriture.importer(
        contenu,
        "tableur.csv",
        "tableur",
        correspondance={"Commune": "commune", "Code INSEE": "code"},
        trace=ecriture.TRACE_IMPORT,
        valides_seulement=True,
    )
    total = time.perf_counter() - debut
    duree_ecriture = time.perf_counter() - transaction_ecriture.get("debut", debut)
    fin.set()
    fil.join()
    print(
        f"Tableur de 35 000 lignes : import {total:.1f} s, dont transaction d'écriture {duree_ecriture:.1f} s"
    )
    if "plan" in transaction_ecriture:
        print(f"  → dont le plan refait d'après le registre : {transaction_ecriture['plan']:.1f} s")
    print(f"  → {plan.comptes()}")
    print(
        f"Autre écrivain pendant l'import : {len(attentes)} écritures, attente la plus longue "
        f"{max(attentes):.2f} s, médiane {sorted(attentes)[len(attentes) // 2] * 1000:.0f} ms, "
        f"{len(echecs)} échec(s) « database is locked »"
    )


if __name__ == "__main__":
    main()
