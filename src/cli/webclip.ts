#!/usr/bin/env node
// The `webclip` executable.
import { main } from './main';

await main();
