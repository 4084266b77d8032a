"""Le plan d'un import : d'une lecture (`pipeline.lire` : colonnes reconnues, communes résolues), ce que deviendrait
chaque ligne d'après le registre tel qu'il est — lauréate inscrite ou reconnue, convention créée, signée ou prévue,
avenant —, avec les droits d'écriture de l'auteur (`accounts.perimetres`) et les règles des services
(`programmes.services`), sans rien écrire. `ecriture.py` rejoue ce plan dans la transaction d'écriture.

Trois sources y ont leur planificateur : la liste nationale de l'ANCT, le fichier de suivi des ORT, le tableur d'une
préfecture ; la maquette financière d'un plan d'action a le sien (`maquette.py`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from django.utils import timezone

from pvd.accounts import perimetres
from pvd.programmes import services
from pvd.programmes.models import (
    Convention,
    ConventionCommune,
    DocumentSource,
    Laureat,
    SourceLaureat,
)
from pvd.programmes.selectors import communes_membres_epci_au, parmi
from pvd.territoires.models import Commune, Departement, Epci
from pvd.territoires.normalisation import cle
from pvd.territoires.resolution import RESOLU, obtenir_index

from .colonnes import SOURCES
from .dates import DateIllisible, lire_date, lire_date_prevue
from .pipeline import (
    AMBIGU,
    CREATION,
    IGNOREE,
    MODIFICATION,
    REJET,
    GroupeConvention,
    Lecture,
    Ligne,
    Plan,
    lire,
)


def planifier(lecture: Lecture) -> Plan:
    """Le plan d'une lecture, d'après le registre tel qu'il est : sur des copies de ses lignes, pour pouvoir le
    refaire (dans la transaction d'écriture) sans relire le fichier."""
    plan = Plan(
        lecture.source,
        lecture.nom_fichier,
        lecture.empreinte,
        lecture.programme,
        lecture.departement,
        dict(lecture.colonnes),
        list(lecture.colonnes_ecartees),
        [
            Ligne(
                ligne.numero,
                dict(ligne.valeurs),
                ligne.statut,
                list(ligne.messages),
                list(ligne.communes),
                list(ligne.candidats),
                list(ligne.avertissements),
            )
            for ligne in lecture.lignes
        ],
        date_document=lecture.date_document,
        document=DocumentSource.objects.filter(programme=lecture.programme, empreinte=lecture.empreinte)
        .exclude(empreinte="")
        .first(),
        auteur=lecture.auteur,
    )
    _planifier(plan, lecture.type_par_defaut)
    return plan


def preparer(contenu: bytes, nom_fichier: str, source: str, **options) -> Plan:
    """Lit, reconnaît, résout et valide, sans rien écrire ; le plan dit ce que ferait l'import (options : celles de
    `lire`). La date du document (sinon celle que donne son nom, « …-2021-01-22.csv ») borne la sélection des
    lauréates qu'il est seul à citer : « au plus tard » ce jour-là."""
    return planifier(lire(contenu, nom_fichier, source, **options))


def _date(ligne: Ligne, champ: str, libelle: str) -> date | None:
    try:
        return lire_date(ligne.valeurs.get(champ))
    except DateIllisible as erreur:
        if _periode(ligne.valeurs.get(champ)):
            ligne.refuser(
                f"{libelle} : « {ligne.valeurs[champ]} » est une période, pas un jour : une {libelle} s'écrit "
                "JJ/MM/AAAA (27/07/2021) ; une période (« 2e trimestre 2022 ») va dans la colonne de date prévue."
            )
        else:
            ligne.refuser(f"{libelle} : {erreur}")
        return None


def _periode(valeur) -> bool:
    """« 2e trimestre 2022 », « T2 2022 », « juin 2024 »… : une date prévue, pas un jour."""
    try:
        lire_date(valeur)
    except DateIllisible:
        try:
            return lire_date_prevue(valeur)[1] not in ("", "jour")
        except DateIllisible:
            return False
    return False


def _periode_lue_comme_date_prevue(ligne: Ligne) -> None:
    """Tableur : une période dans la colonne de date de signature (« 2e trimestre 2022 ») dit quand la convention est
    prévue, ce que le README promet ; sauf si la ligne dit la convention signée (il faut alors un jour)."""
    brute = ligne.valeurs.get("date_signature")
    if not _periode(brute) or str(ligne.valeurs.get("date_prevue") or "").strip():
        return
    statut = cle(str(ligne.valeurs.get("statut") or ""))
    if re.search(r"\bsigne", statut) and not re.search(r"\b(non|pas)\b", statut):
        return  # `_date` refusera la ligne : une convention signée l'a été un jour précis
    ligne.valeurs["date_prevue"], ligne.valeurs["date_signature"] = brute, ""
    ligne.messages.append(f"« {brute} » : une période, lue comme date de signature prévue")


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
    plan.precharger_suivis([c.epci for c in toutes if c.epci_id])
    plan._cites = (
        set(SourceLaureat.objects.filter(document=plan.document).values_list("laureat_id", flat=True))
        if plan.document
        else set()
    )
    plan._departements = Departement.objects.in_bulk()
    _recenser_identifiants(plan, [ligne for ligne in plan.lignes if ligne.valide])

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
    _verifier_droits(plan)
    _avertir_ort_sans_adhesion(plan, liens)


def _verifier_droits(plan: Plan) -> None:
    """Chaque écriture prévue l'est-elle par un compte qui peut écrire son département de suivi ? La même question
    que l'API (`perimetres.peut_ecrire_departement`), ligne par ligne : une ligne qui écrirait chez une autre
    préfecture (une commune de l'Aveyron suivie par le Lot) est refusée, et rien n'est écrit pour elle. Sans
    compte (`pvd import`, l'exploitant), tout passe."""
    if plan.auteur is None:
        return
    ecritures: list[
        tuple[int, set[str], str]
    ] = []  # (ligne, codes des communes touchées, département de suivi)
    for d in plan.laureats_a_creer:
        ecritures.append((d["ligne"], {d["commune"].code}, plan.suivi(d["commune"]).code))
    for laureat, _, numero in plan.laureats_a_modifier:
        ecritures.append((numero, {laureat.commune_id}, laureat.departement_suivi_id))
    for d in plan.sources_a_ajouter:
        ecritures.append((d["ligne"], {d["laureat"].commune_id}, d["laureat"].departement_suivi_id))
    a_charger = {g.epci_id for g in plan.conventions_a_creer if g.epci_id not in plan._suivis}
    plan.precharger_suivis(list(Epci.objects.in_bulk(a_charger).values()) if a_charger else [])
    for groupe in plan.conventions_a_creer:
        codes = {c.code for c in groupe.communes}
        for numero in groupe.lignes:
            ecritures.append((numero, codes, plan._suivis[groupe.epci_id].code))
    for convention, *_, numero in [*plan.conventions_a_signer, *plan.conventions_a_modifier]:
        ecritures.append((numero, set(), convention.departement_suivi_id))  # toute commune de la ligne
    par_numero = {ligne.numero: ligne for ligne in plan.lignes}
    permis: dict[str, bool] = {}
    colonne = next((t for t, c in plan.colonnes.items() if c in ("commune", "nom")), None) or next(
        (t for t, c in plan.colonnes.items() if c == "code"), "commune"
    )
    refusees: set[int] = set()
    for numero, codes, code in ecritures:
        if code not in permis:
            permis[code] = perimetres.peut_ecrire_departement(plan.auteur, code)
        if permis[code]:
            continue
        ligne = par_numero[numero]
        if (
            numero not in refusees and ligne.valide
        ):  # ce que la ligne aurait fait ne compte plus : seul le refus
            ligne.messages = []
        refusees.add(numero)
        commune = next((c for c in ligne.communes if not codes or c.code in codes), None)
        suivi = plan._departements.get(code)
        prefecture = f"la préfecture {suivi.avec_charniere} ({code})" if suivi else f"le département {code}"
        nomme = (
            f"{commune.nom} ({commune.code}) est suivie" if commune else "Cette ligne écrit ce qui est suivi"
        )
        ligne.refuser(
            f"{plan.nom_fichier}, ligne {numero}, colonne « {colonne} » : {nomme} par {prefecture}, pas par la "
            "vôtre : votre compte ne peut pas l'écrire, et rien ne sera écrit pour cette ligne. Retirez-la du "
            f"fichier, ou demandez à {prefecture} de l'importer."
        )


def _avertir_ort_sans_adhesion(plan: Plan, liens: dict) -> None:
    """Une convention-cadre ORT que l'import signerait alors que l'adhésion de la commune ne serait pas signée à
    cette date (ni au registre ni par l'import) : l'aperçu l'annonce, comme `pvd check` le signalerait ensuite.
    Une requête au plus, quel que soit le nombre de lignes."""
    adhesions: dict[str, list[date]] = defaultdict(list)
    for code, conventions in liens.items():
        adhesions[code] += [
            c.date_signature for c in conventions if c.type == Convention.Type.ADHESION and c.date_signature
        ]
    for groupe in plan.conventions_a_creer:
        if groupe.type == Convention.Type.ADHESION and groupe.date_signature:
            for commune in groupe.communes:
                adhesions[commune.code].append(groupe.date_signature)
    communes_de = defaultdict(list)
    if plan.conventions_a_signer:
        for pk, code in ConventionCommune.objects.filter(
            convention_id__in=[c.pk for c, _, _, _ in plan.conventions_a_signer]
        ).values_list("convention_id", "commune_id"):
            communes_de[pk].append(code)
    for convention, signature, _, _ in plan.conventions_a_signer:
        if convention.type == Convention.Type.ADHESION:
            for code in communes_de[convention.pk]:
                adhesions[code].append(signature)
    ort = [
        (g.date_signature, [c.code for c in g.communes], g.lignes)
        for g in plan.conventions_a_creer
        if g.type == Convention.Type.CADRE_ORT and g.date_signature
    ]
    ort += [
        (signature, communes_de[convention.pk], [numero])
        for convention, signature, _, numero in plan.conventions_a_signer
        if convention.type == Convention.Type.CADRE_ORT
    ]
    par_numero = {ligne.numero: ligne for ligne in plan.lignes}
    for signature, codes, numeros in ort:
        for code in codes:
            if any(jour <= signature for jour in adhesions.get(code, [])):
                continue
            for numero in numeros:
                ligne = par_numero.get(numero)
                commune = next((c for c in ligne.communes if c.code == code), None) if ligne else None
                if commune is not None:
                    ligne.messages.append(
                        f"attention : la convention-cadre ORT de {commune.nom} serait signée le "
                        f"{signature:%d/%m/%Y} alors que sa convention d'adhésion n'est pas enregistrée comme "
                        "signée à cette date (`pvd check` le signalera). Importez aussi la signature de "
                        "l'adhésion, ou vérifiez la date."
                    )


def _recenser_identifiants(plan: Plan, lignes: list[Ligne]) -> None:
    """Les identifiants nationaux du fichier : combien de communes portent chacun (dans le fichier), et lesquels le
    registre a déjà donnés à une commune. Un identifiant partagé ne coûte jamais à une commune sa place de lauréate :
    il est noté contesté sur chacune, et l'équipe nationale tranche (`pvd identifiants`)."""
    porteurs: dict[str, dict[str, str]] = defaultdict(dict)
    for ligne in lignes:
        identifiant = str(ligne.valeurs.get("identifiant") or "").strip()
        if identifiant and len(ligne.communes) == 1:
            porteurs[identifiant][ligne.communes[0].code] = f"{ligne.communes[0].nom} (ligne {ligne.numero})"
    plan._porteurs = porteurs
    plan._identifiants_registre = (
        dict(
            Laureat.objects.filter(programme=plan.programme, identifiant_national__in=list(porteurs))
            .select_related("commune")
            .values_list("identifiant_national", "commune__code")
        )
        if porteurs
        else {}
    )


def _trier_identifiant(plan: Plan, ligne: Ligne, commune: Commune, identifiant: str) -> tuple[str, str]:
    """(identifiant retenu, identifiant contesté) pour cette commune ; avertit la ligne quand il est contesté."""
    if not identifiant:
        return "", ""
    motif = SOURCES[plan.source].get("motif_identifiant")
    if motif and not re.fullmatch(motif, identifiant):
        ligne.avertir(
            f"identifiant national « {identifiant} » de forme inattendue : {commune.nom} est lauréate, "
            "l'identifiant est noté contesté jusqu'à ce que l'équipe nationale tranche."
        )
        return "", identifiant
    autres = {code: nom for code, nom in plan._porteurs.get(identifiant, {}).items() if code != commune.code}
    if autres:
        ligne.avertir(
            f"identifiant national « {identifiant} » porté aussi par {', '.join(sorted(autres.values()))} dans ce "
            f"fichier : {commune.nom} est lauréate, l'identifiant est noté contesté sur chacune jusqu'à ce que "
            "l'équipe nationale tranche."
        )
        return "", identifiant
    titulaire = plan._identifiants_registre.get(identifiant)
    if titulaire and titulaire != commune.code:
        ligne.avertir(
            f"identifiant national « {identifiant} » déjà attribué à la commune {titulaire} au registre : "
            f"il est noté contesté pour {commune.nom} jusqu'à ce que l'équipe nationale tranche."
        )
        return "", identifiant
    return identifiant, ""


def _expliquer_departement(plan: Plan, ligne: Ligne, commune: Commune, suivi: str) -> None:
    """Une commune rangée sous un autre département que celui qui la suit (Capdenac-Gare, Aveyron, dans la CC
    Grand-Figeac suivie par le Lot) est acceptée ; la ligne dit pourquoi."""
    lu = str(ligne.valeurs.get("departement_lu") or "").strip().upper()
    if not lu:
        return
    if lu.isdigit() and len(lu) == 1:
        lu = f"0{lu}"
    departements = plan._departements
    range_sous = departements.get(lu)
    libelle_lu = f"{range_sous.nom} ({lu})" if range_sous else f"« {lu} »"
    if lu != commune.departement_id:
        ligne.messages.append(
            f"{commune.nom} est rangée sous {libelle_lu}, mais elle est dans le département "
            f"{commune.departement.avec_charniere} ({commune.departement_id}) : le registre suit le Code officiel "
            "géographique."
        )
    if suivi and suivi != lu and suivi in departements:
        epci = (
            f", département principal de {commune.epci.nom}, qui s'étend sur plusieurs départements"
            if (commune.epci_id)
            else ""
        )
        ligne.messages.append(
            f"{commune.nom} est rangée sous {libelle_lu} ; elle est suivie par la préfecture "
            f"{departements[suivi].avec_charniere}{epci}."
        )


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
    """Prévoit le lauréat (création, ou source ajoutée à un lauréat existant, avec son identifiant et sa date de
    sélection précisés) ; False si la ligne est refusée. Rien n'est écrasé : un identifiant qui diffère de celui du
    registre est noté contesté ; une date de sélection « au plus tard » n'est que resserrée."""
    existant = laureats.get(commune.code)
    bornes = [d for d in (date_selection, plan.date_document) if d]
    borne = min(bornes) if bornes else None
    if existant is None:
        if commune.code in deja_nouveaux:
            return True
        # Les règles des services, demandées tôt pour refuser la ligne dès l'aperçu (jamais réécrites ici).
        if disparue := services.commune_disparue(commune):
            ligne.refuser(disparue)
            return False
        exception = ""
        if hors_seuil := services.commune_hors_seuil(plan.programme, commune):
            if not exception_autorisee:
                ligne.refuser(f"{hors_seuil} Un import ne le peut pas : inscrivez-la depuis sa fiche.")
                return False
            exception = f"lauréate d'après la {SOURCES[plan.source]['nom']}"
        retenu, conteste = _trier_identifiant(plan, ligne, commune, identifiant)
        plan.laureats_a_creer.append(
            {
                "commune": commune,
                "date_selection": borne or plan.programme.date_debut,
                "precision": Laureat.Precision.AU_PLUS_TARD if borne else Laureat.Precision.INCONNUE,
                "identifiant": retenu,
                "conteste": conteste,
                "identifiant_donne": identifiant,
                "departement_lu": str(ligne.valeurs.get("departement_lu") or "").strip().upper()[:3],
                "exception": exception,
                "ligne": ligne.numero,
            }
        )
        deja_nouveaux.add(commune.code)
        ligne.noter(CREATION, f"{commune.nom} : nouvelle lauréate de {plan.programme.nom_court}")
        _expliquer_departement(plan, ligne, commune, plan.suivi(commune).code)
        return True
    if existant.pk in plan._cites or commune.code in deja_nouveaux:
        return True  # ce document est déjà noté comme source de ce lauréat : rien ne change
    deja_nouveaux.add(commune.code)
    plan.sources_a_ajouter.append(
        {
            "laureat": existant,
            "ligne": ligne.numero,
            "identifiant": identifiant,
            "departement_lu": str(ligne.valeurs.get("departement_lu") or "").strip().upper()[:3],
        }
    )
    ligne.noter(MODIFICATION, f"{commune.nom} : déjà lauréate ; ce fichier est noté parmi ses sources")
    _expliquer_departement(plan, ligne, commune, existant.departement_suivi_id)
    champs: dict = {}
    if identifiant and identifiant not in (existant.identifiant_national, existant.identifiant_conteste):
        retenu, conteste = _trier_identifiant(plan, ligne, commune, identifiant)
        if retenu and not existant.identifiant_national and not existant.identifiant_conteste:
            champs["identifiant_national"] = retenu
            ligne.messages.append(f"{commune.nom} : identifiant national « {retenu} »")
        elif not conteste:
            champs["identifiant_conteste"] = identifiant
            ligne.avertir(
                f"identifiant national « {identifiant} » pour {commune.nom}, qui a au registre "
                f"« {existant.identifiant_national or existant.identifiant_conteste} » : le registre garde le sien, "
                "celui du fichier est noté contesté jusqu'à ce que l'équipe nationale tranche."
            )
        else:
            champs["identifiant_conteste"] = conteste
    if borne and existant.precision_selection != Laureat.Precision.EXACTE and borne < existant.date_selection:
        champs["date_selection"] = borne
        champs["precision_selection"] = Laureat.Precision.AU_PLUS_TARD
        ligne.messages.append(
            f"{commune.nom} : lauréate au plus tard le {borne:%d/%m/%Y} d'après ce fichier "
            f"(le registre disait au plus tard le {existant.date_selection:%d/%m/%Y})"
        )
    if champs:
        plan.laureats_a_modifier.append((existant, champs, ligne.numero))
    return True


def _une(type_: str) -> str:
    """« une convention d'adhésion », « une convention-cadre valant ORT », mais « un avenant »."""
    article = "un" if type_ == Convention.Type.AVENANT else "une"
    return f"{article} {Convention.Type(type_).label}"


def _signee(type_: str) -> str:
    return "signé" if type_ == Convention.Type.AVENANT else "signée"


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
                f"{commune.nom} : le registre a {_une(type_)} {_signee(type_)} le "
                f"{autres[0].date_signature:%d/%m/%Y}, le fichier dit le {signature:%d/%m/%Y}. Corrigez l'un ou l'autre."
            )
            return
        if en_cours:
            convention = en_cours[0]
            if all(c.pk != convention.pk for c, _, _, _ in plan.conventions_a_signer):
                plan.conventions_a_signer.append((convention, signature, duree, ligne.numero))
            ligne.noter(
                MODIFICATION,
                f"{commune.nom} : {Convention.Type(type_).label} {_signee(type_)} le {signature:%d/%m/%Y}",
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
            CREATION,
            f"{commune.nom} : {Convention.Type(type_).label} {_signee(type_)} le {signature:%d/%m/%Y}",
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
            + (f", {_signee(type_).replace('signé', 'prévu')} le {prevue:%d/%m/%Y}" if prevue else ""),
        )


