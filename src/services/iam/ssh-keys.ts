import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { randomKeyChars, ServiceError } from "../../core/index.js";
import type { Database } from "../../platform/store/index.js";
import {
  awsEnum,
  awsInt,
  awsString,
  operation,
  type OperationContext,
  type RequestContext,
} from "../kit/index.js";
import { targetUserArn } from "./arns.js";
import type { IamDeps } from "./service.js";
import { encodeSshPublicKey, parseSshPublicKeyBody } from "./ssh-key-format.js";

type SshKeyRow = Selectable<Database["iam_ssh_public_keys"]>;

/** IAM's quota "SSH public keys per IAM user": 5. */
export const MAX_SSH_KEYS_PER_USER = 5;

const userName = awsString(1, 64).regex(
  /^[\w+=,.@-]+$/,
  "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
);
const keyId = awsString(20, 128).regex(/^\w+$/, "Member must satisfy regular expression pattern: [\\w]+");
/** MaxItems of IAM's listings; Query-protocol numbers arrive as text. */
export const maxItems = z.preprocess(
  (v) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v),
  awsInt(1, 1000),
);

/** A new SSH public key id: `APKA` and 16 upper-case letters and digits, the shape IAM gives them. */
export function newSshPublicKeyId(): string {
  return `APKA${randomKeyChars(16)}`;
}

function noSuchUser(name: string): ServiceError {
  return new ServiceError("NoSuchEntity", `The user with name ${name} cannot be found.`, { status: 404 });
}

function noSuchKey(id: string, user: string): ServiceError {
  return new ServiceError("NoSuchEntity", `The Public Key with id ${id} cannot be found for user ${user}.`, {
    status: 404,
  });
}

const userArn = (input: { UserName?: string | undefined }, ctx: RequestContext): string =>
  targetUserArn(ctx, input.UserName);

/**
 * The user `name` in the caller's account: today only the root user exists (named as in
 * `root-user.ts`), so the caller's own name is the one that resolves and any other is NoSuchEntity.
 */
async function requireUser(
  ctx: OperationContext,
  name: string | undefined,
): Promise<{ id: string; name: string }> {
  if (name === undefined) return { id: ctx.principal.userId, name: ctx.principal.userName };
  const row = await ctx.trx
    .selectFrom("iam_users")
    .select(["user_id", "user_name"])
    .where("account_id", "=", ctx.accountId)
    .where("user_name", "=", name)
    .executeTakeFirst();
  if (!row) throw noSuchUser(name);
  return { id: row.user_id, name: row.user_name };
}

async function requireKey(
  trx: Kysely<Database>,
  user: { id: string; name: string },
  id: string,
): Promise<SshKeyRow> {
  const row = await trx
    .selectFrom("iam_ssh_public_keys")
    .selectAll()
    .where("ssh_public_key_id", "=", id)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!row) throw noSuchKey(id, user.name);
  return row;
}

function uploadDate(row: SshKeyRow): Date {
  return new Date(Math.floor(Number(row.uploaded_at) / 1000) * 1000);
}

/** `SSHPublicKey` as IAM returns it. */
function sshPublicKey(row: SshKeyRow, user: string, encoding: "SSH" | "PEM" | undefined) {
  const stored = { type: row.key_type, blob: Buffer.from(row.key_blob, "base64"), body: row.body };
  return {
    UserName: user,
    SSHPublicKeyId: row.ssh_public_key_id,
    Fingerprint: row.fingerprint,
    SSHPublicKeyBody: encoding === undefined ? row.body : encodeSshPublicKey(stored, encoding),
    Status: row.status,
    UploadDate: uploadDate(row),
  };
}

// SSH public keys for git over SSH.

export function uploadSSHPublicKey(deps: IamDeps) {
  return operation({
    name: "UploadSSHPublicKey",
    input: z.object({ UserName: userName, SSHPublicKeyBody: awsString(1, 16384) }),
    resource: userArn,
    handler: async (input, ctx) => {
      const user = await requireUser(ctx, input.UserName);
      const key = parseSshPublicKeyBody(input.SSHPublicKeyBody);
      const existing = await ctx.trx
        .selectFrom("iam_ssh_public_keys")
        .select(["ssh_public_key_id", "fingerprint"])
        .where("user_id", "=", user.id)
        .execute();
      const same = existing.find((k) => k.fingerprint === key.fingerprint);
      if (same) {
        throw new ServiceError(
          "DuplicateSSHPublicKey",
          `The SSH public key is already associated with user ${user.name} as ${same.ssh_public_key_id}.`,
        );
      }
      if (existing.length >= MAX_SSH_KEYS_PER_USER) {
        throw new ServiceError(
          "LimitExceeded",
          `Cannot exceed quota for PublicKeysPerUser: ${MAX_SSH_KEYS_PER_USER}`,
          { status: 409 },
        );
      }
      const row: SshKeyRow = {
        ssh_public_key_id: newSshPublicKeyId(),
        user_id: user.id,
        key_type: key.type,
        key_blob: key.blob.toString("base64"),
        body: input.SSHPublicKeyBody.trim(),
        fingerprint: key.fingerprint,
        status: "Active",
        // Milliseconds, so keys list in upload order; responses show whole seconds, as IAM's do.
        uploaded_at: deps.clock.now(),
      };
      await ctx.trx.insertInto("iam_ssh_public_keys").values(row).execute();
      return { SSHPublicKey: sshPublicKey(row, user.name, undefined) };
    },
  });
}

