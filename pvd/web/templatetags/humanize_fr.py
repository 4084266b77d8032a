from datetime import date

from django import template

from pvd.programmes import dates

register = template.Library()


@register.filter(expects_localtime=True)
def date_longue(valeur: date | None) -> str:
    """« 1er janvier 2021 », « 27 juillet 2021 » (le filtre `date` de Django écrit « 1 janvier ») ; vide sans date,
    pour enchaîner `|default:"non renseignée"`."""
    if not valeur:
        return ""
    return dates.date_longue(valeur)


@register.filter
def accorde(participe_feminin: str, convention) -> str:
    """`{{ "signée"|accorde:convention }}` : « signé » pour un avenant."""
    return convention.accorder(participe_feminin)


@register.filter
def nombre(valeur) -> str:
    """12345 → « 12 345 » (espace insécable fine, comme l'écrit l'administration)."""
    if valeur is None or valeur == "":
        return "—"
    try:
        entier = int(valeur)
    except (TypeError, ValueError):
        return str(valeur)
    return f"{entier:,}".replace(",", "\u202f")


@register.filter
def pluriel_liste(valeur: str) -> str:
    """« 46, 12 » → « s » : pour accorder un mot avec une liste écrite."""
    return "s" if "," in (valeur or "") else ""


@register.filter
def get_item(dictionnaire: dict, cle):
    return dictionnaire.get(cle, "")
