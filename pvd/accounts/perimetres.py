"""Qui peut lire et écrire quoi : le seul endroit qui en décide (pages, formulaires, API, exports, administration).

- administrateur national : lit et écrit tout ;
- agent de préfecture : lit les lauréats et conventions de ses départements (département de suivi, ou une commune
  de la convention dans l'un d'eux : une convention du Lot qui atteint l'Aveyron se lit depuis l'Aveyron), et écrit
  ceux dont le département de suivi est l'un des siens ;
- chef de projet / collectivité : lit son ou ses départements ; écrit les postes de chef de projet de ses lauréats
  (ses communes, ou les communes de son EPCI) ;
- partenaire : lit (ses départements s'ils sont donnés, sinon tout) ;
- public : ce qui est publié, rien d'autre.

Plans d'action (`pvd.actions`) : le chef de projet (collectivité) écrit les fiches et les lignes de financement de
son territoire (conventions de son EPCI ou de ses communes) ; la préfecture lit son département et enregistre les
décisions de l'État (lignes dont le dispositif est décidé par la préfecture : DETR, DSIL, FNADT, Fonds vert) ; un
partenaire ajoute aux fiches qu'il lit, et met à jour, les seules lignes que finance son organisation ; l'équipe nationale lit et écrit tout ; le
public lit les fiches des conventions publiées, jamais les lignes encore envisagées.

Lire hors de son périmètre : 404 (l'objet « n'existe pas ») ; écrire hors de son périmètre : 403, sauf un objet
qu'on ne lit pas (modifier, signer, en faire l'avenant) : 404 et le même message que s'il n'existait pas.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pvd.territoires.models import Commune, Departement, Epci

from .models import Profil

NATIONAL, PREFECTURE, COLLECTIVITE, PARTENAIRE = (r.value for r in Profil.Role)


@dataclass(frozen=True)
class Perimetre:
    role: str | None = None  # None : le public
    departements: frozenset[str] = frozenset()
    epcis: frozenset[str] = frozenset()
    communes: frozenset[str] = frozenset()
    epcis_des_communes: frozenset[str] = frozenset()  # les EPCI dont ses communes sont membres
    organisation: int | None = (
        None  # un partenaire : l'organisation dont il met à jour les lignes de financement
    )

    @property
    def public(self) -> bool:
        return self.role is None

    @property
    def tout(self) -> bool:
        return self.role == NATIONAL or (self.role == PARTENAIRE and not self.departements)

    @property
    def empreinte(self) -> str:
        """Tout ce dont dépend ce que ce périmètre lit, en texte : une part des clés de cache."""
        ensembles = (self.departements, self.epcis, self.communes)
        return "|".join([str(self.role), *(",".join(sorted(e)) for e in ensembles), str(self.organisation)])


PUBLIC = Perimetre()


def perimetre_de(utilisateur) -> Perimetre:
    """Le périmètre d'un utilisateur, relu à chaque requête (un rôle retiré prend effet aussitôt)."""
    if utilisateur is None or not utilisateur.is_authenticated or not utilisateur.is_active:
        return PUBLIC
    cache = getattr(utilisateur, "_perimetre_pvd", None)
    if cache is not None:
        return cache
    profil = (
        Profil.objects.filter(utilisateur=utilisateur)
        .prefetch_related("departements", "epcis", "communes")
        .first()
    )
    if profil is None:
        perimetre = Perimetre(NATIONAL) if utilisateur.is_superuser else PUBLIC
    else:
        departements = {d.code for d in profil.departements.all()}
        if profil.role == COLLECTIVITE:
            # Une collectivité lit son département : celui de ses communes et de son EPCI.
            departements |= {c.departement_id for c in profil.communes.all()}
            for epci in profil.epcis.all():
                departements |= set(epci.departements.values_list("code", flat=True))
        perimetre = Perimetre(
            profil.role,
            frozenset(departements),
            frozenset(e.siren for e in profil.epcis.all()),
            frozenset(c.code for c in profil.communes.all()),
            frozenset(c.epci_id for c in profil.communes.all() if c.epci_id),
            profil.organisation_id,
        )
    utilisateur._perimetre_pvd = perimetre
    return perimetre


