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

from pvd.programmes import services
from pvd.programmes.models import Convention, ConventionCommune, DocumentSource, Evenement, Signataire
from pvd.programmes.signataires import signataire_etat
from pvd.territoires.models import Departement, Epci
from pvd.territoires.rapport import accorder

from .colonnes import SOURCES
from .models import ImportRealise
from .pipeline import GroupeConvention, ImportRefuse, Plan, lire, planifier, preparer


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
) -> Plan:
    """Écrit le fichier en une transaction ; `ImportRefuse` (et rien d'écrit) si une ligne bloque.

    Le fichier est lu et ses communes résolues avant la transaction (`lire`, le plus long) ; la transaction
    d'écriture ne fait que refaire le plan d'après le registre du moment (`planifier`), le comparer à l'aperçu
    confirmé, et écrire : sur SQLite, qui n'a qu'un écrivain, les autres écritures n'attendent que ce temps-là.
    `dans_la_transaction(plan)` : ce qui doit être écrit avec l'import, ou pas du tout (la correspondance des
    colonnes retenue, le fichier déposé effacé). Ne pas appeler dans une transaction ouverte : elle garderait le
    verrou pendant la lecture."""
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
    )
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
    return plan


TRACE_IMPORT = services.Trace(canal=Evenement.Canal.IMPORT)


def apercu(contenu: bytes, nom_fichier: str, source: str, **options) -> Plan:
    """Le plan, essayé à blanc : ce que montre l'aperçu est ce que fera l'écriture."""
    return simuler(preparer(contenu, nom_fichier, source, **options))
