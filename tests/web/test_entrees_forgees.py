"""Entrées forgées : chaque adresse du site et de l'API, avec NUL, saut de ligne ou guillemet-point-virgule dans
chacun de ses paramètres (chemin et requête), ne rend jamais d'erreur serveur, sur SQLite comme sur PostgreSQL.

Les adresses viennent de la configuration d'URL elle-même (une nouvelle page est parcourue sans qu'on l'ajoute
ici), sauf l'administration de Django (réservée aux comptes du personnel) et ProConnect (un autre service) ; les
paramètres de requête, de ce que lisent les pages (`request.GET.get("…")`) et de ce que déclare l'OpenAPI.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

import pvd
from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Convention

CAZALS_SALVIAC = "200035327"

# Chacune dans un paramètre à la fois : NUL (PostgreSQL le refuse), saut de ligne (casse un en-tête), `";` (casse
# un `Content-Disposition` écrit à la main).
FORGEES = ["%00", "%0aX", "%22%3B"]
EXCLUES = ("admin/", "proconnect/")
PARAM_CHEMIN = re.compile(r"<(?:(\w+):)?(\w+)>")
EXEMPLES = {
    "slug": "pvd",
    "code": "46",
    "siren": CAZALS_SALVIAC,
    "region": "76",
    "jeu": "laureats",
    "extension": "csv",
}
DISPOSITION = re.compile(r"""^attachment; filename="[ -!#-\[\]-~]+"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$""")


def _routes(motifs, prefixe: str = ""):
    for motif in motifs:
        if not isinstance(motif.pattern, RoutePattern):
            continue
        route = prefixe + str(motif.pattern)
        if route.startswith(EXCLUES):
            continue
        if isinstance(motif, URLResolver):
            yield from _routes(motif.url_patterns, route)
        else:
            yield route


def _parametres_de_requete(client) -> set[str]:
    vues = Path(pvd.__file__).parent / "web" / "views"
    lus = set()
    for chemin in vues.glob("*.py"):
        lus |= set(re.findall(r"GET\.get(?:list)?\(\s*\"(\w+)\"", chemin.read_text(encoding="utf-8")))
    for operations in client.get("/api/v1/openapi.json").json()["paths"].values():
        for operation in operations.values():
            lus |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    # Lus par des formulaires liés à l'adresse (date demandée, filtres du journal).
    return lus | {"au", "du", "objet_type", "canal", "auteur", "objet_id", "next"}


def _adresse(route: str, valeurs: dict[str, str]) -> str:
    return "/" + PARAM_CHEMIN.sub(lambda m: valeurs[m.group(2)], route)


def _requetes(routes: list[str], parametres: set[str], pk: int):
    """(adresse, paramètres de requête) : chaque valeur forgée dans chaque paramètre du chemin, puis dans tous les
    paramètres de requête à la fois (une adresse au chemin valide)."""
    for route in routes:
        noms = [m.group(2) for m in PARAM_CHEMIN.finditer(route)]
        valides = {nom: EXEMPLES.get(nom, str(pk)) for nom in noms}
        if "communes/" in route:
            valides["code"] = "46066"
        for forgee in FORGEES:
            for nom in noms:
                yield _adresse(route, valides | {nom: forgee}), ""
            yield _adresse(route, valides), "&".join(f"{p}={forgee}" for p in sorted(parametres))


@pytest.mark.parametrize("compte", ["anonyme", "national"])
def test_aucune_erreur_serveur_sur_des_entrees_forgees(lot, compte):
    client = Client(raise_request_exception=False)
    if compte == "national":
        client.force_login(utilisateur_creer(email="equipe@anct.gouv.fr", role="national"))
    routes = sorted(set(_routes(get_resolver().url_patterns)))
    assert {"donnees/<slug:slug>/telechargements/<str:jeu>.<str:extension>", "api/v1/communes/<code>"} <= set(
        routes
    )
    pk = Convention.objects.get(epci_id=CAZALS_SALVIAC, type="adhesion").pk
    erreurs, refus_nul, vues = [], [], 0
    for adresse, requete in _requetes(routes, _parametres_de_requete(client), pk):
        reponse = client.get(f"{adresse}?{requete}" if requete else adresse)
        vues += 1
        if reponse.status_code >= 500:
            erreurs.append(f"{reponse.status_code} {adresse}?{requete}")
        if "%00" in adresse + requete and reponse.status_code != 400:
            refus_nul.append(f"{reponse.status_code} {adresse}?{requete}")
        disposition = reponse.get("Content-Disposition")
        if disposition and disposition.startswith("attachment") and not DISPOSITION.match(disposition):
            erreurs.append(f"Content-Disposition mal formé {disposition!r} : {adresse}?{requete}")
    assert vues > 200
    assert erreurs == []
    assert refus_nul == []  # un seul endroit refuse le NUL, avant toute vue : 400, jamais 404 ni 200


@pytest.mark.parametrize(
    ("adresse", "attendu"),
    [
        ("/communes/%00/", "L&#x27;adresse contient un caractère de contrôle (U+0000)"),
        (
            "/recherche/?q=Cahors%0a",
            "Le paramètre « q » de l&#x27;adresse contient un caractère de contrôle (U+000A)",
        ),
        (
            "/donnees/pvd/telechargements/laureats.csv?departement=%0aX",
            "Le paramètre « departement » de l&#x27;adresse contient un caractère de contrôle (U+000A)",
        ),
    ],
)
def test_caractere_de_controle_400_en_francais_sur_les_pages(client, db, adresse, attendu):
    reponse = client.get(adresse)
    assert reponse.status_code == 400
    assert attendu in reponse.content.decode()


@pytest.mark.parametrize(
    "adresse",
    ["/api/v1/communes?departement=%00", "/api/v1/communes/%00", "/api/v1/laureats?departement=%00"],
)
def test_caractere_de_controle_400_en_francais_sur_l_api(client, db, adresse):
    reponse = client.get(adresse)
    assert reponse.status_code == 400
    assert "caractère de contrôle (U+0000)" in reponse.json()["detail"]


def test_cookie_avec_un_caractere_de_controle_400(db):
    client = Client()
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert client.get("/").status_code == 400


class TestTelechargements:
    URL = "/donnees/pvd/telechargements/laureats.csv"

    @pytest.mark.parametrize("departement", ['";', "99", "4", "xx"])
    def test_departement_inconnu_404_en_francais(self, client, lot, departement):
        reponse = client.get(self.URL, {"departement": departement})
        assert reponse.status_code == 404
        assert "Aucun département ne porte le code" in reponse.content.decode()
        assert "Content-Disposition" not in reponse

    def test_nom_du_fichier_fait_du_code_lu_en_base(self, client, lot):
        reponse = client.get(self.URL, {"departement": "2a", "au": "2021-07-27"})
        assert reponse.status_code == 200
        assert reponse["Content-Disposition"] == (
            "attachment; filename=\"pvd-laureats-2A-2021-07-27.csv\"; filename*=UTF-8''pvd-laureats-2A-2021-07-27.csv"
        )
