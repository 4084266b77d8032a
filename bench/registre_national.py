"""Mesure : les pages et l'API du programme sur un registre à l'échelle nationale.

Génère (graine fixe) environ 1 650 lauréats sur une centaine de départements, environ 1 000 conventions (adhésions
signées par EPCI, conventions-cadres ORT pour une partie, quelques avenants), leurs signataires et des postes de
chef de projet, puis mesure chaque page et point d'API (médiane et 95e centile de 50 requêtes, client de test
Django, en processus). Cible : moins de 150 ms au 95e centile pour chaque page.

Usage : python bench/registre_national.py [--requetes 50]
"""

import argparse
import os
import random
import statistics
import time
from collections import defaultdict
from datetime import date, timedelta

from _commun import machine, preparer_django

os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
preparer_django()

from django.test import Client  # noqa: E402

from pvd.accounts.services import utilisateur_creer  # noqa: E402
from pvd.programmes.demo import charger_exemple_lot  # noqa: E402
from pvd.programmes.models import (  # noqa: E402
    Convention,
    ConventionCommune,
    Laureat,
    PosteChefDeProjet,
    Programme,
    Signataire,
)
from pvd.programmes.selectors import departement_principal  # noqa: E402
from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune, Departement  # noqa: E402
from pvd.web.statiques import statiques_collecter  # noqa: E402

GRAINE = 1650
CIBLE_LAUREATS = 1650


