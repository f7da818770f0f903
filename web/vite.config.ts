// The console is a static single-page app the server hands out under /_/console/; it is built
// into dist/web next to the server's compiled code so one `npm run build` ships both.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const webDir = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: webDir,
  base: "/_/console/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
  },
});
