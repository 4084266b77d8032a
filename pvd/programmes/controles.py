"""`pvd check` : les retards (information) et les incohérences des données (à corriger), en français.

Incohérences recherchées :
- une convention-cadre ORT signée alors que l'adhésion de la commune n'est pas enregistrée comme signée ;
- une convention signée sans signataire de l'État ;
- une commune de convention qui n'est pas lauréate, ou pas membre de l'EPCI, sans exception confirmée ;
- un avenant signé dont la convention modifiée n'est pas signée ;
- une commune réunie par deux conventions d'adhésion (non résiliées) ;
- un chef de projet couvrant un lauréat sorti du programme avant sa prise de poste.

À vérifier (sans changer le code de sortie : ce sont des désaccords entre sources, que le registre garde) :
- les identifiants nationaux contestés (partagés par plusieurs communes, ou de forme inattendue) ;
- les lauréates absentes d'un document qui se dit complet pour leur périmètre (voir `sources.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .jalons import Avancement, Etat, avancements, echeances_ajoutees
from .models import Convention, ConventionCommune, Laureat, Programme, Signataire
from .selectors import communes_membres_epcis_au, conventions, laureats
from .sources import desaccords, identifiants_contestes


@dataclass
class Rapport:
    programme: Programme
    au: date
    departement: str = ""
    retards: list[str] = field(default_factory=list)
    incoherences: list[str] = field(default_factory=list)
    identifiants_contestes: list[str] = field(default_factory=list)
    desaccords: list[str] = field(default_factory=list)

    def texte(self) -> str:
        portee = f"département {self.departement}" if self.departement else "tous les départements"
        lignes = [f"Contrôle de {self.programme.nom} au {self.au:%d/%m/%Y} ({portee})", ""]
        lignes.append(f"Incohérences à corriger : {len(self.incoherences)}")
        lignes += [f"  - {i}" for i in self.incoherences] or ["  aucune"]
        lignes.append("")
        lignes.append(f"Étapes en retard : {len(self.retards)}")
        lignes += [f"  - {r}" for r in self.retards] or ["  aucune"]
        lignes.append("")
        lignes.append(f"Désaccords entre sources, à vérifier : {len(self.desaccords)}")
        lignes += [f"  - {d}" for d in self.desaccords] or ["  aucun"]
        lignes.append("")
        lignes.append(
            f"Identifiants nationaux contestés, à trancher (pvd identifiants) : {len(self.identifiants_contestes)}"
        )
        lignes += [f"  - {i}" for i in self.identifiants_contestes] or ["  aucun"]
        return "\n".join(lignes)


def controler(
    programme: Programme,
    au: date,
    departement: str = "",
    utilisateur=None,
    deja_calcules: list[Avancement] | None = None,
    conventions_lues: list[Convention] | None = None,
    echeances_lues: list | None = None,
) -> Rapport:
    """Le contrôle, pour `pvd check` comme pour la liste « À faire » du département (une seule règle) ;
    `utilisateur` : seulement son périmètre ; `deja_calcules` : les jalons que la page a déjà lus. Un nombre fixe de
    requêtes quel que soit le nombre de conventions ; `conventions_lues` : celles que la page a déjà lues (par
    `selectors.conventions`, avec les mêmes filtres) ; `echeances_lues` : les échéances ajoutées qu'elle a lues."""
    rapport = Rapport(programme, au, departement)
    if deja_calcules is None:
        liste = list(laureats(programme, au, departement=departement, utilisateur=utilisateur))
        deja_calcules = avancements(programme, liste, au)
    for avancement in deja_calcules:
        commune = avancement.laureat.commune
        adhesion, ort = avancement.jalon("adhesion"), avancement.jalon("cadre_ort")
        if ort.date and not adhesion.date:
            rapport.incoherences.append(
                f"{commune.nom} ({commune.code}) : convention-cadre ORT signée le {ort.date:%d/%m/%Y} alors que "
                "sa convention d'adhésion n'est pas enregistrée comme signée. Enregistrez la signature de "
                "l'adhésion (ou corrigez la date de l'ORT)."
            )
        for jalon in avancement.jalons:
            if jalon.etat == Etat.EN_RETARD:
                rapport.retards.append(f"{commune.nom} ({commune.code}) : {jalon.libelle}, {jalon.texte}.")

    liste_conventions = (
        conventions_lues
        if conventions_lues is not None
        else list(conventions(programme, au, departement=departement, utilisateur=utilisateur))
    )
    reference_laureats = {
        (code, jour)
        for code, jour in Laureat.objects.filter(programme=programme).values_list(
            "commune_id", "date_selection"
        )
    }
    selection_par_commune = defaultdict(list)
    for code, jour in reference_laureats:
        selection_par_commune[code].append(jour)
    references = {c.pk: c.date_signature or c.date_signature_prevue or au for c in liste_conventions}
    membres = communes_membres_epcis_au(
        [
            ([lien.commune for lien in c.communes.all() if not lien.exception], c.epci, references[c.pk])
            for c in liste_conventions
        ]
    )
    for convention, membres_au in zip(liste_conventions, membres, strict=True):
        statut = convention.statut_au(au)
        nom = f"{convention.titre} (n° {convention.pk})"
        if statut in (Convention.Statut.SIGNEE, Convention.Statut.RESILIEE) and not any(
            s.partie == Signataire.Partie.ETAT for s in convention.signataires.all()
        ):
            rapport.incoherences.append(
                f"{nom} : signée sans signataire de l'État. Ajoutez le préfet ou la préfète."
            )
        if (
            convention.type == Convention.Type.AVENANT
            and statut == Convention.Statut.SIGNEE
            and convention.parent.statut_au(au) != Convention.Statut.SIGNEE
        ):
            rapport.incoherences.append(f"{nom} : avenant signé d'une convention qui n'est pas signée.")
        reference = references[convention.pk]
        for lien in convention.communes.all():
            if lien.exception:
                continue
            commune = lien.commune
            if lien.role != ConventionCommune.Role.AUTRE and not any(
                jour <= reference for jour in selection_par_commune.get(commune.code, [])
            ):
                rapport.incoherences.append(
                    f"{nom} : {commune.nom} ({commune.code}) n'est pas lauréate à la date de la convention."
                )
            if commune.code not in membres_au:
                rapport.incoherences.append(
                    f"{nom} : {commune.nom} ({commune.code}) n'est pas membre de {convention.epci.nom} à la date de "
                    "la convention."
                )
    adhesions = defaultdict(list)
    for convention in liste_conventions:
        if (
            convention.type == Convention.Type.ADHESION
            and convention.statut_au(au) != Convention.Statut.RESILIEE
        ):
            for lien in convention.communes.all():
                adhesions[lien.commune].append(convention)
    for commune, doubles in sorted(adhesions.items(), key=lambda paire: paire[0].cle_tri):
        if len(doubles) > 1:
            rapport.incoherences.append(
                f"{commune.nom} ({commune.code}) a {len(doubles)} conventions d'adhésion : "
                + " ; ".join(c.reperes for c in doubles)
                + ". Une commune n'a qu'une convention d'adhésion : résiliez ou corrigez celle en trop."
            )
    if echeances_lues is None:
        echeances_lues = echeances_ajoutees(programme, au, departement, utilisateur)
    rapport.retards += [e.texte for e in echeances_lues if e.en_retard]
    rapport.desaccords = [d.texte for d in desaccords(programme, departement)]
    for identifiant, porteurs in identifiants_contestes(programme, departement).items():
        rapport.identifiants_contestes.append(texte_identifiant_conteste(identifiant, porteurs))
    return rapport


def texte_identifiant_conteste(identifiant: str, porteurs: list[Laureat]) -> str:
    """« pvd-44-52-1 : donné à Bourmont-… (52064, ligne 198), … ; retenu pour aucune » en une phrase."""
    morceaux = []
    for laureat in porteurs:
        lignes = [str(s.ligne) for s in laureat.sources.all() if s.identifiant == identifiant and s.ligne]
        ou = f", ligne {', '.join(lignes)}" if lignes else ""
        retenu = " — retenu" if laureat.identifiant_national == identifiant else ""
        morceaux.append(f"{laureat.commune.nom} ({laureat.commune_id}{ou}){retenu}")
    if len(porteurs) > 1:
        return f"« {identifiant} » est donné à {len(porteurs)} communes : {', '.join(morceaux)}."
    return f"« {identifiant} » est de forme inattendue ou contesté : {', '.join(morceaux)}."
