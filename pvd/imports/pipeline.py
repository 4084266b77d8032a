"""Le chemin unique de tout import : lire → reconnaître les colonnes → résoudre les communes → valider → aperçu →
confirmer → écrire en une transaction → compte rendu.

Contrat :
- `preparer` n'écrit rien : il rend un `Plan` qui dit, ligne par ligne, ce qui sera créé, modifié, laissé tel quel,
  ignoré ou refusé (et pourquoi) ; l'aperçu montre exactement ce plan ;
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
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.programmes import services
from pvd.programmes.models import Convention, ConventionCommune, Evenement, Laureat, Programme, Signataire
from pvd.programmes.selectors import departements_principaux, parmi
from pvd.programmes.signataires import signataire_etat
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Commune, Departement, Epci
from pvd.territoires.normalisation import cle
from pvd.territoires.resolution import RESOLU, Index, obtenir_index

from .dates import DateIllisible, lire_date, lire_date_prevue
from .lecture import Tableau, lire_tableau, trouver_entete
from .models import ImportRealise

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
DONNEES_PERSONNELLES = re.compile(
    r"\b(maire|maires|elu|elue|elus|prenom|nom du maire|courriel|mail|e mail|email|telephone|tel|portable|mobile|"
    r"adresse electronique|contact)\b"
)
CHAMPS_TABLEUR = {
    "commune": "commune(s) : nom, ou plusieurs noms dans une même cellule",
    "code": "code INSEE de la commune",
    "epci": "intercommunalité",
    "type": "type de convention (adhésion, ORT, avenant)",
    "statut": "statut (signée, en cours…)",
    "date_signature": "date de signature",
    "date_prevue": "date de signature prévue",
    "duree": "durée (années)",
    "identifiant": "identifiant national",
    "date_selection": "date de sélection",
}
SOURCES = {
    "anct-pvd": {
        "programme": "pvd",
        "colonnes": {
            "insee_com": "code",
            "lib_com": "nom",
            "id_pvd": "identifiant",
            "date_signature": "date_adhesion",
        },
        "nom": "liste nationale des lauréats PVD (ANCT)",
    },
    "anct-acv": {
        "programme": "acv",
        "colonnes": {
            "insee_com": "code",
            "lib_com": "nom",
            "id_acv": "identifiant",
            "lib_acv": "libelle",
            "date_signature": "date_adhesion",
        },
        "nom": "liste nationale des villes ACV (ANCT)",
    },
    "ort": {
        "programme": "pvd",
        "colonnes": {
            "commune": "nom",
            "code commune": "code",
            "epci": "epci",
            "signee": "signee",
            "si signee date de signature": "date_signature",
            "si non signee date de signature envisagee": "date_prevue",
            "duree en annees": "duree",
            "statut de la commune": "statut_commune",
        },
        "nom": "fichier de suivi des ORT (ministère)",
    },
    "tableur": {"programme": "pvd", "colonnes": {}, "nom": "tableur de la préfecture"},
}
SEPARATEURS_COMMUNES = re.compile(r"\s*(?:[,;/\n+]|\bet\b|&)\s*")


class ImportRefuse(Exception):
    """Rien n'a été écrit ; le message dit pourquoi."""


