"""Les données publiques livrées avec PVD, chargées par le même chemin qu'un import d'utilisateur.

La liste nationale des communes « Petites villes de demain » publiée par l'ANCT le 22 janvier 2021
(`pvd/programmes/donnees/`, voir PROVENANCE.md) passe par `ecriture.importer`, avec le choix explicite « lignes
valides seulement » : la ligne d'exemple laissée par ses auteurs (`Trifouilly-les-Oies`, code 999999) est refusée
et le compte rendu le dit ; les identifiants partagés sont notés contestés. Déjà chargée, rien n'est écrit (pas même
la trace d'un import) : le plan, qui n'écrit rien, dit « 0 créé, 0 modifié ».
"""

from __future__ import annotations

from pathlib import Path

import pvd.programmes
from pvd.programmes import services

from .ecriture import importer
from .pipeline import Plan
from .planification import preparer

LISTE_NATIONALE = Path(pvd.programmes.__file__).parent / "donnees" / "anct-pvd-liste-2021-01-22.csv"


def liste_nationale_charger(*, trace: services.Trace) -> Plan:
    """Importe la liste nationale embarquée (lignes valides seulement) ; rend le plan, avec ses refus."""
    contenu = LISTE_NATIONALE.read_bytes()
    plan = preparer(contenu, LISTE_NATIONALE.name, "anct-pvd")
    comptes = plan.comptes()
    if comptes["creation"] or comptes["modification"]:
        plan = importer(contenu, LISTE_NATIONALE.name, "anct-pvd", trace=trace, valides_seulement=True)
    return plan
