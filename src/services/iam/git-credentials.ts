import type { Selectable } from "kysely";
import { z } from "zod";
import { ServiceError } from "../../core/index.js";
import type { Database } from "../../platform/store/index.js";
import {
  awsEnum,
  awsString,
  decodePageToken,
  encodePageToken,
  operation,
  type OperationContext,
} from "../kit/index.js";
import { targetUserArn } from "./arns.js";
import {
  CODECOMMIT_SERVICE_NAME,
  hashServicePassword,
  newServiceCredentialId,
  newServicePassword,
} from "./service-credentials.js";
import type { IamDeps } from "./service.js";
import { maxItems } from "./ssh-keys.js";

type CredentialRow = Selectable<Database["iam_service_credentials"]>;

/** "You can have a maximum of two sets of service-specific credentials for each supported service per user." */
const MAX_PER_USER_AND_SERVICE = 2;

const userName = awsString(1, 64)
  .regex(/^[\w+=,.@-]+$/, "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
  .optional();
const credentialId = awsString(20, 128).regex(
  /^\w+$/,
  "Member must satisfy regular expression pattern: [\\w]+",
);

const MARKER_LISTING = "ListServiceSpecificCredentials";

/** Where a Marker resumes: after the credential created at `t` with id `i` (the listing's order). */
function decodeCredentialMarker(marker: string | undefined): { t: number; i: string } | undefined {
  const accept = (p: unknown): p is { t: number; i: string } =>
    typeof p === "object" &&
    p !== null &&
    typeof (p as { t?: unknown }).t === "number" &&
    typeof (p as { i?: unknown }).i === "string";
  return decodePageToken(
    marker,
    MARKER_LISTING,
    accept,
    () => new ServiceError("ValidationError", `Marker '${marker}' is not one this API returned`),
  );
}

function noSuchEntity(message: string): ServiceError {
  return new ServiceError("NoSuchEntity", message, { status: 404 });
}

/** Only CodeCommit's HTTPS git credentials exist here; AWS answers NotSupportedService for others. */
function checkServiceName(serviceName: string): void {
  if (serviceName !== CODECOMMIT_SERVICE_NAME) {
    throw new ServiceError(
      "NotSupportedService",
      `Service-specific credentials are not supported for the service '${serviceName}'; the only supported ServiceName is '${CODECOMMIT_SERVICE_NAME}'.`,
      { status: 404 },
    );
  }
}

/**
 * The user an operation acts on: `UserName` when given, else the caller ("If you do not specify
 * this value, then the operation assumes the user whose credentials are used to call the
 * operation"). Only the caller exists here until IAM users arrive, so any other name is NoSuchEntity.
 */
function targetUser(ctx: OperationContext, name: string | undefined): { userId: string; userName: string } {
  if (name !== undefined && name !== ctx.principal.userName) {
    throw noSuchEntity(`The user with name ${name} cannot be found.`);
  }
  return { userId: ctx.principal.userId, userName: ctx.principal.userName };
}

async function requireCredential(
  ctx: OperationContext,
  user: { userId: string; userName: string },
  id: string,
): Promise<CredentialRow> {
  const row = await ctx.trx
    .selectFrom("iam_service_credentials")
    .selectAll()
    .where("credential_id", "=", id)
    .where("user_id", "=", user.userId)
    .executeTakeFirst();
  if (!row)
    throw noSuchEntity(`The service-specific credential ${id} cannot be found for user ${user.userName}.`);
  return row;
}

function metadata(row: CredentialRow, user: string) {
  return {
    UserName: user,
    Status: row.status,
    ServiceUserName: row.service_user_name,
    CreateDate: new Date(Number(row.created_at)),
    ServiceSpecificCredentialId: row.credential_id,
    ServiceName: row.service_name,
  };
}

/**
 * The git user name of a new credential: `<user>-at-<account>` as AWS forms it, and for the
 * second credential of the same user `<user>+1-at-<account>`, so every user name names exactly one
 * credential.
 */
async function freeServiceUserName(ctx: OperationContext, user: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = `${user}${n === 0 ? "" : `+${n}`}-at-${ctx.accountId}`;
    const taken = await ctx.trx
      .selectFrom("iam_service_credentials")
      .select("credential_id")
      .where("service_user_name", "=", candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
}

// Service-specific credentials: the HTTPS git user name and password for `codecommit.amazonaws.com`.

export function createServiceSpecificCredential(deps: IamDeps) {
  return operation({
    name: "CreateServiceSpecificCredential",
    input: z.object({ UserName: userName, ServiceName: z.string() }),
    resource: (input, ctx) => targetUserArn(ctx, input.UserName),
    handler: async (input, ctx) => {
      checkServiceName(input.ServiceName);
      const user = targetUser(ctx, input.UserName);
      const existing = await ctx.trx
        .selectFrom("iam_service_credentials")
        .select("credential_id")
        .where("user_id", "=", user.userId)
        .where("service_name", "=", input.ServiceName)
        .execute();
      if (existing.length >= MAX_PER_USER_AND_SERVICE) {
        throw new ServiceError(
          "LimitExceeded",
          `Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${MAX_PER_USER_AND_SERVICE}`,
          { status: 409 },
        );
      }
      const password = newServicePassword();
      const { salt, hash } = await hashServicePassword(password);
      const row: CredentialRow = {
        credential_id: newServiceCredentialId(),
        user_id: user.userId,
        service_name: input.ServiceName,
        service_user_name: await freeServiceUserName(ctx, user.userName),
        password_salt: salt,
        password_hash: hash,
        status: "Active",
        created_at: deps.clock.now(),
      };
      await ctx.trx.insertInto("iam_service_credentials").values(row).execute();
      // The password is returned here and by Reset only; it cannot be read back later.
      return { ServiceSpecificCredential: { ...metadata(row, user.userName), ServicePassword: password } };
    },
  });
}

export function listServiceSpecificCredentials() {
  return operation({
    name: "ListServiceSpecificCredentials",
    input: z.object({
      UserName: userName,
      ServiceName: z.string().optional(),
      AllUsers: z.enum(["true", "false"]).optional(),
      Marker: awsString(1, 320).optional(),
      MaxItems: maxItems.optional(),
    }),
    resource: (input, ctx) => targetUserArn(ctx, input.UserName),
    handler: async (input, ctx) => {
      if (input.ServiceName !== undefined) checkServiceName(input.ServiceName);
      const allUsers = input.AllUsers === "true";
      const user = allUsers ? undefined : targetUser(ctx, input.UserName);
      // Credentials in their index order, each row's user name looked up by key: a page reads a page.
      let query = ctx.trx
        .selectFrom("iam_service_credentials as c")
        .selectAll("c")
        .select((eb) =>
          eb
            .selectFrom("iam_users as u")
            .select("u.user_name")
            .whereRef("u.user_id", "=", "c.user_id")
            .as("user_name"),
        )
        .where((eb) =>
          user
            ? eb("c.user_id", "=", user.userId)
            : eb.exists(
                eb
                  .selectFrom("iam_users as a")
                  .select("a.user_id")
                  .whereRef("a.user_id", "=", "c.user_id")
                  .where("a.account_id", "=", ctx.accountId),
              ),
        );
      if (input.ServiceName !== undefined) query = query.where("c.service_name", "=", input.ServiceName);
      const after = decodeCredentialMarker(input.Marker);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb("c.created_at", ">", after.t),
            eb.and([eb("c.created_at", "=", after.t), eb("c.credential_id", ">", after.i)]),
          ]),
        );
      }
      const limit = input.MaxItems ?? 100;
      const rows = await query
        .orderBy("c.created_at")
        .orderBy("c.credential_id")
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        ServiceSpecificCredentials: page.map((r) => metadata(r, r.user_name ?? "")),
        IsTruncated: rows.length > limit,
        ...(rows.length > limit && last
          ? { Marker: encodePageToken(MARKER_LISTING, { t: Number(last.created_at), i: last.credential_id }) }
          : {}),
      };
    },
  });
}

