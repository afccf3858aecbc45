import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS } from './config.js';

describe('configuration', () => {
  it('has defaults for a zero-configuration start on embedded storage', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      dataDir: './data',
      databaseUrl: undefined,
      trustProxy: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails fast naming every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(
      /PORT[\s\S]*DATABASE_URL/,
    );
  });

  it('reads the pipeline partition count, one by default, refusing less than one', () => {
    expect(loadConfig({}).pipelinePartitions).toBe(1);
    expect(loadConfig({ TANDEM_PIPELINE_PARTITIONS: '8' }).pipelinePartitions).toBe(8);
    expect(() => loadConfig({ TANDEM_PIPELINE_PARTITIONS: '0' })).toThrow(/TANDEM_PIPELINE_PARTITIONS/);
    expect(() => loadConfig({ TANDEM_PIPELINE_PARTITIONS: '2.5' })).toThrow(/TANDEM_PIPELINE_PARTITIONS/);
  });

  it('reads a switch as on or off in the usual spellings, refusing others', () => {
    for (const on of ['1', 'true', 'yes', 'on'])
      expect(loadConfig({ TANDEM_ANALYTICS_COPY: on }).analyticsCopy).toBe(true);
    for (const off of ['0', 'false', 'no', 'off']) {
      expect(loadConfig({ TANDEM_ANALYTICS_COPY: off }).analyticsCopy).toBe(false);
    }
    expect(() => loadConfig({ TANDEM_ANALYTICS_COPY: 'enabled' })).toThrow(/TANDEM_ANALYTICS_COPY/);
  });

  it('is documented: the README lists every variable', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const setting of Object.values(SETTINGS)) expect(readme).toContain(`\`${setting.env}\``);
  });
});
