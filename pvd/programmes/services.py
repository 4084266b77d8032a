"""Écritures du programme : chaque fonction valide avant d'enregistrer, dans une transaction, et journalise.

Règles tenues ici (et seulement ici, les pages et l'API appellent ces fonctions) :
- une commune de convention doit être lauréate du programme et membre de l'EPCI de la convention à la date de
  référence (signature, sinon signature prévue, sinon aujourd'hui), selon le millésime du COG en vigueur ; sinon
  l'utilisateur confirme une exception expliquée ;
- une convention signée a une date de signature et au moins le signataire de l'État ;
- les statuts ne suivent que les transitions permises (en élaboration → signée → résiliée) ;
- deux modifications concurrentes d'une convention : la seconde reçoit `ConflitDeVersion` avec la version de l'autre,
  jamais d'écrasement silencieux (champ `version`, mis à jour par `UPDATE … WHERE version = …`) ;
- le cofinancement d'un chef de projet respecte les plafonds du programme (des données, pas du code).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pvd.territoires.models import Commune, Departement, Epci

from .models import (
    Convention,
    ConventionCommune,
    DocumentSource,
    Evenement,
    Laureat,
    PosteChefDeProjet,
    Programme,
    Signataire,
    SourceLaureat,
)
from .selectors import communes_membres_epcis_au, departements_principaux, parmi

TAILLE_MAX_PDF = 20 * 1024 * 1024
TRANSITIONS = {
    Convention.Statut.EN_ELABORATION: {Convention.Statut.SIGNEE},
    Convention.Statut.SIGNEE: {Convention.Statut.RESILIEE},
    Convention.Statut.RESILIEE: set(),
}


class ConflitDeVersion(Exception):
    """Quelqu'un a modifié la convention entre la lecture et l'enregistrement."""

    def __init__(self, actuelle: Convention) -> None:
        self.actuelle = actuelle
        super().__init__(
            "Cette convention a été modifiée par quelqu'un d'autre pendant que vous la modifiiez "
            f"(version {actuelle.version}). Vos changements n'ont pas été enregistrés : relisez la version "
            "actuelle ci-dessous, puis refaites vos modifications."
        )


@dataclass(frozen=True)
class Trace:
    """Qui agit, et par quel canal : chaque service le reçoit et l'inscrit au journal."""

    auteur: Any = None
    canal: str = Evenement.Canal.PAGE


def _valeur_json(valeur: Any) -> Any:
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return str(valeur)
    if hasattr(valeur, "pk"):
        return valeur.pk
    return valeur


def _evenement(
    objet, action: str, resume: str, trace: Trace, avant: dict | None = None, apres: dict | None = None
) -> Evenement:
    """L'entrée du journal, pas encore enregistrée (les écritures groupées les enregistrent d'un coup)."""
    auteur = trace.auteur if getattr(trace.auteur, "is_authenticated", False) else None
    return Evenement(
        objet_type=objet._meta.model_name,
        objet_id=str(objet.pk),
        action=action,
        resume=resume[:300],
        avant={k: _valeur_json(v) for k, v in (avant or {}).items()},
        apres={k: _valeur_json(v) for k, v in (apres or {}).items()},
        auteur=auteur,
        canal=trace.canal,
    )


def journaliser(
    objet, action: str, resume: str, trace: Trace, avant: dict | None = None, apres: dict | None = None
) -> Evenement:
    evenement = _evenement(objet, action, resume, trace, avant, apres)
    evenement.save()
    return evenement


# Lauréats ------------------------------------------------------------------------------------------------------


@dataclass
class Inscription:
    """Une commune à inscrire lauréate ; sans département de suivi, c'est le département principal de son EPCI."""

    commune: Commune
    date_selection: date
    precision_selection: str = Laureat.Precision.EXACTE
    identifiant_national: str = ""
    source: str = ""
    departement_suivi: Departement | None = None
    exception: str = ""
    identifiant_conteste: str = ""


