/**
 * The cron expressions of the DeploymentWindow rule, as CodePipeline's rule reference describes
 * them: six fields and an optional seventh, `seconds minutes hours day-of-month month day-of-week
 * [year]`, with `*`, `?`, ranges, lists, increments, month and weekday names (weekdays 1-7 are
 * SUN-SAT), `L`, `L-n` and `W` in day-of-month, `nL` and `n#k` in day-of-week. The window is open
 * during every minute the expression matches, in the rule's time zone. Seconds must be `*` or `0`
 * (the window is minute-grained). When both day fields are given, both must match.
 */

export class CronError extends Error {}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** Expressions longer than this are refused: a real one is far shorter. */
const MAX_LENGTH = 256;

interface Field {
  readonly values: ReadonlySet<number>;
  readonly any: boolean;
}

/** A local time's parts in the rule's time zone. */
export interface LocalTime {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number; // 1-31
  readonly weekday: number; // 1-7, SUN = 1
  readonly hour: number;
  readonly minute: number;
}

export interface Cron {
  matchesDay(t: LocalTime): boolean;
  matchesHour(hour: number): boolean;
  matchesMinute(minute: number): boolean;
}

function number(text: string, names: readonly string[] | undefined, offset: number, field: string): number {
  const upper = text.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + offset;
  if (!/^\d{1,4}$/.test(text))
    throw new CronError(`${field} has "${text}", which is not a number${names ? " or a name" : ""}.`);
  return Number(text);
}

/** One field's numeric part: `*`, `?`, `a`, `a-b`, `a/s`, `a-b/s`, `* /s`, comma lists. */
function parseField(
  text: string,
  field: string,
  min: number,
  max: number,
  names?: readonly string[],
  nameOffset = 0,
): Field {
  if (text === "*" || text === "?") return { values: new Set(), any: true };
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined || range === undefined || range === "")
      throw new CronError(`${field} has "${part}", which is not a value, range or increment.`);
    const step = stepText === undefined ? 1 : number(stepText, undefined, 0, field);
    if (step < 1) throw new CronError(`${field} increment must be at least 1.`);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [min, max];
    else {
      const [a, b, more] = range.split("-");
      if (more !== undefined) throw new CronError(`${field} has "${range}", which is not a range.`);
      from = number(a!, names, nameOffset, field);
      to = b === undefined ? (stepText === undefined ? from : max) : number(b, names, nameOffset, field);
    }
    if (from < min || to > max || from > to)
      throw new CronError(`${field} has "${part}"; values go from ${min} to ${max}.`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, any: false };
}

const has = (f: Field, v: number) => f.any || f.values.has(v);

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Weekday (1-7, SUN = 1) of a calendar date. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The day-of-month field, with L, L-n and W forms. */
function parseDayOfMonth(text: string): (t: LocalTime) => boolean {
  const field = "day-of-month";
  const last = /^L(?:-(\d{1,2}))?$/.exec(text);
  if (last) return (t) => t.day === daysIn(t.year, t.month) - Number(last[1] ?? 0);
  if (text === "LW") {
    return (t) => t.day === nearestWeekday(t.year, t.month, daysIn(t.year, t.month));
  }
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) throw new CronError(`${field} has "${text}"; days go from 1 to 31.`);
    return (t) => t.day === nearestWeekday(t.year, t.month, Math.min(day, daysIn(t.year, t.month)));
  }
  const plain = parseField(text, field, 1, 31);
  return (t) => has(plain, t.day);
}

/** The weekday nearest to `day` within its month (Quartz's `W`). */
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1; // Saturday
  if (weekday === 1) return day === daysIn(year, month) ? day - 2 : day + 1; // Sunday
  return day;
}

/** The day-of-week field, with `nL` (last such weekday) and `n#k` (k-th such weekday) forms. */
function parseDayOfWeek(text: string): (t: LocalTime) => boolean {
  const field = "day-of-week";
  if (text === "L") return (t) => t.weekday === 7;
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last) {
    const day = number(last[1]!, DAYS, 1, field);
    return (t) => t.weekday === day && t.day + 7 > daysIn(t.year, t.month);
  }
  const nth = /^([A-Za-z]{3}|\d)#([1-5])$/.exec(text);
  if (nth) {
    const day = number(nth[1]!, DAYS, 1, field);
    return (t) => t.weekday === day && Math.ceil(t.day / 7) === Number(nth[2]);
  }
  const plain = parseField(text, field, 1, 7, DAYS, 1);
  return (t) => has(plain, t.weekday);
}

/** Parses an expression; throws CronError saying which field is wrong and why. */
export function parseCron(expression: string): Cron {
  if (expression.length > MAX_LENGTH)
    throw new CronError(`the expression is longer than ${MAX_LENGTH} characters.`);
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) {
    throw new CronError(
      `it has ${fields.length} fields; it needs 6 or 7: seconds minutes hours day-of-month month day-of-week [year].`,
    );
  }
  const [seconds, minutes, hours, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (seconds !== "*" && seconds !== "0")
    throw new CronError(`seconds must be "*" (or 0), got "${seconds}".`);
  const minute = parseField(minutes, "minutes", 0, 59);
  const hour = parseField(hours, "hours", 0, 23);
  const dayOfMonth = parseDayOfMonth(dom);
  const monthField = parseField(month, "month", 1, 12, MONTHS, 1);
  const dayOfWeek = parseDayOfWeek(dow);
  const yearField = year === undefined ? undefined : parseField(year, "year", 1970, 2199);
  return {
    matchesDay: (t) =>
      has(monthField, t.month) && (!yearField || has(yearField, t.year)) && dayOfMonth(t) && dayOfWeek(t),
    matchesHour: (h) => has(hour, h),
    matchesMinute: (m) => has(minute, m),
  };
}

/** A function giving an instant's local time in `timeZone`; throws CronError for an unknown zone. */
export function localTimeIn(timeZone: string): (ms: number) => LocalTime {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  } catch {
    throw new CronError(
      `time zone "${timeZone}" is not an IANA time zone name (such as UTC or Europe/Paris).`,
    );
  }
  return (ms) => {
    const parts: Record<string, number> = {};
    for (const p of format.formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
    const t = { year: parts["year"]!, month: parts["month"]!, day: parts["day"]!, hour: parts["hour"]! % 24 };
    return { ...t, minute: parts["minute"]!, weekday: weekdayOf(t.year, t.month, t.day) };
  };
}

const MINUTE = 60_000;
/** How far ahead the next opening is looked for. */
const HORIZON_MS = 5 * 366 * 24 * 3600_000;

/** Whether the window is open at `now`. */
export function isOpen(cron: Cron, local: (ms: number) => LocalTime, now: number): boolean {
  const t = local(now);
  return cron.matchesDay(t) && cron.matchesHour(t.hour) && cron.matchesMinute(t.minute);
}

/**
 * The start of the next minute after `now` when the window is open, or undefined when it does not
 * open within five years. Skips whole days and hours that cannot match, so it takes at most a few
 * thousand steps.
 */
export function nextOpening(cron: Cron, local: (ms: number) => LocalTime, now: number): number | undefined {
  let at = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const end = now + HORIZON_MS;
  while (at < end) {
    const t = local(at);
    if (!cron.matchesDay(t)) at += ((23 - t.hour) * 60 + (60 - t.minute)) * MINUTE;
    else if (!cron.matchesHour(t.hour)) at += (60 - t.minute) * MINUTE;
    else if (!cron.matchesMinute(t.minute)) at += MINUTE;
    else return at;
  }
  return undefined;
}
