"""Les tailles de fichier écrites en français, d'après les limites des réglages (`PVD_TAILLE_MAX_FICHIER`,
`PVD_TAILLE_MAX_REQUETE`) : une seule source pour les messages, les aides des formulaires et le README.

Mégaoctets décimaux (1 Mo = 1 000 000 octets, comme les affichent les explorateurs de fichiers récents) : une
limite de 20 000 000 octets s'écrit « 20 Mo », et non « 21 Mo » comme 20 Mio divisés par un million.
"""


def en_mo(octets: int) -> str:
    """« 20 Mo », « 20,1 Mo » : arrondi au dixième supérieur, pour qu'un fichier à peine trop lourd ne s'affiche
    jamais avec la taille de la limite qu'il dépasse."""
    dixiemes = -(-octets // 100_000)
    entiers, reste = divmod(dixiemes, 10)
    return f"{entiers},{reste} Mo" if reste else f"{entiers} Mo"
