"""Pages du programme : contenu, date « au », formulaires par les services, droits, requêtes à nombre fixe."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db


def cazals():
    return Convention.objects.get(epci_id="200035327", type="adhesion")


def test_tableau_de_bord(client_lecteur, lot):
    html = client_lecteur.get("/programmes/pvd/").content.decode()
    assert 'id="chiffre-laureats">20<' in html
    assert 'id="chiffre-ort">19<' in html
    assert "Occitanie" in html
    html = client_lecteur.get("/programmes/pvd/", {"au": "2021-07-27"}).content.decode()
    assert 'id="chiffre-adhesions">16<' in html
    assert 'id="chiffre-ort">0<' in html


def test_tableau_de_bord_region(client_lecteur, lot):
    html = client_lecteur.get("/programmes/pvd/regions/76/").content.decode()
    assert "/programmes/pvd/departements/46/" in html
    assert client_lecteur.get("/programmes/pvd/regions/99/").status_code == 404
    assert client_lecteur.get("/programmes/inconnu/").status_code == 404


def test_page_departement(client_lecteur, lot):
    html = client_lecteur.get("/programmes/pvd/departements/46/").content.decode()
    assert "Capdenac-Gare" in html
    assert "commune de l&#x27;Aveyron (12), suivie ici par son EPCI" in html
    assert "en retard de 3 ans" in html
    assert "CC Cazals-Salviac" in html
    html_2021 = client_lecteur.get("/programmes/pvd/departements/46/", {"au": "2021-07-27"}).content.decode()
    assert "Convention-cadre valant ORT" not in html_2021
    assert "en cours d'élaboration" in html_2021


def test_au_ne_montre_jamais_l_avenir(client_lecteur, lot):
    """Une adhésion et un avenant enregistrés aujourd'hui, sans date d'ouverture : ils n'existaient pas au 27 juillet
    2021 ni au 1er janvier 2020 (page du département, API, communiqué, jalons)."""
    from pvd.programmes.jalons import avancements
    from pvd.programmes.selectors import compter_conventions, laureats
    from pvd.publication.communique import communique_rediger

    trace = services.Trace(canal=Evenement.Canal.CLI)
    nouvelle = services.laureat_register(
        programme=lot, commune=Commune.objects.get(code="46102"), date_selection=date(2021, 1, 1), trace=trace
    )
    adhesion = services.convention_create(
        programme=lot,
        type="adhesion",
        epci=Epci.objects.get(siren="200067361"),
        communes=[(nouvelle.commune, "laureate")],
        trace=trace,
    )
    figeac = Convention.objects.get(epci_id="200067361", type="adhesion", date_signature__isnull=False)
    avenant = services.convention_create(
        programme=lot,
        type="avenant",
        parent=figeac,
        epci=figeac.epci,
        communes=[(lien.commune, "laureate") for lien in figeac.communes.all()],
        trace=trace,
    )
    for au in ("2020-01-01", "2021-07-27"):
        html = client_lecteur.get("/programmes/pvd/departements/46/", {"au": au}).content.decode()
        for convention in (adhesion, avenant):
            assert f"/conventions/{convention.pk}/" not in html, au
        ids = {c["id"] for c in client_lecteur.get("/api/v1/conventions", {"au": au}).json()["resultats"]}
        assert not ids & {adhesion.pk, avenant.pk}, au
    assert adhesion.statut_au(date(2021, 7, 27)) is None
    assert compter_conventions(lot, date(2021, 7, 27), "46")[("adhesion", "en_elaboration")] == 2
    communique = communique_rediger(
        programme=lot, departement=figeac.departement_suivi, jour=date(2021, 7, 27)
    )
    assert communique.en_elaboration.startswith("De plus, deux conventions d'adhésion")
    jour = date(2021, 7, 27)
    (ligne,) = avancements(lot, [laureats(lot, jour, "46").get(commune_id="46102")], jour)
    assert ligne.jalon("adhesion").convention is None
    # Aujourd'hui, elles existent.
    ids = {c["id"] for c in client_lecteur.get("/api/v1/conventions").json()["resultats"]}
    assert {adhesion.pk, avenant.pk} <= ids


def test_a_faire_montre_chaque_incoherence_de_pvd_check(client_lecteur, lot):
    """Ici l'adhésion de Cazals-Salviac est remise en élaboration alors que son ORT est signée : `pvd check` trouve
    deux incohérences (Cazals, Salviac), et la liste « À faire » les montre toutes, mot pour mot."""
    from django.utils.html import escape

    from pvd.programmes.controles import controler

    au = date(2026, 11, 25)
    attendues = controler(lot, au, departement="46").incoherences
    assert len(attendues) == 2
    html = client_lecteur.get("/programmes/pvd/departements/46/", {"au": au.isoformat()}).content.decode()
    a_faire = html.split("<h2>À faire</h2>")[1].split("<h2>")[0]
    assert "2 incohérences à corriger" in a_faire
    for incoherence in attendues:
        assert escape(incoherence) in a_faire


def test_une_signature_au_plus_tard_le_dit_partout(client, client_lecteur, lot):
    """Lalbenque-Limogne : adhésion signée au plus tard le jour de la première ORT de l'EPCI (17 octobre 2023)."""
    from pvd.publication.communique import communique_rediger

    limogne = Convention.objects.get(epci_id="244600532", type="adhesion")
    html = client_lecteur.get(reverse("convention", args=[limogne.pk])).content.decode()
    assert "signée au plus tard le 17 octobre 2023" in html
    html = client_lecteur.get("/programmes/pvd/departements/46/").content.decode()
    assert "au plus tard le 17 octobre 2023" in html
    html = client.get("/donnees/pvd/departements/46/").content.decode()
    assert "signée au plus tard le 17 octobre 2023" in html
    assert client.get(f"/api/v1/conventions/{limogne.pk}").json()["precision_signature"] == "au_plus_tard"
    # Le communiqué du 17 octobre 2023 annonce les ORT signées ce jour-là, pas cette adhésion.
    communique = communique_rediger(
        programme=lot, departement=limogne.departement_suivi, jour=date(2023, 10, 17)
    )
    assert not any("adhésion" in ligne for ligne in communique.conventions)
    assert any("Lalbenque-Limogne" in ligne or "Limogne" in ligne for ligne in communique.conventions)


