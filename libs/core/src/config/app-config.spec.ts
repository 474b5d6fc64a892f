import { AppConfig, ConfigValidationError } from './app-config';

describe('AppConfig', () => {
  it('applies defaults: embedded database and Redis, port 3000 on loopback, role all', () => {
    const config = new AppConfig({});
    expect(config.env.PORT).toBe(3000);
    expect(config.env.HOST).toBe('127.0.0.1');
    expect(config.env.ROLE).toBe('all');
    expect(config.env.DATA_DIR).toBe('./.data');
    expect(config.embeddedDatabase).toBe(true);
    expect(config.embeddedRedis).toBe(true);
    expect(config.runsApi && config.runsWorker).toBe(true);
  });

  it('reads real services from URLs and coerces numbers and booleans', () => {
    const config = new AppConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      REDIS_URL: 'redis://h:6379',
      PORT: '8080',
      ROLE: 'worker',
      DOCS_ENABLED: 'false',
    });
    expect(config.embeddedDatabase).toBe(false);
    expect(config.embeddedRedis).toBe(false);
    expect(config.env.PORT).toBe(8080);
    expect(config.env.DOCS_ENABLED).toBe(false);
    expect(config.runsApi).toBe(false);
    expect(config.runsWorker).toBe(true);
  });

  it('treats empty URLs as unset (embedded)', () => {
    expect(new AppConfig({ DATABASE_URL: '', REDIS_URL: '' }).embeddedDatabase).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ROLE', 'both'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    let error: unknown;
    try {
      new AppConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as Error).message).toContain(`${name}=`);
  });

  it('derives a config with overrides without touching the original', () => {
    const base = new AppConfig({ PORT: '4000' });
    const derived = base.with({ ROLE: 'api' });
    expect(derived.env.PORT).toBe(4000);
    expect(derived.env.ROLE).toBe('api');
    expect(base.env.ROLE).toBe('all');
  });
});
