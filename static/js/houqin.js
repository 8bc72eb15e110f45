/* Houqin's page behaviour. The CSP allows no inline script, so every page hook lives here,
   driven by data- attributes:
   - <form data-confirm="Really cancel?">     asks before submitting;
   - <select data-tom-select>                 becomes a searchable select (when Tom Select is loaded);
   - <div class="chart" data-chart="ID">      an ECharts chart whose options are the JSON of
                                              {{ options|json_script:"ID" }} (when ECharts is loaded);
   - <a data-print>                           prints the page. */
(function () {
  "use strict";

  function initTomSelect(root) {
    if (typeof window.TomSelect === "undefined") return;
    root.querySelectorAll("select[data-tom-select]").forEach(function (el) {
      if (el.tomselect) return;
      // eslint-disable-next-line no-new
      new window.TomSelect(el, { maxOptions: 200, allowEmptyOption: true });
    });
  }

  function initCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(source.textContent));
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function init(root) {
    initTomSelect(root);
    initCharts(root);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-print]");
    if (trigger) {
      event.preventDefault();
      window.print();
    }
  });

  // htmx does not swap error responses; tell the person instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var message = box.getAttribute("data-message-" + status) || box.getAttribute("data-message");
    box.querySelector("[data-text]").textContent = message;
    box.classList.remove("d-none");
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    box.querySelector("[data-text]").textContent = box.getAttribute("data-message-offline");
    box.classList.remove("d-none");
  });

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
