from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import ConnexionForm
from .views import (
    actions,
    conventions,
    identifiants,
    imports,
    journal,
    pages,
    plans,
    programmes,
    public,
    publication,
    sante,
    territoires,
    travaux,
)

urlpatterns = [
    path("", pages.accueil, name="accueil"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("sante/", sante.sante, name="sante"),
    path("recherche/", territoires.recherche, name="recherche"),
    path("recherche/suggestions/", territoires.suggestions, name="suggestions"),
    path("departements/", territoires.departements, name="departements"),
    path("departements/<str:code>/", territoires.departement, name="departement"),
    path("epci/<str:siren>/", territoires.epci, name="epci"),
    path("communes/<str:code>/", territoires.commune, name="commune"),
    path("programmes/<slug:slug>/", programmes.tableau_de_bord, name="tableau-de-bord"),
    path(
        "programmes/<slug:slug>/regions/<str:region>/",
        programmes.tableau_de_bord,
        name="tableau-de-bord-region",
    ),
    path(
        "programmes/<slug:slug>/departements/<str:code>/",
        programmes.departement,
        name="programme-departement",
    ),
    path("programmes/<slug:slug>/plans/", plans.plans, name="plans"),
    path("programmes/<slug:slug>/plans/regions/<str:region>/", plans.plans, name="plans-region"),
    path(
        "programmes/<slug:slug>/departements/<str:code>/plans/",
        plans.plans_departement,
        name="plans-departement",
    ),
    path("donnees/<slug:slug>/plans/", plans.plans_public, name="public-plans"),
    path(
        "programmes/<slug:slug>/departements/<str:code>/conventions/nouvelle/",
        conventions.convention_nouvelle,
        name="convention-nouvelle",
    ),
    path(
        "programmes/<slug:slug>/departements/<str:code>/chefs-de-projet/nouveau/",
        conventions.poste_nouveau,
        name="poste-nouveau",
    ),
    path(
        "programmes/<slug:slug>/departements/<str:code>/communique/",
        publication.communique,
        name="communique",
    ),
    path(
        "programmes/<slug:slug>/identifiants-contestes/",
        identifiants.identifiants,
        name="identifiants-contestes",
    ),
    path("donnees/<slug:slug>/", public.programme_public, name="public-programme"),
    path(
        "donnees/<slug:slug>/departements/<str:code>/", public.departement_public, name="public-departement"
    ),
    path(
        "donnees/<slug:slug>/telechargements/<str:jeu>.<str:extension>",
        public.telechargement,
        name="telechargement",
    ),
    path("conventions/<int:pk>/", conventions.convention, name="convention"),
    path("conventions/<int:pk>/document/", conventions.convention_document, name="convention-document"),
    path(
        "conventions/<int:pk>/publication/", conventions.convention_publication, name="convention-publication"
    ),
    path(
        "programmes/<slug:slug>/departements/<str:code>/publication/",
        publication.departement_publication,
        name="departement-publication",
    ),
    path("conventions/<int:pk>/modifier/", conventions.convention_modifier, name="convention-modifier"),
    path(
        "conventions/<int:pk>/communes/ajouter/",
        conventions.convention_ajout_commune,
        name="convention-ajout-commune",
    ),
    path("conventions/<int:pk>/signature/", conventions.convention_signature, name="convention-signature"),
    path("conventions/<int:pk>/plan-d-action/", actions.plan_d_action, name="plan-d-action"),
    path(
        "conventions/<int:pk>/plan-d-action/annexe.<str:format>",
        actions.plan_annexe,
        name="plan-d-action-annexe",
    ),
    path(
        "conventions/<int:pk>/plan-d-action/nouvelle-fiche/",
        actions.fiche_nouvelle,
        name="fiche-action-nouvelle",
    ),
    path(
        "conventions/<int:pk>/plan-d-action/importer/",
        imports.maquette_depot,
        name="plan-d-action-import",
    ),
    path("fiches-actions/<int:pk>/", actions.fiche, name="fiche-action"),
    path("fiches-actions/<int:pk>/modifier/", actions.fiche_modifier, name="fiche-action-modifier"),
    path("fiches-actions/<int:pk>/etat/", actions.fiche_etat, name="fiche-action-etat"),
    path(
        "fiches-actions/<int:pk>/financements/nouveau/",
        actions.ligne_nouvelle,
        name="ligne-financement-nouvelle",
    ),
    path("financements/<int:pk>/modifier/", actions.ligne_modifier, name="ligne-financement-modifier"),
    path("fiches-actions/<int:pk>/etapes/nouvelle/", actions.etape_nouvelle, name="etape-nouvelle"),
    path("etapes/<int:pk>/marquer/", actions.etape_marquer, name="etape-marquer"),
    path(
        "fiches-actions/<int:pk>/indicateurs/nouveau/", actions.indicateur_nouveau, name="indicateur-nouveau"
    ),
    path(
        "indicateurs/<int:pk>/valeurs/nouvelle/",
        actions.valeur_indicateur_nouvelle,
        name="valeur-indicateur-nouvelle",
    ),
    path("fiches-actions/<int:pk>/couts/", actions.cout_annuel, name="cout-annuel"),
    path(
        "donnees/<slug:slug>/conventions/<int:pk>/plan-d-action/",
        actions.plan_public,
        name="public-plan-d-action",
    ),
    path(
        "donnees/<slug:slug>/conventions/<int:pk>/plan-d-action/annexe.<str:format>",
        actions.plan_public_annexe,
        name="public-plan-d-action-annexe",
    ),
    path("journal/", journal.journal, name="journal"),
    path("imports/", imports.depot, name="imports"),
    path("imports/<uuid:pk>/", imports.apercu_import, name="import-apercu"),
    path("imports/communique/", imports.lire_communique_page, name="import-communique"),
    path("travaux/<uuid:pk>/", travaux.travail, name="travail"),
    path("travaux/<uuid:pk>/etat/", travaux.travail_etat, name="travail-etat"),
    path("travaux/<uuid:pk>/fichier/", travaux.travail_fichier, name="travail-fichier"),
    path("programmes/<slug:slug>/exports/", travaux.exports, name="exports-nationaux"),
    path(
        "programmes/<slug:slug>/departements/<str:code>/plans/annexes/",
        travaux.annexes,
        name="plans-annexes",
    ),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="web/connexion.html",
            authentication_form=ConnexionForm,
            extra_context={"title": "Connexion", "proconnect": settings.PVD_OIDC_ACTIF},
        ),
        name="connexion",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("accessibilite/", pages.page_statique, {"gabarit": "accessibilite"}, name="accessibilite"),
    path("mentions-legales/", pages.page_statique, {"gabarit": "mentions_legales"}, name="mentions-legales"),
    path(
        "donnees-personnelles/",
        pages.page_statique,
        {"gabarit": "donnees_personnelles"},
        name="donnees-personnelles",
    ),
    path("plan-du-site/", pages.page_statique, {"gabarit": "plan_du_site"}, name="plan-du-site"),
]