def test_page_convention(client_lecteur, lot):
    figeac = Convention.objects.get(epci_id="200067361", type="adhesion")
    html = client_lecteur.get(reverse("convention", args=[figeac.pk])).content.decode()
    assert "Michel Prosic" in html
    assert "préfet du Lot" in html
    assert "Capdenac-Gare (Aveyron, 12)" in html
    assert "suivie par la préfecture du Lot" in html
    assert "Historique des changements" in html
    assert "données de démonstration" in html


def test_page_commune_frise(client, lot):
    html = client.get("/communes/46128/").content.decode()
    assert "Petites villes de demain" in html
    assert "9 février 2023 (en retard de 13 jours)" in html
    assert "au plus tard le 27 juillet 2021" in html


MAX_TABLEAU_DEPARTEMENT = 32  # mesuré : 32, pour 20 lauréats comme pour 45 (dont 6 pour les incohérences de « À faire », 5 pour les sources, 1 pour les actions en retard)


def test_nombre_de_requetes_fixe(client_lecteur, lot, django_assert_max_num_queries):
    """Le Lot (20 lauréats) et un département plus chargé coûtent le même nombre de requêtes."""
    pvd = lot
    trace = services.Trace(canal=Evenement.Canal.CLI)
    communes = list(
        Commune.objects.filter(departement_id="62", population__lt=20000, epci__isnull=False)[:45]
    )
    for commune in communes:
        services.laureat_register(
            programme=pvd, commune=commune, date_selection=date(2021, 1, 1), trace=trace
        )
    par_epci = {}
    for commune in communes:
        par_epci.setdefault(commune.epci_id, []).append(commune)
    for siren, membres in par_epci.items():
        convention = services.convention_create(
            programme=pvd,
            type="adhesion",
            epci=Epci.objects.get(siren=siren),
            communes=[(c, "laureate") for c in membres],
            trace=trace,
        )
        services.convention_sign(
            convention=convention,
            version=1,
            date_signature=date(2021, 9, 1),
            signataires=[{"partie": "etat", "qualite": "préfet du Pas-de-Calais"}],
            trace=trace,
        )
    comptes = {}
    for url in ("/programmes/pvd/departements/46/", "/programmes/pvd/departements/62/"):
        with django_assert_max_num_queries(MAX_TABLEAU_DEPARTEMENT) as requetes:
            assert client_lecteur.get(url).status_code == 200
        comptes[url] = len(requetes)
    assert len(set(comptes.values())) == 1, comptes
    # session, compte et périmètre, programme, lauréats, liens, postes, régions
    with django_assert_max_num_queries(20):
        assert client_lecteur.get("/programmes/pvd/").status_code == 200


