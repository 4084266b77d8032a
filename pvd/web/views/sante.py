"""`/sante/` : ce que demande un répartiteur de charge avant d'envoyer des visiteurs à ce serveur. 200 quand la base
répond et que toutes les migrations sont appliquées ; 503 sinon, avec la raison en français. Ne lit aucune donnée du
registre, n'écrit rien, n'ouvre pas de session."""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pvd.exploitation.base import migrations_en_attente


def _etat_de_la_base() -> tuple[bool, str]:
    connexion = connections[DEFAULT_DB_ALIAS]
    try:
        with connexion.cursor() as curseur:
            curseur.execute("SELECT 1")
    except DatabaseError as erreur:
        return False, f"la base de données ne répond pas ({type(erreur).__name__})"
    return True, "la base de données répond"


def _etat_des_migrations() -> tuple[bool, str]:
    attente = migrations_en_attente()
    if attente:
        applis = ", ".join(sorted({nom.split(".")[0] for nom in attente}))
        return False, f"{len(attente)} migration(s) à appliquer ({applis}) : lancez `pvd migrate`"
    return True, "toutes les migrations sont appliquées"


@never_cache
@require_GET
def sante(request):
    base_ok, base = _etat_de_la_base()
    migrations_ok, migrations = _etat_des_migrations() if base_ok else (False, "non vérifiées")
    pret = base_ok and migrations_ok
    return JsonResponse(
        {"statut": "ok" if pret else "indisponible", "base": base, "migrations": migrations},
        status=200 if pret else 503,
        json_dumps_params={"ensure_ascii": False},
    )
