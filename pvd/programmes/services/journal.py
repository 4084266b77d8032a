"""Le journal des changements, et l'écriture qui le tient : qui agit (`Trace`), l'entrée du journal (`Evenement`),
le verrou de version, et la modification champ par champ que partagent les `*_update`.

Toute écriture du registre (programme, publication) laisse ici une entrée datée, avec l'auteur et le canal (page,
API, import, commande) ; les pages d'historique la relisent telle quelle, sans recalcul.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from ..models import Evenement


class ConflitDeVersion(Exception):
    """Quelqu'un a modifié la convention entre la lecture et l'enregistrement (seule la convention porte une
    version : deux personnes la modifient souvent en même temps, jusqu'à sa signature)."""

    def __init__(self, actuelle: Any) -> None:
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


def evenement(
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
    entree = evenement(objet, action, resume, trace, avant, apres)
    entree.save()
    return entree


def version_prendre(objet: models.Model, version: int) -> None:
    """Incrémente la version si elle n'a pas bougé (`UPDATE … WHERE version = …`, sûr entre deux processus) ;
    sinon `ConflitDeVersion` avec l'objet tel qu'il est maintenant. Premier ordre de chaque écriture versionnée."""
    modele = type(objet)
    if not modele.objects.filter(pk=objet.pk, version=version).update(version=F("version") + 1):
        raise ConflitDeVersion(modele.objects.get(pk=objet.pk))
    objet.version = version + 1


def objet_update(
    objet: models.Model,
    *,
    champs: dict[str, Any],
    permis: set[str],
    trace: Trace,
    resume: Callable[[list[str]], str],
    refus: str = "Ce champ ne se modifie pas ici.",
    verifier: Callable[[dict[str, Any]], None] | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """La modification de quelques champs d'un objet, écrite une fois pour tous les `*_update`, dans cet ordre :
    refuse les champs hors de `permis` (message `refus` sur chacun), laisse `verifier` refuser les valeurs, prend la
    `version` attendue si elle est donnée (verrou optimiste, l'ETag de l'API), puis n'écrit que ce qui change
    (et l'horodatage « modifié le » du modèle) et le journalise, avant et après, sous `resume(champs changés)`.
    Rend les changements (vide si rien ne change : ni écriture ni entrée au journal)."""
    interdits = set(champs) - permis
    if interdits:
        raise ValidationError({champ: [refus] for champ in sorted(interdits)})
    if verifier is not None:
        verifier(champs)
    if version is not None:
        version_prendre(objet, version)
    avant = {k: getattr(objet, k) for k in champs}
    changes = {k: v for k, v in champs.items() if avant[k] != v}
    if changes:
        modele = type(objet)
        horodatage = {
            f.name: timezone.now() for f in modele._meta.concrete_fields if getattr(f, "auto_now", False)
        }
        modele.objects.filter(pk=objet.pk).update(**changes, **horodatage)
        for k, v in changes.items():
            setattr(objet, k, v)
        journaliser(
            objet,
            Evenement.Action.MODIFICATION,
            resume(sorted(changes)),
            trace,
            avant={k: avant[k] for k in changes},
            apres=changes,
        )
    return changes
