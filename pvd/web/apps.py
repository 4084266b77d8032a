import gc

from django.apps import AppConfig

# Seuils du ramasse-miettes (génération jeune, puis intermédiaire, puis complète). Une page nationale crée une
# centaine de milliers d'objets : avec les seuils par défaut (700, 10, 10), une passe complète tombait toutes les
# deux ou trois requêtes et parcourait les objets de la requête en cours (50 à 170 ms mesurés par
# `bench/registre_national.py`) ; avec ceux-ci, une seule sur toute la mesure.
SEUILS_RAMASSE_MIETTES = (50_000, 20, 20)


class WebConfig(AppConfig):
    name = "pvd.web"
    verbose_name = "Site"

    def ready(self) -> None:
        from pvd.config import checks  # noqa: F401  (enregistre les vérifications de démarrage)

        gc.set_threshold(*SEUILS_RAMASSE_MIETTES)
