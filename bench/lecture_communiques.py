"""Mesure : précision et rappel du lecteur de communiqués sur les exemples réels étiquetés à la main
(`tests/imports/communiques/`), communes et conventions.

Usage : python bench/lecture_communiques.py [--detail]
"""

import argparse
import os
import sys
from pathlib import Path

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver")
preparer_django()

from pvd.imports.mesure_communiques import evaluer  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune  # noqa: E402

DOSSIER = Path(__file__).resolve().parent.parent / "tests" / "imports" / "communiques"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--detail", action="store_true")
    args = parser.parse_args()
    if not Commune.objects.exists():
        referentiel_importer()
    print(machine())
    resultats = evaluer(DOSSIER, detail=args.detail)
    print(f"{resultats['exemples']} communiqués réels, étiquetés à la main")
    for cle_, libelle in (("communes", "Communes"), ("conventions", "Conventions")):
        print(
            f"{libelle:12} précision {resultats[cle_ + '_precision']:.0%}   rappel {resultats[cle_ + '_rappel']:.0%}"
        )


if __name__ == "__main__":
    sys.exit(main())
