// Charts: every <script type="application/json" data-chart="ID"> holds a plotly figure
// ({data, layout}) drawn into the element with that id. The numbers are also in the tables.
(function () {
  "use strict";

  var BASE_LAYOUT = {
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 12, color: "#1f2933" },
    margin: { l: 48, r: 16, t: 32, b: 40 },
  };

  function draw(source) {
    var target = document.getElementById(source.getAttribute("data-chart"));
    if (!target || typeof Plotly === "undefined") return;
    var figure = JSON.parse(source.textContent);
    var layout = Object.assign({}, BASE_LAYOUT, figure.layout || {});
    target.classList.add("chart-drawn");
    Plotly.newPlot(target, figure.data, layout, { displayModeBar: false, responsive: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(draw);
  });
})();
