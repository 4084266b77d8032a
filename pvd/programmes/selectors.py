"""Lectures du programme pour les pages, l'API et les commandes ; nombre de requêtes fixe par page."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from pvd.accounts.perimetres import conventions_visibles, laureats_visibles, lit_le_registre_interne
from pvd.territoires.models import Appartenance, Commune, Departement, Epci, Region

from .models import Convention, ConventionCommune, Evenement, Laureat, Programme, Signataire


def aujourd_hui() -> date:
    return timezone.localdate()


LISTE_IN_MAX = 500


def parmi(qs: QuerySet, champ: str, valeurs: set[str]) -> list:
    """Les objets de `qs` dont `champ` est l'une des `valeurs`. Au-delà de quelques centaines de valeurs (un import
    en apporte 35 000), lit tout `qs` et trie en Python : la liste IN coûte plus cher à construire que la lecture
    d'un programme, et SQLite la reparcourt pour chaque ligne jointe (dix secondes pour 1 600 conventions)."""
    if len(valeurs) <= LISTE_IN_MAX:
        return list(qs.filter(**{f"{champ}__in": valeurs}))
    return [objet for objet in qs if getattr(objet, champ) in valeurs]


def millesime_au(jour: date) -> int | None:
    """Le millésime du COG en vigueur à une date : le plus récent chargé qui ne la dépasse pas (sinon le plus ancien)."""
    # Deux lectures dans l'index (millésime, commune), au lieu d'un parcours de la table par appel.
    millesimes = Appartenance.objects.order_by("-millesime").values_list("millesime", flat=True)
    anterieur = millesimes.filter(millesime__lte=jour.year).first()
    return anterieur if anterieur is not None else millesimes.reverse().first()


def millesimes_charges() -> list[int]:
    """Les millésimes du COG chargés, du plus ancien au plus récent : une lecture d'index par millésime (deux ou
    trois), plutôt qu'un parcours de la table ou deux requêtes par année demandée."""
    millesimes: list[int] = []
    lus = Appartenance.objects.order_by("millesime").values_list("millesime", flat=True)
    while (suivant := (lus.filter(millesime__gt=millesimes[-1]) if millesimes else lus).first()) is not None:
        millesimes.append(suivant)
    return millesimes


def communes_membres_epci_au(communes: list[Commune], epci: Epci, jour: date) -> set[str]:
    """Les codes des communes membres de l'EPCI (ou de l'EPCI qu'il a remplacé) d'après le millésime du COG en
    vigueur à cette date, en quatre requêtes quel que soit leur nombre."""
    return communes_membres_epcis_au([(communes, epci, jour)])[0]


def communes_membres_epcis_au(demandes: list[tuple[list[Commune], Epci, date]]) -> list[set[str]]:
    """Pour chaque demande (communes, EPCI, date), les codes des communes membres de l'EPCI (ou de l'EPCI qu'il a
    remplacé) d'après le millésime du COG en vigueur à la date ; en deux requêtes, plus une par millésime chargé,
    quels que soient le nombre de demandes et leurs dates.

    Une commune a pu changer de code depuis (Conques-en-Rouergue : 12076 en 2021, 12218 aujourd'hui) : le millésime
    ancien la connaît sous son ancien code, qui la désigne encore par `remplacee_par`."""
    annees = {jour.year for _, _, jour in demandes}  # le millésime ne dépend que de l'année
    charges = millesimes_charges() if demandes else []
    par_annee = {
        annee: max((m for m in charges if m <= annee), default=charges[0] if charges else None)
        for annee in annees
    }

    def millesime(jour: date) -> int | None:
        return par_annee[jour.year]

    codes = {c.code for communes, _, _ in demandes for c in communes}
    anciens = defaultdict(set)  # code actuel → ses codes d'avant
    for ancien, actuel in Commune.objects.filter(remplacee_par__in=codes).values_list(
        "code", "remplacee_par_id"
    ):
        anciens[actuel].add(ancien)
    voulus = {m for _, _, jour in demandes if (m := millesime(jour)) is not None}
    # (millésime, code de commune) → l'EPCI de la commune dans ce millésime, et celui qui l'a remplacé depuis
    epcis = defaultdict(set)
    for m, code, siren, remplacant in Appartenance.objects.filter(
        millesime__in=voulus, commune_id__in=codes | {a for s in anciens.values() for a in s}
    ).values_list("millesime", "commune_id", "epci_id", "epci__remplace_par_id"):
        epcis[m, code].update({siren, remplacant})
    resultats = []
    for communes, epci, jour in demandes:
        m = millesime(jour)
        if m is None:
            resultats.append({c.code for c in communes if c.epci_id == epci.pk})
            continue
        resultats.append(
            {
                c.code
                for c in communes
                if any(epci.pk in epcis[m, code] for code in {c.code, *anciens[c.code]})
            }
        )
    return resultats


