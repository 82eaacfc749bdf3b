import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVideo } from '../../functions/core/jobs/create-video.ts';
import { startTestStack, type TestStack } from '../support/test-stack.ts';

describe('the create pipeline reads and checks each thing once', () => {
  let stack: TestStack;
  const calls = { tenants: 0, urls: [] as string[] };
  beforeAll(async () => {
    stack = await startTestStack();
    const { tenants, guardUrl } = stack.deps;
    const get = tenants.get.bind(tenants);
    tenants.get = (tenant) => {
      calls.tenants++;
      return get(tenant);
    };
    stack.deps.guardUrl = (url, param) => {
      calls.urls.push(param);
      return guardUrl(url, param);
    };
  });
  afterAll(() => stack.close());

  it('one read of the tenant’s limits and one check of each client URL, whatever the request asks', async () => {
    const image = `${stack.emulator?.url}/files/start.png`;
    const { job } = await createVideo(stack.deps, 'local', {
      prompt: 'a lighthouse in a storm',
      seconds: '4',
      style: 'film-noir',
      enhancePrompt: true,
      imageUrl: image,
      callbackUrl: 'http://127.0.0.1:9/hook',
    });
    expect(job.spec.creative).toMatchObject({ style: 'film-noir' });
    expect(calls.tenants).toBe(1);
    expect(calls.urls.sort()).toEqual(['callback_url', 'image_url']);
  });
});
