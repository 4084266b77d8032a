"""L'annexe « plan d'action » d'une convention-cadre, en DOCX (docxtpl) et en PDF (WeasyPrint), tirée du registre.

C'est le tableau joint à la convention signée : les fiches rangées par axe, avec numéro, intitulé, maître d'ouvrage,
calendrier, coût HT et TTC et plan de financement (chaque financeur, son montant et sa part du coût), un sous-total
par axe, le total du plan, puis le récapitulatif par financeur. Tout est lu « au » une date, comme le registre.

Les totaux s'additionnent : un sous-total est la somme des fiches de l'axe, le total la somme des sous-totaux, et le
récapitulatif par financeur la somme des lignes non refusées, qui fait le total financé. Un coût non renseigné compte
zéro dans une somme, et la somme le dit (« dont n fiches sans coût HT »).

La version publique (`publique=True`, celle d'une convention publiée) ne montre jamais une demande encore envisagée.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from pvd.actions import selectors
from pvd.actions.regles import euros, pourcent
from pvd.programmes.dates import date_longue
from pvd.programmes.models import Convention

from .rendus import ExportIndisponible, _police_marianne

GABARIT_DOCX = Path(__file__).with_name("gabarits") / "annexe_plan.docx"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _somme(montants: list[Decimal | None]) -> Decimal:
    return sum((m for m in montants if m is not None), Decimal(0))


def _montant(montant: Decimal | None) -> str:
    return "non renseigné" if montant is None else euros(montant)


@dataclass
class FicheAnnexe:
    numero: str
    intitule: str
    maitre_ouvrage: str
    calendrier: str
    cout_ht: Decimal | None
    cout_ttc: Decimal | None
    financements: list[str]  # « État — DETR : 30 000 € (30,0 %) », une ligne par financeur
    finance: Decimal

    def as_dict(self) -> dict:
        return {
            "numero": self.numero,
            "intitule": self.intitule,
            "maitre_ouvrage": self.maitre_ouvrage,
            "calendrier": self.calendrier,
            "cout_ht": _montant(self.cout_ht),
            "cout_ttc": _montant(self.cout_ttc),
            "financements": self.financements,
            "finance": euros(self.finance),
        }


@dataclass
class AxeAnnexe:
    nom: str
    fiches: list[FicheAnnexe] = field(default_factory=list)

    @property
    def cout_ht(self) -> Decimal:
        return _somme([f.cout_ht for f in self.fiches])

    @property
    def cout_ttc(self) -> Decimal:
        return _somme([f.cout_ttc for f in self.fiches])

    @property
    def finance(self) -> Decimal:
        return _somme([f.finance for f in self.fiches])

    def as_dict(self) -> dict:
        return {
            "nom": self.nom,
            "fiches": [f.as_dict() for f in self.fiches],
            "cout_ht": euros(self.cout_ht),
            "cout_ttc": euros(self.cout_ttc),
            "finance": euros(self.finance),
        }


@dataclass
class Annexe:
    titre: str
    convention: str
    au: date
    publique: bool
    axes: list[AxeAnnexe]
    financeurs: list[tuple[str, Decimal]]  # (financeur, montant hors refus), du plus grand au plus petit

    @property
    def fiches(self) -> list[FicheAnnexe]:
        return [f for axe in self.axes for f in axe.fiches]

    @property
    def cout_ht(self) -> Decimal:
        return _somme([axe.cout_ht for axe in self.axes])

    @property
    def cout_ttc(self) -> Decimal:
        return _somme([axe.cout_ttc for axe in self.axes])

    @property
    def finance(self) -> Decimal:
        return _somme([axe.finance for axe in self.axes])

    def mentions(self) -> list[str]:
        """Ce qu'il faut savoir pour lire les totaux : les coûts manquants, les demandes laissées de côté."""
        lignes = [
            "Montants en euros. Part : la part du coût de l'action (TTC s'il est connu, sinon HT) apportée par "
            "chaque financeur. Les demandes refusées ne sont pas comptées."
        ]
        sans_ht = sum(1 for f in self.fiches if f.cout_ht is None)
        sans_ttc = sum(1 for f in self.fiches if f.cout_ttc is None)
        if sans_ht or sans_ttc:
            lignes.append(
                f"Coûts non renseignés, comptés pour zéro dans les totaux : {sans_ht} coût{'s' if sans_ht > 1 else ''}"
                f" HT, {sans_ttc} coût{'s' if sans_ttc > 1 else ''} TTC."
            )
        if self.publique:
            lignes.append(
                "Version publique : les demandes de financement encore envisagées n'y figurent pas."
            )
        else:
            lignes.append(
                "Version de travail : les montants comprennent les demandes envisagées et sollicitées, pas encore "
                "décidées, comme le plan d'action du registre."
            )
        return lignes

    def as_dict(self) -> dict:
        total = self.finance
        return {
            "titre": self.titre,
            "convention": self.convention,
            "au": date_longue(self.au),
            "axes": [axe.as_dict() for axe in self.axes],
            "nombre": len(self.fiches),
            "cout_ht": euros(self.cout_ht),
            "cout_ttc": euros(self.cout_ttc),
            "finance": euros(total),
            "financeurs": [
                {"nom": nom, "montant": euros(montant), "part": pourcent(montant / total) if total else "—"}
                for nom, montant in self.financeurs
            ],
            "mentions": self.mentions(),
        }


