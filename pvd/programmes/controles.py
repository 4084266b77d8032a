"""`pvd check` : les retards (information) et les incohérences des données (à corriger), en français.

Incohérences recherchées :
- une convention-cadre ORT signée alors que l'adhésion de la commune n'est pas enregistrée comme signée ;
- une convention signée sans signataire de l'État ;
- une commune de convention qui n'est pas lauréate, ou pas membre de l'EPCI, sans exception confirmée ;
- un avenant signé dont la convention modifiée n'est pas signée ;
- un chef de projet couvrant un lauréat sorti du programme avant sa prise de poste.

À vérifier (sans changer le code de sortie : ce sont des désaccords entre sources, que le registre garde) :
- les identifiants nationaux contestés (partagés par plusieurs communes, ou de forme inattendue) ;
- les lauréates absentes d'un document qui se dit complet pour leur périmètre (voir `sources.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .jalons import Etat, avancements
from .models import Convention, ConventionCommune, Laureat, Programme, Signataire
from .selectors import commune_membre_epci_au, conventions, laureats
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


def controler(programme: Programme, au: date, departement: str = "") -> Rapport:
    rapport = Rapport(programme, au, departement)
    liste = list(laureats(programme, au, departement=departement))
    for avancement in avancements(programme, liste, au):
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

    liste_conventions = list(conventions(programme, au, departement=departement))
    reference_laureats = {
        (code, jour)
        for code, jour in Laureat.objects.filter(programme=programme).values_list(
            "commune_id", "date_selection"
        )
    }
    selection_par_commune = defaultdict(list)
    for code, jour in reference_laureats:
        selection_par_commune[code].append(jour)
    for convention in liste_conventions:
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
        reference = convention.date_signature or convention.date_signature_prevue or au
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
            if not commune_membre_epci_au(commune, convention.epci, reference):
                rapport.incoherences.append(
                    f"{nom} : {commune.nom} ({commune.code}) n'est pas membre de {convention.epci.nom} à la date de "
                    "la convention."
                )
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
