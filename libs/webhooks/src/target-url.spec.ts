import { isPrivateAddress, targetUrlProblem } from './target-url';

describe('targetUrlProblem', () => {
  const strict = { allowPrivate: false };
  const lax = { allowPrivate: true };

  it('accepts public http and https URLs', () => {
    expect(targetUrlProblem('https://hooks.example.com/voucherify?x=1', strict)).toBeNull();
    expect(targetUrlProblem('http://hooks.example.com:8080/in', strict)).toBeNull();
  });

  it('rejects other schemes, relative URLs and credentials', () => {
    expect(targetUrlProblem('ftp://example.com/x', strict)).toMatch(/http or https/);
    expect(targetUrlProblem('file:///etc/passwd', strict)).toMatch(/http or https/);
    expect(targetUrlProblem('javascript:alert(1)', strict)).toMatch(/http or https/);
    expect(targetUrlProblem('/relative', strict)).toMatch(/absolute/);
    expect(targetUrlProblem('https://user:pw@example.com/', strict)).toMatch(/credentials/);
  });

  it('rejects loopback and private targets unless allowed', () => {
    for (const url of [
      'http://127.0.0.1:3000/h',
      'http://localhost/h',
      'http://[::1]/h',
      'http://10.1.2.3/h',
      'http://192.168.0.10/h',
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:127.0.0.1]/h',
    ]) {
      expect(targetUrlProblem(url, strict)).toMatch(/loopback or private/);
      expect(targetUrlProblem(url, lax)).toBeNull();
    }
  });
});

describe('isPrivateAddress', () => {
  it('classifies addresses', () => {
    expect(isPrivateAddress('172.16.0.1')).toBe(true);
    expect(isPrivateAddress('172.32.0.1')).toBe(false);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('fd00::1')).toBe(true);
    expect(isPrivateAddress('2001:db8::1')).toBe(false);
    expect(isPrivateAddress('example.com')).toBe(false);
  });
});
