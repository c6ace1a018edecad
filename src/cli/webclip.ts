#!/usr/bin/env node
// The `webclip` executable.
import { runWithHugePages, wantsHugePages } from './huge-pages';
import { main } from './main';

const relaunched = wantsHugePages() ? await runWithHugePages() : null;
if (relaunched === null) await main();
else process.exitCode = relaunched;
