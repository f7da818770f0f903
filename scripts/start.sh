#!/usr/bin/env bash
# Installs what is missing, builds, and starts Pipewright with its embedded defaults (SQLite, blobs
# on disk under ./.pipewright). Extra arguments go to `pipewright server` (e.g. --port 4281).
source "$(dirname "$0")/lib.sh"
check_node
ensure_packages git:/usr/bin/git bubblewrap:/usr/bin/bwrap passt:/usr/bin/pasta awscli:/usr/bin/aws
ensure_node_modules
build
exec node dist/cli/main.js server "$@"
