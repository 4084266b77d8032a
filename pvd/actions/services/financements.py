"""Les lignes de financement d'une fiche : financeur, dispositif, montant et statut (envisagée → sollicitée →
accordée → versée, ou refusée), une à une ou par dizaines de milliers pour un import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.programmes import services as registre
from pvd.programmes.models import Evenement

from ..models import Dispositif, FicheAction, LigneFinancement, StatutLigne
from .communs import Trace, montant_lu, organisation_designee, version_prendre

STATUTS_LIGNE = frozenset(StatutLigne.values)  # lus une fois : un import en vérifie des dizaines de milliers
TRANSITIONS_LIGNE = {
    StatutLigne.ENVISAGEE: {StatutLigne.SOLLICITEE, StatutLigne.ACCORDEE, StatutLigne.REFUSEE},
    StatutLigne.SOLLICITEE: {StatutLigne.ACCORDEE, StatutLigne.REFUSEE, StatutLigne.ENVISAGEE},
    StatutLigne.ACCORDEE: {StatutLigne.VERSEE},
    StatutLigne.VERSEE: set(),
    StatutLigne.REFUSEE: {StatutLigne.SOLLICITEE},
}


def _verifier_ligne(valeurs: dict[str, Any], actuel: str | None) -> None:
    erreurs: dict[str, list[str]] = {}
    statut = valeurs["statut"]
    if statut not in STATUTS_LIGNE:
        erreurs["statut"] = ["Statut inconnu."]
    elif actuel is not None and statut != actuel and statut not in TRANSITIONS_LIGNE[StatutLigne(actuel)]:
        erreurs["statut"] = [
            f"Une ligne « {StatutLigne(actuel).label} » ne peut pas passer à « {StatutLigne(statut).label} »."
        ]
    if valeurs.get("financeur") is None:
        erreurs["financeur"] = ["Indiquez le financeur."]
    dispositif: Dispositif | None = valeurs.get("dispositif")
    if (
        dispositif
        and dispositif.financeur_id
        and valeurs.get("financeur")
        and (dispositif.financeur_id != valeurs["financeur"].pk)
    ):
        erreurs["dispositif"] = [f"« {dispositif.nom} » est accordé par {dispositif.financeur.nom}."]
    if statut in (StatutLigne.ACCORDEE, StatutLigne.REFUSEE, StatutLigne.VERSEE) and not valeurs.get(
        "date_decision"
    ):
        erreurs["date_decision"] = ["Une ligne accordée ou refusée a une date de décision : indiquez-la."]
    if statut == StatutLigne.VERSEE and not valeurs.get("date_versement"):
        erreurs["date_versement"] = ["Une ligne versée a une date de versement : indiquez-la."]
    demande, decision = valeurs.get("date_demande"), valeurs.get("date_decision")
    if demande and decision and decision < demande:
        erreurs["date_decision"] = ["La décision précède la demande : vérifiez les deux dates."]
    if decision and valeurs.get("date_versement") and valeurs["date_versement"] < decision:
        erreurs["date_versement"] = ["Le versement précède la décision : vérifiez les deux dates."]
    if erreurs:
        raise ValidationError(erreurs)


CHAMPS_LIGNE = {
    "financeur",
    "dispositif",
    "montant",
    "statut",
    "date_demande",
    "date_decision",
    "reference_decision",
    "date_versement",
}


@transaction.atomic
def ligne_create(*, fiche: FicheAction, trace: Trace, **champs: Any) -> LigneFinancement:
    inconnus = set(champs) - CHAMPS_LIGNE - {"cree_le"}
    if inconnus:
        raise ValidationError(
            {c: ["Ce champ n'existe pas sur une ligne de financement."] for c in sorted(inconnus)}
        )
    valeurs = {"statut": StatutLigne.ENVISAGEE} | champs
    valeurs["financeur"] = organisation_designee(valeurs.get("financeur"), trace)
    valeurs["montant"] = montant_lu(valeurs.get("montant"), "montant", obligatoire=True)
    valeurs["reference_decision"] = (valeurs.get("reference_decision") or "").strip()
    _verifier_ligne(valeurs, None)
    ligne = LigneFinancement.objects.create(fiche=fiche, **valeurs)
    registre.journaliser(
        ligne,
        Evenement.Action.CREATION,
        f"Fiche action {fiche.numero} : ligne de financement {ligne.financeur.nom}, {ligne.montant} € "
        f"({ligne.get_statut_display()})",
        trace,
        apres={"fiche": fiche.pk, "montant": ligne.montant, "statut": ligne.statut},
    )
    return ligne


@transaction.atomic
def ligne_update(
    *, ligne: LigneFinancement, version: int, champs: dict[str, Any], trace: Trace
) -> LigneFinancement:
    interdits = set(champs) - CHAMPS_LIGNE
    if interdits:
        raise ValidationError({c: ["Ce champ ne se modifie pas ici."] for c in sorted(interdits)})
    valeurs = dict(champs)
    if "financeur" in valeurs:
        valeurs["financeur"] = organisation_designee(valeurs["financeur"], trace)
    if "montant" in valeurs:
        valeurs["montant"] = montant_lu(valeurs["montant"], "montant", obligatoire=True)
    if "reference_decision" in valeurs:
        valeurs["reference_decision"] = (valeurs["reference_decision"] or "").strip()
    completes = {c: getattr(ligne, c) for c in CHAMPS_LIGNE} | valeurs
    _verifier_ligne(completes, ligne.statut)
    version_prendre(ligne, version)
    avant = {c: getattr(ligne, c) for c in valeurs}
    changes = {c: v for c, v in valeurs.items() if avant[c] != v}
    for champ, valeur in changes.items():
        setattr(ligne, champ, valeur)
    if changes:
        ligne.save(update_fields=[*changes, "modifie_le"])
        registre.journaliser(
            ligne,
            Evenement.Action.MODIFICATION,
            f"Fiche action {ligne.fiche.numero} : ligne {ligne.financeur.nom} modifiée ("
            + ", ".join(str(LigneFinancement._meta.get_field(c).verbose_name) for c in sorted(changes))
            + ")",
            trace,
            avant={c: avant[c] for c in changes},
            apres=changes,
        )
    return ligne


@dataclass
class ProjetLigne:
    """Une ligne de financement à créer parmi d'autres (un import) : sa fiche et les champs de `ligne_create`."""

    fiche: FicheAction
    champs: dict[str, Any]


