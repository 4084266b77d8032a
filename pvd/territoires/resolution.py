"""Résolution de noms : quel commune ou quel EPCI un texte écrit par un humain désigne-t-il ?

Un seul service, utilisé partout (imports, recherche, API, CLI). Il rend toujours l'un de trois verdicts :
- **résolu** : une seule réponse, avec sa raison (code, nom exact, nom normalisé, alias, ancien nom, ancien code,
  début de nom, sigle d'EPCI, nom suivi d'un territoire, mots du nom d'un EPCI, nom approchant) ;
- **ambigu** : plusieurs candidats plausibles (homonymes sans contexte, nom partiel, correspondance hors du
  contexte donné…), du plus probable au moins probable, chacun avec sa raison ;
- **introuvable** : rien de sûr, avec les candidats les plus proches.

Principe : ne jamais deviner en silence. Plus de 1 400 noms sont portés par plusieurs communes ; sans contexte
(département, EPCI, code postal) un tel nom est ambigu. Un nom approchant ou partiel, un sigle, un nom d'usage ou un
nom d'EPCI incomplet n'est retenu seul que dans un contexte donné, et seulement s'il y est unique.

Pièges traités : « Puy l'évêque » (accents, apostrophes), « St-Céré » (abréviations), « Vigan (Le) » (article
déplacé), « Limogne » (début du nom de Limogne-en-Quercy), « Castelnau-Montratier-Sainte-Alauzie » (nom de 2021),
codes absorbés par une commune nouvelle, « Capdenac-Gare » (Aveyron) cherché dans le Lot, où son EPCI s'étend,
« Cauvaldor » (alias), « CC du Quercy Blanc » (forme juridique), « 46 - Gramat » (département dans le texte),
« CCGF » (sigle ; CCQB est ambigu dans le Lot : Quercy Blanc ou Quercy-Bouriane), « Gourdon-en-Quercy » (nom
d'usage ; « Ussat-les-Bains » est ambigu : Ussat ou Ornolac-Ussat-les-Bains), « Communauté de communes
Lalbenque-Limogne » (mots omis du « Pays de Lalbenque-Limogne »).

L'index vit en mémoire de chaque processus ; il est reconstruit quand le compteur `EtatReferentiel` change
(import du référentiel, ajout d'un alias), ce qui coûte une requête par appel.
"""

from __future__ import annotations

import gc
import re
import threading
from bisect import bisect_left
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .normalisation import (
    ARTICLES,
    MOTS_COURANTS,
    a_forme_epci,
    cle,
    cle_epci,
    mots_significatifs,
    sans_article_initial,
    sigle_ecrit,
    sigles_epci,
)

Type = Literal["commune", "epci"]
TYPES: tuple[Type, ...] = ("commune", "epci")

RESOLU, AMBIGU, INTROUVABLE = "resolu", "ambigu", "introuvable"

RAISONS = {
    "code_insee": "code INSEE",
    "siren": "numéro SIREN",
    "ancien_siren": "SIREN d'un EPCI d'avant une fusion",
    "code_postal": "code postal",
    "exact": "nom officiel exact",
    "normalise": "nom officiel, aux accents, majuscules, tirets ou abréviations près",
    "alias": "nom d'usage enregistré (alias)",
    "ancien_nom": "ancien nom",
    "ancien_code": "ancien code INSEE",
    "sans_article": "nom officiel sans son article",
    "nom_partiel": "début du nom officiel",
    "sigle": "sigle de l'EPCI",
    "nom_et_territoire": "nom officiel suivi d'un nom de territoire",
    "mots_du_nom": "mots du nom officiel, dans l'ordre (d'autres omis ou ajoutés)",
    "autre_lecture": "autre nom officiel qui commence par le même nom, ou contient tout le texte",
    "approchant": "nom approchant (faute de frappe probable)",
}
SCORES = {
    "code_insee": 100,
    "siren": 100,
    "exact": 100,
    "normalise": 98,
    "alias": 97,
    "ancien_code": 96,
    "ancien_siren": 96,
    "ancien_nom": 95,
    "sans_article": 92,
    "code_postal": 90,
    "nom_partiel": 85,
    "sigle": 82,
    "nom_et_territoire": 82,
    "mots_du_nom": 80,
}
SEUIL_CANDIDAT = 70
MAX_CANDIDATS = 8

