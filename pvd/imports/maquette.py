"""Le plan d'import d'une maquette financière : le tableau que tiennent préfectures et EPCI pour le plan d'action
d'une convention-cadre, une ligne par action, une colonne par financeur.

Contrat (celui du pipeline, `pipeline.py`, pour une autre source) :
- `lire` (le fichier, ses colonnes, ses lignes : rien du plan d'action) se fait hors transaction ; `planifier` en
  tire le plan d'après le plan d'action tel qu'il est ; l'aperçu est ce plan essayé à blanc
  (`ecriture.maquette_apercu`), l'écriture le refait dans sa transaction et le compare à l'aperçu confirmé ;
- colonnes reconnues par leur titre (`colonnes.colonnes_maquette`) : numéro, intitulé, maître d'ouvrage, coûts HT et
  TTC, axe, communes, puis une colonne par financeur, reconnue par les données du programme (dispositifs et
  organisations nationales : « État DETR », « DSIL », « Banque des Territoires »…), la région et le département de
  la convention, l'autofinancement (financeur : le maître d'ouvrage de la fiche) ;
- une fiche se retrouve par son numéro dans le plan de la convention (créée sinon, « à l'étude ») ; une ligne de
  financement par sa fiche, son financeur et son dispositif (créée « envisagée » sinon, son montant modifié s'il
  diffère) ; rien n'est jamais supprimé : une cellule vide garde la ligne qui existe, et l'aperçu le dit ;
- lignes vides sautées ; lignes de total (« Total », « Sous-total », ou des montants sans numéro ni intitulé qui
  font la somme des lignes au-dessus) et intertitres (« Axe 1 – Habitat » : l'axe des lignes qui suivent) ignorés ;
- un tableur aux cellules fusionnées : la valeur de la cellule d'origine vaut pour toutes (`lecture.py`), sauf un
  montant fusionné sur plusieurs actions, refusé (il serait compté deux fois) ;
- droits ligne par ligne (`accounts.perimetres`) : créer ou modifier une fiche, créer une ligne, c'est écrire le
  plan (`peut_ecrire_plan`) ; changer le montant d'une ligne existante, c'est la modifier (`peut_modifier_ligne`) ;
- une cellule illisible refuse sa ligne, avec le fichier, la ligne, la colonne et quoi faire ; tout ou rien.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.text import capfirst

from pvd.accounts import perimetres
from pvd.actions.models import Axe, Dispositif, FicheAction, LigneFinancement, Organisation
from pvd.actions.regles import euros
from pvd.actions.services import montant_lu
from pvd.programmes.models import Convention
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.normalisation import cle, cle_epci

from .colonnes import SOURCES, FinanceurLu, colonnes_maquette, entete_maquette
from .lecture import lire_tableau
from .pipeline import CREATION, IGNOREE, LIBELLES_STATUTS, MODIFICATION, ImportRefuse, Ligne

LIBELLES_CHAMPS = {
    "numero": "numéro de l'action",
    "intitule": "intitulé",
    "maitre_ouvrage": "maître d'ouvrage",
    "cout_ht": "coût HT",
    "cout_ttc": "coût TTC",
    "axe": "axe",
    "commune": "communes concernées",
}
TOTAL = re.compile(
    r"^(sous )?(total|totaux)\b|\btotal (general|des actions|du plan|axe)\b|^montant total\b|^total$"
)
PREFIXE_NUMERO = re.compile(r"^(fiche( action)?|action|fa|n|no|numero)\s*[:°.]?\s*(?=\d)", re.IGNORECASE)
PREFIXE_COMMUNE = re.compile(r"^(commune|ville|mairie) (de |d |du |des )?")
MOTS_EPCI = {"epci", "intercommunalite", "communaute de communes", "cc", "cdc", "com com", "communaute"}


@dataclass
class LectureMaquette:
    """Le fichier lu : ses colonnes et ses lignes (montants déjà lus), sans rien du plan d'action."""

    nom_fichier: str
    empreinte: str
    convention: Convention
    colonnes: dict[str, str]  # titre → ce qu'en fait l'import (« numéro de l'action », « financeur : DSIL »…)
    colonnes_ecartees: list[str]
    colonnes_ignorees: list[str]
    financeurs: dict[str, FinanceurLu]  # titre → financeur
    lignes: list[Ligne]
    auteur: object = None
    axe_par_defaut: Axe | None = None
    titres: dict[str, str] = field(
        default_factory=dict
    )  # champ fixe → titre de sa colonne, pour les messages


