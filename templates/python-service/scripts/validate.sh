#!/bin/sh
# ValidateService: the deployment succeeds once the app answers 200 on its port (within 20 s).
: "${APP_PORT:?the agent must be started with APP_PORT set}"
for i in $(seq 1 100); do
  if python3 -c 'import os, sys, urllib.request
sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:%s/" % os.environ["APP_PORT"], timeout=2).status == 200 else 1)' 2>/dev/null; then
    echo "the app answers on http://127.0.0.1:$APP_PORT/"
    exit 0
  fi
  sleep 0.2
done
echo "the app did not answer on http://127.0.0.1:$APP_PORT/ within 20 s" >&2
exit 1
