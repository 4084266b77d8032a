from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "pvd.programmes"
    verbose_name = "Programmes"
