"""Fabrique `communique.docx`, le gabarit docxtpl du communiqué (à relancer seulement pour changer sa mise en page).

Le fichier produit est versionné : une préfecture peut aussi l'ouvrir dans Word ou LibreOffice et l'adapter à sa
charte, en gardant les balises {{ … }}.

Usage : python pvd/publication/gabarits/fabriquer_gabarit_docx.py
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

SORTIE = Path(__file__).with_name("communique.docx")


def paragraphe(
    document, texte, *, gras=False, italique=False, taille=11, aligne=None, avant=0, apres=6, style=None
):
    p = document.add_paragraph(style=style)
    run = p.add_run(texte)
    run.bold, run.italic, run.font.size = gras, italique, Pt(taille)
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(avant), Pt(apres)
    if aligne is not None:
        p.alignment = aligne
    return p


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Marianne", Pt(11)

    paragraphe(document, "{{ entete }}", gras=True, taille=14, apres=2)
    for i in range(3):
        paragraphe(document, "{{ devise[" + str(i) + "] }}", italique=True, taille=9, apres=0)
    paragraphe(document, "{{ genre }}", gras=True, taille=16, avant=18, apres=2)
    paragraphe(document, "{{ programme }}", gras=True, taille=12, apres=12)
    paragraphe(document, "{{ lieu_date }}", aligne=WD_ALIGN_PARAGRAPH.RIGHT, apres=12)
    paragraphe(document, "{{ titre }}", gras=True, taille=13, apres=12)
    paragraphe(document, "{{ presentation }}", aligne=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraphe(document, "{{ annonce }}", aligne=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraphe(document, "{%p if introduction_liste %}", apres=0)
    paragraphe(document, "{{ introduction_liste }}", gras=True)
    paragraphe(document, "{%p endif %}", apres=0)
    paragraphe(document, "{%p for ligne in conventions %}", apres=0)
    paragraphe(document, "{{ ligne }}", style="List Bullet", apres=3)
    paragraphe(document, "{%p endfor %}", apres=0)
    paragraphe(document, "{{ en_elaboration }}", aligne=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraphe(document, "{{ etape_suivante }}", aligne=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraphe(document, "{{ contact }}", taille=9, avant=18)
    document.save(SORTIE)
    print(f"Gabarit écrit : {SORTIE}")


if __name__ == "__main__":
    main()
