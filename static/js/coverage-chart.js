// The coverage dashboard's bar chart (ECharts, aria on). The same figures are in the table
// below it, so the page says everything without this script.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var box = document.getElementById("coverage-chart");
    var source = document.getElementById("coverage-chart-data");
    if (!box || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var rows = data.names.length;
    // Horizontal bars: long Chinese place names stay readable on a 360 px phone.
    box.style.height = Math.max(240, 60 + rows * 3 * 14) + "px";
    var colours = ["#0b4f8a", "#1d6b2f", "#8a4b00"];
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      // The page's own description stays on the container: ECharts' generated one reads the
      // bars' positions as values and an empty rate as "NaN".
      aria: { enabled: true, label: { description: box.getAttribute("aria-label") }, decal: { show: true } },
      title: { text: data.title, left: 0, textStyle: { fontSize: 14, color: "#1b1b1b" } },
      color: colours,
      legend: { top: 24, left: 0, textStyle: { color: "#1b1b1b" } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      grid: { left: 8, right: 24, top: 64, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: "#1b1b1b" } },
      yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { color: "#1b1b1b" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 14 };
      })
    });
    var follow = function () { chart.resize(); };
    if (window.ResizeObserver) { new window.ResizeObserver(follow).observe(box); } else { window.addEventListener("resize", follow); }
  });
})();
