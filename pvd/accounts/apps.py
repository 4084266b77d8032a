from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pvd.accounts"
    label = "accounts"
    verbose_name = "Comptes et accès"

    def ready(self) -> None:
        from . import journal, middleware  # noqa: F401  (journal de sécurité ; session renouvelée à la connexion)
