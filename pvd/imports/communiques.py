"""Lire un communiqué de presse (ou un article) et proposer ce qu'il annonce : département, date, conventions (type,
statut, EPCI, communes) et signataires, chaque nom résolu avec les mots d'où il vient.

Des règles de langue d'abord, le résolveur pour les noms, le département pour contexte :
- la prose administrative est régulière : « Convention avec la communauté de communes de X signée par A, B et C »,
  « les communes de A, B et C », « M. Prénom NOM, préfet de … » ;
- le vocabulaire dit le type (« adhésion » ; « ORT », « revitalisation », « convention-cadre ») et le statut
  (« signée », « ont signé » ; « en cours d'élaboration », « sera signée » ; « lauréates », « retenues ») ;
- une commune est une suite de mots à majuscule que le résolveur reconnaît dans le département (le plus long
  d'abord) ; un simple début de nom n'est retenu que dans une énumération (« les communes de … », « … et … ») ;
  le nom qui suit « préfet de » ou « sous-préfet de » est un titre, et celui de la ligne de date (« Cahors, le
  27 juillet 2021 ») un lieu, pas des communes annoncées ;
- les communes se regroupent en conventions par leur EPCI (celui du COG), sauf quand le texte les groupe lui-même
  (« Decize/Saint-Léger ; Imphy ; La Machine »).
Le résultat est une proposition : l'utilisateur la corrige et la confirme, puis elle passe par le même chemin
d'import que les fichiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pvd.programmes.dates import MOIS
from pvd.territoires.models import Commune, Departement, Epci
from pvd.territoires.normalisation import cle
from pvd.territoires.resolution import RESOLU, Index, obtenir_index

MOTS_MOIS = "|".join([*MOIS, "fevrier", "aout", "decembre"])
DATE_LONGUE = re.compile(
    rf"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(\d{{1,2}})(?:er)?\s+({MOTS_MOIS})\s+(\d{{4}})",
    re.IGNORECASE,
)
DATE_COURTE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
NUMEROS_MOIS = {cle(m): i + 1 for i, m in enumerate(MOIS)} | {"fevrier": 2, "aout": 8, "decembre": 12}
MOT = r"[A-ZÉÈÊÀÂÎÔÛÇŒ][\w'’\-]*"
LIAISONS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "d",
    "l",
    "en",
    "sur",
    "sous",
    "lès",
    "lez",
    "aux",
    "au",
    "et",
}
EPCI_MENTION = re.compile(
    r"(communaut[ée] (?:de communes?|d[’']agglom[ée]ration|urbaine)|\bCC\b|\bCA\b|\bCU\b)\s+"
    r"([^,.;:()\n«»\"]+?)(?=\s*(?:[,.;:()\n«»\"]|\bet les\b|\bet la\b|\bsign|\ben partenariat\b|\ben lien\b|"
    r"\bdans le\b|\bavec\b|\bqui\b|\bpour\b|$))",
    re.IGNORECASE,
)
QUALITES = (
    r"(?:sous-)?pr[ée]f[eè]te?|maire|pr[ée]sidente?|vice-pr[ée]sidente?|directeur|directrice|"
    r"secr[ée]taire g[ée]n[ée]rale?|conseill[eè]re?|ministre|d[ée]l[ée]gu[ée]e?"
)
SIGNATAIRE = re.compile(
    rf"(?:(?:M\.|Mme|Madame|Monsieur)\s+)?"
    rf"(?P<nom>[A-ZÉÈ][a-zéèëêïîôûç]+(?:-[A-ZÉÈ][a-zéèëêïîôûç]+)?\s+(?:[A-ZÉÈ][A-Za-zÉÈéèëêïîôûç'’\-]+)"
    rf"(?:\s+[A-ZÉÈ][A-ZÉÈ'’\-]+)?)\s*,\s*(?P<qualite>(?:{QUALITES})\b[^,;:()\n]*)",
)
TITRES_AVANT = {
    "prefet",
    "prefete",
    "sous prefet",
    "sous prefete",
    "arrondissement",
    "sous prefecture",
    "prefecture",
}


@dataclass
class Trouvaille:
    texte: str
    code: str
    debut: int
    fin: int


@dataclass
class Segment:
    texte: str
    debut: int
    type: str = ""
    statut: str = ""
    communes: list[Trouvaille] = field(default_factory=list)
    epcis: list[Trouvaille] = field(default_factory=list)


def _type_de(texte: str) -> str:
    t = cle(texte)
    ort = bool(re.search(r"\bort\b|revitalisation|convention cadre|convention cadres|conventions cadres", t))
    adhesion = "adhesion" in t
    if ort and not adhesion:
        return "cadre_ort"
    if adhesion and not ort:
        return "adhesion"
    return ""


def _statut_de(texte: str) -> str:
    t = cle(texte)
    if re.search(
        r"en cours d elaboration|sera signee|seront signees|en preparation|a venir|sera prochainement", t
    ):
        return "en_elaboration"
    if re.search(r"\bsign", t):
        return "signee"
    if re.search(r"laureat|retenue|labellise|beneficient|selectionne", t):
        return "laureats"
    return ""


def _segments(texte: str) -> list[Segment]:
    """Lignes (une puce par ligne) et phrases ; un « : » en fin de ligne ouvre une liste qui hérite du contexte."""
    segments = []
    position = 0
    for ligne in texte.split("\n"):
        debut_ligne = position
        position += len(ligne) + 1
        if not ligne.strip():
            continue
        morceaux = re.split(r"(?<=[a-zé»\)])\.\s+(?=[A-ZÉÈ«\"“])", ligne)
        decalage = 0
        for morceau in morceaux:
            indice = ligne.find(morceau, decalage)
            decalage = indice + len(morceau)
            segments.append(Segment(morceau, debut_ligne + max(indice, 0)))
    return segments


def _date(texte: str) -> date | None:
    candidates = []
    for m in DATE_LONGUE.finditer(texte):
        try:
            d = date(int(m[3]), NUMEROS_MOIS[cle(m[2])], int(m[1]))
        except (KeyError, ValueError):
            continue
        contexte = cle(texte[max(0, m.start() - 120) : m.end() + 120])
        candidates.append((0 if "sign" in contexte else 1, m.start(), d))
    for m in DATE_COURTE.finditer(texte):
        try:
            candidates.append((2, m.start(), date(int(m[3]), int(m[2]), int(m[1]))))
        except ValueError:
            continue
    return min(candidates)[2] if candidates else None


def _departement(texte: str, donne: str) -> str:
    if donne:
        return donne.upper()
    trouve = re.search(
        r"pr[ée]f[eè]te?\s+(?:du|de la|de l['’]|des|de)\s*([A-ZÉ][\w'’\- ]+)", texte, re.IGNORECASE
    )
    if trouve:
        cible = cle(trouve[1])
        for dep in Departement.objects.all():
            if cible.startswith(cle(dep.nom)):
                return dep.code
    return ""


def _communes(segment: Segment, index: Index, departement: str) -> list[Trouvaille]:
    mots = list(re.finditer(r"[\w'’\-]+|[,;/()]", segment.texte))
    trouvees: list[Trouvaille] = []
    i = 0
    while i < len(mots):
        mot = mots[i][0]
        if not re.fullmatch(MOT, mot):
            i += 1
            continue
        meilleur = None
        for longueur in range(min(7, len(mots) - i), 0, -1):
            fin = mots[i + longueur - 1]
            if not re.fullmatch(r"[\w'’\-]+", fin[0]) or cle(fin[0]) in LIAISONS:
                continue
            if any(re.fullmatch(r"[,;/()]", m[0]) for m in mots[i : i + longueur]):
                continue
            morceau = segment.texte[mots[i].start() : fin.end()]
            r = index.resoudre(morceau, "commune", departement=departement)
            if r.statut != RESOLU or r.resultat.raison == "approchant":
                continue
            avant = cle(segment.texte[max(0, mots[i].start() - 40) : mots[i].start()])
            if r.resultat.raison == "nom_partiel" and not re.search(
                r"(communes? de|par|,|\bet|/|;)\s*$", avant + " "
            ):
                continue
            if any(avant.endswith(t + " de") or avant.endswith(t + " d") for t in TITRES_AVANT):
                break
            apres = segment.texte[fin.end() : fin.end() + 20]
            if re.match(r"\s*,\s*le\s+\d", apres):
                break  # « Cahors, le 27 juillet 2021 » : le lieu du communiqué, pas une commune qu'il annonce
            meilleur = Trouvaille(morceau, r.code, segment.debut + mots[i].start(), segment.debut + fin.end())
            i += longueur
            break
        if meilleur:
            trouvees.append(meilleur)
        else:
            i += 1
    return trouvees


def _epcis(segment: Segment, index: Index, departement: str) -> list[Trouvaille]:
    trouvees = []
    for m in EPCI_MENTION.finditer(segment.texte):
        texte = m[0].strip()
        r = index.resoudre(texte, "epci", departement=departement)
        if r.statut == RESOLU:
            trouvees.append(Trouvaille(texte, r.code, segment.debut + m.start(), segment.debut + m.end()))
    ligne = segment.texte.strip(" •-*\t")
    if not trouvees and 0 < len(ligne.split()) <= 6:
        r = index.resoudre(ligne, "epci", departement=departement)
        if r.statut == RESOLU and r.resultat.raison in ("exact", "normalise", "alias", "ancien_nom"):
            debut = segment.texte.find(ligne)
            trouvees.append(
                Trouvaille(ligne, r.code, segment.debut + debut, segment.debut + debut + len(ligne))
            )
    return trouvees


def _signataires(texte: str) -> list[dict]:
    vus, resultat = set(), []
    for m in SIGNATAIRE.finditer(texte):
        nom = " ".join(p if not p.isupper() else p.capitalize() for p in m["nom"].split())
        nom = "-".join(p[:1].upper() + p[1:] for p in nom.split("-"))
        qualite = m["qualite"].strip()
        qualite = qualite[:1].lower() + qualite[1:]
        if nom not in vus:
            vus.add(nom)
            resultat.append({"nom": nom, "qualite": qualite})
    return resultat


def recoller_lignes(texte: str) -> str:
    """Un texte copié d'un PDF est coupé en fin de ligne au milieu des phrases : on recolle une ligne à la suivante
    quand elle ne finit pas une phrase et que la suivante n'ouvre pas un élément de liste."""
    lignes = texte.split("\n")
    resultat: list[str] = []
    for ligne in lignes:
        precedente = resultat[-1] if resultat else ""
        if (
            precedente.strip()
            and ligne.strip()
            and not re.search(r"[.:;!?»\"”]\s*$", precedente)
            and not re.match(r"\s*[•\-*–]", ligne)
            and not re.match(r"\s*[•\-*–]", precedente)
            and (ligne.strip()[:1].islower() or len(precedente) > 60)
        ):
            resultat[-1] = precedente.rstrip() + " " + ligne.strip()
        else:
            resultat.append(ligne)
    return "\n".join(resultat)


