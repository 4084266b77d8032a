"""Le chemin unique de tout import : lire → reconnaître les colonnes → résoudre les communes → valider → aperçu →
confirmer → écrire en une transaction → compte rendu. Ce module lit (`lire` : colonnes reconnues, communes
résolues ligne par ligne) et tient ce qu'est un plan (`Ligne`, `Plan`) ; la reconnaissance des colonnes et le
catalogue des sources sont dans `colonnes.py`, la planification (`planifier`, `preparer`) dans `planification.py`,
l'écriture (appliquer, essayer à blanc, `importer`, `apercu`) dans `ecriture.py`.

Contrat :
- `preparer` (`lire` puis `planifier`) n'écrit rien : il rend un `Plan` qui dit, ligne par ligne, ce qui sera créé,
  modifié, laissé tel quel, ignoré ou refusé (et pourquoi) ; l'aperçu montre exactement ce plan ;
- chaque écriture prévue est permise par `accounts.perimetres.peut_ecrire_departement` pour l'auteur de l'import
  (le département de suivi), sinon sa ligne est refusée ;
- `importer` refait le plan dans la transaction d'écriture et l'applique par les services (règles et journal,
  canal « import ») ; si l'aperçu confirmé ne correspond plus au plan (quelqu'un a écrit entre-temps), rien n'est
  écrit ; une ligne refusée bloque tout, sauf si l'on choisit d'importer les seules lignes valides ;
- réimporter le même fichier ne change rien (« 0 créé, 0 modifié ») ;
- les colonnes de données personnelles de tiers (maire, courriel, téléphone…) sont écartées et le compte rendu le dit.

Sources : listes nationales de l'ANCT (PVD, ACV), fichier de suivi des ORT du ministère, tableur d'une préfecture
(colonnes à faire correspondre, une cellule peut nommer plusieurs communes : « Cazals et Salviac »).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.text import capfirst

from pvd.programmes.models import (
    Convention,
    DocumentSource,
    Programme,
)
from pvd.programmes.selectors import departements_principaux
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Commune, Departement, Epci
from pvd.territoires.resolution import RESOLU, Index, obtenir_index

from .colonnes import (  # noqa: F401 (ré-exportés : le site, `pvd import` et les tests les prennent ici)
    CHAMPS_TABLEUR,
    DONNEES_PERSONNELLES,
    SOURCES,
    colonnes_du_fichier,
    colonnes_reconnues,
    ligne_entete,
    proposer_correspondance,
)
from .lecture import lire_tableau

CREATION, MODIFICATION, INCHANGE, IGNOREE, REJET, AMBIGU = (
    "creation",
    "modification",
    "inchange",
    "ignoree",
    "rejet",
    "ambigu",
)
LIBELLES_STATUTS = {
    CREATION: "création",
    MODIFICATION: "modification",
    INCHANGE: "inchangée",
    IGNOREE: "ignorée",
    REJET: "refusée",
    AMBIGU: "à préciser",
}
SEPARATEURS_COMMUNES = re.compile(r"\s*(?:[,;/\n+]|\bet\b|&)\s*")
# `progression(etape, fait, total)` : l'avancement d'un import long (page de suivi, `pvd import`). Étapes : LUES (le
# fichier lu), RESOLUES (communes résolues ligne par ligne), ECRITES (écriture au registre : 0 au début de la
# transaction, toutes les lignes valides une fois validée). Appelée hors de la transaction d'écriture seulement.
Progression = Callable[[str, int, int], None]
LUES, RESOLUES, ECRITES = "lues", "resolues", "ecrites"
PAS_DE_PROGRESSION = 200  # lignes résolues entre deux nouvelles
DATE_DANS_LE_NOM = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def date_du_nom(nom_fichier: str) -> date | None:
    """« anct-pvd-liste-2021-01-22.csv » → le 22 janvier 2021 : la date d'un document, quand son nom la donne."""
    trouvee = DATE_DANS_LE_NOM.search(nom_fichier)
    if not trouvee:
        return None
    try:
        return date(*(int(x) for x in trouvee.groups()))
    except ValueError:
        return None


class ImportRefuse(Exception):
    """Rien n'a été écrit ; le message dit pourquoi. `plan` : l'aperçu avec ses lignes refusées, quand il y en a un
    (la ligne de commande les montre alors une fois, dans son résumé) ; `detail` : ces lignes, pour les autres."""

    def __init__(self, message: str, plan: Plan | None = None, detail: str = "") -> None:
        super().__init__(f"{message} {detail}" if detail else message)
        self.message = message
        self.plan = plan


