"""L'annexe « plan d'action » : relue en DOCX (python-docx) et en PDF (pypdf), ses totaux s'additionnent."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.models import Convention, Evenement
from pvd.publication.annexe import annexe_plan, en_docx, en_pdf, nom_de_fichier
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
AU = date(2025, 6, 30)


def montant(texte: str) -> Decimal:
    """« 1 000,50 € » → Decimal("1000.50")."""
    return Decimal(re.sub(r"[\s\u202f\xa0€]", "", texte).replace(",", "."))


@pytest.fixture
def cadre(lot):
    """Le plan de Cauvaldor : deux fiches dans un axe, une dans un autre (sans coût TTC), des lignes de chaque
    statut (une envisagée, une refusée), et une fiche créée après la date de l'annexe."""
    cadre = (
        Convention.objects.filter(epci_id="200066371", type=Convention.Type.CADRE_ORT)
        .order_by("date_signature", "pk")
        .first()
    )
    gramat = Commune.objects.get(code="46128")
    etat = Organisation.objects.get(nom="État")
    mo_gramat = services.organisation_obtenir(commune=gramat, trace=TRACE)
    cauvaldor = services.organisation_obtenir(epci=Epci.objects.get(siren="200066371"), trace=TRACE)
    avant = timezone.make_aware(datetime(2024, 1, 10, 9))
    patrimoine = Axe.objects.get(code="formes-urbaines-patrimoine", programme=None)
    habitat = Axe.objects.get(code="habitat", programme=None)

    def fiche(numero, intitule, axe, mo, ht, ttc, **autres):
        return services.fiche_create(
            convention=cadre,
            numero=numero,
            intitule=intitule,
            axe=axe,
            maitre_ouvrage=mo,
            communes=[gramat],
            cout_ht=ht,
            cout_ttc=ttc,
            cree_le=autres.pop("cree_le", avant),
            trace=TRACE,
            **autres,
        )

    def ligne(f, financeur, somme, statut="envisagee", **autres):
        objet = services.ligne_create(
            fiche=f, financeur=financeur, montant=somme, statut=statut, trace=TRACE, **autres
        )
        type(objet).objects.filter(pk=objet.pk).update(cree_le=avant)

    place = fiche(
        "2.1",
        "Requalification de la place du foirail",
        patrimoine,
        mo_gramat,
        "100000",
        "120000",
        date_debut=date(2024, 3, 1),
        precision_debut="mois",
        date_fin=date(2025, 1, 1),
        precision_fin="annee",
    )
    decision = {"date_demande": date(2024, 2, 1), "date_decision": date(2024, 4, 2)}
    ligne(place, etat, "30000", "accordee", dispositif=Dispositif.objects.get(code="detr"), **decision)
    ligne(place, mo_gramat, "24000", "sollicitee", date_demande=date(2024, 2, 1))
    ligne(place, cauvaldor, "10000", "envisagee")
    ligne(place, etat, "5000", "refusee", dispositif=Dispositif.objects.get(code="dsil"), **decision)
    halle = fiche("2.2", "Halle couverte", patrimoine, mo_gramat, "50000.50", "60000.60")
    ligne(halle, etat, "20000", "accordee", dispositif=Dispositif.objects.get(code="fonds-vert"), **decision)
    ligne(halle, mo_gramat, "12000.10", "sollicitee", date_demande=date(2024, 2, 1))
    logements = fiche("1.1", "Îlot de logements, rue « Basse »", habitat, cauvaldor, "80000", None)
    ligne(logements, cauvaldor, "80000", "sollicitee", date_demande=date(2024, 2, 1))
    fiche(
        "1.2",
        "Fiche créée après la date",
        habitat,
        cauvaldor,
        "1",
        "1",
        cree_le=timezone.make_aware(datetime(2025, 9, 1)),
    )
    return cadre