def commune_disparue(commune: Commune) -> str:
    """La règle « une commune disparue du COG n'est pas inscrite » : son message, ou "" (l'import la demande aussi,
    pour refuser sa ligne dès l'aperçu)."""
    if not commune.obsolete:
        return ""
    return (
        f"{commune.nom} ({commune.code}) n'existe plus dans le COG : choisissez la commune qui l'a remplacée."
    )


def commune_hors_seuil(programme: Programme, commune: Commune) -> str:
    """La règle du seuil de population du programme : son message si la commune le dépasse (une exception
    expliquée est alors demandée), sinon ""."""
    if not programme.population_max or (commune.population or 0) < programme.population_max:
        return ""
    return (
        f"{commune.nom} compte {commune.population} habitants, au-delà du seuil du programme "
        f"({programme.population_max}) : confirmez l'exception en l'expliquant."
    )


def laureats_verifier(programme: Programme, inscriptions: list[Inscription]) -> dict[int, ValidationError]:
    """Les règles d'inscription pour toute une liste, en deux requêtes : rang → erreurs par champ. Une commune ou un
    identifiant pris par une inscription acceptée plus haut dans la liste l'est pour les suivantes."""
    identifiants = [i.identifiant_national for i in inscriptions if i.identifiant_national]
    codes = {i.commune.code for i in inscriptions}
    deja = {
        lau.commune_id
        for lau in parmi(Laureat.objects.filter(programme=programme).only("commune_id"), "commune_id", codes)
    }
    pris = set(
        Laureat.objects.filter(programme=programme, identifiant_national__in=identifiants).values_list(
            "identifiant_national", flat=True
        )
        if identifiants
        else []
    )
    refus = {}
    for rang, inscription in enumerate(inscriptions):
        commune, identifiant = inscription.commune, inscription.identifiant_national
        erreurs: dict[str, list[str]] = {}
        if disparue := commune_disparue(commune):
            erreurs.setdefault("commune", []).append(disparue)
        if (hors_seuil := commune_hors_seuil(programme, commune)) and not inscription.exception.strip():
            erreurs.setdefault("commune", []).append(hors_seuil)
        if commune.code in deja:
            erreurs.setdefault("commune", []).append(f"{commune.nom} est déjà lauréate de {programme.nom}.")
        if identifiant and identifiant in pris:
            erreurs.setdefault("identifiant_national", []).append(
                f"L'identifiant « {identifiant} » est déjà attribué à une autre commune."
            )
        if erreurs:
            refus[rang] = ValidationError(erreurs)
            continue
        deja.add(commune.code)
        if identifiant:
            pris.add(identifiant)
    return refus


@transaction.atomic
def laureats_register(
    *, programme: Programme, inscriptions: list[Inscription], trace: Trace
) -> list[Laureat]:
    """Inscrit des communes lauréates, en quelques requêtes quel que soit leur nombre (un import en inscrit mille) ;
    si une inscription enfreint une règle, `ValidationError` (la sienne) et rien n'est écrit."""
    refus = laureats_verifier(programme, inscriptions)
    if refus:
        raise next(iter(refus.values()))
    epcis = {
        i.commune.epci_id: i.commune.epci
        for i in inscriptions
        if not i.departement_suivi and i.commune.epci_id
    }
    principaux = departements_principaux(list(epcis.values())) if epcis else {}
    laureats = Laureat.objects.bulk_create(
        Laureat(
            programme=programme,
            commune=i.commune,
            date_selection=i.date_selection,
            precision_selection=i.precision_selection,
            identifiant_national=i.identifiant_national,
            identifiant_conteste=i.identifiant_conteste,
            source=(i.source + (f" — exception : {i.exception}" if i.exception.strip() else ""))[:300],
            departement_suivi=i.departement_suivi
            or (principaux[i.commune.epci_id] if i.commune.epci_id else i.commune.departement),
        )
        for i in inscriptions
    )
    Evenement.objects.bulk_create(
        _evenement(
            laureat,
            Evenement.Action.CREATION,
            f"{i.commune.nom} inscrite lauréate de {programme.nom_court}",
            trace,
            apres={"commune": i.commune.code, "date_selection": i.date_selection, "source": i.source},
        )
        for laureat, i in zip(laureats, inscriptions, strict=True)
    )
    return laureats


