// Opportunities: the kanban's drag and drop (SortableJS) and the report charts (ECharts), both set
// up from data attributes; no inline script (CSP script-src 'self').
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function firstMessage(body) {
    if (!body || typeof body !== "object") return "";
    if (body.detail) return String(body.detail);
    for (var key in body) {
      var value = body[key];
      if (Array.isArray(value) && value.length) return String(value[0]);
      if (typeof value === "string") return value;
    }
    return "";
  }

  function showAlert(board, text) {
    var alert = document.querySelector("[data-kanban-alert]");
    if (!alert) return;
    alert.textContent = text || board.dataset.errorMessage;
    alert.classList.remove("d-none");
  }

  // A column's header: how many cards and how much money it holds in the card's currency, kept in
  // step with a move (a currency the column did not show yet appears when the board is reloaded).
  function adjustColumn(list, delta, amount, currency) {
    var column = list.closest("[data-stage-column]");
    if (!column) return;
    var badge = column.querySelector("[data-count]");
    if (badge) {
      var current = parseInt(badge.textContent.replace(/[^0-9]/g, ""), 10) || 0;
      badge.textContent = String(Math.max(current + delta, 0));
    }
    var money = column.querySelector('[data-amount][data-currency="' + currency + '"]');
    if (money) {
      var total = Math.max((parseFloat(money.dataset.amount) || 0) + delta * amount, 0);
      var symbol = money.textContent.replace(/[0-9,.\s]+$/, "");
      money.dataset.amount = total.toFixed(2);
      money.textContent = symbol + Math.round(total).toLocaleString("en-US");
    }
  }

  // A card dropped on another column asks the API to move the opportunity, sending the version
  // the board showed. Refused (someone moved it first: 409, or no right to): the card goes back
  // where it was and the board says why.
  function moveCard(board, event) {
    var card = event.item;
    if (event.from === event.to) return;
    var back = function () {
      event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
    };
    card.classList.add("qiao-moving");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ stage: Number(event.to.dataset.stageId), version: Number(card.dataset.version) }),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; },
          function () { return { ok: false, body: {} }; });
      })
      .then(function (result) {
        card.classList.remove("qiao-moving");
        if (!result.ok) {
          back();
          showAlert(board, firstMessage(result.body));
          return;
        }
        card.dataset.version = String(result.body.version);
        var amount = parseFloat(card.dataset.amount) || 0;
        adjustColumn(event.from, -1, amount, card.dataset.currency);
        adjustColumn(event.to, 1, amount, card.dataset.currency);
        var days = card.querySelector(".qiao-days");
        if (days) days.classList.remove("bg-red", "text-red-fg");
        card.classList.remove("qiao-overdue");
        card.dataset.moved = "1";
      })
      .catch(function () {
        card.classList.remove("qiao-moving");
        back();
        showAlert(board, "");
      });
  }

  function setUpKanban(root) {
    if (!window.Sortable) return;
    root.querySelectorAll("[data-kanban]").forEach(function (board) {
      board.querySelectorAll("[data-kanban-list]:not([data-sortable-ready])").forEach(function (list) {
        window.Sortable.create(list, {
          group: "opportunities",
          animation: 150,
          draggable: ".qiao-kanban-card",
          filter: ".qiao-locked",
          preventOnFilter: false,
          ghostClass: "qiao-card-ghost",
          forceFallback: true,  // mouse and touch events: the same on every browser, and testable
          onEnd: function (event) { moveCard(board, event); },
        });
        list.dataset.sortableReady = "1";
      });
    });
  }

  var PALETTE = ["#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#17a2b8", "#d63939", "#4263eb", "#74b816", "#868e96"];

  function funnelOption(data) {
    return {
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", left: "5%", width: "90%", minSize: "8%", gap: 2,
        label: { show: true, position: "inside", formatter: "{b}\n{c}" },
        data: data.labels.map(function (label, index) { return { name: label, value: data.values[index] }; }),
      }],
    };
  }

  function forecastOption(data) {
    var series = data.series.map(function (item) {
      return { type: "bar", stack: "weighted", name: item.name, data: item.values, barMaxWidth: 36 };
    });
    series.push({ type: "line", name: data.won.name, data: data.won.values, symbolSize: 8,
      itemStyle: { color: "#1d273b" }, lineStyle: { type: "dashed" } });
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value" },
      series: series,
    };
  }

  function setUpCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-sales-chart]:not([data-chart-ready])").forEach(function (element) {
      var data = JSON.parse(element.dataset.chartData || "{}");
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(element.dataset.salesChart === "funnel" ? funnelOption(data) : forecastOption(data));
      element.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function setUp(root) {
    setUpKanban(root);
    setUpCharts(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target); });
})();
