"""Mesure : chargement complet du référentiel (COG 2026 + historique 2021 + coordonnées), puis second passage.

Usage : python bench/import_referentiel.py   (DATABASE_URL=postgres://… pour PostgreSQL)
"""

import time

from _commun import machine, preparer_django

preparer_django()

from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune, Epci  # noqa: E402

print(machine())
debut = time.perf_counter()
premier = referentiel_importer()
duree1 = time.perf_counter() - debut
debut = time.perf_counter()
second = referentiel_importer()
duree2 = time.perf_counter() - debut
print(f"Premier import : {duree1:.2f} s ({premier.total_crees} lignes créées)")
print(f"Second import  : {duree2:.2f} s ({second.total_crees} créée(s), {second.total_modifies} modifiée(s))")
print(
    f"Communes actuelles : {Commune.objects.actuelles().count()}, EPCI actuels : {Epci.objects.actuels().count()}, "
    f"communes disparues gardées : {Commune.objects.filter(obsolete=True).count()}"
)