def generer(programme: Programme) -> dict[str, int]:
    alea = random.Random(GRAINE)
    departements = [d.code for d in Departement.objects.filter(zone__in=["metro", "drom"]).order_by("code")]
    deja = set(Laureat.objects.values_list("commune_id", flat=True))
    candidates = defaultdict(list)
    for commune in (
        Commune.objects.actuelles()
        .filter(population__gte=1500, population__lt=20000, epci__isnull=False)
        .select_related("epci")
    ):
        if commune.code not in deja:
            candidates[commune.departement_id].append(commune)
    par_departement = -(-(CIBLE_LAUREATS - len(deja)) // len(departements))
    choisies = []
    for code in departements:
        liste = candidates.get(code, [])
        alea.shuffle(liste)
        choisies += liste[: par_departement + alea.randint(0, 2)]
    alea.shuffle(choisies)
    choisies = choisies[: CIBLE_LAUREATS - len(deja)]
    suivi = {}
    laureats = []
    for commune in choisies:
        if commune.epci_id not in suivi:
            suivi[commune.epci_id] = departement_principal(commune.epci).code
        laureats.append(
            Laureat(
                programme=programme,
                commune=commune,
                date_selection=date(2020, 12, 11),
                identifiant_national=f"pvd-{commune.code}",
                source="registre généré (mesure)",
                departement_suivi_id=suivi[commune.epci_id],
            )
        )
    Laureat.objects.bulk_create(laureats, batch_size=1000)
    par_epci = defaultdict(list)
    for laureat in laureats:
        par_epci[laureat.commune.epci_id].append(laureat)
    conventions, liens, signataires = [], [], []
    plan = []
    for siren, groupe in par_epci.items():
        signature = date(2021, 3, 1) + timedelta(days=alea.randint(0, 300))
        plan.append((Convention.Type.ADHESION, siren, groupe, signature))
        if alea.random() < 0.55:
            ort = signature + timedelta(days=alea.randint(300, 900))
            plan.append((Convention.Type.CADRE_ORT, siren, groupe, ort if ort < date(2026, 6, 1) else None))
    for type_, siren, groupe, signature in plan:
        conventions.append(
            Convention(
                programme=programme,
                type=type_,
                epci_id=siren,
                departement_suivi_id=groupe[0].departement_suivi_id,
                statut="signee" if signature else "en_elaboration",
                date_signature=signature,
                date_signature_prevue=signature,
                lieu_signature="préfecture",
                duree_annees=5 if type_ == "cadre_ort" else None,
            )
        )
    Convention.objects.bulk_create(conventions, batch_size=1000)
    for convention, (_, _, groupe, signature) in zip(conventions, plan, strict=True):
        liens += [
            ConventionCommune(convention=convention, commune=laureat.commune, ordre=i)
            for i, laureat in enumerate(groupe)
        ]
        if signature:
            signataires.append(
                Signataire(convention=convention, partie="etat", organisme="État", qualite="préfet")
            )
            signataires += [
                Signataire(
                    convention=convention,
                    partie="commune",
                    organisme=laureat.commune.nom,
                    commune=laureat.commune,
                    qualite=f"maire de {laureat.commune.nom}",
                    ordre=i + 1,
                )
                for i, laureat in enumerate(groupe)
            ]
    ConventionCommune.objects.bulk_create(liens, batch_size=2000)
    Signataire.objects.bulk_create(signataires, batch_size=2000)
    postes = 0
    for siren, groupe in par_epci.items():
        if alea.random() < 0.7:
            poste = PosteChefDeProjet.objects.create(
                programme=programme,
                employeur_type="epci",
                employeur_epci_id=siren,
                date_prise_poste=date(2021, 9, 1) + timedelta(days=alea.randint(0, 400)),
            )
            poste.laureats.set(groupe)
            postes += 1
    return {
        "laureats": Laureat.objects.count(),
        "conventions": Convention.objects.count(),
        "signataires": Signataire.objects.count(),
        "postes": postes,
    }


def mesurer(client: Client, url: str, n: int, avant=None) -> tuple[float, float]:
    """Médiane et 95e centile de `n` requêtes, après un échauffement ; `avant` : appelé avant chacune, hors du temps
    mesuré (vider un cache, par exemple)."""
    client.get(url)  # échauffement (index du résolveur, caches de gabarits)
    durees = []
    for _ in range(n):
        if avant is not None:
            avant()
        debut = time.perf_counter()
        reponse = client.get(url)
        durees.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, (url, reponse.status_code)
    durees.sort()
    return statistics.median(durees), durees[int(0.95 * (len(durees) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requetes", type=int, default=50)
    args = parser.parse_args()
    statiques_collecter()
    print(machine())
    debut = time.perf_counter()
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    comptes = generer(programme)
    print(f"Registre généré en {time.perf_counter() - debut:.1f} s : {comptes}")
    plus_gros = Laureat.objects.values_list("departement_suivi_id", flat=True).order_by(
        "departement_suivi_id"
    )
    compte_dep = defaultdict(int)
    for code in plus_gros:
        compte_dep[code] += 1
    dep = max(compte_dep, key=compte_dep.get)
    region = Departement.objects.get(code=dep).region_id
    convention = Convention.objects.filter(departement_suivi_id=dep).order_by("id").first()
    client = Client()
    client.force_login(utilisateur_creer(email="mesure@anct.test", role="national"))
    pages = [
        ("Tableau de bord national", "/programmes/pvd/"),
        ("Tableau de bord national au 2021-07-27", "/programmes/pvd/?au=2021-07-27"),
        (f"Tableau de bord région {region}", f"/programmes/pvd/regions/{region}/"),
        (f"Département {dep} ({compte_dep[dep]} lauréats)", f"/programmes/pvd/departements/{dep}/"),
        ("Département 46 (Lot)", "/programmes/pvd/departements/46/"),
        ("Convention", f"/conventions/{convention.pk}/"),
        ("Commune (frise)", "/communes/46128/"),
        ("Formulaire de signature", f"/conventions/{convention.pk}/signature/"),
        ("API lauréats (100)", "/api/v1/laureats?limit=100"),
        ("API lauréats du 46", "/api/v1/laureats?departement=46"),
        ("API conventions (100)", "/api/v1/conventions?limit=100"),
        ("API convention", f"/api/v1/conventions/{convention.pk}"),
        ("API programmes", "/api/v1/programmes"),
    ]
    print(f"\n{'page':48}{'médiane':>10}{'p95':>10}")
    pire = 0.0
    for nom, url in pages:
        mediane, p95 = mesurer(client, url, args.requetes)
        pire = max(pire, p95)
        print(f"{nom:48}{mediane:>8.1f}ms{p95:>8.1f}ms")
    print(f"\nPire 95e centile : {pire:.1f} ms (cible : 150 ms)")


if __name__ == "__main__":
    main()
