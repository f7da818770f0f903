import { describe, expect, it } from "vitest";
import { isServiceError } from "../../core/index.js";
import { parseBuildspec } from "../../formats/buildspec/index.js";
import { inlineBuildspec } from "./inline-buildspec.js";

const parsed = (text: string) => {
  const result = parseBuildspec(text, { fileName: "buildspec.yml" });
  if (!result.ok) throw new Error(`not a valid buildspec:\n${text}`);
  expect(result.warnings).toEqual([]);
  return result.buildspec;
};

describe("the buildspec of an inline build", () => {
  it("runs each command as written, exports the variables and collects the files", () => {
    const commands = [
      'echo "key: value" # not a comment to YAML',
      "- starts with a dash",
      "export TAG=$(git describe --tags 2>/dev/null || echo none)",
      "{ echo '[a]'; echo '&anchor *alias'; } > out.txt",
      "true && echo 'it''s' | tr a b",
    ];
    const spec = parsed(
      inlineBuildspec({
        commands,
        exportedVariables: ["TAG", "BUILT"],
        artifactFiles: ["out.txt", "dist/**/*"],
      }),
    );
    expect(spec.version).toBe("0.2");
    expect(spec.shellPerCommand).toBe(false);
    expect(spec.phases.find((p) => p.name === "build")!.commands).toEqual(commands);
    expect(spec.phases.filter((p) => p.name !== "build").every((p) => p.commands.length === 0)).toBe(true);
    expect(spec.env.exportedVariables).toEqual(["TAG", "BUILT"]);
    expect(spec.artifacts?.files).toEqual(["out.txt", "dist/**/*"]);
  });

  it("has no artifacts and no exported variables when the action has none", () => {
    const spec = parsed(inlineBuildspec({ commands: ["make test"], exportedVariables: [] }));
    expect(spec.artifacts).toBeUndefined();
    expect(spec.env.exportedVariables).toEqual([]);
  });

  it.each([
    [{ commands: ["echo a\necho b"] }, "command 1 has several lines"],
    [{ commands: ["ls", "echo a\r"] }, "command 2 has several lines"],
    [{ commands: ["  "] }, "command 1 is empty"],
    [{ commands: [] }, "1 to 50 commands, got 0"],
    [{ commands: Array.from({ length: 51 }, (_, i) => `echo ${i}`) }, "1 to 50 commands, got 51"],
  ])("refuses %#", (over, message) => {
    let error: unknown;
    try {
      inlineBuildspec({ exportedVariables: [], ...over });
    } catch (e) {
      error = e;
    }
    expect(isServiceError(error) && error.code).toBe("InvalidInputException");
    expect((error as Error).message).toContain(message);
  });
});
