"""Mesure : le communiqué d'un département (DOCX et PDF) et chaque export national, sur le registre généré.

Cibles : communiqué en moins d'une seconde, chaque export national en moins de deux secondes.
Usage : python bench/publication.py [--repetitions 5]
"""

import argparse
import os
import statistics
import time
from datetime import date

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
preparer_django()

from registre_national import generer  # noqa: E402

from pvd.programmes.demo import charger_exemple_lot  # noqa: E402
from pvd.programmes.models import Laureat, Programme  # noqa: E402
from pvd.publication.communique import communique_rediger  # noqa: E402
from pvd.publication.exports import produire  # noqa: E402
from pvd.publication.rendus import en_docx, en_pdf  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Departement  # noqa: E402


def chrono(fonction, repetitions: int) -> tuple[float, float]:
    fonction()  # échauffement
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees), max(durees)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    generer(programme)
    Laureat.objects.update(publie=True)
    programme.conventions.update(publie=True)
    print(
        f"Registre : {Laureat.objects.count()} lauréats, {programme.conventions.count()} conventions (tout publié)"
    )
    lot = Departement.objects.select_related("chef_lieu").get(code="46")
    jour = date(2021, 7, 27)
    mesures = [
        (
            "Communiqué du Lot : rédaction",
            lambda: communique_rediger(programme=programme, departement=lot, jour=jour),
        ),
        (
            "Communiqué du Lot : rédaction + DOCX",
            lambda: en_docx(communique_rediger(programme=programme, departement=lot, jour=jour)),
        ),
        (
            "Communiqué du Lot : rédaction + PDF",
            lambda: en_pdf(communique_rediger(programme=programme, departement=lot, jour=jour)),
        ),
    ]
    au = date(2026, 11, 25)
    for jeu in ("laureats", "ort", "conventions"):
        for format in ("csv", "xlsx"):
            mesures.append(
                (
                    f"Export national {jeu} ({format})",
                    lambda jeu=jeu, format=format: produire(jeu, format, programme=programme, au=au),
                )
            )
    mesures.append(
        ("Export national geojson", lambda: produire("geojson", "json", programme=programme, au=au))
    )
    print(f"\n{'opération':44}{'médiane':>10}{'pire':>10}")
    for nom, fonction in mesures:
        mediane, pire = chrono(fonction, args.repetitions)
        print(f"{nom:44}{mediane * 1000:>8.0f}ms{pire * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
