"""Mesure : les plans d'action à l'échelle nationale.

Sur le registre national de `registre_national.py` (graine fixe), génère (graine fixe, `bulk_create`) environ 40 000
fiches actions sur les conventions-cadres, leur historique d'états et environ 150 000 lignes de financement (État et
ses dispositifs, Banque des Territoires, Anah, Europe, région, département, autofinancement ; tous les statuts, dates
cohérentes), publie la moitié des conventions-cadres, puis mesure (médiane et 95e centile de N requêtes, client de
test Django, en processus) :

- les tableaux de bord des plans : national, région, département (le plus fourni), public ; pour l'équipe nationale
  et pour une préfecture (son périmètre : une sous-requête) ; cible 150 ms au 95e centile ; en cache (relus tant
  que rien n'est écrit) et sans cache (chaque requête calcule : le premier lecteur après une écriture) ;
- la page du département (sa liste « à faire » porte les demandes en attente) et le plan d'action de la
  convention-cadre qui a le plus de fiches ; cible 150 ms ;
- l'export national en données ouvertes des fiches et des lignes (CSV, `pvd.publication.plans`) ; cible 3 s.

Usage : python bench/plans.py [--requetes 30] [--fiches 40000]
"""

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import date, datetime, timedelta

from _commun import machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from registre_national import generer, mesurer  # prépare Django (base neuve)

from pvd.accounts.services import utilisateur_creer
from pvd.actions.models import (
    Axe,
    ChangementEtat,
    Dispositif,
    FicheAction,
    LigneFinancement,
    Organisation,
)
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Programme
from pvd.publication.exports import en_csv
from pvd.publication.plans import jeu_fiches_actions, jeu_lignes_financement
from pvd.territoires.importation import referentiel_importer
from pvd.territoires.models import Departement, Region
from pvd.web.statiques import statiques_collecter

GRAINE = 40000
SUITE = ["a_l_etude", "programmee", "engagee", "en_cours", "realisee"]


def _instant(jour: date) -> datetime:
    return timezone.make_aware(datetime(jour.year, jour.month, jour.day, 9))


