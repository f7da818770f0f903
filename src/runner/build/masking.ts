/**
 * Secret masking. The buildspec reference says values from `parameter-store` and `secrets-manager`
 * are masked in build logs; we also mask PARAMETER_STORE / SECRETS_MANAGER typed project variables.
 */

/** Replaces every known secret value in a log line by `***`. */
export class SecretMasker {
  private values: string[] = [];

  /**
   * Adds a secret. A multi-line value is masked line by line (each non-empty line), because the log
   * is stored and streamed one line at a time and a whole multi-line value never appears in one line.
   */
  add(value: string): void {
    for (const line of value.split(/\r?\n/)) {
      if (line.trim() !== "" && !this.values.includes(line)) this.values.push(line);
    }
    // Longest first, so a secret that contains another is masked whole.
    this.values.sort((a, b) => b.length - a.length);
  }

  /** `line` with every secret replaced by `***`. */
  mask(line: string): string {
    let out = line;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join("***");
    return out;
  }
}
