/** Looking up users and groups by name with `id` / `getent`, for `runas` and `permissions`. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** True when the agent runs as root (it may then switch users and change owners). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The uid and primary gid of user `name`, or undefined when there is no such user. */
export async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", "--", name]), run("id", ["-g", "--", name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** The gid of group `name`, or undefined when there is no such group. */
export async function lookupGroup(name: string): Promise<number | undefined> {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    const { stdout } = await run("getent", ["group", "--", name]);
    const gid = Number(stdout.split(":")[2]);
    return Number.isInteger(gid) ? gid : undefined;
  } catch {
    return undefined;
  }
}
