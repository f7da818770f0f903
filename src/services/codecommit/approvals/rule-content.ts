import { codecommitError } from "../errors.js";

/** Approvals a pull request can hold, and the most a rule can ask for (CodeCommit's quota). */
export const MAX_APPROVALS = 200;

/**
 * Approval rule content, as the CodeCommit user guide ("Create an approval rule") writes it:
 *
 *     {"Version": "2018-11-08",
 *      "DestinationReferences": ["refs/heads/main"],          (templates; optional)
 *      "Statements": [{"Type": "Approvers", "NumberOfApprovalsNeeded": 2,
 *                      "ApprovalPoolMembers": ["arn:aws:iam::123456789012:user/Mary_Major",
 *                                              "arn:aws:sts::123456789012:assumed-role/CodeCommitReview/*",
 *                                              "CodeCommitApprovers:123456789012:Nikhil_Jayashankar"]}]}
 *
 * A statement without `ApprovalPoolMembers` counts approvals from anyone.
 */
export interface ApprovalRuleContent {
  Version: "2018-11-08";
  DestinationReferences?: string[];
  Statements: ApprovalStatement[];
}

export interface ApprovalStatement {
  Type: "Approvers";
  NumberOfApprovalsNeeded: number;
  ApprovalPoolMembers?: string[];
}

// Quotas: approval rule content is at most 3,000 characters; a rule needs at most 200 approvals
// here (AWS documents no number; this keeps evaluation bounded).
const MAX_CONTENT = 3000;
const POOL_MEMBER = /^(arn:aws[\w-]*:(iam|sts)::(\d{12}|\*):\S+|CodeCommitApprovers:(\d{12}|\*):\S+)$/;

function invalid(problem: string): never {
  throw codecommitError(
    "InvalidApprovalRuleContentException",
    `The approval rule content is not valid: ${problem}.`,
  );
}

/** Parses and checks approval rule content (`InvalidApprovalRuleContentException`, naming the field). */
export function parseApprovalRuleContent(text: string): ApprovalRuleContent {
  if (text.length > MAX_CONTENT)
    invalid(`it is ${text.length} characters long; at most ${MAX_CONTENT} are allowed`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    invalid(`it is not JSON (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    invalid("it must be a JSON object");
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!["Version", "DestinationReferences", "Statements"].includes(key)) {
      invalid(
        `unknown field ${JSON.stringify(key)}; the fields are Version, DestinationReferences and Statements`,
      );
    }
  }
  if (doc.Version !== "2018-11-08")
    invalid(`Version must be "2018-11-08", got ${JSON.stringify(doc.Version)}`);
  let destinationReferences: string[] | undefined;
  if (doc.DestinationReferences !== undefined) {
    const refs = doc.DestinationReferences;
    if (!Array.isArray(refs) || refs.some((r) => typeof r !== "string" || !r.startsWith("refs/heads/"))) {
      invalid('DestinationReferences must be a list of full branch names such as "refs/heads/main"');
    }
    destinationReferences = refs as string[];
  }
  const statements = doc.Statements;
  if (!Array.isArray(statements) || statements.length === 0) invalid("Statements must be a non-empty list");
  return {
    Version: "2018-11-08",
    ...(destinationReferences !== undefined ? { DestinationReferences: destinationReferences } : {}),
    Statements: statements.map((s, i) => parseStatement(s, `Statements[${i}]`)),
  };
}

function parseStatement(value: unknown, at: string): ApprovalStatement {
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid(`${at} must be an object`);
  const s = value as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!["Type", "NumberOfApprovalsNeeded", "ApprovalPoolMembers"].includes(key)) {
      invalid(
        `${at} has an unknown field ${JSON.stringify(key)}; the fields are Type, NumberOfApprovalsNeeded and ApprovalPoolMembers`,
      );
    }
  }
  if (s.Type !== "Approvers") invalid(`${at}.Type must be "Approvers", got ${JSON.stringify(s.Type)}`);
  const n = s.NumberOfApprovalsNeeded;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_APPROVALS) {
    invalid(
      `${at}.NumberOfApprovalsNeeded must be a whole number from 1 to ${MAX_APPROVALS}, got ${JSON.stringify(n)}`,
    );
  }
  if (s.ApprovalPoolMembers === undefined) return { Type: "Approvers", NumberOfApprovalsNeeded: n };
  const pool = s.ApprovalPoolMembers;
  if (!Array.isArray(pool))
    invalid(
      `${at}.ApprovalPoolMembers must be a list of ARNs or CodeCommitApprovers:<account>:<name> entries`,
    );
  pool.forEach((member, j) => {
    if (typeof member !== "string" || !POOL_MEMBER.test(member)) {
      invalid(
        `${at}.ApprovalPoolMembers[${j}] ${JSON.stringify(member)} is neither an IAM or STS ARN (arn:aws:iam::111122223333:user/Name, wildcards allowed) nor CodeCommitApprovers:<account>:<name>`,
      );
    }
  });
  return { Type: "Approvers", NumberOfApprovalsNeeded: n, ApprovalPoolMembers: pool as string[] };
}

/** A glob where `*` matches any run of characters and `?` one character. */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

/**
 * Whether the principal `arn` is in a pool member entry. An ARN entry matches by glob. A
 * `CodeCommitApprovers:<account>:<name>` entry matches the IAM user called `<name>` (any path) and
 * any assumed-role session called `<name>` in that account, as the user guide describes.
 */
export function poolMemberMatches(member: string, arn: string): boolean {
  if (member.startsWith("arn:")) return globMatch(member, arn);
  const [, account = "", name = ""] = /^CodeCommitApprovers:([^:]+):(.+)$/.exec(member) ?? [];
  const user = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn);
  const session = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/[^/]+\/([^/]+)$/.exec(arn);
  const found = user ?? session;
  if (!found) return false;
  return globMatch(account, found[1] ?? "") && globMatch(name, found[2] ?? "");
}

/** Whether the approvals (by principal ARN) satisfy every statement of a rule. */
export function ruleSatisfied(rule: ApprovalRuleContent, approvers: readonly string[]): boolean {
  return rule.Statements.every((statement) => {
    const pool = statement.ApprovalPoolMembers;
    const counted =
      pool === undefined ? approvers : approvers.filter((a) => pool.some((m) => poolMemberMatches(m, a)));
    return counted.length >= statement.NumberOfApprovalsNeeded;
  });
}
