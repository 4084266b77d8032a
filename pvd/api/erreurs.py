"""Les erreurs de l'API, toutes en français et toutes décrites dans l'OpenAPI.

- 400 : corps illisible (JSON mal formé, pas en UTF-8), caractère de contrôle dans un corps ou un champ de
  formulaire (`LecteurSain`) ; dans l'adresse ou un cookie, c'est `accounts.middleware` qui répond, avant l'API.
- 401 : écriture sans compte, ou jeton d'API invalide (sur toute opération).
- 422 : une valeur refusée, par le schéma ou par une règle du registre ; toujours avec `erreurs` (champ, message).
- Les autres (403, 404, 412, 413, 428) sont levées par les opérations avec `HttpError`.

`REFUS_COMMUNS` : les réponses que toute opération peut rendre, ajoutées à l'OpenAPI par `ApiPvd`.
"""

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from pvd.accounts.middleware import caractere_de_controle

from .schemas import Erreur, ErreurValidation

MESSAGES_PYDANTIC = {
    "missing": "ce paramètre est obligatoire",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "bool_parsing": "doit valoir true ou false",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "string_type": "doit être une chaîne de caractères",
    "string_too_long": "ne doit pas dépasser {max_length} caractères",
    "string_too_short": "doit contenir au moins {min_length} caractère{s_min}",
    "string_pattern_mismatch": "n'a pas le format attendu",
    "literal_error": "doit valoir l'une des valeurs : {expected}",
    "enum": "doit valoir l'une des valeurs : {expected}",
    "date_type": "doit être une date (AAAA-MM-JJ)",
    "date_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_inexact": "doit être une date sans heure (AAAA-MM-JJ)",
    "list_type": "doit être une liste",
    "dict_type": "doit être un objet JSON",
    "model_type": "doit être un objet JSON",
    "model_attributes_type": "doit être un objet JSON",
    "too_short": "doit contenir au moins {min_length} élément{s_min}",
    "too_long": "ne doit pas contenir plus de {max_length} éléments",
    "extra_forbidden": "champ inconnu : retirez-le",
    "value_error": "{error}",
}


class ErreurSaisie(HttpError):
    """422 qui nomme le champ en cause : `ErreurSaisie("epci", "aucun EPCI ne porte le SIREN « … ».")`, ou plusieurs
    par `erreurs=[(champ, message), …]` (les erreurs d'une règle du registre)."""

    def __init__(self, champ: str = "", message: str = "", *, erreurs: list[tuple[str, str]] | None = None):
        self.erreurs = [{"champ": c, "message": m} for c, m in (erreurs or [(champ, message)])]
        super().__init__(
            422,
            " ; ".join(
                e["message"] if e["champ"] == "requête" else f"{e['champ']} : {e['message']}"
                for e in self.erreurs
            ),
        )


class EntreeRefusee(ValueError):
    """Un caractère de contrôle dans un corps de requête (message en français, prêt à rendre)."""


# Dans un texte reçu (intitulé, lieu…), la tabulation et les sauts de ligne sont permis ; aucun autre contrôle.
SANS_BLANCS = str.maketrans("", "", "\t\n\r")


def _controle_dans_un_corps(texte: str) -> str | None:
    return caractere_de_controle(texte.translate(SANS_BLANCS))


def _verifier_valeur(valeur: Any, champ: str) -> None:
    """Parcourt un corps JSON : une chaîne (clé ou valeur) avec un caractère de contrôle lève `EntreeRefusee`."""
    if isinstance(valeur, dict):
        for cle, sous_valeur in valeur.items():
            _verifier_valeur(cle, champ)
            _verifier_valeur(sous_valeur, f"{champ}.{cle}" if champ else str(cle))
    elif isinstance(valeur, list):
        for i, sous_valeur in enumerate(valeur):
            _verifier_valeur(sous_valeur, f"{champ}.{i}" if champ else str(i))
    elif isinstance(valeur, str) and (code := _controle_dans_un_corps(valeur)):
        raise EntreeRefusee(
            f"Le champ « {champ[:80] or 'corps'} » contient un caractère de contrôle ({code}) : retirez-le."
        )


