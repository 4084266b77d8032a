from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "pvd.publication"
    verbose_name = "Publication"
