"""Les données publiques embarquées sont celles que décrit leur note de provenance, octet pour octet."""

import csv
import hashlib
import re
from pathlib import Path

import pvd.programmes

DONNEES = Path(pvd.programmes.__file__).parent / "donnees"


def test_liste_nationale_conforme_a_sa_provenance():
    fichier = DONNEES / "anct-pvd-liste-2021-01-22.csv"
    provenance = (DONNEES / "PROVENANCE.md").read_text(encoding="utf-8")
    empreinte = re.search(r"SHA-256\*\* : `([0-9a-f]{64})`", provenance).group(1)
    assert hashlib.sha256(fichier.read_bytes()).hexdigest() == empreinte
    with fichier.open(encoding="utf-8", newline="") as flux:
        lignes = list(csv.DictReader(flux))
    assert len(lignes) == 1607
    colonnes = set(lignes[0])
    assert not colonnes & {"nom_maire", "mel_mairie", "site_mairie"}
    assert not any("@" in valeur for ligne in lignes for valeur in ligne.values())
