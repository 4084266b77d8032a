"""Les fichiers de données ouvertes d'un programme, à une date : lauréats, ORT, conventions, carte (GeoJSON).

Chaque jeu est une liste de colonnes typées et de lignes ; il s'écrit en CSV (UTF-8, virgule), en XLSX, et
s'accompagne d'un Table Schema (JSON) qui décrit ses colonnes. Par défaut, seules les données publiées par leur
préfecture sont exportées, et aucun nom de personne : les signataires n'apparaissent que par leur qualité, sauf si
l'on demande explicitement leurs noms.

Sécurité des tableurs : une cellule de texte qui commencerait par `=`, `+`, `-`, `@`, une tabulation ou un retour
chariot serait exécutée comme une formule ; elle est neutralisée (préfixe `'` en CSV, cellule de texte en XLSX) et
`restaurer` rend le texte d'origine à la relecture (`territoires.fichiers`, partagé avec `pvd resolve --file`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from pvd.programmes.jalons import avancements
from pvd.programmes.models import Convention, Laureat, Programme
from pvd.programmes.selectors import conventions, laureats
from pvd.territoires.fichiers import neutraliser

JEUX = (
    "laureats",
    "ort",
    "conventions",
    "fiches_actions",
    "lignes_financement",
    "subventions_scdl",
    "projets",
    "geojson",
)
TABLEAUX = tuple(jeu for jeu in JEUX if jeu != "geojson")
# Les tableaux, tels que les pages de téléchargement (et les exports en travail long) les présentent.
TELECHARGEMENTS = [
    ("laureats", "Communes lauréates (présentation de l'ANCT)"),
    ("ort", "Opérations de revitalisation de territoire (présentation du ministère)"),
    ("conventions", "Conventions, communes et qualités des signataires"),
    ("fiches_actions", "Fiches actions des conventions-cadres publiées"),
    ("lignes_financement", "Lignes de financement des fiches actions (hors demandes envisagées)"),
    (
        "subventions_scdl",
        "Subventions accordées ou versées par l'État et les partenaires, au standard SCDL « Subventions » 1.1",
    ),
    (
        "projets",
        "Fiches actions au schéma « projets » des collectivités (communs de la transition écologique)",
    ),
]


@dataclass(frozen=True)
class Colonne:
    nom: str
    type: str  # string, date, integer, number, boolean
    description: str
    obligatoire: bool = False


@dataclass
class Jeu:
    nom: str
    titre: str
    colonnes: list[Colonne]
    lignes: list[list] = field(default_factory=list)

    def schema(self) -> dict:
        """Le Table Schema (frictionless) du jeu."""
        return {
            "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "name": self.nom,
            "title": self.titre,
            "fields": [
                {
                    "name": c.nom,
                    "type": c.type,
                    "description": c.description,
                    **({"format": "%Y-%m-%d"} if c.type == "date" else {}),
                    **({"constraints": {"required": True}} if c.obligatoire else {}),
                }
                for c in self.colonnes
            ],
            "missingValues": [""],
        }


def _cellule_csv(valeur) -> str:
    if valeur.__class__ is str:  # le cas le plus fréquent d'abord : un export national en écrit des millions
        return neutraliser(valeur)
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, (date, datetime)):
        return valeur.isoformat()
    if isinstance(valeur, (int, float)):
        return str(valeur)
    return neutraliser(str(valeur))


def en_csv(jeu: Jeu) -> bytes:
    flux = io.StringIO(newline="")
    ecrivain = csv.writer(flux, delimiter=",", lineterminator="\r\n")
    ecrivain.writerow([c.nom for c in jeu.colonnes])
    for ligne in jeu.lignes:
        ecrivain.writerow([_cellule_csv(v) for v in ligne])
    return flux.getvalue().encode("utf-8")


def en_xlsx(jeu: Jeu) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet(jeu.nom[:31])
    gras = Font(bold=True)
    entete = []
    for c in jeu.colonnes:
        cellule = WriteOnlyCell(feuille, value=c.nom)
        cellule.font = gras
        entete.append(cellule)
    feuille.append(entete)
    for ligne in jeu.lignes:
        cellules = []
        for valeur in ligne:
            cellule = WriteOnlyCell(feuille, value=valeur)
            if isinstance(valeur, str):
                cellule.data_type = "s"  # jamais une formule, même si le texte commence par « = »
            elif isinstance(valeur, date):
                cellule.number_format = "yyyy-mm-dd"
            cellules.append(cellule)
        feuille.append(cellules)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


# Les jeux ----------------------------------------------------------------------------------------------------------


def _signature_adhesion(avancement) -> date | None:
    return avancement.jalon("adhesion").date


def precision_lisible(date_signature: date | None, precision: str) -> str:
    """« exacte » ou « au plus tard » (signée ce jour-là ou avant) ; vide sans date."""
    if not date_signature:
        return ""
    return (
        "au plus tard"
        if precision in ("au plus tard", Convention.PrecisionSignature.AU_PLUS_TARD)
        else "exacte"
    )


def jeu_laureats(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    """La liste des lauréats dans la présentation de l'ANCT : insee_com, lib_com, id_<programme>, date_signature."""
    identifiant = f"id_{programme.slug}"
    jeu = Jeu(
        "laureats",
        f"Communes lauréates du programme {programme.nom} au {au.isoformat()}",
        [
            Colonne("insee_com", "string", "Code INSEE de la commune (COG en vigueur)", obligatoire=True),
            Colonne("lib_com", "string", "Nom officiel de la commune", obligatoire=True),
            Colonne(
                identifiant,
                "string",
                f"Identifiant national de la commune dans le programme {programme.nom_court}",
            ),
            Colonne(
                "date_signature", "date", "Date de signature de la convention d'adhésion (vide si non signée)"
            ),
            Colonne(
                "date_signature_precision",
                "string",
                "« exacte », ou « au plus tard » : signée ce jour-là ou avant (vide si non signée)",
            ),
        ],
    )
    liste = list(laureats(programme, au, departement=departement, publics=publics))
    for avancement in avancements(programme, liste, au, publiques=publics):
        laureat = avancement.laureat
        jeu.lignes.append(
            [
                laureat.commune_id,
                laureat.commune.nom,
                laureat.identifiant_national,
                _signature_adhesion(avancement),
                precision_lisible(_signature_adhesion(avancement), avancement.jalon("adhesion").precision),
            ]
        )
    return jeu