@dataclass
class PlanMaquette:
    """Ce que fera l'import d'une maquette, ligne par ligne ; l'aperçu le montre, l'écriture l'applique."""

    nom_fichier: str
    empreinte: str
    convention: Convention
    colonnes: dict[str, str]
    colonnes_ecartees: list[str]
    colonnes_ignorees: list[str]
    lignes: list[Ligne]
    auteur: object = None
    fiches_a_creer: list[dict] = field(default_factory=list)  # {"ligne", "champs", "communes"}
    fiches_a_modifier: list[tuple] = field(default_factory=list)  # (fiche, champs, numéro de ligne)
    lignes_a_creer: list[dict] = field(
        default_factory=list
    )  # {"ligne", "numero", "financeur", "dispositif", …}
    lignes_a_modifier: list[tuple] = field(
        default_factory=list
    )  # (ligne de financement, montant, ligne, colonne)
    fiches_absentes: list[str] = field(default_factory=list)  # numéros du plan que le fichier ne cite pas
    source: str = "maquette"
    date_document: object = None
    _signature: str = ""

    @property
    def programme(self):
        return self.convention.programme

    @property
    def departement(self):
        return self.convention.departement_suivi

    @property
    def titre_document(self) -> str:
        return f"{capfirst(SOURCES['maquette']['nom'])} : {self.nom_fichier}"

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

    def signature(self) -> str:
        """L'empreinte prise à la fin du plan (`empreinte_ecritures`), avant que l'essai à blanc ne touche ses objets."""
        return self._signature or self.empreinte_ecritures()

    def empreinte_ecritures(self) -> str:
        """Une empreinte des écritures prévues (et des versions qu'elles modifient) : l'aperçu confirmé doit être
        celui qu'on écrit."""
        morceaux = [
            repr(
                sorted(
                    (d["ligne"], sorted((k, _cle_valeur(v)) for k, v in d["champs"].items()))
                    for d in self.fiches_a_creer
                )
            ),
            repr(
                sorted(
                    (f.pk, f.version, sorted((k, _cle_valeur(v)) for k, v in ch.items()))
                    for f, ch, _ in self.fiches_a_modifier
                )
            ),
            repr(
                sorted(
                    (
                        d["ligne"],
                        d["numero"],
                        _cle_valeur(d["financeur"]),
                        _cle_valeur(d["dispositif"]),
                        str(d["montant"]),
                    )
                    for d in self.lignes_a_creer
                )
            ),
            repr(sorted((lf.pk, lf.version, str(m)) for lf, m, _, _ in self.lignes_a_modifier)),
        ]
        return hashlib.sha256("|".join(morceaux).encode()).hexdigest()[:16]


def _cle_valeur(valeur) -> str:
    if isinstance(valeur, dict):
        return repr(sorted(valeur.items()))
    if hasattr(valeur, "pk"):
        return f"{type(valeur).__name__}:{valeur.pk}"
    return str(valeur)


# Lecture ----------------------------------------------------------------------------------------------------------


def _montant(ligne: Ligne, nom_fichier: str, titre: str, brut) -> Decimal | None:
    """« 125 000 € », « 125 000,50 », « - » → Decimal ; une cellule illisible refuse la ligne."""
    texte = str(brut or "").replace("€", "").replace("\u00a0", " ").strip()
    if texte in ("", "-", "–", "—", "/"):
        return None
    if texte.endswith("%"):
        ligne.refuser(
            f"{nom_fichier}, ligne {ligne.numero}, colonne « {titre} » : « {brut} » est un taux ; la maquette donne "
            "des montants en euros. Écrivez le montant, ou déplacez les taux dans une colonne « Taux »."
        )
        return None
    try:
        return montant_lu(texte, "montant")
    except ValidationError:
        ligne.refuser(
            f"{nom_fichier}, ligne {ligne.numero}, colonne « {titre} » : « {brut} » n'est pas un montant en euros "
            "positif. Écrivez un nombre (125000 ou 125 000,50), ou videz la cellule."
        )
        return None


