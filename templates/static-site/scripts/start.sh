#!/bin/sh
# ApplicationStart: serves a copy of the site in the background, detached, on 127.0.0.1:$APP_PORT,
# with its process id in a pid file for ApplicationStop.
set -e
RUN_DIR="${TMPDIR:-/tmp}/pipewright-{{project}}-${APP_PORT:?the agent must be started with APP_PORT set}"
mkdir -p "$RUN_DIR"
rm -rf "$RUN_DIR/site"
cp -R site "$RUN_DIR/site"
nohup python3 -m http.server "$APP_PORT" --bind 127.0.0.1 --directory "$RUN_DIR/site" \
  > "$RUN_DIR/app.log" 2>&1 < /dev/null &
echo $! > "$RUN_DIR/app.pid"
echo "serving the site on http://127.0.0.1:$APP_PORT/ (log: $RUN_DIR/app.log)"
