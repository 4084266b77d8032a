"""Une page d'une liste de l'API : `total`, `limit`, `offset` et les `resultats` de la page, en deux requêtes."""

from django.db.models import QuerySet


def paginer(qs: QuerySet, filtres, **autres) -> dict:
    """La page que demandent `filtres.limit` et `filtres.offset` (bornés par leur schéma) ; `autres` s'y ajoutent
    (la date `au` des listes du programme)."""
    debut = filtres.offset
    return {
        "total": qs.count(),
        "limit": filtres.limit,
        "offset": debut,
        "resultats": list(qs[debut : debut + filtres.limit]),
        **autres,
    }
