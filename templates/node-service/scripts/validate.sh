#!/bin/sh
# ValidateService: the deployment succeeds once the app answers 200 on its port (within 20 s).
: "${APP_PORT:?the agent must be started with APP_PORT set}"
for i in $(seq 1 100); do
  if node -e 'fetch("http://127.0.0.1:" + process.env.APP_PORT + "/").then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' 2>/dev/null; then
    echo "the app answers on http://127.0.0.1:$APP_PORT/"
    exit 0
  fi
  sleep 0.2
done
echo "the app did not answer on http://127.0.0.1:$APP_PORT/ within 20 s" >&2
exit 1
