// Qiao's little bit of hand-written JavaScript: charts from data attributes, and widgets that
// must be set up again after htmx swaps new content in.
(function () {
  "use strict";

  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]:not([data-chart-ready])").forEach(function (element) {
      var data = JSON.parse(element.dataset.chartData || "{}");
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      var kind = element.dataset.chart;
      var option = {
        color: ["#c0392b", "#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#17a2b8"],
        tooltip: { trigger: kind === "pie" ? "item" : "axis" },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      };
      if (kind === "pie") {
        option.series = [{ type: "pie", radius: ["45%", "70%"], name: element.dataset.seriesName,
          data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; }) }];
      } else {
        option.xAxis = { type: "value", minInterval: 1 };
        option.yAxis = { type: "category", data: data.labels.slice().reverse(), axisLabel: { width: 110, overflow: "truncate" } };
        option.series = [{ type: "bar", name: element.dataset.seriesName, data: data.values.slice().reverse(),
          barMaxWidth: 22, itemStyle: { borderRadius: [0, 4, 4, 0] }, label: { show: true, position: "right" } }];
      }
      chart.setOption(option);
      element.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // A select with data-enhance becomes a Tom Select; with data-create too, typing a new value
  // and pressing Enter adds it (new tags on the customer form).
  function enhanceSelects(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-enhance]:not(.tomselected)").forEach(function (element) {
      var options = { maxOptions: 500 };
      if (element.dataset.create) {
        options.create = true;
        options.persist = false;
        options.createOnBlur = true;
      }
      new window.TomSelect(element, options);
    });
  }

  // A select with data-lookup searches the API collection named there as the user types: an
  // organization has far too many customers (or employees) to list them all in the page; the
  // field shown is data-lookup-label.
  function enhanceLookups(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-lookup]:not(.tomselected)").forEach(function (element) {
      var url = element.dataset.lookup;
      var label = element.dataset.lookupLabel || "name";
      new window.TomSelect(element, {
        valueField: "id", labelField: label, searchField: [label], maxOptions: 20,
        load: function (query, callback) {
          if (!query) { callback(); return; }
          fetch(url + "?page_size=20&search=" + encodeURIComponent(query),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        },
      });
    });
  }

  // A link with data-toggle-edit shows or hides the inline form it names (comment editing).
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-edit]");
    if (!toggle) return;
    event.preventDefault();
    var form = document.getElementById(toggle.dataset.toggleEdit);
    if (form) form.classList.toggle("d-none");
  });

  // A form with data-confirm asks before it submits (removing for good, and the like).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  function setUp(root) {
    renderCharts(root);
    enhanceSelects(root);
    enhanceLookups(root);
  }

  // A part loaded after its page (data-failed holds what to say) replaces its spinner with that
  // message when the request fails or the server answers with an error; htmx swaps nothing then.
  function showFailure(event) {
    var element = event.detail.elt;
    if (!element || !element.dataset.failed) return;
    var message = document.createElement("div");
    message.className = "card-body text-danger";
    message.textContent = element.dataset.failed;
    element.replaceChildren(message);
  }
  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target); });
})();
