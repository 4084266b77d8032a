"""Les signataires par défaut : le formulaire de signature et l'import écrivent l'État de la même façon."""

import pytest
from django.urls import reverse

from pvd.imports.pipeline import TRACE_IMPORT, importer
from pvd.programmes import services
from pvd.programmes.models import Convention, Programme, Signataire
from pvd.programmes.signataires import qualite_etat
from pvd.territoires.models import Commune, Departement

pytestmark = pytest.mark.django_db


def test_une_seule_redaction_du_signataire_de_l_etat(client, redacteur):
    lot = Departement.objects.get(code="46")
    assert qualite_etat(lot) == "préfet ou préfète du Lot"
    fichier = "insee_com,lib_com,id_pvd,date_signature\n46128,Gramat,pvd-1,2021-07-27\n46066,Cazals,pvd-2,\n"
    importer(fichier.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    importe = Signataire.objects.get(partie=Signataire.Partie.ETAT)
    assert importe.qualite == qualite_etat(lot)
    cazals = Commune.objects.select_related("epci").get(code="46066")
    a_signer = services.convention_create(
        programme=Programme.objects.get(slug="pvd"),
        type=Convention.Type.ADHESION,
        epci=cazals.epci,
        communes=[(cazals, "laureate")],
        trace=TRACE_IMPORT,
    )
    client.force_login(redacteur)
    formulaire = client.get(reverse("convention-signature", args=[a_signer.pk])).context["formulaire"]
    assert formulaire.initial["etat_qualite"] == importe.qualite
