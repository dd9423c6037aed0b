/**
 * A job that can never succeed as asked (its product vanished, the SSCC space is exhausted...).
 * The job is marked `error` with this message and the queue must not retry it.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
