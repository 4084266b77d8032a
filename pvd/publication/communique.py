"""Rédiger le communiqué de presse d'une préfecture à partir du registre, pour un département et une date.

Le texte suit la présentation des communiqués de préfecture : en-tête « PRÉFET DU LOT » (ou « PRÉFÈTE DE LA
HAUTE-GARONNE », charnière tirée du type de nom INSEE), devise, « COMMUNIQUÉ DE PRESSE », programme, lieu et date
(« Cahors, le 27 juillet 2021 » : chef-lieu par défaut), titre, présentation du programme (texte du programme),
nombre de lauréats du département à cette date, conventions signées ce jour-là (« Convention avec la communauté de
communes de Cauvaldor signée par Souillac, …, Saint-Céré et Gramat. »), conventions encore en élaboration, étape
suivante (tirée des règles du programme) et contact presse (réglé par département). Une convention signée « au plus
tard » ce jour-là (date exacte inconnue) n'est pas annoncée comme signée ce jour-là.

Les communes sont nommées comme elles s'appelaient à cette date (nom du millésime du COG en vigueur), les EPCI par
leur nom d'usage quand ils en ont un (« Cauvaldor »). Rien n'est écrit en dur pour le Lot.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from pvd.programmes.dates import date_longue
from pvd.programmes.models import Convention, Etape, Laureat, Programme, RegleEcheance, Signataire
from pvd.territoires.charniere import nom_avec_charniere
from pvd.territoires.importation import MILLESIME_COURANT
from pvd.territoires.models import Alias, CommuneNomHistorique, Departement, Epci

from .models import ParametresDepartement
from .nombres import nombre_redige

DEVISE = ["Liberté", "Égalité", "Fraternité"]
NATURES = {"CC": "communauté de communes", "CA": "communauté d'agglomération", "CU": "communauté urbaine"}
PREFIXES_OFFICIELS = re.compile(r"^(CC|CA|CU)\s+(.*)$")
CHARNIERE_INITIALE = re.compile(r"^(du |de la |des |de l'|de l’|d'|d’|de )", re.IGNORECASE)
VOYELLES = "AEIOUYÉÈÊÂÎÔÛHaeiouyéèêâîôûh"
TYPES_AU_PLURIEL = {
    Convention.Type.ADHESION: ("convention d'adhésion", "conventions d'adhésion"),
    Convention.Type.CADRE_ORT: ("convention-cadre valant ORT", "conventions-cadres valant ORT"),
    Convention.Type.AVENANT: ("avenant", "avenants"),
}
SUITES = {
    Etape.ADHESION: "de la signature d'une convention d'adhésion",
    Etape.CHEF_DE_PROJET: "du recrutement d'un chef de projet",
    Etape.CADRE_ORT: "de la signature d'une convention-cadre valant opération de revitalisation de territoire (ORT)",
    Etape.AVENANT: "d'avenants qui feront vivre le projet",
}
ETAPE_DU_TYPE = {
    Convention.Type.ADHESION: Etape.ADHESION,
    Convention.Type.CADRE_ORT: Etape.CADRE_ORT,
    Convention.Type.AVENANT: Etape.AVENANT,
}


@dataclass
class Communique:
    """Le communiqué, bloc par bloc ; chaque bloc de texte se modifie dans l'aperçu avant l'export."""

    entete: str
    programme: str
    lieu_date: str
    titre: str
    presentation: str
    annonce: str
    introduction_liste: str
    conventions: list[str] = field(default_factory=list)
    en_elaboration: str = ""
    etape_suivante: str = ""
    contact: str = ""
    devise: list[str] = field(default_factory=lambda: list(DEVISE))
    genre: str = "COMMUNIQUÉ DE PRESSE"

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def paragraphes(self) -> list[str]:
        return [p for p in (self.presentation, self.annonce) if p]


def majuscule(texte: str) -> str:
    """Première lettre en capitale, le reste intact (« convention-cadre valant ORT »)."""
    return texte[:1].upper() + texte[1:]


def liste_francaise(elements: list[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    if len(elements) <= 1:
        return "".join(elements)
    return ", ".join(elements[:-1]) + " et " + elements[-1]


def nom_epci(epci: Epci, alias: str = "") -> str:
    """« la communauté de communes de Cauvaldor », « la communauté de communes du Quercy Blanc », « Toulouse Métropole »."""
    nom = re.sub(r"\s+-\s+", "-", epci.nom)  # « Quercy - Bouriane » : pas d'espace autour du trait d'union
    if alias:
        nature = NATURES.get(epci.nature, "intercommunalité")
        charniere = "d'" if alias[0] in VOYELLES else "de "
        return f"la {nature} {charniere}{alias}"
    trouve = PREFIXES_OFFICIELS.match(nom)
    if not trouve:
        return ("la " if nom.lower().startswith(("métropole", "communauté")) else "") + nom
    sigle, reste = trouve.groups()
    if not CHARNIERE_INITIALE.match(reste):
        # Un nom de pays sans charnière : « Grand-Figeac » prend l'article (« le Grand-Figeac »), comme tout nom en
        # « Grand » ; sinon « de », élidé devant une voyelle.
        if re.match(r"^Grand[\s-]", reste):
            reste = "du " + reste
        elif re.match(r"^Grande[\s-]", reste):
            reste = "de la " + reste
        else:
            reste = ("d'" if reste[0] in VOYELLES else "de ") + reste
    return f"la {NATURES[sigle]} {reste}"


def noms_a_la_date(codes: list[str], jour: date) -> dict[str, str]:
    """Le nom de chaque commune dans le millésime du COG en vigueur à cette date (46063 : nom de 2021 avant 2026)."""
    if jour.year >= MILLESIME_COURANT[1]:
        return {}
    anciens = CommuneNomHistorique.objects.filter(
        commune_id__in=codes, nature=CommuneNomHistorique.Nature.ANCIEN_NOM
    ).values_list("commune_id", "nom", "millesime")
    meilleurs: dict[str, tuple[int, str]] = {}
    for code, nom, millesime in anciens:
        # Le plus récent millésime qui ne dépasse pas la date ; à défaut, le plus ancien connu.
        rang = (millesime <= jour.year, millesime if millesime <= jour.year else -millesime)
        if code not in meilleurs or rang > meilleurs[code][0]:
            meilleurs[code] = (rang, nom)
    return {code: nom for code, (_, nom) in meilleurs.items()}


def _nom_commune(lien, noms: dict[str, str], departement: Departement) -> str:
    nom = noms.get(lien.commune_id, lien.commune.nom)
    if lien.commune.departement_id != departement.code:
        nom += f" ({lien.commune.departement.nom})"
    return nom


def _signataire_etat(conventions: list[Convention], parametres: ParametresDepartement | None, departement):
    """Le nom et la qualité du représentant de l'État qui a signé ce jour-là, sinon ceux réglés pour le département."""
    for convention in conventions:
        for s in convention.signataires.all():
            if s.partie == Signataire.Partie.ETAT and s.qualite:
                return s.nom, s.qualite
    titre = parametres.titre_prefet if parametres else ParametresDepartement.Titre.PREFET
    return (parametres.nom_prefet if parametres else ""), f"{titre} {departement.avec_charniere}"


