/* Houqin's page behaviour. The CSP allows no inline script, so every page hook lives here,
   driven by data- attributes:
   - <form data-confirm="Really cancel?">     asks before submitting;
   - <select data-tom-select>                 becomes a searchable select (when Tom Select is loaded);
   - <div class="chart" data-chart="ID">      an ECharts chart whose options are the JSON of
                                              {{ options|json_script:"ID" }} (when ECharts is loaded);
   - <a data-print>                           prints the page;
   - <input data-show-if="recurrence:term,monthly">  its form row shows only while the form's
                                              "recurrence" field has one of those values;
   - <fieldset data-signature-pad>            a finger-drawn signature: its <canvas> is copied as a
                                              PNG data URL into the form's hidden "…signature"
                                              input when the form is submitted. */
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

  function initSignaturePads(root) {
    root.querySelectorAll("[data-signature-pad]").forEach(function (pad) {
      if (pad.dataset.ready) return;
      pad.dataset.ready = "1";
      var canvas = pad.querySelector("canvas");
      var form = pad.closest("form");
      // The pad's own input (data-signature-input="name", or a hidden input inside the pad),
      // so that one form can hold two pads; else the form's one "…signature" input.
      var named = pad.dataset.signatureInput;
      var input = form && (
        (named && form.querySelector("input[name='" + named + "']")) ||
        pad.querySelector("input[type=hidden]") ||
        form.querySelector("input[type=hidden][name$='signature']"));
      if (!canvas || !input) return;
      var ctx = canvas.getContext("2d");
      var drawing = false, drawn = false;
      ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#1d273b";
      function point(event) {
        var box = canvas.getBoundingClientRect();
        return [(event.clientX - box.left) * canvas.width / box.width,
                (event.clientY - box.top) * canvas.height / box.height];
      }
      canvas.addEventListener("pointerdown", function (event) {
        drawing = true; drawn = true;
        canvas.setPointerCapture(event.pointerId);
        var p = point(event); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
        event.preventDefault();
      });
      canvas.addEventListener("pointermove", function (event) {
        if (!drawing) return;
        var p = point(event); ctx.lineTo(p[0], p[1]); ctx.stroke();
        event.preventDefault();
      });
      ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
        canvas.addEventListener(name, function () { drawing = false; });
      });
      var clear = pad.querySelector("[data-signature-clear]");
      if (clear) clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; input.value = "";
      });
      form.addEventListener("submit", function () {
        input.value = drawn ? canvas.toDataURL("image/png") : "";
      });
    });
  }

  function initShowIf(root) {
    root.querySelectorAll("[data-show-if]").forEach(function (el) {
      if (el.dataset.showIfReady) return;
      el.dataset.showIfReady = "1";
      var rule = el.dataset.showIf.split(":");
      var form = el.closest("form");
      var source = form && form.querySelector("[name='" + rule[0] + "']");
      var row = el.closest(".mb-3") || el;
      if (!source) return;
      var values = rule[1].split(",");
      function update() { row.hidden = values.indexOf(source.value) === -1; }
      source.addEventListener("change", update);
      update();
    });
  }

  function init(root) {
    initShowIf(root);
    initTomSelect(root);
    initCharts(root);
    initSignaturePads(root);
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
