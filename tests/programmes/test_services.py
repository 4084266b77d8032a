"""Chaque règle des services : permise et refusée."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pvd.programmes import services
from pvd.programmes.dates import ajouter_mois, duree_en_francais
from pvd.programmes.models import Convention, ConventionCommune, Evenement, Laureat, Signataire
from pvd.programmes.selectors import communes_membres_epci_au, communes_membres_epcis_au
from pvd.territoires.models import Appartenance, Commune, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
MAX_CONVENTIONS_EN_BLOC = 15  # mesuré : 15, pour une convention comme pour trois (dont les adhésions déjà là)
ETAT = {"partie": "etat", "nom": "Claire Exemple", "qualite": "préfète de la Haute-Garonne"}


def inscrire(programme, *codes, jour=date(2021, 1, 1)):
    return [
        services.laureat_register(
            programme=programme, commune=Commune.objects.get(code=code), date_selection=jour, trace=TRACE
        )
        for code in codes
    ]


def convention_cazals(programme, **options):
    inscrire(programme, "46066", "46297")
    return services.convention_create(
        programme=programme,
        type=Convention.Type.ADHESION,
        epci=Epci.objects.get(siren="200035327"),
        communes=[(Commune.objects.get(code=c), "laureate") for c in ("46066", "46297")],
        trace=TRACE,
        **options,
    )


def test_ajouter_mois():
    assert ajouter_mois(date(2021, 7, 27), 18) == date(2023, 1, 27)
    assert ajouter_mois(date(2021, 8, 31), 6) == date(2022, 2, 28)
    assert ajouter_mois(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert duree_en_francais(13) == "13 jours"
    assert duree_en_francais(1) == "1 jour"
    assert duree_en_francais(400) == "1 an et 1 mois"


class TestLaureat:
    def test_departement_de_suivi_par_l_epci(self, pvd):
        (capdenac,) = inscrire(pvd, "12052")
        assert capdenac.departement_suivi_id == "46"
        (espalion,) = inscrire(pvd, "12096")
        assert espalion.departement_suivi_id == "12"

    def test_population_au_dessus_du_seuil(self, pvd):
        toulouse = Commune.objects.get(code="31555")
        with pytest.raises(ValidationError, match="au-delà du seuil"):
            services.laureat_register(
                programme=pvd, commune=toulouse, date_selection=date(2021, 1, 1), trace=TRACE
            )
        laureat = services.laureat_register(
            programme=pvd,
            commune=toulouse,
            date_selection=date(2021, 1, 1),
            exception="dérogation de test",
            trace=TRACE,
        )
        assert "dérogation de test" in laureat.source

    def test_doublon_refuse(self, pvd):
        inscrire(pvd, "46128")
        with pytest.raises(ValidationError, match="déjà lauréate"):
            inscrire(pvd, "46128")

    def test_commune_disparue_refusee(self, pvd):
        ancienne = Commune.objects.filter(obsolete=True).first()
        with pytest.raises(ValidationError, match="n'existe plus"):
            inscrire(pvd, ancienne.code)

    def test_journal(self, pvd):
        (laureat,) = inscrire(pvd, "46128")
        evenement = Evenement.objects.get(objet_type="laureat", objet_id=str(laureat.pk))
        assert (evenement.action, evenement.canal) == ("creation", "cli")


class TestConventionCreation:
    def test_commune_non_laureate_refusee_puis_exception(self, pvd):
        epci = Epci.objects.get(siren="200035327")
        cazals = Commune.objects.get(code="46066")
        with pytest.raises(ValidationError) as erreur:
            services.convention_create(
                programme=pvd, type="adhesion", epci=epci, communes=[(cazals, "laureate")], trace=TRACE
            )
        assert "n'est pas lauréate" in str(erreur.value)
        assert not Convention.objects.exists()
        convention = services.convention_create(
            programme=pvd,
            type="adhesion",
            epci=epci,
            communes=[(cazals, "laureate")],
            exceptions={"46066": "lauréate annoncée, arrêté à venir"},
            trace=TRACE,
        )
        assert convention.communes.get().exception == "lauréate annoncée, arrêté à venir"

    def test_commune_hors_epci_refusee(self, pvd):
        inscrire(pvd, "46128")
        with pytest.raises(ValidationError, match="n'est pas membre de CC Cazals-Salviac"):
            services.convention_create(
                programme=pvd,
                type="adhesion",
                epci=Epci.objects.get(siren="200035327"),
                communes=[(Commune.objects.get(code="46128"), "laureate")],
                trace=TRACE,
            )

    def test_appartenance_a_la_date_de_signature(self, pvd):
        """Une commune qui a changé d'EPCI depuis 2021 : la date de signature décide du millésime du COG."""
        avant = dict(Appartenance.objects.filter(millesime=2021).values_list("commune_id", "epci_id"))
        maintenant = Appartenance.objects.filter(millesime=2026).select_related("commune", "epci")
        changee = next(
            a
            for a in maintenant
            if a.commune_id in avant
            and avant[a.commune_id] != a.epci_id
            and Epci.objects.filter(siren=avant[a.commune_id], obsolete=False).exists()
            and (a.commune.population or 0) < 20000
        )
        ancien_epci = Epci.objects.get(siren=avant[changee.commune_id])
        inscrire(pvd, changee.commune_id)
        commune = [(changee.commune, "laureate")]
        services.convention_create(
            programme=pvd,
            type="adhesion",
            epci=ancien_epci,
            communes=commune,
            date_signature_prevue=date(2021, 6, 1),
            trace=TRACE,
        )
        with pytest.raises(ValidationError, match="n'est pas membre"):
            services.convention_create(
                programme=pvd,
                type="adhesion",
                epci=ancien_epci,
                communes=commune,
                date_signature_prevue=date(2026, 6, 1),
                trace=TRACE,
            )

    def test_appartenance_d_une_commune_qui_a_change_de_code(self, pvd):
        """Conques-en-Rouergue s'appelait 12076 dans le COG 2021 et 12218 aujourd'hui : même EPCI, même commune."""
        conques = Commune.objects.get(code="12218")
        assert Commune.objects.get(code="12076").remplacee_par == conques
        inscrire(pvd, "12218")
        convention = services.convention_create(
            programme=pvd,
            type="adhesion",
            epci=Epci.objects.get(siren="241200641"),
            communes=[(conques, "laureate")],
            date_signature_prevue=date(2021, 7, 27),
            trace=TRACE,
        )
        assert convention.communes.get().commune_id == "12218"

    def test_avenant_et_parent(self, pvd):
        with pytest.raises(ValidationError, match="modifie une convention existante"):
            services.convention_create(
                programme=pvd,
                type="avenant",
                epci=Epci.objects.get(siren="200035327"),
                communes=[(Commune.objects.get(code="46066"), "autre")],
                trace=TRACE,
            )
        parent = convention_cazals(pvd)
        avenant = services.convention_create(
            programme=pvd,
            type="avenant",
            parent=parent,
            epci=parent.epci,
            communes=[(Commune.objects.get(code="46066"), "laureate")],
            trace=TRACE,
        )
        assert list(parent.avenants.all()) == [avenant]


