"""Les lectures de l'API gardées en cache tant que le registre n'a pas changé.

Une réponse 200 à un `GET /api/v1/…` est gardée (statut, en-têtes, corps) sous une clé qui tient l'adresse complète
(chemin et paramètres), le périmètre du compte (public, rôle, départements, EPCI, communes, organisation : tout ce
dont dépend ce qu'il lit), le jour (la date `au` par défaut) et le jeton du registre (`programmes.fraicheur`), lu
dans la base en une requête : la première lecture après une écriture recalcule, les suivantes relisent. Chaque
serveur a son cache (mémoire, par défaut) ; la clé, lue dans la base commune, est la même pour tous. Au plus
`DUREE_EN_CACHE` secondes pour ce qui changerait hors du journal, de l'administration et du référentiel.

Réglage : `PVD_CACHE_API` (oui par défaut ; les tests l'activent là où ils le vérifient, car beaucoup préparent
leurs données par l'ORM, sans journal).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from pvd.accounts.perimetres import perimetre_de
from pvd.programmes.fraicheur import cle_en_cache

DUREE_EN_CACHE = 600
PREFIXE = "/api/v1/"
NON_GARDEES = ("/api/v1/openapi.json", "/api/v1/docs")  # la description de l'API ne dépend pas du registre


def cle_de_lecture(request) -> str:
    return cle_en_cache(
        "api", request.get_full_path(), perimetre_de(request.user).empreinte, timezone.localdate().isoformat()
    )


class LecturesEnCacheMiddleware:
    """Le dernier de la chaîne : les contrôles d'accès, le jeton d'API et la session sont déjà passés ; les en-têtes
    de sécurité s'ajoutent après, à la réponse gardée comme à la neuve."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method != "GET"
            or not request.path.startswith(PREFIXE)
            or request.path.startswith(NON_GARDEES)
            or not settings.PVD_CACHE_API
        ):
            return self.get_response(request)
        cle = cle_de_lecture(request)
        gardee = cache.get(cle)
        if gardee is not None:
            entetes, corps = gardee
            reponse = HttpResponse(corps)
            for nom, valeur in entetes:
                reponse[nom] = valeur
            return reponse
        reponse = self.get_response(request)
        if reponse.status_code == 200 and not reponse.streaming and not reponse.cookies:
            entetes = [(nom, valeur) for nom, valeur in reponse.items() if nom.lower() != "set-cookie"]
            cache.set(cle, (entetes, reponse.content), DUREE_EN_CACHE)
        return reponse
