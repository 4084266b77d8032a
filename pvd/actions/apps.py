from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "pvd.actions"
    verbose_name = "Plans d'action et financements"

    def ready(self) -> None:
        """Les actions en retard et les demandes qui attendent une décision rejoignent les jalons : liste « à faire »
        du département et `pvd check` (qui ne compte que les retards)."""
        from pvd.programmes import jalons

        from .selectors import echeances_du_plan
        from .tableaux import echeances_des_demandes

        for source in (echeances_du_plan, echeances_des_demandes):
            if source not in jalons.ECHEANCES_AJOUTEES:
                jalons.ECHEANCES_AJOUTEES.append(source)
