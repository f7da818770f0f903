// The console is a static single-page app the server hands out under /_/console/; it is built
// into dist/web next to the server's compiled code so one `npm run build` ships both.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const webDir = fileURLToPath(new URL(".", import.meta.url));

// `npm run dev:web` serves the pages with hot reload and sends the console's server calls to a
// running Pipewright (PIPEWRIGHT_URL, by default the one `scripts/start.sh` starts).
const server = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:4280";

export default defineConfig({
  root: webDir,
  base: "/_/console/",
  plugins: [react()],
  // Vite's cache stays in this checkout (node_modules may be shared between checkouts).
  cacheDir: fileURLToPath(new URL("node_modules/.vite", import.meta.url)),
  server: {
    proxy: {
      "/_/console/api": server,
      "/_/console/session": server,
      "/_/console/codebuild": server,
    },
  },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
  },
});