def laureat_register(
    *,
    programme: Programme,
    commune: Commune,
    date_selection: date,
    precision_selection: str = Laureat.Precision.EXACTE,
    identifiant_national: str = "",
    source: str = "",
    departement_suivi: Departement | None = None,
    exception: str = "",
    trace: Trace,
) -> Laureat:
    """Inscrit une commune lauréate ; son département de suivi est, par défaut, le département principal de son EPCI."""
    inscription = Inscription(
        commune,
        date_selection,
        precision_selection,
        identifiant_national,
        source,
        departement_suivi,
        exception,
    )
    return laureats_register(programme=programme, inscriptions=[inscription], trace=trace)[0]


@transaction.atomic
def laureat_update(*, laureat: Laureat, champs: dict[str, Any], trace: Trace) -> Laureat:
    """Met à jour l'identifiant national, la source ou la date de sortie d'un lauréat."""
    permis = {
        "identifiant_national",
        "identifiant_conteste",
        "source",
        "date_sortie",
        "date_selection",
        "precision_selection",
    }
    interdits = set(champs) - permis
    if interdits:
        raise ValidationError({c: ["Ce champ ne se modifie pas ici."] for c in sorted(interdits)})
    identifiant = champs.get("identifiant_national")
    if (
        identifiant
        and Laureat.objects.filter(programme=laureat.programme, identifiant_national=identifiant)
        .exclude(pk=laureat.pk)
        .exists()
    ):
        raise ValidationError(
            {"identifiant_national": [f"L'identifiant « {identifiant} » est déjà attribué."]}
        )
    avant = {k: getattr(laureat, k) for k in champs}
    changes = {k: v for k, v in champs.items() if avant[k] != v}
    if changes:
        Laureat.objects.filter(pk=laureat.pk).update(**changes)
        for k, v in changes.items():
            setattr(laureat, k, v)
        journaliser(
            laureat,
            Evenement.Action.MODIFICATION,
            f"Lauréat modifié : {', '.join(sorted(changes))}",
            trace,
            avant={k: avant[k] for k in changes},
            apres=changes,
        )
    return laureat


@transaction.atomic
def laureat_identifiant_trancher(*, laureat: Laureat, identifiant: str | None, trace: Trace) -> Laureat:
    """L'équipe nationale tranche un identifiant contesté : `identifiant` devient celui de la commune (il ne doit
    être porté par aucune autre), ou, avec None, la commune garde l'identifiant qu'elle a (peut-être aucun) et
    l'identifiant contesté est écarté. Les sources gardent ce qu'elles disaient : un réimport ne le rouvre pas."""
    identifiant = None if identifiant is None else identifiant.strip()
    champs: dict[str, Any] = {"identifiant_conteste": ""}
    if identifiant is not None:
        champs["identifiant_national"] = identifiant
    return laureat_update(laureat=laureat, champs=champs, trace=trace)


@dataclass
class Mention:
    """Ce qu'un document dit d'un lauréat (ligne, identifiant donné, département sous lequel il le range)."""

    laureat: Laureat
    document: DocumentSource
    ligne: int | None = None
    identifiant: str = ""
    departement_lu: str = ""


def document_obtenir(
    *,
    programme: Programme,
    titre: str,
    date: date | None,
    empreinte: str = "",
    exhaustif: bool = False,
    perimetre: Departement | None = None,
    nombre_annonce: int | None = None,
) -> DocumentSource:
    """Le document source, créé à sa première citation : un fichier par son empreinte, un texte par son titre."""
    cles = {"empreinte": empreinte} if empreinte else {"empreinte": "", "titre": titre}
    document, _ = DocumentSource.objects.get_or_create(
        programme=programme,
        **cles,
        defaults={
            "titre": titre[:300],
            "date": date,
            "exhaustif": exhaustif,
            "perimetre": perimetre,
            "nombre_annonce": nombre_annonce,
        },
    )
    return document


