"""Mesure : l'annexe « plan d'action » (DOCX, PDF) et les exports nationaux du plan d'action aux standards (SCDL
« Subventions » 1.1, « projets »), sur un registre national généré avec environ 40 000 fiches et 150 000 lignes.

Cibles : l'annexe d'un plan en moins d'une seconde ; chaque export national en moins de trois secondes.
Usage : python bench/plan_documents.py [--repetitions 3] [--fiches 40000]
"""

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
preparer_django()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from registre_national import generer  # noqa: E402

from pvd.actions.models import Axe, Dispositif, FicheAction, LigneFinancement, Organisation  # noqa: E402
from pvd.programmes.demo import charger_exemple_lot  # noqa: E402
from pvd.programmes.models import Convention, Laureat, Programme  # noqa: E402
from pvd.publication.annexe import annexe_plan, en_docx, en_pdf  # noqa: E402
from pvd.publication.exports import produire  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402


def chrono(fonction, repetitions: int) -> tuple[float, float]:
    fonction()  # échauffement
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees), max(durees)


@transaction.atomic
def plans(programme: Programme, nombre: int) -> None:
    """`nombre` fiches réparties sur les conventions-cadres (graine fixe), trois à quatre lignes chacune."""
    hasard = random.Random(12)
    cadres = list(programme.conventions.filter(type=Convention.Type.CADRE_ORT).select_related("epci"))
    organisations = {}
    for cadre in cadres:
        if cadre.epci_id not in organisations:
            organisations[cadre.epci_id], _ = Organisation.objects.get_or_create(
                epci=cadre.epci, defaults={"nom": cadre.epci.nom, "siren": cadre.epci_id, "nature": "epci"}
            )
    axes = list(Axe.objects.filter(programme__isnull=True))
    etat, bdt = Organisation.objects.get(nom="État"), Organisation.objects.get(nom="Banque des Territoires")
    detr, dsil = Dispositif.objects.get(code="detr"), Dispositif.objects.get(code="dsil")
    ingenierie, pret = Dispositif.objects.get(code="bdt-ingenierie"), Dispositif.objects.get(code="bdt-pret")
    fiches = []
    for i in range(nombre):
        cadre = cadres[i % len(cadres)]
        debut = date(2023, 1, 1) + timedelta(days=hasard.randrange(900))
        cout = hasard.randrange(20_000, 2_000_000)
        fiches.append(
            FicheAction(
                convention=cadre,
                numero=f"{i % 5 + 1}.{i // len(cadres) + 1}",
                intitule=f"Action {i} — requalification",
                axe=axes[i % len(axes)],
                maitre_ouvrage=organisations[cadre.epci_id],
                date_debut=debut,
                date_fin=debut + timedelta(days=hasard.randrange(200, 1500)),
                cout_ht=cout,
                cout_ttc=cout * 1.2,
            )
        )
    fiches = FicheAction.objects.bulk_create(fiches, batch_size=2000)
    lignes = []
    for fiche in fiches:
        cout = fiche.cout_ht
        lignes.append(
            LigneFinancement(
                fiche=fiche,
                financeur=etat,
                dispositif=hasard.choice([detr, dsil]),
                montant=round(cout * 0.4),
                statut="accordee",
                date_demande=date(2024, 1, 10),
                date_decision=date(2024, 4, 1),
                reference_decision=f"A-{fiche.pk}",
            )
        )
        lignes.append(
            LigneFinancement(
                fiche=fiche,
                financeur=bdt,
                dispositif=ingenierie,
                montant=round(cout * 0.1),
                statut="versee",
                date_demande=date(2024, 1, 10),
                date_decision=date(2024, 3, 1),
                date_versement=date(2024, 9, 1),
            )
        )
        lignes.append(
            LigneFinancement(fiche=fiche, financeur=fiche.maitre_ouvrage, montant=round(cout * 0.3))
        )
        if fiche.pk % 2:
            lignes.append(
                LigneFinancement(
                    fiche=fiche,
                    financeur=bdt,
                    dispositif=pret,
                    montant=round(cout * 0.2),
                    statut="sollicitee",
                )
            )
    LigneFinancement.objects.bulk_create(lignes, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--fiches", type=int, default=40_000)
    args = parser.parse_args()
    print(machine())
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    generer(programme)
    Laureat.objects.update(publie=True)
    programme.conventions.update(publie=True)
    plans(programme, args.fiches)
    print(
        f"Registre : {programme.conventions.filter(type='cadre_ort').count()} conventions-cadres, "
        f"{FicheAction.objects.count()} fiches, {LigneFinancement.objects.count()} lignes (tout publié)"
    )
    plus_grand = (
        Convention.objects.filter(type="cadre_ort")
        .annotate(n=Count("fiches_actions"))
        .order_by("-n", "pk")
        .first()
    )
    au = date.today()
    mesures = [
        (
            f"Annexe d'un plan ({plus_grand.n} fiches) : DOCX",
            lambda: en_docx(annexe_plan(plus_grand, au)),
        ),
        (
            f"Annexe d'un plan ({plus_grand.n} fiches) : PDF public",
            lambda: en_pdf(annexe_plan(plus_grand, au, publique=True)),
        ),
    ]
    for jeu in ("subventions_scdl", "projets"):
        mesures.append(
            (
                f"Export national {jeu} (csv)",
                lambda jeu=jeu: produire(jeu, "csv", programme=programme, au=au),
            )
        )
    print(f"\n{'opération':48}{'médiane':>10}{'pire':>10}")
    for nom, fonction in mesures:
        mediane, pire = chrono(fonction, args.repetitions)
        print(f"{nom:48}{mediane * 1000:>8.0f}ms{pire * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
