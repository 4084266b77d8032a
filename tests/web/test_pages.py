"""Les pages du site : en français, au bon contenu, à nombre de requêtes fixe."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accueil(client):
    reponse = client.get("/")
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert '<html lang="fr"' in html
    assert "Petites villes de demain" in html
    assert 'id="champ-recherche"' in html
    assert "34\u202f969 communes" in html
    assert "[url - à modifier]" not in html
    assert 'href="#"' not in html


@pytest.mark.parametrize(
    "url", ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/plan-du-site/"]
)
def test_pages_du_pied(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert "République" in reponse.content.decode()


def test_suggestions_au_fil_de_la_frappe(client):
    reponse = client.get(reverse("suggestions"), {"q": "puy l eveque"})
    html = reponse.content.decode()
    assert reponse.status_code == 200
    assert 'href="/communes/46231/"' in html
    assert "Puy-l&#x27;Évêque" in html


def test_suggestions_vides(client):
    assert "Aucune commune" in client.get(reverse("suggestions"), {"q": "zzzzzzzzzz"}).content.decode()
    assert client.get(reverse("suggestions"), {"q": "a"}).content.decode().strip() == ""


def test_recherche_sure_redirige(client):
    reponse = client.get(reverse("recherche"), {"q": "Cauvaldor"})
    assert reponse.status_code == 302
    assert reponse.url == "/epci/200066371/"


def test_recherche_ambigue_liste_les_candidats(client):
    html = client.get(reverse("recherche"), {"q": "Saint-Martin"}).content.decode()
    assert "homonymes" in html
    assert "/communes/32389/" in html


def test_page_commune(client):
    html = client.get("/communes/46063/").content.decode()
    assert "Castelnau-Montratier" in html
    assert "Castelnau Montratier-Sainte Alauzie" in html
    assert "/epci/200039519/" in html


def test_page_commune_d_un_autre_departement_dans_un_epci_du_lot(client):
    html = client.get("/communes/12052/").content.decode()
    assert "Aveyron (12)" in html
    assert "CC Grand-Figeac" in html


def test_page_epci(client):
    html = client.get("/epci/200067361/").content.decode()
    assert "Interdépartemental" in html
    assert "Lot (46)" in html and "Aveyron (12)" in html
    assert "Capdenac-Gare" in html
    html = client.get("/epci/200066371/").content.decode()
    assert "« Cauvaldor »" in html


def test_page_departement(client):
    html = client.get("/departements/46/").content.decode()
    assert "préfet du Lot" in html
    assert "Cahors" in html
    assert "CC Grand-Figeac" in html
    assert "Puy-l&#x27;Évêque" in html


@pytest.mark.parametrize("url", ["/communes/99999/", "/epci/123/", "/departements/00/"])
def test_introuvable_en_francais(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 404


@pytest.mark.parametrize("url", ["/departements/{}/", "/epci/{}/"], ids=["departement", "epci"])
def test_nombre_de_requetes_independant_de_la_taille(client, django_assert_max_num_queries, url):
    """Un petit et un grand territoire coûtent le même nombre de requêtes."""
    petit, grand = ("48", "62") if "departements" in url else ("200067361", "200054781")
    comptes = []
    for code in (petit, grand):
        with django_assert_max_num_queries(8) as requetes:
            assert client.get(url.format(code)).status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1]


def test_admin_lisible(admin_client):
    from pvd.programmes.demo import charger_exemple_lot
    from pvd.programmes.models import Convention, Programme

    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    for url in (
        "/admin/",
        "/admin/programmes/convention/",
        "/admin/programmes/laureat/",
        "/admin/territoires/commune/",
        f"/admin/programmes/convention/{Convention.objects.first().pk}/change/",
        "/admin/programmes/programme/1/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_consulte_le_registre_et_le_referentiel_sans_les_modifier(admin_client):
    """Le registre s'écrit par les services, le référentiel par l'import du COG : l'administration, même pour un
    superutilisateur, ne les ajoute ni ne les supprime (les règles du programme, elles, s'y modifient)."""
    for url in (
        "/admin/programmes/laureat/add/",
        "/admin/programmes/evenement/add/",
        "/admin/territoires/commune/add/",
    ):
        assert admin_client.get(url).status_code == 403, url
    assert admin_client.get("/admin/programmes/programme/add/").status_code == 200


def test_listes_dans_l_ordre_alphabetique_francais(client):
    """« Bétaille » avant « Bretenoux », « CC de la Vallée… » avant « CC Grand-Figeac » (casse et accents ignorés)."""
    html = client.get("/epci/200066371/").content.decode()
    assert html.index(">Bétaille<") < html.index(">Bretenoux<")
    html = client.get("/departements/46/").content.decode()
    assert html.index(">Bétaille<") < html.index(">Bretenoux<")
    assert html.index(">CC de la Vallée du Lot et du Vignoble<") < html.index(">CC Grand-Figeac<")


def test_une_seule_population_par_epci(client):
    """La page de l'EPCI, celle de son département et les suggestions donnent le même chiffre : ses communes
    additionnées (le COG en donnait un autre pour l'EPCI, 45 320 contre 45 461 pour Cauvaldor)."""
    from django.db.models import Sum

    from pvd.territoires.models import Commune
    from pvd.web.templatetags.humanize_fr import nombre

    total = Commune.objects.actuelles().filter(epci_id="200066371").aggregate(t=Sum("population"))["t"]
    attendu = f"{nombre(total)} habitants"
    assert attendu in client.get("/epci/200066371/").content.decode()
    assert attendu in client.get(reverse("suggestions"), {"q": "Cauvaldor"}).content.decode()
    page_departement = client.get("/departements/46/").content.decode()
    ligne = page_departement[page_departement.index(">CC Causses et Vallée de la Dordogne<") :]
    assert ligne[: ligne.index("</tr>")].count(f">{nombre(total)}<") == 1
