/** The worker lost a job's lease (it expired and another worker claimed it, or the job was cancelled). */
export class LeaseLostError extends Error {
  readonly jobId: number;
  constructor(jobId: number) {
    super(`lease on job ${jobId} was lost: it expired or the job was cancelled`);
    this.name = "LeaseLostError";
    this.jobId = jobId;
  }
}

/** The worker is stopping and its shutdown timeout passed while this job was still running. */
export class WorkerStoppingError extends Error {
  readonly jobId: number;
  constructor(jobId: number) {
    super(`worker stopped while job ${jobId} was running`);
    this.name = "WorkerStoppingError";
    this.jobId = jobId;
  }
}