# Lecture -----------------------------------------------------------------------------------------------------------


def _visibles(utilisateur, qs: QuerySet, departement_d_une_commune: str, plusieurs: bool = False) -> QuerySet:
    """Le public : ce qui est publié ; un compte : tout, ou ce que suit l'un de ses départements et ce qui touche
    une commune de l'un d'eux (`departement_d_une_commune` : le chemin vers le département d'une commune ;
    `plusieurs` : un objet a plusieurs communes, la jointure le répéterait)."""
    p = perimetre_de(utilisateur)
    if p.public:
        return qs.filter(publie=True)
    if p.tout:
        return qs
    filtre = qs.filter(
        Q(departement_suivi_id__in=p.departements) | Q(**{f"{departement_d_une_commune}__in": p.departements})
    )
    return filtre.distinct() if plusieurs else filtre


def laureats_visibles(utilisateur, qs: QuerySet) -> QuerySet:
    return _visibles(utilisateur, qs, "commune__departement_id")


def conventions_visibles(utilisateur, qs: QuerySet) -> QuerySet:
    return _visibles(utilisateur, qs, "communes__commune__departement_id", plusieurs=True)


def peut_lire_departement(utilisateur, code: str) -> bool:
    p = perimetre_de(utilisateur)
    return not p.public and (p.tout or code in p.departements)


def lit_le_registre_interne(utilisateur) -> bool:
    """Les pages du registre (publié ou non) : tout compte qui a un rôle."""
    return not perimetre_de(utilisateur).public


# Écriture ----------------------------------------------------------------------------------------------------------


def peut_ecrire_departement(utilisateur, code: str) -> bool:
    """Créer ou modifier les conventions et les lauréats suivis par ce département, écrire son communiqué."""
    p = perimetre_de(utilisateur)
    return p.role == NATIONAL or (p.role == PREFECTURE and code in p.departements)


def departements_ecrits(utilisateur) -> QuerySet:
    """Les départements où le compte écrit (ceux de `peut_ecrire_departement`), par code : tous pour l'équipe
    nationale, les siens pour une préfecture, aucun pour les autres."""
    p = perimetre_de(utilisateur)
    qs = Departement.objects.order_by("code")
    if p.role == NATIONAL:
        return qs
    return qs.filter(code__in=p.departements) if p.role == PREFECTURE else qs.none()


def peut_modifier_convention(utilisateur, convention) -> bool:
    return peut_ecrire_departement(utilisateur, convention.departement_suivi_id)


def peut_enregistrer_poste(utilisateur, departement_code: str, laureats) -> bool:
    """Un poste de chef de projet : la préfecture de suivi, ou la collectivité de chacun des lauréats couverts."""
    if peut_ecrire_departement(utilisateur, departement_code):
        return True
    p = perimetre_de(utilisateur)
    if p.role != COLLECTIVITE or not laureats:
        return False
    return all(
        laureat.commune_id in p.communes or (laureat.commune.epci_id and laureat.commune.epci_id in p.epcis)
        for laureat in laureats
    )


def peut_employer(utilisateur, employeur: Commune | Epci) -> bool:
    """L'employeur nommé pour un poste de chef de projet, dans le périmètre du compte : n'importe lequel pour l'équipe
    nationale ; pour une préfecture, une commune de l'un de ses départements ou un EPCI qui s'étend sur l'un d'eux
    (et ses communes) ; pour une collectivité, l'une de ses communes (ou une commune de
    son EPCI), ou son EPCI (ou celui de l'une de ses communes). Les autres n'emploient personne."""
    p = perimetre_de(utilisateur)
    if p.role == NATIONAL:
        return True
    commune = isinstance(employeur, Commune)
    if p.role == PREFECTURE:
        if commune and employeur.departement_id in p.departements:
            return True
        # Capdenac-Gare (Aveyron), suivie par le Lot : son EPCI, Grand-Figeac, s'étend sur le Lot.
        siren = employeur.epci_id if commune else employeur.siren
        return Epci.objects.filter(siren=siren, departements__in=p.departements).exists()
    if p.role == COLLECTIVITE:
        if commune:
            return employeur.code in p.communes or (employeur.epci_id or "") in p.epcis
        return employeur.siren in p.epcis or employeur.siren in p.epcis_des_communes
    return False


