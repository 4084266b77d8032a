"""Textes piégés toujours échappés ; une entrée de journal par changement et par canal, aucune pour un refus."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from pvd.accounts.services import jeton_creer, utilisateur_creer
from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement, Programme
from pvd.publication.models import ParametresDepartement
from pvd.territoires.services import alias_create

pytestmark = pytest.mark.django_db
PIEGE = '<script>alert("pvd")</script>" onmouseover="alert(1)'


def test_textes_pieges_echappes_partout(client, lot):
    national = utilisateur_creer(email="anct@test.gouv.fr", role="national")
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    trace = services.Trace(canal=Evenement.Canal.CLI)
    services.convention_update(
        convention=convention, version=1, champs={"intitule": PIEGE, "lieu_signature": PIEGE}, trace=trace
    )
    services.convention_sign(
        convention=convention,
        version=2,
        date_signature=date(2021, 10, 1),
        trace=trace,
        signataires=[{"partie": "etat", "nom": PIEGE, "qualite": PIEGE}],
    )
    services.publication_definir(objets=[convention], publie=True, trace=trace)
    alias_create(texte="Pays " + PIEGE, type="epci", code="200035327")
    ParametresDepartement.objects.create(departement_id="46", contact_presse=PIEGE)
    client.force_login(national)
    pages = [
        "/",
        f"/conventions/{convention.pk}/",
        "/programmes/pvd/departements/46/",
        "/programmes/pvd/",
        "/donnees/pvd/departements/46/",
        "/epci/200035327/",
        "/communes/46066/",
        "/journal/",
        "/programmes/pvd/departements/46/communique/?date=2021-10-01",
        "/recherche/?q=" + PIEGE,
        "/recherche/suggestions/?q=" + PIEGE,
        f"/api/v1/conventions/{convention.pk}",
    ]
    for url in pages:
        contenu = client.get(url).content.decode()
        assert '<script>alert("pvd")' not in contenu, url
        assert '" onmouseover="alert(1)' not in contenu, url
    html = client.get(f"/conventions/{convention.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;pvd&quot;)&lt;/script&gt;" in html


def test_une_entree_par_changement_et_par_canal(client, lot):
    agent = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")

    def entrees():
        return list(
            Evenement.objects.filter(objet_id=str(convention.pk), objet_type="convention")
            .order_by("id")
            .values_list("canal", flat=True)
        )

    depart = len(entrees())
    client.force_login(agent)
    client.post(f"/conventions/{convention.pk}/modifier/", {"version": 1, "lieu_signature": "Cazals"})
    jeton = jeton_creer(utilisateur=agent)
    client.logout()
    client.patch(
        f"/api/v1/conventions/{convention.pk}",
        {"duree_annees": 6},
        content_type="application/json",
        headers={"Authorization": f"Bearer {jeton}", "If-Match": '"2"'},
    )
    call_command("communique", departement="46", date="2021-07-27")  # une lecture : aucune entrée
    assert entrees()[depart:] == ["page", "api"]
    evenement = Evenement.objects.filter(objet_id=str(convention.pk), canal="api").get()
    assert evenement.avant == {"duree_annees": None} and evenement.apres == {"duree_annees": 6}
    assert evenement.auteur == agent


def test_aucune_entree_pour_un_refus(client, lot):
    agent = utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    avant = Evenement.objects.count()
    client.force_login(agent)
    assert (
        client.post(
            f"/conventions/{convention.pk}/modifier/", {"version": 1, "lieu_signature": "X"}
        ).status_code
        == 404  # hors de son périmètre de lecture : comme si elle n'existait pas
    )
    jeton = jeton_creer(utilisateur=agent)
    reponse = client.patch(
        f"/api/v1/conventions/{convention.pk}",
        json.dumps({"lieu_signature": "X"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {jeton}", "If-Match": '"1"'},
    )
    assert reponse.status_code == 404
    assert Evenement.objects.count() == avant


def test_administration_journalisee(client, lot):
    national = utilisateur_creer(email="anct@test.gouv.fr", role="national")
    client.force_login(national)
    pvd = Programme.objects.get(slug="pvd")
    page = client.get(f"/admin/programmes/programme/{pvd.pk}/change/")
    formulaire = page.context["adminform"].form
    donnees = {k: ("" if v is None else v) for k, v in formulaire.initial.items() if k != "id"}
    donnees.update({"population_max": 25000, "date_debut": "2020-10-01"})
    for prefixe, formset in (("phases", pvd.phases.all()), ("regles_echeance", pvd.regles_echeance.all())):
        donnees.update(
            {
                f"{prefixe}-TOTAL_FORMS": len(formset),
                f"{prefixe}-INITIAL_FORMS": len(formset),
                f"{prefixe}-MIN_NUM_FORMS": 0,
                f"{prefixe}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, objet in enumerate(formset):
            donnees[f"{prefixe}-{i}-id"] = objet.pk
            donnees[f"{prefixe}-{i}-programme"] = pvd.pk
            for champ in ("nom", "date_debut", "date_fin", "origine", "cible", "delai_mois"):
                if hasattr(objet, champ):
                    valeur = getattr(objet, champ)
                    donnees[f"{prefixe}-{i}-{champ}"] = "" if valeur is None else str(valeur)
    reponse = client.post(f"/admin/programmes/programme/{pvd.pk}/change/", donnees)
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    evenement = Evenement.objects.filter(objet_type="programme", canal="admin").first()
    assert evenement is not None and evenement.auteur == national
    assert evenement.apres["population_max"] == 25000


def test_export_csv_du_journal(client, lot):
    """Le canal nommé comme sur la page ; avant et après en JSON valide (pas le `repr` de Python)."""
    import csv

    national = utilisateur_creer(email="anct@test.gouv.fr", role="national")
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    services.convention_update(
        convention=convention,
        version=1,
        champs={"intitule": "Convention d'adhésion de Cazals-Salviac"},
        trace=services.Trace(canal=Evenement.Canal.CLI),
    )
    client.force_login(national)
    page = client.get("/journal/", {"canal": "cli"}).content.decode()
    contenu = client.get("/journal/", {"canal": "cli", "format": "csv"}).content.decode("utf-8")
    lignes = list(csv.DictReader(contenu.splitlines()))
    assert lignes, contenu
    for ligne in lignes:
        assert ligne["canal"] == "ligne de commande"
        assert f"<td>{ligne['canal']}</td>" in page
        avant, apres = json.loads(ligne["avant"] or "null"), json.loads(ligne["après"] or "null")
        assert avant is None or isinstance(avant, dict)
        assert apres is None or isinstance(apres, dict)
    modification = next(ligne for ligne in lignes if ligne["action"] == "modification")
    assert json.loads(modification["après"])["intitule"] == "Convention d'adhésion de Cazals-Salviac"


def test_le_journal_ne_montre_pas_les_codes_internes(client, lot):
    national = utilisateur_creer(email="anct@test.gouv.fr", role="national")
    assert Evenement.objects.filter(objet_type="laureat").exists()
    client.force_login(national)
    page = client.get("/journal/").content.decode()
    assert ">laureat<" not in page and "laureat n°" not in page
    assert ">lauréat</option>" in page and "Lauréat n°" in page
    contenu = client.get("/journal/", {"format": "csv"}).content.decode("utf-8")
    assert ",laureat," not in contenu and ",lauréat," in contenu
    assert ",demo," not in contenu and ",creation," not in contenu
