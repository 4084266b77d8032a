"""Les identifiants des organisations (SIRET), vérifiés avant d'être enregistrés."""

SIREN_LA_POSTE = "356000000"


def siret_erreur(siret: str, siren: str = "") -> str | None:
    """Ce qui ne va pas dans un SIRET, en français, ou None : quatorze chiffres, la clé de Luhn (pour La Poste, dont
    les établissements dépassent la numérotation, la somme des chiffres multiple de 5), le SIREN de l'organisation en
    tête."""
    if not (len(siret) == 14 and siret.isdigit()):
        return f"« {siret} » n'est pas un SIRET : quatorze chiffres, le SIREN puis le NIC de l'établissement."
    if siren and not siret.startswith(siren):
        return f"Ce SIRET n'est pas celui d'un établissement du SIREN {siren} : il commence par ses neuf chiffres."
    if siret.startswith(SIREN_LA_POSTE):
        valide = sum(int(c) for c in siret) % 5 == 0
    else:
        somme = 0
        for rang, chiffre in enumerate(reversed(siret)):
            valeur = int(chiffre) * (2 if rang % 2 else 1)
            somme += valeur - 9 if valeur > 9 else valeur
        valide = somme % 10 == 0
    if not valide:
        return f"« {siret} » n'est pas un SIRET valide (clé de contrôle fausse) : vérifiez-le dans l'annuaire des entreprises."
    return None
