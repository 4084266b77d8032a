"""Schémas de l'API (pydantic, partagés avec la documentation OpenAPI) : ce qu'elle accepte et ce qu'elle rend.

`territoires` pour le référentiel et la résolution, `programmes` pour le programme ; ici, ce que tous partagent
(erreurs, référence à un EPCI, bornes de pagination). Les schémas de réponse se remplissent eux-mêmes depuis les
objets du domaine (résolveurs `resolve_…`) ; les schémas d'entrée valident ce que l'on reçoit : un point d'API ne
vérifie rien à la main.
"""

from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator

from pvd.programmes.dates import lire_jour

LIMITE_MAX = 500


def _jour(valeur):
    if isinstance(valeur, date):
        return valeur
    if isinstance(valeur, str):
        return lire_jour(valeur)
    # Un nombre n'est pas une date (pydantic y lirait des secondes depuis 1970 : `au=0`, le 1er janvier 1970).
    raise ValueError("doit être une date (AAAA-MM-JJ)")


# Toute date reçue (`?au=`, dates d'une convention ou d'une signature) : lue par `programmes.dates.lire_jour`, comme
# sur les pages du site ; « 0 » ou un nombre sont refusés.
Jour = Annotated[date, BeforeValidator(_jour)]
DECALAGE_MAX = 100_000


class Erreur(Schema):
    detail: str


class ErreurChamp(Schema):
    champ: str
    message: str


class ErreurValidation(Schema):
    detail: str
    erreurs: list[ErreurChamp]


class EpciRef(Schema):
    siren: str
    nom: str
