from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "pvd.territoires"
    verbose_name = "Référentiel territorial"