def _numero(brut) -> str:
    texte = str(brut or "").strip()
    return PREFIXE_NUMERO.sub("", texte).strip() if not re.fullmatch(r"[\d.]+", texte) else texte


def lire(
    contenu: bytes,
    nom_fichier: str,
    *,
    convention: Convention,
    auteur=None,
    axe_par_defaut: Axe | None = None,
) -> LectureMaquette:
    """Lit la maquette et ses montants ; reconnaît ses colonnes, ses totaux et ses intertitres. Rien du plan
    d'action n'est lu ici ; les dispositifs et organisations (données du programme) le sont."""
    if convention.type != Convention.Type.CADRE_ORT:
        raise ImportRefuse(
            f"{convention.titre} n'est pas une convention-cadre valant ORT : une maquette financière s'importe dans "
            "le plan d'action d'une convention-cadre (celui de ses avenants compris)."
        )
    tableau = lire_tableau(contenu, nom_fichier)
    _une_fois_par_ligne(tableau)
    indice = entete_maquette(tableau)
    entete = tableau.lignes[indice]
    dispositifs = list(Dispositif.objects.filter(actif=True).select_related("financeur"))
    nationales = list(Organisation.objects.filter(siren="", nature__in=["etat", "operateur", "europe"]))
    fixes, financeurs, ignorees, ecartees = colonnes_maquette(entete, dispositifs, nationales)
    titres = {i: str(entete[i]).strip() for i in range(len(entete))}
    if "numero" not in fixes.values() or not financeurs:
        manque = (
            "de numéro d'action (« N° action », « Fiche »)"
            if "numero" not in fixes.values()
            else "de financeur"
        )
        raise FichierIllisible(
            f"{nom_fichier}, ligne {indice + 1} : pas de colonne {manque} reconnue (colonnes lues : "
            f"{', '.join(t for t in titres.values() if t)}). Une maquette financière a une colonne « N° action », "
            "une colonne « Intitulé », et une colonne par financeur (« État DETR », « DSIL », « Région », "
            "« Département », « Banque des Territoires », « Autofinancement »…)."
        )
    colonnes = {titres[i]: LIBELLES_CHAMPS[c] for i, c in fixes.items()}
    colonnes |= {titres[i]: f"financeur : {_nom_financeur(f)}" for i, f in financeurs.items()}
    fusionnees = _montants_fusionnes(
        tableau.fusions, set(financeurs) | {i for i, c in fixes.items() if c.startswith("cout")}, indice
    )
    lecture = LectureMaquette(
        nom_fichier,
        hashlib.sha256(contenu).hexdigest(),
        convention,
        colonnes,
        ecartees,
        ignorees,
        {titres[i]: f for i, f in financeurs.items()},
        [],
        auteur,
        axe_par_defaut,
    )
    axes = list(Axe.objects.filter(Q(programme=None) | Q(programme=convention.programme_id)))
    axe_courant = None
    # Les sommes des montants depuis le dernier total et depuis le début : pour reconnaître un total sans titre.
    sommes: dict[str, Decimal] = defaultdict(Decimal)
    sommes_tout: dict[str, Decimal] = defaultdict(Decimal)
    for numero_ligne, cellules in enumerate(tableau.lignes[indice + 1 :], start=indice + 2):
        if not any(str(c).strip() for c in cellules if c is not None):
            continue
        cellule = {c: (cellules[i] if i < len(cellules) else "") for i, c in fixes.items()}
        ligne = Ligne(numero_ligne, {c: str(v or "").strip() for c, v in cellule.items()})
        lecture.lignes.append(ligne)
        premiere = next((str(c).strip() for c in cellules if str(c or "").strip()), "")
        etiquette = cle(
            " ".join(filter(None, [ligne.valeurs.get("numero", ""), ligne.valeurs.get("intitule", "")]))
        )
        if TOTAL.search(etiquette) or TOTAL.search(cle(premiere)):
            ligne.statut = IGNOREE
            ligne.messages.append("ligne de total : ignorée")
            sommes.clear()
            continue
        montants: dict[str, Decimal] = {}
        for i, champ in fixes.items():
            if champ.startswith("cout"):
                ligne.valeurs[champ] = _montant(ligne, nom_fichier, titres[i], cellule[champ])
        for i in financeurs:
            valeur = _montant(ligne, nom_fichier, titres[i], cellules[i] if i < len(cellules) else "")
            if valeur is not None:
                montants[titres[i]] = valeur
            if (numero_ligne - 1, i) in fusionnees and valeur is not None:
                ligne.refuser(
                    f"{nom_fichier}, ligne {numero_ligne}, colonne « {titres[i]} » : ce montant est une cellule "
                    f"fusionnée sur plusieurs actions (lignes {fusionnees[(numero_ligne - 1, i)]}) ; il serait "
                    "compté pour chacune. Défusionnez la cellule et répartissez le montant entre les actions."
                )
        ligne.valeurs["_montants"] = montants
        numero = _numero(ligne.valeurs.get("numero"))
        intitule = ligne.valeurs.get("intitule", "")
        sans_montant = not montants and not any(ligne.valeurs.get(c) for c in ("cout_ht", "cout_ttc"))
        if (
            not numero
            and not intitule
            and montants
            and any(all(s.get(t) == m for t, m in montants.items()) for s in (sommes, sommes_tout))
        ):
            ligne.statut = IGNOREE
            ligne.messages.append("ligne de total (sans titre, la somme des lignes au-dessus) : ignorée")
            sommes.clear()
            continue
        if numero and intitule and cle(numero).startswith("axe"):  # « Axe 1 » | « Habitat »
            axe_titre = _axe_nomme(f"{numero} {intitule}", axes) or _axe_nomme(numero, axes)
        else:
            axe_titre = None
        if sans_montant and ligne.valide and (axe_titre or not (numero and intitule)):
            axe = axe_titre or _axe_nomme(premiere, axes) or _axe_nomme(intitule, axes)
            if axe:
                axe_courant = axe
            ligne.statut = IGNOREE
            ligne.messages.append(
                f"intertitre : axe « {axe.nom} » pour les lignes suivantes" if axe else "intertitre : ignoré"
            )
            continue
        if not numero:
            colonne = _titre(titres, fixes, "numero")
            ligne.refuser(
                f"{nom_fichier}, ligne {numero_ligne}, colonne « {colonne} » : numéro d'action vide. Numérotez "
                "l'action comme dans la convention (« 1.2 ») : c'est par lui que l'import retrouve la fiche."
            )
            continue
        ligne.valeurs["numero"] = numero[:20]
        for titre, montant in montants.items():
            sommes[titre] += montant
            sommes_tout[titre] += montant
        ligne.valeurs["_axe_courant"] = axe_courant
        if ligne.valeurs.get("axe"):
            axe = _axe_nomme(ligne.valeurs["axe"], axes)
            if axe is None:
                ligne.refuser(
                    f"{nom_fichier}, ligne {numero_ligne}, colonne « {_titre(titres, fixes, 'axe')} » : axe "
                    f"« {ligne.valeurs['axe']} » inconnu. Écrivez le nom ou le numéro d'un axe : "
                    + " ; ".join(f"{n}. {a.nom}" for n, a in enumerate(axes, start=1))
                    + "."
                )
            ligne.valeurs["_axe"] = axe
    _doublons(lecture, titres, fixes)
    lecture.titres = {c: titres[i] for i, c in fixes.items()}
    return lecture


