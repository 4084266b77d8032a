"""Écritures du plan d'action : chaque fonction valide avant d'enregistrer, dans une transaction, et inscrit le
changement au journal du registre (`Evenement`, par `programmes.services.journaliser`).

Règles tenues ici :
- une fiche appartient au plan d'une convention-cadre valant ORT (l'avenant qui l'a ajoutée en est un avenant) ; son
  numéro est unique dans ce plan ; ses communes sont celles de la convention ; son axe est un axe de l'ORT ou un
  thème du programme ; sa fin prévue ne précède pas son début ;
- l'état suit à l'étude → programmée → engagée → en cours → réalisée ; en pause, bloquée ou abandonnée à tout moment,
  avec un motif ; réalisée exige la fin réelle ; chaque changement est daté (historique `ChangementEtat`) ;
- une ligne de financement suit envisagée → sollicitée → accordée → versée, ou refusée ; une décision est datée ;
- deux modifications concurrentes d'une fiche ou d'une ligne : la seconde reçoit `ConflitDeVersion`, jamais
  d'écrasement silencieux (`UPDATE … WHERE version = …`, comme les conventions).

Les règles du financement (plafond du coût, 20 % du maître d'ouvrage, retard) ne bloquent rien : `regles.py` les
montre comme des avertissements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pvd.programmes import services as registre
from pvd.programmes.models import Convention, Evenement
from pvd.territoires.models import Commune, Epci

from .models import (
    ETATS_D_ARRET,
    SUITE_DES_ETATS,
    Axe,
    ChangementEtat,
    CoutAnnuel,
    Dispositif,
    EtapeAction,
    Etat,
    FicheAction,
    Indicateur,
    LigneFinancement,
    Organisation,
    Precision,
    StatutLigne,
    ValeurIndicateur,
    debut_de_periode,
)

Trace = registre.Trace

STATUTS_LIGNE = frozenset(StatutLigne.values)  # lus une fois : un import en vérifie des dizaines de milliers
PRECISIONS = frozenset(Precision.values)
TRANSITIONS_LIGNE = {
    StatutLigne.ENVISAGEE: {StatutLigne.SOLLICITEE, StatutLigne.ACCORDEE, StatutLigne.REFUSEE},
    StatutLigne.SOLLICITEE: {StatutLigne.ACCORDEE, StatutLigne.REFUSEE, StatutLigne.ENVISAGEE},
    StatutLigne.ACCORDEE: {StatutLigne.VERSEE},
    StatutLigne.VERSEE: set(),
    StatutLigne.REFUSEE: {StatutLigne.SOLLICITEE},
}


class ConflitDeVersion(registre.ConflitDeVersion):
    """Quelqu'un a modifié la fiche ou la ligne entre la lecture et l'enregistrement (le même refus que pour une
    convention, que pages et API traitent de même)."""

    def __init__(self, actuelle: FicheAction | LigneFinancement) -> None:
        self.actuelle = actuelle
        quoi = (
            "Cette fiche action a été modifiée"
            if isinstance(actuelle, FicheAction)
            else ("Cette ligne de financement a été modifiée")
        )
        Exception.__init__(
            self,
            f"{quoi} par quelqu'un d'autre pendant que vous la modifiiez (version {actuelle.version}). Vos "
            "changements n'ont pas été enregistrés : relisez la version actuelle, puis refaites vos modifications.",
        )


def _prendre_version(objet: FicheAction | LigneFinancement, version: int) -> None:
    modele = type(objet)
    if not modele.objects.filter(pk=objet.pk, version=version).update(version=F("version") + 1):
        raise ConflitDeVersion(modele.objects.get(pk=objet.pk))
    objet.version = version + 1


def montant_lu(valeur: Any, champ: str, obligatoire: bool = False) -> Decimal | None:
    """« 125 000,50 », « 125000.5 » ou un nombre → Decimal au centime ; `ValidationError` sur `champ` sinon."""
    if valeur in (None, ""):
        if obligatoire:
            raise ValidationError({champ: ["Indiquez un montant en euros."]})
        return None
    try:
        montant = Decimal(str(valeur).replace("\u202f", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {champ: [f"« {valeur} » n'est pas un montant en euros (exemple : 125000,50)."]}
        ) from None
    if not montant.is_finite() or montant < 0:
        raise ValidationError({champ: ["Un montant est positif ou nul."]})
    return montant.quantize(Decimal("0.01"))


# Organisations ---------------------------------------------------------------------------------------------------


@transaction.atomic
def organisation_obtenir(
    *,
    trace: Trace,
    commune: Commune | None = None,
    epci: Epci | None = None,
    nom: str = "",
    siren: str = "",
    nature: str = "",
) -> Organisation:
    """L'organisation d'une commune, d'un EPCI, ou d'un nom et d'un SIREN ; créée si elle n'existe pas encore."""
    if commune is not None:
        existante = Organisation.objects.filter(commune=commune).first()
        if existante:
            return existante
        nom, siren, nature = commune.nom, commune.siren or "", Organisation.Nature.COMMUNE
    elif epci is not None:
        existante = Organisation.objects.filter(epci=epci).first()
        if existante:
            return existante
        nom, siren, nature = epci.nom, epci.siren, Organisation.Nature.EPCI
    nom, siren = nom.strip(), siren.replace(" ", "")
    if not nom:
        raise ValidationError({"nom": ["Indiquez le nom de l'organisation."]})
    if siren and not (len(siren) == 9 and siren.isdigit()):
        raise ValidationError({"siren": [f"« {siren} » n'est pas un SIREN : neuf chiffres."]})
    if nature not in Organisation.Nature.values:
        raise ValidationError({"nature": ["Choisissez la nature de l'organisation."]})
    existante = (
        Organisation.objects.filter(siren=siren).first()
        if siren
        else Organisation.objects.filter(nom=nom, siren="").first()
    )
    if existante and commune is None and epci is None:
        return existante
    if existante:
        raise ValidationError(
            {"siren": [f"Le SIREN {siren} est déjà celui de « {existante.nom} » : vérifiez le référentiel."]}
        )
    organisation = Organisation.objects.create(
        nom=nom, siren=siren, nature=nature, commune=commune, epci=epci
    )
    registre.journaliser(
        organisation, Evenement.Action.CREATION, f"Organisation enregistrée : {organisation.nom}", trace
    )
    return organisation


def organisation_designee(designation: Any, trace: Trace) -> Organisation | None:
    """Une organisation désignée par un formulaire ou un import : elle-même, une commune, un EPCI, ou la description
    d'une nouvelle (`{"nom", "siren", "nature"}`), créée au besoin dans la transaction de l'appelant."""
    if designation is None or isinstance(designation, Organisation):
        return designation
    if isinstance(designation, Commune):
        return organisation_obtenir(commune=designation, trace=trace)
    if isinstance(designation, Epci):
        return organisation_obtenir(epci=designation, trace=trace)
    return organisation_obtenir(trace=trace, **designation)


# Fiches actions --------------------------------------------------------------------------------------------------

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
    _prendre_version(fiche, version)
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
    _prendre_version(fiche, version)
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


@transaction.atomic
def cout_annuel_definir(
    *, fiche: FicheAction, annee: int, nature: str, prevu: Any = None, realise: Any = None, trace: Trace
) -> CoutAnnuel:
    if nature not in CoutAnnuel.Nature.values:
        raise ValidationError({"nature": ["Investissement ou fonctionnement."]})
    if not 1990 <= int(annee) <= 2100:
        raise ValidationError({"annee": [f"« {annee} » n'est pas une année plausible."]})
    valeurs = {"prevu": montant_lu(prevu, "prevu"), "realise": montant_lu(realise, "realise")}
    cout, _ = CoutAnnuel.objects.update_or_create(fiche=fiche, annee=annee, nature=nature, defaults=valeurs)
    registre.journaliser(
        fiche,
        Evenement.Action.MODIFICATION,
        f"Fiche action {fiche.numero} : coût {nature} {annee} (prévu {valeurs['prevu']}, réalisé "
        f"{valeurs['realise']})",
        trace,
    )
    return cout


@transaction.atomic
def etape_ajouter(
    *, fiche: FicheAction, intitule: str, trace: Trace, date_prevue: date | None = None
) -> EtapeAction:
    if not intitule.strip():
        raise ValidationError({"intitule": ["Indiquez l'intitulé de l'étape."]})
    ordre = fiche.etapes.count() + 1
    etape = EtapeAction.objects.create(
        fiche=fiche, intitule=intitule.strip(), date_prevue=date_prevue, ordre=ordre
    )
    registre.journaliser(fiche, Evenement.Action.MODIFICATION, f"Étape ajoutée : {etape.intitule}", trace)
    return etape


@transaction.atomic
def etape_marquer(*, etape: EtapeAction, faite: bool, trace: Trace, jour: date | None = None) -> EtapeAction:
    if faite and jour and jour > timezone.localdate():
        raise ValidationError({"jour": ["Une étape faite l'a été aujourd'hui ou avant : corrigez la date."]})
    etape.faite = faite
    etape.date_faite = (jour or timezone.localdate()) if faite else None
    etape.save(update_fields=["faite", "date_faite"])
    registre.journaliser(
        etape.fiche,
        Evenement.Action.MODIFICATION,
        f"Étape « {etape.intitule} » {'faite' if faite else 'à faire'}",
        trace,
    )
    return etape


@transaction.atomic
def indicateur_ajouter(
    *, fiche: FicheAction, nom: str, trace: Trace, unite: str = "", periodicite: str = ""
) -> Indicateur:
    if not nom.strip():
        raise ValidationError({"nom": ["Indiquez le nom de l'indicateur."]})
    indicateur = Indicateur.objects.create(
        fiche=fiche, nom=nom.strip(), unite=unite.strip(), periodicite=periodicite.strip()
    )
    registre.journaliser(fiche, Evenement.Action.MODIFICATION, f"Indicateur ajouté : {indicateur.nom}", trace)
    return indicateur


@transaction.atomic
def valeur_indicateur_ajouter(
    *, indicateur: Indicateur, type: str, jour: date, valeur: Any, trace: Trace, source: str = ""
) -> ValeurIndicateur:
    if type not in ValeurIndicateur.Type.values:
        raise ValidationError({"type": ["Résultat ou cible."]})
    try:
        nombre = Decimal(str(valeur).replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"valeur": [f"« {valeur} » n'est pas un nombre."]}) from None
    if not nombre.is_finite() or abs(nombre) >= Decimal("1e12"):
        raise ValidationError({"valeur": [f"« {valeur} » n'est pas une valeur d'indicateur plausible."]})
    objet = ValeurIndicateur.objects.create(
        indicateur=indicateur, type=type, date=jour, valeur=nombre, source=source
    )
    registre.journaliser(
        indicateur.fiche,
        Evenement.Action.MODIFICATION,
        f"Indicateur « {indicateur.nom} » : {objet.get_type_display()} {valeur} au {jour:%d/%m/%Y}",
        trace,
    )
    return objet


# Lignes de financement -------------------------------------------------------------------------------------------


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
    _prendre_version(ligne, version)
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
