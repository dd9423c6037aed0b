/**
 * Errors of the Scantrust upload API, in the shape its clients (Django REST framework) expect:
 * `{"detail": "..."}`, or `{"<field>": ["<message>"]}` for a field. The gateway renders `body`
 * with `status`.
 */
export class ScantrustApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.detail === 'string' ? body.detail : JSON.stringify(body));
    this.name = new.target.name;
  }

  static detail(status: number, detail: string): ScantrustApiError {
    return new ScantrustApiError(status, { detail });
  }

  static field(field: string, message: string): ScantrustApiError {
    return new ScantrustApiError(400, { [field]: [message] });
  }

  static notFound(): ScantrustApiError {
    return ScantrustApiError.detail(404, 'Not found.');
  }
}

/**
 * An uploaded file that cannot be taken as it is (not UTF-8, not parseable, empty, too large):
 * the record ends `error` with this message; retrying cannot help.
 */
export class CodeFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
