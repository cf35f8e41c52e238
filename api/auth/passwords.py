"""Moved to api.core.passwords (users and auth both hash passwords). Re-exported here for code written before
the move."""

from api.core.passwords import DEFAULT_PARAMS as DEFAULT_PARAMS
from api.core.passwords import dummy_hash as dummy_hash
from api.core.passwords import hash_password as hash_password
from api.core.passwords import verify_password as verify_password
