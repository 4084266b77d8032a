"""Des résumés en français, pour les commandes et les pages."""

from .importation import Comptes


def accorder(nombre: int, singulier: str, pluriel: str | None = None) -> str:
    """`accorder(0, "créé")` → « 0 créé » ; `accorder(2, "créé")` → « 2 créés » (règle française : 0 et 1 au singulier)."""
    mot = singulier if abs(nombre) < 2 else (pluriel or singulier + "s")
    return f"{nombre:,}".replace(",", " ") + f" {mot}"


def resume_import(comptes: Comptes, duree: float) -> str:
    lignes = []
    for table, c in comptes.lignes.items():
        detail = f"{accorder(c['crees'], 'créé')}, {accorder(c['modifies'], 'modifié')}"
        if c["obsoletes"]:
            detail += f", {accorder(c['obsoletes'], 'marqué obsolète', 'marqués obsolètes')}"
        lignes.append(f"  {table} : {detail}")
    total = (
        f"Référentiel à jour en {duree:.1f} s : {accorder(comptes.total_crees, 'créé')}, "
        f"{accorder(comptes.total_modifies, 'modifié')}."
    )
    if not comptes.total_crees and not comptes.total_modifies:
        total += " Rien n'a changé."
    return "\n".join([*lignes, total])
