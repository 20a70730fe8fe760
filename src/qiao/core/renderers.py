"""The API's JSON: DRF's JSONRenderer, with the encoding done by orjson (settings REST_FRAMEWORK).

DRF encodes with the standard library's `json` and a Python `default` per special value: for a page
of 50 customers that was ~0.7 ms of a ~10 ms request (bench/permissions); orjson writes the same
JSON in ~0.05 ms. What orjson does not know natively (lazy translations, Decimal, and dates, which
it is told to pass through so that they come out in DRF's format) goes to DRF's own encoder, and
anything orjson refuses (an integer beyond 64 bits, say) is rendered by DRF as before. The bytes
are DRF's, but for the exponent of a float (`1e-7`, not `1e-07`: the same number) and NaN, which
becomes null where DRF's strict JSON would fail the request."""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_DRF_ENCODER = JSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        plain = self.compact and not self.ensure_ascii and self.strict
        if data is None or not plain or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            encoded = orjson.dumps(data, default=_DRF_ENCODER.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: these two line separators are valid JSON but not valid JavaScript.
        return encoded.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
