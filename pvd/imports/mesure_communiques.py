"""Précision et rappel du lecteur de communiqués sur des exemples étiquetés à la main.

Un dossier contient des paires `nom.txt` (le communiqué) et `nom.json` (ce qu'il annonce : département, date,
conventions et leurs communes). La mesure (`bench/lecture_communiques.py`) et le test qui la garde
(`tests/imports/test_communiques.py`) appellent la même fonction, sur le même dossier.

Une convention proposée compte comme juste si elle partage une commune avec une convention attendue, ou, quand
l'une des deux n'a pas de commune, si elles ont le même EPCI.
"""

from __future__ import annotations

import json
from pathlib import Path

from pvd.imports.communiques import lire_communique


def _correspond(a: dict, b: dict) -> bool:
    ca, cb = {c["insee"] for c in a["communes"]}, {c["insee"] for c in b["communes"]}
    if ca and cb:
        return bool(ca & cb)
    return bool(a.get("epci_siren")) and a.get("epci_siren") == b.get("epci_siren")


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluer(dossier: Path, detail: bool = False) -> dict:
    """Les chiffres du lecteur sur les exemples de `dossier` ; `detail` écrit ce qui manque, exemple par exemple."""
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
        vp_p = sum(any(_correspond(p, e) for e in attendu["conventions"]) for p in lu["conventions"])
        vp_r = sum(any(_correspond(p, e) for p in lu["conventions"]) for e in attendu["conventions"])
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
    return {
        "exemples": len(list(dossier.glob("*.txt"))),
        "communes_precision": _ratio(totaux["communes_vp"], totaux["communes_predites"]),
        "communes_rappel": _ratio(totaux["communes_vp"], totaux["communes_attendues"]),
        "conventions_precision": _ratio(totaux["conventions_vp_p"], totaux["conventions_predites"]),
        "conventions_rappel": _ratio(totaux["conventions_vp_r"], totaux["conventions_attendues"]),
    }
