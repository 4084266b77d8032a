// Graphiques en barres (composant `bar-chart` du DSFR Chart) : le composant se dessine dans une racine fantôme (shadow
// DOM), où les feuilles de style de la page ne s'appliquent pas ; son panneau (grille, textes, légende) s'affichait
// donc sans mise en forme. On y relie les feuilles de la page (DSFR, DSFR Chart…), déjà en cache.
(function () {
  "use strict";
  if (!window.customElements) {
    return;
  }
  customElements.whenDefined("bar-chart").then(function () {
    var feuilles = document.querySelectorAll("head link[rel=stylesheet]");
    document.querySelectorAll("bar-chart").forEach(function (graphique) {
      var racine = graphique.shadowRoot;
      if (!racine || racine.querySelector("link[rel=stylesheet]")) {
        return;
      }
      var liens = document.createDocumentFragment();
      feuilles.forEach(function (feuille) {
        liens.appendChild(feuille.cloneNode(false));
      });
      racine.insertBefore(liens, racine.firstChild);
    });
  });
})();