@dataclass
class Ligne:
    numero: int
    valeurs: dict
    statut: str = INCHANGE
    messages: list[str] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    candidats: list = field(default_factory=list)

    def refuser(self, message: str, statut: str = REJET) -> None:
        self.statut = statut
        self.messages.append(message)

    def noter(self, statut: str, message: str) -> None:
        ordre = [INCHANGE, MODIFICATION, CREATION]
        if self.statut in ordre and ordre.index(statut) > ordre.index(self.statut):
            self.statut = statut
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
    _suivis: dict[str, Departement] = field(default_factory=dict, repr=False)

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

    def signature(self) -> str:
        """Une empreinte des écritures prévues : l'aperçu confirmé doit être celui qu'on écrit."""
        morceaux = [
            repr(
                sorted(
                    (d["commune"].code, str(d["date_selection"]), d["identifiant"])
                    for d in self.laureats_a_creer
                )
            ),
            repr(sorted((lau.pk, sorted(ch.items())) for lau, ch, _ in self.laureats_a_modifier)),
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


# Lecture et colonnes -------------------------------------------------------------------------------------------


def _colonnes(
    source: str, entete: list, correspondance: dict[str, str] | None
) -> tuple[dict[int, str], list[str]]:
    """Indice de colonne → champ, et les colonnes écartées pour données personnelles."""
    ecartees = []
    champs: dict[int, str] = {}
    connues = {cle(k): v for k, v in SOURCES[source]["colonnes"].items()}
    voulues = {cle(k): v for k, v in (correspondance or {}).items() if v}
    for i, titre in enumerate(entete):
        titre_cle = cle(str(titre))
        if not titre_cle:
            continue
        champ = voulues.get(titre_cle) or connues.get(titre_cle)
        if DONNEES_PERSONNELLES.search(titre_cle) and champ not in ("commune", "nom"):
            ecartees.append(str(titre))
            continue
        if champ:
            champs[i] = champ
    return champs, ecartees


def colonnes_du_fichier(contenu: bytes, nom_fichier: str, source: str) -> list[str]:
    """Les titres de colonnes d'un fichier, pour proposer la correspondance d'un tableur."""
    tableau = lire_tableau(contenu, nom_fichier)
    indice = _ligne_entete(tableau, source, {})
    return [str(t) for t in tableau.lignes[indice] if str(t).strip()]


def _ligne_entete(tableau: Tableau, source: str, correspondance: dict) -> int:
    connues = {cle(k) for k in SOURCES[source]["colonnes"]} | {cle(k) for k in correspondance}
    if source == "tableur" and not correspondance:
        return trouver_entete(
            tableau, lambda cellule: bool(cle(cellule)) and not re.fullmatch(r"[\d ]+", cle(cellule))
        )
    return trouver_entete(tableau, lambda cellule: cle(cellule) in connues)


def proposer_correspondance(titres: list[str]) -> dict[str, str]:
    """Devine le champ de chaque colonne d'un tableur d'après son titre (l'utilisateur corrige)."""
    regles = [
        ("code", r"\b(insee|code commune|code insee|cog)\b"),
        ("epci", r"\b(epci|intercommunalite|communaute|cc)\b"),
        ("date_signature", r"\bdate(s)? (de )?signature\b|\bsignee le\b"),
        ("date_prevue", r"\bprevue?\b|\benvisagee\b"),
        ("duree", r"\bduree\b"),
        ("type", r"\btype\b|\bnature\b"),
        ("statut", r"\bstatut\b|\betat\b|\bavancement\b"),
        ("identifiant", r"\bidentifiant\b|\bid pvd\b|\bid\b"),
        ("date_selection", r"\bselection\b|\blaureat(e)? le\b"),
        ("commune", r"\bcommunes?\b|\bville(s)?\b|\blaureat(e)?s?\b|\bnom\b"),
    ]
    proposition = {}
    for titre in titres:
        titre_cle = cle(titre)
        if DONNEES_PERSONNELLES.search(titre_cle):
            continue
        for champ, motif in regles:
            if re.search(motif, titre_cle) and champ not in proposition.values():
                proposition[titre] = champ
                break
    return proposition


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


def preparer(
    contenu: bytes,
    nom_fichier: str,
    source: str,
    *,
    departement: Departement | None = None,
    correspondance: dict[str, str] | None = None,
    choix: dict[str, str] | None = None,
    type_par_defaut: str = Convention.Type.ADHESION,
) -> Plan:
    """Lit, reconnaît, résout et valide, sans rien écrire ; le plan dit ce que ferait l'import."""
    if source not in SOURCES:
        raise ImportRefuse(f"Source inconnue : « {source} ». Sources : {', '.join(SOURCES)}.")
    programme = Programme.objects.filter(slug=SOURCES[source]["programme"]).first()
    if programme is None:
        raise ImportRefuse(f"Le programme « {SOURCES[source]['programme']} » n'existe pas dans le registre.")
    if source == "tableur" and not correspondance:
        raise ImportRefuse("Pour un tableur, indiquez quelle colonne donne quel champ (au moins la commune).")
    tableau = lire_tableau(contenu, nom_fichier)
    indice = _ligne_entete(tableau, source, correspondance or {})
    entete = tableau.lignes[indice]
    champs, ecartees = _colonnes(source, entete, correspondance)
    if not {"code", "nom", "commune"} & set(champs.values()):
        raise FichierIllisible(
            f"{nom_fichier}, ligne {indice + 1} : aucune colonne de commune reconnue "
            f"(colonnes lues : {', '.join(str(t) for t in entete if str(t).strip())})."
        )
    plan = Plan(
        source,
        nom_fichier,
        hashlib.sha256(contenu).hexdigest(),
        programme,
        departement,
        {str(entete[i]): c for i, c in champs.items()},
        ecartees,
    )
    index = obtenir_index()
    code_dep = departement.code if departement else ""
    for numero, cellules in enumerate(tableau.lignes[indice + 1 :], start=indice + 2):
        if not any(str(c).strip() for c in cellules if c is not None):
            continue
        valeurs = {champ: cellules[i] if i < len(cellules) else "" for i, champ in champs.items()}
        ligne = Ligne(numero, valeurs)
        plan.lignes.append(ligne)
        _communes_de_la_ligne(ligne, index, code_dep, choix or {})
    codes = {code for ligne in plan.lignes for code in ligne.valeurs.get("_codes", [])}
    communes = Commune.objects.in_bulk(list(codes))
    epcis = Epci.objects.in_bulk({c.epci_id for c in communes.values() if c.epci_id})
    for commune in communes.values():  # un objet par EPCI, partagé par ses communes (un import en lit 35 000)
        if commune.epci_id:
            commune.epci = epcis[commune.epci_id]
    for ligne in plan.lignes:
        ligne.communes = [communes[code] for code in ligne.valeurs.pop("_codes", [])]
    _planifier(plan, type_par_defaut)
    return plan


def _date(ligne: Ligne, champ: str, libelle: str) -> date | None:
    try:
        return lire_date(ligne.valeurs.get(champ))
    except DateIllisible as erreur:
        ligne.refuser(f"{libelle} : {erreur}")
        return None


def _planifier(plan: Plan, type_par_defaut: str) -> None:
    toutes = [c for ligne in plan.lignes for c in ligne.communes]
    codes = {c.code for c in toutes}
    laureats = {
        laureat.commune_id: laureat
        for laureat in parmi(Laureat.objects.filter(programme=plan.programme), "commune_id", codes)
    }
    liens = defaultdict(list)
    deja_liees = ConventionCommune.objects.filter(convention__programme=plan.programme).select_related(
        "convention"
    )
    for lien in parmi(deja_liees, "commune_id", codes):
        liens[lien.commune_id].append(lien.convention)
    groupes: dict[tuple, GroupeConvention] = {}
    deja_nouveaux: set[str] = set()
    if plan.departement:
        plan.precharger_suivis([c.epci for c in toutes if c.epci_id])

    def suivi(commune: Commune) -> str:
        """Le département de suivi qu'aurait la commune : celui de son lauréat, sinon le principal de son EPCI."""
        if commune.code in laureats:
            return laureats[commune.code].departement_suivi_id
        return plan.suivi(commune).code

    for ligne in plan.lignes:
        if not ligne.valide:
            continue
        if plan.departement and not any(
            plan.departement.code in (c.departement_id, suivi(c)) for c in ligne.communes
        ):
            ligne.statut = IGNOREE
            ligne.messages.append(f"hors du département {plan.departement.code} choisi pour cet import")
            continue
        if plan.source in ("anct-pvd", "anct-acv"):
            _planifier_liste_nationale(plan, ligne, laureats, liens, groupes, deja_nouveaux)
        elif plan.source == "ort":
            _planifier_ort(plan, ligne, laureats, liens, groupes)
        else:
            _planifier_tableur(plan, ligne, laureats, liens, groupes, deja_nouveaux, type_par_defaut)
    plan.conventions_a_creer.extend(groupes.values())


def _laureat(
    plan: Plan,
    ligne: Ligne,
    commune: Commune,
    laureats: dict,
    deja_nouveaux: set,
    date_selection: date,
    identifiant: str,
    exception_autorisee: bool,
) -> bool:
    """Prévoit le lauréat (création ou mise à jour de son identifiant) ; False si la ligne est refusée."""
    existant = laureats.get(commune.code)
    if existant is None:
        if commune.code in deja_nouveaux:
            return True
        if commune.obsolete:
            ligne.refuser(f"{commune.nom} ({commune.code}) n'existe plus dans le COG.")
            return False
        exception = ""
        if plan.programme.population_max and (commune.population or 0) >= plan.programme.population_max:
            if not exception_autorisee:
                ligne.refuser(
                    f"{commune.nom} compte {commune.population} habitants, au-delà du seuil du programme : "
                    "inscrivez-la depuis sa fiche, en expliquant l'exception."
                )
                return False
            exception = f"lauréate d'après la {SOURCES[plan.source]['nom']}"
        plan.laureats_a_creer.append(
            {
                "commune": commune,
                "date_selection": date_selection or plan.programme.date_debut,
                "precision": Laureat.Precision.AU_PLUS_TARD if date_selection else Laureat.Precision.INCONNUE,
                "identifiant": identifiant,
                "exception": exception,
                "ligne": ligne.numero,
            }
        )
        deja_nouveaux.add(commune.code)
        ligne.noter(CREATION, f"{commune.nom} : nouvelle lauréate de {plan.programme.nom_court}")
    elif identifiant and existant.identifiant_national != identifiant:
        plan.laureats_a_modifier.append((existant, {"identifiant_national": identifiant}, ligne.numero))
        ligne.noter(MODIFICATION, f"{commune.nom} : identifiant national « {identifiant} »")
    return True


def _convention_signee_ou_prevue(
    plan,
    ligne,
    commune,
    type_,
    signature,
    liens,
    groupes,
    prevue=None,
    precision="jour",
    duree=None,
    en_cours_sans_date=False,
) -> None:
    existantes = [c for c in liens.get(commune.code, []) if c.type == type_]
    if signature:
        memes = [c for c in existantes if c.date_signature == signature]
        autres = [c for c in existantes if c.date_signature and c.date_signature != signature]
        en_cours = [c for c in existantes if not c.date_signature]
        if memes:
            return
        if autres:
            ligne.refuser(
                f"{commune.nom} : le registre a une {Convention.Type(type_).label} signée le "
                f"{autres[0].date_signature:%d/%m/%Y}, le fichier dit le {signature:%d/%m/%Y}. Corrigez l'un ou l'autre."
            )
            return
        if en_cours:
            convention = en_cours[0]
            if all(c.pk != convention.pk for c, _, _, _ in plan.conventions_a_signer):
                plan.conventions_a_signer.append((convention, signature, duree, ligne.numero))
            ligne.noter(
                MODIFICATION, f"{commune.nom} : {Convention.Type(type_).label} signée le {signature:%d/%m/%Y}"
            )
            return
        cle_groupe = (type_, commune.epci_id or "", signature, None)
        if not commune.epci_id:
            ligne.refuser(f"{commune.nom} n'appartient à aucun EPCI : la convention ne peut pas être créée.")
            return
        groupe = groupes.setdefault(
            cle_groupe, GroupeConvention(type_, commune.epci_id, date_signature=signature, duree=duree)
        )
        groupe.communes.append(commune)
        groupe.lignes.append(ligne.numero)
        ligne.noter(
            CREATION, f"{commune.nom} : {Convention.Type(type_).label} signée le {signature:%d/%m/%Y}"
        )
        return
    if prevue or en_cours_sans_date:
        en_cours = [c for c in existantes if not c.date_signature]
        if en_cours:
            convention = en_cours[0]
            if prevue and (
                convention.date_signature_prevue != prevue or convention.precision_date_prevue != precision
            ):
                if all(c.pk != convention.pk for c, _, _ in plan.conventions_a_modifier):
                    plan.conventions_a_modifier.append(
                        (
                            convention,
                            {"date_signature_prevue": prevue, "precision_date_prevue": precision},
                            ligne.numero,
                        )
                    )
                ligne.noter(
                    MODIFICATION, f"{commune.nom} : signature prévue ({precision}) le {prevue:%d/%m/%Y}"
                )
            return
        if any(c.date_signature for c in existantes):
            return
        if not commune.epci_id:
            ligne.refuser(f"{commune.nom} n'appartient à aucun EPCI : la convention ne peut pas être créée.")
            return
        groupe = groupes.setdefault(
            (type_, commune.epci_id, None, prevue),
            GroupeConvention(type_, commune.epci_id, date_prevue=prevue, precision=precision, duree=duree),
        )
        groupe.communes.append(commune)
        groupe.lignes.append(ligne.numero)
        ligne.noter(
            CREATION,
            f"{commune.nom} : {Convention.Type(type_).label} en élaboration"
            + (f", prévue le {prevue:%d/%m/%Y}" if prevue else ""),
        )


def _planifier_liste_nationale(plan, ligne, laureats, liens, groupes, deja_nouveaux) -> None:
    commune = ligne.communes[0]
    signature = _date(ligne, "date_adhesion", "date_signature")
    if not ligne.valide:
        return
    identifiant = str(ligne.valeurs.get("identifiant") or "").strip()
    if not _laureat(
        plan, ligne, commune, laureats, deja_nouveaux, signature, identifiant, exception_autorisee=True
    ):
        return
    if signature:
        _convention_signee_ou_prevue(
            plan, ligne, commune, Convention.Type.ADHESION, signature, liens, groupes
        )


def _planifier_ort(plan, ligne, laureats, liens, groupes) -> None:
    commune = ligne.communes[0]
    if commune.code not in laureats:
        ligne.refuser(
            f"{commune.nom} n'est pas lauréate de {plan.programme.nom_court} : importez d'abord la liste "
            "des lauréats."
        )
        return
    signee = cle(str(ligne.valeurs.get("signee") or "")) in ("oui", "o", "yes", "signee", "x", "1", "vrai")
    signature = _date(ligne, "date_signature", "date de signature")
    duree = None
    if str(ligne.valeurs.get("duree") or "").strip():
        try:
            duree = int(float(str(ligne.valeurs["duree"]).replace(",", ".")))
        except ValueError:
            ligne.refuser(f"durée « {ligne.valeurs['duree']} » : un nombre d'années est attendu (5).")
    if not ligne.valide:
        return
    if signee and not signature:
        ligne.refuser("« Signée ? » dit oui, mais la date de signature est vide : indiquez-la.")
        return
    prevue, precision = None, "jour"
    if not signee and str(ligne.valeurs.get("date_prevue") or "").strip():
        try:
            prevue, precision = lire_date_prevue(ligne.valeurs["date_prevue"])
        except DateIllisible as erreur:
            ligne.refuser(f"date envisagée : {erreur}")
            return
    if not signee and not prevue:
        ligne.messages.append(f"{commune.nom} : pas de convention-cadre en préparation d'après le fichier")
        return
    _convention_signee_ou_prevue(
        plan,
        ligne,
        commune,
        Convention.Type.CADRE_ORT,
        signature if signee else None,
        liens,
        groupes,
        prevue,
        precision,
        duree,
    )


TYPES_LIBRES = {
    "adhesion": "adhesion",
    "convention d adhesion": "adhesion",
    "ort": "cadre_ort",
    "convention cadre": "cadre_ort",
    "cadre": "cadre_ort",
    "convention cadre ort": "cadre_ort",
    "avenant": "avenant",
}


def _planifier_tableur(plan, ligne, laureats, liens, groupes, deja_nouveaux, type_par_defaut) -> None:
    selection = _date(ligne, "date_selection", "date de sélection") or _date(
        ligne, "date_signature", "date de signature"
    )
    signature = _date(ligne, "date_signature", "date de signature")
    if not ligne.valide:
        return
    type_texte = cle(str(ligne.valeurs.get("type") or ""))
    type_ = (
        next((v for k, v in TYPES_LIBRES.items() if k and k in type_texte), type_par_defaut)
        if type_texte
        else (type_par_defaut)
    )
    prevue, precision = None, "jour"
    if str(ligne.valeurs.get("date_prevue") or "").strip():
        try:
            prevue, precision = lire_date_prevue(ligne.valeurs["date_prevue"])
        except DateIllisible as erreur:
            ligne.refuser(f"date prévue : {erreur}")
            return
    identifiant = str(ligne.valeurs.get("identifiant") or "").strip() if len(ligne.communes) == 1 else ""
    for commune in ligne.communes:
        if not _laureat(
            plan, ligne, commune, laureats, deja_nouveaux, selection, identifiant, exception_autorisee=False
        ):
            return
    if type_ == Convention.Type.AVENANT:
        if signature or prevue:
            for commune in ligne.communes:
                _avenant(plan, ligne, commune, signature, prevue, precision, liens, groupes)
        else:
            ligne.messages.append("avenant sans date de signature ni date prévue : rien à créer")
        return
    en_cours = bool(re.search(r"cours|elaboration|preparation", cle(str(ligne.valeurs.get("statut") or ""))))
    if signature or prevue or en_cours:
        for commune in ligne.communes:
            _convention_signee_ou_prevue(
                plan,
                ligne,
                commune,
                type_,
                signature,
                liens,
                groupes,
                prevue,
                precision,
                en_cours_sans_date=en_cours and not signature,
            )


def _avenant(plan, ligne, commune, signature, prevue, precision, liens, groupes) -> None:
    """Un avenant modifie la dernière convention-cadre signée de la commune (à sa date, s'il est signé) ; il en garde
    l'EPCI. Déjà au registre à la même date : rien ne change ; en élaboration et signé d'après le fichier : signé."""
    existantes = liens.get(commune.code, [])
    cadres = [
        c
        for c in existantes
        if c.type == Convention.Type.CADRE_ORT
        and c.date_signature
        and c.date_signature <= (signature or date.max)
    ]
    if not cadres:
        ligne.refuser(
            f"{commune.nom} : aucune convention-cadre signée"
            + (f" au {signature:%d/%m/%Y}" if signature else "")
            + " que cet avenant modifierait. Importez d'abord la convention-cadre (fichier des ORT), ou vérifiez la date."
        )
        return
    parent = max(cadres, key=lambda c: (c.date_signature, c.pk))
    avenants = [c for c in existantes if c.type == Convention.Type.AVENANT and c.parent_id == parent.pk]
    if signature and any(c.date_signature == signature for c in avenants):
        return
    en_cours = [c for c in avenants if not c.date_signature]
    if en_cours and not signature:
        return
    if en_cours:
        if all(c.pk != en_cours[0].pk for c, _, _, _ in plan.conventions_a_signer):
            plan.conventions_a_signer.append((en_cours[0], signature, None, ligne.numero))
        ligne.noter(MODIFICATION, f"{commune.nom} : avenant signé le {signature:%d/%m/%Y}")
        return
    groupe = groupes.setdefault(
        (Convention.Type.AVENANT, parent.epci_id, signature, None if signature else prevue, parent.pk),
        GroupeConvention(
            Convention.Type.AVENANT,
            parent.epci_id,
            date_signature=signature,
            date_prevue=None if signature else prevue,
            precision="jour" if signature else precision,
            parent=parent,
        ),
    )
    groupe.communes.append(commune)
    groupe.lignes.append(ligne.numero)
    etat = f"signé le {signature:%d/%m/%Y}" if signature else f"prévu le {prevue:%d/%m/%Y}"
    ligne.noter(
        CREATION,
        f"{commune.nom} : avenant à la convention-cadre signée le {parent.date_signature:%d/%m/%Y}, {etat}",
    )


# Écriture ----------------------------------------------------------------------------------------------------------


def _executer(plan: Plan, trace: services.Trace) -> None:
    """Applique le plan par les services. Une ligne qu'un service refuse ne doit rien laisser, pas même le lauréat
    créé avant que sa convention soit refusée : on défait alors tout et on rejoue sans les lignes refusées."""
    while True:
        point = transaction.savepoint()
        if not _appliquer(plan, trace):
            transaction.savepoint_commit(point)
            return
        transaction.savepoint_rollback(point)


def _appliquer(plan: Plan, trace: services.Trace) -> bool:
    """Une passe. Les lauréats puis les conventions à créer sont vérifiés d'un bloc par les règles des services, les
    lignes refusées écartées, le reste écrit d'un coup ; les autres actions (peu nombreuses) passent une à une, chacune
    dans son point de sauvegarde. Rend vrai s'il faut rejouer : une ligne refusée avait déjà écrit."""
    lignes = {ligne.numero: ligne for ligne in plan.lignes}
    ecrites: set[int] = set()
    a_rejouer = False

    def refuser(numeros: list[int], erreur: ValidationError) -> None:
        nonlocal a_rejouer
        for n in numeros:
            lignes[n].refuser(" ".join(erreur.messages))
        a_rejouer = a_rejouer or not ecrites.isdisjoint(numeros)

    def tenter(numeros: list[int], action) -> None:
        if any(not lignes[n].valide for n in numeros):
            return
        try:
            with transaction.atomic():
                action()
        except ValidationError as erreur:
            refuser(numeros, erreur)
            return
        ecrites.update(numeros)

    epcis = Epci.objects.in_bulk({g.epci_id for g in plan.conventions_a_creer})
    plan.precharger_suivis(
        [*epcis.values(), *(d["commune"].epci for d in plan.laureats_a_creer if d["commune"].epci_id)]
    )
    for laureat, champs, numero in plan.laureats_a_modifier:
        tenter(
            [numero],
            lambda lau=laureat, ch=champs: services.laureat_update(laureat=lau, champs=ch, trace=trace),
        )
    source = f"Import : {plan.nom_fichier} ({SOURCES[plan.source]['nom']})"
    # Un refus écarte toute sa ligne, qui peut porter d'autres écritures : on vérifie jusqu'à ce que tout passe.
    while True:
        a_inscrire = [d for d in plan.laureats_a_creer if lignes[d["ligne"]].valide]
        inscriptions = [
            services.Inscription(
                commune=d["commune"],
                date_selection=d["date_selection"],
                precision_selection=d["precision"],
                identifiant_national=d["identifiant"],
                source=source,
                departement_suivi=plan.suivi(d["commune"]),
                exception=d["exception"],
            )
            for d in a_inscrire
        ]
        refus = services.laureats_verifier(plan.programme, inscriptions)
        for rang, erreur in refus.items():
            refuser([a_inscrire[rang]["ligne"]], erreur)
        if refus:
            continue
        groupes = [g for g in plan.conventions_a_creer if all(lignes[n].valide for n in g.lignes)]
        projets = [_projet(plan, groupe, epcis[groupe.epci_id]) for groupe in groupes]
        refus = services.conventions_verifier(plan.programme, projets, laureats_prevus=inscriptions)
        for rang, erreur in refus.items():
            refuser(groupes[rang].lignes, erreur)
        if not refus:
            break
    if a_rejouer:  # une ligne refusée avait déjà modifié un lauréat
        return True
    services.laureats_register(programme=plan.programme, inscriptions=inscriptions, trace=trace)
    services.conventions_create(programme=plan.programme, projets=projets, trace=trace)
    ecrites.update(d["ligne"] for d in a_inscrire)
    ecrites.update(n for groupe in groupes for n in groupe.lignes)
    for convention, signature, duree, numero in plan.conventions_a_signer:
        tenter([numero], lambda c=convention, s=signature, d=duree: _signer_existante(c, s, d, trace))
    for convention, champs, numero in plan.conventions_a_modifier:
        tenter([numero], lambda c=convention, ch=champs: _modifier_existante(c, ch, trace))
    return a_rejouer


def _projet(plan: Plan, groupe: GroupeConvention, epci: Epci) -> services.ProjetConvention:
    suivi = plan.suivi_epci(epci)
    return services.ProjetConvention(
        type=groupe.type,
        epci=epci,
        parent=groupe.parent,
        communes=[(c, ConventionCommune.Role.LAUREATE) for c in groupe.communes],
        departement_suivi=suivi,
        date_ouverture=groupe.date_signature,
        date_signature_prevue=groupe.date_signature or groupe.date_prevue,
        precision_date_prevue=groupe.precision,
        duree_annees=groupe.duree,
        date_signature=groupe.date_signature,
        signataires=[signataire_etat(suivi)] if groupe.date_signature else [],
    )


def _signer_existante(convention: Convention, signature: date, duree: int | None, trace) -> None:
    convention.refresh_from_db()
    if duree and convention.duree_annees != duree:
        services.convention_update(
            convention=convention, version=convention.version, champs={"duree_annees": duree}, trace=trace
        )
    _signer(convention, signature, trace)


def _modifier_existante(convention: Convention, champs: dict, trace) -> None:
    convention.refresh_from_db()
    services.convention_update(convention=convention, version=convention.version, champs=champs, trace=trace)


class _Simulation(Exception):
    """Lancée pour défaire l'essai à blanc."""


def simuler(plan: Plan) -> Plan:
    """L'aperçu fidèle : le plan est appliqué pour de bon, puis tout est défait ; les refus des services (règles du
    programme) apparaissent ainsi ligne par ligne, comme à l'écriture."""
    try:
        with transaction.atomic():
            _executer(plan, TRACE_IMPORT)
            raise _Simulation
    except _Simulation:
        pass
    return plan


def _signer(convention: Convention, signature: date, trace) -> None:
    deja = convention.signataires.filter(partie=Signataire.Partie.ETAT).exists()
    services.convention_sign(
        convention=convention,
        version=convention.version,
        date_signature=signature,
        signataires=[] if deja else [signataire_etat(convention.departement_suivi)],
        trace=trace,
    )


def importer(
    contenu: bytes,
    nom_fichier: str,
    source: str,
    *,
    trace: services.Trace,
    departement: Departement | None = None,
    correspondance: dict[str, str] | None = None,
    choix: dict[str, str] | None = None,
    valides_seulement: bool = False,
    signature_apercu: str | None = None,
    type_par_defaut: str = Convention.Type.ADHESION,
) -> Plan:
    """Refait le plan et l'écrit en une transaction ; `ImportRefuse` (et rien d'écrit) si une ligne bloque."""
    with transaction.atomic():
        plan = preparer(
            contenu,
            nom_fichier,
            source,
            departement=departement,
            correspondance=correspondance,
            choix=choix,
            type_par_defaut=type_par_defaut,
        )
        if signature_apercu and plan.signature() != signature_apercu:
            raise ImportRefuse(
                "Le registre a changé depuis l'aperçu (quelqu'un d'autre a écrit) : rien n'a été importé. "
                "Relancez l'aperçu, vérifiez-le, puis confirmez."
            )
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{len(plan.refusees)} ligne(s) refusée(s) ou à préciser : rien n'a été importé. Corrigez-les, ou "
                "choisissez d'importer les seules lignes valides."
            )
        _executer(plan, trace)
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{len(plan.refusees)} ligne(s) refusée(s) par les règles du programme : rien n'a été importé. "
                + " ".join(
                    f"Ligne {ligne.numero} : {' ; '.join(ligne.messages)}" for ligne in plan.refusees[:3]
                )
            )
        ImportRealise.objects.create(
            source=source,
            nom_fichier=nom_fichier,
            empreinte=plan.empreinte,
            departement=departement,
            auteur=trace.auteur if getattr(trace.auteur, "is_authenticated", False) else None,
            canal=trace.canal,
            comptes=plan.comptes(),
        )
    return plan


TRACE_IMPORT = services.Trace(canal=Evenement.Canal.IMPORT)


def apercu(contenu: bytes, nom_fichier: str, source: str, **options) -> Plan:
    """Le plan, essayé à blanc : ce que montre l'aperçu est ce que fera l'écriture."""
    return simuler(preparer(contenu, nom_fichier, source, **options))
