/**
 * Finding the processes of a build through Linux `/proc`. Process groups are not enough: a build's
 * `setsid daemon &` leaves the group, and once its parent exits it is re-parented out of the tree.
 * Every function here tolerates processes vanishing while it reads (they are read without locks).
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/** Pids of every process visible in /proc, or none where /proc does not exist (macOS). */
export function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** The pid namespace link of `pid` (`pid:[4026532178]`), or undefined when it is gone or unreadable. */
export function pidNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** The fields of `/proc/<pid>/stat` we use. */
export interface ProcStat {
  /** One letter: R running, S sleeping, Z zombie, … */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Clock ticks after boot when the process started: with the pid, it names one process for good. */
  startTime: string;
}

/** Parent, group and state of `pid`, or undefined when it is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name in parentheses may itself contain spaces and parentheses: parse after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    state: fields[0] ?? "?",
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    startTime: fields[19] ?? "",
  };
}

/** Parent pid of `pid`, or undefined when it is gone. */
export function parentPidOf(pid: number): number | undefined {
  return readProcStat(pid)?.ppid;
}

/** True when `pid` exists and is not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** Members of process group `pgid`. */
export function pidsInGroup(pgid: number): number[] {
  return listPids().filter((pid) => readProcStat(pid)?.pgrp === pgid);
}

/** Direct children of `pid`. */
export function childPidsOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "latin1").trim();
    if (text !== "") return text.split(" ").map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: fall through to the full scan.
  }
  return listPids().filter((candidate) => parentPidOf(candidate) === pid);
}

/** Every descendant of `root` (not `root` itself), from one snapshot of the parent links. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of listPids()) {
    const ppid = parentPidOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Pids whose pid namespace is `namespace` (a {@link pidNamespaceOf} value). */
export function pidsInNamespace(namespace: string): number[] {
  return listPids().filter((pid) => pidNamespaceOf(pid) === namespace);
}

/** Pids whose environment holds exactly `entry` (`NAME=value`); unreadable environments are skipped. */
export function pidsWithEnvEntry(entry: string): number[] {
  const needle = Buffer.from(`\0${entry}\0`);
  const found: number[] = [];
  for (const pid of listPids()) {
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue;
    }
    // Prefixing a NUL lets the first entry match like every other one.
    if (Buffer.concat([Buffer.from([0]), environ]).includes(needle)) found.push(pid);
  }
  return found;
}

/** Sends `signal` to each pid, ignoring processes that are already gone or not ours. */
export function signalPids(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: it ended meanwhile. EPERM: not ours (e.g. a reused pid); never ours to kill.
    }
  }
}

/** True while `pid` exists (a zombie counts until it is reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
