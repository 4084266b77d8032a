from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Alias, Commune, Departement, Epci, ImportReferentiel, Region


class LectureSeuleMixin:
    """Consulter sans modifier : le référentiel vient du COG (on ne le retape pas), le registre des programmes
    s'écrit par ses services (`programmes/admin.py` s'en sert aussi)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "region"]
    search_fields = ["code", "nom"]
    list_select_related = ["region"]


@admin.register(Epci)
class EpciAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["siren", "nom", "nature", "population", "obsolete"]
    list_filter = ["nature", "obsolete"]
    search_fields = ["siren", "nom"]


@admin.register(Commune)
class CommuneAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "nom", "departement", "epci", "population", "obsolete"]
    list_filter = ["obsolete", "departement"]
    search_fields = ["code", "nom"]
    list_select_related = ["departement", "epci"]


class AliasForm(forms.ModelForm):
    class Meta:
        model = Alias
        fields = ["texte", "type", "commune", "epci", "commentaire"]

    def clean(self):
        donnees = super().clean()
        cible = donnees.get("commune") or donnees.get("epci")
        if cible is None:
            raise ValidationError("Choisissez la commune ou l'EPCI que ce nom désigne.")
        services.alias_valider(
            texte=donnees.get("texte", ""),
            type=donnees.get("type", ""),
            code=cible.pk,
            commentaire=donnees.get("commentaire", ""),
        )
        return donnees


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    """Les alias s'ajoutent par le service, qui normalise le texte et prévient le résolveur."""

    list_display = ["texte", "type", "commune", "epci", "commentaire"]
    list_filter = ["type"]
    search_fields = ["texte"]
    autocomplete_fields = ["commune", "epci"]
    form = AliasForm

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        code = obj.commune_id or obj.epci_id
        created = services.alias_create(
            texte=obj.texte, type=obj.type, code=code, commentaire=obj.commentaire
        )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.alias_delete(texte=obj.texte, type=obj.type)


@admin.register(ImportReferentiel)
class ImportReferentielAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["fait_le", "millesime", "source"]
