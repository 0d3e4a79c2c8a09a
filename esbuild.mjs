// Bundles the extension host, the CLI and every webview script (a webview's CSS is imported by its
// main.ts, so esbuild writes dist/media/<name>.css beside dist/media/<name>.js). `--watch` rebuilds on change,
// `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native modules are loaded by path at run time (their .node binaries cannot be bundled).
const nodeExternals = ['vscode', 'onnxruntime-node'];

// The sandbox's Python and JavaScript programs (src/core/eval/sandbox/*.py, driver.js), carried as text.
const sandboxDir = 'src/core/eval/sandbox';
const sandboxSources = Object.fromEntries(
  readdirSync(sandboxDir).filter((f) => f.endsWith('.py') || f === 'driver.js').map((f) => [f, readFileSync(`${sandboxDir}/${f}`, 'utf8')]),
);
const nodeDefine = { RL_SANDBOX_SOURCES: JSON.stringify(sandboxSources) };

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const webviews = readdirSync('media', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`media/${d.name}/main.ts`))
  .map((d) => d.name);

const builds = [
  {
    ...common,
    // evalWorker: the evaluation's worker thread (src/workers/evalWorker.ts), started by the extension host;
    // modelWorker: owns the ONNX sessions (src/workers/modelWorker.ts), started by the extension and the CLI;
    // agentWorker: trains agents and searches with them (src/workers/agentWorker.ts), started by the extension host;
    // tracesWorker: the Trace Explorer's passes over whole files and its word diffs (src/workers/tracesWorker.ts)
    // rewardFunctionWorker: runs workspace reward functions in the sandbox (src/workers/rewardFunctionWorker.ts), started by the extension host
    entryPoints: { extension: 'src/extension.ts', evalWorker: 'src/workers/evalWorker.ts', modelWorker: 'src/workers/modelWorker.ts', agentWorker: 'src/workers/agentWorker.ts', rewardFunctionWorker: 'src/workers/rewardFunctionWorker.ts', tracesWorker: 'src/workers/tracesWorker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    define: nodeDefine,
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    define: nodeDefine,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: Object.fromEntries(webviews.map((name) => [name, `media/${name}/main.ts`])),
    outdir: 'dist/media',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // KaTeX's fonts (the stylesheet media/shared/markdown.ts imports): copied beside the CSS, loaded under the panels' font-src
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    assetNames: 'fonts/[name]-[hash]',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching src/ and media/ (Ctrl+C to stop)');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
