"""Les documents déposés sur une convention (la convention signée, en PDF) : les reconnaître à leur contenu.

Un PDF commence par `%PDF-` à l'octet 0, et pypdf l'ouvre. Chercher `%PDF-` « dans le premier kilo-octet »
laissait passer des polyglottes : une page HTML (avec son script) suivie d'un PDF, que le site servait ensuite
comme un PDF à afficher. Le dépôt refuse donc tout autre fichier (`services.verifier_pdf`), et la page qui rend un
document enregistré le vérifie encore avant de l'afficher dans le navigateur : sinon, il n'est proposé qu'en
téléchargement (des fichiers déposés avant cette règle peuvent ne pas la suivre).
"""

from typing import BinaryIO

from pypdf import PdfReader

SIGNATURE_PDF = b"%PDF-"


def est_un_pdf(flux: BinaryIO) -> bool:
    """`%PDF-` à l'octet 0 et un document que pypdf ouvre, avec au moins une page. Le flux est remis au début."""
    flux.seek(0)
    try:
        if flux.read(len(SIGNATURE_PDF)) != SIGNATURE_PDF:
            return False
        flux.seek(0)
        return len(PdfReader(flux, strict=False).pages) > 0
    except Exception:  # un fichier reçu peut faire lever n'importe quoi au lecteur : c'est un refus
        return False
    finally:
        flux.seek(0)
