#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite: format, lint, types, then every unit and
# end-to-end test (a throwaway PostgreSQL and Pipewright servers are started by the tests).
source "$(dirname "$0")/lib.sh"
check_node
ensure_packages git:/usr/bin/git bubblewrap:/usr/bin/bwrap passt:/usr/bin/pasta awscli:/usr/bin/aws openssh-client:/usr/bin/ssh chromium:/usr/bin/chromium \
  'postgresql:/usr/lib/postgresql/*/bin/postgres'
ensure_node_modules
say "checking format, lint and types"
npx prettier --check . --log-level warn
npx eslint . --max-warnings 0
npx tsc -p tsconfig.json --noEmit
build
say "running tests"
export PIPEWRIGHT_TEST_POSTGRES=required
# The build sandbox (bubblewrap, mapped users, pasta's networks) is what keeps builds off the host:
# a machine where it cannot run fails the run instead of skipping its tests.
export PIPEWRIGHT_TEST_SANDBOX=required
# The console is tested in the distribution's Chromium, against the console `build` just made.
export PIPEWRIGHT_TEST_BROWSER=required
# End-to-end tests run the built `pipewright` binary, as users do.
export PIPEWRIGHT_TEST_BIN=dist
# A whole run must answer every operation at least once, each response checked against AWS's model.
if [ "$#" -eq 0 ]; then export PIPEWRIGHT_TEST_SHAPES_COVERAGE=required; fi
report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line that any CI can read.
if [ -f "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  ' "$report"
fi
exit "$status"
