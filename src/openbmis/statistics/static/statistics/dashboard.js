/* Dashboard charts: read the figures the server embedded (JSON), draw them with the vendored ECharts.
   No inline script (strict CSP); a click on a chart opens its table at the row clicked. */
(function () {
  "use strict";
  var COLORS = { entries: "#1f6feb", exits: "#d97706", refusals: "#b3261e", net: "#1e7b34", count: "#0b4f8a" };

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function option(panel, labels) {
    var series = panel.measures.map(function (m, i) {
      return { name: panel.measure_labels[i], type: panel.chart, data: panel.series[m], smooth: false,
               itemStyle: { color: COLORS[m] }, lineStyle: { color: COLORS[m] }, showSymbol: false,
               connectNulls: false };
    });
    if (panel.chart === "line" && panel.series.entries && panel.series.exits) {
      var net = panel.series.entries.map(function (v, i) {
        var out = panel.series.exits[i];
        return v === null || out === null ? null : v - out;
      });
      series.push({ name: labels.net, type: "line", data: net, showSymbol: false, itemStyle: { color: COLORS.net },
                    lineStyle: { color: COLORS.net, type: "dashed" } });
    }
    var horizontal = panel.chart === "bar";
    // Right to left (Arabic): time runs from right to left, bars grow to the left and the labels stand on
    // the right, as the page around the chart is mirrored.
    var rtl = document.documentElement.dir === "rtl";
    // (a bar chart's categories run top to bottom whatever the direction: inverse is their reading order)
    var categories = { type: "category", data: panel.labels, inverse: horizontal ? true : rtl,
                       axisLabel: { width: 150, overflow: "truncate" } };
    var values = { type: "value", inverse: horizontal && rtl };
    if (horizontal && rtl) { categories.position = "right"; }
    if (!horizontal && rtl) { values.position = "right"; }
    var labelSide = horizontal ? 160 : 50;
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0, left: rtl ? "right" : "left" },
      grid: { left: rtl ? 20 : labelSide, right: rtl ? labelSide : 20, top: 30, bottom: 30 },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: series
    };
  }

  function draw() {
    var data = readJSON("statistics-data");
    var labels = readJSON("statistics-labels") || {};
    if (!data || typeof echarts === "undefined") { return; }
    document.querySelectorAll(".chart[data-panel]").forEach(function (node) {
      var panel = data[node.dataset.panel];
      if (!panel) { return; }
      var points = 0;
      panel.measures.forEach(function (m) {
        panel.series[m].forEach(function (v) { if (v !== null && v !== 0) { points += 1; } });
      });
      node.dataset.points = String(points);
      if (!panel.labels.length || (points === 0 && panel.suppressed > 0)) {
        // Say why there is nothing to draw, rather than an empty chart that looks like real zeros.
        node.classList.add("empty");
        node.textContent = panel.labels.length ? labels.hidden : labels.empty;
        node.dataset.drawn = panel.labels.length ? "hidden" : "empty";
        return;
      }
      var chart = echarts.init(node, null, { renderer: "canvas" });
      chart.setOption(option(panel, labels));
      chart.on("click", function (params) {
        window.location.href = panel.table_url + "#row-" + params.dataIndex;
      });
      node.dataset.drawn = "yes";
      window.addEventListener("resize", function () { chart.resize(); });
    });
    document.body.dataset.chartsReady = "yes";
  }

  // The filters apply on the Apply button only: submitting on every change reloaded the page at each arrow
  // key in a select, which WCAG 2.1 success criterion 3.2.2 (On Input) forbids.
  document.addEventListener("DOMContentLoaded", function () { draw(); });
})();