class TestSignature:
    def test_un_avenant_ne_precede_pas_la_convention_qu_il_modifie(self, pvd):
        def signer(convention, jour):
            services.convention_sign(
                convention=convention,
                version=convention.version,
                date_signature=jour,
                signataires=[ETAT],
                trace=TRACE,
            )

        parent = convention_cazals(pvd)
        signer(parent, date(2023, 3, 1))
        communes = [(c, "laureate") for c in Commune.objects.filter(code__in=["46066", "46297"])]
        avenant = services.convention_create(
            programme=pvd, type="avenant", parent=parent, epci=parent.epci, communes=communes, trace=TRACE
        )
        with pytest.raises(ValidationError, match="avant la convention qu'il modifie \\(01/03/2023\\)"):
            signer(avenant, date(2023, 2, 1))
        signer(avenant, date(2024, 2, 1))
        assert Convention.objects.get(pk=avenant.pk).statut == "signee"

    def test_signature_complete(self, pvd, pdf):
        convention = convention_cazals(pvd)
        document = SimpleUploadedFile("signee.pdf", pdf, content_type="application/pdf")
        services.convention_sign(
            convention=convention,
            version=convention.version,
            date_signature=date(2023, 3, 1),
            signataires=[ETAT],
            document=document,
            lieu_signature="Cahors",
            trace=TRACE,
        )
        convention.refresh_from_db()
        assert (convention.statut, convention.date_signature, convention.version) == (
            "signee",
            date(2023, 3, 1),
            2,
        )
        assert convention.document.name.endswith(".pdf")
        assert convention.signataires.get().qualite == "préfète de la Haute-Garonne"

    @pytest.mark.parametrize(
        ("date_signature", "signataires", "message"),
        [
            (None, [ETAT], "Indiquez la date"),
            (timezone.localdate() + timedelta(days=3), [ETAT], "dans le futur"),
            (date(2023, 3, 1), [], "au moins le signataire de l'État"),
            (
                date(2023, 3, 1),
                [{"partie": "commune", "qualite": "maire"}],
                "au moins le signataire de l'État",
            ),
            (date(2023, 3, 1), [{"partie": "etat", "qualite": " "}], "indiquez sa qualité"),
        ],
    )
    def test_signature_refusee(self, pvd, date_signature, signataires, message):
        convention = convention_cazals(pvd)
        with pytest.raises(ValidationError, match=message):
            services.convention_sign(
                convention=convention,
                version=convention.version,
                date_signature=date_signature,
                signataires=signataires,
                trace=TRACE,
            )
        convention.refresh_from_db()
        assert (convention.statut, convention.version, convention.signataires.count()) == (
            "en_elaboration",
            1,
            0,
        )

    def test_document_verifie_par_son_contenu(self, pvd):
        convention = convention_cazals(pvd)
        faux = SimpleUploadedFile(
            "convention.pdf", b"<html>pas un pdf</html>", content_type="application/pdf"
        )
        with pytest.raises(ValidationError, match="n'est pas un PDF"):
            services.convention_sign(
                convention=convention,
                version=1,
                date_signature=date(2023, 3, 1),
                signataires=[ETAT],
                document=faux,
                trace=TRACE,
            )
        gros = SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * settings.PVD_TAILLE_MAX_FICHIER)
        with pytest.raises(ValidationError, match="pèse 20,1 Mo : la limite est de 20 Mo"):
            services.convention_sign(
                convention=convention,
                version=1,
                date_signature=date(2023, 3, 1),
                signataires=[ETAT],
                document=gros,
                trace=TRACE,
            )

    def test_transitions(self, pvd):
        convention = convention_cazals(pvd, date_ouverture=date(2021, 9, 1))
        with pytest.raises(ValidationError, match="ne peut pas être résiliée"):
            services.convention_terminate(
                convention=convention, version=1, date_resiliation=date(2024, 1, 1), trace=TRACE
            )
        services.convention_sign(
            convention=convention, version=1, date_signature=date(2023, 3, 1), signataires=[ETAT], trace=TRACE
        )
        with pytest.raises(ValidationError, match="ne peut pas être signée"):
            services.convention_sign(
                convention=convention,
                version=2,
                date_signature=date(2023, 3, 2),
                signataires=[ETAT],
                trace=TRACE,
            )
        services.convention_terminate(
            convention=convention, version=2, date_resiliation=date(2024, 1, 1), trace=TRACE
        )
        convention.refresh_from_db()
        assert convention.statut == "resiliee"
        assert convention.statut_au(date(2023, 6, 1)) == "signee"
        assert convention.statut_au(date(2022, 1, 1)) == "en_elaboration"
        assert convention.statut_au(date(2021, 8, 31)) is None  # pas encore ouverte

    def test_ajout_de_commune_apres_signature_refuse(self, pvd):
        convention = convention_cazals(pvd)
        services.convention_sign(
            convention=convention, version=1, date_signature=date(2023, 3, 1), signataires=[ETAT], trace=TRACE
        )
        with pytest.raises(ValidationError, match="par un avenant"):
            services.convention_add_commune(
                convention=convention,
                version=2,
                commune=Commune.objects.get(code="46066"),
                role="laureate",
                trace=TRACE,
            )


