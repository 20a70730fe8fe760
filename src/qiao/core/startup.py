"""What a long-running process (web server, worker) does once Django is loaded."""

import gc

from django.urls import get_resolver


def freeze_loaded_objects() -> None:
    """Takes everything loaded at start-up out of the garbage collector's sight.

    The pinyin, phone-number and address data and the modules loaded at start-up are some 340,000
    long-lived containers. Python's full collection, which a request's allocations trigger every
    few requests, walked all of them: 110 ms each time, every eighth search request on the
    benchmark (bench/permissions). Frozen, they are never scanned again; what is made later is
    collected as before. The URLconf is loaded first, so that the views and serializers the
    first request would import are frozen too."""
    get_resolver().url_patterns  # noqa: B018 (loads every URL module)
    gc.collect()
    gc.freeze()
