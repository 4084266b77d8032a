"""Les conventions : leur création (une à une ou mille d'un import), leurs champs descriptifs, leurs communes.
La signature et la résiliation sont dans `signature.py`.

Règles tenues ici :
- une commune de convention doit être lauréate du programme et membre de l'EPCI de la convention à la date de
  référence (signature, sinon signature prévue, sinon aujourd'hui), selon le millésime du COG en vigueur ; sinon
  l'utilisateur confirme une exception expliquée ;
- une commune n'a qu'une convention d'adhésion par programme (la suite passe par des avenants) ; un avenant porte
  sur une convention du même EPCI et du même programme ;
- deux modifications concurrentes d'une convention : la seconde reçoit `ConflitDeVersion` avec la version de l'autre,
  jamais d'écrasement silencieux (champ `version`, mis à jour par `UPDATE … WHERE version = …`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pvd.territoires.models import Commune, Departement, Epci

from ..models import Convention, ConventionCommune, Evenement, Laureat, Programme, Signataire
from ..selectors import communes_membres_epcis_au, departements_principaux, parmi
from .journal import Trace, evenement, journaliser, objet_update, version_prendre
from .laureats import Inscription
from .signature import _erreurs_signature, _le, _signataire, _signataires_lisibles


def _date_de_reference(date_signature: date | None, date_prevue: date | None) -> date:
    return date_signature or date_prevue or timezone.localdate()


def _verifier_communes(
    programme: Programme,
    epci: Epci,
    communes: list[tuple[Commune, str]],
    reference: date,
    exceptions: dict[str, str],
) -> list[str]:
    """Les problèmes de chaque commune non couverts par une exception confirmée (message en français)."""
    return _verifier_communes_des_conventions(programme, [(epci, communes, reference, exceptions)])[0]


def _verifier_communes_des_conventions(
    programme: Programme,
    demandes: list[tuple[Epci, list[tuple[Commune, str]], date, dict[str, str]]],
    laureats_prevus: list[Inscription] = (),
) -> list[list[str]]:
    """`_verifier_communes` pour plusieurs conventions (EPCI, communes et rôles, date de référence, exceptions), en
    quelques requêtes pour toutes ; les `laureats_prevus` comptent comme s'ils étaient déjà inscrits."""
    codes = {c.code for _, communes, _, _ in demandes for c, _ in communes}
    laureats = defaultdict(list)
    lus = Laureat.objects.filter(programme=programme).only("commune_id", "date_selection", "date_sortie")
    for laureat in parmi(lus, "commune_id", codes):
        laureats[laureat.commune_id].append(laureat)
    for prevu in laureats_prevus:
        if prevu.commune.code in codes:
            laureats[prevu.commune.code].append(Laureat(date_selection=prevu.date_selection))
    membres = communes_membres_epcis_au(
        [([c for c, _ in communes], epci, reference) for epci, communes, reference, _ in demandes]
    )
    resultats = []
    for (epci, communes, reference, exceptions), membres_au in zip(demandes, membres, strict=True):
        problemes = []
        for commune, role in communes:
            raisons = []
            lauree = any(laureat.actif_au(reference) for laureat in laureats[commune.code])
            if role != ConventionCommune.Role.AUTRE and not lauree:
                raisons.append(f"n'est pas lauréate de {programme.nom} au {reference:%d/%m/%Y}")
            if commune.code not in membres_au:
                raisons.append(f"n'est pas membre de {epci.nom} au {reference:%d/%m/%Y}")
            if raisons and not exceptions.get(commune.code, "").strip():
                problemes.append(
                    f"{commune.nom} ({commune.code}) {' et '.join(raisons)} : retirez-la, ou confirmez "
                    "l'exception en l'expliquant."
                )
        resultats.append(problemes)
    return resultats


@dataclass
class ProjetConvention:
    """Une convention à créer, en cours d'élaboration ; signée d'emblée si `date_signature` est donnée (un import
    de conventions déjà signées), avec ses `signataires` (au moins l'État)."""

    type: str
    epci: Epci
    communes: list[tuple[Commune, str]]
    parent: Convention | None = None
    intitule: str = ""
    date_ouverture: date | None = None
    date_signature_prevue: date | None = None
    precision_date_prevue: str = "jour"
    lieu_signature: str = ""
    duree_annees: int | None = None
    departement_suivi: Departement | None = None
    exceptions: dict[str, str] = field(default_factory=dict)
    date_signature: date | None = None
    precision_signature: str = Convention.PrecisionSignature.EXACTE
    signataires: list[dict[str, Any]] = field(default_factory=list)