class TestDroits:
    def test_anonyme_renvoye_a_la_connexion(self, client, lot):
        reponse = client.get(reverse("convention-signature", args=[cazals().pk]))
        assert reponse.status_code == 302
        assert reponse.url.startswith("/connexion/")

    def test_compte_sans_droit_403(self, client, lot, lecteur):
        client.force_login(lecteur)
        reponse = client.post(
            reverse("convention-modifier", args=[cazals().pk]), {"version": 1, "intitule": "x"}
        )
        assert reponse.status_code == 403
        assert cazals().intitule == ""

    def test_connexion_en_francais(self, client, redacteur):
        reponse = client.post("/connexion/", {"username": "agent46@lot.gouv.fr", "password": "faux"})
        assert "Adresse ou mot de passe incorrect" in reponse.content.decode()
        reponse = client.post(
            "/connexion/", {"username": "agent46@lot.gouv.fr", "password": "mot-de-passe-de-test-1"}
        )
        assert reponse.status_code == 302


class TestFormulaires:
    def test_signature_avec_pdf(self, client, lot, redacteur, pdf):
        client.force_login(redacteur)
        convention = cazals()
        url = reverse("convention-signature", args=[convention.pk])
        page = client.get(url).content.decode()
        assert 'value="préfet ou préfète du Lot"' in page
        reponse = client.post(
            url,
            {
                "version": convention.version,
                "date_signature": "2021-10-05",
                "lieu_signature": "Cazals",
                "etat_nom": "",
                "etat_qualite": "préfet du Lot",
                "collectivites": "on",
                "document": SimpleUploadedFile("c.pdf", pdf, content_type="application/pdf"),
            },
        )
        assert reponse.status_code == 302
        convention.refresh_from_db()
        assert (convention.statut, convention.date_signature) == ("signee", date(2021, 10, 5))
        assert convention.signataires.count() == 4  # État, EPCI, Cazals, Salviac
        assert Evenement.objects.filter(objet_id=str(convention.pk), canal="page", auteur=redacteur).exists()
        document = client.get(reverse("convention-document", args=[convention.pk]))
        assert document["Content-Type"] == "application/pdf"

    def test_erreurs_en_francais_pres_du_champ(self, client, lot, redacteur):
        client.force_login(redacteur)
        convention = cazals()
        reponse = client.post(
            reverse("convention-signature", args=[convention.pk]),
            {
                "version": convention.version,
                "date_signature": "2099-01-01",
                "etat_qualite": "préfet du Lot",
                "document": SimpleUploadedFile("c.pdf", b"ceci n'est pas un pdf"),
            },
        )
        html = reponse.content.decode()
        assert reponse.status_code == 200
        assert "dans le futur" in html
        assert "n&#x27;est pas un PDF" in html
        assert cazals().statut == "en_elaboration"

    def test_conflit_de_version(self, client, lot, redacteur, lecteur):
        """Un seul message : rien n'est enregistré, chaque champ que l'autre personne a changé, quoi refaire."""
        client.force_login(redacteur)
        convention = cazals()
        url = reverse("convention-modifier", args=[convention.pk])
        ouvert = client.get(url).context["formulaire"].initial
        services.convention_update(
            convention=convention,
            version=convention.version,
            champs={"lieu_signature": "Cazals", "date_signature_prevue": date(2021, 10, 1)},
            trace=services.Trace(auteur=lecteur, canal=Evenement.Canal.PAGE),
        )
        donnees_perimees = {
            "version": ouvert["version"],
            "journal": ouvert["journal"],
            "lieu_signature": "Salviac",
            "duree_annees": "6",
        }
        reponse = client.post(url, donnees_perimees)
        html = reponse.content.decode()
        assert reponse.status_code == 200
        assert html.count('role="alert"') == 1
        assert "Vos modifications n'ont pas été enregistrées" in html
        assert "Lieu de signature : vide → « Cazals » (partenaire@banque.test)" in html
        assert "Date de signature prévue : vide → 1er octobre 2021" in html
        assert "enregistrez-la à" in html
        assert "modifiée par quelqu&#x27;un d&#x27;autre pendant" not in html  # pas un second message
        assert 'value="Salviac"' in html
        assert cazals().lieu_signature == "Cazals"
        actuelle = reponse.context["formulaire"].data  # « Enregistrer quand même » : la version actuelle
        reponse = client.post(
            url, {**donnees_perimees, "version": actuelle["version"], "journal": actuelle["journal"]}
        )
        assert reponse.status_code == 302
        assert cazals().lieu_signature == "Salviac"

    def test_creation_de_convention_et_ajout_de_commune(self, client, lot, redacteur):
        client.force_login(redacteur)
        url = reverse("convention-nouvelle", args=["pvd", "46"])
        gourdon = lot.laureats.get(commune_id="46127")
        reponse = client.post(url, {"type": "avenant", "epci": "244600482", "communes": [gourdon.pk]})
        assert "modifie une convention existante" in reponse.content.decode()
        reponse = client.post(
            url,
            {
                "type": "cadre_ort",
                "epci": "200035327",
                "communes": [gourdon.pk],
            },
        )
        assert "n&#x27;est pas membre de CC Cazals-Salviac" in reponse.content.decode()
        cazals_laureat = lot.laureats.get(commune_id="46066")
        reponse = client.post(
            url,
            {
                "type": "avenant",
                "epci": "200035327",
                "communes": [cazals_laureat.pk],
                "parent": cazals().pk,
                "date_signature_prevue": "2027-01-15",
            },
        )
        assert reponse.status_code == 302
        avenant = Convention.objects.get(type="avenant")
        ajout = reverse("convention-ajout-commune", args=[avenant.pk])
        reponse = client.post(ajout, {"version": avenant.version, "commune": "Salviac", "role": "laureate"})
        assert reponse.status_code == 302
        assert list(avenant.communes.values_list("commune_id", flat=True)) == ["46066", "46297"]
        reponse = client.post(
            ajout, {"version": avenant.version + 1, "commune": "Saint-Martin", "role": "laureate"}
        )
        assert "Précisez le nom" in reponse.content.decode()

    def test_chef_de_projet(self, client, lot, redacteur):
        client.force_login(redacteur)
        url = reverse("poste-nouveau", args=["pvd", "46"])
        gramat = lot.laureats.get(commune_id="46128")
        souillac = lot.laureats.get(commune_id="46309")
        base = {
            "employeur": "epci:200066371",
            "laureats": [gramat.pk, souillac.pk],
            "date_prise_poste": "2022-02-01",
        }
        reponse = client.post(url, {**base, "montant_cofinancement": "50000"})
        assert "plafonné à 45 000 €" in reponse.content.decode()
        assert client.post(url, {**base, "montant_cofinancement": "40000"}).status_code == 302
        html = client.get("/programmes/pvd/departements/46/").content.decode()
        assert "1er février 2022" in html


