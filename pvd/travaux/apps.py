from django.apps import AppConfig


class TravauxConfig(AppConfig):
    name = "pvd.travaux"
    verbose_name = "Travaux longs"
    default_auto_field = "django.db.models.BigAutoField"