def lignes_verifier(projets: list[ProjetLigne]) -> dict[int, ValidationError]:
    """Les règles de `ligne_create` pour toute une liste, sans requête (financeurs et dispositifs déjà lus)."""
    refus: dict[int, ValidationError] = {}
    for rang, projet in enumerate(projets):
        try:
            inconnus = set(projet.champs) - CHAMPS_LIGNE - {"cree_le"}
            if inconnus:
                raise ValidationError(
                    {c: ["Ce champ n'existe pas sur une ligne de financement."] for c in sorted(inconnus)}
                )
            valeurs = {"statut": StatutLigne.ENVISAGEE} | projet.champs
            valeurs["montant"] = montant_lu(valeurs.get("montant"), "montant", obligatoire=True)
            _verifier_ligne(valeurs, None)
            projet.champs["montant"] = valeurs["montant"]  # lu une fois, écrit tel quel
        except ValidationError as erreur:
            refus[rang] = erreur
    return refus


@transaction.atomic
def lignes_create(*, projets: list[ProjetLigne], trace: Trace) -> list[LigneFinancement]:
    """Crée d'un coup des lignes de financement (un import en crée des dizaines de milliers) : les règles et le
    journal de `ligne_create`, en quelques requêtes ; `ValidationError` (la première) si l'une ne passe pas."""
    for projet in projets:
        projet.champs["financeur"] = organisation_designee(projet.champs.get("financeur"), trace)
    refus = lignes_verifier(projets)
    if refus:
        raise refus[min(refus)]
    lignes = LigneFinancement.objects.bulk_create(
        LigneFinancement(
            fiche=p.fiche,
            **(
                {"statut": StatutLigne.ENVISAGEE}
                | p.champs
                | {"reference_decision": (p.champs.get("reference_decision") or "").strip()}
            ),
        )
        for p in projets
    )
    Evenement.objects.bulk_create(
        registre.evenement(
            ligne,
            Evenement.Action.CREATION,
            f"Fiche action {ligne.fiche.numero} : ligne de financement {ligne.financeur.nom}, {ligne.montant} € "
            f"({ligne.get_statut_display()})",
            trace,
            apres={"fiche": ligne.fiche_id, "montant": ligne.montant, "statut": ligne.statut},
        )
        for ligne in lignes
    )
    return lignes
