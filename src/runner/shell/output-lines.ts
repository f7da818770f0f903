import { StringDecoder } from "node:string_decoder";

/** Receives one line of output, without its newline. */
export type LineListener = (line: string) => void;

/** Longest fence the session uses; a partial line keeps this many characters back while fences are expected. */
export const FENCE_LENGTH = 40;

/**
 * Splits one output stream into lines as it arrives, and finds the fences that mark the end of a
 * command's output. Bytes are decoded as UTF-8 with U+FFFD for anything invalid, so binary output
 * is harmless. Memory stays flat: only the unfinished last line is held, and a line longer than
 * `maxLineLength` is passed on in pieces.
 */
export class OutputLines {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";
  private readonly fences: { fence: string; reached: () => void }[] = [];

  /**
   * @param emit receives each line
   * @param maxLineLength characters after which an unfinished line is passed on anyway; default 65 536
   */
  constructor(
    private readonly emit: LineListener,
    private readonly maxLineLength = 65_536,
  ) {}

  /**
   * Calls `reached` when `fence` appears in the stream, after every line before it (including an
   * unfinished one) has been emitted. Fences are found in the order they were expected.
   */
  expectFence(fence: string, reached: () => void): void {
    this.fences.push({ fence, reached });
  }

  /** Stops expecting `fence` (the shell that was to print it has ended). */
  cancelFence(fence: string): void {
    const at = this.fences.findIndex((expected) => expected.fence === fence);
    if (at >= 0) this.fences.splice(at, 1);
  }

  /** Takes the next chunk of the stream. */
  write(chunk: Buffer | string): void {
    let text = this.partial + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    this.partial = "";
    for (let next = this.fences[0]; next !== undefined; next = this.fences[0]) {
      const at = text.indexOf(next.fence);
      if (at < 0) break;
      this.lines(text.slice(0, at), true);
      text = text.slice(at + next.fence.length);
      this.fences.shift();
      next.reached();
    }
    this.lines(text, false);
  }

  /** The stream ended: emits what is left as a last line. */
  end(): void {
    this.lines(this.partial + this.decoder.end(), true);
    this.partial = "";
  }

  private lines(text: string, final: boolean): void {
    let start = 0;
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n", start)) {
      this.emitLine(text.slice(start, newline));
      start = newline + 1;
    }
    let rest = text.slice(start);
    this.partial = "";
    if (final) {
      if (rest !== "") this.emitLine(rest);
      return;
    }
    // While more may come, keep a fence's length back so that a fence split across chunks is found whole.
    while (rest.length > this.maxLineLength + FENCE_LENGTH) {
      const cut = this.cutAt(rest);
      this.emit(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    this.partial = rest;
  }

  /** Emits a whole line, in pieces of at most `maxLineLength`. */
  private emitLine(line: string): void {
    let rest = line;
    while (rest.length > this.maxLineLength) {
      const cut = this.cutAt(rest);
      this.emit(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    this.emit(rest);
  }

  /** Where to cut a too-long line: never inside a surrogate pair, whose halves would each become U+FFFD. */
  private cutAt(text: string): number {
    return isHighSurrogate(text.charCodeAt(this.maxLineLength - 1))
      ? this.maxLineLength - 1
      : this.maxLineLength;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
