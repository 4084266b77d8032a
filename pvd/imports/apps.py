from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "pvd.imports"
    verbose_name = "Imports"
