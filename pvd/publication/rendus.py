"""Le communiqué dans chaque format : Markdown, DOCX (docxtpl), PDF (WeasyPrint, A4, police Marianne), ODT.

L'ODT passe par LibreOffice quand il est installé sur la machine ; sinon `ExportIndisponible` le dit en français.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .communique import Communique

GABARIT_DOCX = Path(__file__).with_name("gabarits") / "communique.docx"
FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
}


class ExportIndisponible(Exception):
    """Le format demandé ne peut pas être produit sur cette machine ; le message dit pourquoi et quoi faire."""


def en_markdown(c: Communique) -> str:
    lignes = [
        f"# {c.entete}",
        "",
        "*" + "  \n".join(c.devise) + "*",
        "",
        f"## {c.genre}",
        "",
        f"### {c.programme}",
        "",
    ]
    lignes += [c.lieu_date, "", f"#### {c.titre}", ""]
    for paragraphe in (c.presentation, c.annonce):
        if paragraphe:
            lignes += [paragraphe, ""]
    if c.introduction_liste:
        lignes += [c.introduction_liste, ""]
    lignes += [f"- {ligne}" for ligne in c.conventions]
    if c.conventions:
        lignes.append("")
    for paragraphe in (c.en_elaboration, c.etape_suivante):
        if paragraphe:
            lignes += [paragraphe, ""]
    if c.contact:
        lignes += ["---", "", "  \n".join(c.contact.splitlines()), ""]
    return "\n".join(lignes)


def en_docx(c: Communique) -> bytes:
    from docxtpl import DocxTemplate, Listing

    gabarit = DocxTemplate(GABARIT_DOCX)
    contexte = c.as_dict() | {"contact": Listing(c.contact)}
    gabarit.render(contexte, autoescape=True)
    sortie = io.BytesIO()
    gabarit.save(sortie)
    return sortie.getvalue()


def _police_marianne() -> dict[str, str]:
    """Les fichiers de la police Marianne livrés avec django-dsfr, en URL de fichier pour WeasyPrint."""
    polices = {}
    for graisse, fichier in (
        ("normal", "Marianne-Regular.woff2"),
        ("bold", "Marianne-Bold.woff2"),
        ("italic", "Marianne-Regular_Italic.woff2"),
    ):
        chemin = finders.find(f"dsfr/dist/fonts/{fichier}")
        if chemin:
            polices[graisse] = Path(chemin).as_uri()
    return polices


def en_pdf(c: Communique) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as erreur:  # bibliothèques Pango absentes
        raise ExportIndisponible(
            "L'export PDF est indisponible : il manque des bibliothèques système (Pango, HarfBuzz). "
            "Installez les paquets libpango-1.0-0, libpangoft2-1.0-0 et libharfbuzz-subset0, ou exportez en DOCX."
        ) from erreur
    html = render_to_string("publication/communique_pdf.html", {"c": c, "polices": _police_marianne()})
    return HTML(string=html).write_pdf()


def en_odt(c: Communique) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ExportIndisponible(
            "L'export ODT demande LibreOffice, qui n'est pas installé sur ce serveur. Exportez en DOCX : "
            "LibreOffice et Word l'ouvrent tous deux."
        )
    with tempfile.TemporaryDirectory(prefix="pvd-odt-") as dossier:
        source = Path(dossier) / "communique.docx"
        source.write_bytes(en_docx(c))
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{dossier}/profil",
                "--convert-to",
                "odt",
                "--outdir",
                dossier,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return (Path(dossier) / "communique.odt").read_bytes()


def rendre(c: Communique, format: str) -> bytes:
    if format == "md":
        return en_markdown(c).encode("utf-8")
    if format == "docx":
        return en_docx(c)
    if format == "pdf":
        return en_pdf(c)
    if format == "odt":
        return en_odt(c)
    raise ExportIndisponible(f"Format inconnu : « {format} ». Formats possibles : md, docx, pdf, odt.")
