import { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { PublicErrorFilter } from './public-error.filter';

/** What the filter answers, through a stand-in of Express' response. */
function render(error: unknown) {
  const answer = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (answer.headers[name] = value),
    status(code: number) {
      answer.status = code;
      return this;
    },
    json: (body: unknown) => (answer.body = body),
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => response,
      getRequest: () => ({ method: 'GET', url: '/items/unique_code' }),
    }),
  } as unknown as ArgumentsHost;
  const filter = new PublicErrorFilter();
  (filter as unknown as { logger: { error(): void } }).logger = { error: () => undefined };
  filter.catch(error, host);
  return answer;
}

describe('PublicErrorFilter', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when the database connection was cut', () => {
    const cut = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
    );
    expect(render(cut)).toEqual({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: {
        errors: [
          {
            message: 'The database is not reachable right now; try again in a moment.',
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      },
    });
    expect(render(new Error('Connection terminated unexpectedly')).status).toBe(503);
  });

  it('still answers 500 for an error of the code', () => {
    expect(render(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      headers: {},
      body: { errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
    });
  });
});
