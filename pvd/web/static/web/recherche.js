// Recherche de l'accueil au clavier : Flèche bas passe du champ aux suggestions, les flèches parcourent la liste,
// Flèche haut depuis la première (ou Échap) revient au champ. Tab reste possible.
(function () {
  "use strict";
  var champ = document.getElementById("champ-recherche");
  var suggestions = document.getElementById("suggestions");
  if (!champ || !suggestions) {
    return;
  }
  function liens() {
    return Array.prototype.slice.call(suggestions.querySelectorAll("a"));
  }
  champ.addEventListener("keydown", function (evenement) {
    if (evenement.key === "ArrowDown" && liens().length) {
      evenement.preventDefault();
      liens()[0].focus();
    }
  });
  suggestions.addEventListener("keydown", function (evenement) {
    var tous = liens();
    var rang = tous.indexOf(document.activeElement);
    if (rang < 0) {
      return;
    }
    if (evenement.key === "ArrowDown" && rang < tous.length - 1) {
      evenement.preventDefault();
      tous[rang + 1].focus();
    } else if (evenement.key === "ArrowUp") {
      evenement.preventDefault();
      (rang > 0 ? tous[rang - 1] : champ).focus();
    } else if (evenement.key === "Escape") {
      evenement.preventDefault();
      champ.focus();
    }
  });
})();
