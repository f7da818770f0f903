import { describe, expect, it } from "vitest";
import { referencesIn, substitute, substituteAll, UnresolvedVariableError } from "./variables.js";

const scope = new Map([
  ["SourceVariables.CommitId", "abc123"],
  ["codepipeline.PipelineExecutionId", "e-1"],
  ["variables.Env", "prod"],
]);

describe("variables", () => {
  it("finds references as written", () => {
    expect(referencesIn("x #{SourceVariables.CommitId} y #{variables.Env}")).toEqual([
      { namespace: "SourceVariables", name: "CommitId", text: "#{SourceVariables.CommitId}" },
      { namespace: "variables", name: "Env", text: "#{variables.Env}" },
    ]);
  });

  it("substitutes every reference, leaving other text and malformed ones alone", () => {
    expect(substitute("#{SourceVariables.CommitId}-#{codepipeline.PipelineExecutionId}", scope, "a")).toBe(
      "abc123-e-1",
    );
    for (const text of ["#{", "#{}", "#{noDot}", "#{a b.c}", "{SourceVariables.CommitId}", "$#{"]) {
      expect(substitute(text, scope, "a")).toBe(text);
    }
  });

  it("does not substitute into a substituted value", () => {
    const tricky = new Map([
      ["A.x", "#{A.y}"],
      ["A.y", "secret"],
    ]);
    expect(substitute("#{A.x}", tricky, "a")).toBe("#{A.y}");
  });

  it("names the reference, where it is and what exists when one resolves to nothing", () => {
    let error: unknown;
    try {
      substituteAll({ ProjectName: "p-#{Build.Missing}" }, scope, 'Stage "Build", action "Compile"');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnresolvedVariableError);
    expect((error as Error).message).toBe(
      'Stage "Build", action "Compile", configuration ProjectName: #{Build.Missing} resolves to nothing; ' +
        "variables available here: #{SourceVariables.CommitId}, #{codepipeline.PipelineExecutionId}, #{variables.Env}.",
    );
  });

  it("keeps hostile keys as plain data", () => {
    const out = substituteAll(
      JSON.parse('{"__proto__": "#{variables.Env}", "constructor": "x"}'),
      scope,
      "a",
    );
    expect(Object.keys(out)).toEqual(["__proto__", "constructor"]);
    expect(out["__proto__"]).toBe("prod");
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