def jeu_ort(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    """Le suivi des ORT dans la présentation des campagnes du ministère (une ligne par commune lauréate)."""
    jeu = Jeu(
        "ort",
        f"Opérations de revitalisation de territoire des communes du programme {programme.nom} au {au.isoformat()}",
        [
            Colonne("Commune", "string", "Code du département et nom de la commune (« 46 - Gramat »)", True),
            Colonne("EPCI", "string", "Intercommunalité de la commune"),
            Colonne("Département", "string", "Département de la commune"),
            Colonne("Région", "string", "Région de la commune"),
            Colonne("Code commune", "string", "Code INSEE de la commune", True),
            Colonne("Statut de la commune", "string", "Rôle de la commune dans la convention-cadre"),
            Colonne("Signée ?", "string", "« Oui » si la convention-cadre valant ORT est signée à la date"),
            Colonne(
                "Si signée, date de signature", "date", "Date de signature de la convention-cadre valant ORT"
            ),
            Colonne("Si non signée, date de signature envisagée", "date", "Date de signature prévue"),
            Colonne("Durée (en années)", "integer", "Durée de la convention-cadre"),
            Colonne("Date de fin estimée", "date", "Date de signature augmentée de la durée"),
            Colonne(
                "Remarques",
                "string",
                "Exception confirmée pour la commune, et « signée au plus tard à cette date » si la date exacte est inconnue",
            ),
            Colonne("Avancement", "string", "Signée, en cours d'élaboration ou non engagée"),
            Colonne("ACV", "string", "« Oui » si la commune est aussi lauréate d'Action cœur de ville"),
            Colonne(programme.nom_court, "string", f"« Oui » : commune lauréate de {programme.nom}"),
            Colonne("longitude", "number", "Longitude du centre de la commune (GeoNames, WGS 84)"),
            Colonne("latitude", "number", "Latitude du centre de la commune (GeoNames, WGS 84)"),
            Colonne(
                "Dernière actualisation", "date", "Date de la dernière modification de la convention-cadre"
            ),
            Colonne("Actualisé par", "string", "Laissé vide : pas de donnée personnelle"),
        ],
    )
    liste = list(
        laureats(programme, au, departement=departement, publics=publics).select_related("commune__region")
    )
    codes = [laureat.commune_id for laureat in liste]
    acv = set(
        Laureat.objects.filter(programme__slug="acv", commune_id__in=codes).values_list(
            "commune_id", flat=True
        )
    )
    ort = Convention.objects.filter(
        programme=programme, type=Convention.Type.CADRE_ORT, communes__commune_id__in=codes
    )
    ort = ort.existantes_au(au).distinct().prefetch_related("communes").order_by("date_signature", "id")
    if publics:
        ort = ort.publiques()
    par_commune: dict[str, list] = {}
    for convention in ort:
        for lien in convention.communes.all():
            par_commune.setdefault(lien.commune_id, []).append((convention, lien))
    for laureat in liste:
        commune = laureat.commune
        trouvees = par_commune.get(commune.code, [])
        signees = [(c, lien) for c, lien in trouvees if c.date_signature and c.date_signature <= au]
        convention, lien = (signees or trouvees or [(None, None)])[0]
        signee = bool(signees)
        fin = convention.date_fin_estimee if signee else None
        avancement = "Signée" if signee else "En cours d'élaboration" if convention else "Non engagée"
        jeu.lignes.append(
            [
                f"{commune.departement_id} - {commune.nom}",
                commune.epci.nom if commune.epci else "",
                commune.departement.nom,
                commune.region.nom,
                commune.code,
                lien.get_role_display() if lien else "",
                "Oui" if signee else "Non",
                convention.date_signature if signee else None,
                convention.date_signature_prevue if convention and not signee else None,
                convention.duree_annees if convention else None,
                fin,
                " ; ".join(
                    r
                    for r in (
                        lien.exception if lien else "",
                        "signée au plus tard à cette date"
                        if signee and convention.signature_au_plus_tard
                        else "",
                    )
                    if r
                ),
                avancement,
                "Oui" if commune.code in acv else "Non",
                "Oui",
                commune.longitude,
                commune.latitude,
                convention.modifie_le.date() if convention else None,
                "",
            ]
        )
    return jeu


def jeu_conventions(
    programme: Programme, au: date, departement: str = "", publics: bool = True, avec_noms: bool = False
) -> Jeu:
    """Les conventions, leurs communes et les qualités de leurs signataires (les noms seulement sur demande)."""
    colonnes = [
        Colonne("id_convention", "integer", "Numéro de la convention dans le registre", True),
        Colonne("programme", "string", "Programme"),
        Colonne("type", "string", "adhesion, cadre_ort ou avenant"),
        Colonne("statut", "string", "Statut à la date de l'export : en_elaboration, signee ou resiliee"),
        Colonne("date_signature", "date", "Date de signature"),
        Colonne(
            "date_signature_precision",
            "string",
            "« exacte », ou « au plus tard » : signée ce jour-là ou avant",
        ),
        Colonne("date_signature_prevue", "date", "Date de signature prévue"),
        Colonne("duree_annees", "integer", "Durée en années"),
        Colonne("epci_siren", "string", "SIREN de l'EPCI porteur"),
        Colonne("epci_nom", "string", "Nom de l'EPCI porteur"),
        Colonne("departement_suivi", "string", "Code du département dont la préfecture suit la convention"),
        Colonne("communes_insee", "string", "Codes INSEE des communes, séparés par « ; »"),
        Colonne("communes_noms", "string", "Noms des communes, séparés par « ; »"),
        Colonne("signataires_qualites", "string", "Qualités des signataires, séparées par « ; »"),
        Colonne("convention_modifiee", "integer", "Pour un avenant : numéro de la convention modifiée"),
    ]
    if avec_noms:
        colonnes.append(Colonne("signataires_noms", "string", "Noms des signataires, publiés à dessein"))
    jeu = Jeu("conventions", f"Conventions du programme {programme.nom} au {au.isoformat()}", colonnes)
    for c in conventions(programme, au, departement=departement, publiques=publics):
        statut = c.statut_au(au)
        signee = statut in (Convention.Statut.SIGNEE, Convention.Statut.RESILIEE)
        liens = list(c.communes.all())
        signataires = list(c.signataires.all()) if signee else []
        ligne = [
            c.pk,
            programme.slug,
            c.type,
            statut,
            c.date_signature if signee else None,
            precision_lisible(c.date_signature if signee else None, c.precision_signature),
            c.date_signature_prevue,
            c.duree_annees,
            c.epci_id,
            c.epci.nom,
            c.departement_suivi_id,
            " ; ".join(lien.commune_id for lien in liens),
            " ; ".join(lien.commune.nom for lien in liens),
            " ; ".join(s.qualite for s in signataires),
            c.parent_id,
        ]
        if avec_noms:
            ligne.append(" ; ".join(s.nom or "non renseigné" for s in signataires))
        jeu.lignes.append(ligne)
    return jeu


def geojson_laureats(programme: Programme, au: date, departement: str = "", publics: bool = True) -> dict:
    """Les lauréats en points ; ceux sans coordonnées restent, avec une géométrie nulle (GeoJSON le permet)."""
    entites = []
    sans = []
    liste = list(laureats(programme, au, departement=departement, publics=publics))
    for avancement in avancements(programme, liste, au, publiques=publics):
        commune = avancement.laureat.commune
        adhesion, ort = avancement.jalon("adhesion"), avancement.jalon("cadre_ort")
        a_des_coordonnees = commune.latitude is not None and commune.longitude is not None
        if not a_des_coordonnees:
            sans.append(commune.code)
        entites.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [commune.longitude, commune.latitude]}
                if a_des_coordonnees
                else None,
                "properties": {
                    "insee_com": commune.code,
                    "lib_com": commune.nom,
                    "departement": commune.departement_id,
                    "departement_suivi": avancement.laureat.departement_suivi_id,
                    "epci": commune.epci.nom if commune.epci else None,
                    "date_adhesion": adhesion.date.isoformat() if adhesion.date else None,
                    "date_adhesion_precision": precision_lisible(adhesion.date, adhesion.precision) or None,
                    "date_ort": ort.date.isoformat() if ort.date else None,
                    "avancement": "ort" if ort.date else "adhesion" if adhesion.date else "laureate",
                    "ort_en_retard": ort.en_retard,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"laureats-{programme.slug}",
        "au": au.isoformat(),
        "sans_coordonnees": sans,
        "features": entites,
    }


def produire(
    jeu: str,
    format: str,
    *,
    programme: Programme,
    au: date,
    departement: str = "",
    publics: bool = True,
    avec_noms: bool = False,
) -> tuple[bytes, dict | None]:
    """Le contenu du fichier et, pour un tableau, son Table Schema."""
    if jeu == "geojson":
        contenu = geojson_laureats(programme, au, departement, publics)
        return json.dumps(contenu, ensure_ascii=False, indent=1).encode("utf-8"), None
    from .normes import jeu_projets, jeu_subventions_scdl
    from .plans import jeu_fiches_actions, jeu_lignes_financement

    fabriques = {
        "laureats": jeu_laureats,
        "ort": jeu_ort,
        "conventions": jeu_conventions,
        "fiches_actions": jeu_fiches_actions,
        "lignes_financement": jeu_lignes_financement,
        "subventions_scdl": jeu_subventions_scdl,
        "projets": jeu_projets,
    }
    options = {"avec_noms": avec_noms} if jeu == "conventions" else {}
    table = fabriques[jeu](programme, au, departement, publics, **options)
    return (en_xlsx(table) if format == "xlsx" else en_csv(table)), table.schema()
