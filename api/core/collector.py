"""The garbage collector once the app is loaded."""

from __future__ import annotations

import gc

# The collector's thresholds once the app is loaded: a young-generation collection after 20,000 more container
# objects than were freed, instead of Python's 700, and each older generation after 20 of the younger's
# instead of 10. Nearly everything a request makes is freed by reference counting when it ends, yet at 700 a
# case read still set off 0.9 young and 0.085 middle collections (a report 0.3 and 0.025), each walking what
# the request held at that moment. Under callgrind the case read went from 16.7 to 16.4 million instructions
# (bench/instructions.py; the student read and the report did not move). The few cycles requests leave wait
# a little longer for their collection.
THRESHOLDS = (20_000, 20, 20)


def freeze_loaded_app() -> int:
    """Collect once, then move every object alive now into the permanent generation (`gc.freeze`); returns how
    many. Called when the app is loaded: by a gunicorn worker after loading it (gunicorn.conf.py), and by the
    in-process benchmarks after `create_app`, as the workers they stand for do.

    Why: the collections that requests trigger then walk only what requests made. Before, each full collection
    also walked the ~220,000 objects of the modules, mappers, schemas and spec, and a 1,000-case sync page paid
    50-130 ms for it now and then (bench/feed_sync.py). Nothing frozen is ever collected, so this is for objects
    that live as long as the process, and is called once. The thresholds for what requests make are set here
    too (THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return gc.get_freeze_count()
