// Carte d'un département : ses communes en fond (points gris, tirés du COG et de GeoNames), les lauréates en couleur
// selon leur avancement, chacune menant à sa page et nommée sur la carte. Le contour est approché : l'enveloppe des
// communes du département (aucun tracé administratif n'est installé). Aucun fond de carte en ligne : tout
// fonctionne hors connexion.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte-departement");
  var source = document.getElementById("donnees-carte");
  if (!conteneur || !source || typeof L === "undefined") {
    return;
  }
  var donnees = JSON.parse(source.textContent);
  var couleurs = { ort: "#18753c", adhesion: "#0063cb", laureate: "#b34000" };
  var carte = L.map(conteneur, { zoomSnap: 0.25, attributionControl: true, zoomControl: false });
  L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(carte);
  carte.attributionControl.setPrefix("");
  carte.attributionControl.addAttribution("Communes : COG INSEE, coordonnées GeoNames (CC BY 4.0)");
  var limites = [];

  // Enveloppe convexe (chaîne monotone d'Andrew) des communes : le contour approché du département.
  function enveloppe(points) {
    var tries = points.slice().sort(function (a, b) { return a[1] - b[1] || a[0] - b[0]; });
    function tour(o, a, b) { return (a[1] - o[1]) * (b[0] - o[0]) - (a[0] - o[0]) * (b[1] - o[1]); }
    var bas = [], haut = [];
    tries.forEach(function (p) {
      while (bas.length >= 2 && tour(bas[bas.length - 2], bas[bas.length - 1], p) <= 0) { bas.pop(); }
      bas.push(p);
    });
    tries.slice().reverse().forEach(function (p) {
      while (haut.length >= 2 && tour(haut[haut.length - 2], haut[haut.length - 1], p) <= 0) { haut.pop(); }
      haut.push(p);
    });
    return bas.slice(0, -1).concat(haut.slice(0, -1));
  }
  if (donnees.fond.length >= 3) {
    L.polygon(enveloppe(donnees.fond), {
      color: "#000091", weight: 2, dashArray: "6 4", fill: true, fillColor: "#e3e3fd", fillOpacity: 0.35,
      interactive: false, className: "pvd-contour",
    }).addTo(carte);
  }
  donnees.fond.forEach(function (p) {
    L.circleMarker([p[0], p[1]], { radius: 2, stroke: false, fillColor: "#929292", fillOpacity: 0.6, interactive: false })
      .addTo(carte);
    limites.push([p[0], p[1]]);
  });
  donnees.points.forEach(function (p) {
    var marqueur = L.circleMarker([p.lat, p.lon], {
      radius: 8, color: "#ffffff", weight: 2, fillColor: couleurs[p.avancement], fillOpacity: 0.95,
      className: "pvd-point pvd-point--" + p.avancement,
    }).addTo(carte);
    marqueur.bindTooltip(p.nom, { permanent: true, direction: "right", offset: [8, 0], className: "pvd-etiquette" });
    marqueur.on("click", function () { window.location.href = p.url; });
    limites.push([p.lat, p.lon]);
  });
  if (limites.length) {
    carte.fitBounds(limites, { padding: [20, 20] });
  } else {
    carte.setView([46.6, 2.4], 5);
  }
  conteneur.dataset.points = String(donnees.points.length);
})();
