/** A sandbox option that cannot be honoured, e.g. a writable path that does not exist. */
export class SandboxOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`sandbox ${option}: ${message}`);
    this.name = "SandboxOptionError";
  }
}