@dataclass
class Ligne:
    numero: int
    valeurs: dict
    statut: str = INCHANGE
    messages: list[str] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    candidats: list = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    def avertir(self, message: str) -> None:
        """Un désaccord que l'import n'arrête pas (identifiant contesté) : la ligne passe, l'aperçu le montre."""
        self.avertissements.append(message)
        self.messages.append(f"attention : {message}")

    def refuser(self, message: str, statut: str = REJET) -> None:
        self.statut = statut
        if message not in self.messages:  # une cellule lue deux fois ne fait pas deux refus
            self.messages.append(message)

    def noter(self, statut: str, message: str) -> None:
        ordre = [INCHANGE, MODIFICATION, CREATION]
        if self.statut in ordre and ordre.index(statut) > ordre.index(self.statut):
            self.statut = statut
        if message not in self.messages:
            self.messages.append(message)

    @property
    def valide(self) -> bool:
        return self.statut not in (REJET, AMBIGU)

    @property
    def cle_choix(self) -> str:
        """La clé du choix de commune : « 12 », ou « 12.1 » pour la 2e commune d'une cellule qui en nomme plusieurs."""
        return str(self.valeurs.get("_partie") or self.numero)


@dataclass
class GroupeConvention:
    type: str
    epci_id: str
    communes: list[Commune] = field(default_factory=list)
    date_signature: date | None = None
    date_prevue: date | None = None
    precision: str = "jour"
    duree: int | None = None
    lignes: list[int] = field(default_factory=list)
    parent: Convention | None = None  # la convention-cadre qu'un avenant modifie


@dataclass
class Plan:
    source: str
    nom_fichier: str
    empreinte: str
    programme: Programme
    departement: Departement | None
    colonnes: dict = field(default_factory=dict)  # en-tête du fichier → champ
    colonnes_ecartees: list[str] = field(default_factory=list)
    lignes: list[Ligne] = field(default_factory=list)
    laureats_a_creer: list[dict] = field(default_factory=list)
    laureats_a_modifier: list[tuple] = field(default_factory=list)
    conventions_a_creer: list[GroupeConvention] = field(default_factory=list)
    conventions_a_signer: list[tuple] = field(default_factory=list)
    conventions_a_modifier: list[tuple] = field(default_factory=list)
    date_document: date | None = None
    document: DocumentSource | None = None  # déjà au registre (même empreinte) : réimport
    sources_a_ajouter: list[dict] = field(default_factory=list)  # lauréats existants que ce fichier cite
    _suivis: dict[str, Departement] = field(default_factory=dict, repr=False)
    _cites: set[int] = field(default_factory=set, repr=False)  # lauréats dont ce document est déjà une source
    _porteurs: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # identifiant → communes
    _identifiants_registre: dict[str, str] = field(default_factory=dict, repr=False)  # identifiant → commune
    _departements: dict[str, Departement] = field(default_factory=dict, repr=False)
    auteur: object = (
        None  # le compte qui importe ; None : la ligne de commande (l'exploitant), qui écrit tout
    )

    def precharger_suivis(self, epcis: list[Epci]) -> None:
        """Les départements de suivi de tous ces EPCI, en deux requêtes (une liste nationale en compte mille)."""
        manquants = {epci.siren: epci for epci in epcis if epci.siren not in self._suivis}
        if manquants:
            self._suivis.update(departements_principaux(list(manquants.values())))

    def suivi_epci(self, epci: Epci) -> Departement:
        """Le département de suivi d'un EPCI, calculé une fois par import."""
        self.precharger_suivis([epci])
        return self._suivis[epci.siren]

    def suivi(self, commune: Commune) -> Departement:
        return self.suivi_epci(commune.epci) if commune.epci_id else commune.departement

    def comptes(self) -> dict[str, int]:
        compte = defaultdict(int)
        for ligne in self.lignes:
            compte[ligne.statut] += 1
        return {"lignes": len(self.lignes), **{s: compte[s] for s in LIBELLES_STATUTS}}

    @property
    def refusees(self) -> list[Ligne]:
        return [ligne for ligne in self.lignes if not ligne.valide]

    @property
    def avertissements(self) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.valide and ligne.avertissements]

    @property
    def titre_document(self) -> str:
        return f"{capfirst(SOURCES[self.source]['nom'])} : {self.nom_fichier}"

    def signature(self) -> str:
        """Une empreinte des écritures prévues : l'aperçu confirmé doit être celui qu'on écrit."""
        morceaux = [
            repr(
                sorted(
                    (d["commune"].code, str(d["date_selection"]), d["identifiant"], d["conteste"])
                    for d in self.laureats_a_creer
                )
            ),
            repr(
                sorted(
                    (lau.pk, sorted((k, str(v)) for k, v in ch.items()))
                    for lau, ch, _ in self.laureats_a_modifier
                )
            ),
            repr(sorted((d["laureat"].pk, d["ligne"]) for d in self.sources_a_ajouter)),
            repr(
                sorted(
                    (
                        g.type,
                        g.epci_id,
                        sorted(c.code for c in g.communes),
                        g.parent.pk if g.parent else None,
                        str(g.date_signature),
                        str(g.date_prevue),
                    )
                    for g in self.conventions_a_creer
                )
            ),
            repr(sorted((c.pk, c.version, str(d)) for c, d, _, _ in self.conventions_a_signer)),
            repr(
                sorted(
                    (c.pk, c.version, sorted((k, str(v)) for k, v in ch.items()))
                    for c, ch, _ in self.conventions_a_modifier
                )
            ),
        ]
        return hashlib.sha256("|".join(morceaux).encode()).hexdigest()[:16]


