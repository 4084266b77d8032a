"""Le communiqué : les faits du communiqué du Lot (27 juillet 2021) et la grammaire ailleurs."""

import io
import shutil
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from pvd.programmes import services
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Evenement, Programme
from pvd.publication.communique import communique_rediger, liste_francaise, nom_epci
from pvd.publication.models import ParametresDepartement
from pvd.publication.nombres import en_lettres, nombre_redige
from pvd.publication.rendus import ExportIndisponible, en_docx, en_markdown, en_odt, en_pdf
from pvd.territoires.models import Commune, Departement, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
JOUR = date(2021, 7, 27)


@pytest.fixture
def pvd():
    return Programme.objects.get(slug="pvd")


@pytest.fixture
def communique_lot(pvd):
    charger_exemple_lot(pvd)
    return communique_rediger(programme=pvd, departement=Departement.objects.get(code="46"), jour=JOUR)


def test_nombres_en_lettres():
    assert [en_lettres(n) for n in (1, 17, 21, 71, 80, 81, 91, 100, 200, 201)] == [
        "un",
        "dix-sept",
        "vingt et un",
        "soixante et onze",
        "quatre-vingts",
        "quatre-vingt-un",
        "quatre-vingt-onze",
        "cent",
        "deux cents",
        "deux cent un",
    ]
    assert en_lettres(1, feminin=True) == "une"
    assert en_lettres(21, feminin=True) == "vingt et une"
    assert nombre_redige(5, feminin=True) == "cinq"
    assert nombre_redige(20) == "20"
    assert nombre_redige(20, debut_de_phrase=True) == "Vingt"


def test_liste_francaise():
    assert liste_francaise(["Gourdon"]) == "Gourdon"
    assert liste_francaise(["Cazals", "Salviac"]) == "Cazals et Salviac"
    assert liste_francaise(["A", "B", "C"]) == "A, B et C"


def test_les_faits_du_communique_du_lot(communique_lot):
    c = communique_lot
    assert c.entete == "PRÉFET DU LOT"
    assert c.devise == ["Liberté", "Égalité", "Fraternité"]
    assert c.genre == "COMMUNIQUÉ DE PRESSE"
    assert c.programme == "PROGRAMME PETITES VILLES DE DEMAIN"
    assert c.lieu_date == "Cahors, le 27 juillet 2021"
    assert "20 communes sont lauréates" in c.presentation
    assert "Michel Prosic, préfet du Lot" in c.annonce
    assert "cinq conventions d'adhésion" in c.annonce
    assert c.conventions == [
        "Convention d'adhésion avec la communauté de communes de Cauvaldor signée par Souillac, Martel, Vayrac, "
        "Bretenoux, Biars-sur-Cère, Saint-Céré et Gramat.",
        "Convention d'adhésion avec la communauté de communes du Quercy Blanc signée par Montcuq-en-Quercy-Blanc "
        "et Castelnau Montratier-Sainte Alauzie.",
        "Convention d'adhésion avec la communauté de communes du Grand-Figeac signée par Lacapelle-Marival, Cajarc "
        "et Capdenac-Gare (Aveyron).",
        "Convention d'adhésion avec la communauté de communes de la Vallée du Lot et du Vignoble signée par "
        "Puy-l'Évêque, Prayssac et Luzech.",
        "Convention d'adhésion avec la communauté de communes de Quercy-Bouriane signée par Gourdon.",
    ]
    assert c.en_elaboration == (
        "De plus, deux conventions d'adhésion sont en cours d'élaboration, d'une part pour les communes de Cazals "
        "et Salviac et, d'autre part, pour les communes de Lalbenque et Limogne-en-Quercy."
    )
    assert "suivie du recrutement d'un chef de projet" in c.etape_suivante
    assert "dans les 18 mois" in c.etape_suivante