def commune_membre_epci_au(commune: Commune, epci: Epci, jour: date) -> bool:
    return commune.code in communes_membres_epci_au([commune], epci, jour)


def departement_principal(epci: Epci) -> Departement:
    """Le département qui porte la plus grande part de la population de l'EPCI (celui de sa préfecture de suivi)."""
    return departements_principaux([epci])[epci.pk]


def departements_principaux(epcis: list[Epci]) -> dict[str, Departement]:
    """Le département principal de chaque EPCI (SIREN → département), en deux requêtes pour tous."""
    populations = (
        Commune.objects.actuelles()
        .filter(epci__in=[e.pk for e in epcis])
        .values("epci_id", "departement_id")
        .annotate(population_totale=Sum("population"))
        .order_by("epci_id", "-population_totale", "departement_id")
    )
    codes: dict[str, str] = {}
    for ligne in populations:
        codes.setdefault(ligne["epci_id"], ligne["departement_id"])
    departements = Departement.objects.in_bulk(set(codes.values()))
    principaux = {siren: departements[code] for siren, code in codes.items()}
    for epci in epcis:  # un EPCI sans commune actuelle : son premier département
        if epci.pk not in principaux:
            principaux[epci.pk] = epci.departements.order_by("code").first()
    return principaux


def programme_par_slug(slug: str) -> Programme | None:
    return Programme.objects.prefetch_related("phases", "regles_echeance").filter(slug=slug).first()


def laureats(
    programme: Programme,
    au: date,
    departement: str = "",
    region: str = "",
    publics: bool = False,
    utilisateur=None,
) -> QuerySet[Laureat]:
    """Les lauréats à une date ; `publics` : seulement ceux que leur préfecture a publiés ; `utilisateur` : ceux de
    son périmètre (voir `accounts.perimetres`)."""
    qs = (
        Laureat.objects.filter(programme=programme)
        .actifs_au(au)
        .select_related("programme", "commune", "commune__departement", "commune__epci", "departement_suivi")
        .order_by("commune__cle_tri", "commune_id")
    )
    if departement:
        qs = qs.filter(departement_suivi_id=departement)
    if region:
        qs = qs.filter(departement_suivi__region_id=region)
    if utilisateur is not None:
        qs = laureats_visibles(utilisateur, qs)
    return qs.publics() if publics else qs


def conventions(
    programme: Programme,
    au: date,
    departement: str = "",
    type: str = "",
    publiques: bool = False,
    utilisateur=None,
) -> QuerySet[Convention]:
    """Les conventions existant à une date ; `publiques` : seulement celles que leur préfecture a publiées ;
    `utilisateur` : celles de son périmètre."""
    qs = (
        Convention.objects.filter(programme=programme)
        .existantes_au(au)
        .select_related("epci", "departement_suivi", "parent", "programme")
        .prefetch_related(
            Prefetch(
                "communes",
                ConventionCommune.objects.select_related("commune", "commune__departement").order_by(
                    "ordre", "id"
                ),
            ),
            Prefetch("signataires", Signataire.objects.order_by("ordre", "id")),
        )
        .order_by("epci__cle_tri", "epci_id", "type", "date_signature", "id")
    )
    if departement:
        qs = qs.filter(departement_suivi_id=departement)
    if type:
        qs = qs.filter(type=type)
    if utilisateur is not None:
        qs = conventions_visibles(utilisateur, qs)
    return qs.publiques() if publiques else qs