# Résolution des communes -----------------------------------------------------------------------------------------


def _resoudre_une(index: Index, texte: str, departement: str, choix: str | None):
    if choix:
        return index.resoudre(choix, "commune")
    return index.resoudre(texte, "commune", departement=departement)


def _communes_de_la_ligne(ligne: Ligne, index: Index, departement: str, choix: dict[str, str]) -> None:
    code = str(ligne.valeurs.get("code") or "").strip()
    nom = str(ligne.valeurs.get("nom") or ligne.valeurs.get("commune") or "").strip()
    numero = str(ligne.numero)
    if code:
        r = index.resoudre(choix.get(numero) or code, "commune")
        if r.statut != RESOLU and not r.candidats and not choix.get(numero):
            nomme = f" (la ligne la nomme « {nom} »)" if nom else ""
            ligne.refuser(
                f"code commune « {code} » : aucune commune ne porte ce code dans le Code officiel géographique, ni "
                f"aujourd'hui ni dans son historique{nomme}. Corrigez le code, ou écartez la ligne."
            )
            return
        if r.statut != RESOLU:
            ligne.refuser(f"code commune « {code} » : {r.message}")
            return
        if nom and not choix.get(numero):
            par_nom = index.resoudre(nom, "commune", departement=r.resultat.departement)
            if par_nom.statut == RESOLU and par_nom.code != r.code:
                ligne.candidats = [r.resultat, par_nom.resultat]
                ligne.refuser(
                    f"le code {code} désigne {r.resultat.nom}, mais le nom « {nom} » désigne {par_nom.resultat.nom} "
                    f"({par_nom.code}) : choisissez.",
                    AMBIGU,
                )
                return
        ligne.valeurs["_codes"] = [r.code]
        return
    if not nom:
        ligne.refuser("aucune commune : la colonne du nom (ou du code INSEE) est vide.")
        return
    r = _resoudre_une(index, nom, departement, choix.get(numero))
    textes = [nom]
    resolutions = [r]
    if r.statut != RESOLU:
        parties = [p for p in SEPARATEURS_COMMUNES.split(nom) if p.strip()]
        if len(parties) > 1:
            textes = parties
            resolutions = [
                _resoudre_une(index, p, departement, choix.get(f"{numero}.{i}"))
                for i, p in enumerate(parties)
            ]
    codes = []
    for i, (texte, resolution) in enumerate(zip(textes, resolutions, strict=True)):
        if resolution.statut == RESOLU:
            codes.append(resolution.code)
            continue
        ligne.candidats = list(resolution.candidats)
        ligne.valeurs["_partie"] = f"{numero}.{i}" if len(textes) > 1 else numero
        statut = AMBIGU if resolution.candidats else REJET
        ligne.refuser(f"commune « {texte} » : {resolution.message}", statut)
        return
    ligne.valeurs["_codes"] = codes


# Préparation -----------------------------------------------------------------------------------------------------