class TestConcurrence:
    def test_la_seconde_modification_recoit_un_conflit(self, pvd):
        convention = convention_cazals(pvd)
        copie_a = Convention.objects.get(pk=convention.pk)
        copie_b = Convention.objects.get(pk=convention.pk)
        services.convention_update(
            convention=copie_a, version=copie_a.version, champs={"lieu_signature": "Cahors"}, trace=TRACE
        )
        with pytest.raises(services.ConflitDeVersion) as conflit:
            services.convention_update(
                convention=copie_b, version=copie_b.version, champs={"lieu_signature": "Gourdon"}, trace=TRACE
            )
        assert conflit.value.actuelle.lieu_signature == "Cahors"
        assert "modifiée par quelqu'un d'autre" in str(conflit.value)
        convention.refresh_from_db()
        assert (convention.lieu_signature, convention.version) == ("Cahors", 2)

    def test_champs_proteges(self, pvd):
        convention = convention_cazals(pvd)
        with pytest.raises(ValidationError, match="ne se modifie pas ici"):
            services.convention_update(
                convention=convention, version=1, champs={"statut": "signee"}, trace=TRACE
            )
        convention.refresh_from_db()
        assert convention.statut == "en_elaboration"

    def test_un_evenement_par_changement(self, pvd):
        convention = convention_cazals(pvd)
        services.convention_update(convention=convention, version=1, champs={"duree_annees": 5}, trace=TRACE)
        services.convention_update(convention=convention, version=2, champs={"duree_annees": 5}, trace=TRACE)
        evenements = Evenement.objects.filter(objet_type="convention", objet_id=str(convention.pk))
        assert [e.action for e in evenements] == ["modification", "creation"]
        assert evenements[0].avant == {"duree_annees": None} and evenements[0].apres == {"duree_annees": 5}


