"""Pages publiques et données ouvertes : seul ce qui est publié se voit."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import resolve

from pvd.programmes import services
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.programmes.selectors import aujourd_hui
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(db):
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    return programme


@pytest.fixture
def secret(lot):
    """Une lauréate et une convention que la préfecture n'a pas publiées."""
    trace = services.Trace(canal=Evenement.Canal.CLI)
    laureat = services.laureat_register(
        programme=lot, commune=Commune.objects.get(code="46102"), date_selection=date(2022, 1, 1), trace=trace
    )
    convention = services.convention_create(
        programme=lot,
        type="adhesion",
        epci=Epci.objects.get(siren="200067361"),
        communes=[(laureat.commune, "laureate")],
        trace=trace,
    )
    services.convention_sign(
        convention=convention,
        version=1,
        date_signature=date(2022, 2, 1),
        trace=trace,
        signataires=[{"partie": "etat", "nom": "Nom Confidentiel", "qualite": "préfet du Lot"}],
    )
    return convention


def test_page_publique_du_programme(client, lot, secret):
    html = client.get("/donnees/pvd/").content.decode()
    assert 'id="chiffre-laureats">20<' in html
    assert "<map-chart" in html and "&quot;46&quot;: 20" in html and "&quot;12&quot;: 0" in html
    assert "/donnees/pvd/telechargements/laureats.csv" in html
    assert "Lot (46)" in html
    # Les chiffres par département sont ceux du tableau de bord (`selectors.tableau_de_bord`), pas recomptés.
    ligne = re.search(r'Lot \(46\)</a></th>((?:\s*<td class="pvd-nombre">\d+</td>){3})', html)
    assert re.findall(r"\d+", ligne.group(1)) == ["20", "20", "19"]


def test_page_publique_du_departement(client, lot, secret):
    html = client.get("/donnees/pvd/departements/46/").content.decode()
    assert 'id="donnees-carte"' in html
    assert "Capdenac-Gare" in html
    assert "/communes/46102/" not in html
    assert "Nom Confidentiel" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/donnees/pvd/",
        "/donnees/pvd/departements/46/",
        "/donnees/pvd/telechargements/laureats.csv",
        "/donnees/pvd/telechargements/ort.csv",
        "/donnees/pvd/telechargements/conventions.csv",
        "/donnees/pvd/telechargements/geojson.json",
        "/api/v1/laureats?departement=46",
        "/api/v1/conventions?departement=46",
        "/communes/46102/",
    ],
)
def test_le_public_ne_voit_jamais_le_non_publie(client, lot, secret, url):
    contenu = client.get(url).content.decode()
    assert "Nom Confidentiel" not in contenu
    if "communes/46102" in url:
        assert "Petites villes de demain" not in contenu.split("<h2>Anciens noms")[0].split("</h1>")[1]
    else:
        assert "46102" not in contenu, url


def test_api_detail_non_publie_404_pour_le_public(client, lot, secret, lecteur):
    assert client.get(f"/api/v1/conventions/{secret.pk}").status_code == 404
    laureat = Laureat.objects.get(commune_id="46102")
    assert client.get(f"/api/v1/laureats/{laureat.pk}").status_code == 404
    client.force_login(lecteur)
    assert client.get(f"/api/v1/conventions/{secret.pk}").status_code == 200


def test_telechargements_et_schemas(client, lot):
    reponse = client.get(
        "/donnees/pvd/telechargements/laureats.csv", {"departement": "46", "au": "2021-07-27"}
    )
    assert reponse["Content-Disposition"] == (
        "attachment; filename=\"pvd-laureats-46-2021-07-27.csv\"; filename*=UTF-8''pvd-laureats-46-2021-07-27.csv"
    )
    lignes = list(csv.DictReader(io.StringIO(reponse.content.decode("utf-8"))))
    assert len(lignes) == 20
    schema = client.get("/donnees/pvd/telechargements/ort.schema.json").json()
    assert schema["fields"][0]["name"] == "Commune"
    assert client.get("/donnees/pvd/telechargements/ort.xlsx").content[:2] == b"PK"
    for invalide in ("laureats.json", "geojson.csv", "inconnu.csv", "geojson.schema.json"):
        assert client.get(f"/donnees/pvd/telechargements/{invalide}").status_code == 404


def test_publier_depuis_la_convention(client, lot, secret, redacteur):
    client.force_login(redacteur)
    client.post(f"/conventions/{secret.pk}/publication/", {"publie": "1"})
    assert Convention.objects.get(pk=secret.pk).publie
    client.post("/programmes/pvd/departements/46/publication/")
    assert Laureat.objects.get(commune_id="46102").publie
    client.logout()
    assert "46102" in client.get("/donnees/pvd/telechargements/laureats.csv").content.decode()
    assert Evenement.objects.filter(
        objet_type="convention", objet_id=str(secret.pk), apres={"publie": True}
    ).exists()


def test_publier_reserve_aux_equipes(client, lot, secret, lecteur):
    client.force_login(lecteur)
    assert client.post(f"/conventions/{secret.pk}/publication/", {"publie": "1"}).status_code == 403
    assert not Convention.objects.get(pk=secret.pk).publie
    assert client.get(f"/conventions/{secret.pk}/publication/").status_code in (403, 405)


@pytest.mark.parametrize(
    "url",
    [
        "/communes/46128/",
        "/communes/12052/",
        "/epci/200066371/",
        "/departements/46/",
        "/donnees/pvd/",
        "/donnees/pvd/departements/46/",
    ],
)
def test_les_pages_publiques_ne_menent_jamais_a_la_connexion(client, lot, url):
    """Chaque lien d'une page publique s'ouvre sans compte (le bouton « Se connecter » mis à part)."""
    html = client.get(url).content.decode()
    par_vue = {}  # un lien par sorte de page suffit : les 312 communes du Lot mènent au même gabarit
    for lien in sorted(set(re.findall(r'href="(/[^"#?]*)', html)) - {"/connexion/"}):
        if not lien.startswith(("/static/", "/api/")):
            par_vue.setdefault(resolve(lien).url_name, lien)
    assert par_vue
    for lien in par_vue.values():
        reponse = client.get(lien)
        assert reponse.status_code == 200, (lien, reponse.status_code, reponse.get("Location"))


def test_les_lecteurs_du_registre_gardent_les_liens_vers_les_conventions(client_lecteur, lot):
    assert 'href="/conventions/' in client_lecteur.get("/communes/46128/").content.decode()


def test_une_seule_lecture_de_au_pour_les_pages_le_public_et_l_api(client, client_lecteur):
    """`?au=` se lit de la même façon partout : AAAA-MM-JJ ou JJ/MM/AAAA ; illisible, aujourd'hui (422 pour l'API)."""
    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    for au in ("2021-07-27", "27/07/2021"):
        assert client.get("/donnees/pvd/", {"au": au}).context["au"].isoformat() == "2021-07-27"
        assert client_lecteur.get("/programmes/pvd/", {"au": au}).context["au"].isoformat() == "2021-07-27"
        assert client.get("/api/v1/laureats", {"au": au}).json()["au"] == "2021-07-27"
    assert client.get("/donnees/pvd/", {"au": "hier"}).context["au"] == aujourd_hui()
    assert client_lecteur.get("/programmes/pvd/", {"au": "hier"}).context["au"] == aujourd_hui()
    assert client.get("/api/v1/laureats", {"au": "hier"}).status_code == 422
