/* Capacity charts: section scores of one or more assessments, from the JSON the page embeds, drawn with the
   ECharts vendored by the statistics app. No inline script (strict CSP). */
(function () {
  "use strict";
  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw() {
    var node = document.getElementById("capacity-chart");
    var data = readJSON("capacity-chart-data");
    var labels = readJSON("capacity-chart-labels") || {};
    if (!node || !data) { return; }
    if (!data.series.length || typeof echarts === "undefined") {
      node.classList.add("empty");
      node.textContent = labels.empty || "";
      node.dataset.drawn = "empty";
      return;
    }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 200, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: data.categories, inverse: true, axisLabel: { width: 190, overflow: "truncate" } },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
    node.dataset.drawn = "chart";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