def lire_communique(texte: str, departement: str = "") -> dict:
    """La proposition : voir le docstring du module. Les positions (`debut`, `fin`) permettent de surligner."""
    texte = "\n".join(ligne for ligne in texte.replace("\r\n", "\n").split("\n") if not ligne.startswith("#"))
    texte = recoller_lignes(texte)
    index = obtenir_index()
    code_dep = _departement(texte, departement)
    type_document = _type_de(texte)
    statut_document = "signee" if re.search(r"\bsign", cle(texte)) else _statut_de(texte)
    segments = _segments(texte)
    contexte_liste = ("", "")
    for segment in segments:
        segment.type = _type_de(segment.texte)
        segment.statut = _statut_de(segment.texte)
        if segment.texte.rstrip().endswith(":"):
            contexte_liste = (segment.type, segment.statut)
        elif re.match(r"\s*[•\-*–]", segment.texte) or not segment.statut:
            segment.type = segment.type or contexte_liste[0]
            segment.statut = segment.statut or contexte_liste[1]
        segment.type = segment.type or type_document or "inconnu"
        segment.statut = segment.statut or statut_document or "laureats"
        segment.communes = _communes(segment, index, code_dep)
        segment.epcis = _epcis(segment, index, code_dep)
    # Un texte qui n'annonce rien (ni convention, ni signature, ni lauréates, ni le programme) ne propose rien,
    # même s'il nomme des communes : « Gramat et Figeac accueillent le festival » n'est pas un communiqué PVD.
    annonce = bool(type_document or _statut_de(texte)) or bool(
        re.search(r"\bconventions?\b|petites villes de demain|\bpvd\b", cle(texte))
    )
    conventions = _conventions(segments, texte, statut_document) if annonce else []
    return {
        "departement": code_dep,
        "date": (_date(texte).isoformat() if _date(texte) else None),
        "conventions": [{**c, "libelle": libelle_convention(c)} for c in conventions],
        "texte": texte,  # le texte lu (lignes recollées) : les positions `debut`/`fin` s'y rapportent
    }