def _erreurs_ouverture(date_ouverture: date | None, date_signature: date | None) -> dict[str, list[str]]:
    """La date d'ouverture (« en élaboration depuis ») : ni dans le futur, ni après la signature. Une convention
    signée en 2021 « ouverte » en 2030 n'existerait pas avant 2030 : elle disparaîtrait des listes publiques et le
    jalon de sa commune redeviendrait « non renseigné »."""
    if date_ouverture is None:
        return {}
    if date_signature is not None and date_ouverture > date_signature:
        return {
            "date_ouverture": [
                f"La date d'ouverture ({date_ouverture:%d/%m/%Y}) suit la signature de la convention "
                f"({date_signature:%d/%m/%Y}) : indiquez une date d'ouverture antérieure ou égale à la signature."
            ]
        }
    if date_ouverture > timezone.localdate():
        return {
            "date_ouverture": [
                f"La date d'ouverture ({date_ouverture:%d/%m/%Y}) est dans le futur : une convention est en "
                "élaboration depuis aujourd'hui ou une date passée."
            ]
        }
    return {}


def _erreurs_creation(programme: Programme, projet: ProjetConvention) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = _erreurs_ouverture(projet.date_ouverture, projet.date_signature)
    type, parent, epci, communes = projet.type, projet.parent, projet.epci, projet.communes
    if type not in Convention.Type.values:
        erreurs["type"] = [f"Type de convention inconnu : « {type} »."]
    if type == Convention.Type.AVENANT and parent is None:
        erreurs["parent"] = ["Un avenant modifie une convention existante : choisissez-la."]
    if type != Convention.Type.AVENANT and parent is not None:
        erreurs["parent"] = ["Seul un avenant a une convention parente."]
    if parent is not None and (parent.epci_id != epci.pk or parent.programme_id != programme.pk):
        erreurs["parent"] = ["Un avenant porte sur une convention du même EPCI et du même programme."]
    if epci.obsolete:
        erreurs["epci"] = [f"{epci.nom} n'existe plus : choisissez l'EPCI qui l'a remplacé."]
    if not communes:
        erreurs["communes"] = ["Une convention réunit au moins une commune."]
    if len({c.code for c, _ in communes}) != len(communes):
        erreurs["communes"] = ["Une commune figure deux fois dans la liste."]
    return erreurs


def adhesions_existantes(
    programme: Programme, codes: set[str], sauf: int | None = None
) -> dict[str, Convention]:
    """Pour chaque code de commune, la convention d'adhésion (non résiliée) qui la réunit déjà, s'il y en a une ; en
    une requête. Une commune n'a qu'une adhésion par programme : la suite passe par des avenants."""
    liens = ConventionCommune.objects.filter(
        convention__programme=programme,
        convention__type=Convention.Type.ADHESION,
        convention__date_resiliation__isnull=True,
    ).select_related("convention__epci", "convention__programme")
    if sauf is not None:
        liens = liens.exclude(convention_id=sauf)
    return {lien.commune_id: lien.convention for lien in parmi(liens, "commune_id", codes)}


def _message_doublon(commune: Commune, existante: Convention) -> str:
    return (
        f"{commune.nom} ({commune.code}) a déjà une convention d'adhésion au programme "
        f"{existante.programme.nom} : {existante.reperes}. Une commune n'a qu'une convention d'adhésion : "
        "complétez celle-là (ou ajoutez la commune par un avenant) au lieu d'en créer une seconde."
    )


def _erreurs_doublons(programme: Programme, projets: list[ProjetConvention]) -> dict[int, list[str]]:
    """Les communes d'un projet d'adhésion qui ont déjà une adhésion, enregistrée ou plus haut dans la même liste."""
    codes = {c.code for p in projets if p.type == Convention.Type.ADHESION for c, _ in p.communes}
    if not codes:
        return {}
    existantes = adhesions_existantes(programme, codes)
    erreurs: dict[int, list[str]] = {}
    vues: dict[str, int] = {}
    for rang, projet in enumerate(projets):
        if projet.type != Convention.Type.ADHESION:
            continue
        for commune, _ in projet.communes:
            if commune.code in existantes:
                erreurs.setdefault(rang, []).append(_message_doublon(commune, existantes[commune.code]))
            elif commune.code in vues:
                erreurs.setdefault(rang, []).append(
                    f"{commune.nom} ({commune.code}) figure déjà dans une autre convention d'adhésion de la même "
                    f"liste (rang {vues[commune.code] + 1}) : une commune n'a qu'une convention d'adhésion."
                )
            else:
                vues[commune.code] = rang
    return erreurs


