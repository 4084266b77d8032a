from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from pvd.api.api import api
from pvd.api.erreurs import adresse_inconnue

admin.site.site_header = "Petites villes de demain — administration"
admin.site.site_title = "PVD — administration"

handler400 = "pvd.web.views.erreurs.requete_incorrecte"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", adresse_inconnue),
    path("", include("pvd.web.urls")),
]
if getattr(settings, "PVD_OIDC_ACTIF", False):
    urlpatterns.insert(0, path("proconnect/", include("mozilla_django_oidc.urls")))
