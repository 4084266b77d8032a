"""Le compte rendu d'un import : un résumé en français, et le fichier des lignes à corriger."""

import csv
import io
import json
import shlex

from pvd.territoires.normalisation import cle
from pvd.territoires.rapport import accorder

from .colonnes import CHAMPS_TABLEUR, DONNEES_PERSONNELLES
from .pipeline import LIBELLES_STATUTS, Plan


def resume(plan: Plan, ecrit: bool, refus: bool = True) -> str:
    """Le résumé d'un import ; chaque nombre accordé (« 1 créé », « 3 créés »). `refus=False` : sans le détail des
    lignes refusées, quand un autre message les a déjà données."""
    c = plan.comptes()
    lignes = [
        f"{plan.nom_fichier} ({plan.source}) : {accorder(c['lignes'], 'ligne lue', 'lignes lues')}.",
        f"  {c['creation']} à créer, {c['modification']} à modifier, {accorder(c['inchange'], 'inchangée')}, "
        f"{accorder(c['ignoree'], 'ignorée')}, {accorder(c['rejet'], 'refusée')}, {c['ambigu']} à préciser.",
    ]
    if plan.colonnes_ecartees:
        lignes.append(
            "  Colonnes écartées (données personnelles, jamais importées) : "
            + ", ".join(f"« {t} »" for t in plan.colonnes_ecartees)
            + "."
        )
    if plan.avertissements:
        n = len(plan.avertissements)
        lignes.append(
            f"  {accorder(n, 'ligne acceptée', 'lignes acceptées')} avec un avertissement"
            + (" :" if plan.source == "maquette" else " (identifiant national contesté) :")
        )
        for ligne in plan.avertissements[:10]:
            lignes.append(f"  ligne {ligne.numero} : {' ; '.join(ligne.avertissements)}")
        if n > 10:
            lignes.append(f"  … et {accorder(n - 10, 'autre')} : voir le fichier de compte rendu (--report).")
    if refus:
        for ligne in plan.refusees[:20]:
            lignes.append(f"  ligne {ligne.numero} : {' ; '.join(ligne.messages)}")
        if len(plan.refusees) > 20:
            autres = len(plan.refusees) - 20
            lignes.append(f"  … et {accorder(autres, 'autre')} : voir le fichier de compte rendu (--report).")
    if ecrit:
        lignes.append(
            f"Import réalisé : {accorder(c['creation'], 'créé')}, {accorder(c['modification'], 'modifié')}."
        )
    else:
        lignes.append("Rien n'a été écrit (aperçu).")
    return "\n".join(lignes)


def fichier_compte_rendu(plan: Plan) -> bytes:
    """Chaque ligne du fichier, avec son statut et son explication : les lignes refusées sont à corriger."""
    flux = io.StringIO(newline="")
    ecrivain = csv.writer(flux)
    ecrivain.writerow(["ligne", "statut", "communes", "explication", "avertissement"])
    for ligne in plan.lignes:
        ecrivain.writerow(
            [
                ligne.numero,
                LIBELLES_STATUTS[ligne.statut],
                " ; ".join(f"{c.code} {c.nom}" for c in ligne.communes),
                " ; ".join(ligne.messages),
                " ; ".join(ligne.avertissements),
            ]
        )
    return flux.getvalue().encode("utf-8")


def proposition_de_colonnes(
    chemin: str, titres: list[str], correspondance: dict[str, str], origine: str
) -> str:
    """Pour `pvd import … --source tableur` sans `--colonnes` : la correspondance proposée, la commande à relancer,
    et la liste des champs possibles."""
    lignes = [f"{chemin} : colonnes lues et champ proposé pour chacune ({origine}) :"]
    for titre in titres:
        champ = correspondance.get(titre)
        if champ:
            lignes.append(f"  « {titre} » → {champ} ({CHAMPS_TABLEUR[champ]})")
        elif DONNEES_PERSONNELLES.search(cle(titre)):
            lignes.append(f"  « {titre} » → écartée (données personnelles, jamais importées)")
        else:
            lignes.append(f"  « {titre} » → ignorée")
    lignes.append("Champs possibles :")
    lignes += [f"  {champ} : {description}" for champ, description in CHAMPS_TABLEUR.items()]
    if correspondance:
        colonnes = json.dumps(correspondance, ensure_ascii=False)
        lignes += [
            "Vérifiez la correspondance (corrigez-la au besoin), puis relancez :",
            f"  pvd import {shlex.quote(chemin)} --source tableur --colonnes {shlex.quote(colonnes)}",
        ]
    return "\n".join(lignes)


class ProgressionTerminal:
    """L'avancement d'un long import (`pvd import`) sur la sortie d'erreur : lignes lues, résolues, écrites, au plus
    une ligne par étape franchie et par tranche de 10 %. Un fichier de `seuil` lignes ou moins n'en dit rien."""

    TEXTES = {
        "lues": "{fait} lignes lues",
        "resolues": "communes résolues : {fait} sur {total} ({pourcent} %)",
        "ecrites": "écriture au registre : {fait} lignes écrites sur {total}",
    }

    def __init__(self, sortie, seuil: int) -> None:
        self.sortie = sortie
        self.seuil = seuil
        self._dernier: tuple[str, int] | None = None

    def __call__(self, etape: str, fait: int, total: int) -> None:
        if total <= self.seuil:
            return
        pourcent = fait * 100 // total if total else 100
        repere = (etape, pourcent // 10 if etape == "resolues" else fait)
        if repere == self._dernier:
            return
        self._dernier = repere
        if etape == "ecrites" and fait == 0:
            texte = f"écriture au registre de {total} lignes, d'un bloc"
        else:
            texte = self.TEXTES[etape].format(fait=fait, total=total, pourcent=pourcent)
        self.sortie.write(f"Avancement : {texte}.")
