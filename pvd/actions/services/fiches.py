"""Les fiches actions : création (une à une ou par milliers pour un import), modification sous verrou de version,
et l'état daté de l'action (à l'étude → programmée → engagée → en cours → réalisée ; en pause, bloquée, abandonnée)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pvd.programmes import services as registre
from pvd.programmes.models import Convention, Evenement
from pvd.territoires.models import Commune

from ..models import (
    ETATS_D_ARRET,
    SUITE_DES_ETATS,
    Axe,
    ChangementEtat,
    Etat,
    FicheAction,
    Organisation,
    Precision,
    debut_de_periode,
)
from .communs import Trace, montant_lu, organisation_designee, version_prendre

PRECISIONS = frozenset(Precision.values)

CHAMPS_FICHE = {
    "numero",
    "intitule",
    "description",
    "axe",
    "maitre_ouvrage",
    "date_debut",
    "precision_debut",
    "date_fin",
    "precision_fin",
    "cout_ht",
    "cout_ttc",
    "derogation_participation",
    "source",
}


def _verifier_fiche(
    convention: Convention,
    valeurs: dict[str, Any],
    communes,
    exclue: int | None = None,
    numeros_pris: set[str] | None = None,
    de_la_convention: set[str] | None = None,
) -> None:
    """Les règles d'une fiche ; `numeros_pris` et `de_la_convention` (déjà lus) évitent deux requêtes par fiche à
    qui en vérifie des milliers (`fiches_verifier`)."""
    erreurs: dict[str, list[str]] = {}
    if convention.type != Convention.Type.CADRE_ORT:
        erreurs["convention"] = [
            "Un plan d'action se rattache à une convention-cadre valant ORT (un avenant ajoute ses fiches au plan "
            "de la convention qu'il modifie)."
        ]
    numero = (valeurs.get("numero") or "").strip()
    if not numero:
        erreurs["numero"] = ["Indiquez le numéro de la fiche, comme dans la convention (« 1.2 »)."]
    elif (
        numero in numeros_pris
        if numeros_pris is not None
        else FicheAction.objects.filter(convention=convention, numero=numero).exclude(pk=exclue).exists()
    ):
        erreurs["numero"] = [
            f"Le plan d'action a déjà une fiche numéro {numero} : choisissez un autre numéro."
        ]
    if not (valeurs.get("intitule") or "").strip():
        erreurs["intitule"] = ["Indiquez l'intitulé de l'action."]
    axe: Axe | None = valeurs.get("axe")
    if axe is None:
        erreurs["axe"] = ["Choisissez l'axe de l'action."]
    elif axe.programme_id not in (None, convention.programme_id):
        erreurs["axe"] = [f"« {axe.nom} » est un thème d'un autre programme."]
    if valeurs.get("maitre_ouvrage") is None:
        erreurs["maitre_ouvrage"] = ["Indiquez le maître d'ouvrage."]
    debut, fin = valeurs.get("date_debut"), valeurs.get("date_fin")
    if debut and fin and fin < debut:
        erreurs["date_fin"] = ["La fin prévue précède le début prévu : corrigez l'une des deux dates."]
    for champ in ("precision_debut", "precision_fin"):
        if valeurs.get(champ, Precision.JOUR) not in PRECISIONS:
            erreurs[champ] = ["Précision inconnue : jour, mois, trimestre ou année."]
    ht, ttc = valeurs.get("cout_ht"), valeurs.get("cout_ttc")
    if ht is not None and ttc is not None and ttc < ht:
        erreurs["cout_ttc"] = ["Le coût TTC est inférieur au coût HT : vérifiez les deux montants."]
    if communes:
        if de_la_convention is None:
            de_la_convention = set(convention.communes.values_list("commune_id", flat=True))
        dehors = [c for c in communes if c.code not in de_la_convention]
        if dehors:
            erreurs["communes"] = [
                "Ces communes ne sont pas dans la convention : "
                + ", ".join(f"{c.nom} ({c.code})" for c in dehors)
                + ". Ajoutez-les d'abord à la convention par un avenant."
            ]
    if erreurs:
        raise ValidationError(erreurs)


def _normaliser(valeurs: dict[str, Any]) -> dict[str, Any]:
    valeurs = dict(valeurs)
    for champ in ("cout_ht", "cout_ttc"):
        if champ in valeurs:
            valeurs[champ] = montant_lu(valeurs[champ], champ)
    for champ in ("numero", "intitule", "description", "derogation_participation", "source"):
        if champ in valeurs:
            valeurs[champ] = (valeurs[champ] or "").strip()
    for champ, precision in (("date_debut", "precision_debut"), ("date_fin", "precision_fin")):
        if valeurs.get(champ) and valeurs.get(precision, Precision.JOUR) in PRECISIONS:
            valeurs[champ] = debut_de_periode(valeurs[champ], valeurs.get(precision, Precision.JOUR))
    return valeurs


@transaction.atomic
def fiche_create(
    *,
    convention: Convention,
    trace: Trace,
    communes: list[Commune] | None = None,
    partenaires: list[Organisation] | None = None,
    avenant: Convention | None = None,
    etat: str = Etat.A_L_ETUDE,
    date_etat: date | None = None,
    **champs: Any,
) -> FicheAction:
    """Ajoute une fiche au plan d'action de la convention-cadre (`avenant` : celui qui l'a ajoutée)."""
    inconnus = set(champs) - CHAMPS_FICHE - {"cree_le"}
    if inconnus:
        raise ValidationError({c: ["Ce champ n'existe pas sur une fiche action."] for c in sorted(inconnus)})
    valeurs = _normaliser(champs)
    valeurs["maitre_ouvrage"] = organisation_designee(valeurs.get("maitre_ouvrage"), trace)
    _verifier_fiche(convention, valeurs, communes or [])
    if avenant is not None and (
        avenant.type != Convention.Type.AVENANT or avenant.parent_id != convention.pk
    ):
        raise ValidationError({"avenant": ["Cet avenant ne modifie pas cette convention-cadre."]})
    if etat not in Etat.values:
        raise ValidationError({"etat": ["État inconnu."]})
    fiche = FicheAction.objects.create(convention=convention, avenant=avenant, etat=etat, **valeurs)
    fiche.communes.set(communes or [])
    fiche.partenaires.set(partenaires or [])
    if etat != Etat.A_L_ETUDE:
        ChangementEtat.objects.create(
            fiche=fiche, etat=etat, date=date_etat or timezone.localdate(fiche.cree_le)
        )
    registre.journaliser(
        fiche,
        Evenement.Action.CREATION,
        f"Fiche action {fiche.numero} ajoutée au plan de {convention.titre} : {fiche.intitule}",
        trace,
        apres={"numero": fiche.numero, "intitule": fiche.intitule, "etat": etat},
    )
    return fiche


@dataclass
class ProjetFiche:
    """Une fiche à ajouter au plan parmi d'autres (un import) : les champs de `fiche_create`."""

    champs: dict[str, Any]
    communes: list[Commune] = field(default_factory=list)


