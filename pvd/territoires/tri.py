"""L'ordre alphabétique français des noms de lieux, le même sur SQLite et sur PostgreSQL.

Les bases comparent les chaînes octet par octet (SQLite, PostgreSQL en collation « C ») ou selon la langue de
leur serveur : « Bétaille » passait après « Bretenoux » (É > r), « CC de la Vallée » après « CC Quercy »
(minuscule > majuscule), et l'ordre changeait d'une base à l'autre. D'où une clé de tri calculée une fois :
sans accents ni casse (œ → oe), les mots séparés par une espace, rien d'autre que `[a-z0-9 ]`. Ordonnée octet
par octet (colonne `CleDeTri`, en collation « C » sur PostgreSQL), elle donne l'ordre « mot à mot » des
dictionnaires : Saint-Céré, Saint-Sozy, puis Saintes ; Bétaille, puis Bretenoux.

Les noms égaux à l'accent près (« Cote », « Côte ») restent départagés par leur code.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import models

_SEPARATEURS = re.compile(r"[^0-9a-z]+")

T = TypeVar("T")


def cle_de_tri(nom: str) -> str:
    """« Puy-l'Évêque » → `puy l eveque` ; « Œuilly » → `oeuilly`."""
    texte = (nom or "").replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    return _SEPARATEURS.sub(" ", sans_accents.casefold()).strip()


def trier(objets: Iterable[T], nom: Callable[[T], str]) -> list[T]:
    """Pour les petites listes déjà lues : `trier(epcis, lambda e: e.nom)`."""
    return sorted(objets, key=lambda objet: cle_de_tri(nom(objet)))


class CleDeTri(models.CharField):
    """La clé `cle_de_tri` du champ `source`, recalculée à chaque enregistrement par l'ORM (les INSERT en lot de
    l'import du référentiel la calculent eux-mêmes), et comparée octet par octet quelle que soit la collation par
    défaut de la base."""

    def __init__(self, *args, source: str = "nom", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        nom, chemin, args, kwargs = super().deconstruct()
        if self.source != "nom":
            kwargs["source"] = self.source
        return nom, chemin, args, kwargs

    def pre_save(self, model_instance, add):
        valeur = cle_de_tri(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, valeur)
        return valeur

    def db_parameters(self, connection):
        parametres = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parametres["collation"] = "C"
        return parametres
