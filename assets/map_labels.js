// MapLibre (inside Plotly's map traces) names its canvas and its attribution button in English, beyond the reach
// of Plotly's locale. The shell carries those two labels in the session's language (pages/i18n.py) as data
// attributes; this applies them to every map as it appears.
(function () {
  function label() {
    const shell = document.querySelector('[data-map-label]');
    if (!shell) return;
    const names = {'canvas.maplibregl-canvas': shell.dataset.mapLabel,
                   '.maplibregl-ctrl-attrib-button': shell.dataset.attributionLabel};
    for (const [selector, text] of Object.entries(names)) {
      document.querySelectorAll(selector).forEach(function (el) {
        for (const attr of ['aria-label', 'title']) {
          if (el.hasAttribute(attr) && el.getAttribute(attr) !== text) el.setAttribute(attr, text);
        }
      });
    }
  }
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
})();
