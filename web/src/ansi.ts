// A small reader for the ANSI colour codes build tools print: SGR sequences (ESC [ … m) become
// class names on plain text segments; every other escape sequence is dropped. The result is
// rendered as React elements, so nothing from a log is ever treated as markup.

export interface AnsiSegment {
  text: string;
  /** Space-separated class names from ansi.css, empty for plain text. */
  classes: string;
}

interface Style {
  bold: boolean;
  fg: string | undefined;
  bg: string | undefined;
}

const COLOURS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ESC \), character set and other
// nF escapes (ESC ( B), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[([0-9;?]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]+[0-~]|[@-Z\\-_]|$)/g;
// Other control characters, except tab, have no business in a rendered line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

function apply(style: Style, params: string): Style {
  const next = { ...style };
  const codes = params === "" ? [0] : params.split(";").map((p) => (p === "" ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) {
      next.bold = false;
      next.fg = undefined;
      next.bg = undefined;
    } else if (code === 1) next.bold = true;
    else if (code === 22) next.bold = false;
    else if (code >= 30 && code <= 37) next.fg = COLOURS[code - 30];
    else if (code >= 90 && code <= 97) next.fg = `bright-${COLOURS[code - 90]}`;
    else if (code === 39) next.fg = undefined;
    else if (code >= 40 && code <= 47) next.bg = COLOURS[code - 40];
    else if (code >= 100 && code <= 107) next.bg = `bright-${COLOURS[code - 100]}`;
    else if (code === 49) next.bg = undefined;
    else if (code === 38 || code === 48) {
      // 256-colour and true-colour forms are skipped with their arguments.
      const mode = codes[i + 1];
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
  }
  return next;
}

function classesOf(style: Style): string {
  const classes: string[] = [];
  if (style.bold) classes.push("ansi-bold");
  if (style.fg) classes.push(`ansi-fg-${style.fg}`);
  if (style.bg) classes.push(`ansi-bg-${style.bg}`);
  return classes.join(" ");
}

/** A line split into styled segments; adjacent text with the same style is merged. */
export function parseAnsi(raw: string): AnsiSegment[] {
  // A carriage return redraws the line in a terminal (progress bars): only the last text shows.
  const parts = raw.replace(/[\r\n]+$/, "").split("\r");
  const line = parts[parts.length - 1] ?? "";
  const segments: AnsiSegment[] = [];
  let style: Style = { bold: false, fg: undefined, bg: undefined };
  let last = 0;
  const push = (raw: string) => {
    const text = raw.replace(CONTROL, "");
    if (text === "") return;
    const classes = classesOf(style);
    const previous = segments[segments.length - 1];
    if (previous && previous.classes === classes) previous.text += text;
    else segments.push({ text, classes });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === "m" && match[1] !== undefined && !match[1].includes("?")) style = apply(style, match[1]);
  }
  push(line.slice(last));
  return segments;
}

/** The line's text without any escape sequences, for searching. */
export function stripAnsi(line: string): string {
  return parseAnsi(line)
    .map((segment) => segment.text)
    .join("");
}