def _une_fois_par_ligne(tableau) -> None:
    """Une cellule fusionnée sur la largeur (un intertitre « Axe 1 – Habitat » étalé sur toute la ligne) ne vaut que
    dans sa première colonne : recopiée dans les colonnes de montants, elle ne serait pas un montant. Fusionnée sur la
    hauteur (un maître d'ouvrage commun à deux actions), elle vaut pour chaque ligne (`lecture.py`)."""
    for (ligne_debut, col_debut), (ligne_fin, col_fin) in tableau.fusions:
        for i in range(ligne_debut, min(ligne_fin, len(tableau.lignes) - 1) + 1):
            for j in range(col_debut + 1, min(col_fin, len(tableau.lignes[i]) - 1) + 1):
                tableau.lignes[i][j] = ""


def _titre(titres: dict[int, str], fixes: dict[int, str], champ: str) -> str:
    return next((titres[i] for i, c in fixes.items() if c == champ), champ)


def _nom_financeur(financeur: FinanceurLu) -> str:
    if financeur.genre == "dispositif":
        return financeur.dispositif.nom
    if financeur.genre == "organisation":
        return financeur.organisation.nom
    return {
        "region": "la région de la convention",
        "departement": "le département de la convention",
        "autofinancement": "autofinancement du maître d'ouvrage",
    }[financeur.genre]


