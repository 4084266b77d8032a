"""Les règles de découpage de docs/architecture.md, vérifiées sur le source : un test, pas une promesse.

- Une interface (pages et formulaires `web`, `api`, commandes de gestion) lit l'entrée, appelle un service ou un
  sélecteur, et rend : elle n'écrit jamais avec l'ORM, ni n'ouvre de transaction autour d'un service.
- `web` et `api` ne s'importent pas l'un l'autre ; les modules de pages du site n'importent que `views/commun.py`,
  jamais un autre module de pages.
"""

import ast
import importlib
from pathlib import Path

import pytest

PVD = Path(__file__).resolve().parent.parent / "pvd"
# Méthodes d'écriture de l'ORM (QuerySet, Manager, instance de modèle, gestionnaire d'utilisateurs).
ECRITURES = {
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "create_user",
    "create_superuser",
    "save",
    "delete",
}
# `update` n'est une écriture que sur un QuerySet : on la cherche après `.objects`, `.filter(…)`, `.all()`…
METHODES_DE_QUERYSET = {"objects", "filter", "exclude", "all", "select_for_update", "select_related"}


def _modules_d_interface() -> list[Path]:
    modules = [p for p in (PVD / "web").rglob("*.py") if "migrations" not in p.parts]
    modules += list((PVD / "api").rglob("*.py"))
    modules += [p for p in PVD.glob("*/management/commands/*.py") if not p.is_relative_to(PVD / "web")]
    return sorted(modules)


def _chaine(noeud: ast.AST) -> list[str]:
    """Les noms d'une chaîne d'appels, de droite à gauche : `A.objects.filter(x).update` → update, filter, objects…"""
    noms = []
    while True:
        if isinstance(noeud, ast.Attribute):
            noms.append(noeud.attr)
            noeud = noeud.value
        elif isinstance(noeud, ast.Call):
            noeud = noeud.func
        else:
            return noms


def _ecritures(chemin: Path, racine: Path = PVD.parent) -> list[str]:
    trouvees = []
    for noeud in ast.walk(ast.parse(chemin.read_text(), str(chemin))):
        if not isinstance(noeud, ast.Call) or not isinstance(noeud.func, ast.Attribute):
            continue
        chaine = _chaine(noeud.func)
        if chaine[0] in ECRITURES or (chaine[0] == "update" and METHODES_DE_QUERYSET & set(chaine[1:])):
            trouvees.append((noeud.lineno, f"{chemin.relative_to(racine)}:{noeud.lineno} .{chaine[0]}("))
    return [texte for _, texte in sorted(trouvees)]


def test_les_modules_d_interface_sont_trouves():
    noms = {str(p.relative_to(PVD)) for p in _modules_d_interface()}
    assert {"web/views/imports.py", "api/programmes.py", "imports/management/commands/import.py"} <= noms
    assert "web/management/commands/demo.py" in noms


@pytest.mark.parametrize("chemin", _modules_d_interface(), ids=lambda p: str(p.relative_to(PVD)))
def test_une_interface_n_ecrit_pas_avec_l_orm(chemin):
    assert _ecritures(chemin) == [], "écrire par un service du domaine (docs/architecture.md)"


@pytest.mark.parametrize("chemin", _modules_d_interface(), ids=lambda p: str(p.relative_to(PVD)))
def test_une_interface_n_ouvre_pas_de_transaction(chemin):
    """La transaction est celle du service (`@transaction.atomic`) : une interface n'en ouvre pas autour."""
    arbre = ast.parse(chemin.read_text())
    assert not [
        noeud.lineno
        for noeud in ast.walk(arbre)
        if (
            isinstance(noeud, ast.ImportFrom)
            and noeud.module == "django.db"
            and any(alias.name == "transaction" for alias in noeud.names)
        )
        or (isinstance(noeud, ast.Import) and any(a.name == "django.db.transaction" for a in noeud.names))
    ]


def test_le_detecteur_voit_les_ecritures(tmp_path):
    exemple = tmp_path / "vue.py"
    exemple.write_text(
        "Modele.objects.create(a=1)\nfichier.delete()\nModele.objects.filter(a=1).update(b=2)\n"
        "objet.save(update_fields=['a'])\nModele.objects.update_or_create(a=1)\n"
        "donnees.update({'a': 1})\nModele.objects.filter(a=1).first()\n"
    )
    assert [e.split(":")[1].split()[0] for e in _ecritures(exemple, tmp_path)] == ["1", "2", "3", "4", "5"]


