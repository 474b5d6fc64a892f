import { QueryFailedError, TypeORMError } from 'typeorm';
import { isDatabaseUnavailableError } from './database-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailableError', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['server went away', new Error('Connection terminated unexpectedly')],
    ['TypeORM before initialisation', new TypeORMError('Driver not Connected')],
    ['admin shutdown', withCode('57P01')],
    ['cannot connect now (starting up)', withCode('57P03')],
    ['too many connections', withCode('53300')],
    ['connection exception class 08', withCode('08006')],
    ['statement timeout', withCode('57014')],
  ])('%s → unavailable', (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it('looks through a TypeORM QueryFailedError at its driver error', () => {
    const wrapped = new QueryFailedError(
      'SELECT 1',
      [],
      withCode('57P01', 'terminating connection'),
    );
    expect(isDatabaseUnavailableError(wrapped)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s → not unavailable', (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});