def _montants_fusionnes(fusions: list, colonnes: set[int], entete: int) -> dict[tuple[int, int], str]:
    """(ligne, colonne) → « 4 à 6 » pour chaque cellule d'un montant fusionnée sur plusieurs lignes de données."""
    touchees = {}
    for (ligne_debut, col_debut), (ligne_fin, col_fin) in fusions:
        if ligne_fin <= ligne_debut or ligne_debut <= entete:
            continue
        for j in range(col_debut, col_fin + 1):
            if j in colonnes:
                for i in range(ligne_debut, ligne_fin + 1):
                    touchees[(i, j)] = f"{ligne_debut + 1} à {ligne_fin + 1}"
    return touchees


def _axe_nomme(texte: str, axes: list[Axe]) -> Axe | None:
    """« Axe 2 », « 2 », « Habitat », « Axe 1 – Habitat » → l'axe ; None si rien ne le désigne."""
    t = cle(texte)
    if not t:
        return None
    numero = re.match(r"^(axe )?(\d+)\b", t)
    for axe in axes:
        nom = cle(axe.nom)
        if t == nom or t == axe.code.replace("-", " ") or re.search(rf"\baxe \d+ {re.escape(nom)}$", t):
            return axe
    if numero and (numero.group(1) or t == numero.group(2)) and 1 <= int(numero.group(2)) <= len(axes):
        return axes[int(numero.group(2)) - 1]
    return None


def _doublons(lecture: LectureMaquette, titres, fixes) -> None:
    vus: dict[str, int] = {}
    for ligne in lecture.lignes:
        numero = ligne.valeurs.get("numero")
        if ligne.statut == IGNOREE or not ligne.valide or not numero:
            continue
        if numero in vus:
            ligne.refuser(
                f"{lecture.nom_fichier}, ligne {ligne.numero}, colonne « {_titre(titres, fixes, 'numero')} » : "
                f"l'action {numero} figure déjà ligne {vus[numero]}. Un numéro par action : corrigez l'un des deux."
            )
        else:
            vus[numero] = ligne.numero


# Plan -------------------------------------------------------------------------------------------------------------


def planifier(lecture: LectureMaquette) -> PlanMaquette:
    """Le plan d'après le plan d'action tel qu'il est (quelques requêtes, quel que soit le nombre de lignes)."""
    convention = (
        Convention.objects.select_related("programme", "epci", "departement_suivi__region")
        .prefetch_related("communes__commune")
        .get(pk=lecture.convention.pk)
    )
    plan = PlanMaquette(
        lecture.nom_fichier,
        lecture.empreinte,
        convention,
        dict(lecture.colonnes),
        list(lecture.colonnes_ecartees),
        list(lecture.colonnes_ignorees),
        [
            Ligne(lu.numero, dict(lu.valeurs), lu.statut, list(lu.messages), [], [], list(lu.avertissements))
            for lu in lecture.lignes
        ],
        lecture.auteur,
    )
    titres = lecture.titres
    fiches = {
        f.numero: f
        for f in FicheAction.objects.filter(convention=convention)
        .select_related("maitre_ouvrage", "axe")
        .prefetch_related(
            Prefetch("lignes", LigneFinancement.objects.select_related("financeur", "dispositif"))
        )
    }
    for fiche in fiches.values():
        fiche.convention = convention
    mo = _MaitresOuvrage(convention)
    collectivites = _collectivites(convention)
    autofinancement = Dispositif.objects.filter(code="autofinancement").first()
    cites = set()
    for ligne in plan.lignes:
        if ligne.statut == IGNOREE or not ligne.valide:
            continue
        cites.add(ligne.valeurs["numero"])
        _planifier_ligne(
            plan,
            ligne,
            fiches.get(ligne.valeurs["numero"]),
            lecture,
            titres,
            mo,
            collectivites,
            autofinancement,
        )
    plan.fiches_absentes = sorted(set(fiches) - cites)
    _verifier_droits(plan, titres)
    plan._signature = plan.empreinte_ecritures()
    return plan


