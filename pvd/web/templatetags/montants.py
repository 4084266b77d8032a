"""Montants et parts en français pour les pages du plan d'action : « 1 250 000 € », « 18,2 % »."""

from django import template

from pvd.actions.regles import euros as _euros
from pvd.actions.regles import pourcent as _pourcent

register = template.Library()


@register.filter
def euros(valeur) -> str:
    """Un montant ; « — » pour une case vide d'un tableau (aucune ligne de ce statut)."""
    return "—" if valeur == "" else _euros(valeur)


@register.filter
def pourcent(valeur) -> str:
    return "—" if valeur is None else _pourcent(valeur)
