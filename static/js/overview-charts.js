// The overview's charts (ECharts, aria on, decal patterns so series differ without colour).
// Each chart's numbers come from its json_script block; the same numbers are in the table
// beside it, so the page says everything without this script.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  var PALETTE = ["#0b4f8a", "#1d6b2f", "#8a4b00", "#6a1b6e", "#3d3d3d", "#005f6b", "#8a1c1c"];
  // Shapes and line styles tell the series apart where colours cannot (forced colours, print,
  // colour blindness): a line's marker and dash, a bar's fill pattern.
  var SYMBOLS = ["circle", "rect", "triangle", "diamond", "roundRect", "pin", "arrow"];
  var DASHES = ["solid", "dashed", "dotted", [10, 4, 2, 4], [2, 6], [14, 4], [6, 2]];
  var PATTERNS = [
    { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [0, 0], rotation: 0 },
    { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: 0.785 },
    { symbol: "circle", dashArrayX: [[2, 4]], dashArrayY: [2, 4], rotation: 0 },
    { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: -0.785 },
    { symbol: "triangle", dashArrayX: [[4, 4]], dashArrayY: [4, 4], rotation: 0 },
    { symbol: "rect", dashArrayX: [[1, 4]], dashArrayY: [1, 0], rotation: 0 },
    { symbol: "diamond", dashArrayX: [[4, 3]], dashArrayY: [4, 3], rotation: 0 }
  ];

  function colours() {
    // In forced-colors (high contrast) mode the system's text colour draws everything and the
    // decal patterns tell the series apart.
    var forced = window.matchMedia && window.matchMedia("(forced-colors: active)").matches;
    var ink = window.getComputedStyle(document.body).color || "#1b1b1b";
    var paper = window.getComputedStyle(document.documentElement).backgroundColor;
    if (!paper || paper === "transparent" || paper === "rgba(0, 0, 0, 0)") { paper = "#ffffff"; }
    return { forced: forced, ink: ink, paper: paper, series: forced ? [ink] : PALETTE };
  }

  function option(data, box) {
    var c = colours();
    var narrow = box.clientWidth < 420;
    var horizontal = data.kind !== "line";
    var categoryAxis = {
      type: "category", data: data.names, inverse: horizontal,
      axisLabel: { color: c.ink, width: narrow ? 90 : 160, overflow: "break" },
      axisLine: { lineStyle: { color: c.ink } }
    };
    var valueAxis = {
      type: "value", minInterval: 1,
      axisLabel: { color: c.ink }, splitLine: { lineStyle: { color: c.forced ? c.ink : "#d0d4d8" } }
    };
    var series = data.series.map(function (s, i) {
      var item = { name: s.name, data: s.data };
      if (data.kind === "line") {
        item.type = "line"; item.symbolSize = 9;
        item.symbol = SYMBOLS[i % SYMBOLS.length];
        item.lineStyle = { type: DASHES[i % DASHES.length], width: 2 };
      } else {
        item.type = "bar"; item.barMaxWidth = 18;
        if (data.kind === "stacked") { item.stack = "all"; }
        if (c.forced) {
          // One ink on the page's background: each series its own pattern, outlined.
          var pattern = PATTERNS[i % PATTERNS.length];
          item.itemStyle = {
            color: c.paper, borderColor: c.ink, borderWidth: 1,
            decal: {
              symbol: pattern.symbol, symbolSize: 1, color: c.ink, backgroundColor: c.paper,
              dashArrayX: pattern.dashArrayX, dashArrayY: pattern.dashArrayY, rotation: pattern.rotation
            }
          };
        }
      }
      return item;
    });
    return {
      // The chart's title and summary, written by the page, stay its description: ECharts'
      // generated one reads each point's position as a second value and a gap as "NaN".
      aria: { enabled: true, label: { description: box.getAttribute("aria-label") }, decal: { show: !c.forced } },
      color: c.series,
      textStyle: { color: c.ink },
      legend: { type: "scroll", top: 0, left: 0, textStyle: { color: c.ink }, pageTextStyle: { color: c.ink } },
      tooltip: { trigger: "axis", axisPointer: { type: horizontal ? "shadow" : "line" } },
      grid: { left: 8, right: 24, top: series.length > 1 ? 40 : 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  ready(function () {
    if (!window.echarts) { return; }
    var charts = [];
    Array.prototype.forEach.call(document.querySelectorAll(".chart[data-source]"), function (box) {
      var source = document.getElementById(box.getAttribute("data-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      data.key = box.id.replace(/^chart-/, "");
      if (data.kind !== "line") {
        box.style.height = Math.max(240, 48 + data.names.length * 34) + "px";
      }
      var chart = window.echarts.init(box, null, { renderer: "canvas" });
      chart.setOption(option(data, box));
      charts.push([chart, data, box]);
    });
    var redraw = function () {
      charts.forEach(function (item) { item[0].setOption(option(item[1], item[2]), true); item[0].resize(); });
    };
    window.addEventListener("resize", redraw);
    if (window.matchMedia) {
      var query = window.matchMedia("(forced-colors: active)");
      if (query.addEventListener) { query.addEventListener("change", redraw); }
    }
  });
})();
