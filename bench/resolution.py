"""Mesure de la résolution de noms, face à une référence naïve, sur le jeu étiqueté `cas_resolution.csv`.

Pour notre résolveur et, dans la même exécution, pour `rapidfuzz.process.extractOne` (WRatio sur tous les noms du
type attendu, sans contexte) : exactitude top-1 (globale, avec contexte, par classe de difficulté, sur les seuls noms
relevés dans des textes publics), réponses sûres mais fausses (en tout et par classe), et débit (noms résolus par
seconde) avec et sans département. Comme en production (`obtenir_index`), l'index est sorti du ramasse-miettes
(`gc.freeze`) avant de mesurer le débit.

Un cas attendu « AMBIGU » est réussi si la réponse n'est pas « résolu ». Une réponse « résolu » fausse (ou donnée
là où il fallait dire « ambigu ») est une réponse sûre mais fausse. La référence répond dès que son meilleur score
atteint 80.

Usage : python bench/resolution.py [--baseline-max 300]
"""

import argparse
import csv
import gc
import time
from collections import defaultdict
from pathlib import Path

from _commun import machine, preparer_django

preparer_django()

from rapidfuzz import fuzz, process  # noqa: E402

from pvd.territoires.importation import referentiel_importer  # noqa: E402
from pvd.territoires.models import Commune, Epci  # noqa: E402
from pvd.territoires.resolution import construire_index  # noqa: E402

SEUIL_REFERENCE = 80


def charger_cas() -> list[dict]:
    with (Path(__file__).parent / "cas_resolution.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def evaluer(cas: list[dict], repondre) -> dict:
    par_difficulte = defaultdict(lambda: [0, 0, 0])  # justes, cas, sûres mais fausses
    releves = [0, 0]
    justes = faux_surs = avec_contexte = justes_contexte = 0
    erreurs = []
    for c in cas:
        statut, code = repondre(c)
        attendu = c["attendu"]
        juste = statut != "resolu" if attendu == "AMBIGU" else (statut == "resolu" and code == attendu)
        faux_sur = statut == "resolu" and code != attendu
        justes += juste
        faux_surs += faux_sur
        classe = par_difficulte[c["difficulte"]]
        classe[0] += juste
        classe[1] += 1
        classe[2] += faux_sur
        if c["origine"] == "public":
            releves[0] += juste
            releves[1] += 1
        if c["departement"] or c["epci"]:
            avec_contexte += 1
            justes_contexte += juste
        if faux_sur:
            erreurs.append((c["texte"], c["departement"], attendu, code))
    return {
        "exactitude": justes / len(cas),
        "exactitude_contexte": justes_contexte / max(avec_contexte, 1),
        "exactitude_releves": releves[0] / max(releves[1], 1),
        "releves": releves[1],
        "faux_surs": faux_surs,
        "par_difficulte": {d: (j / n, n, f) for d, (j, n, f) in sorted(par_difficulte.items())},
        "erreurs": erreurs,
    }


def debit(cas: list[dict], repondre, avec_contexte: bool) -> float:
    entrees = [dict(c, departement=c["departement"] if avec_contexte else "", epci="") for c in cas]
    debut = time.perf_counter()
    for c in entrees:
        repondre(c)
    return len(entrees) / (time.perf_counter() - debut)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-max", type=int, default=0, help="limiter la référence à N cas (0 : tous)")
    args = parser.parse_args()
    if not Commune.objects.exists():
        referentiel_importer()
    print(machine())
    cas = charger_cas()
    debut = time.perf_counter()
    index = construire_index()
    duree_index = time.perf_counter() - debut
    gc.collect()
    gc.freeze()
    print(
        f"{len(cas)} cas, {len({c['departement'] for c in cas if c['departement']})} départements, "
        f"{sum(c['origine'] == 'public' for c in cas)} noms relevés dans des textes publics ; "
        f"index construit en {duree_index:.2f} s"
    )

    def notre(c):
        r = index.resoudre(c["texte"], c["type"] or None, c["departement"], c["epci"])
        return r.statut, r.code

    noms = {
        "commune": list(Commune.objects.actuelles().values_list("nom", "code")),
        "epci": list(Epci.objects.actuels().values_list("nom", "siren")),
    }
    noms[""] = noms["commune"] + noms["epci"]
    listes = {t: [n for n, _ in v] for t, v in noms.items()}

    def reference(c):
        trouve = process.extractOne(c["texte"], listes[c["type"]], scorer=fuzz.WRatio)
        if trouve is None or trouve[1] < SEUIL_REFERENCE:
            return "introuvable", ""
        return "resolu", noms[c["type"]][trouve[2]][1]

    cas_reference = cas[: args.baseline_max] if args.baseline_max else cas
    resultats = {"PVD": evaluer(cas, notre), "rapidfuzz": evaluer(cas_reference, reference)}
    debits = {
        "PVD": (debit(cas, notre, True), debit(cas, notre, False)),
        "rapidfuzz": (
            debit(cas_reference[:150], reference, True),
            debit(cas_reference[:150], reference, False),
        ),
    }
    difficultes = sorted(resultats["PVD"]["par_difficulte"])
    print()
    print(f"{'':32}{'PVD':>12}{'rapidfuzz':>12}")
    for libelle, cle_ in [
        ("Exactitude top-1 (tous)", "exactitude"),
        ("… avec contexte", "exactitude_contexte"),
        ("… noms relevés (textes publics)", "exactitude_releves"),
    ]:
        print(f"{libelle:32}" + "".join(f"{resultats[n][cle_]:>12.1%}" for n in resultats))
    print(
        f"{'Réponses sûres mais fausses':32}" + "".join(f"{resultats[n]['faux_surs']:>12}" for n in resultats)
    )
    print(f"{'Débit avec département (noms/s)':32}" + "".join(f"{debits[n][0]:>12,.0f}" for n in debits))
    print(f"{'Débit sans département (noms/s)':32}" + "".join(f"{debits[n][1]:>12,.0f}" for n in debits))
    print("Par classe : cas, exactitude, réponses sûres mais fausses")
    for d in difficultes:
        ligne = f"  {d:30}{resultats['PVD']['par_difficulte'][d][1]:>4}"
        for n in resultats:
            exactitude, _, faux = resultats[n]["par_difficulte"].get(d, (0, 0, 0))
            ligne += f"{exactitude:>10.1%}{faux:>4}"
        print(ligne)
    if resultats["PVD"]["erreurs"]:
        print("Réponses sûres mais fausses de PVD :")
        for texte, dep, attendu, code in resultats["PVD"]["erreurs"]:
            print(f"  « {texte} » ({dep or 'sans contexte'}) : attendu {attendu}, répondu {code}")
    ratio = debits["PVD"][1] / debits["rapidfuzz"][1]
    print(f"\nPVD est {ratio:,.0f} fois plus rapide que la référence sans contexte.")


if __name__ == "__main__":
    main()
