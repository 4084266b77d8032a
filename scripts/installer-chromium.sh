#!/bin/sh
# Installe le Chromium de Debian pour les tests de navigateur, si c'est possible sans rien demander.
# Sinon, les tests de navigateur seront sautés (avec un avis), sauf si PVD_REQUIRE_BROWSER=1.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Avis : Chromium absent et apt-get indisponible : les tests de navigateur seront sautés."
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "Avis : Chromium absent et droits d'installation indisponibles : les tests de navigateur seront sautés."
  echo "       Pour les lancer : sudo apt-get install -y chromium"
  exit 0
fi
echo "Installation de Chromium (Debian) pour les tests de navigateur…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
  || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q chromium >/dev/null 2>&1; } \
  || echo "Avis : l'installation de Chromium a échoué : les tests de navigateur seront sautés."
exit 0