@dataclass
class Lecture:
    """Le fichier lu, ses colonnes reconnues et ses communes résolues : le plus long d'un import (un tableur de
    35 000 lignes y passe l'essentiel de son temps), qui ne lit rien du registre du programme. `importer` la fait
    avant d'ouvrir sa transaction d'écriture, qui reste courte ; `planifier` en tire le plan, autant de fois qu'il
    le faut, sans la refaire."""

    source: str
    nom_fichier: str
    empreinte: str
    programme: Programme
    departement: Departement | None
    colonnes: dict
    colonnes_ecartees: list[str]
    lignes: list[Ligne]
    date_document: date | None
    type_par_defaut: str
    auteur: object = None


def lire(
    contenu: bytes,
    nom_fichier: str,
    source: str,
    *,
    departement: Departement | None = None,
    correspondance: dict[str, str] | None = None,
    choix: dict[str, str] | None = None,
    type_par_defaut: str = Convention.Type.ADHESION,
    date_document: date | None = None,
    auteur=None,
    progression: Progression | None = None,
) -> Lecture:
    """Lit le fichier, reconnaît ses colonnes et résout ses communes, sans rien lire du registre ni rien écrire ;
    `progression` est tenue au courant (lignes lues, puis résolues)."""
    if source not in SOURCES:
        raise ImportRefuse(f"Source inconnue : « {source} ». Sources : {', '.join(SOURCES)}.")
    programme = Programme.objects.filter(slug=SOURCES[source]["programme"]).first()
    if programme is None:
        raise ImportRefuse(f"Le programme « {SOURCES[source]['programme']} » n'existe pas dans le registre.")
    if source == "tableur" and not correspondance:
        raise ImportRefuse("Pour un tableur, indiquez quelle colonne donne quel champ (au moins la commune).")
    tableau = lire_tableau(contenu, nom_fichier)
    indice = ligne_entete(tableau, source, correspondance or {})
    entete = tableau.lignes[indice]
    champs, ecartees = colonnes_reconnues(source, entete, correspondance)
    if not {"code", "nom", "commune"} & set(champs.values()):
        raise FichierIllisible(
            f"{nom_fichier}, ligne {indice + 1} : aucune colonne de commune reconnue "
            f"(colonnes lues : {', '.join(str(t) for t in entete if str(t).strip())})."
        )
    lecture = Lecture(
        source,
        nom_fichier,
        hashlib.sha256(contenu).hexdigest(),
        programme,
        departement,
        {str(entete[i]): c for i, c in champs.items()},
        ecartees,
        [],
        date_document or date_du_nom(nom_fichier),
        type_par_defaut,
        auteur,
    )
    index = obtenir_index()
    code_dep = departement.code if departement else ""
    donnees = [
        (numero, cellules)
        for numero, cellules in enumerate(tableau.lignes[indice + 1 :], start=indice + 2)
        if any(str(c).strip() for c in cellules if c is not None)
    ]
    total = len(donnees)
    if progression is not None:
        progression(LUES, total, total)
    for rang, (numero, cellules) in enumerate(donnees, start=1):
        valeurs = {champ: cellules[i] if i < len(cellules) else "" for i, champ in champs.items()}
        ligne = Ligne(numero, valeurs)
        lecture.lignes.append(ligne)
        _communes_de_la_ligne(ligne, index, code_dep, choix or {})
        if progression is not None and (rang % PAS_DE_PROGRESSION == 0 or rang == total):
            progression(RESOLUES, rang, total)
    if progression is not None and not total:
        progression(RESOLUES, 0, 0)
    codes = {code for ligne in lecture.lignes for code in ligne.valeurs.get("_codes", [])}
    communes = Commune.objects.in_bulk(list(codes))
    epcis = Epci.objects.in_bulk({c.epci_id for c in communes.values() if c.epci_id})
    for commune in communes.values():  # un objet par EPCI, partagé par ses communes (un import en lit 35 000)
        if commune.epci_id:
            commune.epci = epcis[commune.epci_id]
    for ligne in lecture.lignes:
        ligne.communes = [communes[code] for code in ligne.valeurs.pop("_codes", [])]
    return lecture


ECRITURE = ("TRACE_IMPORT", "apercu", "importer", "simuler")
PLANIFICATION = ("planifier", "preparer")


def __getattr__(nom: str):
    """Le plan vit dans `planification.py` et l'écriture dans `ecriture.py`, qui prennent la lecture ici ; leurs noms
    publics restent importables depuis ce module (`from pvd.imports.pipeline import importer`), chargés à la
    demande pour ne pas s'importer en boucle."""
    if nom in ECRITURE:
        from . import ecriture

        return getattr(ecriture, nom)
    if nom in PLANIFICATION:
        from . import planification

        return getattr(planification, nom)
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
