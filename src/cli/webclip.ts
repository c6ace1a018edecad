#!/usr/bin/env node
// The `webclip` executable. The command is imported only where it runs: a process that only
// starts `webclip index` again (huge-pages.ts) does not load it.
import { runWithHugePages, wantsHugePages } from './huge-pages';

const relaunched = wantsHugePages() ? await runWithHugePages() : null;
if (relaunched === null) await (await import('./main')).main();
else process.exitCode = relaunched;