class TestCommunique:
    URL = "/programmes/pvd/departements/46/communique/"

    def test_reserve_aux_equipes(self, client, lot):
        assert client.get(self.URL).status_code == 302

    def test_apercu_modifier_et_exporter(self, client, lot, redacteur):
        client.force_login(redacteur)
        html = client.get(self.URL, {"date": "2021-07-27"}).content.decode()
        assert "Cahors, le 27 juillet 2021" in html
        assert "PRÉFET DU LOT" in html
        page = client.get(self.URL, {"date": "2021-07-27"})
        initial = page.context["formulaire"].initial
        lignes = initial["conventions"].splitlines()
        donnees = {
            **{k: v for k, v in initial.items() if isinstance(v, str)},
            "conventions": "\n".join([lignes[-1], *lignes[:-1]]),
            "contact": "Pôle communication\nTél. 05 00",
            "garder_contact": "on",
            "format": "",
        }
        html = client.post(self.URL + "?date=2021-07-27", donnees).content.decode()
        assert html.index("Quercy-Bouriane signée par Gourdon") < html.index("de Cauvaldor signée par")
        from pvd.publication.models import ParametresDepartement

        assert ParametresDepartement.objects.get(departement_id="46").contact_presse.startswith(
            "Pôle communication"
        )
        reponse = client.post(self.URL + "?date=2021-07-27", {**donnees, "format": "docx"})
        assert reponse["Content-Disposition"].startswith(
            'attachment; filename="communique-46-2021-07-27.docx";'
        )
        import io

        import docx

        textes = [p.text for p in docx.Document(io.BytesIO(reponse.content)).paragraphs]
        assert textes.index(lignes[-1]) < textes.index(lignes[0])
        assert (
            client.post(self.URL + "?date=2021-07-27", {**donnees, "format": "md"})
            .content.decode()
            .startswith("# PRÉFET DU LOT")
        )


def test_le_registre_interne_demande_une_connexion(client, lot):
    convention = cazals()
    for url in (
        "/programmes/pvd/",
        "/programmes/pvd/regions/76/",
        "/programmes/pvd/departements/46/",
        f"/conventions/{convention.pk}/",
        f"/conventions/{convention.pk}/document/",
    ):
        reponse = client.get(url)
        assert reponse.status_code == 302 and reponse.url.startswith("/connexion/"), url
