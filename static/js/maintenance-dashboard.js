/* The repairs dashboard's charts (templates/maintenance/dashboard.html).
   Data: {{ charts|json_script:"dashboard-data" }} — plain names and numbers, see
   houqin.maintenance.reports.chart_data. Each <div data-dashboard-chart="weekly|categories|
   buildings|cost"> becomes an ECharts chart that follows its box's size (phones, rotation,
   the menu opening). The tables under the charts carry the same figures for print and
   screen readers. Tooltips are drawn on the canvas (richText): the CSP allows no inline styles. */
(function () {
  "use strict";

  var PALETTE = ["#206bc4", "#a8c4e6", "#f59f00", "#2fb344", "#d63939", "#ae3ec9"];

  function readData() {
    var source = document.getElementById("dashboard-data");
    if (!source) return null;
    try {
      return JSON.parse(source.textContent);
    } catch (e) {
      return null;
    }
  }

  function narrow(el) {
    return el.clientWidth < 480;
  }

  function base(el) {
    return {
      color: PALETTE,
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      // A plain legend wraps onto a second line on a phone instead of hiding names.
      legend: { top: 0, type: "plain" },
      grid: { left: 8, right: 16, top: narrow(el) ? 60 : 36, bottom: 8 }
    };
  }

  // Horizontal bars: long building and category names stay readable on a phone.
  function bars(el, block, labels) {
    var names = block.names.slice().reverse();
    var series = [{ name: labels.current, type: "bar", data: block.current.slice().reverse() }];
    if (block.previous) {
      series.push({ name: labels.previous, type: "bar", data: block.previous.slice().reverse() });
    }
    var option = base(el);
    option.xAxis = { type: "value", minInterval: 1 };
    option.yAxis = {
      type: "category",
      data: names,
      axisLabel: { width: narrow(el) ? 90 : 160, overflow: "truncate" }
    };
    option.series = series;
    return option;
  }

  function cost(el, block, labels) {
    var option = base(el);
    option.xAxis = {
      type: "value",
      splitNumber: narrow(el) ? 2 : 5,
      axisLabel: { formatter: "¥{value}", hideOverlap: true }
    };
    option.yAxis = {
      type: "category",
      data: block.names.slice().reverse(),
      axisLabel: { width: narrow(el) ? 90 : 160, overflow: "truncate" }
    };
    option.series = [
      { name: labels.parts, type: "bar", stack: "cost", data: block.parts.slice().reverse() },
      { name: labels.outside, type: "bar", stack: "cost", data: block.outside.slice().reverse() }
    ];
    option.color = ["#206bc4", "#f59f00"];
    return option;
  }

  function weekly(el, block, labels) {
    var option = base(el);
    option.tooltip = { trigger: "axis", renderMode: "richText" };
    option.xAxis = {
      type: "category",
      name: narrow(el) ? "" : labels.week,
      nameLocation: "middle",
      nameGap: 28,
      data: block.labels.map(function (d) { return d.slice(5); })
    };
    option.grid.bottom = narrow(el) ? 8 : 32;
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = [{ name: labels.current, type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: block.current }];
    if (block.previous) {
      option.series.push({
        name: labels.previous, type: "line", smooth: true, lineStyle: { type: "dashed" },
        data: block.previous
      });
    }
    return option;
  }

  var BUILDERS = {
    weekly: function (el, data) { return weekly(el, data.weekly, data.labels); },
    categories: function (el, data) { return bars(el, data.categories, data.labels); },
    buildings: function (el, data) { return bars(el, data.buildings, data.labels); },
    cost: function (el, data) { return cost(el, data.cost, data.labels); }
  };

  // Bar charts grow with their number of rows so every name keeps a readable line.
  function sizeFor(el, data) {
    var kind = el.getAttribute("data-dashboard-chart");
    var block = kind === "cost" ? data.cost : data[kind];
    if (!block || !block.names) return;
    var rows = block.names.length;
    var perRow = kind === "cost" || !block.previous ? 26 : 36;
    // CSSOM, not a style attribute: allowed by the CSP.
    el.style.height = Math.max(180, 60 + rows * perRow) + "px";
  }

  function init() {
    if (typeof window.echarts === "undefined") return;
    var data = readData();
    if (!data) return;
    document.querySelectorAll("[data-dashboard-chart]").forEach(function (el) {
      var build = BUILDERS[el.getAttribute("data-dashboard-chart")];
      if (!build || el.dataset.chartReady) return;
      sizeFor(el, data);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var wasNarrow = narrow(el);
      chart.setOption(build(el, data));
      el.dataset.chartReady = "1";
      var resize = function () {
        chart.resize();
        // Crossing the phone width changes label widths: rebuild the options once.
        if (narrow(el) !== wasNarrow) {
          wasNarrow = narrow(el);
          chart.setOption(build(el, data), true);
        }
      };
      if (typeof window.ResizeObserver !== "undefined") {
        new window.ResizeObserver(resize).observe(el);
      } else {
        window.addEventListener("resize", resize);
      }
    });
  }

  // Printing shows the tables (the charts are screen-only): open the folded ones meanwhile.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