class _MaitresOuvrage:
    """Le maître d'ouvrage écrit dans la maquette → une organisation (ou la commune, l'EPCI qui le deviendra) : une
    commune de la convention, son EPCI, ou une organisation déjà connue. Une fois par texte distinct."""

    def __init__(self, convention: Convention) -> None:
        self.convention = convention
        self.communes = {cle(lien.commune.nom): lien.commune for lien in convention.communes.all()}
        self.existantes = {
            o.commune_id or o.epci_id: o
            for o in Organisation.objects.filter(
                Q(commune__in=[lien.commune_id for lien in convention.communes.all()])
                | Q(epci=convention.epci_id)
            )
        }
        self.par_nom = None
        self.cache: dict[str, object] = {}

    def trouver(self, texte: str):
        t = cle(texte)
        if t in self.cache:
            return self.cache[t]
        trouve = self._chercher(texte, t)
        self.cache[t] = trouve
        return trouve

    def _chercher(self, texte: str, t: str):
        commune = self.communes.get(PREFIXE_COMMUNE.sub("", t)) or self.communes.get(t)
        if commune is not None:
            return self.existantes.get(commune.code, commune)
        epci = self.convention.epci
        if t in MOTS_EPCI or cle_epci(texte) == cle_epci(epci.nom) or t == epci.siren:
            return self.existantes.get(epci.siren, epci)
        if self.par_nom is None:
            self.par_nom = {}
            for o in Organisation.objects.all():
                self.par_nom.setdefault(cle(o.nom), o)
        if t in self.par_nom:
            return self.par_nom[t]
        from pvd.territoires.resolution import RESOLU, obtenir_index

        r = obtenir_index().resoudre(texte, "epci", departement=self.convention.departement_suivi_id)
        if r.statut == RESOLU and r.code == epci.siren:
            return self.existantes.get(epci.siren, epci)
        return None


def _collectivites(convention: Convention) -> dict[str, object]:
    """La région et le département de la convention, comme financeurs : l'organisation qui existe déjà (même nature,
    son nom contient celui du territoire), sinon celle à créer (sans SIREN : il se complète, jamais de mémoire)."""
    departement = convention.departement_suivi
    region = departement.region
    trouvees: dict[str, object] = {}
    for genre, territoire, nom in (
        ("region", region, f"Région {region.nom}"),
        ("departement", departement, f"Département {departement.avec_charniere}"),
    ):
        cle_territoire = cle(territoire.nom)
        existante = next(
            (
                o
                for o in Organisation.objects.filter(nature=genre)
                if re.search(rf"\b{re.escape(cle_territoire)}\b", cle(o.nom))
            ),
            None,
        )
        trouvees[genre] = existante or {"nom": nom, "siren": "", "nature": genre}
    return trouvees


def _cle_financeur(financeur) -> tuple:
    if isinstance(financeur, Organisation):
        return ("organisation", financeur.pk)
    if isinstance(financeur, dict):
        return ("nouvelle", financeur["nom"])
    return (type(financeur).__name__, financeur.pk)


def _nom(financeur) -> str:
    return financeur["nom"] if isinstance(financeur, dict) else financeur.nom


