#!/usr/bin/env node
// Packages platform-specific VSIX files: reasoning-lab-<target>-<version>.vsix.
//
//   node scripts/package.mjs                       linux-x64 (the default)
//   node scripts/package.mjs --target darwin-arm64 one other target
//   node scripts/package.mjs --all                 every target below
//   --out-dir <dir>                                where the .vsix files go (default: the repository)
//
// Why per target: onnxruntime-node ships the native binaries of every platform (~300 MB in all); a VSIX
// must carry only its own platform's bin/napi-v6/<os>/<arch>. The shared exclusions live in .vscodeignore;
// for each target we write a temporary ignore file = .vscodeignore + the other platforms' binary folders,
// and hand it to vsce (vsce then reads only that file). After packaging, the VSIX is listed and checked.
// `npm run package` builds the production bundles first; vsce's createVSIX also runs `vscode:prepublish`.
import { createVSIX } from '@vscode/vsce';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listZipEntries } from './zip-entries.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** VS Code target → onnxruntime-node's bin/napi-v6/<os>/<arch> folder. */
export const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'darwin-x64': 'darwin/x64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};

/** Top-level folders and tooling that must never ship (paths inside the VSIX start with extension/). */
const FORBIDDEN = [
  /^extension\/(src|test|out|examples|scripts|bench|\.ci|\.vscode|test-results)\//,
  /^extension\/(tsconfig[^/]*\.json|esbuild\.mjs|package-lock\.json|\.npmrc)$/,
  /\.map$/,
  /^extension\/node_modules\/(typescript|esbuild|@esbuild|playwright-core|mocha|tsx|@vscode\/vsce|@vscode\/test-electron|@types)\//,
];

export async function packageTarget(target, { outDir = ROOT, log = console.log } = {}) {
  const ortDir = TARGETS[target];
  if (!ortDir) throw new Error(`unknown target "${target}"; use one of ${Object.keys(TARGETS).join(', ')}`);
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  mkdirSync(outDir, { recursive: true });
  const packagePath = path.join(outDir, `reasoning-lab-${target}-${version}.vsix`);

  const others = Object.values(TARGETS).filter((d) => d !== ortDir);
  const tmp = mkdtempSync(path.join(tmpdir(), 'rl-vsceignore-'));
  const ignoreFile = path.join(tmp, '.vscodeignore');
  writeFileSync(ignoreFile, [
    readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'),
    `# added by scripts/package.mjs for ${target}: the other platforms' onnxruntime binaries`,
    ...others.map((d) => `${ORT_BIN}/${d}/**`),
    '',
  ].join('\n'));
  const t0 = Date.now();
  try {
    await createVSIX({
      cwd: ROOT,
      packagePath,
      target,
      ignoreFile,
      dependencies: true, // vsce adds the production dependencies (npm list --production)
      // No public repository URL yet; without this vsce asks interactively (see the report to the lead).
      allowMissingRepository: true,
      // README's links to files beside it (ARCHITECTURE.md) stay relative: they resolve inside the installed extension.
      rewriteRelativeLinks: false,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const problems = checkVsix(packagePath, target);
  const mb = (statSync(packagePath).size / 1e6).toFixed(1);
  if (problems.length) {
    throw new Error(`${path.basename(packagePath)} is wrong:\n  - ${problems.join('\n  - ')}`);
  }
  log(`package: ${path.relative(process.cwd(), packagePath) || packagePath} OK (${mb} MB, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return packagePath;
}

/** Lists the VSIX and returns what is wrong with it (empty when it is fine). */
export function checkVsix(packagePath, target) {
  const names = listZipEntries(packagePath);
  const problems = [];
  const ortDir = TARGETS[target];
  for (const re of FORBIDDEN) {
    const bad = names.filter((n) => re.test(n));
    if (bad.length) problems.push(`must not contain ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` (+${bad.length - 5} more)` : ''}`);
  }
  for (const d of Object.values(TARGETS).filter((x) => x !== ortDir)) {
    const bad = names.filter((n) => n.startsWith(`extension/${ORT_BIN}/${d}/`));
    if (bad.length) problems.push(`contains another platform's onnxruntime binaries: ${bad[0]}`);
  }
  // the evaluation's worker thread and the built-in problem set (Run Evaluation, Open Problem…, the Testing view)
  for (const required of ['extension/dist/evalWorker.js', 'extension/problems/builtin/merge-intervals/problem.md', 'extension/problems/builtin/merge-intervals/tests.json', 'extension/problems/builtin/merge-intervals/solution.py']) {
    if (!names.includes(required)) problems.push(`missing ${required}`);
  }
  const builtin = new Set(names.filter((n) => /^extension\/problems\/builtin\/[^/_][^/]*\/problem\.md$/.test(n)));
  if (builtin.size < 40) problems.push(`only ${builtin.size} built-in problems (problems/builtin/*/problem.md); expected at least 40`);
  if (names.some((n) => n.startsWith('extension/problems/builtin/_tools/'))) problems.push('contains problems/builtin/_tools/ (generator scripts)');
  for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/LICENSE.txt']) {
    if (!names.includes(required) && !(required.endsWith('LICENSE.txt') && names.includes('extension/LICENSE'))) {
      problems.push(`missing ${required}`);
    }
  }
  // onnxruntime-node 1.30 ships no darwin/x64 binaries: require the binary only where the package has one.
  const ownBinary = `${ORT_BIN}/${ortDir}/onnxruntime_binding.node`;
  if (existsSync(path.join(ROOT, ownBinary)) || target === 'linux-x64') {
    if (!names.includes(`extension/${ownBinary}`)) problems.push(`missing its own onnxruntime binary ${ownBinary}`);
  } else {
    console.warn(`package: warning: onnxruntime-node has no ${ortDir} binaries; the ${target} VSIX runs without the ONNX reward model`);
  }
  return problems;
}

async function main(argv) {
  const arg = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const targets = argv.includes('--all') ? Object.keys(TARGETS) : [arg('--target') ?? 'linux-x64'];
  const outDir = path.resolve(arg('--out-dir') ?? ROOT);
  for (const t of targets) await packageTarget(t, { outDir });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => { console.error(`package: ${e.message ?? e}`); process.exit(1); });
}