def fiches_verifier(convention: Convention, projets: list[ProjetFiche]) -> dict[int, ValidationError]:
    """Les règles de `fiche_create` pour toute une liste, en deux requêtes : rang → erreurs par champ. Un numéro pris
    par une fiche acceptée plus haut dans la liste l'est pour les suivantes."""
    numeros = set(FicheAction.objects.filter(convention=convention).values_list("numero", flat=True))
    de_la_convention = set(convention.communes.values_list("commune_id", flat=True))
    refus: dict[int, ValidationError] = {}
    for rang, projet in enumerate(projets):
        inconnus = set(projet.champs) - CHAMPS_FICHE - {"cree_le"}
        try:
            if inconnus:
                raise ValidationError(
                    {c: ["Ce champ n'existe pas sur une fiche action."] for c in sorted(inconnus)}
                )
            valeurs = _normaliser(projet.champs)
            _verifier_fiche(convention, valeurs, projet.communes, None, numeros, de_la_convention)
        except ValidationError as erreur:
            refus[rang] = erreur
            continue
        numeros.add(valeurs["numero"])
    return refus


@transaction.atomic
def fiches_create(*, convention: Convention, projets: list[ProjetFiche], trace: Trace) -> list[FicheAction]:
    """Ajoute d'un coup des fiches « à l'étude » au plan de la convention-cadre (un import en crée des milliers) :
    les mêmes règles et le même journal que `fiche_create`, en quelques requêtes. `ValidationError` (celle de la
    première fiche refusée) si l'une ne passe pas : rien n'est écrit."""
    refus = fiches_verifier(convention, projets)
    if refus:
        raise refus[min(refus)]
    valeurs = [_normaliser(p.champs) for p in projets]
    for v in valeurs:
        v["maitre_ouvrage"] = organisation_designee(v.get("maitre_ouvrage"), trace)
    fiches = FicheAction.objects.bulk_create(FicheAction(convention=convention, **v) for v in valeurs)
    FicheAction.communes.through.objects.bulk_create(
        FicheAction.communes.through(ficheaction_id=fiche.pk, commune_id=commune.code)
        for fiche, projet in zip(fiches, projets, strict=True)
        for commune in projet.communes
    )
    Evenement.objects.bulk_create(
        registre.evenement(
            fiche,
            Evenement.Action.CREATION,
            f"Fiche action {fiche.numero} ajoutée au plan de {convention.titre} : {fiche.intitule}",
            trace,
            apres={"numero": fiche.numero, "intitule": fiche.intitule, "etat": fiche.etat},
        )
        for fiche in fiches
    )
    return fiches


