// newsroom: small enhancements. Every page works without this file.
(function () {
  "use strict";
  var script = document.currentScript;
  var labels = {
    copy: (script && script.getAttribute("data-copy")) || "Copy",
    copied: (script && script.getAttribute("data-copied")) || "Copied",
  };

  // A YouTube placeholder is a plain link; on click it becomes a youtube-nocookie.com
  // player, so YouTube hears nothing of the page before the reader asks for the video.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-youtube]") : null;
    if (!link) return;
    var id = link.getAttribute("data-youtube");
    if (!/^[A-Za-z0-9_-]{6,20}$/.test(id)) return;
    event.preventDefault();
    var start = parseInt(link.getAttribute("data-start") || "0", 10);
    var player = document.createElement("iframe");
    player.className = "youtube-player";
    player.src = "https://www.youtube-nocookie.com/embed/" + id + "?autoplay=1" + (start > 0 ? "&start=" + start : "");
    player.title = link.querySelector(".youtube-title").textContent;
    player.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    player.setAttribute("allowfullscreen", "");
    player.referrerPolicy = "strict-origin-when-cross-origin";
    link.replaceWith(player);
    player.focus();
  });

  // A copy button on each code block, only where the clipboard can be written.
  if (!navigator.clipboard) return;
  document.querySelectorAll("figure.code").forEach(function (figure) {
    var code = figure.querySelector("code");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = labels.copy;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.innerText).then(function () {
        button.textContent = labels.copied;
        setTimeout(function () { button.textContent = labels.copy; }, 1500);
      });
    });
    figure.appendChild(button);
  });
})();
