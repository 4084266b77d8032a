"""Administration : l'équipe nationale y édite les données du plan d'action (axes et thèmes, financeurs,
dispositifs), chaque changement journalisé ; les fiches et les lignes s'y consultent (elles s'écrivent par les
services, qui valident et journalisent)."""

from django.contrib import admin

from pvd.programmes.admin import LectureSeule
from pvd.programmes.models import Evenement
from pvd.programmes.services import Trace, journaliser

from .models import Axe, Dispositif, FicheAction, LigneFinancement, Organisation


class Journalise(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journaliser(
            obj,
            Evenement.Action.MODIFICATION if change else Evenement.Action.CREATION,
            f"{obj._meta.verbose_name.capitalize()} « {obj} » {'modifié' if change else 'créé'} : "
            + (", ".join(form.changed_data) or "aucun champ"),
            Trace(auteur=request.user, canal=Evenement.Canal.ADMIN),
            apres={champ: form.cleaned_data.get(champ) for champ in form.changed_data},
        )

    def delete_model(self, request, obj):
        journaliser(
            obj,
            Evenement.Action.SUPPRESSION,
            f"{obj._meta.verbose_name.capitalize()} « {obj} » supprimé",
            Trace(auteur=request.user, canal=Evenement.Canal.ADMIN),
        )
        super().delete_model(request, obj)


@admin.register(Axe)
class AxeAdmin(Journalise):
    list_display = ["nom", "code", "programme", "ordre"]
    list_filter = ["programme"]


@admin.register(Organisation)
class OrganisationAdmin(Journalise):
    list_display = ["nom", "siren", "siret", "nature"]
    list_filter = ["nature"]
    search_fields = ["nom", "siren", "siret"]
    raw_id_fields = ["commune", "epci"]


@admin.register(Dispositif)
class DispositifAdmin(Journalise):
    list_display = ["nom", "code", "financeur", "decision_prefecture", "pret", "actif"]
    list_filter = ["actif", "decision_prefecture"]
    list_select_related = ["financeur"]


@admin.register(FicheAction)
class FicheActionAdmin(LectureSeule):
    list_display = ["numero", "intitule", "convention", "etat", "cout_ht"]
    list_filter = ["etat", "axe"]
    search_fields = ["intitule"]
    list_select_related = ["convention__epci"]


@admin.register(LigneFinancement)
class LigneFinancementAdmin(LectureSeule):
    list_display = ["fiche", "financeur", "dispositif", "montant", "statut"]
    list_filter = ["statut", "dispositif"]
    list_select_related = ["fiche", "financeur", "dispositif"]
