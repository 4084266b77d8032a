"""Le compte rendu d'un import : un résumé en français, et le fichier des lignes à corriger."""

import csv
import io

from .pipeline import LIBELLES_STATUTS, Plan


def resume(plan: Plan, ecrit: bool) -> str:
    c = plan.comptes()
    lignes = [
        f"{plan.nom_fichier} ({plan.source}) : {c['lignes']} ligne(s) lue(s).",
        f"  {c['creation']} à créer, {c['modification']} à modifier, {c['inchange']} inchangée(s), "
        f"{c['ignoree']} ignorée(s), {c['rejet']} refusée(s), {c['ambigu']} à préciser.",
    ]
    if plan.colonnes_ecartees:
        lignes.append(
            "  Colonnes écartées (données personnelles, jamais importées) : "
            + ", ".join(f"« {t} »" for t in plan.colonnes_ecartees)
            + "."
        )
    if plan.avertissements:
        lignes.append(
            f"  {len(plan.avertissements)} ligne(s) acceptée(s) avec un avertissement (identifiant national contesté) :"
        )
        for ligne in plan.avertissements[:10]:
            lignes.append(f"  ligne {ligne.numero} : {' ; '.join(ligne.avertissements)}")
        if len(plan.avertissements) > 10:
            lignes.append(
                f"  … et {len(plan.avertissements) - 10} autre(s) : voir le fichier de compte rendu (--report)."
            )
    if plan.refusees:
        lignes.append(f"  {len(plan.refusees)} ligne(s) refusée(s) :")
    for ligne in plan.refusees[:20]:
        lignes.append(f"  ligne {ligne.numero} : {' ; '.join(ligne.messages)}")
    if len(plan.refusees) > 20:
        lignes.append(
            f"  … et {len(plan.refusees) - 20} autre(s) : voir le fichier de compte rendu (--report)."
        )
    if ecrit:
        lignes.append(f"Import réalisé : {c['creation']} créé, {c['modification']} modifié.")
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
