"""Propriétés du lecteur et du pipeline sur des fichiers tirés au hasard : soit un import propre, soit un refus
en français (fichier illisible ou import refusé) — jamais une autre exception, jamais une écriture partielle."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pvd.imports.lecture import lire_tableau
from pvd.imports.pipeline import TRACE_IMPORT, ImportRefuse, importer
from pvd.programmes.models import Laureat
from pvd.territoires.fichiers import FichierIllisible

pytestmark = pytest.mark.django_db

REGLAGES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# Des cellules plausibles (vrais codes et noms du Lot, dates en tous formats) et d'autres qui ne le sont pas.
CELLULES = st.one_of(
    st.sampled_from(
        ["46309", "46128", "46066", "12052", "Souillac", "Gramat", "Puy l'évêque", "St-Céré", "Saint-Céré"]
    ),
    st.sampled_from(
        ["2021-07-27", "27/07/2021", "27 juillet 2021", "44404", "2e trimestre 2022", "31/02/2021"]
    ),
    st.text(max_size=12),
    st.just(""),
)
SEPARATEURS = st.sampled_from([",", ";", "\t", "|"])
FINS_DE_LIGNE = st.sampled_from(["\n", "\r\n", "\r"])
ENCODAGES = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@st.composite
def fichiers_csv(draw) -> bytes:
    separateur = draw(SEPARATEURS)
    fin = draw(FINS_DE_LIGNE)
    entete = draw(
        st.one_of(
            st.just(["insee_com", "lib_com", "id_pvd", "date_signature"]),
            st.lists(st.text(min_size=0, max_size=10), min_size=1, max_size=5),
        )
    )
    # Des lignes de longueurs inégales (cellules manquantes ou en trop).
    lignes = draw(st.lists(st.lists(CELLULES, min_size=0, max_size=6), min_size=0, max_size=8))
    texte = fin.join(separateur.join(cellules) for cellules in [entete, *lignes])
    return texte.encode(draw(ENCODAGES), errors="replace")


@REGLAGES
@given(contenu=st.one_of(fichiers_csv(), st.binary(max_size=300)))
def test_le_lecteur_lit_ou_refuse_en_francais(contenu):
    try:
        tableau = lire_tableau(contenu, "hasard.csv")
    except FichierIllisible as erreur:
        assert "hasard.csv" in str(erreur)
        return
    assert all(isinstance(cellule, str) for ligne in tableau.lignes for cellule in ligne)


@REGLAGES
@given(contenu=fichiers_csv(), valides_seulement=st.booleans())
def test_l_import_est_propre_ou_ne_touche_a_rien(contenu, valides_seulement, empreinte):
    avant = empreinte()
    try:
        plan = importer(
            contenu, "hasard.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=valides_seulement
        )
    except (FichierIllisible, ImportRefuse) as erreur:
        assert str(erreur).strip()
        assert empreinte() == avant
        return
    comptes = plan.comptes()
    if not valides_seulement:
        assert comptes["rejet"] == comptes["ambigu"] == 0
    nouveaux = Laureat.objects.count() - avant[0]
    # Une ligne « création » peut ne créer qu'une convention (sa commune, lauréate d'un exemple précédent : les
    # exemples partagent la base du test) : on compte les lauréats prévus sur les lignes valides.
    valides = {ligne.numero for ligne in plan.lignes if ligne.valide}
    assert nouveaux == sum(1 for d in plan.laureats_a_creer if d["ligne"] in valides)
