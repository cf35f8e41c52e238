#!/bin/sh
# Migrations run at container start, then the server.
set -e
trivsel db upgrade
exec "$@"