def test_les_sommes_de_l_annexe(cadre):
    interne, publique = annexe_plan(cadre, AU), annexe_plan(cadre, AU, publique=True)
    assert [len(axe.fiches) for axe in interne.axes] == [1, 2]  # par axe, dans l'ordre des axes
    assert [f.numero for f in interne.fiches] == ["1.1", "2.1", "2.2"]  # la 1.2 n'existait pas encore
    assert interne.cout_ht == Decimal("230000.50") and interne.cout_ttc == Decimal("180000.60")
    # Hors refus : envisagé compris en interne, jamais dans la version publique.
    assert interne.finance == Decimal("176000.10") and publique.finance == Decimal("166000.10")
    assert sum(m for _, m in interne.financeurs) == interne.finance
    assert sum(m for _, m in publique.financeurs) == publique.finance
    assert "Cauvaldor" not in " ".join(publique.fiches[1].financements)  # sa ligne n'est qu'envisagée


def _cellules(table) -> list[list[str]]:
    return [[cellule.text.replace("\u202f", " ") for cellule in ligne.cells] for ligne in table.rows]


def test_le_docx_se_relit_et_ses_totaux_s_additionnent(cadre):
    import docx

    document = docx.Document(io.BytesIO(en_docx(annexe_plan(cadre, AU))))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "Annexe — Plan d'action" in texte and cadre.titre in texte and "30 juin 2025" in texte
    assert "{{" not in texte and "{%" not in texte
    fiches, financeurs = (_cellules(t) for t in document.tables)
    assert fiches[0] == [
        "N°",
        "Action",
        "Maître d'ouvrage",
        "Calendrier",
        "Coût HT",
        "Coût TTC",
        "Plan de financement",
    ]
    lignes_fiches = [ligne for ligne in fiches if re.fullmatch(r"\d+\.\d+", ligne[0])]
    assert [ligne[0] for ligne in lignes_fiches] == ["1.1", "2.1", "2.2"]
    assert (
        lignes_fiches[0][1] == "Îlot de logements, rue « Basse »" and lignes_fiches[0][5] == "non renseigné"
    )
    assert lignes_fiches[1][3] == "début : mars 2024 ; fin : 2025"
    assert (
        "État : 30 000 € (25,0 %)" in lignes_fiches[1][6]
    )  # 30 000 sur 120 000 TTC ; la DSIL refusée ne compte pas
    assert "Gramat (maître d’ouvrage) : 24 000 € (20,0 %)" in lignes_fiches[1][6]
    sous_totaux = [ligne for ligne in fiches if ligne[1].startswith("Sous-total")]
    total = next(ligne for ligne in fiches if ligne[1] == "Total du plan d'action")
    for colonne in (4, 5, 6):
        assert sum(montant(ligne[colonne]) for ligne in sous_totaux) == montant(total[colonne])
    for colonne in (4,):
        assert sum(montant(ligne[colonne]) for ligne in lignes_fiches) == montant(total[colonne])
    assert montant(total[4]) == Decimal("230000.50") and montant(total[6]) == Decimal("176000.10")
    assert financeurs[0] == ["Financeur", "Montant", "Part du financement"]
    recap, fin = financeurs[1:-1], financeurs[-1]
    assert sum(montant(ligne[1]) for ligne in recap) == montant(fin[1]) == montant(total[6])
    assert "Coûts non renseignés" in texte and "Version de travail" in texte


def test_le_pdf_se_relit_avec_ses_totaux(cadre):
    from pypdf import PdfReader

    lecteur = PdfReader(io.BytesIO(en_pdf(annexe_plan(cadre, AU, publique=True))))
    page = lecteur.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 paysage
    texte = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in lecteur.pages).replace("\u202f", " "))
    assert "Annexe — Plan d'action" in texte and "Requalification de la place du foirail" in texte
    assert "Total du plan d'action" in texte
    assert "230 000,50 €" in texte and "166 000,10 €" in texte
    assert "Fiche créée après la date" not in texte
    assert "Version publique" in texte


def test_un_plan_vide_donne_une_annexe_vide_qui_s_additionne(lot):
    import docx

    cadre = Convention.objects.filter(type=Convention.Type.CADRE_ORT).order_by("pk").first()
    document = docx.Document(io.BytesIO(en_docx(annexe_plan(cadre, AU))))
    fiches = _cellules(document.tables[0])
    assert fiches[-1][1] == "Total du plan d'action" and montant(fiches[-1][4]) == 0


def test_le_nom_du_fichier_ne_tient_que_des_codes(cadre):
    assert nom_de_fichier(cadre, AU, "pdf", True) == (
        f"plan-d-action-convention-{cadre.pk}-epci-200066371-publique-2025-06-30.pdf"
    )
