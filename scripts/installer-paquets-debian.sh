#!/bin/sh
# Installe les paquets Debian demandés qui manquent, si c'est possible sans rien demander (root ou sudo sans mot
# de passe). Sinon, un avis : les fonctions qui en dépendent le diront (tests de navigateur sautés, export PDF
# indisponible), sauf si PVD_REQUIRE_BROWSER=1 (la CI), qui rend les tests de navigateur obligatoires.
# Usage : scripts/installer-paquets-debian.sh chromium libpango-1.0-0 …
set -u
manquants=""
for paquet in "$@"; do
  dpkg-query -W -f='${Status}' "$paquet" 2>/dev/null | grep -q "install ok installed" || manquants="$manquants $paquet"
done
[ -z "$manquants" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Avis : paquets système absents ($manquants ) et apt-get indisponible."
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "Avis : paquets système absents ($manquants ) et droits d'installation indisponibles."
  echo "       Pour les installer : sudo apt-get install -y$manquants"
  exit 0
fi
echo "Installation des paquets Debian :$manquants"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $manquants >/dev/null 2>&1 \
  || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q $manquants >/dev/null 2>&1; } \
  || echo "Avis : l'installation de$manquants a échoué."
exit 0
