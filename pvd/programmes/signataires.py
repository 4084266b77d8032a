"""Les signataires d'une signature quand on ne les connaît que par leur fonction : celui de l'État, et, au besoin,
l'EPCI et le maire de chaque commune. Le formulaire de signature les propose, l'import les écrit : une seule
rédaction (« préfet ou préfète du Lot » : la personne n'est pas connue, sa fonction l'est).
"""

from __future__ import annotations

from typing import Any

from pvd.territoires.models import Departement

from .models import Convention, Signataire


def qualite_etat(departement: Departement) -> str:
    """« préfet ou préfète du Lot », « … de l'Aveyron » (charnière du type de nom INSEE)."""
    return f"préfet ou préfète {departement.avec_charniere}"


def signataire_etat(departement: Departement, nom: str = "", qualite: str = "") -> dict[str, Any]:
    """Le représentant de l'État : connu par sa fonction, son nom s'il est donné."""
    return {
        "partie": Signataire.Partie.ETAT,
        "organisme": "État",
        "nom": nom,
        "qualite": qualite or qualite_etat(departement),
    }


def signataires_collectivites(convention: Convention) -> list[dict[str, Any]]:
    """L'EPCI porteur et le maire de chaque commune de la convention."""
    return [
        {
            "partie": Signataire.Partie.EPCI,
            "organisme": convention.epci.nom,
            "qualite": f"présidente ou président de {convention.epci.nom}",
        },
        *(
            {
                "partie": Signataire.Partie.COMMUNE,
                "organisme": lien.commune.nom,
                "commune": lien.commune,
                "qualite": f"maire de {lien.commune.nom}",
            }
            for lien in convention.communes.all()
        ),
    ]
