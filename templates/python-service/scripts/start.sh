#!/bin/sh
# ApplicationStart: runs a copy of the service in the background, detached, on 127.0.0.1:$APP_PORT,
# with its process id in a pid file for ApplicationStop.
set -e
RUN_DIR="${TMPDIR:-/tmp}/pipewright-{{project}}-${APP_PORT:?the agent must be started with APP_PORT set}"
mkdir -p "$RUN_DIR"
rm -rf "$RUN_DIR/app"
cp -R app "$RUN_DIR/app"
nohup python3 "$RUN_DIR/app/server.py" > "$RUN_DIR/app.log" 2>&1 < /dev/null &
echo $! > "$RUN_DIR/app.pid"
echo "service started on http://127.0.0.1:$APP_PORT/ (log: $RUN_DIR/app.log)"
