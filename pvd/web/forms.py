"""Formulaires DSFR : ils lisent et typent la saisie ; les règles du programme sont dans les services."""

from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorList
from dsfr.forms import DsfrBaseForm

from pvd.config.tailles import en_mo
from pvd.programmes.dates import date_longue, lire_jour
from pvd.programmes.models import Convention, ConventionCommune, Laureat
from pvd.territoires.models import Epci
from pvd.territoires.tri import trier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ErreursDsfr(ErrorList):
    """Les erreurs comme le DSFR les écrit (`fr-message--error` sous le champ), pas une liste à puces."""

    template_name = "web/formulaires/erreurs.html"


class CasesACocher(forms.CheckboxSelectMultiple):
    """Des cases du DSFR : chaque case dans son `fr-checkbox-group`, le libellé après elle (le gabarit de Django
    met la case dans le libellé, et django-dsfr ajoute à chaque case un attribut `dsfr` qui n'est pas du HTML)."""

    option_template_name = "web/formulaires/case.html"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("dsfr", None)
        return attrs


class ChoixACocher(forms.ModelMultipleChoiceField):
    """Plusieurs choix parmi des cases, dans le `fieldset` du DSFR (le nom du widget ne suffit plus à django-dsfr
    pour le reconnaître)."""

    widget = CasesACocher
    template_name = "dsfr/form_field_snippets/checkboxselectmultiple_snippet.html"


class FormulaireDsfr(DsfrBaseForm):
    """Le formulaire de django-dsfr, avec les erreurs écrites à la manière du DSFR."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_class", ErreursDsfr)
        super().__init__(*args, **kwargs)


class ConnexionForm(FormulaireDsfr, AuthenticationForm):
    """FormulaireDsfr en premier : ses classes DSFR se posent après les libellés du formulaire de Django."""

    error_messages = {
        "invalid_login": "Adresse ou mot de passe incorrect. Vérifiez la saisie (les majuscules comptent).",
        "inactive": "Ce compte est désactivé.",
    }


class JourField(forms.DateField):
    """La date d'une situation (`?au=`), lue par `programmes.dates.lire_jour` comme sur les pages publiques et
    l'API."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return lire_jour(str(value))
        except ValueError as erreur:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from erreur


class DateForm(FormulaireDsfr):
    au = JourField(label="Situation au", required=False, widget=DATE)


class VersionMixin(forms.Form):
    """La version lue (verrou optimiste) et la dernière entrée du journal vue : en cas de conflit, la page dit ce qui
    a changé depuis."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    journal = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def convention_a_modifier(convention: Convention) -> str:
    """Une entrée de la liste des conventions qu'un avenant modifie : type, EPCI et date, pour distinguer les deux
    conventions-cadres d'un EPCI signées en deux vagues."""
    if convention.date_signature:
        quand = f"signée {convention.date_signature_texte}"
    elif convention.date_signature_prevue:
        quand = f"en élaboration, signature prévue le {date_longue(convention.date_signature_prevue)}"
    else:
        quand = "en élaboration"
    return f"{convention.libelle_type} — {convention.epci.nom} — {quand}"


