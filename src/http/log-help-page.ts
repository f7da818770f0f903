/**
 * What a person sees who opens a build's `logs.deepLink` in a browser. The log itself needs a
 * signed request; a browser sends none, so until the console exists it gets a page that says how
 * to read the log from a terminal, with the commands for this build. Nothing is looked up: the
 * page shows only what the link itself holds, so it tells a stranger nothing.
 */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page for build `buildId` (as in the link) on the server at `endpoint`. */
export function logHelpPage(buildId: string, endpoint: string): string {
  const colon = buildId.indexOf(":");
  const project = colon > 0 ? buildId.slice(0, colon) : buildId;
  const stream = colon > 0 ? buildId.slice(colon + 1) : "<build uuid>";
  const commands = [
    `pipewright logs build '${buildId}' --follow --endpoint ${endpoint}`,
    `aws --endpoint-url ${endpoint} logs get-log-events --log-group-name '/aws/codebuild/${project}' ` +
      `--log-stream-name '${stream}' --start-from-head --query 'events[].message' --output text`,
    `aws --endpoint-url ${endpoint} logs tail '/aws/codebuild/${project}' --follow`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build log: ${escapeHtml(buildId)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}</style></head>
<body>
<h1>Build log: ${escapeHtml(buildId)}</h1>
<p>A build's log is read with your Pipewright credentials, which a browser does not send. Pipewright
has no web console yet; read the log from a terminal where the AWS CLI is set up for this server
(<code>pipewright configure</code>, which the server prints when it starts):</p>
${commands.map((c) => `<pre>${escapeHtml(c)}</pre>`).join("\n")}
<p>The first follows the build live and exits when it ends; the second prints the whole log; the
third follows every build of the project.</p>
</body></html>
`;
}
