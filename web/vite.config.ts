// The console is a static single-page app the server hands out under /_/console/; it is built
// into dist/web next to the server's compiled code so one `npm run build` ships both.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const webDir = fileURLToPath(new URL(".", import.meta.url));

// `npm run dev:web` serves the pages with hot reload and sends the console's server calls to a
// running Pipewright (PIPEWRIGHT_URL, by default the one `scripts/start.sh` starts).
const server = process.env.PIPEWRIGHT_URL ?? "http://127.0.0.1:4280";

export default defineConfig({
  root: webDir,
  base: "/_/console/",
  plugins: [react(), appLayoutVisualRefreshOnly()],
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

/**
 * Cloudscape's AppLayout bundles three layouts and picks one as it renders: the classic one, which
 * this version never shows (its visual refresh is always on), the toolbar one, shown only under a
 * global flag the console never sets, and the visual-refresh one the console uses. The other two,
 * with the drag-and-drop library the toolbar's drawers bring, were a third of the frame's script
 * (172 of 496 KB), all loaded and evaluated before the first paint. The build imports only the
 * layout that renders. Should an upgrade change the module this expects, the build fails here
 * rather than ship a different layout.
 */
export function appLayoutVisualRefreshOnly(): Plugin {
  const target = "/@cloudscape-design/components/app-layout/internal.js";
  const expected = [
    "import ClassicAppLayout from './classic';",
    "import RefreshedAppLayout from './visual-refresh';",
    "import ToolbarAppLayout from './visual-refresh-toolbar';",
    "return React.createElement(RefreshedAppLayout, { ref: ref, ...props });",
  ];
  return {
    name: "pipewright:app-layout-visual-refresh-only",
    apply: "build",
    enforce: "pre",
    transform(code, id) {
      if (!id.endsWith(target)) return undefined;
      const environment = readFileSync(path.join(path.dirname(id), "../internal/environment.js"), "utf8");
      const missing = expected.filter((line) => !code.includes(line));
      if (missing.length > 0 || !environment.includes("ALWAYS_VISUAL_REFRESH = true")) {
        throw new Error(
          `${id} is not the AppLayout this build trims (${missing.join(" ") || "visual refresh is not always on"}); ` +
            "remove appLayoutVisualRefreshOnly from web/vite.config.ts or update it to this Cloudscape version",
        );
      }
      return {
        code: [
          "import React from 'react';",
          "import RefreshedAppLayout from './visual-refresh';",
          "export const AppLayoutInternal = React.forwardRef((props, ref) =>",
          "  React.createElement(RefreshedAppLayout, { ref: ref, ...props }));",
        ].join("\n"),
        map: null,
      };
    },
  };
}