class ConventionForm(FormulaireDsfr):
    type = forms.ChoiceField(label="Type de convention", choices=Convention.Type.choices)
    epci = forms.ModelChoiceField(
        label="EPCI porteur", queryset=Epci.objects.none(), empty_label="Choisissez"
    )
    communes = ChoixACocher(
        label="Communes lauréates",
        queryset=Laureat.objects.none(),
        help_text="Les communes lauréates suivies par ce département.",
    )
    parent = forms.ModelChoiceField(
        label="Convention modifiée (pour un avenant)",
        queryset=Convention.objects.none(),
        required=False,
        empty_label="Aucune : ce n'est pas un avenant",
    )
    intitule = forms.CharField(label="Intitulé", required=False, max_length=300)
    date_ouverture = forms.DateField(label="En élaboration depuis le", required=False, widget=DATE)
    date_signature_prevue = forms.DateField(label="Date de signature prévue", required=False, widget=DATE)
    lieu_signature = forms.CharField(label="Lieu de signature", required=False, max_length=200)
    duree_annees = forms.IntegerField(label="Durée (années)", required=False, min_value=1, max_value=30)
    exception = forms.CharField(
        label="Exception à confirmer",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Si une commune n'est pas lauréate ou pas membre de l'EPCI, expliquez pourquoi elle figure ici.",
    )

    def __init__(self, *args, departement, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epci"].queryset = (
            Epci.objects.actuels().filter(departements=departement).order_by("cle_tri", "siren")
        )
        self.fields["communes"].queryset = (
            Laureat.objects.filter(programme=programme, departement_suivi=departement)
            .select_related("commune")
            .order_by("commune__cle_tri", "commune_id")
        )
        self.fields["communes"].label_from_instance = lambda laureat: laureat.commune.nom
        self.fields["parent"].queryset = (
            Convention.objects.filter(programme=programme, departement_suivi=departement)
            .exclude(type=Convention.Type.AVENANT)
            .select_related("epci")
            .order_by("epci__cle_tri", "epci_id", "type", "date_signature", "id")
        )
        self.fields["parent"].label_from_instance = convention_a_modifier


class ConventionModifierForm(VersionMixin, FormulaireDsfr):
    intitule = forms.CharField(label="Intitulé", required=False, max_length=300)
    date_ouverture = forms.DateField(label="En élaboration depuis le", required=False, widget=DATE)
    date_signature_prevue = forms.DateField(label="Date de signature prévue", required=False, widget=DATE)
    lieu_signature = forms.CharField(label="Lieu de signature", required=False, max_length=200)
    duree_annees = forms.IntegerField(label="Durée (années)", required=False, min_value=1, max_value=30)


class AjoutCommuneForm(VersionMixin, FormulaireDsfr):
    commune = forms.CharField(
        label="Commune", max_length=200, help_text="Son nom comme vous l'écrivez, ou son code INSEE."
    )
    role = forms.ChoiceField(label="Rôle", choices=ConventionCommune.Role.choices)
    exception = forms.CharField(
        label="Exception à confirmer",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Si la commune n'est pas lauréate ou pas membre de l'EPCI, expliquez pourquoi.",
    )


class SignatureForm(VersionMixin, FormulaireDsfr):
    date_signature = forms.DateField(label="Date de signature", widget=DATE)
    lieu_signature = forms.CharField(label="Lieu de signature", required=False, max_length=200)
    etat_nom = forms.CharField(
        label="Signataire pour l'État : nom",
        required=False,
        max_length=200,
        help_text="Laissez vide si inconnu.",
    )
    etat_qualite = forms.CharField(label="Signataire pour l'État : qualité", max_length=200)
    collectivites = forms.BooleanField(
        label="Ajouter l'EPCI et les communes de la convention comme signataires",
        required=False,
        initial=True,
    )
    document = forms.FileField(
        label="Convention signée (PDF)",
        required=False,
        help_text=f"Format PDF, {en_mo(settings.PVD_TAILLE_MAX_FICHIER)} au plus.",
    )


class PosteForm(FormulaireDsfr):
    employeur = forms.ChoiceField(label="Employeur")
    laureats = ChoixACocher(label="Lauréats couverts", queryset=Laureat.objects.none())
    nom_titulaire = forms.CharField(label="Nom du chef de projet", required=False, max_length=200)
    date_prise_poste = forms.DateField(label="Date de prise de poste", widget=DATE)
    date_fin = forms.DateField(label="Date de fin de poste", required=False, widget=DATE)
    cout_annuel_charge = forms.IntegerField(label="Coût annuel chargé (€)", required=False, min_value=0)
    taux_cofinancement = forms.DecimalField(
        label="Taux de cofinancement (%)", required=False, min_value=0, max_value=100, decimal_places=2
    )
    montant_cofinancement = forms.IntegerField(label="Cofinancement annuel (€)", required=False, min_value=0)
    avec_anah = forms.BooleanField(label="Cofinancé avec l'Anah", required=False)

    def __init__(self, *args, departement, programme, **kwargs):
        super().__init__(*args, **kwargs)
        laureats = (
            Laureat.objects.filter(programme=programme, departement_suivi=departement)
            .select_related("commune", "commune__epci")
            .order_by("commune__cle_tri", "commune_id")
        )
        self.fields["laureats"].queryset = laureats
        self.fields["laureats"].label_from_instance = lambda laureat: laureat.commune.nom
        epcis = {laureat.commune.epci for laureat in laureats if laureat.commune.epci}
        self.fields["employeur"].choices = (
            [("", "Choisissez")]
            + [(f"epci:{e.siren}", e.nom) for e in trier(epcis, lambda e: e.nom)]
            + [(f"commune:{laureat.commune_id}", laureat.commune.nom) for laureat in laureats]
        )