@transaction.atomic
def sources_ajouter(*, mentions: list[Mention], trace: Trace) -> int:
    """Note, pour chaque lauréat, le document qui le dit lauréat ; une mention déjà notée n'est pas refaite.
    Renvoie le nombre de mentions ajoutées (une entrée au journal chacune)."""
    documents = {m.document.pk for m in mentions}
    deja = set(
        SourceLaureat.objects.filter(document_id__in=documents).values_list("laureat_id", "document_id")
    )
    nouvelles = []
    for m in mentions:
        if (m.laureat.pk, m.document.pk) not in deja:
            deja.add((m.laureat.pk, m.document.pk))
            nouvelles.append(m)
    SourceLaureat.objects.bulk_create(
        SourceLaureat(
            laureat=m.laureat,
            document=m.document,
            ligne=m.ligne,
            identifiant=m.identifiant,
            departement_lu=m.departement_lu,
        )
        for m in nouvelles
    )
    Evenement.objects.bulk_create(
        _evenement(
            m.laureat,
            Evenement.Action.MODIFICATION,
            f"Source notée : {m.document}" + (f", ligne {m.ligne}" if m.ligne else ""),
            trace,
            apres={"document": m.document.titre, "ligne": m.ligne, "identifiant": m.identifiant},
        )
        for m in nouvelles
    )
    return len(nouvelles)


# Conventions ---------------------------------------------------------------------------------------------------


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


def _erreurs_creation(programme: Programme, projet: ProjetConvention) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
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
        evenements.append(_evenement(convention, Evenement.Action.CREATION, resume, trace, apres=apres))
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


def _prendre_version(convention: Convention, version: int) -> None:
    """Incrémente la version si elle n'a pas bougé ; sinon, conflit. Premier ordre de chaque écriture."""
    if not Convention.objects.filter(pk=convention.pk, version=version).update(version=F("version") + 1):
        raise ConflitDeVersion(Convention.objects.select_related("epci").get(pk=convention.pk))
    convention.version = version + 1


CHAMPS_MODIFIABLES = {
    "intitule",
    "date_signature_prevue",
    "precision_date_prevue",
    "lieu_signature",
    "duree_annees",
    "date_ouverture",
}


