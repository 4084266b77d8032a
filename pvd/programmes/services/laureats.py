"""Les lauréats : l'inscription d'une commune (une à une ou mille d'un import), ses modifications, l'identifiant
national contesté que l'équipe nationale tranche, et les documents sources qui la disent lauréate.

Règles tenues ici : une commune disparue du COG n'est pas inscrite ; au-delà du seuil de population du programme,
l'exception est confirmée et expliquée ; une commune n'est lauréate qu'une fois par programme ; un identifiant
national n'est porté que par une commune.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.territoires.models import Commune, Departement

from ..models import DocumentSource, Evenement, Laureat, Programme, SourceLaureat
from ..selectors import departements_principaux, parmi
from .journal import Trace, evenement, objet_update


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
        evenement(
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


def _identifiant_libre(laureat: Laureat, identifiant: str | None) -> None:
    """Un identifiant national n'est porté que par une commune du programme."""
    if (
        identifiant
        and Laureat.objects.filter(programme=laureat.programme, identifiant_national=identifiant)
        .exclude(pk=laureat.pk)
        .exists()
    ):
        raise ValidationError(
            {"identifiant_national": [f"L'identifiant « {identifiant} » est déjà attribué."]}
        )


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
    objet_update(
        laureat,
        champs=champs,
        permis=permis,
        trace=trace,
        resume=lambda changes: f"Lauréat modifié : {', '.join(changes)}",
        verifier=lambda valeurs: _identifiant_libre(laureat, valeurs.get("identifiant_national")),
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
        evenement(
            m.laureat,
            Evenement.Action.MODIFICATION,
            f"Source notée : {m.document}" + (f", ligne {m.ligne}" if m.ligne else ""),
            trace,
            apres={"document": m.document.titre, "ligne": m.ligne, "identifiant": m.identifiant},
        )
        for m in nouvelles
    )
    return len(nouvelles)