class TestModificationParChamps:
    """`laureat_update` et `convention_update` passent par la même étape (`journal.objet_update`) : champs permis,
    vérification propre à l'objet, version, écart, écriture, journal."""

    def test_laureat_seuls_les_champs_changes_sont_ecrits_et_journalises(self, pvd):
        (laureat,) = inscrire(pvd, "46128")
        services.laureat_update(
            laureat=laureat, champs={"identifiant_national": "PVD-1", "source": ""}, trace=TRACE
        )
        services.laureat_update(laureat=laureat, champs={"identifiant_national": "PVD-1"}, trace=TRACE)
        evenements = Evenement.objects.filter(objet_type="laureat", objet_id=str(laureat.pk))
        assert [e.action for e in evenements] == ["modification", "creation"]
        assert evenements[0].resume == "Lauréat modifié : identifiant_national"
        assert (evenements[0].avant, evenements[0].apres) == (
            {"identifiant_national": ""},
            {"identifiant_national": "PVD-1"},
        )
        assert Laureat.objects.get(pk=laureat.pk).identifiant_national == "PVD-1"

    def test_laureat_champ_interdit_avant_la_regle_propre(self, pvd):
        premier, second = inscrire(pvd, "46128", "46066")
        services.laureat_update(laureat=premier, champs={"identifiant_national": "PVD-1"}, trace=TRACE)
        with pytest.raises(ValidationError) as refus:
            services.laureat_update(
                laureat=second, champs={"commune": "46129", "identifiant_national": "PVD-1"}, trace=TRACE
            )
        assert refus.value.message_dict == {"commune": ["Ce champ ne se modifie pas ici."]}
        with pytest.raises(ValidationError, match="déjà attribué"):
            services.laureat_update(laureat=second, champs={"identifiant_national": "PVD-1"}, trace=TRACE)
        assert Laureat.objects.get(pk=second.pk).identifiant_national == ""
        assert not Evenement.objects.filter(objet_id=str(second.pk), action="modification").exists()

    def test_convention_refusee_ne_prend_pas_la_version(self, pvd):
        convention = convention_cazals(pvd)
        with pytest.raises(ValidationError, match="entre 1 et 30 ans"):
            services.convention_update(
                convention=convention, version=1, champs={"duree_annees": 40}, trace=TRACE
            )
        convention.refresh_from_db()
        assert (convention.version, convention.duree_annees) == (1, None)

    def test_convention_modifiee_est_horodatee(self, pvd):
        convention = convention_cazals(pvd)
        avant = Convention.objects.get(pk=convention.pk).modifie_le
        services.convention_update(
            convention=convention, version=1, champs={"lieu_signature": "Cahors"}, trace=TRACE
        )
        apres = Convention.objects.get(pk=convention.pk)
        assert apres.modifie_le > avant and apres.version == 2
        assert (
            Evenement.objects.filter(objet_type="convention", objet_id=str(convention.pk)).first().resume
            == "Convention modifiée : lieu de signature"
        )