def _entete(qualite: str, parametres: ParametresDepartement | None, departement: Departement) -> str:
    """« PRÉFET DU LOT », « PRÉFÈTE DE LA HAUTE-GARONNE » : le titre vient du signataire ou des paramètres."""
    if qualite.lower().startswith("préfète"):
        titre = "préfète"
    elif qualite.lower().startswith("préfet"):
        titre = "préfet"
    else:
        titre = parametres.titre_prefet if parametres else "préfet"
    return f"{titre} {departement.avec_charniere}".upper()


def _conventions(programme: Programme, departement: Departement):
    return (
        Convention.objects.filter(programme=programme, departement_suivi=departement)
        .select_related("epci")
        .prefetch_related("communes__commune__departement", "signataires")
        .order_by("id")
    )


def communique_rediger(
    *, programme: Programme, departement: Departement, jour: date, lieu: str = ""
) -> Communique:
    parametres = ParametresDepartement.objects.filter(departement=departement).first()
    toutes = list(_conventions(programme, departement))
    # Une convention signée « au plus tard » ce jour-là l'a peut-être été avant : le communiqué ne l'annonce pas.
    signees = [c for c in toutes if c.date_signature == jour and not c.signature_au_plus_tard]
    types = sorted({c.type for c in signees}) or [Convention.Type.ADHESION]
    en_cours = [
        c for c in toutes if c.type in types and c.statut_au(jour) == Convention.Statut.EN_ELABORATION
    ]
    codes = [lien.commune_id for c in signees + en_cours for lien in c.communes.all()]
    noms = noms_a_la_date(codes, jour)
    alias = {}
    for a in Alias.objects.filter(epci__in={c.epci_id for c in signees + en_cours}).order_by("cree_le", "id"):
        alias.setdefault(a.epci_id, a.texte)

    nom_prefet, qualite = _signataire_etat(signees, parametres, departement)
    chef_lieu = departement.chef_lieu.nom if departement.chef_lieu_id else departement.nom
    lieu = lieu or (parametres.lieu if parametres and parametres.lieu else chef_lieu)
    du_departement = nom_avec_charniere(departement.nom, departement.type_liaison)
    nb_laureats = (
        Laureat.objects.filter(programme=programme, departement_suivi=departement).actifs_au(jour).count()
    )

    presentation = programme.presentation.strip()
    phrase_laureats = (
        f"Pour le département {du_departement}, {nombre_redige(nb_laureats, feminin=True)} "
        f"commune{'s' if nb_laureats > 1 else ''} {'sont' if nb_laureats > 1 else 'est'} "
        f"lauréate{'s' if nb_laureats > 1 else ''} du programme."
    )
    presentation = f"{presentation} {phrase_laureats}".strip()

    lignes = []
    for c in signees:
        communes = [_nom_commune(lien, noms, departement) for lien in c.communes.all()]
        lignes.append(
            f"{majuscule(TYPES_AU_PLURIEL[c.type][0])} avec {nom_epci(c.epci, alias.get(c.epci_id, ''))} "
            f"signée par {liste_francaise(communes)}."
        )
    nb = len(signees)
    singulier, pluriel = TYPES_AU_PLURIEL[types[0]] if len(types) == 1 else ("convention", "conventions")
    if nom_prefet:
        signataire = f"{nom_prefet}, {qualite}"
    else:
        signataire = ("la " if qualite.lower().startswith("préfète") else "le ") + qualite
    if nb:
        titre = (
            f"Signature des {pluriel} pour les communes {du_departement}"
            if nb > 1
            else (f"Signature d'une {singulier} {du_departement}")
        )
        annonce = (
            f"Le {date_longue(jour)}, {nombre_redige(nb, feminin=True)} {pluriel if nb > 1 else singulier} "
            f"du programme {programme.nom} {'ont été signées' if nb > 1 else 'a été signée'} à la préfecture "
            f"par les communes lauréates, leurs intercommunalités et {signataire}, au nom de l'État."
        )
        introduction = "Les conventions signées ce jour :" if nb > 1 else "La convention signée ce jour :"
    else:
        titre = f"Le programme {programme.nom} dans le département {du_departement}"
        annonce = f"Aucune {singulier} n'a été signée le {date_longue(jour)}."
        introduction = ""

    return Communique(
        entete=_entete(qualite, parametres, departement),
        programme=f"PROGRAMME {programme.nom.upper()}",
        lieu_date=f"{lieu}, le {date_longue(jour)}",
        titre=titre,
        presentation=presentation,
        annonce=annonce,
        introduction_liste=introduction,
        conventions=lignes,
        en_elaboration=_phrase_en_elaboration(en_cours, noms, departement, singulier, pluriel, nb > 0),
        etape_suivante=_phrase_etape_suivante(programme, types[0], nb),
        contact=(
            parametres.contact_presse
            if parametres and parametres.contact_presse
            else _contact_par_defaut(departement)
        ),
    )


