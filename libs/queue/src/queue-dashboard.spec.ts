import { operatorAuthorized } from './queue-dashboard';

describe('operatorAuthorized', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('accepts the token as Bearer or as the Basic password', () => {
    expect(operatorAuthorized('Bearer s3cret', 's3cret')).toBe(true);
    expect(operatorAuthorized(basic('anyone', 's3cret'), 's3cret')).toBe(true);
    expect(operatorAuthorized(basic('anyone', 'with:colon'), 'with:colon')).toBe(true);
  });

  it('rejects missing, wrong and malformed credentials', () => {
    expect(operatorAuthorized(undefined, 's3cret')).toBe(false);
    expect(operatorAuthorized('Bearer wrong', 's3cret')).toBe(false);
    expect(operatorAuthorized('Bearer s3cret2', 's3cret')).toBe(false);
    expect(operatorAuthorized(basic('s3cret', ''), 's3cret')).toBe(false);
    expect(operatorAuthorized('Token s3cret', 's3cret')).toBe(false);
  });
});
