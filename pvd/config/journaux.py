"""Les journaux que voit la personne qui lance `pvd runserver` ou `pvd demo`, en français.

Django écrit « Not Found: /page » ou « Watching for file changes with StatReloader » : ce filtre réécrit ces lignes
(le code HTTP et le chemin restent, pour qui cherche dans les journaux). Branché par les réglages (`LOGGING`).
"""

import logging
from http import HTTPStatus

RAISONS_HTTP = {
    400: "requête invalide",
    401: "authentification requise",
    403: "accès refusé",
    404: "page introuvable",
    405: "méthode non permise",
    409: "conflit",
    410: "page supprimée",
    412: "version périmée",
    413: "requête trop lourde",
    422: "paramètres invalides",
    428: "en-tête If-Match requis",
    429: "trop de requêtes",
    500: "erreur interne du serveur",
    502: "passerelle en erreur",
    503: "service indisponible",
}


class EnFrancais(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and record.msg == "%s: %s" and len(record.args or ()) == 2:
            code = getattr(record, "status_code", None)
            raison = RAISONS_HTTP.get(code) or (
                f"erreur HTTP {code}" if code in HTTPStatus._value2member_map_ else "erreur HTTP"
            )
            record.msg, record.args = "%s (%s) : %s", (raison[0].upper() + raison[1:], code, record.args[1])
        elif record.name == "django.utils.autoreload":
            if record.msg.startswith("Watching for file changes"):
                record.msg, record.args = (
                    "Rechargement automatique : le serveur redémarre quand un fichier change.",
                    (),
                )
            elif record.msg.endswith("changed, reloading."):
                record.msg = "%s a changé : redémarrage du serveur."
        return True