export function getSSHPublicKey() {
  return operation({
    name: "GetSSHPublicKey",
    input: z.object({ UserName: userName, SSHPublicKeyId: keyId, Encoding: awsEnum(["SSH", "PEM"]) }),
    resource: userArn,
    handler: async (input, ctx) => {
      const user = await requireUser(ctx, input.UserName);
      const row = await requireKey(ctx.trx, user, input.SSHPublicKeyId);
      return { SSHPublicKey: sshPublicKey(row, user.name, input.Encoding) };
    },
  });
}

export function listSSHPublicKeys() {
  return operation({
    name: "ListSSHPublicKeys",
    input: z.object({
      // "If none is specified, the UserName field is determined implicitly based on the AWS
      // access key used to sign the request."
      UserName: userName.optional(),
      Marker: awsString(1, 320).optional(),
      MaxItems: maxItems.optional(),
    }),
    resource: userArn,
    handler: async (input, ctx) => {
      const user = await requireUser(ctx, input.UserName);
      const rows = await ctx.trx
        .selectFrom("iam_ssh_public_keys")
        .selectAll()
        .where("user_id", "=", user.id)
        .orderBy("uploaded_at")
        .orderBy("ssh_public_key_id")
        // The quota bounds a user's keys, so the whole list is one short read; Marker names a row in it.
        .limit(MAX_SSH_KEYS_PER_USER)
        .execute();
      let start = 0;
      if (input.Marker !== undefined) {
        start = rows.findIndex((r) => r.ssh_public_key_id === input.Marker);
        if (start < 0) {
          throw new ServiceError("ValidationError", `Marker '${input.Marker}' is not one this API returned`);
        }
      }
      const limit = input.MaxItems ?? 100;
      const page = rows.slice(start, start + limit);
      const next = rows[start + limit];
      return {
        SSHPublicKeys: page.map((r) => ({
          UserName: user.name,
          SSHPublicKeyId: r.ssh_public_key_id,
          Status: r.status,
          UploadDate: uploadDate(r),
        })),
        IsTruncated: next !== undefined,
        ...(next ? { Marker: next.ssh_public_key_id } : {}),
      };
    },
  });
}

export function updateSSHPublicKey() {
  return operation({
    name: "UpdateSSHPublicKey",
    input: z.object({
      UserName: userName,
      SSHPublicKeyId: keyId,
      Status: awsEnum(["Active", "Inactive", "Expired"]),
    }),
    resource: userArn,
    handler: async (input, ctx) => {
      const user = await requireUser(ctx, input.UserName);
      await requireKey(ctx.trx, user, input.SSHPublicKeyId);
      // "Sets the status of an IAM user's SSH public key to active or inactive": Expired is a
      // status IAM reports, never one a caller sets.
      if (input.Status === "Expired") {
        throw new ServiceError("InvalidInput", "Status must be Active or Inactive; Expired cannot be set");
      }
      await ctx.trx
        .updateTable("iam_ssh_public_keys")
        .set({ status: input.Status })
        .where("ssh_public_key_id", "=", input.SSHPublicKeyId)
        .execute();
      // AWS answers this operation with the response metadata alone.
      return undefined;
    },
  });
}

export function deleteSSHPublicKey() {
  return operation({
    name: "DeleteSSHPublicKey",
    input: z.object({ UserName: userName, SSHPublicKeyId: keyId }),
    resource: userArn,
    handler: async (input, ctx) => {
      const user = await requireUser(ctx, input.UserName);
      await requireKey(ctx.trx, user, input.SSHPublicKeyId);
      await ctx.trx
        .deleteFrom("iam_ssh_public_keys")
        .where("ssh_public_key_id", "=", input.SSHPublicKeyId)
        .execute();
      // AWS answers this operation with the response metadata alone.
      return undefined;
    },
  });
}