def _conventions(segments: list[Segment], texte: str, statut_document: str) -> list[dict]:
    communes = Commune.objects.in_bulk([t.code for s in segments for t in s.communes])
    groupes: dict[tuple, dict] = {}
    deja: dict[str, tuple] = {}
    signataires = _signataires(texte)
    for segment in segments:
        parties = [segment.communes]
        if ";" in segment.texte and len(segment.communes) > 1:
            # Le texte groupe lui-même : « (Decize/Saint-Léger ; Imphy ; La Machine) ».
            bornes = [segment.debut + i for i, c in enumerate(segment.texte) if c == ";"]
            parties, courante = [], []
            for trouvaille in segment.communes:
                if courante and any(courante[-1].fin <= b <= trouvaille.debut for b in bornes):
                    parties.append(courante)
                    courante = []
                courante.append(trouvaille)
            parties.append(courante)
        for numero, partie in enumerate(parties):
            for trouvaille in partie:
                commune = communes.get(trouvaille.code)
                epci = commune.epci_id if commune else ""
                groupe_texte = numero if len(parties) > 1 else None
                cle_groupe = (segment.statut, segment.type, epci, groupe_texte)
                if trouvaille.code in deja:
                    precedente = deja[trouvaille.code]
                    if precedente[0] == "signee" or segment.statut == "laureats":
                        continue
                    groupes[precedente]["communes"] = [
                        c for c in groupes[precedente]["communes"] if c["insee"] != trouvaille.code
                    ]
                groupe = groupes.setdefault(cle_groupe, _nouvelle(segment, epci))
                groupe["communes"].append(
                    {
                        "texte": trouvaille.texte,
                        "insee": trouvaille.code,
                        "debut": trouvaille.debut,
                        "fin": trouvaille.fin,
                    }
                )
                deja[trouvaille.code] = cle_groupe
        for trouvaille in segment.epcis:
            for cle_groupe, groupe in groupes.items():
                if cle_groupe[2] == trouvaille.code and not groupe["epci_texte"]:
                    groupe["epci_texte"] = trouvaille.texte
            if not segment.communes and not any(k[2] == trouvaille.code for k in groupes):
                groupe = groupes.setdefault(
                    (segment.statut, segment.type, trouvaille.code, None), _nouvelle(segment, trouvaille.code)
                )
                groupe["epci_texte"] = trouvaille.texte
    resultat = []
    for groupe in groupes.values():
        if not groupe["communes"] and not groupe["epci_siren"]:
            continue
        if groupe["statut"] == "signee":
            groupe["signataires"] = signataires
        resultat.append(groupe)
    return resultat


