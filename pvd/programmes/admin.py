"""Administration : les règles des programmes s'y modifient ; le registre s'y consulte (il s'écrit par les services,
qui valident et journalisent)."""

from django.contrib import admin

from pvd.territoires.admin import LectureSeuleMixin

from .models import (
    Convention,
    ConventionCommune,
    Evenement,
    Laureat,
    Phase,
    PosteChefDeProjet,
    Programme,
    RegleEcheance,
    Signataire,
)
from .services import Trace, journaliser


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class RegleInline(admin.TabularInline):
    model = RegleEcheance
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Les règles d'un programme (plafonds, phases, échéances) : chaque changement est journalisé (canal admin)."""

    list_display = ["nom", "nom_court", "date_debut", "population_max"]
    inlines = [PhaseInline, RegleInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journaliser(
            obj,
            Evenement.Action.MODIFICATION if change else Evenement.Action.CREATION,
            f"Règles du programme {obj.nom_court} {'modifiées' if change else 'créées'} : "
            + (", ".join(form.changed_data) or "aucun champ"),
            Trace(auteur=request.user, canal=Evenement.Canal.ADMIN),
            apres={champ: form.cleaned_data.get(champ) for champ in form.changed_data},
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        for objet in [*instances, *formset.deleted_objects]:
            supprime = objet in formset.deleted_objects
            journaliser(
                form.instance,
                Evenement.Action.MODIFICATION,
                f"{objet._meta.verbose_name.capitalize()} {'supprimée' if supprime else 'enregistrée'} : {objet}",
                Trace(auteur=request.user, canal=Evenement.Canal.ADMIN),
            )

    def delete_model(self, request, obj):
        journaliser(
            obj,
            Evenement.Action.SUPPRESSION,
            f"Programme {obj.nom_court} supprimé",
            Trace(auteur=request.user, canal=Evenement.Canal.ADMIN),
        )
        super().delete_model(request, obj)


class LectureSeule(LectureSeuleMixin, admin.ModelAdmin):
    """Le registre s'écrit par les services, qui le journalisent : l'administration le consulte seulement."""


class CommunesInline(admin.TabularInline):
    model = ConventionCommune
    extra = 0
    can_delete = False
    readonly_fields = ["commune", "role", "ordre", "exception"]

    def has_add_permission(self, request, obj=None):
        return False


class SignatairesInline(CommunesInline):
    model = Signataire
    readonly_fields = ["partie", "organisme", "nom", "qualite", "date_deliberation"]


@admin.register(Laureat)
class LaureatAdmin(LectureSeule):
    list_display = ["commune", "programme", "date_selection", "departement_suivi", "identifiant_national"]
    list_filter = ["programme", "departement_suivi"]
    search_fields = ["commune__nom", "commune__code", "identifiant_national"]
    list_select_related = ["commune", "programme", "departement_suivi"]


@admin.register(Convention)
class ConventionAdmin(LectureSeule):
    list_display = ["__str__", "type", "statut", "date_signature", "departement_suivi"]
    list_filter = ["programme", "type", "statut", "departement_suivi"]
    search_fields = ["epci__nom", "intitule"]
    list_select_related = ["epci", "departement_suivi"]
    inlines = [CommunesInline, SignatairesInline]


@admin.register(PosteChefDeProjet)
class PosteAdmin(LectureSeule):
    list_display = ["__str__", "programme", "date_prise_poste", "montant_cofinancement"]
    list_select_related = ["employeur_commune", "employeur_epci", "programme"]


@admin.register(Evenement)
class EvenementAdmin(LectureSeule):
    list_display = ["fait_le", "resume", "objet_type", "objet_id", "canal", "auteur"]
    list_filter = ["canal", "action", "objet_type"]
    search_fields = ["resume", "objet_id"]
    list_select_related = ["auteur"]
