import { describe, expect, it } from "vitest";
import { artifactKey, artifactLocation } from "./artifact-keys.js";
import { eventTime } from "./events.js";

describe("artifactKey", () => {
  it("lays out path, build id and name as AWS does", () => {
    expect(artifactKey({ path: "builds", namespaceType: "BUILD_ID", name: "app.zip" }, "u-1")).toBe(
      "builds/u-1/app.zip",
    );
    expect(artifactKey({ path: "/builds/", namespaceType: "NONE", name: "app.zip" }, "u-1")).toBe(
      "builds/app.zip",
    );
    expect(artifactKey({ name: "app.zip" }, "u-1")).toBe("app.zip");
    expect(artifactLocation("out", "builds/app.zip")).toBe("arn:aws:s3:::out/builds/app.zip");
  });
});

describe("eventTime", () => {
  it("writes times as CodeBuild's event details do", () => {
    expect(eventTime(Date.UTC(2017, 8, 1, 16, 12, 29))).toBe("Sep 1, 2017 4:12:29 PM");
    expect(eventTime(Date.UTC(2024, 0, 15, 0, 5, 9))).toBe("Jan 15, 2024 12:05:09 AM");
  });
});
