/** What happened to the requests of one kind: answered 2xx, 4xx, 5xx, or not at all. */
export interface RequestTally {
  ok: number;
  client_error: number;
  /** 503: a dependency down, said as such (the client may try again). */
  unavailable: number;
  server_error: number;
  no_answer: number;
  /** A few 5xx answers, to be read (a 5xx under a fault is a finding). */
  server_error_samples: string[];
}

export interface Answer<T = unknown> {
  /** 0 when there was no answer (refused, reset, timed out). */
  status: number;
  body: T;
  /**
   * The gateway was not listening (connection refused): the request never reached it, so it can
   * be sent again without risk of doing it twice. A timeout or a reset is not that.
   */
  refused?: boolean;
}

/** A partner's HTTP client that never throws, and counts every answer by kind of request. */
export class ChaosClient {
  readonly tallies = new Map<string, RequestTally>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T = unknown>(
    kind: string,
    method: string,
    path: string,
    body?: unknown,
    /** Another caller's credentials (`UAT <token>` for the upload API); the admin's by default. */
    authorization = `Bearer ${this.token}`,
  ): Promise<Answer<T>> {
    const tally = this.tally(kind);
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text
      }
      if (response.status < 300) tally.ok++;
      else if (response.status < 500) tally.client_error++;
      else if (response.status === 503) tally.unavailable++;
      else {
        tally.server_error++;
        if (tally.server_error_samples.length < 5)
          tally.server_error_samples.push(
            `${method} ${path} → ${response.status} ${text.slice(0, 300)}`,
          );
      }
      return { status: response.status, body: parsed as T };
    } catch (error) {
      tally.no_answer++;
      const cause = (error as { cause?: { code?: string } }).cause;
      return { status: 0, body: undefined as T, refused: cause?.code === 'ECONNREFUSED' };
    }
  }

  /** The tally of one kind of request (created empty). */
  tally(kind: string): RequestTally {
    let tally = this.tallies.get(kind);
    if (!tally) {
      tally = {
        ok: 0,
        client_error: 0,
        unavailable: 0,
        server_error: 0,
        no_answer: 0,
        server_error_samples: [],
      };
      this.tallies.set(kind, tally);
    }
    return tally;
  }
}
