"""La signature d'une convention et ce qui la suit : les transitions de statut (en élaboration → signée →
résiliée), les règles d'une signature, ses signataires, le PDF signé.

Règles tenues ici : une convention signée a une date de signature (pas dans le futur, pas avant son ouverture ni,
pour un avenant, avant la convention qu'il modifie) et au moins le signataire de l'État ; le PDF est reconnu par
son contenu et pèse au plus 20 Mo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pvd.config.tailles import en_mo

from ..documents import est_un_pdf
from ..models import Convention, Evenement, Signataire
from .journal import Trace, evenement, journaliser, version_prendre

TRANSITIONS = {
    Convention.Statut.EN_ELABORATION: {Convention.Statut.SIGNEE},
    Convention.Statut.SIGNEE: {Convention.Statut.RESILIEE},
    Convention.Statut.RESILIEE: set(),
}


def verifier_pdf(document: UploadedFile) -> None:
    """Un PDF par son contenu (pas par son extension : `documents.est_un_pdf`), sous la taille maximale."""
    if document.size > settings.PVD_TAILLE_MAX_FICHIER:
        limite = en_mo(settings.PVD_TAILLE_MAX_FICHIER)
        raise ValidationError(
            {"document": [f"Le fichier pèse {en_mo(document.size)} : la limite est de {limite}."]},
            code="trop_gros",
        )
    if not est_un_pdf(document):
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
    return evenement(
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
    version_prendre(convention, version)
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
    version_prendre(convention, version)
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