@transaction.atomic
def convention_update(
    *, convention: Convention, version: int, champs: dict[str, Any], trace: Trace
) -> Convention:
    """Modifie les champs descriptifs ; le statut, lui, ne change que par signature ou résiliation."""
    interdits = set(champs) - CHAMPS_MODIFIABLES
    if interdits:
        raise ValidationError(
            {
                champ: ["Ce champ ne se modifie pas ici (statut : par la signature ou la résiliation)."]
                for champ in sorted(interdits)
            }
        )
    if champs.get("duree_annees") is not None and not 1 <= int(champs["duree_annees"]) <= 30:
        raise ValidationError({"duree_annees": ["La durée est comprise entre 1 et 30 ans."]})
    _prendre_version(convention, version)
    avant = {k: getattr(convention, k) for k in champs}
    changes = {k: v for k, v in champs.items() if avant[k] != v}
    if changes:
        Convention.objects.filter(pk=convention.pk).update(**changes, modifie_le=timezone.now())
        for k, v in changes.items():
            setattr(convention, k, v)
        journaliser(
            convention,
            Evenement.Action.MODIFICATION,
            f"{convention.nom_generique} {convention.accorder('modifiée')} : "
            + ", ".join(str(Convention._meta.get_field(champ).verbose_name) for champ in sorted(changes)),
            trace,
            avant={k: avant[k] for k in changes},
            apres=changes,
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
    _prendre_version(convention, version)
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


def verifier_pdf(document: UploadedFile) -> None:
    """Un PDF par son contenu (pas par son extension), sous la taille maximale."""
    if document.size > TAILLE_MAX_PDF:
        raise ValidationError(
            {"document": [f"Le fichier pèse {document.size / 1e6:.1f} Mo : la limite est de 20 Mo."]},
            code="trop_gros",
        )
    document.seek(0)
    entete = document.read(1024)
    document.seek(0)
    if b"%PDF-" not in entete:
        raise ValidationError(
            {"document": ["Ce fichier n'est pas un PDF. Déposez la convention signée au format PDF."]}
        )


def _erreurs_signature(
    statut: str,
    date_ouverture: date | None,
    date_signature: date | None,
    signataires: list[dict[str, Any]],
    etat_deja_signataire: bool = False,
    signature_parent: date | None = None,
) -> dict[str, list[str]]:
    """`signature_parent` : pour un avenant, la date de signature de la convention qu'il modifie."""
    erreurs: dict[str, list[str]] = {}
    if Convention.Statut.SIGNEE not in TRANSITIONS[statut]:
        erreurs["statut"] = [f"Une convention {Convention.Statut(statut).label} ne peut pas être signée."]
    if date_signature is None:
        erreurs["date_signature"] = ["Indiquez la date de signature."]
    elif date_signature > timezone.localdate():
        erreurs["date_signature"] = [
            "La date de signature est dans le futur : indiquez plutôt une date prévue."
        ]
    elif date_ouverture and date_signature < date_ouverture:
        erreurs["date_signature"] = [
            f"La date de signature précède l'ouverture de la convention ({date_ouverture:%d/%m/%Y})."
        ]
    elif signature_parent and date_signature < signature_parent:
        erreurs["date_signature"] = [
            f"Un avenant ne peut pas être signé avant la convention qu'il modifie ({signature_parent:%d/%m/%Y})."
        ]
    for i, s in enumerate(signataires):
        if s.get("partie") not in Signataire.Partie.values:
            erreurs.setdefault("signataires", []).append(f"Signataire {i + 1} : partie inconnue.")
        if not (s.get("qualite") or "").strip():
            erreurs.setdefault("signataires", []).append(
                f"Signataire {i + 1} : indiquez sa qualité (par exemple « préfet du Lot »)."
            )
    if not etat_deja_signataire and not any(s.get("partie") == Signataire.Partie.ETAT for s in signataires):
        erreurs.setdefault("signataires", []).append(
            "Une convention signée a au moins le signataire de l'État (le préfet ou la préfète)."
        )
    return erreurs


def _signataire(convention: Convention, ordre: int, s: dict[str, Any]) -> Signataire:
    return Signataire(
        convention=convention,
        partie=s["partie"],
        organisme=s.get("organisme") or dict(Signataire.Partie.choices)[s["partie"]],
        commune=s.get("commune"),
        nom=(s.get("nom") or "").strip(),
        qualite=s["qualite"].strip(),
        date_deliberation=s.get("date_deliberation"),
        ordre=ordre,
    )


def _le(jour: date, precision: str) -> str:
    """« le 27/07/2021 », « au plus tard le 17/10/2023 »."""
    return (
        "au plus tard " if precision == Convention.PrecisionSignature.AU_PLUS_TARD else ""
    ) + f"le {jour:%d/%m/%Y}"


def _signataires_lisibles(signataires: list[dict[str, Any]]) -> list[str]:
    return [f"{s.get('nom') or 'non renseigné'}, {s['qualite']}" for s in signataires]


def _evenement_signature(
    convention: Convention,
    date_signature: date,
    signataires: list[dict[str, Any]],
    document: bool,
    trace: Trace,
    precision: str = Convention.PrecisionSignature.EXACTE,
) -> Evenement:
    apres = {
        "statut": Convention.Statut.SIGNEE,
        "date_signature": date_signature,
        "signataires": _signataires_lisibles(signataires),
        "document": document,
    }
    if precision != Convention.PrecisionSignature.EXACTE:
        apres["precision_signature"] = precision
    return _evenement(
        convention,
        Evenement.Action.MODIFICATION,
        f"{convention.nom_generique} {convention.accorder('signée')} {_le(date_signature, precision)}",
        trace,
        avant={"statut": Convention.Statut.EN_ELABORATION},
        apres=apres,
    )


@transaction.atomic
def convention_sign(
    *,
    convention: Convention,
    version: int,
    date_signature: date,
    signataires: list[dict[str, Any]],
    trace: Trace,
    lieu_signature: str | None = None,
    document: UploadedFile | None = None,
    precision_signature: str = Convention.PrecisionSignature.EXACTE,
) -> Convention:
    """Enregistre la signature : date, signataires (au moins l'État, déjà saisi ou donné ici), PDF facultatif.

    `precision_signature` « au plus tard » : la convention est signée ce jour-là ou avant (date exacte inconnue,
    par exemple une adhésion dont on ne sait que qu'elle précède la convention-cadre)."""
    erreurs = _erreurs_signature(
        convention.statut,
        convention.date_ouverture,
        date_signature,
        signataires,
        etat_deja_signataire=convention.signataires.filter(partie=Signataire.Partie.ETAT).exists(),
        signature_parent=convention.parent.date_signature if convention.parent_id else None,
    )
    if document is not None:
        try:
            verifier_pdf(document)
        except ValidationError as erreur:
            erreurs.update(erreur.message_dict)
    if precision_signature not in Convention.PrecisionSignature.values:
        erreurs["precision_signature"] = [f"Précision de date inconnue : « {precision_signature} »."]
    if erreurs:
        raise ValidationError(erreurs)
    _prendre_version(convention, version)
    depart = convention.signataires.count()
    Signataire.objects.bulk_create(_signataire(convention, depart + i, s) for i, s in enumerate(signataires))
    convention.statut = Convention.Statut.SIGNEE
    convention.date_signature = date_signature
    convention.precision_signature = precision_signature
    if lieu_signature is not None:
        convention.lieu_signature = lieu_signature
    if document is not None:
        convention.document.save(f"convention-{convention.pk}.pdf", document, save=False)
    convention.save(
        update_fields=[
            "statut",
            "date_signature",
            "precision_signature",
            "lieu_signature",
            "document",
            "modifie_le",
        ]
    )
    _evenement_signature(
        convention, date_signature, signataires, bool(document), trace, precision_signature
    ).save()
    return convention


@transaction.atomic
def convention_terminate(
    *, convention: Convention, version: int, date_resiliation: date, trace: Trace
) -> Convention:
    if Convention.Statut.RESILIEE not in TRANSITIONS[convention.statut]:
        raise ValidationError(
            {"statut": [f"Une convention {convention.get_statut_display()} ne peut pas être résiliée."]}
        )
    if date_resiliation < convention.date_signature:
        raise ValidationError({"date_resiliation": ["La résiliation ne peut pas précéder la signature."]})
    _prendre_version(convention, version)
    convention.statut = Convention.Statut.RESILIEE
    convention.date_resiliation = date_resiliation
    convention.save(update_fields=["statut", "date_resiliation", "modifie_le"])
    journaliser(
        convention,
        Evenement.Action.MODIFICATION,
        f"{convention.nom_generique} {convention.accorder('résiliée')} le {date_resiliation:%d/%m/%Y}",
        trace,
        avant={"statut": Convention.Statut.SIGNEE},
        apres={"statut": Convention.Statut.RESILIEE, "date_resiliation": date_resiliation},
    )
    return convention


# Chefs de projet -----------------------------------------------------------------------------------------------


def _pourcent(valeur: Decimal) -> str:
    """Decimal("75.00") → « 75 » ; Decimal("62.5") → « 62,5 »."""
    return f"{Decimal(valeur).normalize():f}".replace(".", ",")


def verifier_cofinancement(
    programme: Programme,
    *,
    cout_annuel_charge: int | None,
    taux: Decimal | None,
    montant: int | None,
    avec_anah: bool,
) -> dict[str, list[str]]:
    """Les plafonds du programme (taux, montant annuel, avec ou sans Anah) ; renvoie les erreurs par champ."""
    erreurs: dict[str, list[str]] = {}
    if (
        taux is not None
        and programme.cofinancement_taux_max is not None
        and taux > programme.cofinancement_taux_max
    ):
        erreurs["taux_cofinancement"] = [
            f"Le taux de cofinancement ne peut pas dépasser {_pourcent(programme.cofinancement_taux_max)} % du coût chargé."
        ]
    plafond = programme.cofinancement_plafond_anah if avec_anah else programme.cofinancement_plafond
    if montant is not None and plafond is not None and montant > plafond:
        avec = " avec l'Anah" if avec_anah else ""
        erreurs["montant_cofinancement"] = [
            f"Le cofinancement annuel est plafonné à {plafond:,} €{avec}.".replace(",", " ")
        ]
    if montant is not None and cout_annuel_charge is not None and taux is not None:
        maximum = Decimal(cout_annuel_charge) * taux / 100
        if montant > maximum + 1:
            erreurs.setdefault("montant_cofinancement", []).append(
                f"Le montant dépasse {_pourcent(taux)} % du coût chargé ({maximum:,.0f} €).".replace(",", " ")
            )
    return erreurs


@transaction.atomic
def poste_record(
    *,
    programme: Programme,
    employeur: Commune | Epci,
    laureats: list[Laureat],
    date_prise_poste: date,
    trace: Trace,
    nom_titulaire: str = "",
    date_fin: date | None = None,
    cout_annuel_charge: int | None = None,
    taux_cofinancement: Decimal | None = None,
    montant_cofinancement: int | None = None,
    avec_anah: bool = False,
) -> PosteChefDeProjet:
    """Enregistre un poste de chef de projet (recruté par une commune ou un EPCI) et les lauréats qu'il couvre."""
    erreurs = verifier_cofinancement(
        programme,
        cout_annuel_charge=cout_annuel_charge,
        taux=taux_cofinancement,
        montant=montant_cofinancement,
        avec_anah=avec_anah,
    )
    if not laureats:
        erreurs["laureats"] = ["Le poste couvre au moins un lauréat."]
    if any(laureat.programme_id != programme.pk for laureat in laureats):
        erreurs["laureats"] = ["Un lauréat d'un autre programme ne peut pas être couvert par ce poste."]
    if date_fin and date_fin < date_prise_poste:
        erreurs["date_fin"] = ["La fin de poste précède la prise de poste."]
    if erreurs:
        raise ValidationError(erreurs)
    est_commune = isinstance(employeur, Commune)
    try:
        poste = PosteChefDeProjet.objects.create(
            programme=programme,
            employeur_type=PosteChefDeProjet.Employeur.COMMUNE
            if est_commune
            else PosteChefDeProjet.Employeur.EPCI,
            employeur_commune=employeur if est_commune else None,
            employeur_epci=None if est_commune else employeur,
            nom_titulaire=nom_titulaire.strip(),
            date_prise_poste=date_prise_poste,
            date_fin=date_fin,
            cout_annuel_charge=cout_annuel_charge,
            taux_cofinancement=taux_cofinancement,
            montant_cofinancement=montant_cofinancement,
            avec_anah=avec_anah,
        )
    except IntegrityError as erreur:
        raise ValidationError(
            "Le poste n'a pas pu être enregistré : vérifiez l'employeur et les dates."
        ) from erreur
    poste.laureats.set(laureats)
    journaliser(
        poste,
        Evenement.Action.CREATION,
        f"Chef de projet recruté par {employeur.nom}",
        trace,
        apres={
            "laureats": [laureat.commune_id for laureat in laureats],
            "date_prise_poste": date_prise_poste,
            "montant_cofinancement": montant_cofinancement,
        },
    )
    return poste


# Publication ---------------------------------------------------------------------------------------------------


@transaction.atomic
def publication_definir(*, objets: list[Laureat | Convention], publie: bool, trace: Trace) -> int:
    """Publie (ou retire de la publication) des lauréats et des conventions ; renvoie le nombre de changements.
    En quelques requêtes quel que soit leur nombre (la démonstration publie la liste nationale entière)."""
    a_changer = [objet for objet in objets if objet.publie != publie]
    for modele in {type(objet) for objet in a_changer}:
        modele.objects.filter(pk__in=[o.pk for o in a_changer if type(o) is modele]).update(publie=publie)
    for objet in a_changer:
        objet.publie = publie
    Evenement.objects.bulk_create(
        _evenement(
            objet,
            Evenement.Action.MODIFICATION,
            f"{'Publié' if publie else 'Retiré de la publication'} : {objet}",
            trace,
            avant={"publie": not publie},
            apres={"publie": publie},
        )
        for objet in a_changer
    )
    return len(a_changer)
