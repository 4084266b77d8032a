"""Les formulaires du plan d'action (DSFR) : fiche action, changement d'état, ligne de financement, étape, indicateur
et sa valeur datée, coût annuel. Ils lisent la saisie ; les règles sont celles des services de `pvd.actions`."""

from django import forms
from django.core.exceptions import ValidationError

from pvd.actions.models import (
    CoutAnnuel,
    Dispositif,
    Etat,
    Organisation,
    Precision,
    StatutLigne,
    ValeurIndicateur,
)
from pvd.actions.services import montant_lu

from .forms import DATE, FormulaireDsfr, VersionMixin

AUTRE = "autre"


class OrganisationOuNouvelle(forms.Form):
    """Une organisation de la liste, ou une nouvelle par son nom, son SIREN et sa nature (`prefixe` : le champ)."""

    def ajouter_organisation(
        self, champ: str, libelle: str, choix: list[tuple[str, str]], aide: str = ""
    ) -> None:
        self.fields[champ] = forms.ChoiceField(
            label=libelle,
            choices=[("", "—"), *choix, (AUTRE, "Une autre organisation (à décrire ci-dessous)")],
        )
        if aide:
            self.fields[champ].help_text = aide
        self.fields[f"{champ}_nom"] = forms.CharField(
            label=f"{libelle} : nom (si autre)", required=False, max_length=200
        )
        self.fields[f"{champ}_siren"] = forms.CharField(
            label=f"{libelle} : SIREN (si autre)", required=False, max_length=11
        )
        self.fields[f"{champ}_nature"] = forms.ChoiceField(
            label=f"{libelle} : nature (si autre)",
            required=False,
            choices=[("", "—"), *Organisation.Nature.choices],
        )

    def organisation_saisie(self, champ: str) -> tuple[str, str] | dict:
        """(« commune », code), (« epci », siren), (« organisation », pk) ou la description d'une nouvelle."""
        valeur = self.cleaned_data[champ]
        if valeur == AUTRE:
            return {
                "nom": self.cleaned_data.get(f"{champ}_nom", ""),
                "siren": self.cleaned_data.get(f"{champ}_siren", ""),
                "nature": self.cleaned_data.get(f"{champ}_nature", ""),
            }
        genre, _, cle = valeur.partition(":")
        return genre, cle

    def clean(self):
        donnees = super().clean()
        for champ in [c for c in self.fields if f"{c}_nom" in self.fields]:
            if donnees.get(champ) == AUTRE and not (donnees.get(f"{champ}_nom") or "").strip():
                self.add_error(
                    f"{champ}_nom", "Indiquez le nom de l'organisation, ou choisissez-la dans la liste."
                )
        return donnees


def _montant(formulaire, champ: str, obligatoire: bool = False):
    try:
        return montant_lu(formulaire.cleaned_data.get(champ), champ, obligatoire)
    except ValidationError as erreur:
        raise forms.ValidationError(erreur.message_dict[champ]) from None


