"""Copies the front-end libraries that `npm ci` installed into src/qiao/static/vendor/, where
WhiteNoise serves them, so that pages load nothing from outside the server (NFR-7).

Each entry: a glob under node_modules/ and the folder under static/vendor/ it goes to. Source maps
come along because the minified files name them and collectstatic follows those references."""

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
