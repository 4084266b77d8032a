"""Ce qui dit, en une requête, si le registre a changé : le dernier événement du journal (toute écriture des services
journalise), la dernière écriture de l'administration (axes, financeurs, dispositifs, alias…) et le jeton du
référentiel territorial. Les caches (tableaux de bord des plans, lectures de l'API) s'en servent comme clé : chaque
serveur a son cache, mais la clé, lue dans la base commune, est la même pour tous."""

import hashlib

from django.contrib.admin.models import LogEntry
from django.db import connection

from pvd.territoires.models import EtatReferentiel

from .models import Evenement


def jeton_du_registre() -> str:
    """« événement.administration.référentiel » : change à chaque écriture journalisée, dans l'administration ou dans
    le référentiel ; une requête, sur des index."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Evenement, LogEntry, EtatReferentiel)]
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT (SELECT MAX(id) FROM {tables[0]}), (SELECT MAX(id) FROM {tables[1]}), "
            f"(SELECT MAX(version) FROM {tables[2]})"
        )
        evenement, administration, referentiel = curseur.fetchone()
    return f"{evenement or 0}.{administration or 0}.{referentiel or 0}"


def cle_en_cache(espace: str, *parties) -> str:
    """Une clé de cache qui change avec le registre : `parties` (portée, date, empreinte du périmètre…) et le jeton
    du registre, lu en une requête."""
    empreinte = "|".join([*(str(partie) for partie in parties), jeton_du_registre()])
    return f"pvd:{espace}:" + hashlib.sha256(empreinte.encode()).hexdigest()