def _imports(chemin: Path) -> set[str]:
    modules = set()
    for noeud in ast.walk(ast.parse(chemin.read_text())):
        if isinstance(noeud, ast.Import):
            modules |= {alias.name for alias in noeud.names}
        elif isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            modules.add(noeud.module)
    return modules


@pytest.mark.parametrize(("interface", "autre"), [("web", "pvd.api"), ("api", "pvd.web")])
def test_web_et_api_ne_s_importent_pas(interface, autre):
    fautifs = [
        f"{p.relative_to(PVD)} importe {m}"
        for p in (PVD / interface).rglob("*.py")
        for m in _imports(p)
        if m == autre or m.startswith(autre + ".")
    ]
    assert fautifs == []


def _imports_relatifs(chemin: Path) -> set[str]:
    return {
        "." * noeud.level + (noeud.module or "")
        for noeud in ast.walk(ast.parse(chemin.read_text()))
        if isinstance(noeud, ast.ImportFrom) and noeud.level
    } | {
        f"{'.' * noeud.level}{alias.name}"
        for noeud in ast.walk(ast.parse(chemin.read_text()))
        if isinstance(noeud, ast.ImportFrom) and noeud.level and not noeud.module
        for alias in noeud.names
    }


def test_les_pages_du_site_ne_s_importent_pas_entre_elles():
    vues = PVD / "web" / "views"
    pages = {p.stem for p in vues.glob("*.py")} - {"__init__", "commun"}
    fautifs = []
    for chemin in vues.glob("*.py"):
        for module in _imports(chemin) | _imports_relatifs(chemin):
            nom = module.lstrip(".").removeprefix("pvd.web.views.")
            if nom in pages and nom != chemin.stem:
                fautifs.append(f"{chemin.name} importe {module}")
    assert fautifs == []


def test_un_test_n_importe_ni_bench_ni_un_autre_module_de_test():
    """Ce que des tests partagent vit dans un `conftest.py` (fixtures) ou dans le paquet, jamais dans un autre
    module de test ni dans `bench/`."""
    tests = Path(__file__).resolve().parent
    fautifs = []
    for chemin in tests.rglob("*.py"):
        for noeud in ast.walk(ast.parse(chemin.read_text())):
            if isinstance(noeud, ast.ImportFrom) and noeud.level:
                fautifs.append(
                    f"{chemin.relative_to(tests)} : import relatif « {'.' * noeud.level}{noeud.module or ''} »"
                )
            modules = (
                [alias.name for alias in noeud.names]
                if isinstance(noeud, ast.Import)
                else [noeud.module or ""]
                if isinstance(noeud, ast.ImportFrom)
                else []
            )
            fautifs += [
                f"{chemin.relative_to(tests)} importe {m}"
                for m in modules
                if m.split(".")[0] in {"tests", "bench"} or m.startswith(("test_", "conftest"))
            ]
        if "sys.path" in chemin.read_text() and chemin.name != "test_architecture.py":
            fautifs.append(f"{chemin.relative_to(tests)} modifie sys.path")
    assert fautifs == []


@pytest.mark.parametrize("application,minimum", [("programmes", 25), ("actions", 20)])
def test_le_paquet_des_services_expose_chaque_ecriture(application, minimum):
    """`programmes/services/` et `actions/services/` sont découpés par sujet, mais tout appelant écrit
    `from pvd.<application> import services` : chaque nom public d'un de leurs modules est aussi celui du paquet, et
    le même objet."""
    services = importlib.import_module(f"pvd.{application}.services")

    manquants = []
    for chemin in sorted((PVD / application / "services").glob("*.py")):
        if chemin.stem == "__init__":
            continue
        module = importlib.import_module(f"pvd.{application}.services.{chemin.stem}")
        definis = {
            cible.id
            for noeud in ast.parse(chemin.read_text()).body
            if isinstance(noeud, ast.Assign | ast.AnnAssign)
            for cible in (noeud.targets if isinstance(noeud, ast.Assign) else [noeud.target])
            if isinstance(cible, ast.Name)
        }
        for nom, valeur in vars(module).items():
            if nom.startswith("_") or getattr(valeur, "__module__", module.__name__) != module.__name__:
                continue
            if not callable(valeur) and nom not in definis:  # une constante importée d'ailleurs
                continue
            if (callable(valeur) or nom.isupper()) and getattr(services, nom, None) is not valeur:
                manquants.append(f"{chemin.stem}.{nom}")
    assert manquants == []
    assert len(services.__all__) > minimum
