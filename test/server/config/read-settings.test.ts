// The rotating secrets (INKEEP_ANON_JWT_SECRET, INKEEP_POW_HMAC_SECRET): comma-separated lists
// in the environment, arrays in programmatic settings, every entry ≥ 32 characters.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/server/config/config-error.ts';
import { readSettings } from '../../../src/server/config/read-settings.ts';

const s1 = 'a'.repeat(32);
const s2 = 'b'.repeat(40);
const short = 'c'.repeat(31);
const pow = { algorithm: 'SHA-256', difficulty: 100, cost: 1, challengeTtlSeconds: 300 };

describe('rotating secrets from the environment', () => {
  it('reads a comma-separated list, newest first, entries trimmed', () => {
    const { settings } = readSettings({
      INKEEP_ANON_JWT_SECRET: ` ${s2} , ${s1}`,
      INKEEP_POW_HMAC_SECRET: `${s1},${s2}`,
    });
    expect(settings.jwtSecret).toEqual([s2, s1]);
    expect(settings.pow?.hmacSecret).toEqual([s1, s2]);
  });

  it('reads a single secret as a list of one', () => {
    const { settings } = readSettings({ INKEEP_ANON_JWT_SECRET: s1, INKEEP_POW_HMAC_SECRET: s2 });
    expect(settings.jwtSecret).toEqual([s1]);
    expect(settings.pow?.hmacSecret).toEqual([s2]);
  });

  for (const name of ['INKEEP_ANON_JWT_SECRET', 'INKEEP_POW_HMAC_SECRET']) {
    it(`${name}: every entry needs 32 characters, and the one line says which`, () => {
      const cases: [string, string][] = [
        [`${s1},${short}`, `${name} entry 2 must be at least 32 characters long`],
        [`${short},${s1}`, `${name} entry 1 must be at least 32 characters long`],
        // A stray comma leaves an empty entry.
        [`${s1},`, `${name} entry 2 must be at least 32 characters long`],
        [`${s1},,${s2}`, `${name} entry 2 must be at least 32 characters long`],
        [short, `${name} must be at least 32 characters long`],
        ['   ', `${name} must be at least 32 characters long`],
      ];
      for (const [value, message] of cases) {
        const read = () => readSettings({ INKEEP_ANON_JWT_SECRET: s1, [name]: value });
        expect(read, value).toThrow(ConfigError);
        expect(read, value).toThrow(new RegExp(`^${message}$`));
      }
    });
  }

  it('leaves PoW off and makes a random JWT secret when the variables are unset or empty', () => {
    const { settings, warnings } = readSettings({
      INKEEP_ANON_JWT_SECRET: '',
      INKEEP_POW_HMAC_SECRET: '',
    });
    expect(settings.pow).toBeUndefined();
    expect(settings.jwtSecret).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(warnings).toEqual([expect.stringMatching(/^INKEEP_ANON_JWT_SECRET is not set/)]);
  });
});

describe('rotating secrets passed as settings', () => {
  it('takes arrays (or a single string) and checks each entry', () => {
    const { settings } = readSettings(
      { INKEEP_ANON_JWT_SECRET: s1 },
      { jwtSecret: [s2, s1], pow: { ...pow, hmacSecret: [s2, s1] } },
    );
    expect(settings.jwtSecret).toEqual([s2, s1]);
    expect(settings.pow?.hmacSecret).toEqual([s2, s1]);
    expect(readSettings({}, { jwtSecret: s2 }).settings.jwtSecret).toEqual([s2]);

    expect(() => readSettings({}, { jwtSecret: [s2, short] })).toThrow(
      /^INKEEP_ANON_JWT_SECRET entry 2 must be at least 32 characters long$/,
    );
    expect(() => readSettings({}, { jwtSecret: short })).toThrow(
      /^INKEEP_ANON_JWT_SECRET must be at least 32 characters long$/,
    );
    expect(() => readSettings({}, { jwtSecret: [] })).toThrow(
      /^INKEEP_ANON_JWT_SECRET must list at least one secret$/,
    );
    expect(() => readSettings({}, { jwtSecret: s1, pow: { ...pow, hmacSecret: [short] } })).toThrow(
      /^INKEEP_POW_HMAC_SECRET must be at least 32 characters long$/,
    );
    expect(() => readSettings({}, { jwtSecret: s1, pow: { ...pow, hmacSecret: [] } })).toThrow(
      /^INKEEP_POW_HMAC_SECRET must list at least one secret$/,
    );
  });

  it('turns PoW off when the settings say so, whatever the environment', () => {
    const { settings } = readSettings(
      { INKEEP_ANON_JWT_SECRET: s1, INKEEP_POW_HMAC_SECRET: s2 },
      { pow: undefined },
    );
    expect(settings.pow).toBeUndefined();
  });
});

describe('operations settings', () => {
  it('defaults: info logs, no metrics address, 30 s of grace, 90 days of activity', () => {
    const { settings } = readSettings({});
    expect(settings.logLevel).toBe('info');
    expect(settings.metricsListen).toBeUndefined();
    expect(settings.shutdownGraceSeconds).toBe(30);
    expect(settings.activityRetentionDays).toBe(90);
    expect(
      readSettings({ INKEEP_ACTIVITY_RETENTION_DAYS: '30' }).settings.activityRetentionDays,
    ).toBe(30);
  });

  it('reads LOG_LEVEL, INKEEP_METRICS_LISTEN and INKEEP_SHUTDOWN_GRACE_SECONDS', () => {
    const { settings } = readSettings({
      LOG_LEVEL: 'WARN',
      INKEEP_METRICS_LISTEN: '[::1]:9464',
      INKEEP_SHUTDOWN_GRACE_SECONDS: '0',
    });
    expect(settings.logLevel).toBe('warn');
    expect(settings.metricsListen).toEqual({ host: '::1', port: 9464 });
    expect(settings.shutdownGraceSeconds).toBe(0);
    expect(readSettings({ INKEEP_METRICS_LISTEN: '0.0.0.0:9464' }).settings.metricsListen).toEqual({
      host: '0.0.0.0',
      port: 9464,
    });
  });

  it.each([
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    [{ INKEEP_METRICS_LISTEN: '9464' }, /INKEEP_METRICS_LISTEN must be host:port/],
    [{ INKEEP_METRICS_LISTEN: 'host:70000' }, /INKEEP_METRICS_LISTEN must be host:port/],
    [{ INKEEP_METRICS_LISTEN: 'http://host:80' }, /INKEEP_METRICS_LISTEN must be host:port/],
    [{ INKEEP_SHUTDOWN_GRACE_SECONDS: '3601' }, /INKEEP_SHUTDOWN_GRACE_SECONDS must be/],
    [{ INKEEP_SHUTDOWN_GRACE_SECONDS: '-1' }, /INKEEP_SHUTDOWN_GRACE_SECONDS must be/],
    // The dashboard shows 30 days.
    [{ INKEEP_ACTIVITY_RETENTION_DAYS: '29' }, /INKEEP_ACTIVITY_RETENTION_DAYS must be/],
  ])('refuses %o', (env, message) => {
    expect(() => readSettings(env)).toThrow(ConfigError);
    expect(() => readSettings(env)).toThrow(message);
  });
});
