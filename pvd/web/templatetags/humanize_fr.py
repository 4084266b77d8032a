from django import template

register = template.Library()


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
