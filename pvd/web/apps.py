from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pvd.web"
    verbose_name = "Site"

    def ready(self) -> None:
        from pvd.config import checks  # noqa: F401  (enregistre les vérifications de démarrage)
