import { describe, expect, it } from "vitest";
import { moveStages } from "./stages.js";

const asObject = (m: Map<string, string[]>) => Object.fromEntries(m);

describe("staging labels", () => {
  it("gives the first version AWSCURRENT", () => {
    expect(asObject(moveStages([], "v1", ["AWSCURRENT"]))).toEqual({ v1: ["AWSCURRENT"] });
  });

  it("moves AWSCURRENT to the new version and AWSPREVIOUS to the old current", () => {
    const moved = moveStages(
      [
        { id: "v1", stages: ["AWSPREVIOUS"] },
        { id: "v2", stages: ["AWSCURRENT", "blue"] },
      ],
      "v3",
      ["AWSCURRENT"],
    );
    expect(asObject(moved)).toEqual({ v1: [], v2: ["blue", "AWSPREVIOUS"], v3: ["AWSCURRENT"] });
  });

  it("moves a custom label alone without touching AWSCURRENT", () => {
    const moved = moveStages(
      [
        { id: "v1", stages: ["AWSCURRENT", "green"] },
        { id: "v2", stages: [] },
      ],
      "v3",
      ["green"],
    );
    expect(asObject(moved)).toEqual({ v1: ["AWSCURRENT"], v2: [], v3: ["green"] });
  });
});
