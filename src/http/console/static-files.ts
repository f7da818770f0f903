import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Where the built console is: `dist/web` of the package, three levels above this module both in
 * `src/http/console` (tests, development) and in `dist/http/console` (the package).
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * What the console's pages may load: only this server's own scripts, styles, fonts and API, never
 * another origin, and never inside another site's frame. Cloudscape sets inline style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Headers every console file is sent with. */
export function securityHeaders(): Record<string, string> {
  return {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  };
}

/**
 * Serves `GET /_/console/<path>` from the built console: a file when one exists at that path inside
 * `webDir` (`assets/…` are content-hashed and cached for good), else — for a page's address such as
 * `/_/console/repositories/app` or `/_/console/repositories/app/browse/main/README.md` — `index.html`,
 * whose script routes in the browser. A name can never leave `webDir`: the path is decoded once,
 * `..` segments are refused, and the resolved file must lie under the directory.
 */
export function createStaticHandler(webDir: string) {
  const root = path.resolve(webDir);
  return async function serveConsoleFile(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const index = path.join(root, "index.html");
    if (!existsSync(index)) {
      return void reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send("The console is not built in this copy of Pipewright: run `npm run build` first.\n");
    }
    const rest = (request.params as { "*"?: string })["*"] ?? "";
    const file = resolveInside(root, rest);
    if (file === undefined) return void reply.code(404).type("text/plain").send("Not found\n");
    if (isFile(file)) return sendFile(reply, file);
    // A missing script, style or top-level file (`favicon.ico`) is a 404, not the page. Any deeper
    // address is a page's, dots and all: `repositories/my.app`, `…/browse/main/package.json`.
    if (rest.startsWith("assets/") || (!rest.includes("/") && path.extname(rest) !== "")) {
      return void reply.code(404).type("text/plain").send("Not found\n");
    }
    return sendFile(reply, index);
  };
}

/** The file `rest` names inside `root`, or undefined for a name that would leave it. */
export function resolveInside(root: string, rest: string): string | undefined {
  if (rest.includes("\0") || rest.includes("\\")) return undefined;
  const segments = rest.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === "." || s === "..")) return undefined;
  const file = path.resolve(root, ...segments);
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function sendFile(reply: FastifyReply, file: string): Promise<void> {
  const body = await readFile(file);
  const hashed = file.includes(`${path.sep}assets${path.sep}`);
  void reply
    .code(200)
    .headers({
      ...securityHeaders(),
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
    })
    .send(body);
}
