"""Travaux longs : un gros import confirmé passe par la file (django-tasks, base de données) et la page de suivi ;
l'avancement progresse ; un échec dit pourquoi en français et n'écrit rien ; un travail interrompu est clos."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pvd.accounts.services import utilisateur_creer
from pvd.imports.ecriture import TRACE_IMPORT, importer
from pvd.imports.models import FichierImport, ImportRealise
from pvd.programmes.models import Convention, Laureat
from pvd.territoires.models import Commune
from pvd.travaux import services
from pvd.travaux.models import Travail
from pvd.travaux.taches import export_produire

pytestmark = pytest.mark.django_db


def liste_du_lot(nombre: int = 40, departements=("46",)) -> str:
    communes = Commune.objects.filter(departement_id__in=departements, obsolete=False).order_by("code")[
        :nombre
    ]
    return "insee_com,lib_com,id_pvd\n" + "\n".join(
        f"{c.code},{c.nom},lot-{i}" for i, c in enumerate(communes)
    )


def deposer(client, contenu: str, source: str = "anct-pvd", departement: str = "46") -> str:
    fichier = SimpleUploadedFile("liste-lot.csv", contenu.encode("utf-8"))
    reponse = client.post("/imports/", {"fichier": fichier, "source": source, "departement": departement})
    assert reponse.status_code == 302, reponse.content.decode()[:1000]
    return reponse.url


def test_la_progression_avance_sans_changer_le_resultat():
    notes = []
    contenu = liste_du_lot(450, departements=("46", "12")).encode()
    plan = importer(
        contenu,
        "liste-lot.csv",
        "anct-pvd",
        trace=TRACE_IMPORT,
        progression=lambda etape, fait, total: notes.append((etape, fait, total)),
    )
    assert plan.comptes()["creation"] == 450
    assert notes[0] == ("lues", 450, 450)
    resolues = [fait for etape, fait, _ in notes if etape == "resolues"]
    assert resolues == [200, 400, 450]
    assert notes[-2:] == [("ecrites", 0, 450), ("ecrites", 450, 450)]
    assert Laureat.objects.count() == 450


def test_gros_import_confirme_par_la_page_de_suivi(vider_la_file, client, redacteur, settings):
    settings.PVD_IMPORT_LIGNES_TACHE = 10
    client.force_login(redacteur)
    url = deposer(client, liste_du_lot(40))
    reponse = client.post(url, {"action": "importer"})
    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse.url == f"/travaux/{travail.pk}/"
    assert travail.etat == Travail.Etat.EN_ATTENTE and travail.nature == "import"
    assert DBTaskResult.objects.get(id=travail.tache_id).status == "READY"
    assert not Laureat.objects.exists()  # rien d'écrit dans la requête

    page = client.get(reponse.url).content.decode()
    assert 'id="barre-travail"' in page and 'role="status"' in page and "web/travail" in page
    assert json.loads(client.get(f"/travaux/{travail.pk}/etat/").content)["fini"] is False

    vider_la_file()
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    assert (travail.lignes_lues, travail.lignes_resolues, travail.lignes_ecrites, travail.total) == (
        40,
        40,
        40,
        40,
    )
    assert travail.rapport["comptes"]["creation"] == 40
    assert Laureat.objects.count() == 40 and not FichierImport.objects.exists()
    assert DBTaskResult.objects.get(id=travail.tache_id).status == "SUCCESSFUL"
    etat = json.loads(client.get(f"/travaux/{travail.pk}/etat/").content)
    assert etat["fini"] and etat["pourcentage"] == 100
    assert "Import réalisé : 40 lignes créées" in etat["resultat"]
    assert 'href="/programmes/pvd/departements/46/"' in etat["resultat"]


def test_un_petit_import_reste_dans_la_requete(client, redacteur, settings):
    settings.PVD_IMPORT_LIGNES_TACHE = 100
    client.force_login(redacteur)
    reponse = client.post(deposer(client, liste_du_lot(5)), {"action": "importer"})
    assert reponse.url == "/programmes/pvd/departements/46/"
    assert Laureat.objects.count() == 5 and not Travail.objects.exists()


def test_un_import_refuse_echoue_en_francais_sans_rien_ecrire(
    vider_la_file, client, redacteur, settings, empreinte
):
    settings.PVD_IMPORT_LIGNES_TACHE = 10
    client.force_login(redacteur)
    contenu = liste_du_lot(30) + "\n99999,Nulle part,x\n"
    url = deposer(client, contenu)
    avant = empreinte()
    client.post(url, {"action": "importer"})
    vider_la_file()
    travail = Travail.objects.get()
    assert travail.etat == Travail.Etat.ECHOUE
    assert "1 ligne refusée ou à préciser : rien n'a été importé" in travail.message
    assert travail.message.endswith("Rien n'a été écrit.")
    assert any("99999" in ligne for ligne in travail.rapport["refusees"])
    assert empreinte() == avant and not ImportRealise.objects.exists()
    assert FichierImport.objects.exists()  # l'aperçu reste possible, pour corriger
    page = client.get(f"/travaux/{travail.pk}/").content.decode()
    assert "Le travail a échoué" in page and "Revenir à l'aperçu" in page


def test_une_erreur_pendant_l_ecriture_n_ecrit_rien(
    vider_la_file, client, redacteur, settings, empreinte, monkeypatch
):
    settings.PVD_IMPORT_LIGNES_TACHE = 10
    client.force_login(redacteur)
    client.post(deposer(client, liste_du_lot(30)), {"action": "importer"})
    avant = empreinte()

    def panne(**kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("pvd.programmes.services.sources_ajouter", panne)
    vider_la_file()
    travail = Travail.objects.get()
    assert travail.etat == Travail.Etat.ECHOUE
    assert travail.message.startswith("Une erreur inattendue a arrêté le traitement ; rien n'a été écrit.")
    assert empreinte() == avant and not ImportRealise.objects.exists()
    assert DBTaskResult.objects.get(id=travail.tache_id).status == "FAILED"


def test_seul_l_auteur_et_l_equipe_nationale_voient_le_travail(client, redacteur, settings):
    settings.PVD_IMPORT_LIGNES_TACHE = 10
    client.force_login(redacteur)
    client.post(deposer(client, liste_du_lot(20)), {"action": "importer"})
    travail = Travail.objects.get()
    collegue = utilisateur_creer(email="autre@lot.gouv.fr", role="prefecture", departements=["46"])
    client.force_login(collegue)
    for suffixe in ("", "etat/", "fichier/"):
        assert client.get(f"/travaux/{travail.pk}/{suffixe}").status_code == 404
    national = utilisateur_creer(email="anct@anct.gouv.fr", role="national")
    client.force_login(national)
    assert client.get(f"/travaux/{travail.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/travaux/{travail.pk}/").status_code == 302  # vers la connexion


def test_export_national_produit_un_fichier_par_le_stockage(vider_la_file, client, redacteur):
    client.force_login(redacteur)
    assert client.get("/programmes/pvd/exports/").status_code == 200
    reponse = client.post("/programmes/pvd/exports/", {"jeu": "laureats", "format": "csv"})
    travail = Travail.objects.get()
    assert reponse.url == f"/travaux/{travail.pk}/" and travail.nature == "export"
    vider_la_file()
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.TERMINE and travail.fichier.startswith(f"travaux/{travail.pk}/")
    assert default_storage.exists(travail.fichier)
    fichier = client.get(f"/travaux/{travail.pk}/fichier/")
    assert fichier.status_code == 200
    assert len(b"".join(fichier.streaming_content)) == travail.rapport["octets"] > 0
    assert "attachment" in fichier["Content-Disposition"] and travail.nom_fichier.endswith(".csv")
    assert client.post("/programmes/pvd/exports/", {"jeu": "inconnu", "format": "csv"}).status_code == 404


def test_les_travaux_finis_depuis_30_jours_sont_effaces_avec_leur_fichier(vider_la_file, client, redacteur):
    client.force_login(redacteur)
    for _ in range(2):
        client.post("/programmes/pvd/exports/", {"jeu": "laureats", "format": "csv"})
    vider_la_file()
    ancien, recent = Travail.objects.order_by("pk")
    assert ancien.etat == recent.etat == Travail.Etat.TERMINE
    Travail.objects.filter(pk=ancien.pk).update(fini_le=timezone.now() - timedelta(days=31))
    assert services.travaux_anciens_effacer() == 1
    assert list(Travail.objects.all()) == [recent]
    assert not default_storage.exists(ancien.fichier) and default_storage.exists(recent.fichier)
    assert not DBTaskResult.objects.filter(id=ancien.tache_id).exists()
    assert DBTaskResult.objects.filter(id=recent.tache_id).exists()


def test_lot_d_annexes_d_un_departement_en_zip(vider_la_file, client, redacteur, cadre):
    import io
    import zipfile

    client.force_login(redacteur)
    assert client.get("/programmes/pvd/departements/46/plans/annexes/").status_code == 200
    client.post("/programmes/pvd/departements/46/plans/annexes/", {"format": "docx"})
    vider_la_file()
    travail = Travail.objects.get()
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    with default_storage.open(travail.fichier, "rb") as f:
        noms = zipfile.ZipFile(io.BytesIO(f.read())).namelist()
    jour = timezone.localdate().isoformat()
    assert f"plan-d-action-convention-{cadre.pk}-epci-{cadre.epci_id}-{jour}.docx" in noms
    cadres = Convention.objects.filter(type="cadre_ort", departement_suivi_id="46").count()
    assert len(noms) == cadres == travail.rapport["documents"] and travail.pourcentage == 100


def test_annexes_hors_perimetre_introuvables(client, redacteur):
    client.force_login(redacteur)
    assert client.get("/programmes/pvd/departements/12/plans/annexes/").status_code == 404


def test_travail_interrompu_clos_avec_sa_raison(redacteur):
    travail = services.travail_lancer(
        nature=Travail.Nature.IMPORT,
        libelle="Import de gros.csv",
        auteur=redacteur,
        tache=export_produire,
        jeu="laureats",
        format="csv",
        programme="pvd",
        au="2026-01-01",
    )
    assert services.travail_commencer(travail=travail)
    DBTaskResult.objects.filter(id=travail.tache_id).update(status="RUNNING")
    assert services.travaux_interrompus_clore() == 0  # battement récent
    Travail.objects.filter(pk=travail.pk).update(battement=timezone.now() - timedelta(hours=1))
    assert services.travaux_interrompus_clore() == 1
    travail.refresh_from_db()
    assert travail.etat == Travail.Etat.ECHOUE
    assert travail.message == "Le traitement s'est interrompu ; rien n'a été écrit ; relancez l'import."
    assert DBTaskResult.objects.get(id=travail.tache_id).status == "FAILED"
    # Un processus qui reprendrait ce travail ne le ressuscite pas.
    assert not services.travail_commencer(travail=travail)
    assert services.travail_terminer(travail=travail).etat == Travail.Etat.ECHOUE


def test_pvd_import_dit_son_avancement_sur_la_sortie_d_erreur(tmp_path, settings):
    settings.PVD_IMPORT_LIGNES_TACHE = 100
    chemin = tmp_path / "liste.csv"
    chemin.write_text(liste_du_lot(450, departements=("46", "12")), encoding="utf-8")
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("import", str(chemin), source="anct-pvd", stdout=sortie, stderr=erreurs)
    lignes = erreurs.getvalue().splitlines()
    assert lignes[0] == "Avancement : 450 lignes lues."
    assert "Avancement : communes résolues : 200 sur 450 (44 %)." in lignes
    assert lignes[-2:] == [
        "Avancement : écriture au registre de 450 lignes, d'un bloc.",
        "Avancement : écriture au registre : 450 lignes écrites sur 450.",
    ]
    assert Laureat.objects.count() == 450 and "450 à créer" in sortie.getvalue()
    # Un fichier court n'en dit rien.
    chemin.write_text(liste_du_lot(5), encoding="utf-8")
    erreurs = io.StringIO()
    call_command("import", str(chemin), source="anct-pvd", stdout=io.StringIO(), stderr=erreurs)
    assert "Avancement" not in erreurs.getvalue()