class CommuniqueForm(FormulaireDsfr):
    """Les blocs du communiqué, modifiables avant l'export ; l'ordre des lignes de conventions est libre."""

    entete = forms.CharField(label="En-tête", max_length=200)
    programme = forms.CharField(label="Programme", max_length=200)
    lieu_date = forms.CharField(label="Lieu et date", max_length=200)
    titre = forms.CharField(label="Titre", max_length=300)
    presentation = forms.CharField(
        label="Présentation du programme", widget=forms.Textarea(attrs={"rows": 5})
    )
    annonce = forms.CharField(label="Annonce", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    introduction_liste = forms.CharField(label="Introduction de la liste", required=False, max_length=200)
    conventions = forms.CharField(
        label="Conventions signées",
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Une convention par ligne, dans l'ordre voulu : déplacez les lignes pour changer l'ordre.",
    )
    en_elaboration = forms.CharField(
        label="Conventions en élaboration", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    etape_suivante = forms.CharField(
        label="Étape suivante", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(
        label="Contact presse", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    garder_contact = forms.BooleanField(
        label="Garder ce contact presse pour les prochains communiqués du département", required=False
    )

    def communique(self):
        from pvd.publication.communique import Communique

        d = self.cleaned_data
        lignes = [ligne.strip() for ligne in d["conventions"].splitlines() if ligne.strip()]
        champs = {
            k: d[k]
            for k in (
                "entete",
                "programme",
                "lieu_date",
                "titre",
                "presentation",
                "annonce",
                "introduction_liste",
                "en_elaboration",
                "etape_suivante",
                "contact",
            )
        }
        return Communique(conventions=lignes, **champs)


class MaquetteForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Maquette financière",
        help_text="CSV, XLSX, XLS ou ODS : une ligne par action (« N° action », « Intitulé », « Maître d'ouvrage », "
        "« Coût HT »…), une colonne par financeur (« État DETR », « DSIL », « Région », « Département », « Banque des "
        f"Territoires », « Autofinancement »…) ; {en_mo(settings.PVD_TAILLE_MAX_FICHIER)} au plus.",
    )
    axe = forms.ModelChoiceField(
        label="Axe des actions nouvelles qui n'en disent pas",
        required=False,
        queryset=None,
        empty_label="aucun (colonne « Axe » ou intertitres « Axe 1 – Habitat » dans le fichier)",
    )

    def __init__(self, *args, axes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axe"].queryset = axes


class ImportForm(FormulaireDsfr):
    fichier = forms.FileField(
        label="Fichier",
        help_text=f"CSV, XLSX, XLS ou ODS ; {en_mo(settings.PVD_TAILLE_MAX_FICHIER)} et 50 000 lignes au plus.",
    )
    source = forms.ChoiceField(
        label="Nature du fichier",
        choices=[
            ("tableur", "Tableur de la préfecture (colonnes à faire correspondre)"),
            ("anct-pvd", "Liste nationale des lauréats PVD (ANCT)"),
            ("anct-acv", "Liste nationale des villes ACV (ANCT)"),
            ("ort", "Fichier de suivi des ORT (ministère)"),
        ],
    )
    departement = forms.ChoiceField(label="Département", required=False)

    def __init__(self, *args, departements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [("", "Tous (listes nationales)")] + [
            (d.code, f"{d.nom} ({d.code})") for d in departements
        ]