def _planifier_ligne(plan, ligne, fiche, lecture, titres, mo, collectivites, autofinancement) -> None:
    v = ligne.valeurs
    fichier, n = plan.nom_fichier, ligne.numero
    numero = v["numero"]
    maitre = None
    if v.get("maitre_ouvrage"):
        maitre = mo.trouver(v["maitre_ouvrage"])
        if maitre is None:
            ligne.refuser(
                f"{fichier}, ligne {n}, colonne « {titres['maitre_ouvrage']} » : maître d'ouvrage « {v['maitre_ouvrage']} » "
                f"inconnu : ni une commune de la convention, ni {plan.convention.epci.nom}, ni une organisation "
                "enregistrée. Écrivez le nom de la commune ou de l'EPCI, ou enregistrez d'abord l'organisation "
                "(administration, « Organisations »)."
            )
            return
    axe = v.get("_axe") or (None if fiche else v.get("_axe_courant") or lecture.axe_par_defaut)
    if fiche is None:
        manques = []
        if not v.get("intitule"):
            manques.append(("intitule", "l'intitulé de l'action"))
        if maitre is None:
            manques.append(("maitre_ouvrage", "le maître d'ouvrage"))
        if axe is None:
            manques.append(("axe", "l'axe"))
        for champ, quoi in manques:
            colonne = titres.get(champ)
            ou = f"colonne « {colonne} »" if colonne else f"pas de colonne {LIBELLES_CHAMPS[champ]}"
            conseil = (
                "ajoutez une colonne « Axe », un intertitre « Axe 1 – Habitat », ou choisissez l'axe par défaut de l'import"
                if champ == "axe"
                else f"indiquez {quoi}"
            )
            ligne.refuser(f"{fichier}, ligne {n}, {ou} : l'action {numero} est nouvelle, {conseil}.")
        if manques:
            return
        champs = {
            "numero": numero,
            "intitule": v["intitule"][:300],
            "axe": axe,
            "maitre_ouvrage": maitre,
            "source": f"Maquette financière importée : {fichier}"[:500],
        }
        for cout in ("cout_ht", "cout_ttc"):
            if v.get(cout) is not None:
                champs[cout] = v[cout]
        plan.fiches_a_creer.append({"ligne": n, "champs": champs, "communes": []})
        ligne.noter(CREATION, f"fiche {numero} créée : {v['intitule'][:300]}")
        existantes: list[LigneFinancement] = []
    else:
        changes = {}
        if v.get("intitule") and v["intitule"][:300] != fiche.intitule:
            changes["intitule"] = v["intitule"][:300]
        if maitre is not None and _cle_financeur(maitre) != _cle_financeur(fiche.maitre_ouvrage):
            changes["maitre_ouvrage"] = maitre
        if v.get("_axe") and v["_axe"].pk != fiche.axe_id:
            changes["axe"] = v["_axe"]
        for cout in ("cout_ht", "cout_ttc"):
            if v.get(cout) is not None and v[cout] != getattr(fiche, cout):
                changes[cout] = v[cout]
        if changes:
            plan.fiches_a_modifier.append((fiche, changes, n))
            ligne.noter(
                MODIFICATION,
                f"fiche {numero} modifiée : "
                + ", ".join(
                    f"{LIBELLES_CHAMPS[c]} « {_affiche(getattr(fiche, c))} » → « {_affiche(x)} »"
                    for c, x in changes.items()
                ),
            )
        existantes = list(fiche.lignes.all())
        maitre = maitre or fiche.maitre_ouvrage
    for titre, financeur_lu in lecture.financeurs.items():
        financeur, dispositif = _financeur(financeur_lu, maitre, collectivites, autofinancement)
        cle_f = _cle_financeur(financeur)
        memes = [
            lf
            for lf in existantes
            if _cle_financeur(lf.financeur) == cle_f
            and lf.dispositif_id == (dispositif.pk if dispositif else None)
        ]
        montant = v["_montants"].get(titre)
        quoi = _nom(financeur) + (
            f" ({dispositif.nom})" if dispositif and dispositif.code != "autofinancement" else ""
        )
        if montant is None:
            if memes:
                ligne.avertir(
                    f"colonne « {titre} » vide, mais la fiche {numero} a une ligne {quoi} de "
                    f"{euros(sum((lf.montant for lf in memes), Decimal(0)))} : elle est gardée (un import ne supprime "
                    "rien ; supprimez-la sur la fiche si elle n'a plus lieu d'être)."
                )
            continue
        if not memes:
            if montant:
                plan.lignes_a_creer.append(
                    {
                        "ligne": n,
                        "numero": numero,
                        "financeur": financeur,
                        "dispositif": dispositif,
                        "montant": montant,
                        "colonne": titre,
                    }
                )
                ligne.noter(CREATION, f"fiche {numero} : ligne {quoi}, {euros(montant)} (envisagée)")
            continue
        if len(memes) > 1:
            total = sum((lf.montant for lf in memes), Decimal(0))
            if total != montant:
                ligne.refuser(
                    f"{fichier}, ligne {n}, colonne « {titre} » : la fiche {numero} a {len(memes)} lignes {quoi} "
                    f"({euros(total)} en tout) et le fichier un seul montant ({euros(montant)}) : l'import ne sait pas "
                    "laquelle changer. Modifiez-les sur la fiche, ou mettez ce total dans le fichier."
                )
            continue
        if memes[0].montant != montant:
            plan.lignes_a_modifier.append((memes[0], montant, n, titre))
            ligne.noter(
                MODIFICATION, f"fiche {numero} : ligne {quoi}, {euros(memes[0].montant)} → {euros(montant)}"
            )