_CODE_INSEE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
_CODE_POSTAL = re.compile(r"^[0-9]{5}$")
_SIREN = re.compile(r"^[0-9]{9}$")
_DEPARTEMENT_EN_TETE = re.compile(
    r"^\s*(?P<dep>97[1-8]|2[AB]|[0-9]{2})\s*[-–—:]\s*(?P<nom>\S.*)$", re.IGNORECASE
)
_DEPARTEMENT_EN_FIN = re.compile(
    r"^(?P<nom>.*\S)\s*\(\s*(?P<dep>97[1-8]|2[AB]|[0-9]{2})\s*\)\s*$", re.IGNORECASE
)
# « Nogaro-en-Armagnac », « Saint Sever sur Adour », « Hyères - les Palmiers » : un nom suivi d'une liaison et
# d'un nom de territoire.
_LIAISON_TERRITOIRE = re.compile(
    r"(?P<sep>\s*-\s*|\s+)(?P<liaison>en|sur|sous|l[eè]s|lez|de|du|des|d['’]|aux?)(?=\s*-\s*|\s+|(?<=['’]))",
    re.IGNORECASE,
)
_ELISION = re.compile(r"^[ld]['’]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entite:
    type: Type
    code: str
    nom: str
    departements: tuple[str, ...]
    epci: str = ""
    population: int = 0
    codes_postaux: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidat:
    type: Type
    code: str
    nom: str
    departement: str
    score: float
    raison: str
    detail: str = ""
    population: int = 0

    @property
    def explication(self) -> str:
        texte = RAISONS.get(self.raison, self.raison)
        return f"{texte} : {self.detail}" if self.detail else texte

    def libelle(self) -> str:
        return f"{self.code} {self.nom} ({self.departement})"


@dataclass(frozen=True)
class Contexte:
    departement: str = ""
    epci: str = ""
    code_postal: str = ""

    def __bool__(self) -> bool:
        return bool(self.departement or self.epci or self.code_postal)

    def decrire(self) -> str:
        parts = []
        if self.departement:
            parts.append(f"département {self.departement}")
        if self.epci:
            parts.append(f"EPCI {self.epci}")
        if self.code_postal:
            parts.append(f"code postal {self.code_postal}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Resolution:
    texte: str
    statut: str
    resultat: Candidat | None = None
    candidats: tuple[Candidat, ...] = ()
    message: str = ""
    contexte: Contexte = field(default_factory=Contexte)

    @property
    def code(self) -> str:
        return self.resultat.code if self.resultat else ""

    def as_dict(self) -> dict:
        def candidat(c: Candidat) -> dict:
            return {**asdict(c), "explication": c.explication}

        return {
            "texte": self.texte,
            "statut": self.statut,
            "code": self.code,
            "type": self.resultat.type if self.resultat else None,
            "nom_officiel": self.resultat.nom if self.resultat else None,
            "score": self.resultat.score if self.resultat else None,
            "raison": self.resultat.raison if self.resultat else None,
            "message": self.message,
            "candidats": [candidat(c) for c in self.candidats],
        }


@dataclass(slots=True)
class _Touche:
    entite: Entite
    raison: str
    detail: str = ""
    score: float = 0.0

    def candidat(self) -> Candidat:
        return Candidat(
            type=self.entite.type,
            code=self.entite.code,
            nom=self.entite.nom,
            departement=", ".join(self.entite.departements),
            score=round(self.score or SCORES.get(self.raison, 0), 1),
            raison=self.raison,
            detail=self.detail,
            population=self.entite.population,
        )


class Index:
    """Les noms et codes du référentiel, rangés pour une recherche en temps constant."""

    def __init__(self) -> None:
        # Par type puis par code : pas de tuple (type, code) par entité (35 000 de moins dans chaque worker).
        self.entites: dict[Type, dict[str, Entite]] = {t: {} for t in TYPES}
        self.noms: dict[Type, dict[str, list[Entite]]] = {t: defaultdict(list) for t in TYPES}
        self.noms_sans_article: dict[Type, dict[str, list[Entite]]] = {t: defaultdict(list) for t in TYPES}
        self.anciens_noms: dict[Type, dict[str, list[tuple[Entite, str]]]] = {
            t: defaultdict(list) for t in TYPES
        }
        self.alias: dict[Type, dict[str, Entite]] = {t: {} for t in TYPES}
        self.anciens_codes: dict[str, list[tuple[Entite, str]]] = defaultdict(list)
        self.anciens_sirens: dict[str, list[tuple[Entite, str]]] = defaultdict(list)
        self.sirens: dict[str, Entite] = {}
        self.codes_postaux: dict[str, list[Entite]] = defaultdict(list)
        self.par_departement: dict[Type, dict[str, list[tuple[str, Entite]]]] = {
            t: defaultdict(list) for t in TYPES
        }
        self.par_epci: dict[str, list[tuple[str, Entite]]] = defaultdict(list)
        self.tous: dict[Type, list[tuple[str, Entite]]] = {t: [] for t in TYPES}
        self.departements_epci: dict[str, tuple[str, ...]] = {}
        self.sigles: dict[str, list[tuple[Entite, str]]] = defaultdict(list)
        self.mots_epci: dict[str, tuple[str, ...]] = {}
        self._tries: dict[Type, tuple[list[str], list[Entite]]] = {}
        self._anciens_tries: dict[Type, list[str]] = {}

    # Construction -------------------------------------------------------------------------------------------

    def cle_pour(self, type_: Type, texte: str) -> str:
        return cle_epci(texte) if type_ == "epci" else cle(texte)

    def ajouter_commune(self, entite: Entite, siren: str = "") -> None:
        paire = self._ajouter(entite)
        if siren:
            self.sirens[siren] = entite
        for cp in entite.codes_postaux:
            self.codes_postaux[cp].append(entite)
        if entite.epci:
            self.par_epci[entite.epci].append(paire)

    def ajouter_epci(self, entite: Entite) -> None:
        self._ajouter(entite)
        self.sirens[entite.code] = entite
        self.departements_epci[entite.code] = entite.departements
        self.mots_epci[entite.code] = mots_significatifs(self.cle_pour("epci", entite.nom))
        self._ajouter_sigles(entite, entite.nom, f"tiré de « {entite.nom} »")

    def _ajouter_sigles(self, entite: Entite, nom: str, detail: str) -> None:
        for sigle in sigles_epci(nom):
            _noter(self.sigles[sigle], entite, detail)

    def _ajouter(self, entite: Entite) -> tuple[str, Entite]:
        """Range l'entité sous son nom officiel ; rend la paire (clé du nom, entité), un seul tuple partagé par
        toutes les listes qui la rangent (`tous`, `par_departement`, `par_epci`) : 35 000 communes, autant de
        tuples en moins par liste dans chaque worker."""
        self.entites[entite.type][entite.code] = entite
        cle_nom = self.cle_pour(entite.type, entite.nom)
        self.noms[entite.type][cle_nom].append(entite)
        court = sans_article_initial(cle_nom)
        if court != cle_nom:
            self.noms_sans_article[entite.type][court].append(entite)
        paire = (cle_nom, entite)
        self.tous[entite.type].append(paire)
        for dep in entite.departements:
            self.par_departement[entite.type][dep].append(paire)
        return paire

    def ajouter_ancien_nom(self, type_: Type, code_actuel: str, nom: str, detail: str) -> None:
        entite = self.entites[type_].get(code_actuel)
        if entite is None or not nom:
            return
        cle_nom = self.cle_pour(type_, nom)
        if cle_nom == self.cle_pour(type_, entite.nom):
            return
        _noter(self.anciens_noms[type_][cle_nom], entite, detail)
        if type_ == "epci":
            self._ajouter_sigles(entite, nom, f"tiré de l'ancien nom {detail}")

    def ajouter_ancien_code(self, code: str, code_actuel: str, detail: str) -> None:
        entite = self.entites["commune"].get(code_actuel)
        if entite is not None and code != code_actuel:
            _noter(self.anciens_codes[code], entite, detail)

    def ajouter_ancien_siren(self, siren: str, siren_actuel: str, detail: str) -> None:
        entite = self.entites["epci"].get(siren_actuel)
        if entite is not None and siren != siren_actuel:
            _noter(self.anciens_sirens[siren], entite, detail)

    def ajouter_alias(self, type_: Type, cle_alias: str, code: str) -> None:
        entite = self.entites[type_].get(code)
        if entite is not None:
            self.alias[type_][cle_alias] = entite

    # Recherche -----------------------------------------------------------------------------------------------

    def resoudre(
        self,
        texte: str,
        type_: Type | None = None,
        departement: str = "",
        epci: str = "",
        code_postal: str = "",
    ) -> Resolution:
        """Résout `texte` en commune ou EPCI (`type_` None : l'un ou l'autre), dans un contexte facultatif."""
        brut = (texte or "").strip()
        departement = (departement or "").strip().upper()
        if departement.isdigit() and len(departement) == 1:
            departement = "0" + departement
        extrait = _DEPARTEMENT_EN_TETE.match(brut) or _DEPARTEMENT_EN_FIN.match(brut)
        if extrait and not _CODE_INSEE.match(brut.replace(" ", "")):
            brut = extrait["nom"].strip()
            departement = departement or extrait["dep"].upper()
        contexte = Contexte(departement, (epci or "").replace(" ", ""), (code_postal or "").strip())
        if not brut:
            return Resolution(texte, INTROUVABLE, message="Le nom est vide.", contexte=contexte)

        par_code = self._par_code(brut, type_, contexte)
        if par_code is not None:
            return par_code

        if type_ is None and a_forme_epci(brut):
            type_ = "epci"
        if type_ is not None:
            return self._resoudre_type(texte, brut, type_, contexte)[1]

        rang_c, commune = self._resoudre_type(texte, brut, "commune", contexte, seul=False)
        rang_e, epci_res = self._resoudre_type(texte, brut, "epci", contexte, seul=False)
        if commune.statut == INTROUVABLE and epci_res.statut == INTROUVABLE:
            proches = sorted([*commune.candidats, *epci_res.candidats], key=lambda c: -c.score)
            return Resolution(
                texte,
                INTROUVABLE,
                candidats=tuple(proches[:MAX_CANDIDATS]),
                message=commune.message,
                contexte=contexte,
            )
        # À rang égal, un nom nu (sans « CC », « Communauté de… ») désigne la commune : « Lyon » est la ville,
        # pas la « Métropole de Lyon ».
        if epci_res.statut == INTROUVABLE or (commune.statut != INTROUVABLE and rang_c <= rang_e):
            return commune
        return epci_res

    def suggerer(self, texte: str, limite: int = 8) -> list[Candidat]:
        """Recherche au fil de la frappe : ce que le résolveur retient, puis les noms qui commencent ainsi."""
        resolution = self.resoudre(texte)
        trouves = [resolution.resultat] if resolution.resultat else list(resolution.candidats)
        debuts: list[tuple[bool, int, _Touche]] = []
        for type_ in TYPES:
            cle_texte = self.cle_pour(type_, texte)
            if len(cle_texte) < 2:
                continue
            mot = " " + cle_texte
            for k, e in self.tous[type_]:
                if k.startswith(cle_texte) or mot in k:
                    debuts.append((not k.startswith(cle_texte), -e.population, _Touche(e, "nom_partiel")))
        debuts.sort(key=lambda d: d[:2])
        trouves += [t.candidat() for _, _, t in debuts[: limite * 2]]
        uniques: dict[tuple[str, str], Candidat] = {}
        for c in trouves:
            uniques.setdefault((c.type, c.code), c)
        return list(uniques.values())[:limite]

    def _par_code(self, brut: str, type_: Type | None, contexte: Contexte) -> Resolution | None:
        compact = brut.replace(" ", "").upper()
        if type_ != "epci" and _CODE_INSEE.match(compact):
            entite = self.entites["commune"].get(compact)
            if entite:
                return _resolu(brut, _Touche(entite, "code_insee"), contexte)
            anciens = self.anciens_codes.get(compact, [])
            if len(anciens) == 1:
                entite, detail = anciens[0]
                return _resolu(brut, _Touche(entite, "ancien_code", detail), contexte)
            if _CODE_POSTAL.match(compact):
                communes = [e for e in self.codes_postaux.get(compact, []) if _dans(e, contexte, "commune")]
                if len(communes) == 1:
                    return _resolu(brut, _Touche(communes[0], "code_postal"), contexte)
                if communes:
                    return _ambigu(
                        brut,
                        [_Touche(e, "code_postal") for e in communes],
                        "Ce code postal couvre plusieurs communes.",
                        contexte,
                    )
            return Resolution(
                brut, INTROUVABLE, message=f"Aucune commune ne porte le code {compact}.", contexte=contexte
            )
        if _SIREN.match(compact):
            entite = self.sirens.get(compact)
            if entite and (type_ is None or entite.type == type_):
                return _resolu(brut, _Touche(entite, "siren"), contexte)
            anciens = self.anciens_sirens.get(compact, [])
            if len(anciens) == 1 and type_ != "commune":
                entite, detail = anciens[0]
                return _resolu(brut, _Touche(entite, "ancien_siren", detail), contexte)
            return Resolution(
                brut,
                INTROUVABLE,
                message=f"Aucun EPCI ni commune ne porte le SIREN {compact}.",
                contexte=contexte,
            )
        return None

    def _resoudre_type(
        self, texte: str, brut: str, type_: Type, contexte: Contexte, seul: bool = True
    ) -> tuple[int, Resolution]:
        """Cherche étape par étape ; rend le rang de l'étape décisive (plus petit = plus sûr) et le verdict.

        `seul` : le type est demandé (ou le texte a la forme d'un nom d'EPCI), il n'est pas mis en concurrence
        avec l'autre type.
        """
        cle_texte = self.cle_pour(type_, brut)
        hors_contexte: list[_Touche] = []
        etapes = [
            self._noms_officiels(type_, brut, cle_texte),
            [_Touche(e, "alias") for e in [self.alias[type_].get(cle_texte)] if e],
            [_Touche(e, "ancien_nom", d) for e, d in self.anciens_noms[type_].get(cle_texte, [])],
            [_Touche(e, "sans_article") for e in self.noms_sans_article[type_].get(cle_texte, [])],
        ]
        for rang, touches in enumerate(etapes):
            if not touches:
                continue
            retenues = self._filtrer(touches, type_, contexte)
            if retenues:
                if rang == 0:
                    retenues = self._avec_homonymes_anciens(retenues, type_, cle_texte, contexte)
                return rang, _decider(texte, retenues, contexte)
            hors_contexte.extend(touches)

        # Un début de nom unique dans le contexte donné l'emporte sur un nom exact d'un autre département :
        # « Durban » dans l'Ariège est Durban-sur-Arize, pas Durban (Gers).
        partiels = self._partiels(type_, cle_texte, contexte)
        if partiels and contexte and len(partiels) == 1:
            return 4, _resolu(texte, partiels[0], contexte)
        # Formes tirées du nom officiel (sigle, nom suivi d'un territoire, mots du nom) : quand rien de plus sûr.
        derives, ailleurs = [], []
        if not partiels:
            derives, ailleurs = self._formes_derivees(type_, brut, cle_texte, contexte, seul)
        message = (
            f"Aucune correspondance dans le contexte donné ({contexte.decrire()}) ; "
            "des correspondances existent ailleurs."
        )
        if hors_contexte:
            if partiels or derives:
                message = (
                    f"Dans le contexte donné ({contexte.decrire()}), seulement des débuts ou des formes du nom "
                    "officiel : à confirmer ; des correspondances existent ailleurs."
                )
            tous = [*partiels, *derives, *hors_contexte, *ailleurs]
            return 5, _ambigu(texte, tous, message, contexte, prioritaires=[*partiels, *derives])
        if partiels:
            message = (
                "Plusieurs noms officiels commencent ainsi."
                if len(partiels) > 1
                else "Ce n'est que le début d'un nom officiel : à confirmer, ou précisez le département."
            )
            return 4, _ambigu(texte, partiels, message, contexte)
        if derives:
            return 4, self._decider_forme(texte, type_, cle_texte, derives, contexte)
        approchants = self._approchants(texte, type_, cle_texte, contexte)
        if ailleurs and approchants.statut != RESOLU:
            # « Berck-sur-Mer » cherché dans le Lot : Berck est dans le Pas-de-Calais.
            return 5, _ambigu(texte, [*ailleurs], message, contexte)
        return 6, approchants

    # Formes tirées du nom officiel ----------------------------------------------------------------------------

    def _formes_derivees(
        self, type_: Type, brut: str, cle_texte: str, contexte: Contexte, seul: bool
    ) -> tuple[list[_Touche], list[_Touche]]:
        """Sigle d'EPCI (« CCGF »), nom de commune suivi d'un territoire (« Nogaro-en-Armagnac »), nom d'EPCI aux
        mots omis ou ajoutés (« CC Lalbenque-Limogne ») : les correspondances dans le contexte, et ailleurs."""
        if type_ == "epci":
            sigle = sigle_ecrit(brut)
            if sigle:
                touches = [_Touche(e, "sigle", d) for e, d in self.sigles.get(sigle, [])]
            elif seul:
                touches = self._mots_du_nom(cle_texte, contexte)
            else:
                touches = []
        else:
            touches = self._noms_et_territoires(brut)
        if not contexte or not touches:
            return _uniques(touches), []
        dans = self._filtrer(touches, type_, contexte)
        codes = {t.entite.code for t in dans}
        return _uniques(dans), _uniques([t for t in touches if t.entite.code not in codes])

    def _noms_et_territoires(self, brut: str) -> list[_Touche]:
        """Les communes dont le nom officiel est suivi, dans le texte, d'une liaison et d'un nom de territoire.

        Liaison collée par un tiret (« Gourdon-en-Quercy »), ou par des espaces si le territoire commence par une
        capitale (« Saint Sever sur Adour », pas « Figeac en présence du préfet »).
        """
        touches = []
        for liaison in _LIAISON_TERRITOIRE.finditer(brut):
            base = brut[: liaison.start()].strip()
            reste = brut[liaison.end() :].strip(" -")
            mots = [m for m in re.split(r"[\s\-]+", reste) if m]
            if not base or not mots or not all(_ELISION.sub("", m).isalpha() for m in mots):
                continue
            noms_propres = [_ELISION.sub("", m) for m in mots if cle(m) not in ARTICLES]
            if "-" not in liaison["sep"] and not all(m[:1].isupper() for m in noms_propres):
                continue
            detail = f"« {base} » suivi de « {liaison['liaison']} {reste} »".replace("' ", "'")
            touches += [
                _Touche(e, "nom_et_territoire", detail) for e in self.noms["commune"].get(cle(base), [])
            ]
        return touches

    def _mots_du_nom(self, cle_texte: str, contexte: Contexte) -> list[_Touche]:
        """Les EPCI dont le nom contient, dans l'ordre, tous les mots écrits (articles et « Pays », « Canton »,
        « Communauté »… mis à part) ; au moins un mot écrit doit être distinctif (pas seulement « Vallée »)."""
        ecrits = mots_significatifs(cle_texte)
        if not ecrits or all(m in MOTS_COURANTS for m in ecrits):
            return []
        espace = self._espace("epci", contexte) if contexte else self.tous["epci"]
        detail = "mots écrits : " + ", ".join(ecrits)
        return [
            _Touche(e, "mots_du_nom", detail)
            for _, e in espace
            if _sous_suite(ecrits, self.mots_epci[e.code])
        ]

    def _decider_forme(
        self, texte: str, type_: Type, cle_texte: str, touches: list[_Touche], contexte: Contexte
    ) -> Resolution:
        """Une forme tirée du nom n'est retenue seule que dans un contexte donné, si elle y désigne un seul
        territoire et qu'aucune autre lecture du texte n'y est plausible."""
        if not contexte:
            # Sans contexte, les noms les plus proches s'ajoutent aux candidats : « Thil-sur-Aroux » est peut-être
            # Thil (Ain, Marne…) suivi d'un territoire, plus sûrement Thil-sur-Arroux mal écrit.
            proches = self._approchants(texte, type_, cle_texte, contexte).candidats
            candidats = {c.code: c for c in [*(t.candidat() for t in _ordonner(touches)), *proches]}
            return Resolution(
                texte,
                AMBIGU,
                candidats=tuple(candidats.values())[:MAX_CANDIDATS],
                message="Un sigle, un nom d'usage ou un nom incomplet n'est retenu qu'avec un contexte "
                "(département ou EPCI) : à confirmer.",
                contexte=contexte,
            )
        faute = self._approchants(texte, type_, cle_texte, contexte)
        codes = {t.entite.code for t in touches}
        if faute.statut == RESOLU and faute.code not in codes and touches[0].raison == "nom_et_territoire":
            # « Villeneuve-d'Olme » (Ariège) est Villeneuve-d'Olmes mal écrit, dont le nom commence comme celui de
            # Villeneuve, plutôt que Villeneuve suivi d'un territoire : la faute de frappe l'emporte, comme avant.
            debuts = tuple(self.cle_pour(type_, t.entite.nom) + " " for t in touches)
            if self.cle_pour(type_, faute.resultat.nom).startswith(debuts):
                return faute
        rivaux = self._autres_lectures(type_, cle_texte, touches, contexte)
        if faute.statut == RESOLU and faute.code not in codes:
            rivaux.append(_Touche(self.entites[type_][faute.code], "approchant", score=faute.resultat.score))
        if len(touches) == 1 and not rivaux:
            return _resolu(texte, touches[0], contexte)
        message = (
            f"{len(touches) + len(rivaux)} lectures possibles dans le contexte donné ({contexte.decrire()}) : "
            "choisissez."
        )
        return _ambigu(texte, [*touches, *rivaux], message, contexte, prioritaires=touches)

    def _autres_lectures(
        self, type_: Type, cle_texte: str, retenues: list[_Touche], contexte: Contexte
    ) -> list[_Touche]:
        """Pour un nom suivi d'un territoire, les autres communes du contexte que le texte peut désigner : celles
        dont le nom commence pareil (« Esplas-de-Couserans » : Esplas, ou Esplas-de-Sérou mal écrit) ou contient
        tout le texte (« Ussat-les-Bains » : Ussat, ou Ornolac-Ussat-les-Bains)."""
        if retenues[0].raison != "nom_et_territoire":
            return []
        codes = {t.entite.code for t in retenues}
        debuts = tuple(self.cle_pour(type_, t.entite.nom) + " " for t in retenues)
        entoure = f" {cle_texte} "
        return [
            _Touche(e, "autre_lecture", score=fuzz.ratio(cle_texte, k))
            for k, e in self._espace(type_, contexte)
            if e.code not in codes and (k.startswith(debuts) or entoure in f" {k} ")
        ]

    def _noms_officiels(self, type_: Type, brut: str, cle_texte: str) -> list[_Touche]:
        return [
            _Touche(e, "exact" if brut == e.nom else "normalise") for e in self.noms[type_].get(cle_texte, [])
        ]

    def _avec_homonymes_anciens(
        self, retenues: list[_Touche], type_: Type, cle_texte: str, contexte: Contexte
    ) -> list[_Touche]:
        """Un nom officiel qui est aussi, dans le même contexte, l'ancien nom d'une autre commune est ambigu."""
        codes = {t.entite.code for t in retenues}
        autres = [
            _Touche(e, "ancien_nom", d)
            for e, d in self.anciens_noms[type_].get(cle_texte, [])
            if e.code not in codes
        ]
        return retenues + self._filtrer(autres, type_, contexte) if autres else retenues

    def _filtrer(self, touches: list[_Touche], type_: Type, contexte: Contexte) -> list[_Touche]:
        if not contexte:
            return touches
        strictes = [t for t in touches if _dans(t.entite, contexte, type_)]
        if strictes or type_ != "commune" or not contexte.departement:
            return strictes
        # Une commune d'un autre département, membre d'un EPCI qui s'étend sur le département donné
        # (Capdenac-Gare, Aveyron, dans la CC Grand-Figeac suivie par le Lot).
        elargies = []
        for t in touches:
            if contexte.departement in self.departements_epci.get(t.entite.epci, ()):
                detail = (
                    f"commune du département {t.entite.departements[0]}, membre d'un EPCI "
                    f"qui s'étend sur le département {contexte.departement}"
                )
                elargies.append(_Touche(t.entite, t.raison, _joindre(t.detail, detail)))
        return elargies

    def _espace(self, type_: Type, contexte: Contexte) -> list[tuple[str, Entite]]:
        """Les noms parmi lesquels chercher un début de nom ou un nom approchant."""
        if type_ == "commune" and contexte.epci:
            pool = self.par_epci.get(contexte.epci, [])
        elif contexte.departement:
            pool = self.par_departement[type_].get(contexte.departement, [])
        else:
            pool = self.tous[type_]
        if contexte == Contexte(departement=contexte.departement):
            return pool  # déjà restreint au département
        return [(k, e) for k, e in pool if _dans(e, contexte, type_)]

    def _tries_par_cle(self, type_: Type) -> tuple[list[str], list[Entite]]:
        """Les clés officielles triées, pour trouver un début de nom par dichotomie (calculé une fois)."""
        if type_ not in self._tries:
            paires = sorted(self.tous[type_], key=lambda p: p[0])
            self._tries[type_] = ([k for k, _ in paires], [e for _, e in paires])
            self._anciens_tries[type_] = sorted(self.anciens_noms[type_])
        return self._tries[type_]

    def _partiels(self, type_: Type, cle_texte: str, contexte: Contexte) -> list[_Touche]:
        if len(cle_texte) < 3:
            return []
        prefixe = cle_texte + " "
        if contexte:
            touches = [
                _Touche(e, "nom_partiel") for k, e in self._espace(type_, contexte) if k.startswith(prefixe)
            ]
        else:
            cles, entites = self._tries_par_cle(type_)
            debut = bisect_left(cles, prefixe)
            fin = bisect_left(
                cles, cle_texte + "!"
            )  # « ! » suit l'espace : fin des clés qui commencent ainsi
            touches = [_Touche(e, "nom_partiel") for e in entites[debut:fin]]
        self._tries_par_cle(type_)
        anciennes_cles = self._anciens_tries[type_]
        debut = bisect_left(anciennes_cles, prefixe)
        fin = bisect_left(anciennes_cles, cle_texte + "!")
        anciens = [
            _Touche(e, "nom_partiel", f"début de l'ancien nom {d}")
            for k in anciennes_cles[debut:fin]
            for e, d in self.anciens_noms[type_][k]
        ]
        touches += self._filtrer(anciens, type_, contexte) if contexte else anciens
        return _uniques(touches)

    def _approchants(self, texte: str, type_: Type, cle_texte: str, contexte: Contexte) -> Resolution:
        if contexte:
            espace = self._espace(type_, contexte)
            cles, entites = [k for k, _ in espace], [e for _, e in espace]
        else:
            cles, entites = self._tries_par_cle(type_)
        if not cles or not cle_texte:
            return Resolution(texte, INTROUVABLE, message="Aucun nom approchant.", contexte=contexte)
        trouves = process.extract(
            cle_texte, cles, scorer=fuzz.ratio, limit=MAX_CANDIDATS, score_cutoff=SEUIL_CANDIDAT
        )
        touches = _ordonner([_Touche(entites[i], "approchant", score=score) for _, score, i in trouves])
        if not touches:
            return Resolution(
                texte,
                INTROUVABLE,
                message="Aucun nom officiel, ancien nom ou alias ne correspond.",
                contexte=contexte,
            )
        # Une faute de frappe n'est corrigée seule que dans un contexte donné, si le nom le plus proche est à une
        # ou deux fautes (une par douzaine de lettres) et strictement plus proche que tous les autres.
        distances = sorted(
            Levenshtein.distance(cle_texte, self.cle_pour(type_, t.entite.nom)) for t in touches
        )
        meilleure = Levenshtein.distance(cle_texte, self.cle_pour(type_, touches[0].entite.nom))
        tolerance = 1 + len(cle_texte) // 12
        unique = meilleure == distances[0] and (len(distances) == 1 or distances[1] > meilleure)
        if contexte and meilleure <= tolerance and unique:
            return _resolu(texte, touches[0], contexte)
        return Resolution(
            texte,
            INTROUVABLE,
            candidats=tuple(t.candidat() for t in touches),
            message="Rien de sûr : voici les noms les plus proches."
            + ("" if contexte else " Précisez le département pour que le rapprochement soit retenu."),
            contexte=contexte,
        )


def _noter(liste: list[tuple[Entite, str]], entite: Entite, detail: str) -> None:
    """Ajoute l'entité (avec d'où vient la correspondance) à une entrée de l'index, une seule fois."""
    if all(e.code != entite.code for e, _ in liste):
        liste.append((entite, detail))


def _joindre(*parts: str) -> str:
    return " ; ".join(p for p in parts if p)


def _dans(entite: Entite, contexte: Contexte, type_: Type) -> bool:
    if contexte.departement and contexte.departement not in entite.departements:
        return False
    if contexte.epci and (entite.epci if type_ == "commune" else entite.code) != contexte.epci:
        return False
    return not (
        contexte.code_postal and type_ == "commune" and contexte.code_postal not in entite.codes_postaux
    )


def _sous_suite(mots: tuple[str, ...], dans: tuple[str, ...]) -> bool:
    """Vrai si tous les `mots` sont dans `dans`, dans le même ordre (d'autres peuvent s'intercaler)."""
    suite = iter(dans)
    return all(mot in suite for mot in mots)


def _uniques(touches: list[_Touche]) -> list[_Touche]:
    vues: dict[tuple[str, str], _Touche] = {}
    for t in touches:
        cle_entite = (t.entite.type, t.entite.code)
        if cle_entite not in vues:
            vues[cle_entite] = t
    return list(vues.values())


def _ordonner(touches: list[_Touche]) -> list[_Touche]:
    return sorted(
        _uniques(touches),
        key=lambda t: (-(t.score or SCORES.get(t.raison, 0)), -t.entite.population, t.entite.code),
    )


def _resolu(texte: str, touche: _Touche, contexte: Contexte) -> Resolution:
    candidat = touche.candidat()
    return Resolution(
        texte,
        RESOLU,
        resultat=candidat,
        candidats=(candidat,),
        message=candidat.explication,
        contexte=contexte,
    )


def _ambigu(
    texte: str,
    touches: list[_Touche],
    message: str,
    contexte: Contexte,
    prioritaires: list[_Touche] | tuple[_Touche, ...] = (),
) -> Resolution:
    """Les candidats du plus au moins probable ; `prioritaires` (ceux du contexte donné) d'abord."""
    ordonnees = _uniques([*_ordonner(list(prioritaires)), *_ordonner(touches)])
    return Resolution(
        texte,
        AMBIGU,
        candidats=tuple(t.candidat() for t in ordonnees[:MAX_CANDIDATS]),
        message=message,
        contexte=contexte,
    )


def _decider(texte: str, touches: list[_Touche], contexte: Contexte) -> Resolution:
    uniques = _uniques(touches)
    if len(uniques) == 1:
        return _resolu(texte, uniques[0], contexte)
    message = (
        f"{len(uniques)} correspondances dans le contexte donné ({contexte.decrire()}) : choisissez."
        if contexte
        else f"{len(uniques)} homonymes : précisez le département, l'EPCI ou le code postal."
    )
    return _ambigu(texte, uniques, message, contexte)


# Index partagé du processus ---------------------------------------------------------------------------------

_verrou = threading.Lock()
_cache: dict[str, object] = {"version": None, "index": None}


def construire_index() -> Index:
    """Lit le référentiel en base et construit l'index (environ 0,5 s pour la France entière)."""
    from .models import Alias, Commune, CommuneNomHistorique, Epci, EpciNomHistorique

    index = Index()
    departements_epci: dict[str, list[str]] = defaultdict(list)
    for siren, dep in Epci.departements.through.objects.values_list("epci_id", "departement_id"):
        departements_epci[siren].append(dep)
    for siren, nom, population in Epci.objects.actuels().values_list("siren", "nom", "population"):
        index.ajouter_epci(
            Entite(
                "epci",
                siren,
                nom,
                tuple(sorted(departements_epci.get(siren, []))),
                population=population or 0,
            )
        )
    # Lues par paquets (`iterator`) : la liste des 35 000 lignes n'existe jamais en entier, et ne laisse pas dans le
    # tas du worker la place qu'elle aurait prise.
    communes = (
        Commune.objects.actuelles()
        .values_list("code", "nom", "departement_id", "epci_id", "population", "codes_postaux", "siren")
        .iterator(chunk_size=2000)
    )
    # 35 000 communes : leur département, leur EPCI et leurs codes postaux se répètent ; chaque ligne lue en
    # apporterait une nouvelle copie (des chaînes et des tuples par dizaines de milliers dans chaque worker). Une
    # seule copie de chacun, partagée.
    uniques: dict = {}

    def partage(valeur):
        return uniques.setdefault(valeur, valeur)

    for code, nom, dep, epci, population, cps, siren in communes:
        index.ajouter_commune(
            Entite(
                "commune",
                code,
                nom,
                partage((partage(dep),)),
                partage(epci or ""),
                population or 0,
                partage(tuple(partage(cp) for cp in cps.split())),
            ),
            siren,
        )

    successeurs = dict(
        Commune.objects.filter(obsolete=True, remplacee_par__isnull=False).values_list(
            "code", "remplacee_par"
        )
    )
    historiques = CommuneNomHistorique.objects.values_list("commune_id", "nom", "code", "nature", "millesime")
    libelles = dict(CommuneNomHistorique.Nature.choices)
    for commune, nom, code, nature, millesime in historiques:
        actuel = successeurs.get(commune, commune)
        detail = f"« {nom or code} », {libelles[nature]} ({millesime})"
        index.ajouter_ancien_nom("commune", actuel, nom, detail)
        if code:
            index.ajouter_ancien_code(code, actuel, detail)
    for epci, nom, siren, millesime in EpciNomHistorique.objects.values_list(
        "epci_id", "nom", "siren", "millesime"
    ):
        detail = f"« {nom} » ({millesime})"
        index.ajouter_ancien_nom("epci", epci, nom, detail)
        index.ajouter_ancien_siren(siren, epci, detail)
    for type_, cle_alias, commune, epci in Alias.objects.values_list("type", "cle", "commune_id", "epci_id"):
        index.ajouter_alias(type_, cle_alias, commune or epci)
    return index


def obtenir_index() -> Index:
    """L'index du processus, reconstruit si le référentiel ou les alias ont changé depuis."""
    from .models import EtatReferentiel

    version = EtatReferentiel.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    with _verrou:
        if _cache["index"] is None or _cache["version"] != version:
            # L'index (des centaines de milliers d'objets) vit longtemps : on le sort du ramasse-miettes, dont
            # chaque passe complète le parcourait sinon (des pauses de 150 ms au milieu des requêtes).
            gc.unfreeze()
            _cache["index"] = construire_index()
            _cache["version"] = version
            gc.collect()
            gc.freeze()
        return _cache["index"]  # type: ignore[return-value]


def resoudre(
    texte: str, *, type: Type | None = None, departement: str = "", epci: str = "", code_postal: str = ""
) -> Resolution:
    """Le service de résolution : voir le docstring du module."""
    return obtenir_index().resoudre(texte, type, departement, epci, code_postal)
