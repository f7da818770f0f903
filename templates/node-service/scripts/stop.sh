#!/bin/sh
# ApplicationStop: ends the copy of the app that the last ApplicationStart started, if it runs.
RUN_DIR="${TMPDIR:-/tmp}/pipewright-{{project}}-${APP_PORT:?the agent must be started with APP_PORT set}"
if [ -f "$RUN_DIR/app.pid" ]; then
  pid=$(cat "$RUN_DIR/app.pid")
  kill "$pid" 2>/dev/null || true
  # Wait (at most 10 s) for it to end, so the port is free for the next start.
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$RUN_DIR/app.pid"
fi
