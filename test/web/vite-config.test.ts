import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { appLayoutVisualRefreshOnly } from "../../web/vite.config.js";

const require = createRequire(import.meta.url);
const internal = path.join(
  path.dirname(require.resolve("@cloudscape-design/components/app-layout")),
  "internal.js",
);

type Transform = (code: string, id: string) => { code: string } | undefined;
const transform = appLayoutVisualRefreshOnly().transform as Transform;

describe("the console build's AppLayout trim", () => {
  it("imports only the visual-refresh layout from this Cloudscape version's AppLayout", () => {
    const out = transform(readFileSync(internal, "utf8"), internal);
    expect(out?.code).toContain("import RefreshedAppLayout from './visual-refresh';");
    expect(out?.code).not.toContain("classic");
    expect(out?.code).not.toContain("visual-refresh-toolbar");
  });

  it("leaves every other module alone", () => {
    expect(transform("export const x = 1;", "/somewhere/app-layout/index.js")).toBeUndefined();
  });

  it("fails the build when AppLayout no longer looks as it expects", () => {
    const changed = readFileSync(internal, "utf8").replace("./visual-refresh-toolbar", "./toolbar");
    expect(() => transform(changed, internal)).toThrow(
      /is not the AppLayout this build trims.*visual-refresh-toolbar/,
    );
  });
});