def _pour_les_communes(convention: Convention, noms: dict[str, str], departement: Departement) -> str:
    liens = list(convention.communes.all())
    if len(liens) == 1:
        commune = liens[0].commune
        nom = noms.get(commune.code, commune.nom)
        return f"pour la commune {nom_avec_charniere(nom, commune.type_liaison)}"
    return "pour les communes de " + liste_francaise(
        [_nom_commune(lien, noms, departement) for lien in liens]
    )


def _phrase_en_elaboration(en_cours, noms, departement, singulier, pluriel, apres_signatures: bool) -> str:
    if not en_cours:
        return ""
    debut = "De plus, " if apres_signatures else ""
    groupes = [_pour_les_communes(c, noms, departement) for c in en_cours]
    if len(en_cours) == 1:
        phrase = f"une {singulier} est en cours d'élaboration {groupes[0]}."
    elif len(en_cours) == 2:
        phrase = f"deux {pluriel} sont en cours d'élaboration, d'une part {groupes[0]} et, d'autre part, {groupes[1]}."
    else:
        phrase = (
            f"{nombre_redige(len(en_cours), feminin=True)} {pluriel} sont en cours d'élaboration : "
            + " ; ".join(groupes[:-1])
            + f" ; enfin {groupes[-1]}."
        )
    phrase = debut + phrase
    return phrase[:1].upper() + phrase[1:]


def _phrase_etape_suivante(programme: Programme, type_signe: str, nb: int) -> str:
    """L'étape suivante, tirée des règles d'échéance du programme (pas du code)."""
    etape = ETAPE_DU_TYPE[type_signe]
    regles = sorted(
        RegleEcheance.objects.filter(programme=programme, origine=etape),
        key=lambda r: (r.delai_mois is not None, r.delai_mois or 0),
    )
    if not regles:
        return ""
    suites = []
    for regle in regles:
        texte = SUITES[regle.cible]
        if regle.delai_mois:
            texte = f"dans les {nombre_redige(regle.delai_mois)} mois, {texte}"
        suites.append(texte)
    premiere = etape == Etape.ADHESION
    sujet = TYPES_AU_PLURIEL[type_signe][0]
    debut = f"La signature d'une {sujet} est la première étape du programme. " if premiere else ""
    pronom = "Elle est suivie" if premiere else f"La {sujet} est suivie"
    return f"{debut}{pronom} {', puis, '.join(suites)}."


def _contact_par_defaut(departement: Departement) -> str:
    return (
        f"Préfecture {departement.avec_charniere} — service de la communication interministérielle de l'État"
    )
