"""Lectures des sources : les désaccords entre documents et les identifiants nationaux contestés.

Un document exhaustif (la liste nationale du 22 janvier 2021, pour tout le programme ; le communiqué du préfet du
Lot du 27 juillet 2021, « Pour le Lot, 20 communes sont lauréates ») dit la liste complète des lauréates de son
périmètre. Une lauréate de ce périmètre qu'il ne cite pas est un désaccord : Vayrac, lauréate d'après le communiqué,
absente de la liste de janvier ; Cœur de Causse, dans la liste de janvier, absente du communiqué. Le registre ne
tranche pas : il garde les deux sources et le dit (page de la commune, `pvd check`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from pvd.accounts.perimetres import laureats_visibles

from .models import DocumentSource, Laureat, Programme, SourceLaureat


@dataclass
class Desaccord:
    laureat: Laureat
    document: DocumentSource
    texte: str


def _liste(documents: list[DocumentSource]) -> str:
    return ", ".join(f"« {d.titre} »" + (f" du {d.date:%d/%m/%Y}" if d.date else "") for d in documents)


def desaccords(programme: Programme, departement: str = "", commune: str = "") -> list[Desaccord]:
    """Les lauréates absentes d'un document exhaustif de leur périmètre, avec les sources qui les disent lauréates ;
    et les documents dont le nombre annoncé diffère du nombre de lauréates qu'ils citent. Quelques requêtes."""
    documents = list(
        DocumentSource.objects.filter(programme=programme, exhaustif=True).select_related("perimetre")
    )
    if not documents:
        return []
    cites = defaultdict(set)
    for laureat_id, document_id in SourceLaureat.objects.filter(document__in=documents).values_list(
        "laureat_id", "document_id"
    ):
        cites[document_id].add(laureat_id)
    qs = Laureat.objects.filter(programme=programme).select_related("commune", "departement_suivi")
    if departement:
        qs = qs.filter(departement_suivi_id=departement)
    if commune:
        qs = qs.filter(commune_id=commune)
    qs = qs.prefetch_related(
        Prefetch(
            "sources", queryset=SourceLaureat.objects.select_related("document").order_by("document__date")
        )
    )
    resultats = []
    laureats = list(qs)
    for document in documents:
        dans_le_perimetre = [
            lau
            for lau in laureats
            if (document.perimetre_id is None or lau.departement_suivi_id == document.perimetre_id)
            and not (document.date and lau.date_sortie and lau.date_sortie <= document.date)
        ]
        for laureat in dans_le_perimetre:
            if laureat.pk in cites[document.pk]:
                continue
            autres = [s.document for s in laureat.sources.all() if s.document_id != document.pk]
            nom = f"{laureat.commune.nom} ({laureat.commune_id})"
            if not autres:
                continue  # inscrite à la main : le registre n'a pas de source à opposer au document
            document_date = (
                f"« {document.titre} » du {document.date:%d/%m/%Y}" if document.date else document.titre
            )
            posterieures = document.date and all(a.date and a.date > document.date for a in autres)
            if posterieures:
                texte = (
                    f"{nom} est lauréate d'après {_liste(autres)}, mais absente de {document_date}, antérieur, qui "
                    f"donne toutes les lauréates pour {document.libelle_perimetre} : ajoutée depuis, ou oubliée "
                    "par ce document ? Vérifiez, puis complétez la date de sélection."
                )
            else:
                texte = (
                    f"{nom} est lauréate d'après {_liste(autres)}, mais absente de {document_date}, qui donne "
                    f"toutes les lauréates pour {document.libelle_perimetre} : sortie du programme, ou oubliée par "
                    "ce document ? Vérifiez, et enregistrez la sortie s'il y a lieu."
                )
            resultats.append(Desaccord(laureat, document, texte))
        if document.nombre_annonce is not None and not commune:
            if departement and document.perimetre_id not in (None, departement):
                continue
            if len(cites[document.pk]) != document.nombre_annonce:
                resultats.append(
                    Desaccord(
                        None,
                        document,
                        f"« {document.titre} » annonce {document.nombre_annonce} lauréates pour "
                        f"{document.libelle_perimetre} et en cite {len(cites[document.pk])}.",
                    )
                )
    return resultats


def identifiants_contestes(programme: Programme, departement: str = "") -> dict[str, list[Laureat]]:
    """Identifiant contesté → les lauréats qui le portent (contesté, ou retenu par l'un d'eux), triés par commune,
    avec leurs sources ; en trois requêtes."""
    qs = Laureat.objects.filter(programme=programme).exclude(identifiant_conteste="")
    if departement:
        qs = qs.filter(departement_suivi_id=departement)
    valeurs = set(qs.values_list("identifiant_conteste", flat=True))
    porteurs = (
        Laureat.objects.filter(programme=programme)
        .filter(Q(identifiant_conteste__in=valeurs) | Q(identifiant_national__in=valeurs))
        .select_related("commune", "departement_suivi")
        .prefetch_related(Prefetch("sources", queryset=SourceLaureat.objects.select_related("document")))
        .order_by("commune__cle_tri", "commune_id")
    )
    groupes: dict[str, list[Laureat]] = defaultdict(list)
    for laureat in porteurs:
        for valeur in {laureat.identifiant_conteste, laureat.identifiant_national} & valeurs:
            groupes[valeur].append(laureat)
    return dict(sorted(groupes.items()))


@dataclass
class SourcesDuLaureat:
    mentions: list[SourceLaureat]
    desaccords: list[Desaccord]
    conteste_avec: list[Laureat]  # les autres communes qui portent l'identifiant contesté


def sources_du_laureat(laureat: Laureat, utilisateur=None) -> SourcesDuLaureat:
    """Pour la page d'une commune : ses sources, ses désaccords, et avec qui elle partage un identifiant contesté
    (parmi les lauréats que lit `utilisateur`, comme l'API ; sans compte, les lauréats publiés)."""
    mentions = list(
        laureat.sources.select_related("document", "document__perimetre").order_by("document__date")
    )
    autres = []
    if laureat.identifiant_conteste:
        autres = list(
            laureats_visibles(utilisateur, Laureat.objects.filter(programme_id=laureat.programme_id))
            .filter(
                Q(identifiant_conteste=laureat.identifiant_conteste)
                | Q(identifiant_national=laureat.identifiant_conteste)
            )
            .exclude(pk=laureat.pk)
            .select_related("commune")
            .order_by("commune__cle_tri")
        )
    return SourcesDuLaureat(mentions, desaccords(laureat.programme, commune=laureat.commune_id), autres)


def nombre_contestes(programme: Programme) -> int:
    """Combien de lauréats portent un identifiant contesté (le lien du tableau de bord national)."""
    return Laureat.objects.filter(programme=programme).exclude(identifiant_conteste="").count()