def generer_plans(programme: Programme, cible_fiches: int, cible_lignes: int) -> dict[str, int]:
    alea = random.Random(GRAINE)
    cadres = list(
        Convention.objects.filter(programme=programme, type="cadre_ort")
        .prefetch_related("communes__commune")
        .order_by("pk")
    )
    axes = list(Axe.objects.filter(programme__isnull=True).order_by("pk")) + list(
        Axe.objects.filter(programme=programme)
    )
    communes = {lien.commune for c in cadres for lien in c.communes.all()}
    existantes = set(Organisation.objects.filter(commune__isnull=False).values_list("commune_id", flat=True))
    Organisation.objects.bulk_create(
        [
            Organisation(nom=f"Commune de {c.nom} ({c.code})", nature="commune", commune=c)
            for c in sorted(communes, key=lambda c: c.code)
            if c.code not in existantes
        ],
        batch_size=2000,
    )
    mo = dict(Organisation.objects.filter(commune__isnull=False).values_list("commune_id", "pk"))
    Organisation.objects.bulk_create(
        [Organisation(nom=f"Région {r.nom}", nature="region") for r in Region.objects.order_by("code")]
        + [
            Organisation(nom=f"Département {d.nom} ({d.code})", nature="departement")
            for d in Departement.objects.order_by("code")
        ],
        ignore_conflicts=True,
    )
    regions = dict(
        (o.nom.removeprefix("Région "), o.pk) for o in Organisation.objects.filter(nature="region")
    )
    departements = {
        o.nom.rsplit("(", 1)[1].rstrip(")"): o.pk for o in Organisation.objects.filter(nature="departement")
    }
    region_de = dict(Departement.objects.values_list("code", "region__nom"))
    dispositifs = {d.code: d for d in Dispositif.objects.all()}
    etat = Organisation.objects.get(nom="État").pk
    financeurs_nationaux = [
        (etat, "detr"),
        (etat, "dsil"),
        (etat, "fnadt"),
        (etat, "fonds-vert"),
        (etat, "fonds-friches"),
        (dispositifs["bdt-ingenierie"].financeur_id, "bdt-ingenierie"),
        (dispositifs["bdt-pret"].financeur_id, "bdt-pret"),
        (dispositifs["anah-opah-ru"].financeur_id, "anah-opah-ru"),
        (dispositifs["feder"].financeur_id, "feder"),
    ]
    par_cadre = -(-cible_fiches // len(cadres))
    fiches, liens_communes, changements, lignes = [], [], [], []
    plans = []
    for cadre in cadres:
        communes_cadre = [lien.commune for lien in cadre.communes.all()]
        debut_plan = (cadre.date_signature or date(2024, 1, 1)) - timedelta(days=60)
        for i in range(par_cadre):
            if len(fiches) >= cible_fiches:
                break
            commune = communes_cadre[i % len(communes_cadre)]
            cree = min(debut_plan + timedelta(days=alea.randint(0, 700)), date(2026, 6, 1))
            debut = cree + timedelta(days=alea.randint(0, 200))
            fin = debut + timedelta(days=alea.randint(90, 1400))
            precision_fin = alea.choice(["jour", "mois", "trimestre", "annee"])
            cout = alea.randint(20, 3000) * 1000
            fiche = FicheAction(
                convention=cadre,
                numero=f"{i // 10 + 1}.{i % 10 + 1}",
                intitule=f"Action {i + 1} de {commune.nom}",
                axe=axes[alea.randrange(len(axes))],
                maitre_ouvrage_id=mo[commune.code],
                date_debut=debut,
                date_fin=fin,
                precision_fin=precision_fin,
                cout_ht=cout,
                cout_ttc=cout * 12 // 10 if alea.random() < 0.6 else None,
                cree_le=_instant(cree),
            )
            fiches.append(fiche)
            plans.append((fiche, commune, cree, cout))
    FicheAction.objects.bulk_create(fiches, batch_size=2000)
    lignes_par_fiche = cible_lignes / len(fiches)
    limite = date(2026, 11, 1)
    for fiche, commune, cree, cout in plans:
        liens_communes.append(FicheAction.communes.through(ficheaction_id=fiche.pk, commune_id=commune.code))
        jour = cree
        etat_final = "a_l_etude"
        for etat_suivant in SUITE[1 : alea.randint(0, 4) + 1]:
            jour = jour + timedelta(days=alea.randint(30, 300))
            if jour > limite:
                break
            changements.append(ChangementEtat(fiche_id=fiche.pk, etat=etat_suivant, date=jour))
            etat_final = etat_suivant
        if etat_final != "a_l_etude" and alea.random() < 0.05:
            jour = min(jour + timedelta(days=alea.randint(10, 200)), limite)
            etat_final = alea.choice(["en_pause", "bloquee", "abandonnee"])
            changements.append(ChangementEtat(fiche_id=fiche.pk, etat=etat_final, date=jour, motif="mesure"))
        fiche.etat = etat_final
        fiche.date_fin_reelle = jour if etat_final == "realisee" else None
        nombre = max(1, round(alea.gauss(lignes_par_fiche, 1.2)))
        for k in range(nombre):
            if k == 0:
                financeur, code = fiche.maitre_ouvrage_id, "autofinancement"
            else:
                locaux = [
                    (regions[region_de[commune.departement_id]], "subvention"),
                    (departements[commune.departement_id], "subvention"),
                ]
                financeur, code = alea.choice([*financeurs_nationaux, *locaux])
            statut = alea.choices(
                ["envisagee", "sollicitee", "accordee", "versee", "refusee"], [15, 25, 30, 22, 8]
            )[0]
            demande = cree + timedelta(days=alea.randint(0, 300))
            decision = demande + timedelta(days=alea.randint(30, 250))
            versement = decision + timedelta(days=alea.randint(30, 400))
            decidee = statut in ("accordee", "versee", "refusee")
            lignes.append(
                LigneFinancement(
                    fiche_id=fiche.pk,
                    financeur_id=financeur,
                    dispositif=dispositifs[code],
                    montant=cout * alea.randint(5, 40) // 100,
                    statut=statut,
                    date_demande=demande if statut != "envisagee" else None,
                    date_decision=decision if decidee else None,
                    reference_decision=f"Arrêté {fiche.pk}-{k}" if decidee else "",
                    date_versement=versement if statut == "versee" else None,
                    cree_le=_instant(cree),
                )
            )
    FicheAction.communes.through.objects.bulk_create(liens_communes, batch_size=5000)
    FicheAction.objects.bulk_update(fiches, ["etat", "date_fin_reelle"], batch_size=2000)
    ChangementEtat.objects.bulk_create(changements, batch_size=5000)
    LigneFinancement.objects.bulk_create(lignes, batch_size=5000)
    Convention.objects.filter(pk__in=[c.pk for c in cadres[::2]]).update(publie=True)
    return {
        "conventions-cadres": len(cadres),
        "fiches": FicheAction.objects.count(),
        "changements d'état": ChangementEtat.objects.count(),
        "lignes": LigneFinancement.objects.count(),
    }


def requetes(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as capture:
        client.get(url)
    return len(capture)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requetes", type=int, default=30)
    parser.add_argument("--fiches", type=int, default=40000)
    parser.add_argument("--lignes", type=int, default=150000)
    args = parser.parse_args()
    statiques_collecter()
    print(machine())
    debut = time.perf_counter()
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    comptes = generer(programme)
    comptes |= generer_plans(programme, args.fiches, args.lignes)
    print(f"Registre et plans générés en {time.perf_counter() - debut:.1f} s : {comptes}")
    par_dep = Counter(
        FicheAction.objects.values_list("convention__departement_suivi_id", flat=True).order_by()
    )
    dep, fiches_dep = par_dep.most_common(1)[0]
    region = Departement.objects.get(code=dep).region_id
    par_convention = Counter(FicheAction.objects.values_list("convention_id", flat=True).order_by())
    convention, fiches_convention = par_convention.most_common(1)[0]
    national = Client()
    national.force_login(utilisateur_creer(email="mesure@anct.test", role="national"))
    prefecture = Client()
    prefecture.force_login(utilisateur_creer(email="mesure@pref.test", role="prefecture", departements=[dep]))
    public = Client()
    pages = [
        (national, "Plans : national", "/programmes/pvd/plans/"),
        (national, "Plans : national au 2024-01-01", "/programmes/pvd/plans/?au=2024-01-01"),
        (national, f"Plans : région {region}", f"/programmes/pvd/plans/regions/{region}/"),
        (
            national,
            f"Plans : département {dep} ({fiches_dep} fiches)",
            f"/programmes/pvd/departements/{dep}/plans/",
        ),
        (prefecture, f"Plans : national, préfecture {dep}", "/programmes/pvd/plans/"),
        (prefecture, f"Plans : département {dep}, préfecture", f"/programmes/pvd/departements/{dep}/plans/"),
        (public, "Plans : public national", "/donnees/pvd/plans/"),
        (national, f"Département {dep} (à faire)", f"/programmes/pvd/departements/{dep}/"),
        (
            national,
            f"Plan d'action ({fiches_convention} fiches)",
            f"/conventions/{convention}/plan-d-action/",
        ),
        (public, "Plan d'action public", f"/donnees/pvd/conventions/{convention}/plan-d-action/"),
    ]
    print(
        "\nTableaux de bord des plans : gardés en cache jusqu'à la prochaine écriture (journal ou administration)."
    )
    print(f"\n{'page':52}{'requêtes':>9}{'médiane':>10}{'p95':>10}{'sans cache':>13}{'p95':>10}")
    pire = pire_sans_cache = 0.0
    for client, nom, url in pages:
        if "public" in nom and "Plan d'action" in nom and not Convention.objects.get(pk=convention).publie:
            continue
        cache.clear()
        n = requetes(client, url)
        mediane, p95 = mesurer(client, url, args.requetes)
        froide, p95_froide = mesurer(client, url, max(5, args.requetes // 3), avant=cache.clear)
        pire, pire_sans_cache = max(pire, p95), max(pire_sans_cache, p95_froide)
        print(f"{nom:52}{n:>9}{mediane:>8.1f}ms{p95:>8.1f}ms{froide:>11.1f}ms{p95_froide:>8.1f}ms")
    print(f"\nPire 95e centile : {pire:.1f} ms (cible : 150 ms) ; sans cache : {pire_sans_cache:.1f} ms")
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        fiches = en_csv(jeu_fiches_actions(programme, date.today()))
        lignes = en_csv(jeu_lignes_financement(programme, date.today()))
        durees.append(time.perf_counter() - debut)
    n_fiches, n_lignes = fiches.count(b"\n") - 1, lignes.count(b"\n") - 1
    print(
        f"Export national en données ouvertes (CSV, {n_fiches} fiches, {n_lignes} lignes de financement) : "
        f"médiane {statistics.median(durees):.2f} s sur 3 (cible : 3 s)"
    )


if __name__ == "__main__":
    main()