def _nouvelle(segment: Segment, epci: str) -> dict:
    return {
        "type": segment.type,
        "statut": segment.statut,
        "epci_siren": epci or None,
        "epci_texte": None,
        "communes": [],
        "signataires": [],
        "epci_nom": Epci.objects.filter(siren=epci).values_list("nom", flat=True).first() if epci else None,
    }


COLONNES_PROPOSITION = {
    "Commune": "commune",
    "Code commune": "code",
    "Type": "type",
    "Statut": "statut",
    "Date de signature": "date_signature",
}
TYPES_TEXTE = {"adhesion": "adhésion", "cadre_ort": "ORT", "inconnu": "adhésion"}


PDF, ZIP, OLE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS_TABLEUR = (".xlsx", ".xls", ".ods", ".csv")


def texte_du_fichier(contenu: bytes, nom_fichier: str) -> str:
    """Le texte d'un communiqué donné en .txt, .docx ou .pdf, reconnu à son contenu autant qu'à son nom.

    Un fichier vide, un tableur, un ancien document Office, un PDF sans texte (scanné) ou un fichier binaire reçoivent
    chacun un message qui dit quoi faire, jamais une proposition tirée d'octets illisibles. Les avertissements de
    pypdf (en anglais) sur un PDF mal formé ne sont pas montrés : ses journaux sont réduits aux erreurs (réglages).
    """
    import io

    from pvd.territoires.fichiers import FichierIllisible, decoder

    nom = nom_fichier.lower()
    if not contenu.strip():
        raise FichierIllisible(
            f"{nom_fichier} : le fichier est vide. Donnez le communiqué lui-même, ou collez son texte."
        )
    if nom.endswith(EXTENSIONS_TABLEUR) or (contenu.startswith(ZIP) and b"word/" not in contenu[:100_000]):
        raise FichierIllisible(
            f"{nom_fichier} : c'est un tableur, pas un communiqué. Pour importer un tableau de conventions, "
            "utilisez `pvd import FICHIER --source tableur` (ou la page « Importer un fichier » du site)."
        )
    if contenu.startswith(OLE):
        raise FichierIllisible(
            f"{nom_fichier} : ancien format Office (.doc ou .xls), non lu. "
            "Enregistrez le communiqué en .docx ou en .pdf, ou collez son texte."
        )
    if nom.endswith(".pdf") and not contenu.startswith(PDF):
        raise FichierIllisible(
            f"{nom_fichier} : ce fichier n'est pas un PDF. Vérifiez le fichier, ou collez son texte."
        )
    if nom.endswith(".docx") and not contenu.startswith(ZIP):
        raise FichierIllisible(
            f"{nom_fichier} : ce fichier n'est pas un document Word (.docx). Vérifiez le fichier, ou collez son texte."
        )
    try:
        if contenu.startswith(ZIP):
            import docx

            texte = "\n".join(p.text for p in docx.Document(io.BytesIO(contenu)).paragraphs)
        elif contenu.startswith(PDF):
            from pypdf import PdfReader

            texte = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(contenu)).pages)
            if not texte.strip():
                raise FichierIllisible(
                    f"{nom_fichier} : ce PDF ne contient pas de texte (document scanné ?). "
                    "Copiez-collez le texte du communiqué, ou donnez-en une version .docx."
                )
        else:
            texte = ""
    except FichierIllisible:
        raise
    except Exception as erreur:  # bibliothèques de lecture : erreurs variées sur un fichier abîmé
        raise FichierIllisible(
            f"{nom_fichier} : document illisible. Copiez-collez plutôt son texte."
        ) from erreur
    if contenu.startswith((ZIP, PDF)):
        return texte
    if (
        b"\x00" in contenu[:4096]
        or sum(o < 9 or 13 < o < 32 for o in contenu[:4096]) > len(contenu[:4096]) // 100
    ):
        raise FichierIllisible(
            f"{nom_fichier} : fichier binaire, pas un texte. Donnez le communiqué en .txt, .docx ou .pdf."
        )
    return decoder(contenu, nom_fichier)[0]


