#!/usr/bin/env node
// The bin points at the compiled CLI so `npx headroom` runs what `npm run build` produced.
require('../dist/src/cli.js');
