// The service: node:http only, no dependencies. Run directly, it listens on 127.0.0.1:$APP_PORT.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const NAME = "{{project}}";

/** Answers one request: the hello page on /, its health as JSON on /health, 404 elsewhere. */
export function handle(request, response) {
  const { pathname } = new URL(request.url ?? "/", "http://localhost");
  if (pathname === "/") {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><title>${NAME}</title><h1>Hello from ${NAME}!</h1>\n`);
  } else if (pathname === "/health") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ status: "ok" }));
  } else {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found\n");
  }
}

export function createApp() {
  return createServer(handle);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.APP_PORT ?? 8080);
  createApp().listen(port, "127.0.0.1", () => console.log(`${NAME} listening on http://127.0.0.1:${port}/`));
}