def libelle_convention(convention: dict) -> str:
    """Ce qu'annonce une convention proposée, en français (jamais les codes internes `adhesion`, `signee`…)."""
    from pvd.programmes.models import Convention

    if convention["statut"] == "laureats":
        return "Communes lauréates (aucune convention annoncée)"
    if convention["type"] not in Convention.Type.values:
        genre = "Convention (type non précisé)"
    else:
        genre = Convention.Type(convention["type"]).label
    if convention["statut"] in Convention.Statut.values:
        statut = Convention.Statut(convention["statut"]).label
        if convention["type"] == Convention.Type.AVENANT:
            statut = {"signée": "signé", "résiliée": "résilié"}.get(statut, statut)
        genre = f"{genre} {statut}"
    return genre[0].upper() + genre[1:]


def proposition_en_tableau(proposition: dict) -> bytes:
    """La proposition, confirmée, devient un tableau (une commune par ligne) pour le chemin d'import commun."""
    import csv
    import io

    flux = io.StringIO(newline="")
    ecrivain = csv.writer(flux, delimiter=";")
    ecrivain.writerow(list(COLONNES_PROPOSITION))
    for convention in proposition["conventions"]:
        statut = {"signee": "signée", "en_elaboration": "en cours d'élaboration"}.get(
            convention["statut"], ""
        )
        for commune in convention["communes"]:
            ecrivain.writerow(
                [
                    commune.get("texte", ""),
                    commune["insee"],
                    TYPES_TEXTE.get(convention["type"], "adhésion"),
                    statut,
                    (proposition.get("date") or "") if convention["statut"] == "signee" else "",
                ]
            )
    return flux.getvalue().encode("utf-8")
