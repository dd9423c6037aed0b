import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './pg-error';

/** The errors seen in the gateway while every backend of its database was terminated. */
describe('isDatabaseUnavailable', () => {
  const pg = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

  it.each([
    [
      'terminated by an administrator (57P01)',
      wrapped(pg('57P01', 'terminating connection due to administrator command')),
    ],
    ['server shutting down (57P02)', pg('57P02')],
    ['server starting up (57P03)', pg('57P03', 'the database system is starting up')],
    ['connection failure (08006)', pg('08006')],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['connection ended mid-query', wrapped(new Error('Connection terminated unexpectedly'))],
    ['pool gave up connecting', new Error('timeout exceeded when trying to connect')],
  ])('is true when %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', wrapped(pg('23505'))],
    ['a syntax error', pg('42601')],
    ['a statement timeout (57014)', pg('57014', 'canceling statement due to statement timeout')],
    ['an error of the code', new TypeError('x is undefined')],
    ['a string', 'Connection terminated'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
