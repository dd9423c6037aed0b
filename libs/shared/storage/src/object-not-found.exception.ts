/** The key asked for is not in the bucket (S3 `NoSuchKey` / HTTP 404). */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Object not found: ${key}`);
    this.name = new.target.name;
  }
}
