"""Les limites de taille : une seule source (les réglages), écrite partout de la même façon, README compris."""

from pathlib import Path

import pytest
from django.conf import settings

from pvd.config.tailles import en_mo
from pvd.imports.lecture import lire_tableau
from pvd.territoires.fichiers import FichierIllisible

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize(
    ("octets", "texte"),
    [
        (20_000_000, "20 Mo"),
        (25_000_000, "25 Mo"),
        (20_000_001, "20,1 Mo"),
        (20 * 1024 * 1024, "21 Mo"),
        (1, "0,1 Mo"),
    ],
)
def test_en_mo(octets, texte):
    assert en_mo(octets) == texte


def test_limites_par_defaut_et_readme():
    assert (settings.PVD_TAILLE_MAX_FICHIER, settings.PVD_TAILLE_MAX_REQUETE) == (20_000_000, 25_000_000)
    readme = " ".join(README.read_text(encoding="utf-8").split())
    fichier, requete = en_mo(settings.PVD_TAILLE_MAX_FICHIER), en_mo(settings.PVD_TAILLE_MAX_REQUETE)
    assert f"{fichier} au plus (413 au-delà de {requete} ;" in readme
    assert f"| 20 000 000 ({fichier}) |" in readme and f"| 25 000 000 ({requete}) |" in readme


def test_tableur_trop_lourd_dit_la_limite_des_reglages():
    contenu = b"nom;departement\n" + b"x" * settings.PVD_TAILLE_MAX_FICHIER
    with pytest.raises(FichierIllisible, match=r"^suivi\.csv : 20,1 Mo, au-delà de la limite de 20 Mo\. "):
        lire_tableau(contenu, "suivi.csv")
    assert lire_tableau(b"nom;departement\nGramat;46\n", "suivi.csv").lignes[1] == ["Gramat", "46"]
