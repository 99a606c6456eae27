import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** A PyTorch reference script and the Python that runs it, both given by flag. */
export interface ReferenceScript {
  python: string;
  script: string;
}

/** Fails early, naming the flag, when the script is not there (a user has the repository, not the reference). */
export function requireReferenceScript(reference: ReferenceScript, flag = '--reference'): void {
  if (reference.script === '') {
    throw new Error(`this benchmark compares with a PyTorch reference script: pass its path with ${flag} (and the Python that has torch with --python)`);
  }
  if (!fs.existsSync(reference.script)) {
    throw new Error(`the PyTorch reference script ${reference.script} does not exist: pass its path with ${flag} (and the Python that has torch with --python)`);
  }
}

/** Runs the script with `args`; resolves with stdout and stderr, or rejects with them and the exit code. */
export function runReferenceScript(
  reference: ReferenceScript,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string; wallSeconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(reference.python, [reference.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr, wallSeconds: (performance.now() - started) / 1000 });
      else reject(new Error(`${reference.python} ${reference.script} ${args.join(' ')} failed (exit ${code}):\n${stdout}${stderr}`));
    });
  });
}
