"""Le lecteur de communiqués : exemples réels étiquetés à la main, aller-retour avec notre propre communiqué."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pvd.imports.communiques import lire_communique, proposition_en_tableau
from pvd.imports.mesure_communiques import evaluer
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Programme
from pvd.publication.communique import communique_rediger
from pvd.publication.rendus import en_docx, en_markdown, en_pdf
from pvd.territoires.models import Departement

pytestmark = pytest.mark.django_db
DOSSIER = Path(__file__).resolve().parent / "communiques"


def test_exemples_reels_precision_et_rappel():
    """13 communiqués réels de 13 départements : les chiffres de la mesure ne doivent pas reculer."""
    assert len(list(DOSSIER.glob("*.txt"))) >= 10
    departements = {json.loads(p.read_text())["departement"] for p in DOSSIER.glob("*.json")}
    assert len(departements) >= 10
    resultats = evaluer(DOSSIER)
    assert resultats["communes_precision"] >= 0.9
    assert resultats["communes_rappel"] >= 0.9
    assert resultats["conventions_precision"] >= 0.9
    assert resultats["conventions_rappel"] >= 0.85


@pytest.fixture
def communique_du_lot():
    pvd = Programme.objects.get(slug="pvd")
    charger_exemple_lot(pvd)
    return communique_rediger(
        programme=pvd, departement=Departement.objects.get(code="46"), jour=date(2021, 7, 27)
    )


def par_epci(proposition, statut):
    return {
        c["epci_siren"]: sorted(x["insee"] for x in c["communes"])
        for c in proposition["conventions"]
        if c["statut"] == statut
    }


def test_aller_retour_avec_notre_communique(communique_du_lot):
    proposition = lire_communique(en_markdown(communique_du_lot), "46")
    assert proposition["date"] == "2021-07-27"
    assert par_epci(proposition, "signee") == {
        "200066371": ["46029", "46038", "46128", "46185", "46251", "46309", "46330"],
        "200039519": ["46063", "46201"],
        "200067361": ["12052", "46045", "46143"],
        "244600433": ["46182", "46225", "46231"],
        "244600482": ["46127"],
    }
    assert par_epci(proposition, "en_elaboration") == {
        "200035327": ["46066", "46297"],
        "244600532": ["46148", "46173"],
    }
    signees = [c for c in proposition["conventions"] if c["statut"] == "signee"]
    assert all(c["type"] == "adhesion" for c in signees)
    assert {"nom": "Michel Prosic", "qualite": "préfet du Lot"} in signees[0]["signataires"]


def test_commande_lire_communique_docx_et_pdf(communique_du_lot, tmp_path, capsys):
    for extension, rendu in (("docx", en_docx), ("pdf", en_pdf)):
        chemin = tmp_path / f"communique.{extension}"
        chemin.write_bytes(rendu(communique_du_lot))
        call_command("lire_communique", str(chemin), departement="46", format="json")
        proposition = json.loads(capsys.readouterr().out)
        assert proposition["departement"] == "46"
        assert len([c for c in proposition["conventions"] if c["statut"] == "signee"]) == 5, extension
        premiere = proposition["conventions"][0]
        assert set(premiere) == {"type", "statut", "epci_siren", "epci_texte", "communes", "signataires"}
        assert set(premiere["communes"][0]) == {"texte", "insee"}


def test_la_proposition_confirmee_passe_par_l_import(communique_du_lot, redacteur, client):
    from pvd.programmes.models import Convention

    Convention.objects.all().delete()
    proposition = lire_communique(en_markdown(communique_du_lot), "46")
    tableau = proposition_en_tableau(proposition).decode()
    assert tableau.splitlines()[0] == "Commune;Code commune;Type;Statut;Date de signature"
    client.force_login(redacteur)
    reponse = client.post(
        "/imports/communique/",
        {"texte": en_markdown(communique_du_lot), "departement": "46", "action": "lire"},
    )
    html = reponse.content.decode()
    assert "<mark>Souillac</mark>" in html
    garder = [x["insee"] for c in proposition["conventions"] for x in c["communes"]]
    reponse = client.post(
        "/imports/communique/",
        {
            "texte": en_markdown(communique_du_lot),
            "departement": "46",
            "action": "confirmer",
            "garder": garder,
        },
    )
    assert reponse.status_code == 302
    apercu = client.get(reponse.url)
    assert apercu.context["plan"].comptes()["creation"] == 20
    client.post(reponse.url, {"action": "importer", "signature": apercu.context["plan"].signature()})
    assert (
        Convention.objects.filter(type="adhesion", statut="signee", date_signature=date(2021, 7, 27)).count()
        == 5
    )
    assert Convention.objects.filter(type="adhesion", statut="en_elaboration").count() == 2


def test_texte_piege_echappe(redacteur, client):
    client.force_login(redacteur)
    html = client.post(
        "/imports/communique/",
        {"texte": "<script>alert(1)</script> la commune de Gramat", "departement": "46", "action": "lire"},
    ).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


PDF_MAL_FORME = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\nstartxref\n9999\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("vide.txt", b"", "le fichier est vide"),
        ("blanc.pdf", b"  \n", "le fichier est vide"),
        ("suivi.xlsx", b"PK\x03\x04" + b"\x00" * 40 + b"xl/workbook.xml", "c'est un tableur"),
        ("suivi.ods", b"PK\x03\x04" + b"\x00" * 40 + b"content.xml", "c'est un tableur"),
        ("suivi.csv", b"Commune;Type\nGramat;adhesion\n", "c'est un tableur"),
        ("faux.pdf", b"Ceci n'est pas un PDF", "n'est pas un PDF"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "fichier binaire"),
        ("ancien.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "ancien format Office"),
        ("scanne.pdf", PDF_MAL_FORME, "ne contient pas de texte"),
    ],
)
def test_lire_communique_refuse_ce_qui_n_est_pas_un_communique(tmp_path, nom, contenu, message, caplog):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    with pytest.raises(CommandError) as erreur:
        call_command("lire_communique", str(chemin), departement="46")
    assert str(erreur.value).startswith(f"{nom} : ") and message in str(erreur.value)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # ses avertissements sont en anglais


def test_un_texte_sans_convention_ne_propose_rien(tmp_path, capsys):
    chemin = tmp_path / "article.txt"
    chemin.write_text("Gramat, Figeac et Cahors accueillent le festival de jazz cet été.", encoding="utf-8")
    call_command("lire_communique", str(chemin), departement="46", format="texte")
    sorties = capsys.readouterr()
    assert "- " not in sorties.out
    assert "aucune convention ni commune lauréate annoncée dans ce texte ; rien à proposer" in sorties.err
    assert lire_communique(chemin.read_text(encoding="utf-8"), "46")["conventions"] == []


def test_les_codes_internes_ne_sont_jamais_montres(communique_du_lot, tmp_path, capsys, redacteur, client):
    chemin = tmp_path / "communique.md"
    chemin.write_text(en_markdown(communique_du_lot), encoding="utf-8")
    call_command("lire_communique", str(chemin), departement="46", format="texte")
    sortie = capsys.readouterr().out
    assert "- Convention d'adhésion signée — CC Causses et Vallée de la Dordogne" in sortie
    assert "- Convention d'adhésion en cours d'élaboration — " in sortie
    client.force_login(redacteur)
    html = client.post(
        "/imports/communique/",
        {"texte": en_markdown(communique_du_lot), "departement": "46", "action": "lire"},
    ).content.decode()
    html = html.replace("&#x27;", "'")
    assert "Convention d'adhésion signée — CC Causses et Vallée de la Dordogne" in html
    for code in ("adhesion —", "— signee", "en_elaboration", "cadre_ort"):
        assert code not in sortie and code not in html