def _affiche(valeur) -> str:
    if isinstance(valeur, Decimal):
        return euros(valeur)
    if valeur is None:
        return "vide"
    return _nom(valeur) if isinstance(valeur, dict) or hasattr(valeur, "nom") else str(valeur)


def _financeur(lu: FinanceurLu, maitre, collectivites, autofinancement):
    """Le financeur et le dispositif d'une colonne, pour une fiche (l'autofinancement est celui de son maître
    d'ouvrage)."""
    if lu.genre == "dispositif":
        return lu.dispositif.financeur, lu.dispositif
    if lu.genre == "organisation":
        return lu.organisation, None
    if lu.genre == "autofinancement":
        return maitre, autofinancement
    return collectivites[lu.genre], None


def _verifier_droits(plan: PlanMaquette, titres: dict[str, str]) -> None:
    """Chaque écriture prévue est-elle permise à l'auteur ? Créer ou modifier une fiche, créer une ligne : écrire le
    plan (`peut_ecrire_plan`) ; changer le montant d'une ligne : la modifier (`peut_modifier_ligne` : le partenaire qui
    la finance le peut). Sans compte (`pvd import`, l'exploitant), tout passe."""
    if plan.auteur is None:
        return
    ecrit_le_plan = perimetres.peut_ecrire_plan(plan.auteur, plan.convention)
    if ecrit_le_plan:
        return
    refus: dict[int, str] = {}
    colonne_fiche = titres.get("numero", "numéro")
    for d in plan.fiches_a_creer:
        refus.setdefault(d["ligne"], colonne_fiche)
    for _, _, n in plan.fiches_a_modifier:
        refus.setdefault(n, colonne_fiche)
    for d in plan.lignes_a_creer:
        refus.setdefault(d["ligne"], d["colonne"])
    for lf, _, n, colonne in plan.lignes_a_modifier:
        lf.fiche.convention = plan.convention
        if not perimetres.peut_modifier_ligne(plan.auteur, lf):
            refus.setdefault(n, colonne)
    par_numero = {ligne.numero: ligne for ligne in plan.lignes}
    for n, colonne in sorted(refus.items()):
        par_numero[n].refuser(
            f"{plan.nom_fichier}, ligne {n}, colonne « {colonne} » : votre compte ne peut pas écrire le plan d'action "
            f"de {plan.convention.titre} (la collectivité signataire et l'équipe nationale l'écrivent ; un partenaire "
            "ne modifie que les montants des lignes que son organisation finance). Rien ne sera écrit pour cette "
            "ligne : retirez-la du fichier, ou demandez à la collectivité de l'importer."
        )
