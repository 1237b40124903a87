// The YASGUI page: served locally, no CDN; tabs pre-filled with the shipped queries.
(function () {
  "use strict";
  var endpoint = new URL("/sparql", window.location.href).toString();
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["variables"] },
  });
  window.sseYasgui = yasgui;
  fetch("/queries.json").then(function (r) { return r.json(); }).then(function (tabs) {
    var first = null;
    tabs.forEach(function (t, i) {
      var tab = yasgui.addTab(i === 0, { name: t.name, yasqe: { value: t.query }, requestConfig: { endpoint: endpoint } });
      if (i === 0) { first = tab; }
    });
    // close the empty default tab
    Object.keys(yasgui._tabs || {}).forEach(function (id) {
      var tab = yasgui.getTab(id);
      if (tab && first && tab !== first && !tabs.some(function (t) { return t.name === tab.getName(); })) { tab.close(); }
    });
    document.body.setAttribute("data-tabs-ready", String(tabs.length));
  });
})();
