"""La convention signée déposée : un PDF se reconnaît à son contenu (`%PDF-` à l'octet 0, ouvert par pypdf), et un
document enregistré n'est affiché par le navigateur que s'il est un PDF vérifié."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pvd.programmes.documents import est_un_pdf
from pvd.programmes.models import Convention
from pvd.programmes.services import verifier_pdf

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"


def polyglottes(pdf: bytes) -> dict[str, bytes]:
    return {
        "page HTML puis PDF": HTML + pdf,
        "commentaire HTML avant l'en-tête": b"<!--" + b" " * 20 + b"-->" + pdf,
        "en-tête seul": b"%PDF-1.7\n" + HTML,
        "BOM puis PDF": b"\xef\xbb\xbf" + pdf,
    }


def test_un_vrai_pdf_est_accepte(pdf):
    assert est_un_pdf(io.BytesIO(pdf))
    verifier_pdf(SimpleUploadedFile("c.pdf", pdf, content_type="application/pdf"))


@pytest.mark.parametrize(
    "cas", ["page HTML puis PDF", "commentaire HTML avant l'en-tête", "en-tête seul", "BOM puis PDF"]
)
def test_les_polyglottes_sont_refuses(pdf, cas):
    contenu = polyglottes(pdf)[cas]
    assert not est_un_pdf(io.BytesIO(contenu))
    with pytest.raises(ValidationError, match="n'est pas un PDF"):
        verifier_pdf(SimpleUploadedFile("c.pdf", contenu, content_type="application/pdf"))


@pytest.fixture
def convention_avec(lot):
    def attacher(contenu: bytes) -> Convention:
        convention = Convention.objects.filter(epci_id="200035327", type="adhesion").get()
        convention.document.save(f"convention-{convention.pk}.pdf", ContentFile(contenu))
        return convention

    return attacher


def test_un_pdf_verifie_s_affiche(client, redacteur, convention_avec, pdf):
    client.force_login(redacteur)
    reponse = client.get(reverse("convention-document", args=[convention_avec(pdf).pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith("inline")
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert b"".join(reponse.streaming_content) == pdf


def test_un_polyglotte_enregistre_n_est_que_telecharge(client, redacteur, convention_avec, pdf):
    """Déposé avant la règle (quand `%PDF-` pouvait être n'importe où dans le premier kilo-octet) : jamais affiché."""
    client.force_login(redacteur)
    contenu = polyglottes(pdf)["page HTML puis PDF"]
    reponse = client.get(reverse("convention-document", args=[convention_avec(contenu).pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/octet-stream"
    assert reponse["Content-Disposition"].startswith("attachment")
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert b"".join(reponse.streaming_content) == contenu
