/** IAM's ARNs, made one way (core's formatArn). */
import { formatArn } from "../../core/index.js";

/** `arn:aws:iam::<account>:user/<name>`. */
export function userArn(accountId: string, name: string): string {
  return formatArn({ service: "iam", region: "", accountId, resource: `user/${name}` });
}

/**
 * The user an IAM operation acts on, as the resource of its authorization: the caller itself when
 * `UserName` is left out or names the caller, else that user.
 */
export function targetUserArn(
  ctx: { accountId: string; principal: { arn: string; userName: string } },
  name: string | undefined,
): string {
  if (name === undefined || name === ctx.principal.userName) return ctx.principal.arn;
  return userArn(ctx.accountId, name);
}