def _planifier_liste_nationale(plan, ligne, laureats, liens, groupes, deja_nouveaux) -> None:
    commune = ligne.communes[0]
    signature = _date(ligne, "date_adhesion", "date de signature")
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
    _periode_lue_comme_date_prevue(ligne)
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
    _verifier_epci_nomme(ligne, signature or prevue)
    if not ligne.valide:
        return
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


def _verifier_epci_nomme(ligne: Ligne, jour: date | None) -> None:
    """La colonne EPCI d'un tableur, si elle est remplie, doit nommer un EPCI qui existe et qui réunit les communes
    de la ligne (à la date de la convention, d'après le COG) : « CC Totalement Inventée » ne passe pas pour une
    création, et un EPCI voisin est refusé avec la raison."""
    texte = str(ligne.valeurs.get("epci") or "").strip()
    if not texte or not ligne.communes:
        return
    r = obtenir_index().resoudre(texte, "epci", departement=ligne.communes[0].departement_id)
    if r.statut != RESOLU:
        ligne.refuser(
            f"colonne EPCI, « {texte} » : {r.message.rstrip('.')}. Écrivez le nom exact de l'intercommunalité "
            "ou son SIREN, ou videz la cellule pour garder l'EPCI de la commune.",
            AMBIGU if r.candidats else REJET,
        )
        return
    epci = Epci.objects.get(siren=r.code)
    hors = [c for c in ligne.communes if c.epci_id != epci.siren]
    if hors:
        membres = communes_membres_epci_au(hors, epci, jour or timezone.localdate())
        hors = [c for c in hors if c.code not in membres]
    if hors:
        noms = ", ".join(
            f"{c.nom} ({c.code}, membre de {c.epci.nom if c.epci_id else 'aucun EPCI'})" for c in hors
        )
        ligne.refuser(
            f"colonne EPCI, « {texte} » : {epci.nom} ({epci.siren}) ne réunit pas {noms}. Corrigez l'EPCI ou la "
            "commune, ou videz la cellule pour garder l'EPCI de la commune."
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
