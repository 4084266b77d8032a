"""Télécharger l'annexe « plan d'action » : depuis le plan interne (ce que la page montre) ou le plan public (jamais
une demande envisagée), avec un nom de fichier fait de codes lus en base."""

import io
from datetime import date

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.models import Evenement
from pvd.programmes.services import publication_definir
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"


@pytest.fixture
def cadre(cadre):
    gramat = Commune.objects.get(code="46128")
    fiche = services.fiche_create(
        convention=cadre,
        numero="2.1",
        intitule="Halle de Gramat",
        axe=Axe.objects.get(code="developpement-economique-commercial"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="200000",
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="detr"),
        montant="80000",
        statut="accordee",
        date_demande=date(2024, 1, 10),
        date_decision=date(2024, 3, 1),
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="Banque des Territoires"),
        dispositif=Dispositif.objects.get(code="bdt-ingenierie"),
        montant="30000",
        trace=TRACE,
    )
    return cadre


def _docx_texte(contenu: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(contenu))
    cellules = [c.text for t in document.tables for ligne in t.rows for c in ligne.cells]
    return "\n".join([p.text for p in document.paragraphs] + cellules)


def test_le_chef_de_projet_telecharge_l_annexe_depuis_son_plan(client, cadre):
    client.force_login(utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR]))
    page = client.get(f"/conventions/{cadre.pk}/plan-d-action/?au=2025-01-31").content.decode()
    assert f'href="/conventions/{cadre.pk}/plan-d-action/annexe.docx?au=2025-01-31"' in page
    assert f'href="/conventions/{cadre.pk}/plan-d-action/annexe.pdf?au=2025-01-31"' in page
    jour = date.today().isoformat()  # la fiche est créée aujourd'hui
    reponse = client.get(f"/conventions/{cadre.pk}/plan-d-action/annexe.docx?au={jour}")
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == (
        f'attachment; filename="plan-d-action-convention-{cadre.pk}-epci-{CAUVALDOR}-{jour}.docx"; '
        f"filename*=UTF-8''plan-d-action-convention-{cadre.pk}-epci-{CAUVALDOR}-{jour}.docx"
    )
    texte = _docx_texte(reponse.content)
    assert "Halle de Gramat" in texte and "Banque des Territoires" in texte  # l'envisagée, en interne
    pdf = client.get(f"/conventions/{cadre.pk}/plan-d-action/annexe.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-" and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/conventions/{cadre.pk}/plan-d-action/annexe.odt").status_code == 404


def test_hors_perimetre_l_annexe_n_existe_pas(client, cadre):
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    client.force_login(
        utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])
    )
    assert client.get(f"/conventions/{cadre.pk}/plan-d-action/annexe.docx").status_code == 404


def test_le_public_telecharge_l_annexe_publiee_sans_les_demandes_envisagees(client, cadre):
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    adresse = f"/donnees/pvd/conventions/{cadre.pk}/plan-d-action/annexe.docx"
    assert client.get(adresse).status_code == 404
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    page = client.get(f"/donnees/pvd/conventions/{cadre.pk}/plan-d-action/").content.decode()
    assert f'href="{adresse}?au=' in page
    reponse = client.get(adresse)
    assert reponse.status_code == 200 and "-publique-" in reponse["Content-Disposition"]
    texte = _docx_texte(reponse.content)
    assert "Halle de Gramat" in texte and "80 000" in texte.replace("\u202f", " ")
    assert "Banque des Territoires" not in texte and "Version publique" in texte
    pdf = client.get(adresse.replace(".docx", ".pdf"))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_l_annexe_en_requetes_fixes(client, cadre, django_assert_max_num_queries):
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    with django_assert_max_num_queries(12):
        assert client.get(f"/donnees/pvd/conventions/{cadre.pk}/plan-d-action/annexe.docx").status_code == 200


def test_sans_weasyprint_le_pdf_dit_quoi_faire(client, cadre, monkeypatch):
    from pvd.publication import annexe
    from pvd.publication.rendus import ExportIndisponible

    def indisponible(_):
        raise ExportIndisponible("L'export PDF est indisponible : exportez en DOCX.")

    monkeypatch.setattr(annexe, "en_pdf", indisponible)
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    reponse = client.get(f"/donnees/pvd/conventions/{cadre.pk}/plan-d-action/annexe.pdf")
    assert reponse.status_code == 503 and "exportez en DOCX" in reponse.content.decode()
