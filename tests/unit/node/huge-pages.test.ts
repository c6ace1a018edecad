// When `webclip` runs itself again with glibc's allocator on huge pages (src/cli/huge-pages.ts):
// `index` only, Linux with glibc only, never twice, never when declined; and the tunables kept.
// (The relaunch itself runs in cli.test.ts' Ctrl-C test, which goes through it on Linux.)
import { describe, expect, it } from 'vitest';
import { hugePageTunables, wantsHugePages } from '../../../src/cli/huge-pages';

const host = (over: { platform?: NodeJS.Platform; env?: Record<string, string>; argv?: string[]; glibc?: string } = {}) => ({
  platform: over.platform ?? 'linux',
  env: over.env ?? {},
  argv: ['node', 'webclip', ...(over.argv ?? ['index', 'photos', '-o', 'p.webclip'])],
  glibc: () => ('glibc' in over ? over.glibc : '2.36'),
});

describe('webclip index on huge pages', () => {
  it('runs again for `index` on Linux with glibc, unless the tunable is set or it is declined', () => {
    expect(wantsHugePages(host())).toBe(true);
    expect(wantsHugePages(host({ argv: ['-q', 'index', 'photos', '-o', 'p.webclip'] }))).toBe(true);
    expect(wantsHugePages(host({ argv: ['search', 'p.webclip', 'a dog'] }))).toBe(false);
    expect(wantsHugePages(host({ argv: ['index', '--frobnicate'] }))).toBe(false);
    expect(wantsHugePages(host({ platform: 'darwin' }))).toBe(false);
    expect(wantsHugePages(host({ glibc: undefined as unknown as string }))).toBe(false);
    expect(wantsHugePages(host({ env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } }))).toBe(false);
    expect(wantsHugePages(host({ env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' } }))).toBe(false);
    expect(wantsHugePages(host({ env: { WEBCLIP_HUGE_PAGES: '0' } }))).toBe(false);
  });

  it('adds huge pages to the tunables already set', () => {
    expect(hugePageTunables(undefined)).toBe('glibc.malloc.hugetlb=1');
    expect(hugePageTunables('glibc.malloc.arena_max=2')).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });
});