def conventions_verifier(
    programme: Programme, projets: list[ProjetConvention], laureats_prevus: list[Inscription] = ()
) -> dict[int, ValidationError]:
    """Les règles de création (et de signature pour un projet signé) de toute une liste de conventions, en quelques
    requêtes pour toutes : rang → erreurs par champ. Les `laureats_prevus` (inscrits par le même import, juste
    avant) comptent comme déjà inscrits."""
    erreurs = [_erreurs_creation(programme, projet) for projet in projets]
    a_verifier = [
        rang for rang, projet in enumerate(projets) if projet.communes and "communes" not in erreurs[rang]
    ]
    problemes = _verifier_communes_des_conventions(
        programme,
        [
            (
                projets[rang].epci,
                projets[rang].communes,
                _date_de_reference(None, projets[rang].date_signature_prevue),
                projets[rang].exceptions,
            )
            for rang in a_verifier
        ],
        laureats_prevus,
    )
    for rang, liste in zip(a_verifier, problemes, strict=True):
        if liste:
            erreurs[rang]["communes"] = liste
    for rang, liste in _erreurs_doublons(programme, projets).items():
        erreurs[rang].setdefault("communes", []).extend(liste)
    for rang, projet in enumerate(projets):
        if projet.date_signature is not None:
            for champ, messages in _erreurs_signature(
                Convention.Statut.EN_ELABORATION,
                projet.date_ouverture,
                projet.date_signature,
                projet.signataires,
                signature_parent=projet.parent.date_signature if projet.parent else None,
            ).items():
                erreurs[rang].setdefault(champ, []).extend(messages)
    return {rang: ValidationError(e) for rang, e in enumerate(erreurs) if e}


@transaction.atomic
def conventions_create(
    *, programme: Programme, projets: list[ProjetConvention], trace: Trace
) -> list[Convention]:
    """Crée des conventions avec leurs communes (dans l'ordre donné), signées d'emblée pour les projets datés, en
    quelques requêtes quel que soit leur nombre ; si l'une enfreint une règle, `ValidationError` (la sienne) et
    rien n'est écrit. Le journal a une entrée par convention (« créée, signée le … » pour une convention signée)."""
    refus = conventions_verifier(programme, projets)
    if refus:
        raise next(iter(refus.values()))
    sans_suivi = {p.epci.pk: p.epci for p in projets if p.departement_suivi is None}
    principaux = departements_principaux(list(sans_suivi.values())) if sans_suivi else {}
    conventions = Convention.objects.bulk_create(
        Convention(
            programme=programme,
            type=p.type,
            parent=p.parent,
            intitule=p.intitule,
            epci=p.epci,
            departement_suivi=p.departement_suivi or principaux[p.epci.pk],
            date_ouverture=p.date_ouverture,
            date_signature_prevue=p.date_signature_prevue,
            precision_date_prevue=p.precision_date_prevue,
            lieu_signature=p.lieu_signature,
            duree_annees=p.duree_annees,
            statut=Convention.Statut.SIGNEE if p.date_signature else Convention.Statut.EN_ELABORATION,
            date_signature=p.date_signature,
            precision_signature=p.precision_signature
            if p.date_signature
            else Convention.PrecisionSignature.EXACTE,
        )
        for p in projets
    )
    ConventionCommune.objects.bulk_create(
        ConventionCommune(
            convention=convention,
            commune=commune,
            role=role,
            ordre=i,
            exception=p.exceptions.get(commune.code, ""),
        )
        for convention, p in zip(conventions, projets, strict=True)
        for i, (commune, role) in enumerate(p.communes)
    )
    Signataire.objects.bulk_create(
        _signataire(convention, i, s)
        for convention, p in zip(conventions, projets, strict=True)
        if p.date_signature
        for i, s in enumerate(p.signataires)
    )
    evenements = []
    for convention, p in zip(conventions, projets, strict=True):
        apres = {
            "type": p.type,
            "epci": p.epci.siren,
            "communes": [c.code for c, _ in p.communes],
            "date_signature_prevue": p.date_signature_prevue,
        }
        if p.precision_date_prevue != "jour":
            apres["precision_date_prevue"] = p.precision_date_prevue
        cree = f"{convention.libelle_type} {convention.accorder('créée')}"
        resume = f"{cree} : {p.epci.nom}"
        if p.date_signature:  # une convention arrivée signée : un seul fait, daté
            apres |= {
                "statut": Convention.Statut.SIGNEE,
                "date_signature": p.date_signature,
                "signataires": _signataires_lisibles(p.signataires),
            }
            le = _le(p.date_signature, p.precision_signature)
            resume = f"{cree}, {convention.accorder('signée')} {le} : {p.epci.nom}"
            if p.precision_signature != Convention.PrecisionSignature.EXACTE:
                apres["precision_signature"] = p.precision_signature
        evenements.append(evenement(convention, Evenement.Action.CREATION, resume, trace, apres=apres))
    Evenement.objects.bulk_create(evenements)
    return conventions