class TestChefDeProjet:
    def poste(self, pvd, **montants):
        laureats = inscrire(pvd, "46066", "46297")
        return services.poste_record(
            programme=pvd,
            employeur=Epci.objects.get(siren="200035327"),
            laureats=laureats,
            date_prise_poste=date(2022, 1, 3),
            trace=TRACE,
            **montants,
        )

    def test_poste_dans_les_plafonds(self, pvd):
        poste = self.poste(
            pvd, cout_annuel_charge=60000, taux_cofinancement=Decimal(75), montant_cofinancement=45000
        )
        assert poste.laureats.count() == 2
        assert Laureat.objects.get(commune_id="46066").postes.get() == poste

    @pytest.mark.parametrize(
        ("montants", "message"),
        [
            ({"taux_cofinancement": Decimal(80)}, "ne peut pas dépasser 75 %"),
            ({"montant_cofinancement": 50000}, "plafonné à 45 000 €"),
            ({"montant_cofinancement": 56000, "avec_anah": True}, "plafonné à 55 000 € avec l'Anah"),
            (
                {
                    "cout_annuel_charge": 40000,
                    "taux_cofinancement": Decimal(75),
                    "montant_cofinancement": 35000,
                },
                "dépasse 75 % du coût chargé",
            ),
        ],
    )
    def test_plafonds(self, pvd, montants, message):
        with pytest.raises(ValidationError, match=message):
            self.poste(pvd, **montants)

    def test_plafond_anah(self, pvd):
        poste = self.poste(pvd, montant_cofinancement=55000, avec_anah=True)
        assert poste.montant_cofinancement == 55000


def test_role_et_ordre_des_communes(pvd):
    convention = convention_cazals(pvd)
    assert [(lien.commune_id, lien.role) for lien in convention.communes.all()] == [
        ("46066", ConventionCommune.Role.LAUREATE),
        ("46297", ConventionCommune.Role.LAUREATE),
    ]
    assert Signataire.objects.count() == 0


