from django.contrib import admin

from .models import Travail


@admin.register(Travail)
class TravailAdmin(admin.ModelAdmin):
    """Les travaux longs, en lecture : on les suit ici, on ne les modifie pas à la main."""

    list_display = ["libelle", "nature", "etat", "auteur", "cree_le", "fini_le"]
    list_filter = ["nature", "etat"]
    search_fields = ["libelle", "auteur__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