def convention_create(
    *,
    programme: Programme,
    type: str,
    epci: Epci,
    communes: list[tuple[Commune, str]],
    trace: Trace,
    parent: Convention | None = None,
    intitule: str = "",
    date_ouverture: date | None = None,
    date_signature_prevue: date | None = None,
    lieu_signature: str = "",
    duree_annees: int | None = None,
    departement_suivi: Departement | None = None,
    exceptions: dict[str, str] | None = None,
) -> Convention:
    """Crée une convention en cours d'élaboration avec ses communes (dans l'ordre donné)."""
    projet = ProjetConvention(
        type=type,
        epci=epci,
        communes=communes,
        parent=parent,
        intitule=intitule,
        date_ouverture=date_ouverture,
        date_signature_prevue=date_signature_prevue,
        lieu_signature=lieu_signature,
        duree_annees=duree_annees,
        departement_suivi=departement_suivi,
        exceptions=exceptions or {},
    )
    return conventions_create(programme=programme, projets=[projet], trace=trace)[0]


CHAMPS_MODIFIABLES = {
    "intitule",
    "date_signature_prevue",
    "precision_date_prevue",
    "lieu_signature",
    "duree_annees",
    "date_ouverture",
}


def _verifier_champs(champs: dict[str, Any], convention: Convention) -> None:
    if champs.get("duree_annees") is not None and not 1 <= int(champs["duree_annees"]) <= 30:
        raise ValidationError({"duree_annees": ["La durée est comprise entre 1 et 30 ans."]})
    if erreurs := _erreurs_ouverture(champs.get("date_ouverture"), convention.date_signature):
        raise ValidationError(erreurs)


@transaction.atomic
def convention_update(
    *, convention: Convention, version: int, champs: dict[str, Any], trace: Trace
) -> Convention:
    """Modifie les champs descriptifs ; le statut, lui, ne change que par signature ou résiliation."""
    objet_update(
        convention,
        champs=champs,
        permis=CHAMPS_MODIFIABLES,
        trace=trace,
        resume=lambda changes: (
            f"{convention.nom_generique} {convention.accorder('modifiée')} : "
            + ", ".join(str(Convention._meta.get_field(champ).verbose_name) for champ in changes)
        ),
        refus="Ce champ ne se modifie pas ici (statut : par la signature ou la résiliation).",
        verifier=lambda champs: _verifier_champs(champs, convention),
        version=version,
    )
    return convention


@transaction.atomic
def convention_add_commune(
    *, convention: Convention, version: int, commune: Commune, role: str, exception: str = "", trace: Trace
) -> ConventionCommune:
    if convention.statut != Convention.Statut.EN_ELABORATION:
        raise ValidationError({"commune": ["La convention est signée : ajoutez la commune par un avenant."]})
    if convention.communes.filter(commune=commune).exists():
        raise ValidationError({"commune": [f"{commune.nom} fait déjà partie de la convention."]})
    if convention.type == Convention.Type.ADHESION:
        existante = adhesions_existantes(convention.programme, {commune.code}, sauf=convention.pk).get(
            commune.code
        )
        if existante is not None:
            raise ValidationError({"commune": [_message_doublon(commune, existante)]})
    reference = _date_de_reference(convention.date_signature, convention.date_signature_prevue)
    problemes = _verifier_communes(
        convention.programme, convention.epci, [(commune, role)], reference, {commune.code: exception}
    )
    if problemes:
        raise ValidationError({"commune": problemes})
    version_prendre(convention, version)
    lien = ConventionCommune.objects.create(
        convention=convention,
        commune=commune,
        role=role,
        ordre=convention.communes.count(),
        exception=exception,
    )
    journaliser(
        convention,
        Evenement.Action.MODIFICATION,
        f"Commune ajoutée : {commune.nom}",
        trace,
        apres={"commune": commune.code, "role": role, "exception": exception},
    )
    return lien
