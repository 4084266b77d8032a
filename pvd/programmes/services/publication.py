"""Ce que voit le public : le drapeau `publie` des lauréats et des conventions, posé ou retiré en lot (la
publication d'un département d'un coup, `pvd.publication.services.departement_publier`, passe par ici)."""

from __future__ import annotations

from django.db import transaction

from ..models import Convention, Evenement, Laureat
from .journal import Trace, evenement


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
        evenement(
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
