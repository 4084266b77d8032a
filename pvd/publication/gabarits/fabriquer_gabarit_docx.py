"""Fabrique les gabarits docxtpl : `communique.docx` (le communiqué) et `annexe_plan.docx` (l'annexe « plan
d'action » d'une convention-cadre). À relancer seulement pour changer leur mise en page.

Le fichier produit est versionné : une préfecture peut aussi l'ouvrir dans Word ou LibreOffice et l'adapter à sa
charte, en gardant les balises {{ … }}.

Usage : python pvd/publication/gabarits/fabriquer_gabarit_docx.py
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

SORTIE = Path(__file__).with_name("communique.docx")
SORTIE_ANNEXE = Path(__file__).with_name("annexe_plan.docx")


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


def communique() -> None:
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


def _ligne(table, cellules, *, gras=False, taille=8):
    """Une ligne du tableau ; une balise `{%tr … %}` seule dans sa ligne la fait répéter ou disparaître."""
    ligne = table.add_row()
    for cellule, texte in zip(ligne.cells, cellules, strict=False):
        cellule.text = ""
        run = cellule.paragraphs[0].add_run(texte)
        run.bold, run.font.size = gras, Pt(taille)
    return ligne


def annexe() -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_height, section.page_width = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Marianne", Pt(9)

    paragraphe(document, "{{ titre }}", gras=True, taille=14, apres=2)
    paragraphe(document, "{{ convention }}", gras=True, taille=11, apres=2)
    paragraphe(document, "Plan d'action au {{ au }} : {{ nombre }} fiche(s) action.", apres=8)

    entetes = ["N°", "Action", "Maître d'ouvrage", "Calendrier", "Coût HT", "Coût TTC", "Plan de financement"]
    table = document.add_table(rows=0, cols=len(entetes))
    table.style = "Table Grid"
    _ligne(table, entetes, gras=True)
    _ligne(table, ["{%tr for axe in axes %}"])
    axe = _ligne(table, ["Axe : {{ axe.nom }}"], gras=True)
    axe.cells[0].merge(axe.cells[-1])
    _ligne(table, ["{%tr for f in axe.fiches %}"])
    _ligne(
        table,
        [
            "{{ f.numero }}",
            "{{ f.intitule }}",
            "{{ f.maitre_ouvrage }}",
            "{{ f.calendrier }}",
            "{{ f.cout_ht }}",
            "{{ f.cout_ttc }}",
            "{{ f.financements }}",
        ],
    )
    _ligne(table, ["{%tr endfor %}"])
    _ligne(
        table,
        [
            "",
            "Sous-total {{ axe.nom }}",
            "",
            "",
            "{{ axe.cout_ht }}",
            "{{ axe.cout_ttc }}",
            "{{ axe.finance }}",
        ],
        gras=True,
    )
    _ligne(table, ["{%tr endfor %}"])
    _ligne(
        table,
        ["", "Total du plan d'action", "", "", "{{ cout_ht }}", "{{ cout_ttc }}", "{{ finance }}"],
        gras=True,
    )

    paragraphe(document, "Financement par financeur", gras=True, taille=11, avant=12, apres=4)
    recap = document.add_table(rows=0, cols=3)
    recap.style = "Table Grid"
    _ligne(recap, ["Financeur", "Montant", "Part du financement"], gras=True)
    _ligne(recap, ["{%tr for l in financeurs %}"])
    _ligne(recap, ["{{ l.nom }}", "{{ l.montant }}", "{{ l.part }}"])
    _ligne(recap, ["{%tr endfor %}"])
    _ligne(recap, ["Total", "{{ finance }}", "100 %"], gras=True)

    paragraphe(document, "{%p for m in mentions %}", apres=0)
    paragraphe(document, "{{ m }}", taille=8, apres=2)
    paragraphe(document, "{%p endfor %}", apres=0)
    document.save(SORTIE_ANNEXE)
    print(f"Gabarit écrit : {SORTIE_ANNEXE}")


def main() -> None:
    communique()
    annexe()


if __name__ == "__main__":
    main()
