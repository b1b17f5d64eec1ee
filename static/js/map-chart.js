// The map page's choropleth (ECharts, aria on): the towns' stored boundaries registered as a
// map, coloured by the indicator. The same numbers are in the table beside it, which is also
// the keyboard's and the screen reader's way through them, so the page says everything
// without this script.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var box = document.getElementById("town-map");
    var source = document.getElementById("town-map-data");
    if (!box || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.geojson) { return; }
    window.echarts.registerMap("jiuye-towns", data.geojson);
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var high = data.max > data.min ? data.max : data.min + 1;
    chart.setOption({
      // The page's own summary stays on the container (ECharts would write its own over it).
      aria: { enabled: true, label: { description: box.getAttribute("aria-label") }, decal: { show: true } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var v = p.value;
          return p.name + "：" + (v === undefined || v === null || isNaN(v) ? "—" : v + data.unit);
        }
      },
      visualMap: {
        type: "continuous", min: data.min, max: high, left: 0, bottom: 0, itemHeight: 100,
        text: [String(data.max) + data.unit, String(data.min) + data.unit],
        textStyle: { color: "#1b1b1b" },
        inRange: { color: ["#e6f0fa", "#6aa3d6", "#0b3d6b"] }
      },
      series: [{
        type: "map", map: "jiuye-towns", roam: false, data: data.data,
        layoutCenter: ["50%", "50%"], layoutSize: "95%",
        itemStyle: { borderColor: "#1b1b1b", borderWidth: 1, areaColor: "#f2f2f2" },
        label: { show: true, color: "#1b1b1b", fontSize: 11, textBorderColor: "#ffffff", textBorderWidth: 3 },
        emphasis: { label: { show: true }, itemStyle: { borderWidth: 2 } }
      }]
    });
    // The box, not the window: the box also narrows when the layout drops to one column.
    var follow = function () { chart.resize(); };
    if (window.ResizeObserver) { new window.ResizeObserver(follow).observe(box); } else { window.addEventListener("resize", follow); }
  });
})();