class LecteurSain(Parser):
    """Le lecteur des corps de l'API : JSON en UTF-8 sans caractère de contrôle ; champs de formulaire de même.

    Une exception ici devient pour ninja un 400 « Cannot parse request body » : `erreur_http` en retrouve la cause
    pour répondre en français."""

    def parse_body(self, request: HttpRequest):
        donnees = json.loads(request.body.decode("utf-8"))
        _verifier_valeur(donnees, "")
        return donnees

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        for nom, valeurs in data.lists():
            for texte in (nom, *valeurs):
                if isinstance(texte, str) and (code := _controle_dans_un_corps(texte)):
                    raise HttpError(
                        400,
                        f"Le champ « {nom[:80]} » contient un caractère de contrôle ({code}) : retirez-le.",
                    )
        return super().parse_querydict(data, list_fields, request)


def _corps_illisible(cause: BaseException | None) -> str:
    if isinstance(cause, EntreeRefusee):
        return str(cause)
    if isinstance(cause, UnicodeDecodeError):
        return "Le corps de la requête n'est pas en UTF-8 : envoyez du JSON encodé en UTF-8."
    if isinstance(cause, json.JSONDecodeError):
        return (
            f"Le corps de la requête n'est pas du JSON valide (ligne {cause.lineno}, colonne {cause.colno}) : "
            "envoyez un objet JSON (Content-Type: application/json)."
        )
    return "Le corps de la requête est illisible : envoyez un objet JSON (Content-Type: application/json)."


def _message_pydantic(erreur: dict) -> str:
    gabarit = MESSAGES_PYDANTIC.get(erreur.get("type", ""), "valeur invalide")
    contexte = erreur.get("ctx") or {}
    try:
        return gabarit.format(**contexte, s_min="s" if contexte.get("min_length", 1) > 1 else "")
    except (KeyError, IndexError):
        return "valeur invalide"


def adresse_inconnue(request: HttpRequest) -> JsonResponse:
    """Une adresse sous `/api/` qu'aucune opération ne sert : 404 en JSON, comme toute erreur de l'API (la page
    HTML du site n'a rien à faire dans la réponse d'un client de l'API)."""
    return JsonResponse(
        {"detail": f"Aucune opération de l'API à l'adresse « {request.path[:200]} » : voir /api/v1/docs."},
        status=404,
    )


def brancher(api: NinjaAPI) -> None:
    """Les gestionnaires d'erreurs de l'API (une seule fois, à sa création)."""

    @api.exception_handler(ValidationError)
    def erreur_validation(request: HttpRequest, exc: ValidationError):
        erreurs = []
        for e in exc.errors:
            source, *lieu = e.get("loc", ("",))
            if source == "body":
                lieu = lieu[1:]  # le nom du paramètre de l'opération (`donnees`), que le client ne voit pas
            champ = ".".join(str(p) for p in lieu) or ("corps" if source == "body" else "requête")
            erreurs.append({"champ": champ, "message": _message_pydantic(e)})
        detail = (
            "Paramètres invalides : "
            + " ; ".join(f"{e['champ']} {e['message'].rstrip('.')}" for e in erreurs)
            + "."
        )
        return api.create_response(request, {"detail": detail, "erreurs": erreurs}, status=422)

    @api.exception_handler(AuthenticationError)
    def erreur_authentification(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(
            request,
            {"detail": "Authentification requise : connectez-vous avec un compte d'équipe."},
            status=401,
        )

    @api.exception_handler(HttpError)
    def erreur_http(request: HttpRequest, exc: HttpError):
        corps: dict[str, Any] = {"detail": str(exc)}
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            corps["detail"] = _corps_illisible(exc.__cause__)
        if exc.status_code == 422:
            corps["erreurs"] = getattr(exc, "erreurs", None) or [{"champ": "requête", "message": str(exc)}]
        return api.create_response(request, corps, status=exc.status_code)


# Toute opération peut rendre : 400 (corps illisible ou caractère de contrôle), 401 (jeton d'API invalide).
REFUS_COMMUNS = {
    "400": ("Requête illisible ou caractère de contrôle (NUL, saut de ligne…) dans un paramètre", Erreur),
    "401": ("Authentification requise, ou jeton d'API invalide", Erreur),
}
# Et toute opération qui reçoit un corps : 413 (trop lourd), 422 (valeur refusée).
REFUS_DES_ECRITURES = {
    "413": ("Requête trop lourde", Erreur),
    "422": (
        "Valeur refusée (par le schéma ou une règle du registre), avec les champs en cause",
        ErreurValidation,
    ),
}
