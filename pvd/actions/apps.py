from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "pvd.actions"
    verbose_name = "Plans d'action et financements"

    def ready(self) -> None:
        """Les actions en retard rejoignent les jalons : liste « à faire » du département et `pvd check`."""
        from pvd.programmes import jalons

        from .selectors import echeances_du_plan

        if echeances_du_plan not in jalons.ECHEANCES_AJOUTEES:
            jalons.ECHEANCES_AJOUTEES.append(echeances_du_plan)