class TestEcrituresGroupees:
    """Un import écrit mille lauréats et conventions d'un bloc : les mêmes règles, un nombre fixe de requêtes."""

    def test_inscriptions_en_bloc(self, pvd):
        communes = [Commune.objects.select_related("epci").get(code=c) for c in ("46066", "46297", "46128")]
        inscriptions = [
            services.Inscription(commune, date(2021, 1, 1), identifiant_national=identifiant)
            for commune, identifiant in zip(communes, ["pvd-1", "pvd-1", "pvd-3"], strict=True)
        ]
        refus = services.laureats_verifier(pvd, inscriptions)
        assert list(refus) == [1] and "« pvd-1 » est déjà attribué" in refus[1].messages[0]
        with pytest.raises(ValidationError, match="déjà attribué"):
            services.laureats_register(programme=pvd, inscriptions=inscriptions, trace=TRACE)
        assert not Laureat.objects.exists()
        del inscriptions[1]
        laureats = services.laureats_register(programme=pvd, inscriptions=inscriptions, trace=TRACE)
        assert [(lau.commune_id, lau.departement_suivi_id) for lau in laureats] == [
            ("46066", "46"),
            ("46128", "46"),
        ]
        assert Evenement.objects.filter(objet_type="laureat", action="creation").count() == 2

    def test_conventions_en_bloc(self, pvd, django_assert_max_num_queries):
        codes = ("46066", "46297", "46128", "46309", "46102")
        inscrire(pvd, *codes)
        communes = Commune.objects.select_related("epci").in_bulk(codes)

        def projet(*membres, jour=date(2021, 7, 27)):
            return services.ProjetConvention(
                type="adhesion",
                epci=communes[membres[0]].epci,
                communes=[(communes[code], "laureate") for code in membres],
                date_signature_prevue=jour,
                date_signature=jour,
                signataires=[ETAT],
            )

        refus = services.conventions_verifier(pvd, [projet("46128"), projet("46066", "46128")])
        assert list(refus) == [1] and "Gramat (46128) n'est pas membre" in refus[1].messages[0]
        with django_assert_max_num_queries(MAX_CONVENTIONS_EN_BLOC) as une:
            assert (
                len(
                    services.conventions_create(
                        programme=pvd, projets=[projet("46066", "46297")], trace=TRACE
                    )
                )
                == 1
            )
        with django_assert_max_num_queries(MAX_CONVENTIONS_EN_BLOC) as trois:
            creees = services.conventions_create(
                programme=pvd, projets=[projet("46128"), projet("46309"), projet("46102")], trace=TRACE
            )
        assert len(creees) == 3
        assert len(trois) == len(une)
        gramat = Convention.objects.get(communes__commune="46128")
        assert (gramat.statut, gramat.date_signature) == ("signee", date(2021, 7, 27))
        assert gramat.signataires.get().qualite == ETAT["qualite"]
        (evenement,) = Evenement.objects.filter(objet_type="convention", objet_id=str(gramat.pk))
        assert evenement.resume.startswith("Convention d'adhésion créée, signée le 27/07/2021")

    def test_laureats_prevus_comptent_comme_inscrits(self, pvd):
        cahors = Commune.objects.select_related("epci").get(
            code="46042"
        )  # au-dessus du seuil : jamais inscrite
        projet = services.ProjetConvention(type="adhesion", epci=cahors.epci, communes=[(cahors, "laureate")])
        assert "n'est pas lauréate" in services.conventions_verifier(pvd, [projet])[0].messages[0]
        prevue = services.Inscription(cahors, date(2021, 1, 1), exception="test")
        assert services.conventions_verifier(pvd, [projet], laureats_prevus=[prevue]) == {}

    def test_appartenances_en_bloc_comme_une_a_une(self):
        communes = Commune.objects.select_related("epci").in_bulk(["12218", "46066", "46128"])
        demandes = [
            ([communes["12218"]], communes["12218"].epci, date(2021, 7, 27)),  # code changé depuis 2021
            ([communes["46066"], communes["46128"]], communes["46066"].epci, date(2021, 7, 27)),
            ([communes["46128"]], communes["46128"].epci, date(2026, 1, 1)),
        ]
        en_bloc = communes_membres_epcis_au(demandes)
        assert en_bloc == [communes_membres_epci_au(*demande) for demande in demandes]
        assert en_bloc == [{"12218"}, {"46066"}, {"46128"}]