export function resetServiceSpecificCredential() {
  return operation({
    name: "ResetServiceSpecificCredential",
    input: z.object({ UserName: userName, ServiceSpecificCredentialId: credentialId }),
    resource: (input, ctx) => targetUserArn(ctx, input.UserName),
    handler: async (input, ctx) => {
      const user = targetUser(ctx, input.UserName);
      const row = await requireCredential(ctx, user, input.ServiceSpecificCredentialId);
      // "Resetting the password immediately invalidates the previous password": new salt, new hash.
      const password = newServicePassword();
      const { salt, hash } = await hashServicePassword(password);
      await ctx.trx
        .updateTable("iam_service_credentials")
        .set({ password_salt: salt, password_hash: hash })
        .where("credential_id", "=", row.credential_id)
        .execute();
      return { ServiceSpecificCredential: { ...metadata(row, user.userName), ServicePassword: password } };
    },
  });
}

export function updateServiceSpecificCredential() {
  return operation({
    name: "UpdateServiceSpecificCredential",
    input: z.object({
      UserName: userName,
      ServiceSpecificCredentialId: credentialId,
      // The model's enum also lists Expired, which only IAM itself sets.
      Status: awsEnum(["Active", "Inactive"]),
    }),
    resource: (input, ctx) => targetUserArn(ctx, input.UserName),
    handler: async (input, ctx) => {
      const user = targetUser(ctx, input.UserName);
      const row = await requireCredential(ctx, user, input.ServiceSpecificCredentialId);
      await ctx.trx
        .updateTable("iam_service_credentials")
        .set({ status: input.Status })
        .where("credential_id", "=", row.credential_id)
        .execute();
      // AWS answers this operation with the response metadata alone.
      return undefined;
    },
  });
}

export function deleteServiceSpecificCredential() {
  return operation({
    name: "DeleteServiceSpecificCredential",
    input: z.object({ UserName: userName, ServiceSpecificCredentialId: credentialId }),
    resource: (input, ctx) => targetUserArn(ctx, input.UserName),
    handler: async (input, ctx) => {
      const user = targetUser(ctx, input.UserName);
      const row = await requireCredential(ctx, user, input.ServiceSpecificCredentialId);
      await ctx.trx
        .deleteFrom("iam_service_credentials")
        .where("credential_id", "=", row.credential_id)
        .execute();
      // AWS answers this operation with the response metadata alone.
      return undefined;
    },
  });
}