def convention_detail(pk: int) -> Convention | None:
    return (
        Convention.objects.select_related("epci", "departement_suivi__region", "parent__epci", "programme")
        .prefetch_related(
            Prefetch(
                "communes",
                ConventionCommune.objects.select_related("commune", "commune__departement").order_by(
                    "ordre", "id"
                ),
            ),
            Prefetch("signataires", Signataire.objects.order_by("ordre", "id")),
            Prefetch("avenants", Convention.objects.order_by("date_signature", "id")),
        )
        .filter(pk=pk)
        .first()
    )


def historique(objet, apres: int = 0) -> QuerySet[Evenement]:
    """Le journal de l'objet, les plus récents d'abord ; `apres` : seulement les entrées postérieures à celle-là
    (ce qui a changé depuis qu'un formulaire a été ouvert)."""
    return Evenement.objects.filter(
        objet_type=objet._meta.model_name, objet_id=str(objet.pk), pk__gt=apres
    ).select_related("auteur")


def dernier_evenement(objet) -> int:
    """L'identifiant de la dernière entrée du journal de l'objet (0 s'il n'en a pas)."""
    dernier = historique(objet).order_by("-pk").values_list("pk", flat=True).first()
    return dernier or 0


# Tableau de bord -----------------------------------------------------------------------------------------------


@dataclass
class Compteurs:
    laureats: int = 0
    adhesions: int = 0
    chefs_de_projet: int = 0
    ort: int = 0
    en_retard: int = 0


@dataclass(frozen=True, slots=True)
class LaureatCompte:
    """Ce que le tableau de bord lit d'un lauréat : de quoi calculer ses jalons, et sa zone (région ou département)."""

    pk: int
    commune_id: str
    date_selection: date
    precision_selection: str
    zone: str


@dataclass
class LigneTableau:
    code: str
    nom: str
    compteurs: Compteurs = field(default_factory=Compteurs)


def tableau_de_bord(
    programme: Programme,
    au: date,
    region: str = "",
    publics: bool = False,
    utilisateur=None,
    par_departement: bool = False,
) -> tuple[Compteurs, list[LigneTableau]]:
    """Les compteurs du programme à une date, et leur détail par région (national) ou par département (dans une
    région, ou partout avec `par_departement` : la carte des pages publiques)."""
    par_departement = par_departement or bool(region)
    from .jalons import avancements

    # Des tuples plutôt que des modèles (1 650 lauréats : trois fois moins de temps), sans l'ordre des noms, qui
    # coûterait une jointure et un tri.
    lus = (
        laureats(programme, au, region=region, publics=publics, utilisateur=utilisateur)
        .order_by()
        .values_list(
            "pk",
            "commune_id",
            "date_selection",
            "precision_selection",
            "departement_suivi_id" if par_departement else "departement_suivi__region_id",
        )
    )
    liste = [LaureatCompte(*ligne) for ligne in lus]
    total = Compteurs()
    par_zone: dict[str, Compteurs] = defaultdict(Compteurs)
    for avancement in avancements(programme, liste, au, publiques=publics):
        dates = {jalon.etape: jalon.date for jalon in avancement.jalons}
        en_retard = avancement.en_retard
        for compteurs in (total, par_zone[avancement.laureat.zone]):
            compteurs.laureats += 1
            compteurs.adhesions += dates["adhesion"] is not None
            compteurs.chefs_de_projet += dates["chef_de_projet"] is not None
            compteurs.ort += dates["cadre_ort"] is not None
            compteurs.en_retard += en_retard
    if par_departement:
        departements = Departement.objects.filter(region_id=region) if region else Departement.objects.all()
        noms = dict(departements.values_list("code", "nom"))
    else:
        noms = dict(Region.objects.values_list("code", "nom"))
    lignes = [LigneTableau(code, noms.get(code, code), par_zone[code]) for code in sorted(par_zone)]
    return total, lignes