class FicheForm(OrganisationOuNouvelle, FormulaireDsfr):
    numero = forms.CharField(label="Numéro", max_length=20, help_text="Comme dans la convention : « 1.2 ».")
    intitule = forms.CharField(label="Intitulé", max_length=300)
    axe = forms.ModelChoiceField(label="Axe", queryset=None, empty_label="—")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    communes = forms.MultipleChoiceField(
        label="Communes concernées", required=False, widget=forms.CheckboxSelectMultiple
    )
    partenaires = forms.ModelMultipleChoiceField(
        label="Partenaires", required=False, queryset=None, widget=forms.CheckboxSelectMultiple
    )
    date_debut = forms.DateField(label="Début prévu", required=False, widget=DATE)
    precision_debut = forms.ChoiceField(label="Précision du début", choices=Precision.choices, initial="jour")
    date_fin = forms.DateField(label="Fin prévue", required=False, widget=DATE)
    precision_fin = forms.ChoiceField(
        label="Précision de la fin",
        choices=Precision.choices,
        initial="jour",
        help_text="« 2e trimestre 2025 » : une date de ce trimestre, précision trimestre.",
    )
    cout_ht = forms.CharField(label="Coût HT (€)", required=False, max_length=30)
    cout_ttc = forms.CharField(label="Coût TTC (€)", required=False, max_length=30)
    derogation_participation = forms.CharField(
        label="Dérogation à la participation minimale du maître d'ouvrage (article L1111-10 du CGCT)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Le motif et la référence de la dérogation, s'il y en a une.",
    )
    source = forms.CharField(label="Source (document public)", required=False, max_length=500)

    def __init__(self, *args, convention, axes, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axe"].queryset = axes
        self.fields["partenaires"].queryset = organisations
        self.fields["communes"].choices = [
            (lien.commune.code, lien.commune.nom) for lien in convention.communes.all()
        ]
        choix = [(f"commune:{lien.commune.code}", lien.commune.nom) for lien in convention.communes.all()]
        choix.append((f"epci:{convention.epci_id}", convention.epci.nom))
        choix += [
            (f"organisation:{o.pk}", o.nom)
            for o in organisations
            if o.commune_id is None and o.epci_id is None and o.nature != Organisation.Nature.ETAT
        ]
        self.ajouter_organisation("maitre_ouvrage", "Maître d'ouvrage", choix)
        ordre = list(self.fields)
        for champ in (
            "maitre_ouvrage",
            "maitre_ouvrage_nom",
            "maitre_ouvrage_siren",
            "maitre_ouvrage_nature",
        ):
            ordre.remove(champ)
        position = ordre.index("communes")
        ordre[position:position] = [
            "maitre_ouvrage",
            "maitre_ouvrage_nom",
            "maitre_ouvrage_siren",
            "maitre_ouvrage_nature",
        ]
        self.order_fields(ordre)

    def clean_cout_ht(self):
        return _montant(self, "cout_ht")

    def clean_cout_ttc(self):
        return _montant(self, "cout_ttc")


class FicheModifierForm(VersionMixin, FicheForm):
    pass


class EtatForm(VersionMixin, FormulaireDsfr):
    etat = forms.ChoiceField(label="Nouvel état", choices=Etat.choices)
    jour = forms.DateField(label="Depuis le", required=False, widget=DATE, help_text="Vide : aujourd'hui.")
    motif = forms.CharField(
        label="Motif",
        required=False,
        max_length=500,
        help_text="Obligatoire pour une action en pause, bloquée ou abandonnée.",
    )
    date_fin_reelle = forms.DateField(
        label="Fin réelle", required=False, widget=DATE, help_text="Obligatoire pour une action réalisée."
    )


class LigneForm(OrganisationOuNouvelle, FormulaireDsfr):
    dispositif = forms.ModelChoiceField(label="Dispositif", required=False, queryset=None, empty_label="—")
    montant = forms.CharField(label="Montant (€)", max_length=30)
    statut = forms.ChoiceField(label="Statut", choices=StatutLigne.choices, initial=StatutLigne.ENVISAGEE)
    date_demande = forms.DateField(label="Date de la demande", required=False, widget=DATE)
    date_decision = forms.DateField(label="Date de la décision", required=False, widget=DATE)
    reference_decision = forms.CharField(label="Référence de la décision", required=False, max_length=200)
    date_versement = forms.DateField(label="Date du versement", required=False, widget=DATE)

    def __init__(self, *args, organisations, maitre_ouvrage: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(actif=True).order_by("ordre", "nom")
        choix = [
            (
                f"organisation:{maitre_ouvrage.pk}",
                f"{maitre_ouvrage.nom} (maître d'ouvrage : autofinancement)",
            )
        ]
        choix += [(f"organisation:{o.pk}", o.nom) for o in organisations if o.pk != maitre_ouvrage.pk]
        self.ajouter_organisation("financeur", "Financeur", choix)
        self.order_fields(["financeur", "financeur_nom", "financeur_siren", "financeur_nature"])

    def clean_montant(self):
        return _montant(self, "montant", obligatoire=True)


class LigneModifierForm(VersionMixin, LigneForm):
    pass


class EtapeForm(FormulaireDsfr):
    intitule = forms.CharField(label="Intitulé de l'étape", max_length=300)
    date_prevue = forms.DateField(label="Date prévue", required=False, widget=DATE)


class EtapeMarquerForm(FormulaireDsfr):
    """Faite ou à faire : l'état voulu, pas une bascule (deux envois du même bouton donnent le même résultat)."""

    faite = forms.TypedChoiceField(
        label="État de l'étape",
        choices=[("1", "faite"), ("0", "à faire")],
        coerce=lambda valeur: valeur == "1",
    )
    jour = forms.DateField(label="Faite le", required=False, widget=DATE, help_text="Vide : aujourd'hui.")


class IndicateurForm(FormulaireDsfr):
    nom = forms.CharField(label="Nom de l'indicateur", max_length=200)
    unite = forms.CharField(
        label="Unité", required=False, max_length=50, help_text="« logements », « m² », « % »…"
    )
    periodicite = forms.CharField(
        label="Périodicité",
        required=False,
        max_length=50,
        help_text="« annuelle », « à la fin de l'action »…",
    )


class ValeurIndicateurForm(FormulaireDsfr):
    type = forms.ChoiceField(label="Type de valeur", choices=ValeurIndicateur.Type.choices)
    jour = forms.DateField(label="Date de la valeur", widget=DATE)
    valeur = forms.DecimalField(
        label="Valeur", max_digits=16, decimal_places=4, localize=True, help_text="Un nombre : 12 ou 12,5."
    )
    source = forms.CharField(label="Source", required=False, max_length=300)


class CoutAnnuelForm(FormulaireDsfr):
    annee = forms.IntegerField(label="Année", min_value=1990, max_value=2100)
    nature = forms.ChoiceField(label="Nature", choices=CoutAnnuel.Nature.choices)
    prevu = forms.CharField(label="Coût prévu (€)", required=False, max_length=30)
    realise = forms.CharField(label="Coût réalisé (€)", required=False, max_length=30)

    def clean_prevu(self):
        return _montant(self, "prevu")

    def clean_realise(self):
        return _montant(self, "realise")
