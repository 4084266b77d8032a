// Carte d'un département : ses communes en fond (points gris, tirés du COG et de GeoNames), les lauréates en couleur
// selon leur avancement, chacune menant à sa page. Aucun fond de carte en ligne : tout fonctionne hors connexion.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte-departement");
  var source = document.getElementById("donnees-carte");
  if (!conteneur || !source || typeof L === "undefined") {
    return;
  }
  var donnees = JSON.parse(source.textContent);
  var couleurs = { ort: "#18753c", adhesion: "#0063cb", laureate: "#b34000" };
  var carte = L.map(conteneur, { zoomSnap: 0.25, attributionControl: true });
  carte.attributionControl.setPrefix("");
  carte.attributionControl.addAttribution("Communes : COG INSEE, coordonnées GeoNames (CC BY 4.0)");
  var limites = [];
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
    marqueur.bindTooltip(p.nom);
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
