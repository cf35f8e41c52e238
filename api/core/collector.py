"""The garbage collector once the app is loaded."""

from __future__ import annotations

import gc


def freeze_loaded_app() -> int:
    """Collect once, then move every object alive now into the permanent generation (`gc.freeze`); returns how
    many. Called when the app is loaded: by a gunicorn worker after loading it (gunicorn.conf.py), and by the
    in-process benchmarks after `create_app`, as the workers they stand for do.

    Why: the collections that requests trigger then walk only what requests made. Before, each full collection
    also walked the ~220,000 objects of the modules, mappers, schemas and spec, and a 1,000-case sync page paid
    50-130 ms for it now and then (bench/feed_sync.py). Nothing frozen is ever collected, so this is for objects
    that live as long as the process, and is called once."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
