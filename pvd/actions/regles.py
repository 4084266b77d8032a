"""Les règles du plan de financement, montrées comme des avertissements, jamais appliquées en silence.

- les lignes (hors refusées) ne dépassent pas le coût de l'action (TTC s'il est connu, sinon HT) ;
- un maître d'ouvrage collectivité apporte au moins 20 % du total des financements publics (article L1111-10 du
  CGCT, III), sauf dérogation que la loi permet, enregistrée sur la fiche avec son motif ; les prêts ne sont pas des
  financements publics au sens de cet article ;
- une action réalisée a une fin réelle datée ;
- une action passée sa fin prévue (fin de la période : « 2024 » court jusqu'au 31 décembre) et ni réalisée ni
  abandonnée est en retard.

Tout se calcule sur une fiche déjà lue (lignes, financeurs, dispositifs et historique préchargés), à une date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .models import Etat, FicheAction, StatutLigne

PART_MINIMALE_MAITRE_OUVRAGE = Decimal("0.20")  # article L1111-10 du CGCT, III


def euros(montant: Decimal | None) -> str:
    """« 1 250 000 € » (espace fine insécable pour les milliers), sans centimes s'ils sont nuls."""
    if montant is None:
        return "non renseigné"
    arrondi = montant.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    entier, _, centimes = f"{arrondi:,.2f}".partition(".")
    texte = entier.replace(",", "\u202f")
    return f"{texte},{centimes} €" if centimes != "00" else f"{texte} €"


def pourcent(part: Decimal) -> str:
    return f"{(part * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} %".replace(".", ",")


@dataclass
class PartFinanceur:
    financeur: object
    montant: Decimal
    part: Decimal | None
    maitre_ouvrage: bool


@dataclass
class Plan:
    """Le plan de financement d'une fiche à une date : les lignes qui existaient alors, leur statut d'alors."""

    lignes: list  # (ligne, statut au jour)
    total: Decimal
    cout: Decimal | None
    parts: list[PartFinanceur]
    public: Decimal
    maitre_ouvrage: Decimal
    reste: Decimal | None

    @property
    def part_maitre_ouvrage_du_public(self) -> Decimal | None:
        return self.maitre_ouvrage / self.public if self.public else None


def plan(fiche: FicheAction, jour: date, publique: bool = False) -> Plan:
    """`publique` : sans les lignes encore envisagées (le public ne les voit jamais)."""
    lignes = []
    for ligne in fiche.lignes.all():
        statut = ligne.statut_au(jour)
        if statut is None or (publique and statut == StatutLigne.ENVISAGEE):
            continue
        lignes.append((ligne, statut))
    comptees = [(ligne, statut) for ligne, statut in lignes if statut != StatutLigne.REFUSEE]
    total = sum((ligne.montant for ligne, _ in comptees), Decimal(0))
    par_financeur: dict = defaultdict(lambda: Decimal(0))
    financeurs = {}
    for ligne, _ in comptees:
        par_financeur[ligne.financeur_id] += ligne.montant
        financeurs[ligne.financeur_id] = ligne.financeur
    cout = fiche.cout_reference
    base = cout or total
    parts = [
        PartFinanceur(
            financeurs[pk],
            montant,
            (montant / base) if base else None,
            pk == fiche.maitre_ouvrage_id,
        )
        for pk, montant in sorted(
            par_financeur.items(), key=lambda paire: (-paire[1], financeurs[paire[0]].nom)
        )
    ]
    public = sum(
        (
            ligne.montant
            for ligne, _ in comptees
            if ligne.financeur.publique and not (ligne.dispositif and ligne.dispositif.pret)
        ),
        Decimal(0),
    )
    return Plan(
        lignes=lignes,
        total=total,
        cout=cout,
        parts=parts,
        public=public,
        maitre_ouvrage=par_financeur.get(fiche.maitre_ouvrage_id, Decimal(0)),
        reste=(cout - total) if cout is not None else None,
    )


def avertissements(fiche: FicheAction, jour: date, plan_lu: Plan | None = None) -> list[str]:
    """Ce qui ne respecte pas une règle, en phrases qui disent quoi faire ; vide si tout va bien."""
    p = plan_lu or plan(fiche, jour)
    messages = []
    if p.cout is not None and p.total > p.cout:
        messages.append(
            f"Le plan de financement ({euros(p.total)}) dépasse le coût de l'action ({euros(p.cout)}) de "
            f"{euros(p.total - p.cout)} : réduisez une ligne ou corrigez le coût."
        )
    if fiche.maitre_ouvrage.collectivite and p.public:
        part = p.maitre_ouvrage / p.public
        if part < PART_MINIMALE_MAITRE_OUVRAGE and not fiche.derogation_participation.strip():
            messages.append(
                f"Le maître d'ouvrage apporte {pourcent(part)} des financements publics ({euros(p.maitre_ouvrage)} "
                f"sur {euros(p.public)}) : l'article L1111-10 du CGCT en demande au moins 20 %. Augmentez "
                "l'autofinancement, ou enregistrez la dérogation qui s'applique (motif et référence)."
            )
    etat = fiche.etat_au(jour)
    if etat == Etat.REALISEE and not fiche.date_fin_reelle:
        messages.append(
            "L'action est réalisée mais sa fin réelle n'est pas datée : ajoutez la date de fin réelle."
        )
    if fiche.en_retard_au(jour):
        messages.append(
            f"L'action est en retard : sa fin était prévue {fiche.fin_prevue_texte} et elle est "
            f"« {Etat(etat).label} ». Mettez à jour son état ou son calendrier."
        )
    return messages
