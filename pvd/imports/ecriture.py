"""Écrire un plan d'import : l'appliquer par les services du registre (tout ou rien), l'essayer à blanc pour
l'aperçu, et le chemin complet `importer` (lecture hors transaction, puis plan refait et écrit dans une transaction
courte). Le plan lui-même se fait dans `pipeline.py`.

Contrat : une ligne qu'un service refuse ne laisse rien (pas même le lauréat créé avant que sa convention soit
refusée) ; l'aperçu (`apercu`, `simuler`) passe par le même chemin que l'écriture, dans une transaction défaite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from pvd.actions import services as actions_services
from pvd.actions.models import Organisation
from pvd.programmes import services
from pvd.programmes.models import Convention, ConventionCommune, DocumentSource, Evenement, Signataire
from pvd.programmes.signataires import signataire_etat
from pvd.territoires.models import Departement, Epci
from pvd.territoires.rapport import accorder

from . import maquette
from .colonnes import SOURCES
from .maquette import PlanMaquette
from .models import ImportRealise
from .pipeline import ECRITES, GroupeConvention, ImportRefuse, Plan, Progression, lire
from .planification import planifier, preparer


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
                identifiant_conteste=d["conteste"],
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
    inscrits = services.laureats_register(programme=plan.programme, inscriptions=inscriptions, trace=trace)
    services.conventions_create(programme=plan.programme, projets=projets, trace=trace)
    document = _document(plan)
    services.sources_ajouter(
        mentions=[
            services.Mention(laureat, document, d["ligne"], d["identifiant_donne"], d["departement_lu"])
            for laureat, d in zip(inscrits, a_inscrire, strict=True)
        ]
        + [
            services.Mention(d["laureat"], document, d["ligne"], d["identifiant"], d["departement_lu"])
            for d in plan.sources_a_ajouter
            if lignes[d["ligne"]].valide
        ],
        trace=trace,
    )
    ecrites.update(d["ligne"] for d in a_inscrire)
    ecrites.update(n for groupe in groupes for n in groupe.lignes)
    for convention, signature, duree, numero in plan.conventions_a_signer:
        tenter([numero], lambda c=convention, s=signature, d=duree: _signer_existante(c, s, d, trace))
    for convention, champs, numero in plan.conventions_a_modifier:
        tenter([numero], lambda c=convention, ch=champs: _modifier_existante(c, ch, trace))
    return a_rejouer


def _document(plan: Plan) -> DocumentSource:
    """Le fichier importé, comme document source : une liste nationale importée entière se dit complète (pour le
    département choisi, si l'import s'y limite)."""
    exhaustif = bool(SOURCES[plan.source].get("exhaustif"))
    return services.document_obtenir(
        programme=plan.programme,
        titre=plan.titre_document,
        date=plan.date_document,
        empreinte=plan.empreinte,
        exhaustif=exhaustif,
        perimetre=plan.departement if exhaustif else None,
    )


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
    date_document: date | None = None,
    dans_la_transaction: Callable[[Plan], None] | None = None,
    progression: Progression | None = None,
) -> Plan:
    """Écrit le fichier en une transaction ; `ImportRefuse` (et rien d'écrit) si une ligne bloque.

    Le fichier est lu et ses communes résolues avant la transaction (`lire`, le plus long) ; la transaction
    d'écriture ne fait que refaire le plan d'après le registre du moment (`planifier`), le comparer à l'aperçu
    confirmé, et écrire : sur SQLite, qui n'a qu'un écrivain, les autres écritures n'attendent que ce temps-là.
    `dans_la_transaction(plan)` : ce qui doit être écrit avec l'import, ou pas du tout (la correspondance des
    colonnes retenue, le fichier déposé effacé). Ne pas appeler dans une transaction ouverte : elle garderait le
    verrou pendant la lecture. `progression` : lignes lues, résolues, puis écrites (`pipeline.Progression`)."""
    lecture = lire(
        contenu,
        nom_fichier,
        source,
        departement=departement,
        correspondance=correspondance,
        choix=choix,
        type_par_defaut=type_par_defaut,
        date_document=date_document,
        auteur=trace.auteur,
        progression=progression,
    )
    if progression is not None:
        progression(ECRITES, 0, len(lecture.lignes))
    with transaction.atomic():
        plan = planifier(lecture)
        if signature_apercu and plan.signature() != signature_apercu:
            raise ImportRefuse(
                "Le registre a changé depuis l'aperçu (quelqu'un d'autre a écrit) : rien n'a été importé. "
                "Relancez l'aperçu, vérifiez-le, puis confirmez."
            )
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{accorder(len(plan.refusees), 'ligne refusée', 'lignes refusées')} ou à préciser : rien n'a été "
                "importé. Corrigez-les, ou choisissez d'importer les seules lignes valides.",
                plan=plan,
            )
        _executer(plan, trace)
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{accorder(len(plan.refusees), 'ligne refusée', 'lignes refusées')} par les règles du programme : "
                "rien n'a été importé.",
                plan=plan,
                detail=" ".join(
                    f"Ligne {ligne.numero} : {' ; '.join(ligne.messages)}" for ligne in plan.refusees[:3]
                ),
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
        if dans_la_transaction is not None:
            dans_la_transaction(plan)
    if progression is not None:
        progression(ECRITES, sum(1 for ligne in plan.lignes if ligne.valide), len(plan.lignes))
    return plan


TRACE_IMPORT = services.Trace(canal=Evenement.Canal.IMPORT)


def apercu(contenu: bytes, nom_fichier: str, source: str, **options) -> Plan:
    """Le plan, essayé à blanc : ce que montre l'aperçu est ce que fera l'écriture."""
    return simuler(preparer(contenu, nom_fichier, source, **options))


# Maquette financière ----------------------------------------------------------------------------------------------


def _appliquer_maquette(plan: PlanMaquette, trace: services.Trace, version_lue: dict) -> bool:
    """Une passe de l'écriture d'une maquette, par les services du plan d'action. Les modifications (peu nombreuses)
    passent une à une dans leur point de sauvegarde ; les fiches et lignes à créer sont vérifiées d'un bloc, les
    lignes refusées écartées, puis écrites en quelques `bulk_create`. Rend vrai s'il faut rejouer : une ligne refusée
    avait déjà écrit."""
    lignes = {ligne.numero: ligne for ligne in plan.lignes}
    ecrites: set[int] = set()
    a_rejouer = False
    organisations: dict[tuple, object] = {}

    def organisation(designation):
        """Une organisation par désignation (la commune, l'EPCI, la région à créer), obtenue une fois."""
        if designation is None or isinstance(designation, Organisation):
            return designation
        cle = (
            type(designation).__name__,
            designation["nom"] if isinstance(designation, dict) else designation.pk,
        )
        if cle not in organisations:
            organisations[cle] = actions_services.organisation_designee(designation, trace)
        return organisations[cle]

    def refuser(numero: int, erreur: ValidationError, colonne: str = "") -> None:
        nonlocal a_rejouer
        ou = f", colonne « {colonne} »" if colonne else ""
        lignes[numero].refuser(f"{plan.nom_fichier}, ligne {numero}{ou} : {' '.join(erreur.messages)}")
        a_rejouer = a_rejouer or numero in ecrites

    def tenter(numero: int, action, colonne: str = "") -> None:
        if not lignes[numero].valide:
            return
        try:
            with transaction.atomic():
                action()
        except ValidationError as erreur:
            refuser(numero, erreur, colonne)
            return
        except actions_services.ConflitDeVersion as conflit:
            refuser(numero, ValidationError(str(conflit)), colonne)
            return
        ecrites.add(numero)

    def version(objet) -> int:
        """La version lue par le plan ; une passe défaite (ou l'essai à blanc) a pu l'avancer sur l'objet."""
        objet.version = version_lue.setdefault((type(objet), objet.pk), objet.version)
        return objet.version

    for fiche, champs, numero in plan.fiches_a_modifier:
        tenter(
            numero,
            lambda f=fiche, ch=champs: actions_services.fiche_update(
                fiche=f,
                version=version(f),
                champs={k: organisation(v) if k == "maitre_ouvrage" else v for k, v in ch.items()},
                trace=trace,
            ),
        )
    for ligne_f, montant, numero, colonne in plan.lignes_a_modifier:
        tenter(
            numero,
            lambda lf=ligne_f, m=montant: actions_services.ligne_update(
                ligne=lf, version=version(lf), champs={"montant": m}, trace=trace
            ),
            colonne,
        )
    while (
        True
    ):  # un refus écarte toute sa ligne (sa fiche et ses financements) : on vérifie jusqu'à ce que tout passe
        fiches = [d for d in plan.fiches_a_creer if lignes[d["ligne"]].valide]
        projets = [actions_services.ProjetFiche(dict(d["champs"]), d["communes"]) for d in fiches]
        refus = actions_services.fiches_verifier(plan.convention, projets)
        for rang, erreur in refus.items():
            refuser(fiches[rang]["ligne"], erreur)
        financements = [d for d in plan.lignes_a_creer if lignes[d["ligne"]].valide]
        refus_lignes = actions_services.lignes_verifier(
            [
                actions_services.ProjetLigne(
                    None,
                    {"financeur": d["financeur"], "dispositif": d["dispositif"], "montant": d["montant"]},
                )
                for d in financements
            ]
        )
        for rang, erreur in refus_lignes.items():
            refuser(financements[rang]["ligne"], erreur, financements[rang]["colonne"])
        if not refus and not refus_lignes:
            break
    if a_rejouer:
        return True
    for projet in projets:
        projet.champs["maitre_ouvrage"] = organisation(projet.champs["maitre_ouvrage"])
    creees = actions_services.fiches_create(convention=plan.convention, projets=projets, trace=trace)
    par_numero = {f.numero: f for f in creees}
    existantes = {f.numero: f for f, _, _ in plan.fiches_a_modifier}
    manquantes = {d["numero"] for d in financements} - set(par_numero) - set(existantes)
    par_numero |= existantes | {
        f.numero: f for f in plan.convention.fiches_actions.filter(numero__in=manquantes)
    }
    actions_services.lignes_create(
        projets=[
            actions_services.ProjetLigne(
                par_numero[d["numero"]],
                {
                    "financeur": organisation(d["financeur"]),
                    "dispositif": d["dispositif"],
                    "montant": d["montant"],
                },
            )
            for d in financements
        ],
        trace=trace,
    )
    return a_rejouer


def _executer_maquette(plan: PlanMaquette, trace: services.Trace) -> None:
    """Applique le plan ; une ligne refusée qui avait déjà écrit fait défaire la passe et rejouer sans elle."""
    version_lue: dict = {}
    while True:
        point = transaction.savepoint()
        if not _appliquer_maquette(plan, trace, version_lue):
            transaction.savepoint_commit(point)
            return
        transaction.savepoint_rollback(point)


def maquette_apercu(
    contenu: bytes, nom_fichier: str, *, convention, auteur=None, axe_par_defaut=None
) -> PlanMaquette:
    """Le plan de la maquette, essayé à blanc par les mêmes services que l'écriture : ce que montre l'aperçu (refus
    des services compris) est ce que fera l'écriture."""
    plan = maquette.planifier(
        maquette.lire(
            contenu, nom_fichier, convention=convention, auteur=auteur, axe_par_defaut=axe_par_defaut
        )
    )
    try:
        with transaction.atomic():
            _executer_maquette(plan, TRACE_IMPORT)
            raise _Simulation
    except _Simulation:
        pass
    return plan


def maquette_importer(
    contenu: bytes,
    nom_fichier: str,
    *,
    convention,
    trace: services.Trace,
    axe_par_defaut=None,
    valides_seulement: bool = False,
    signature_apercu: str | None = None,
    dans_la_transaction: Callable[[PlanMaquette], None] | None = None,
) -> PlanMaquette:
    """Écrit la maquette dans le plan d'action de la convention, d'un bloc ; `ImportRefuse` (et rien d'écrit) si une
    ligne bloque ou si le plan a changé depuis l'aperçu confirmé. Le fichier est lu avant la transaction, qui ne fait
    que refaire le plan, le comparer et écrire (comme `importer`)."""
    lecture = maquette.lire(
        contenu, nom_fichier, convention=convention, auteur=trace.auteur, axe_par_defaut=axe_par_defaut
    )
    with transaction.atomic():
        plan = maquette.planifier(lecture)
        if signature_apercu and plan.signature() != signature_apercu:
            raise ImportRefuse(
                "Le plan d'action a changé depuis l'aperçu (quelqu'un d'autre a écrit) : rien n'a été importé. "
                "Relancez l'aperçu, vérifiez-le, puis confirmez."
            )
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{accorder(len(plan.refusees), 'ligne refusée', 'lignes refusées')} : rien n'a été importé. "
                "Corrigez-les, ou choisissez d'importer les seules lignes valides.",
                plan=plan,
            )
        _executer_maquette(plan, trace)
        if plan.refusees and not valides_seulement:
            raise ImportRefuse(
                f"{accorder(len(plan.refusees), 'ligne refusée', 'lignes refusées')} par les règles du plan "
                "d'action : rien n'a été importé.",
                plan=plan,
                detail=" ".join(f"{' ; '.join(ligne.messages)}" for ligne in plan.refusees[:3]),
            )
        ImportRealise.objects.create(
            source="maquette",
            nom_fichier=nom_fichier,
            empreinte=plan.empreinte,
            departement=plan.convention.departement_suivi,
            auteur=trace.auteur if getattr(trace.auteur, "is_authenticated", False) else None,
            canal=trace.canal,
            comptes=plan.comptes(),
        )
        if dans_la_transaction is not None:
            dans_la_transaction(plan)
    return plan
