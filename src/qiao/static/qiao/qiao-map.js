// The customer map (CUS-9): Leaflet with marker clustering, on the configured tile server or, with
// none, on the offline outline of China's provinces shipped with the static files. Everything it
// needs comes from data attributes of #customer-map; texts come translated from the page.
(function () {
  "use strict";

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function CustomerMap(container) {
    this.container = container;
    this.data = container.dataset;
    this.status = document.querySelector("[data-map-status]");
    this.texts = this.status ? this.status.dataset : {};
    this.legend = [];
    this.pending = null;
    this.map = window.L.map(container, { zoomControl: true, maxZoom: 18, attributionControl: Boolean(this.data.tileUrl) });
    this.map.setView([35.5, 104.5], 4);
    this.cluster = window.L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      chunkedLoading: true,
      iconCreateFunction: this.clusterIcon.bind(this),
    });
    this.map.addLayer(this.cluster);
    this.map.on("click", this.placePending.bind(this));
    if (this.data.tileUrl) {
      window.L.tileLayer(this.data.tileUrl, { maxZoom: 18, attribution: new URL(this.data.tileUrl, location.href).host }).addTo(this.map);
    } else {
      this.drawOutline();
    }
    this.bindPinning();
    this.load();
  }

  CustomerMap.prototype.say = function (text) {
    if (this.status) this.status.textContent = text;
  };

  CustomerMap.prototype.drawOutline = function () {
    var self = this;
    this.container.classList.add("qiao-map-offline");
    this.map.setMinZoom(3);
    this.map.setMaxBounds([[-5, 55], [65, 155]]);
    fetch(this.data.outlineUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (outline) {
        window.L.geoJSON(outline, {
          interactive: false,
          style: function (feature) {
            return feature.properties.inset
              ? { color: "#8a94a6", weight: 1, fill: false }
              : { color: "#8a94a6", weight: 1, fillColor: "#fdfdfb", fillOpacity: 1 };
          },
        }).addTo(self.map).bringToBack();
        self.container.dataset.outlineReady = "1";
      })
      .catch(function () { self.container.dataset.outlineReady = "failed"; });
  };

  CustomerMap.prototype.load = function (options) {
    var self = this;
    options = options || {};
    if (!options.message) this.say(this.texts.textLoading || "");
    fetch(this.data.mapDataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) { self.draw(data, options); })
      .catch(function () { self.say(self.texts.textFailed || ""); });
  };

  CustomerMap.prototype.marker = function (point) {
    var entry = this.legend[point[5]] || { color: "#9aa0ac", label: "" };
    var marker = window.L.circleMarker([point[1], point[2]], {
      radius: 7, weight: 1.5, color: "#ffffff", fillColor: entry.color, fillOpacity: 0.95, className: "qiao-map-point",
    });
    marker.options.classIndex = point[5];
    marker.bindPopup(this.popup.bind(this, point, entry));
    return marker;
  };

  CustomerMap.prototype.popup = function (point, entry) {
    var box = element("div", "qiao-map-popup");
    var link = element("a", "fw-bold", point[3]);
    link.href = this.data.detailUrl.replace("/0/", "/" + point[0] + "/");
    box.appendChild(link);
    box.appendChild(element("div", "text-secondary", (this.texts.textOwner || "") + ": " + point[4]));
    if (entry.label) {
      var tag = element("div", "qiao-map-popup-class");
      var dot = element("span", "qiao-map-dot");
      dot.style.backgroundColor = entry.color;
      tag.appendChild(dot);
      tag.appendChild(document.createTextNode(entry.label));
      box.appendChild(tag);
    }
    return box;
  };

  // A cluster takes the colour of the class most of its customers have.
  CustomerMap.prototype.clusterIcon = function (cluster) {
    var counts = {};
    var best = null;
    cluster.getAllChildMarkers().forEach(function (marker) {
      var index = marker.options.classIndex;
      counts[index] = (counts[index] || 0) + 1;
      if (best === null || counts[index] > counts[best]) best = index;
    });
    var color = (this.legend[best] || { color: "#9aa0ac" }).color;
    var size = cluster.getChildCount() < 100 ? 34 : cluster.getChildCount() < 1000 ? 42 : 50;
    var inner = element("div", "qiao-map-cluster-inner", String(cluster.getChildCount()));
    inner.style.backgroundColor = color;
    var outer = element("div");
    outer.appendChild(inner);
    return window.L.divIcon({ html: outer, className: "qiao-map-cluster", iconSize: window.L.point(size, size) });
  };

  CustomerMap.prototype.draw = function (data, options) {
    var self = this;
    options = options || {};
    this.legend = data.legend;
    var markers = data.points.map(function (point) { return self.marker(point); });
    this.cluster.clearLayers();
    this.cluster.addLayers(markers);
    if (markers.length && !options.keepView) {
      var bounds = window.L.latLngBounds(data.points.map(function (point) { return [point[1], point[2]]; }));
      // The offline outline shows provinces only: closer than a province's scale shows nothing more.
      this.map.fitBounds(bounds.pad(0.15), { maxZoom: this.data.tileUrl ? 14 : 7 });
    }
    this.drawLegend(data.legend);
    var text = data.shown < data.count ? this.texts.textCapped : this.texts.textAll;
    var summary = format(text || "", { count: data.count, shown: data.shown });
    if (!this.data.tileUrl) summary += " " + (this.texts.textOffline || "");
    this.say(options.message ? options.message + " " + summary : summary);
    this.container.dataset.points = String(markers.length);
  };

  CustomerMap.prototype.drawLegend = function (legend) {
    var box = document.querySelector("[data-map-legend]");
    if (!box) return;
    box.textContent = "";
    legend.forEach(function (entry) {
      var item = element("span", "qiao-map-legend-item" + (entry.count ? "" : " text-secondary opacity-50"));
      item.dataset.legendValue = entry.value;
      var dot = element("span", "qiao-map-dot");
      dot.style.backgroundColor = entry.color;
      item.appendChild(dot);
      item.appendChild(document.createTextNode(entry.label + " (" + entry.count + ")"));
      box.appendChild(item);
    });
  };

  // "Pin on the map": the next click on the map places that customer there.
  CustomerMap.prototype.bindPinning = function () {
    var self = this;
    var banner = document.querySelector("[data-map-placing]");
    document.addEventListener("click", function (event) {
      var pin = event.target.closest("[data-map-pin]");
      if (pin) {
        self.pending = { id: pin.dataset.mapPin, version: pin.dataset.version, name: pin.dataset.name, button: pin };
        self.container.classList.add("qiao-map-placing-active");
        if (banner) {
          banner.querySelector("[data-map-placing-text]").textContent = format(self.texts.textPlacing || "", { name: pin.dataset.name });
          banner.classList.remove("d-none");
        }
        self.container.scrollIntoView({ block: "nearest" });
        return;
      }
      if (event.target.closest("[data-map-cancel]")) self.stopPlacing();
    });
  };

  CustomerMap.prototype.stopPlacing = function () {
    this.pending = null;
    this.container.classList.remove("qiao-map-placing-active");
    var banner = document.querySelector("[data-map-placing]");
    if (banner) banner.classList.add("d-none");
  };

  CustomerMap.prototype.placePending = function (event) {
    if (!this.pending) return;
    var self = this;
    var pending = this.pending;
    var body = new FormData();
    body.append("latitude", event.latlng.lat.toFixed(6));
    body.append("longitude", event.latlng.lng.toFixed(6));
    body.append("version", pending.version);
    fetch(this.data.locationUrl.replace("/0/", "/" + pending.id + "/"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": this.data.csrfToken },
    })
      .then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      })
      .then(function (result) {
        self.stopPlacing();
        if (!result.ok) {
          var messages = [];
          Object.keys(result.answer).forEach(function (key) { messages = messages.concat(result.answer[key]); });
          self.say(messages.join(" "));
          return;
        }
        var row = document.querySelector("[data-map-missing='" + pending.id + "']");
        if (row) row.remove();
        var count = document.querySelector("[data-map-missing-count]");
        if (count && /^\d+$/.test(count.textContent.trim())) count.textContent = String(Number(count.textContent.trim()) - 1);
        self.load({ keepView: true, message: result.answer.message });
      })
      .catch(function () { self.stopPlacing(); self.say(self.texts.textFailed || ""); });
  };

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("customer-map");
    if (container && window.L) window.qiaoCustomerMap = new CustomerMap(container);
  });
})();