@transaction.atomic
def fiche_update(
    *,
    fiche: FicheAction,
    version: int,
    champs: dict[str, Any],
    trace: Trace,
    communes: list[Commune] | None = None,
    partenaires: list[Organisation] | None = None,
) -> FicheAction:
    """Modifie la description de la fiche ; son état ne change que par `fiche_etat_changer`."""
    interdits = set(champs) - CHAMPS_FICHE
    if interdits:
        raise ValidationError(
            {
                c: ["Ce champ ne se modifie pas ici (l'état : par un changement d'état daté)."]
                for c in sorted(interdits)
            }
        )
    valeurs = _normaliser(champs)
    if "maitre_ouvrage" in valeurs:
        valeurs["maitre_ouvrage"] = organisation_designee(valeurs["maitre_ouvrage"], trace)
    completes = {c: getattr(fiche, c) for c in CHAMPS_FICHE} | valeurs
    _verifier_fiche(fiche.convention, completes, communes, exclue=fiche.pk)
    version_prendre(fiche, version)
    avant = {c: getattr(fiche, c) for c in valeurs}
    changes = {c: v for c, v in valeurs.items() if avant[c] != v}
    for champ, valeur in changes.items():
        setattr(fiche, champ, valeur)
    if changes:
        fiche.save(update_fields=[*changes, "modifie_le"])
    resume = [str(FicheAction._meta.get_field(c).verbose_name) for c in sorted(changes)]
    if communes is not None and {c.code for c in communes} != set(
        fiche.communes.values_list("code", flat=True)
    ):
        fiche.communes.set(communes)
        resume.append("communes concernées")
    if partenaires is not None and {o.pk for o in partenaires} != set(
        fiche.partenaires.values_list("pk", flat=True)
    ):
        fiche.partenaires.set(partenaires)
        resume.append("partenaires")
    if resume:
        registre.journaliser(
            fiche,
            Evenement.Action.MODIFICATION,
            f"Fiche action {fiche.numero} modifiée : " + ", ".join(resume),
            trace,
            avant={c: avant[c] for c in changes},
            apres=changes,
        )
    return fiche


def _transition_permise(actuel: str, cible: str) -> bool:
    if actuel == cible or actuel in (Etat.REALISEE, Etat.ABANDONNEE):
        return False
    if cible in ETATS_D_ARRET:
        return True
    if actuel in (Etat.EN_PAUSE, Etat.BLOQUEE):
        return True
    return SUITE_DES_ETATS.index(cible) > SUITE_DES_ETATS.index(actuel)


@transaction.atomic
def fiche_etat_changer(
    *,
    fiche: FicheAction,
    version: int,
    etat: str,
    trace: Trace,
    jour: date | None = None,
    motif: str = "",
    date_fin_reelle: date | None = None,
) -> FicheAction:
    """Fait avancer l'action (ou l'arrête), à la date `jour` (aujourd'hui par défaut), et le garde dans l'historique."""
    aujourd_hui = timezone.localdate()
    jour = jour or aujourd_hui
    motif = motif.strip()
    erreurs: dict[str, list[str]] = {}
    if etat not in Etat.values:
        erreurs["etat"] = ["État inconnu."]
    elif not _transition_permise(fiche.etat, etat):
        erreurs["etat"] = [
            f"Une action « {Etat(fiche.etat).label} » ne peut pas passer à « {Etat(etat).label} » : l'état avance "
            "(à l'étude, programmée, engagée, en cours, réalisée) ; en pause, bloquée ou abandonnée à tout moment ; "
            "une action réalisée ou abandonnée est close."
        ]
    if etat in ETATS_D_ARRET and not motif:
        erreurs["motif"] = [f"Dites pourquoi l'action est {Etat(etat).label if etat in Etat.values else ''}."]
    if etat == Etat.REALISEE and not (date_fin_reelle or fiche.date_fin_reelle):
        erreurs["date_fin_reelle"] = ["Une action réalisée a une date de fin réelle : indiquez-la."]
    if date_fin_reelle and date_fin_reelle > aujourd_hui:
        erreurs["date_fin_reelle"] = ["La fin réelle ne peut pas être dans le futur."]
    if jour > aujourd_hui:
        erreurs["jour"] = ["Un changement d'état se date d'aujourd'hui ou d'avant."]
    dernier = fiche.changements_etat.order_by("-date", "-pk").first()
    if dernier and jour < dernier.date:
        erreurs["jour"] = [
            f"Le dernier changement d'état date du {dernier.date:%d/%m/%Y} : datez celui-ci après."
        ]
    if erreurs:
        raise ValidationError(erreurs)
    version_prendre(fiche, version)
    avant = {"etat": fiche.etat, "motif_etat": fiche.motif_etat, "date_fin_reelle": fiche.date_fin_reelle}
    fiche.etat, fiche.motif_etat = etat, motif
    if date_fin_reelle:
        fiche.date_fin_reelle = date_fin_reelle
    fiche.save(update_fields=["etat", "motif_etat", "date_fin_reelle", "modifie_le"])
    ChangementEtat.objects.create(fiche=fiche, etat=etat, date=jour, motif=motif)
    registre.journaliser(
        fiche,
        Evenement.Action.MODIFICATION,
        f"Fiche action {fiche.numero} : {Etat(avant['etat']).label} → {Etat(etat).label} le {jour:%d/%m/%Y}"
        + (f" ({motif})" if motif else ""),
        trace,
        avant=avant,
        apres={"etat": etat, "motif_etat": motif, "date_fin_reelle": fiche.date_fin_reelle},
    )
    return fiche
