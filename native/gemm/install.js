'use strict';
// npm runs this on install: it builds the addon with the node-gyp that npm ships. node-gyp
// downloads Node's headers unless told where they are, which fails offline; a Node installed
// from the official tarballs or a distribution package has them in <prefix>/include/node.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const prefix = path.resolve(path.dirname(process.execPath), '..');
const localHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) &&
  fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'));
const args = ['rebuild', ...(localHeaders ? [`--nodedir=${prefix}`] : [])];
// npm sets npm_config_node_gyp for lifecycle scripts; outside npm, node-gyp must be on PATH.
const nodeGyp = process.env.npm_config_node_gyp;
const result = nodeGyp
  ? spawnSync(process.execPath, [nodeGyp, ...args], { cwd: __dirname, stdio: 'inherit' })
  : spawnSync('node-gyp', args, { cwd: __dirname, stdio: 'inherit' });
if (result.error) {
  console.error(`headroom-native-gemm: could not run node-gyp: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