def _calendrier(fiche) -> str:
    debut, fin = fiche.debut_texte, fiche.fin_texte
    if not debut and not fin:
        return "non renseigné"
    return f"début : {debut or 'non renseigné'} ; fin : {fin or 'non renseignée'}"


def annexe_plan(convention: Convention, au: date, publique: bool = False) -> Annexe:
    """L'annexe à la date `au`, lue par le sélecteur du plan d'action (un nombre fixe de requêtes)."""
    plan = selectors.plan_d_action(convention, au, publique=publique)
    axes = []
    for groupe in plan.groupes:
        axe = AxeAnnexe(groupe.axe.nom)
        for ligne in groupe.lignes:
            fiche, p = ligne.fiche, ligne.plan
            financements = [
                f"{part.financeur.nom}{' (maître d’ouvrage)' if part.maitre_ouvrage else ''} : "
                f"{euros(part.montant)}{f' ({pourcent(part.part)})' if part.part is not None else ''}"
                for part in p.parts
            ]
            if p.reste is not None and p.reste > 0:
                financements.append(f"Reste à financer : {euros(p.reste)}")
            axe.fiches.append(
                FicheAnnexe(
                    numero=fiche.numero,
                    intitule=fiche.intitule,
                    maitre_ouvrage=fiche.maitre_ouvrage.nom,
                    calendrier=_calendrier(fiche),
                    cout_ht=fiche.cout_ht,
                    cout_ttc=fiche.cout_ttc,
                    financements=financements,
                    finance=p.total,
                )
            )
        axes.append(axe)
    return Annexe(
        titre="Annexe — Plan d'action",
        convention=convention.titre,
        au=au,
        publique=publique,
        axes=axes,
        financeurs=[(organisation.nom, total) for organisation, total, _ in plan.par_financeur],
    )


def en_docx(annexe: Annexe) -> bytes:
    from docxtpl import DocxTemplate, Listing

    gabarit = DocxTemplate(GABARIT_DOCX)
    contexte = annexe.as_dict()
    for axe in contexte["axes"]:
        for fiche in axe["fiches"]:
            fiche["financements"] = Listing("\n".join(fiche["financements"]) or "aucun")
    gabarit.render(contexte, autoescape=True)
    sortie = io.BytesIO()
    gabarit.save(sortie)
    return sortie.getvalue()


def en_pdf(annexe: Annexe) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as erreur:  # bibliothèques Pango absentes
        raise ExportIndisponible(
            "L'export PDF est indisponible : il manque des bibliothèques système (Pango, HarfBuzz). "
            "Installez les paquets libpango-1.0-0, libpangoft2-1.0-0 et libharfbuzz-subset0, ou exportez en DOCX."
        ) from erreur
    html = render_to_string(
        "publication/annexe_plan_pdf.html", {"a": annexe.as_dict(), "polices": _police_marianne()}
    )
    return HTML(string=html).write_pdf()


def rendre(annexe: Annexe, format: str) -> bytes:
    if format == "docx":
        return en_docx(annexe)
    if format == "pdf":
        return en_pdf(annexe)
    raise ExportIndisponible(f"Format inconnu : « {format} ». Formats possibles : docx, pdf.")


def nom_de_fichier(convention: Convention, au: date, format: str, publique: bool) -> str:
    """Des codes lus en base seulement : numéro de la convention, SIREN de l'EPCI, date."""
    version = "-publique" if publique else ""
    return f"plan-d-action-convention-{convention.pk}-epci-{convention.epci_id}{version}-{au.isoformat()}.{format}"
