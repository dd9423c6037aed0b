/** A partner's view of the API: JSON over HTTP with a bearer token, nothing else. */
export class PartnerApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text)
      parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown) {
    return this.request<T>('POST', path, body);
  }

  /** `data` of a successful response; throws with the error envelope otherwise. */
  async data<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const { status, body: response } = await this.request<{ data: T }>(method, path, body);
    if (status >= 300) throw new Error(`${method} ${path} → ${status} ${JSON.stringify(response)}`);
    return response.data;
  }

  async text(path: string): Promise<string> {
    const { status, body } = await this.request<string>('GET', path);
    if (status !== 200) throw new Error(`GET ${path} → ${status} ${JSON.stringify(body)}`);
    return typeof body === 'string' ? body : JSON.stringify(body);
  }
}