def peut_ouvrir_poste(utilisateur, departement_code: str) -> bool:
    """Voir le formulaire de poste : la préfecture, ou une collectivité qui a des lauréats dans ce département."""
    p = perimetre_de(utilisateur)
    return peut_ecrire_departement(utilisateur, departement_code) or (
        p.role == COLLECTIVITE and departement_code in p.departements
    )


def est_administrateur_national(utilisateur) -> bool:
    return perimetre_de(utilisateur).role == NATIONAL


# Plans d'action ----------------------------------------------------------------------------------------------------


def fiches_visibles(utilisateur, qs: QuerySet) -> QuerySet:
    """Les fiches actions lisibles : celles des conventions lisibles (le public : des conventions publiées)."""
    p = perimetre_de(utilisateur)
    if p.public:
        return qs.filter(convention__publie=True)
    if p.tout:
        return qs
    return qs.filter(
        Q(convention__departement_suivi_id__in=p.departements)
        | Q(convention__communes__commune__departement_id__in=p.departements)
    ).distinct()


def filtre_des_fiches_visibles(utilisateur, chemin: str = "") -> Q | None:
    """Le filtre de `fiches_visibles` quand il ne joint rien (`chemin` : le chemin vers la fiche, pour filtrer ses
    lignes de financement par une jointure) ; None quand il joindrait les communes des conventions : passer alors par
    `fiches_visibles`, sans doublon."""
    p = perimetre_de(utilisateur)
    if p.public:
        return Q(**{f"{chemin}convention__publie": True})
    return Q() if p.tout else None


def peut_ecrire_plan(utilisateur, convention) -> bool:
    """Créer et modifier les fiches d'un plan d'action et leurs lignes : l'équipe nationale, ou la collectivité dont
    l'EPCI signe la convention ou dont une commune y figure (`communes` préchargées de préférence)."""
    p = perimetre_de(utilisateur)
    if p.role == NATIONAL:
        return True
    if p.role != COLLECTIVITE:
        return False
    return convention.epci_id in p.epcis or any(
        lien.commune_id in p.communes for lien in convention.communes.all()
    )


def peut_modifier_ligne(utilisateur, ligne) -> bool:
    """Modifier une ligne de financement : qui écrit le plan, ou le partenaire dont l'organisation la finance."""
    p = perimetre_de(utilisateur)
    if p.role == PARTENAIRE and p.organisation is not None and ligne.financeur_id == p.organisation:
        return True
    return peut_ecrire_plan(utilisateur, ligne.fiche.convention)


def peut_ajouter_ligne(utilisateur, fiche) -> bool:
    """Ajouter une ligne de financement à une fiche qu'on lit : qui écrit le plan, ou un partenaire (pour une ligne
    que finance son organisation : `refus_ecriture_ligne` le vérifie)."""
    p = perimetre_de(utilisateur)
    return (p.role == PARTENAIRE and p.organisation is not None) or peut_ecrire_plan(
        utilisateur, fiche.convention
    )


def peut_decider_ligne(utilisateur, ligne) -> bool:
    """Enregistrer la décision d'une ligne (accordée, refusée, versée) : pour un dispositif décidé par la préfecture,
    la préfecture de suivi de la convention (ou l'équipe nationale) ; sinon, qui peut modifier la ligne."""
    if ligne.dispositif_id and ligne.dispositif.decision_prefecture:
        return peut_ecrire_departement(utilisateur, ligne.fiche.convention.departement_suivi_id)
    return peut_modifier_ligne(utilisateur, ligne)


def lignes_visibles(utilisateur, qs: QuerySet, jour) -> QuerySet:
    """Les lignes de financement lisibles à la date `jour` : celles des fiches lisibles ; pour le public, celles des
    conventions publiées qui n'étaient plus « envisagées » ce jour-là."""
    from pvd.actions.models import FicheAction

    p = perimetre_de(utilisateur)
    if p.public:
        return (
            qs.filter(fiche__convention__publie=True).avec_statut_au(jour).exclude(statut_au_jour="envisagee")
        )
    if p.tout:
        return qs
    return qs.filter(fiche__in=fiches_visibles(utilisateur, FicheAction.objects.all()).values("pk"))


