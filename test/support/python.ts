import { spawnSync } from 'node:child_process';

/** Debian's Python, where python3-torch and python3-numpy install; a python3 first on PATH may have neither. `.ci/run` installs them. */
export const PYTHON = '/usr/bin/python3';

const INSTALL = 'apt-get install -y python3-torch (it brings numpy)';

/** Why PYTHON cannot run with `modules` importable, or null when it can. */
function pythonProblem(modules: readonly string[]): string | null {
  const result = spawnSync(PYTHON, ['-c', modules.length === 0 ? 'pass' : `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (result.error) return `${PYTHON} does not run (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`;
  if (result.status !== 0) return `${PYTHON} cannot import ${modules.join(', ')}: ${result.stderr.trim().split('\n').at(-1)}`;
  return null;
}

/**
 * The `skip` option of a test that runs Python: skipped on a developer's machine without it, but
 * under CI=true never, so that there the test fails (in runPython) instead of checking nothing, as
 * a missing Chromium does.
 */
export function skipWithoutPython(modules: readonly string[] = []): string | false {
  if (process.env.CI === 'true') return false;
  const problem = pythonProblem(modules);
  return problem === null ? false : `${problem}; ${INSTALL}`;
}

/** Runs PYTHON with `args`; fails the test, saying why and how to fix it, unless the script exits 0. Returns its stdout. */
export function runPython(args: string[], options: { input?: Buffer; modules?: readonly string[] } = {}): Buffer {
  const problem = pythonProblem(options.modules ?? []);
  if (problem !== null) throw new Error(`${problem}; ${INSTALL}`);
  const result = spawnSync(PYTHON, args, { input: options.input, maxBuffer: 64 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`${PYTHON} ${args[0]} ... exited ${result.status}: ${result.stderr.toString()}`);
  return result.stdout;
}
