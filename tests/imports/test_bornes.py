"""Un import est borné avant d'être gardé : taille et nombre de lignes vérifiés au dépôt (rien n'est gardé au-delà),
et l'aperçu sur le site est paginé, les comptes portant sur tout le fichier (issue 14, point 5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from pvd.imports import lecture
from pvd.imports.models import FichierImport
from pvd.imports.services import fichier_deposer
from pvd.territoires.fichiers import FichierIllisible

pytestmark = pytest.mark.django_db


def _fichier(lignes: int) -> bytes:
    return ("insee_com,lib_com\n" + "46128,Gramat\n" * lignes).encode()


def _deposer(client, contenu: bytes):
    fichier = SimpleUploadedFile("long.csv", contenu)
    return client.post("/imports/", {"fichier": fichier, "source": "anct-pvd", "departement": "46"})


def test_trop_de_lignes_refuse_au_depot_sans_rien_garder(client, redacteur, monkeypatch):
    monkeypatch.setattr(lecture, "LIGNES_MAX", 10)
    client.force_login(redacteur)
    reponse = _deposer(client, _fichier(12))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "long.csv : 13 lignes remplies, au-delà de la limite de 10 lignes par import" in html
    assert "Rien n&#x27;a été gardé" in html
    assert not FichierImport.objects.exists()
    assert _deposer(client, _fichier(9)).status_code == 302
    assert FichierImport.objects.count() == 1


def test_trop_lourd_refuse_au_depot_sans_rien_garder(client, redacteur, settings):
    settings.PVD_TAILLE_MAX_FICHIER = 100
    client.force_login(redacteur)
    reponse = _deposer(client, _fichier(20))
    assert reponse.status_code == 200
    assert "au-delà de la limite" in reponse.content.decode()
    assert not FichierImport.objects.exists()


def test_service_et_ligne_de_commande_bornes(redacteur, monkeypatch, tmp_path):
    monkeypatch.setattr(lecture, "LIGNES_MAX", 10)
    with pytest.raises(FichierIllisible, match="limite de 10 lignes"):
        fichier_deposer(
            auteur=redacteur, nom="long.csv", contenu=_fichier(12), source="anct-pvd", departement=None
        )
    assert not FichierImport.objects.exists()
    chemin = tmp_path / "long.csv"
    chemin.write_bytes(_fichier(12))
    with pytest.raises(CommandError, match="limite de 10 lignes"):
        call_command("import", str(chemin), "--source", "anct-pvd", "--dry-run")


def test_apercu_pagine(client, redacteur, monkeypatch):
    from pvd.web.views import imports

    monkeypatch.setattr(imports, "LIGNES_PAR_PAGE", 4)
    client.force_login(redacteur)
    contenu = "insee_com,lib_com\n" + "".join(
        f"{code},x\n"
        for code in ["46128", "46309", "46066", "46045", "46143", "46102", "46231", "46173", "46063"]
    )
    url = _deposer(client, contenu.encode()).url
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["plan"].comptes()["lignes"] == 9
    assert len(page.context["page"]) == 4
    html = page.content.decode()
    assert html.count("<tr data-statut=") == 4
    assert "Lignes 1 à 4 sur 9 (page 1 sur 3)" in html
    assert 'class="fr-pagination"' in html
    derniere = client.post(url, {"page": "3"})
    assert derniere.status_code == 200
    assert derniere.content.decode().count("<tr data-statut=") == 1
    assert "Lignes 9 à 9 sur 9 (page 3 sur 3)" in derniere.content.decode()
