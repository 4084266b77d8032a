// Page de suivi d'un travail long : lit son état en JSON chaque seconde et met à jour la barre, les compteurs et la
// zone d'état (annoncée par les lecteurs d'écran quand l'état ou l'étape change) ; une fois fini, montre le
// résultat rendu par le serveur, sans recharger la page.
(function () {
  "use strict";
  var suivi = document.getElementById("suivi-travail");
  if (!suivi || suivi.dataset.fini === "oui") {
    return;
  }
  var barre = document.getElementById("barre-travail");
  var compteurs = document.getElementById("compteurs-travail");
  var etat = document.getElementById("etat-travail");
  var resultat = document.getElementById("resultat-travail");
  var dernierEtat = etat.textContent.replace(/, \d+ %\.$/, "");

  function appliquer(donnees) {
    barre.value = donnees.pourcentage;
    barre.textContent = donnees.pourcentage + " %";
    compteurs.textContent = donnees.compteurs;
    var sansPourcentage = donnees.texte_etat.replace(/, \d+ %\.$/, "");
    // La zone d'état ne change (et n'est annoncée) qu'à chaque nouvelle étape, pas à chaque pour cent.
    if (sansPourcentage !== dernierEtat || donnees.fini) {
      etat.textContent = donnees.texte_etat;
      dernierEtat = sansPourcentage;
    }
    if (donnees.fini) {
      resultat.innerHTML = donnees.resultat; // rendu et échappé par le gabarit du serveur
      suivi.dataset.fini = "oui";
    }
  }

  function lire() {
    fetch(suivi.dataset.adresse, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reponse) {
        if (!reponse.ok) {
          throw new Error(String(reponse.status));
        }
        return reponse.json();
      })
      .then(function (donnees) {
        appliquer(donnees);
        if (!donnees.fini) {
          window.setTimeout(lire, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(lire, 5000);
      });
  }
  window.setTimeout(lire, 1000);
})();
