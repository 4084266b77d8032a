"""Un seul lecteur de CSV : `pvd resolve --file` et les imports découpent un même fichier de la même façon."""

import csv

import pytest
from django.core.management import call_command

from pvd.imports.lecture import lire_tableau
from pvd.territoires.fichiers import FichierIllisible, lire_csv

pytestmark = pytest.mark.django_db

# Un titre sans séparateur avant l'en-tête : jugé sur la seule première ligne, le séparateur serait la virgule.
AVEC_TITRE = (
    "Noms relevés dans le communiqué du 27 juillet 2021\n"
    "nom;departement;type\n"
    "Saint-Céré;46;commune\n"
    "Grand-Figeac;46;epci\n"
).encode()


@pytest.mark.parametrize(
    "contenu",
    [
        AVEC_TITRE,
        "nom,departement\nGramat,46\n".encode("cp1252"),
        "nom\tdepartement\r\nSouillac\t46\r\n".encode("utf-8-sig"),
        b'nom;departement\n"Puy-l\'Eveque; Lot";46\n',
        "nom,qualites\nGramat,préfet du Lot; maire; président; sous-préfète\nCazals,maire\n".encode(),
    ],
    ids=["titre", "virgules-cp1252", "tabulations-bom", "guillemets", "points-virgules-dans-une-cellule"],
)
def test_meme_decoupage_pour_resolve_et_import(contenu):
    table = lire_csv(contenu, "noms.csv", colonnes_requises=("nom",))
    assert len(table.colonnes) > 1
    rangees = [ligne for ligne in lire_tableau(contenu, "noms.csv").lignes if any(ligne)]
    debut = next(i for i, ligne in enumerate(rangees) if "nom" in ligne)
    assert rangees[debut] == table.colonnes
    assert rangees[debut + 1 :] == [list(ligne.values()) for ligne in table.lignes]


def test_resolve_fichier_avec_un_titre(tmp_path):
    entree = tmp_path / "noms.csv"
    entree.write_bytes(AVEC_TITRE)
    sortie = tmp_path / "sortie.csv"
    call_command("resolve", file=str(entree), output=str(sortie))
    with sortie.open(encoding="utf-8-sig") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    assert [(ligne["nom"], ligne["code"]) for ligne in lignes] == [
        ("Saint-Céré", "46251"),
        ("Grand-Figeac", "200067361"),
    ]


@pytest.mark.parametrize(
    "contenu",
    [
        "nom;departement\nSaint-Céré;46\n".encode(
            "utf-16"
        ),  # BOM, petit-boutiste (« Texte Unicode » d'Excel)
        b"\xfe\xff" + "nom;departement\nGramat;46\n".encode("utf-16-be"),
        "nom\tdepartement\r\nBétaille\t46\r\n".encode("utf-16-le"),  # sans BOM : un octet nul sur deux
    ],
    ids=["bom-le", "bom-be", "sans-bom"],
)
def test_un_fichier_en_utf16_est_nomme(contenu):
    message = r"^noms\.csv : le fichier est en UTF-16 ; enregistrez-le en UTF-8 \(CSV UTF-8\)"
    with pytest.raises(FichierIllisible, match=message):
        lire_csv(contenu, "noms.csv", colonnes_requises=("nom",))
    with pytest.raises(FichierIllisible, match=message):
        lire_tableau(contenu, "noms.csv")
