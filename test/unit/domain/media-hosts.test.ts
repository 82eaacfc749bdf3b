import { describe, expect, it } from 'vitest';
import { mediaUrlProblem } from '../../../functions/core/domain/media-hosts.ts';

const fal = { hosts: ['fal.media', '*.fal.media'], allowLocal: false };
const local = { hosts: ['fal.media', '*.fal.media', '127.0.0.1:4001'], allowLocal: true };
const problem = (url: string, rules = fal) => mediaUrlProblem(new URL(url), rules);

describe('fal media hosts (M1: what the archiver may fetch)', () => {
  it.each([
    'https://v3.fal.media/files/b/x/output.mp4',
    'https://v3b.fal.media/files/b/x/output.mp4',
    'https://fal.media/files/x.mp4',
  ])('allows %s', (url) => {
    expect(problem(url)).toBeUndefined();
  });

  it.each([
    ['http on a fal host', 'http://v3.fal.media/files/x.mp4'],
    ['a look-alike domain', 'https://evilfal.media/x.mp4'],
    ['a suffix trick', 'https://v3.fal.media.attacker.example/x.mp4'],
    ['another port', 'https://v3.fal.media:8443/x.mp4'],
    ['credentials', 'https://user:pw@v3.fal.media/x.mp4'],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data/'],
    ['loopback', 'https://127.0.0.1:4001/files/x.mp4'],
  ])('refuses %s', (_, url) => {
    expect(problem(url)).toEqual(expect.any(String));
  });

  it('locally allows the emulator’s host and port, and nothing else on loopback', () => {
    expect(problem('http://127.0.0.1:4001/files/x.mp4', local)).toBeUndefined();
    expect(problem('http://127.0.0.1:4000/_local/archive-queue', local)).toContain('127.0.0.1:4000');
    expect(problem('http://localhost:4001/files/x.mp4', local)).toBeDefined();
  });
});
