import { describe, expect, it } from "vitest";
import { parseApprovalRuleContent, poolMemberMatches, ruleSatisfied } from "./rule-content.js";

const rule = (statements: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2018-11-08", Statements: statements, ...extra });

describe("approval rule content", () => {
  it("accepts the user guide's forms", () => {
    const parsed = parseApprovalRuleContent(
      rule(
        [
          {
            Type: "Approvers",
            NumberOfApprovalsNeeded: 2,
            ApprovalPoolMembers: [
              "arn:aws:iam::123456789012:user/Mary_Major",
              "arn:aws:sts::123456789012:assumed-role/CodeCommitReview/*",
              "CodeCommitApprovers:123456789012:Nikhil_Jayashankar",
            ],
          },
        ],
        { DestinationReferences: ["refs/heads/main"] },
      ),
    );
    expect(parsed.Statements[0]?.NumberOfApprovalsNeeded).toBe(2);
    expect(parsed.DestinationReferences).toEqual(["refs/heads/main"]);
  });

  it.each([
    ["not json", /not JSON/],
    [JSON.stringify({ Version: "2012-10-17", Statements: [] }), /Version must be "2018-11-08"/],
    [rule([]), /Statements must be a non-empty list/],
    [rule([{ Type: "Reviewers", NumberOfApprovalsNeeded: 1 }]), /Statements\[0\]\.Type must be "Approvers"/],
    [rule([{ Type: "Approvers", NumberOfApprovalsNeeded: 1.5 }]), /Statements\[0\]\.NumberOfApprovalsNeeded/],
    [
      rule([{ Type: "Approvers", NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: ["bob"] }]),
      /ApprovalPoolMembers\[0\] "bob"/,
    ],
    [rule([{ Type: "Approvers", NumberOfApprovalsNeeded: 1, Extra: true }]), /unknown field "Extra"/],
    [
      rule([{ Type: "Approvers", NumberOfApprovalsNeeded: 1 }], { DestinationReferences: ["main"] }),
      /DestinationReferences/,
    ],
    ["x".repeat(3001), /at most 3000/],
  ])("refuses %j, naming the field", (text, message) => {
    expect(() => parseApprovalRuleContent(text)).toThrow(message);
    try {
      parseApprovalRuleContent(text);
    } catch (err) {
      expect((err as { code: string }).code).toBe("InvalidApprovalRuleContentException");
    }
  });
});

describe("approval pool members", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/Mary_Major", "arn:aws:iam::123456789012:user/Mary_Major", true],
    ["arn:aws:iam::123456789012:user/Mary_Major", "arn:aws:iam::123456789012:user/Mary", false],
    [
      "arn:aws:sts::123456789012:assumed-role/Review/*",
      "arn:aws:sts::123456789012:assumed-role/Review/alice",
      true,
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/Review/*",
      "arn:aws:sts::123456789012:assumed-role/Other/alice",
      false,
    ],
    ["CodeCommitApprovers:123456789012:alice", "arn:aws:iam::123456789012:user/alice", true],
    ["CodeCommitApprovers:123456789012:alice", "arn:aws:iam::123456789012:user/team/alice", true],
    ["CodeCommitApprovers:123456789012:alice", "arn:aws:sts::123456789012:assumed-role/Dev/alice", true],
    ["CodeCommitApprovers:123456789012:alice", "arn:aws:iam::999999999999:user/alice", false],
    ["CodeCommitApprovers:123456789012:alice", "arn:aws:iam::123456789012:root", false],
  ])("%s matches %s: %s", (member, arn, expected) => {
    expect(poolMemberMatches(member, arn)).toBe(expected);
  });

  it("counts approvals per statement, from the pool or from anyone", () => {
    const content = parseApprovalRuleContent(
      rule([
        {
          Type: "Approvers",
          NumberOfApprovalsNeeded: 1,
          ApprovalPoolMembers: ["CodeCommitApprovers:123456789012:lead"],
        },
        { Type: "Approvers", NumberOfApprovalsNeeded: 2 },
      ]),
    );
    const lead = "arn:aws:iam::123456789012:user/lead";
    const dev = "arn:aws:iam::123456789012:user/dev";
    expect(ruleSatisfied(content, [lead])).toBe(false);
    expect(ruleSatisfied(content, [dev, "arn:aws:iam::123456789012:user/dev2"])).toBe(false);
    expect(ruleSatisfied(content, [lead, dev])).toBe(true);
  });
});
