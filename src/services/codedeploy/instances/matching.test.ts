import { describe, expect, it } from "vitest";
import { filterType, matchesAny, matchesTagSet, selects, tagMatches } from "./matching.js";

const tags = [
  { Key: "env", Value: "prod" },
  { Key: "role", Value: "web" },
];

describe("on-premises tag matching", () => {
  it("matches each filter type as AWS defines it", () => {
    expect(tagMatches(tags, { Key: "env", Type: "KEY_ONLY" })).toBe(true);
    expect(tagMatches(tags, { Key: "prod", Type: "KEY_ONLY" })).toBe(false);
    expect(tagMatches(tags, { Value: "web", Type: "VALUE_ONLY" })).toBe(true);
    expect(tagMatches(tags, { Value: "env", Type: "VALUE_ONLY" })).toBe(false);
    expect(tagMatches(tags, { Key: "env", Value: "prod", Type: "KEY_AND_VALUE" })).toBe(true);
    // Key and value must be of the same tag.
    expect(tagMatches(tags, { Key: "env", Value: "web", Type: "KEY_AND_VALUE" })).toBe(false);
    expect(tagMatches(tags, { Key: "ENV", Value: "prod", Type: "KEY_AND_VALUE" })).toBe(false);
  });

  it("infers a missing type from the members given", () => {
    expect(filterType({ Key: "a", Value: "b" })).toBe("KEY_AND_VALUE");
    expect(filterType({ Key: "a" })).toBe("KEY_ONLY");
    expect(filterType({ Value: "b" })).toBe("VALUE_ONLY");
    expect(filterType({})).toBeUndefined();
    expect(tagMatches(tags, {})).toBe(false);
  });

  it("ORs a list of filters and ANDs the lists of a tag set", () => {
    expect(
      matchesAny(tags, [
        { Key: "x", Type: "KEY_ONLY" },
        { Key: "role", Type: "KEY_ONLY" },
      ]),
    ).toBe(true);
    expect(matchesAny(tags, [])).toBe(false);
    expect(
      matchesTagSet(tags, [
        [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
        [{ Value: "web", Type: "VALUE_ONLY" }],
      ]),
    ).toBe(true);
    expect(
      matchesTagSet(tags, [
        [{ Key: "env", Value: "prod", Type: "KEY_AND_VALUE" }],
        [{ Value: "db", Type: "VALUE_ONLY" }],
      ]),
    ).toBe(false);
    expect(matchesTagSet(tags, [])).toBe(false);
  });

  it("selects nothing for a group without filters or tag set", () => {
    expect(selects(tags, {})).toBe(false);
    expect(selects(tags, { tagFilters: [], tagSet: [] })).toBe(false);
    expect(selects(tags, { tagSet: [[{ Key: "env", Type: "KEY_ONLY" }]] })).toBe(true);
  });
});
