"""Administration des comptes : réservée à l'équipe nationale ; les jetons et le journal s'y consultent."""

from django.contrib import admin

from .models import EvenementSecurite, JetonApi, Profil


@admin.register(Profil)
class ProfilAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "role", "organisme"]
    list_filter = ["role"]
    search_fields = ["utilisateur__username", "organisme"]
    autocomplete_fields = ["utilisateur", "departements", "epcis", "communes"]


@admin.register(JetonApi)
class JetonApiAdmin(admin.ModelAdmin):
    list_display = ["debut", "utilisateur", "nom", "cree_le", "dernier_usage", "revoque_le"]
    readonly_fields = ["utilisateur", "nom", "empreinte", "debut", "cree_le", "dernier_usage"]
    actions = ["revoquer"]

    def has_add_permission(self, request):
        return False  # un jeton se crée par `pvd users token` : il n'est montré qu'une fois

    @admin.action(description="Révoquer les jetons choisis")
    def revoquer(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoque_le__isnull=True).update(revoque_le=timezone.now())


@admin.register(EvenementSecurite)
class EvenementSecuriteAdmin(admin.ModelAdmin):
    list_display = ["fait_le", "type", "identifiant", "utilisateur", "adresse_ip", "chemin"]
    list_filter = ["type"]
    search_fields = ["identifiant", "chemin", "adresse_ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