STATUTS_DECIDES = {"accordee", "refusee", "versee"}
CHAMPS_DE_DECISION = ("date_decision", "reference_decision", "date_versement")
CHAMPS_DE_DEMANDE = ("financeur", "dispositif", "montant", "date_demande")


def refus_ecriture_ligne(utilisateur, fiche, valeurs: dict, ligne=None) -> str | None:
    """Pourquoi ce compte ne peut pas écrire `valeurs` sur cette ligne de financement de `fiche` (`ligne` vide : une
    ligne nouvelle) ; None s'il le peut.

    La demande (financeur, dispositif, montant, date de la demande, retour à « envisagée » ou « sollicitée ») : qui
    écrit le plan, ou le partenaire dont l'organisation finance la ligne (nouvelle ou existante). La décision (accordée, refusée, versée,
    ses dates et sa référence) d'un dispositif décidé par la préfecture (l'ancien ou le nouveau : changer le
    dispositif d'une ligne décidée en est une) : la préfecture de suivi ou l'équipe nationale ; d'un autre dispositif :
    qui peut modifier la ligne."""
    if ligne is None:
        from pvd.actions.models import Organisation

        p = perimetre_de(utilisateur)
        financeur = valeurs.get("financeur")
        if (
            p.role == PARTENAIRE
            and p.organisation is not None
            and not peut_ecrire_plan(utilisateur, fiche.convention)
        ):
            if not (isinstance(financeur, Organisation) and financeur.pk == p.organisation):
                return (
                    "Votre compte ajoute les lignes que finance votre organisation : choisissez-la comme financeur "
                    "(les autres lignes s'écrivent par le chef de projet du territoire)."
                )
        elif not peut_ecrire_plan(utilisateur, fiche.convention):
            return (
                f"Le plan d'action de {fiche.convention.titre} s'écrit par le chef de projet de son territoire : "
                "votre compte ne permet pas d'y ajouter une ligne de financement."
            )
        dispositif = valeurs.get("dispositif")
        if (
            dispositif is not None
            and dispositif.decision_prefecture
            and valeurs.get("statut") in STATUTS_DECIDES
            and not peut_ecrire_departement(utilisateur, fiche.convention.departement_suivi_id)
        ):
            return (
                "La décision d'une subvention de l'État (DETR, DSIL, FNADT, Fonds vert…) s'enregistre par la "
                "préfecture : ajoutez la ligne « sollicitée »."
            )
        return None
    peut_modifier = peut_modifier_ligne(utilisateur, ligne)
    if not (peut_modifier or peut_decider_ligne(utilisateur, ligne)):
        return "Votre compte ne permet pas de modifier cette ligne de financement."

    def change(champ: str) -> bool:
        return champ in valeurs and valeurs[champ] != getattr(ligne, champ)

    statut = valeurs.get("statut", ligne.statut)
    nouveau_dispositif = valeurs.get("dispositif", ligne.dispositif)
    decision = (change("statut") and statut in STATUTS_DECIDES) or any(map(change, CHAMPS_DE_DECISION))
    decision = decision or (change("dispositif") and statut in STATUTS_DECIDES)
    demande = any(map(change, CHAMPS_DE_DEMANDE)) or (change("statut") and statut not in STATUTS_DECIDES)
    par_la_prefecture = any(
        d is not None and d.decision_prefecture for d in (ligne.dispositif, nouveau_dispositif)
    )
    if decision and par_la_prefecture:
        if not peut_ecrire_departement(utilisateur, fiche.convention.departement_suivi_id):
            return "La décision de cette subvention de l'État s'enregistre par la préfecture."
    elif decision and not peut_modifier:
        return "Votre compte ne permet pas d'enregistrer la décision de cette ligne."
    if demande and not peut_modifier:
        return "Vous n'enregistrez que la décision de cette ligne : le reste appartient au chef de projet."
    return None
