"""Mesure : import d'une maquette financière de 5 000 actions (une ligne par action, une colonne par financeur) dans
le plan d'action d'une convention-cadre : aperçu, import, réimport du même fichier (rien ne change), en CSV et en XLSX.

Cible (issue 12) : l'import d'une maquette de 5 000 lignes en 15 s au plus.
Usage : python bench/maquette.py  (SQLite temporaire ; DATABASE_URL=postgres://… pour PostgreSQL)
"""

import io
import os
import random
import resource
import time

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver")
preparer_django()

from openpyxl import Workbook  # noqa: E402

from pvd.actions.models import FicheAction, LigneFinancement  # noqa: E402
from pvd.imports.ecriture import TRACE_IMPORT, maquette_apercu, maquette_importer  # noqa: E402
from pvd.programmes.demo import charger_exemple_lot  # noqa: E402
from pvd.programmes.models import Convention, Programme  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402

LIGNES = 5000
COLONNES = [
    "N° action",
    "Intitulé",
    "Maître d'ouvrage",
    "Coût HT",
    "État DETR",
    "DSIL",
    "Fonds vert",
    "Région",
    "Département",
    "Banque des Territoires",
    "Autofinancement",
]


def mesurer(nom, fonction):
    debut = time.perf_counter()
    resultat = fonction()
    duree = time.perf_counter() - debut
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{nom:58}{duree:>8.2f} s   pic résident {pic:>6.0f} Mo")
    return resultat


def maquette(alea: random.Random, maitres: list[str], total: int = LIGNES, depart: int = 0) -> list[list]:
    """Des actions numérotées « axe.rang », un intertitre par axe, des financeurs tirés au hasard, un total."""
    lignes = [["Maquette financière du plan d'action (données générées pour la mesure)"], COLONNES]
    for i in range(depart, depart + total):
        if i % 1000 == 0:
            lignes.append([f"Axe {i // 1000 % 5 + 1}"])
        cout = alea.randrange(20_000, 2_000_000, 1000)
        parts = [alea.choice([0, 0, 0.1, 0.2, 0.3]) for _ in range(6)]
        montants = [int(cout * p) if p else "" for p in parts]
        public = sum(m for m in montants if m)
        autofinancement = max(cout - public, int(cout * 0.2))
        lignes.append(
            [
                f"{i // 1000 + 1}.{i % 1000 + 1}",
                f"Action {i + 1}",
                alea.choice(maitres),
                cout,
                *montants,
                autofinancement,
            ]
        )
    lignes.append(["TOTAL"])
    return lignes


def en_csv(lignes: list[list]) -> bytes:
    return "\n".join(";".join(str(c) for c in ligne) for ligne in lignes).encode()


def en_xlsx(lignes: list[list]) -> bytes:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet()
    for ligne in lignes:
        feuille.append(ligne)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def main() -> None:
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    print(machine())
    cadres = list(Convention.objects.filter(type=Convention.Type.CADRE_ORT).order_by("pk")[:2])
    alea = random.Random(12)
    for format, ecrire, cadre in (("CSV", en_csv, cadres[0]), ("XLSX", en_xlsx, cadres[1])):
        maitres = [lien.commune.nom for lien in cadre.communes.select_related("commune")] + [cadre.epci.nom]
        mesurer_format(format, ecrire(maquette(alea, maitres)), cadre)


def mesurer_format(format: str, contenu: bytes, cadre: Convention) -> None:
    nom = f"maquette.{format.lower()}"
    print(f"{format} : {LIGNES} actions, {len(contenu) / 1e6:.1f} Mo, {cadre.titre}")
    apercu = mesurer(f"  aperçu ({format})", lambda: maquette_apercu(contenu, nom, convention=cadre))
    plan = mesurer(
        f"  import ({format})",
        lambda: maquette_importer(
            contenu, nom, convention=cadre, trace=TRACE_IMPORT, signature_apercu=apercu.signature()
        ),
    )
    c = plan.comptes()
    fiches = FicheAction.objects.filter(convention=cadre).count()
    lignes = LigneFinancement.objects.filter(fiche__convention=cadre).count()
    print(
        f"    {c['creation']} lignes créées, {c['rejet']} refusées : {fiches} fiches, {lignes} financements"
    )
    plan = mesurer(
        f"  réimport du même fichier ({format})",
        lambda: maquette_importer(contenu, nom, convention=cadre, trace=TRACE_IMPORT),
    )
    assert plan.comptes()["creation"] == plan.comptes()["modification"] == 0
    assert FicheAction.objects.filter(convention=cadre).count() == fiches


if __name__ == "__main__":
    main()
