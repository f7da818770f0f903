import { refusedAddress } from "../../../core/index.js";

/**
 * CloudWatch alarms do not exist here: a deployment group's alarm is a health check the server
 * runs while the deployment is in progress, and the alarm's name says which.
 * - `http://IP:PORT/path` or `https://…`: a GET that must answer with the status the fragment
 *   names (`http://127.0.0.1:8080/health#200`), by default any 2xx;
 * - `command:<shell command>`: a command that must exit 0.
 */
export type AlarmCheck =
  | {
      kind: "http";
      /** Without its fragment. */ url: string;
      /** Undefined: any 2xx. */ expectedStatus?: number;
    }
  | { kind: "command"; command: string };

/** A name that is no check: its state can never be read (a poll failure). */
export interface UnusableAlarm {
  kind: "unusable";
  reason: string;
}

/** The longest alarm name taken as a check (CloudWatch's own limit on alarm names). */
export const MAX_ALARM_NAME = 255;

/** What the accepted forms are, for messages. */
export const ALARM_FORMS =
  "an alarm here is a health check named http://IP:PORT/path (healthy on any 2xx), " +
  "http://IP:PORT/path#STATUS (healthy on that status), the same with https://, or command:<shell command> " +
  "(healthy when it exits 0)";

/** The check alarm `name` stands for, or why it stands for none. */
export function parseAlarmName(name: string): AlarmCheck | UnusableAlarm {
  const unusable = (why: string): UnusableAlarm => ({ kind: "unusable", reason: `${why}; ${ALARM_FORMS}` });
  if (name.length > MAX_ALARM_NAME) {
    return unusable(`the name has ${name.length} characters, more than ${MAX_ALARM_NAME}`);
  }
  if (name.startsWith("command:")) {
    const command = name.slice("command:".length).trim();
    return command ? { kind: "command", command } : unusable("command: is followed by no command");
  }
  if (!/^https?:\/\//i.test(name)) return unusable("it is neither an http(s) URL nor command:…");
  let url: URL;
  try {
    url = new URL(name);
  } catch {
    return unusable("it is not a valid URL");
  }
  if (url.username || url.password) return unusable("the URL carries credentials, which are not accepted");
  // URL writes an IPv6 host in brackets, and an IPv4 one in dotted decimal whatever it was given as.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const refused = refusedAddress(host);
  if (refused !== undefined) {
    return unusable(
      `its host ${url.hostname} is ${refused}: only IP addresses, not link-local, multicast or unspecified ones, are checked`,
    );
  }
  const fragment = url.hash.slice(1);
  url.hash = "";
  if (fragment === "") return { kind: "http", url: url.href };
  if (!/^[1-5]\d\d$/.test(fragment)) {
    return unusable(`its fragment #${fragment} is not an HTTP status (100 to 599)`);
  }
  return { kind: "http", url: url.href, expectedStatus: Number(fragment) };
}
