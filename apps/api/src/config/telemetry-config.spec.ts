import { ConfigError, loadConfig } from './config';

describe('telemetry configuration', () => {
  it('has defaults that need nothing set', () => {
    const { telemetry } = loadConfig({});
    expect(telemetry).toEqual({
      metricsToken: undefined,
      flushIntervalMs: 5000,
      retentionDays: 30,
      drift: { enabled: true, samplePercent: 10, baselineRows: 1000, baselineMinutes: 60, minRows: 100, psiThreshold: 0.2, windowHours: 24 },
      payloads: { models: [], samplePercent: 1, retentionHours: 24 },
    });
  });

  it('reads every variable', () => {
    const { telemetry } = loadConfig({
      METRICS_TOKEN: 'a-scrape-token-of-32-characters!',
      MODELGATE_METRICS_FLUSH_SECONDS: '2',
      MODELGATE_METRICS_RETENTION_DAYS: '7',
      MODELGATE_DRIFT: 'false',
      MODELGATE_DRIFT_SAMPLE_PERCENT: '2.5',
      MODELGATE_DRIFT_PSI_THRESHOLD: '0.25',
      MODELGATE_PAYLOAD_LOG_MODELS: 'iris, mlp ,',
      MODELGATE_PAYLOAD_LOG_HOURS: '6',
    });
    expect(telemetry.metricsToken).toBe('a-scrape-token-of-32-characters!');
    expect(telemetry.flushIntervalMs).toBe(2000);
    expect(telemetry.retentionDays).toBe(7);
    expect(telemetry.drift).toMatchObject({ enabled: false, samplePercent: 2.5, psiThreshold: 0.25 });
    expect(telemetry.payloads).toMatchObject({ models: ['iris', 'mlp'], retentionHours: 6 });
  });

  it('refuses bad values, naming the variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ METRICS_TOKEN: 'short', MODELGATE_DRIFT_SAMPLE_PERCENT: '150', MODELGATE_DRIFT_PSI_THRESHOLD: 'high', MODELGATE_METRICS_FLUSH_SECONDS: '0' });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems.join('\n');
    expect(problems).toContain('METRICS_TOKEN must be at least 16 characters');
    expect(problems).toContain('MODELGATE_DRIFT_SAMPLE_PERCENT must be a number from 0 to 100, got "150"');
    expect(problems).toContain('MODELGATE_DRIFT_PSI_THRESHOLD must be a number');
    expect(problems).toContain('MODELGATE_METRICS_FLUSH_SECONDS must be a whole number from 1 to 300');
  });
});
