import { describe, expect, it } from "vitest";
import { AwsError } from "../../web/src/api.js";
import { fieldByCode, fieldError } from "../../web/src/components/field-error.js";

const codes = {
  name: new Set(["RepositoryNameExistsException", "InvalidRepositoryNameException"]),
  description: new Set(["InvalidRepositoryDescriptionException"]),
};

describe("placing an AWS error on a form", () => {
  it("puts an error at the field whose codes include it", () => {
    const taken = new AwsError("RepositoryNameExistsException", "Repository named app already exists", 400);
    expect(fieldByCode(taken, codes)).toBe("name");
    const bad = new AwsError("InvalidRepositoryDescriptionException", "too long", 400);
    expect(fieldByCode(bad, codes)).toBe("description");
  });

  it("leaves an error no field owns, or one that is not AWS's, to the form", () => {
    expect(fieldByCode(new AwsError("AccessDeniedException", "denied", 400), codes)).toBe("form");
    expect(fieldByCode(new Error("Failed to fetch"), codes)).toBe("form");
  });

  it("gives the message to that field only, and nothing without an error", () => {
    const error = new AwsError("InvalidRepositoryNameException", "bad name", 400);
    const placed = fieldError(error, (e) => fieldByCode(e, codes));
    expect(placed.field).toBe("name");
    expect(placed.errorFor("name")).toBe("bad name");
    expect(placed.errorFor("description")).toBeUndefined();
    expect(placed.errorFor("form")).toBeUndefined();
    const none = fieldError(null, (e) => fieldByCode(e, codes));
    expect(none.field).toBeUndefined();
    expect(none.errorFor("name")).toBeUndefined();
  });
});
