// The meeting page: an evidence link highlights its transcript line and moves the recording
// to that moment. Without JavaScript the link still jumps to the line (CSS :target).
"use strict";

(() => {
  const player = document.getElementById("player");

  function show(id, start) {
    const line = document.getElementById("u" + id);
    if (!line) return false;
    document.querySelectorAll(".utt.highlight").forEach((el) => {
      el.classList.remove("highlight");
      el.removeAttribute("aria-current");
    });
    line.classList.add("highlight");
    line.setAttribute("aria-current", "true");
    line.scrollIntoView({ block: "center", behavior: "smooth" });
    if (player && start !== null && !Number.isNaN(start)) {
      player.currentTime = start;
    }
    return true;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.ev[data-utterance]");
    if (!link || link.pathname !== window.location.pathname) return;
    const start = link.dataset.start !== undefined ? parseFloat(link.dataset.start) : null;
    if (show(link.dataset.utterance, start)) {
      event.preventDefault();
      history.replaceState(null, "", "#u" + link.dataset.utterance);
    }
  });

  // Opened from elsewhere (home, coaching, search) with #u12: the same highlight and seek.
  const match = /^#u(\d+)$/.exec(window.location.hash);
  if (match) {
    const line = document.getElementById("u" + match[1]);
    const start = line && line.dataset.start !== undefined ? parseFloat(line.dataset.start) : null;
    if (player && start !== null) {
      player.addEventListener("loadedmetadata", () => { player.currentTime = start; }, { once: true });
    }
    show(match[1], start);
  }
})();
