import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, REPO_ROOT } from '../../infra/bundling.ts';

const outdir = mkdtempSync(join(tmpdir(), 'reelay-cdk-out-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('runs offline (no telemetry, notices or version check) and writes the template and bundles', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'npx',
      ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' },
        timeout: 110_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).not.toMatch(/AwsSolutions-/);
    // cdk.json leaves alarmEmail empty: say so, loudly, without failing the synth
    expect(stderr).toContain('WARNING alarmEmail is empty');

    const templateFile = join(outdir, 'ReelayStack.template.json');
    expect(existsSync(templateFile)).toBe(true);
    const template = JSON.parse(readFileSync(templateFile, 'utf8'));
    const functions = Object.values(
      template.Resources as Record<
        string,
        { Type: string; Properties: { Code: { S3Key: string }; Runtime: string } }
      >,
    ).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      // each function's code is a bundled asset: index.mjs with its source map, and the chunks it
      // loads on demand (the tracer's among them: infra/bundling.ts)
      const asset = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(asset, 'index.mjs')), asset).toBe(true);
      expect(existsSync(join(asset, 'index.mjs.map')), asset).toBe(true);
      expect(
        readdirSync(join(asset, 'chunks')).filter((file) => file.endsWith('.mjs')).length,
      ).toBeGreaterThan(0);
    }

    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    // the only entry: that warning, reported as a successful annotation check
    expect(report.pluginReports).toEqual([
      expect.objectContaining({
        pluginName: 'Construct Annotations',
        conclusion: 'success',
        violations: [
          expect.objectContaining({ ruleName: 'Annotation::reelay:no-alarm-email', severity: 'warning' }),
        ],
      }),
    ]);
  }, 120_000);
});