def test_autre_lieu_et_contact_regle(pvd, communique_lot):
    ParametresDepartement.objects.create(
        departement_id="46", contact_presse="Pôle communication\n05 00 00 00 00", lieu="Figeac"
    )
    c = communique_rediger(programme=pvd, departement=Departement.objects.get(code="46"), jour=JOUR)
    assert c.lieu_date == "Figeac, le 27 juillet 2021"
    assert c.contact.startswith("Pôle communication")
    c = communique_rediger(
        programme=pvd, departement=Departement.objects.get(code="46"), jour=JOUR, lieu="Gourdon"
    )
    assert c.lieu_date.startswith("Gourdon, le ")


def inscrire_et_signer(pvd, codes, siren, jour, qualite, nom=""):
    for code in codes:
        services.laureat_register(
            programme=pvd,
            commune=Commune.objects.get(code=code),
            date_selection=date(2021, 1, 4),
            trace=TRACE,
        )
    convention = services.convention_create(
        programme=pvd,
        type="adhesion",
        epci=Epci.objects.get(siren=siren),
        communes=[(Commune.objects.get(code=c), "laureate") for c in codes],
        date_ouverture=date(2021, 3, 1),  # sinon, créée aujourd'hui, elle n'existerait pas en 2022
        trace=TRACE,
    )
    if jour:
        services.convention_sign(
            convention=convention,
            version=1,
            date_signature=jour,
            trace=TRACE,
            signataires=[{"partie": "etat", "nom": nom, "qualite": qualite}],
        )
    return convention


def communes_de(departement, n):
    """Des communes lauréables d'un même EPCI du département (le plus peuplé de ses EPCI propres)."""
    for epci in Epci.objects.actuels().filter(departements=departement).order_by("-population"):
        communes = list(
            Commune.objects.actuelles()
            .filter(epci=epci, departement_id=departement, population__lt=20000)
            .order_by("-population")[:n]
        )
        if len(communes) == n and epci.departements.count() == 1:
            return epci, [c.code for c in communes]
    raise AssertionError(departement)


def test_une_prefete_une_seule_convention_rien_en_elaboration(pvd):
    epci, codes = communes_de("31", 1)
    inscrire_et_signer(
        pvd, codes, epci.siren, date(2022, 3, 14), "préfète de la Haute-Garonne", "Claire Exemple"
    )
    c = communique_rediger(
        programme=pvd, departement=Departement.objects.get(code="31"), jour=date(2022, 3, 14)
    )
    assert c.entete == "PRÉFÈTE DE LA HAUTE-GARONNE"
    assert c.lieu_date == "Toulouse, le 14 mars 2022"
    assert "Pour le département de la Haute-Garonne, une commune est lauréate du programme." in c.presentation
    assert "une convention d'adhésion du programme Petites villes de demain a été signée" in c.annonce
    assert "Claire Exemple, préfète de la Haute-Garonne" in c.annonce
    assert c.titre == "Signature d'une convention d'adhésion de la Haute-Garonne"
    assert c.introduction_liste == "La convention signée ce jour :"
    assert len(c.conventions) == 1 and c.conventions[0].endswith(
        f"signée par {Commune.objects.get(code=codes[0]).nom}."
    )
    assert c.en_elaboration == ""


@pytest.mark.parametrize(
    ("departement", "entete", "charniere"),
    [
        ("12", "PRÉFET DE L'AVEYRON", "de l'Aveyron"),
        ("88", "PRÉFET DES VOSGES", "des Vosges"),
        ("71", "PRÉFET DE SAÔNE-ET-LOIRE", "de Saône-et-Loire"),
    ],
)
def test_articles_des_departements(pvd, departement, entete, charniere):
    epci, codes = communes_de(departement, 2)
    inscrire_et_signer(pvd, codes[:1], epci.siren, None, "")
    c = communique_rediger(
        programme=pvd, departement=Departement.objects.get(code=departement), jour=date(2022, 5, 2)
    )
    assert c.entete == entete
    assert f"Pour le département {charniere}, une commune est lauréate" in c.presentation
    assert c.conventions == []
    assert c.en_elaboration.startswith(
        "Une convention d'adhésion est en cours d'élaboration pour la commune "
    )