def compter_conventions(programme: Programme, au: date, departement: str = "") -> Counter:
    """Conventions par (type, statut à la date)."""
    qs = Convention.objects.filter(programme=programme).existantes_au(au)
    if departement:
        qs = qs.filter(departement_suivi_id=departement)
    compte: Counter = Counter()
    for convention in qs.only("type", "date_signature", "date_resiliation", "date_ouverture", "cree_le"):
        compte[(convention.type, convention.statut_au(au))] += 1
    return compte


def avancements_de_commune(commune: Commune, au: date, utilisateur=None) -> list:
    """Pour la page commune : chaque programme dont elle est lauréate, avec ses jalons à la date donnée.

    Une lauréate que le compte lit (`accounts.perimetres.laureats_visibles`, comme l'API) se montre telle qu'au
    registre interne (`interne` : jalons de toutes ses conventions, liens vers elles, chef de projet) ; une autre,
    publiée, telle que la voit le public ; une autre encore, pas du tout : un agent de l'Aveyron ne voit rien d'une
    lauréate du Lot non publiée, ni de ses conventions."""
    from .jalons import avancements

    laureats_commune = Laureat.objects.filter(commune=commune).select_related(
        "programme", "departement_suivi", "commune"
    )
    internes = (
        set(laureats_visibles(utilisateur, laureats_commune).values_list("pk", flat=True))
        if lit_le_registre_interne(utilisateur)
        else set()
    )
    resultats = []
    for laureat in laureats_commune.filter(Q(pk__in=internes) | Q(publie=True)):
        interne = laureat.pk in internes
        for avancement in avancements(laureat.programme, [laureat], au, publiques=not interne):
            avancement.interne = interne
            resultats.append(avancement)
    return resultats


def historique_de_commune(commune: Commune, utilisateur) -> QuerySet[Evenement]:
    """Les changements de ses fiches de lauréate et des conventions qui la réunissent que le compte lit (comme
    l'API), les plus récents d'abord."""
    laureats_ids = [
        str(pk)
        for pk in laureats_visibles(utilisateur, Laureat.objects.filter(commune=commune)).values_list(
            "pk", flat=True
        )
    ]
    conventions_ids = [
        str(pk)
        for pk in conventions_visibles(
            utilisateur, Convention.objects.filter(communes__commune=commune)
        ).values_list("pk", flat=True)
    ]
    return (
        Evenement.objects.filter(
            Q(objet_type="laureat", objet_id__in=laureats_ids)
            | Q(objet_type="convention", objet_id__in=conventions_ids)
        )
        .select_related("auteur")
        .order_by("-fait_le", "-id")[:200]
    )


def journal(
    *,
    objet_type: str = "",
    objet_id: str = "",
    canal: str = "",
    auteur: str = "",
    du: date | None = None,
    au: date | None = None,
) -> QuerySet:
    """Le journal des changements, du plus récent au plus ancien, filtré : type et identifiant d'objet, canal,
    partie de l'identifiant de l'auteur, jours de début et de fin (compris)."""
    qs = Evenement.objects.select_related("auteur").order_by("-fait_le", "-id")
    if objet_type:
        qs = qs.filter(objet_type=objet_type)
    if objet_id:
        qs = qs.filter(objet_id=objet_id)
    if canal:
        qs = qs.filter(canal=canal)
    if auteur:
        qs = qs.filter(auteur__username__icontains=auteur)
    if du:
        qs = qs.filter(fait_le__date__gte=du)
    if au:
        qs = qs.filter(fait_le__date__lte=au)
    return qs


def journal_types() -> list[str]:
    """Les types d'objet présents au journal, pour le filtre."""
    return sorted(set(Evenement.objects.values_list("objet_type", flat=True).distinct()))
