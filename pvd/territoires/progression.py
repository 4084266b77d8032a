"""Une barre de progression sur un terminal, rien du tout sinon (journaux, tests, tubes)."""

import sys
import time


class Progression:
    def __init__(self, total: int, libelle: str, flux=None) -> None:
        self.total = max(total, 1)
        self.libelle = libelle
        self.flux = flux or sys.stderr
        self.actif = hasattr(self.flux, "isatty") and self.flux.isatty()
        self.fait = 0
        self._dernier = 0.0

    def avancer(self, pas: int = 1) -> None:
        self.fait += pas
        maintenant = time.monotonic()
        if self.actif and (maintenant - self._dernier > 0.1 or self.fait >= self.total):
            self._dernier = maintenant
            part = self.fait / self.total
            barre = "█" * int(part * 30)
            self.flux.write(f"\r{self.libelle} [{barre:<30}] {part:4.0%} ({self.fait}/{self.total})")
            self.flux.flush()

    def etape(self, texte: str) -> None:
        if self.actif:
            self.flux.write(f"\r\033[K{texte}…")
            self.flux.flush()

    def terminer(self) -> None:
        if self.actif:
            self.flux.write("\r\033[K")
            self.flux.flush()