def test_trois_conventions_en_elaboration(pvd):
    for epci, codes in [communes_de("24", 1)] + [
        (e, [c.code])
        for e, c in [
            (c.epci, c)
            for c in Commune.objects.filter(departement_id="24", population__lt=20000, epci__isnull=False)
            .exclude(epci=communes_de("24", 1)[0])
            .order_by("-population")[:2]
        ]
    ]:
        inscrire_et_signer(pvd, codes, epci.siren, None, "")
    c = communique_rediger(
        programme=pvd, departement=Departement.objects.get(code="24"), jour=date(2022, 5, 2)
    )
    assert c.en_elaboration.startswith("Trois conventions d'adhésion sont en cours d'élaboration : pour ")
    assert " ; enfin pour " in c.en_elaboration


def test_noms_d_epci():
    assert (
        nom_epci(Epci.objects.get(siren="200066371"), "Cauvaldor") == "la communauté de communes de Cauvaldor"
    )
    assert nom_epci(Epci.objects.get(siren="200039519")) == "la communauté de communes du Quercy Blanc"
    assert nom_epci(Epci.objects.get(siren="200067361")) == "la communauté de communes du Grand-Figeac"
    assert nom_epci(Epci.objects.get(siren="244600482")) == "la communauté de communes de Quercy-Bouriane"
    assert nom_epci(Epci.objects.get(siren="200046977")) == "la Métropole de Lyon"


def test_markdown(communique_lot):
    texte = en_markdown(communique_lot)
    assert texte.startswith("# PRÉFET DU LOT")
    assert "- Convention d'adhésion avec la communauté de communes de Cauvaldor" in texte


def test_docx_se_relit(communique_lot):
    import docx

    document = docx.Document(io.BytesIO(en_docx(communique_lot)))
    texte = [p.text for p in document.paragraphs if p.text]
    assert texte[0] == "PRÉFET DU LOT"
    assert "Cahors, le 27 juillet 2021" in texte
    assert communique_lot.conventions[2] in texte
    assert communique_lot.en_elaboration in texte
    assert not any("{{" in t or "{%" in t for t in texte)


def test_pdf_a4_avec_le_texte(communique_lot):
    from pypdf import PdfReader

    lecteur = PdfReader(io.BytesIO(en_pdf(communique_lot)))
    page = lecteur.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    texte = " ".join(" ".join(p.extract_text().split()) for p in lecteur.pages)
    for attendu in (
        "PRÉFET DU LOT",
        "Cahors, le 27 juillet 2021",
        "Michel Prosic",
        "Capdenac-Gare",
        "Limogne-en-Quercy",
    ):
        assert attendu in texte
    polices = {
        str(f.get_object()["/BaseFont"]) for p in lecteur.pages for f in p["/Resources"]["/Font"].values()
    }
    assert any("Marianne" in police for police in polices), polices


def test_odt_selon_la_machine(communique_lot):
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert en_odt(communique_lot)[:2] == b"PK"
    else:
        with pytest.raises(ExportIndisponible, match="LibreOffice"):
            en_odt(communique_lot)


def test_commande_communique(communique_lot, capsys, tmp_path):
    call_command("communique", departement="46", date="2021-07-27", format="md")
    assert "Cahors, le 27 juillet 2021" in capsys.readouterr().out
    sortie = tmp_path / "c.docx"
    call_command("communique", departement="46", date="2021-07-27", format="docx", output=str(sortie))
    assert sortie.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("communique", departement="46", date="27/07/2021")
    with pytest.raises(CommandError, match="Département inconnu"):
        call_command("communique", departement="00", date="2021-07-27")
