from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pvd.api"
    verbose_name = "API"
