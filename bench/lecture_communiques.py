"""Mesure : précision et rappel du lecteur de communiqués sur les exemples réels étiquetés à la main
(`tests/imports/communiques/`), communes et conventions.

Usage : python bench/lecture_communiques.py [--detail]
"""

import argparse
import json
import os
import sys
from pathlib import Path

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver")
preparer_django()

from pvd.imports.communiques import lire_communique  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune  # noqa: E402

DOSSIER = Path(__file__).resolve().parent.parent / "tests" / "imports" / "communiques"


def evaluer(dossier: Path = DOSSIER, detail: bool = False) -> dict:
    totaux = {
        "communes_vp": 0,
        "communes_predites": 0,
        "communes_attendues": 0,
        "conventions_vp_p": 0,
        "conventions_predites": 0,
        "conventions_vp_r": 0,
        "conventions_attendues": 0,
    }
    for chemin in sorted(dossier.glob("*.txt")):
        attendu = json.loads(chemin.with_suffix(".json").read_text())
        lu = lire_communique(chemin.read_text(), attendu["departement"])
        predites = {c["insee"] for conv in lu["conventions"] for c in conv["communes"]}
        attendues = {c["insee"] for conv in attendu["conventions"] for c in conv["communes"]}
        totaux["communes_vp"] += len(predites & attendues)
        totaux["communes_predites"] += len(predites)
        totaux["communes_attendues"] += len(attendues)

        def correspond(a, b):
            ca, cb = {c["insee"] for c in a["communes"]}, {c["insee"] for c in b["communes"]}
            if ca and cb:
                return bool(ca & cb)
            return bool(a.get("epci_siren")) and a.get("epci_siren") == b.get("epci_siren")

        vp_p = sum(any(correspond(p, e) for e in attendu["conventions"]) for p in lu["conventions"])
        vp_r = sum(any(correspond(p, e) for p in lu["conventions"]) for e in attendu["conventions"])
        totaux["conventions_vp_p"] += vp_p
        totaux["conventions_predites"] += len(lu["conventions"])
        totaux["conventions_vp_r"] += vp_r
        totaux["conventions_attendues"] += len(attendu["conventions"])
        if detail:
            print(
                f"{chemin.stem}: communes {len(predites & attendues)}/{len(attendues)} (+{len(predites - attendues)} en trop : "
                f"{sorted(predites - attendues)}, manquent {sorted(attendues - predites)}) ; conventions "
                f"{vp_r}/{len(attendu['conventions'])} retrouvées, {len(lu['conventions'])} proposées ; date "
                f"{lu['date']} / {attendu['date']}"
            )

    def ratio(a, b):
        return a / b if b else 1.0

    return {
        "exemples": len(list(dossier.glob("*.txt"))),
        "communes_precision": ratio(totaux["communes_vp"], totaux["communes_predites"]),
        "communes_rappel": ratio(totaux["communes_vp"], totaux["communes_attendues"]),
        "conventions_precision": ratio(totaux["conventions_vp_p"], totaux["conventions_predites"]),
        "conventions_rappel": ratio(totaux["conventions_vp_r"], totaux["conventions_attendues"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--detail", action="store_true")
    args = parser.parse_args()
    if not Commune.objects.exists():
        referentiel_importer()
    print(machine())
    resultats = evaluer(detail=args.detail)
    print(f"{resultats['exemples']} communiqués réels, étiquetés à la main")
    for cle_, libelle in (("communes", "Communes"), ("conventions", "Conventions")):
        print(
            f"{libelle:12} précision {resultats[cle_ + '_precision']:.0%}   rappel {resultats[cle_ + '_rappel']:.0%}"
        )


if __name__ == "__main__":
    sys.exit(main())
