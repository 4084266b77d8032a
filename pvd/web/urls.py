from django.urls import path

from .views import pages, territoires

urlpatterns = [
    path("", pages.accueil, name="accueil"),
    path("recherche/", territoires.recherche, name="recherche"),
    path("recherche/suggestions/", territoires.suggestions, name="suggestions"),
    path("departements/", territoires.departements, name="departements"),
    path("departements/<str:code>/", territoires.departement, name="departement"),
    path("epci/<str:siren>/", territoires.epci, name="epci"),
    path("communes/<str:code>/", territoires.commune, name="commune"),
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
