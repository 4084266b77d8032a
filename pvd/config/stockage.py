"""Où vont les fichiers déposés (conventions signées) : le disque du serveur, ou un stockage objet compatible S3.

Tout fichier déposé passe par le stockage de Django (`default_storage`, ou celui du champ), jamais par un chemin
local (`.path`) : les pages, la sauvegarde et la restauration marchent de même sur les deux.

| variable | rôle | défaut |
|---|---|---|
| `PVD_STOCKAGE` | `disque` (dossier `fichiers` du dossier de données) ou `s3` | `disque` |
| `PVD_S3_BUCKET` | nom du compartiment (obligatoire avec `s3`) | — |
| `PVD_S3_ENDPOINT_URL` | adresse du service compatible S3 (hors AWS) | celle d'AWS |
| `PVD_S3_REGION` | région | celle du service |
| `PVD_S3_PREFIXE` | dossier dans le compartiment (plusieurs instances dans un compartiment) | racine |
| `PVD_S3_ADRESSAGE` | `path` ou `virtual` (style d'adresse des objets) | celui de boto3 |

Les identifiants ne sont jamais dans un fichier du projet : boto3 les lit dans `AWS_ACCESS_KEY_ID` et
`AWS_SECRET_ACCESS_KEY` (ou le rôle de la machine). Le compartiment reste privé : aucune ACL publique n'est posée,
et les documents sont lus par le serveur puis servis par Django, derrière les mêmes vérifications de droits qu'un
fichier sur disque (`pvd/web/views/conventions.py`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

MODES = ("disque", "s3")


def mode(environ: Mapping[str, str]) -> str:
    return environ.get("PVD_STOCKAGE", "").strip().lower() or "disque"


def reglage(environ: Mapping[str, str]) -> dict:
    """L'entrée `STORAGES["default"]` d'après l'environnement (un mode inconnu : le disque, et `pvd.E004`)."""
    if mode(environ) != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": environ.get("PVD_S3_BUCKET", "").strip(),
        "endpoint_url": environ.get("PVD_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": environ.get("PVD_S3_REGION", "").strip() or None,
        "location": environ.get("PVD_S3_PREFIXE", "").strip().strip("/"),
        "addressing_style": environ.get("PVD_S3_ADRESSAGE", "").strip().lower() or None,
        # Privé : pas d'ACL posée (le compartiment privé s'applique), adresses signées et brèves si jamais une
        # adresse d'objet est donnée (l'administration), pas d'écrasement : un nom pris en reçoit un autre, comme
        # sur disque, et l'historique garde le sien.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def erreurs(environ: Mapping[str, str], production: bool) -> dict[str, str]:
    """Les réglages de stockage illisibles ou manquants, par identifiant de vérification."""
    trouvees = {}
    choisi = mode(environ)
    if choisi not in MODES:
        trouvees["pvd.E004"] = (
            f"PVD_STOCKAGE vaut « {choisi[:40]} » : les valeurs possibles sont « disque » (le défaut) et « s3 »."
        )
    elif choisi == "s3":
        if not environ.get("PVD_S3_BUCKET", "").strip():
            trouvees["pvd.E005"] = (
                "PVD_STOCKAGE=s3 demande le nom du compartiment dans PVD_S3_BUCKET (voir « Production » dans le "
                "README)."
            )
        adressage = environ.get("PVD_S3_ADRESSAGE", "").strip().lower()
        if adressage not in ("", "path", "virtual"):
            trouvees["pvd.E006"] = (
                f"PVD_S3_ADRESSAGE vaut « {adressage[:40]} » : les valeurs possibles sont « path » et « virtual »."
            )
        adresse = environ.get("PVD_S3_ENDPOINT_URL", "").strip()
        if production and adresse and not adresse.lower().startswith("https://"):
            trouvees["pvd.E007"] = (
                f"PVD_S3_ENDPOINT_URL ({adresse[:80]}) n'est pas en https : en production, les documents et les "
                "identifiants ne passent pas en clair."
            )
    return trouvees


def decrire(stockage) -> str:
    """Le stockage en clair pour un message : « le dossier … » ou « le compartiment S3 … »."""
    compartiment = getattr(stockage, "bucket_name", None)
    if compartiment:
        prefixe = getattr(stockage, "location", "")
        return f"le compartiment S3 « {compartiment} »" + (f" (dossier « {prefixe} »)" if prefixe else "")
    emplacement = getattr(stockage, "location", None)
    return f"le dossier {emplacement}" if emplacement else f"le stockage {type(stockage).__name__}"


def fichiers(stockage, dossier: str = "") -> Iterator[str]:
    """Les noms de tous les fichiers du stockage, dossiers compris, par son API (disque comme S3)."""
    try:
        dossiers, noms = stockage.listdir(dossier)
    except FileNotFoundError:  # le dossier des fichiers n'existe pas encore sur disque
        return
    for nom in sorted(noms):
        yield f"{dossier}/{nom}" if dossier else nom
    for sous in sorted(dossiers):
        yield from fichiers(stockage, f"{dossier}/{sous}" if dossier else sous)
