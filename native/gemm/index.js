'use strict';
// The compiled addon, built by `npm install` (install.js). Requiring this file throws when the
// build is missing, so that callers can fall back with the reason.
const path = require('node:path');

const binary = path.join(__dirname, 'build', 'Release', 'headroom_native_gemm.node');
let addon;
try {
  addon = require(binary);
} catch (error) {
  throw new Error(
    `headroom-native-gemm is not built (${binary}: ${error.message}); ` +
      'build it with `npm rebuild headroom-native-gemm`, which needs g++, make and python3',
    { cause: error },
  );
}

module.exports = {
  version: require('./package.json').version,
  instructions: 'avx2+fma',
  available: addon.available,
  // sgemm(m, n, k, a, b, c): row-major c[m, n] = a[m, k] . b[k, n], a batch of one.
  sgemm: (m, n, k, a, b, c) => addon.sgemmBatched(1, m, n, k, a, b, c),
  sgemmBatched: addon.sgemmBatched,
  adamw: addon.adamw,
};
