import { describe, expect, it } from 'vitest';
import { createUrlGuard, type HostResolver } from '../../../functions/core/net/url-guard.ts';

const dns: Record<string, string[]> = {
  'images.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'private.example.com': ['10.0.0.7'],
  'mixed.example.com': ['93.184.215.14', '127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'metadata6.example.com': ['fd00:ec2::254'],
  'mapped.example.com': ['::ffff:192.168.0.1'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'linklocal6.example.com': ['fe80::1'],
  'cgnat.example.com': ['100.64.1.1'],
  'loopback.example.com': ['127.0.0.1'],
  'empty.example.com': [],
};
const resolver: HostResolver = async (host) => {
  const found = dns[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};
const strict = createUrlGuard({ allowLocal: false }, resolver);
const local = createUrlGuard({ allowLocal: true }, resolver);
const rejection = (param: string) =>
  expect.objectContaining({ kind: 'invalid_request', code: 'invalid_request', param });

describe('URL guard (SSRF)', () => {
  it('accepts an https URL whose every address is public', async () => {
    await expect(strict('https://images.example.com/cat.png', 'image_url')).resolves.toBe(
      'https://images.example.com/cat.png',
    );
    await expect(strict('https://93.184.215.14/a.png', 'callback_url')).resolves.toBeDefined();
  });

  it.each([
    ['private (RFC 1918)', 'https://private.example.com/a'],
    ['one private answer among public ones', 'https://mixed.example.com/a'],
    ['the IPv4 metadata address', 'https://metadata.example.com/latest/meta-data/'],
    ['the IPv6 metadata address', 'https://metadata6.example.com/'],
    ['an IPv4-mapped private address', 'https://mapped.example.com/'],
    ['NAT64 to the metadata address', 'https://nat64.example.com/'],
    ['IPv6 link-local', 'https://linklocal6.example.com/'],
    ['shared address space (CGNAT)', 'https://cgnat.example.com/'],
    ['loopback', 'https://loopback.example.com/'],
  ])('refuses a name that resolves to %s', async (_, url) => {
    await expect(strict(url, 'callback_url')).rejects.toThrow(rejection('callback_url'));
  });

  it.each([
    'https://127.0.0.1/',
    'https://10.0.0.1/',
    'https://172.31.255.255/',
    'https://192.168.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/',
    'https://[::1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://2130706433/', // 127.0.0.1 as one number: WHATWG URL parsing normalises it
    'https://0x7f.1/', // and in hex
    'https://localhost/',
    'https://metadata.google.internal/',
    'https://printer.local/',
  ])('refuses the literal or local host of %s', async (url) => {
    await expect(strict(url, 'image_url')).rejects.toThrow(rejection('image_url'));
  });

  it.each([
    'http://images.example.com/a.png',
    'ftp://images.example.com/a.png',
    'file:///etc/passwd',
    'https://user:pass@images.example.com/a.png',
    'not a url',
  ])('refuses %s (scheme, credentials, syntax)', async (url) => {
    await expect(strict(url, 'image_url')).rejects.toThrow(rejection('image_url'));
  });

  it('refuses a host that does not resolve, or resolves to nothing', async () => {
    await expect(strict('https://nowhere.example.com/', 'image_url')).rejects.toThrow(
      /could not be resolved/,
    );
    await expect(strict('https://empty.example.com/', 'image_url')).rejects.toThrow(/could not be resolved/);
  });

  it('gives up on a resolver that does not answer', async () => {
    const hanging = createUrlGuard({ allowLocal: false }, () => new Promise(() => undefined), 20);
    await expect(hanging('https://slow.example.com/', 'image_url')).rejects.toThrow(/could not be resolved/);
  });

  it('the local stack setting allows http and loopback, and still nothing else private', async () => {
    await expect(local('http://127.0.0.1:3001/a.png', 'image_url')).resolves.toBeDefined();
    await expect(local('http://localhost:3001/a.png', 'image_url')).rejects.toThrow(/could not be resolved/);
    await expect(local('https://loopback.example.com/', 'image_url')).resolves.toBeDefined();
    await expect(local('http://169.254.169.254/', 'image_url')).rejects.toThrow(rejection('image_url'));
    await expect(local('http://10.0.0.1/', 'image_url')).rejects.toThrow(rejection('image_url'));
    await expect(local('https://metadata.example.com/', 'image_url')).rejects.toThrow(rejection('image_url'));
  });
});
