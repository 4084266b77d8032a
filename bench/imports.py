"""Mesure : import d'une liste nationale de 1 700 lauréats et d'un tableur de 35 000 lignes (durée, mémoire).

Cibles : moins de 2 s pour la liste nationale, moins de 20 s pour le tableur.
Usage : python bench/imports.py
"""

import os
import random
import resource
import time

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver")
preparer_django()

from django.db import transaction  # noqa: E402

from pvd.imports.pipeline import TRACE_IMPORT, importer  # noqa: E402
from pvd.programmes.models import Convention, Laureat  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune  # noqa: E402
from pvd.territoires.resolution import obtenir_index  # noqa: E402


def mesurer(nom, fonction):
    """Durée sans traçage des allocations (tracemalloc double le temps d'un import) ; la mémoire est le pic de
    mémoire résidente du processus, relevé après l'étape."""
    debut = time.perf_counter()
    resultat = fonction()
    duree = time.perf_counter() - debut
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{nom:58}{duree:>8.2f} s   pic résident {pic:>6.0f} Mo")
    return resultat


class _Annuler(Exception):
    pass


def main() -> None:
    referentiel_importer()
    print(machine())
    # Le site construit l'index du résolveur une fois par processus (au premier nom cherché) ; `pvd import` en
    # ligne de commande le paie à chaque lancement : mesuré à part.
    mesurer("Index du résolveur (une fois par processus)", obtenir_index)
    alea = random.Random(1700)
    communes = list(
        Commune.objects.actuelles()
        .filter(population__gte=1000, population__lt=20000, epci__isnull=False)
        .values_list("code", "nom")
    )
    choisies = alea.sample(communes, 1700)
    lignes = ["insee_com,lib_com,id_pvd,date_signature"] + [
        f"{code},{nom.replace(',', ' ')},pvd-{i},2021-0{alea.randint(3, 9)}-1{alea.randint(0, 9)}"
        for i, (code, nom) in enumerate(choisies)
    ]
    liste = "\n".join(lignes).encode()
    # Dates tirées au hasard : quelques communes n'étaient pas encore membres de leur EPCI actuel à la date
    # de signature ; le pipeline refuse ces lignes (à raison), on importe le reste et on les compte.
    plan = mesurer(
        "Liste nationale PVD (1 700 lignes), import complet",
        lambda: importer(liste, "nationale.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True),
    )
    print(f"  → {plan.comptes()}")
    print(f"  → {Laureat.objects.count()} lauréats, {Convention.objects.count()} conventions en base")
    plan = mesurer(
        "Même liste une seconde fois (rien ne change)",
        lambda: importer(liste, "nationale.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True),
    )
    print(f"  → {plan.comptes()}")

    tous = list(Commune.objects.actuelles().values_list("nom", "code", "population"))
    tableur = ["Commune;Code INSEE;Observations"] + [
        f"{nom};{code};ligne de suivi {i}"
        for i, (nom, code, pop) in enumerate(tous[:35000])
        if (pop or 0) < 20000
    ]
    while len(tableur) < 35001:
        tableur.append(tableur[1 + len(tableur) % 30000])
    contenu = "\n".join(tableur[:35001]).encode("utf-8")
    colonnes = {"Commune": "commune", "Code INSEE": "code"}

    def tout_importer_puis_annuler():
        """Écrit tout, dans une transaction défaite à la fin (la base de mesure reste celle de la liste)."""
        try:
            with transaction.atomic():
                plan = importer(
                    contenu,
                    "tableur.csv",
                    "tableur",
                    correspondance=colonnes,
                    trace=TRACE_IMPORT,
                    valides_seulement=True,
                )
                raise _Annuler(plan)
        except _Annuler as annulation:
            return annulation.args[0]

    plan = mesurer("Tableur de 35 000 lignes (lauréats), import complet", tout_importer_puis_annuler)
    print(f"  → {plan.comptes()}")
    print(
        f"Mémoire résidente maximale du processus : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo"
    )


if __name__ == "__main__":
    main()