def test_parmi_donne_la_meme_chose_en_liste_in_ou_en_lecture_complete(pvd):
    from pvd.programmes.selectors import LISTE_IN_MAX, parmi

    inscrire(pvd, "46066", "46297", "46128")
    voulues = {"46066", "46128"}
    autres = {f"99{i:03}" for i in range(LISTE_IN_MAX)}  # des codes qui ne sont pas lauréats
    petite = parmi(Laureat.objects.filter(programme=pvd), "commune_id", voulues)
    grande = parmi(Laureat.objects.filter(programme=pvd), "commune_id", voulues | autres)
    assert (
        sorted(lau.commune_id for lau in petite)
        == sorted(lau.commune_id for lau in grande)
        == ["46066", "46128"]
    )


class TestUneSeuleAdhesion:
    """Souillac a une convention d'adhésion signée le 27 juillet 2021 (exemple du Lot) : une seconde est refusée."""

    def souillac(self):
        return Commune.objects.get(code="46309")

    def test_seconde_adhesion_refusee_avec_la_premiere_nommee(self, lot):
        with pytest.raises(ValidationError) as refus:
            services.convention_create(
                programme=lot,
                type=Convention.Type.ADHESION,
                epci=Epci.objects.get(siren="200066371"),
                communes=[(self.souillac(), "laureate")],
                trace=TRACE,
            )
        (message,) = refus.value.message_dict["communes"]
        assert message.startswith("Souillac (46309) a déjà une convention d'adhésion")
        assert (
            "Convention d'adhésion — CC Causses et Vallée de la Dordogne — signée le 27 juillet 2021"
            in message
        )
        assert Convention.objects.filter(type="adhesion", communes__commune_id="46309").count() == 1
        # Une convention-cadre ou un avenant pour Souillac restent possibles.
        adhesion = Convention.objects.get(type="adhesion", communes__commune_id="46309")
        services.convention_create(
            programme=lot,
            type=Convention.Type.AVENANT,
            parent=adhesion,
            epci=adhesion.epci,
            communes=[(self.souillac(), "laureate")],
            trace=TRACE,
        )

    def test_deux_fois_la_meme_commune_dans_une_liste(self, pvd):
        inscrire(pvd, "46066", "46297")
        projet = services.ProjetConvention(
            type=Convention.Type.ADHESION,
            epci=Epci.objects.get(siren="200035327"),
            communes=[(Commune.objects.get(code="46066"), "laureate")],
        )
        refus = services.conventions_verifier(pvd, [projet, projet])
        assert list(refus) == [1]
        assert "une commune n'a qu'une convention d'adhésion" in refus[1].messages[0]

    def test_ajout_a_une_autre_adhesion_refuse(self, lot):
        cazals = Convention.objects.get(epci_id="200035327", type="adhesion")
        Convention.objects.filter(pk=cazals.pk).update(statut="en_elaboration", date_signature=None)
        cazals.refresh_from_db()
        with pytest.raises(ValidationError, match="Souillac \\(46309\\) a déjà une convention d'adhésion"):
            services.convention_add_commune(
                convention=cazals,
                version=cazals.version,
                commune=self.souillac(),
                role="laureate",
                exception="test : hors EPCI confirmé",
                trace=TRACE,
            )

    def test_pvd_check_signale_un_doublon_existant(self, lot):
        from pvd.programmes.controles import controler

        adhesion = Convention.objects.get(type="adhesion", communes__commune_id="46309")
        doublon = Convention.objects.create(
            programme=lot, type="adhesion", epci=adhesion.epci, departement_suivi=adhesion.departement_suivi
        )
        ConventionCommune.objects.create(convention=doublon, commune=self.souillac())
        incoherences = controler(lot, timezone.localdate(), departement="46").incoherences
        (message,) = [i for i in incoherences if i.startswith("Souillac")]
        assert "Souillac (46309) a 2 conventions d'adhésion" in message
        assert f"(n° {adhesion.pk})" in message and f"(n° {doublon.pk})" in message
