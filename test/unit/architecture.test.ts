// The layering rules of ARCHITECTURE.md, checked over every import in the tree, so a shortcut
// (a core module reaching into the editor, a webview reading core) fails here, not in review.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.ts$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Every module a file imports: project files as repo-relative paths without extension, packages by name. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|\brequire\('([^']+)'\)|\bimport\('([^']+)'\)/gm)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
  return specs.map((s) => (s.startsWith('.') ? path.normalize(path.join(path.dirname(file), s)) : s));
}

const layer = (p: string) => {
  const parts = p.split(path.sep);
  if (parts[0] === 'media') return 'media';
  if (parts[0] !== 'src') return parts[0];
  if (parts.length === 2) return parts[1].replace(/\.ts$/, ''); // extension.ts, cli.ts
  return parts[1];
};
const coreFeature = (p: string) => (p.startsWith(`src${path.sep}core${path.sep}`) ? p.split(path.sep)[2] : undefined);

test('core never imports the editor, a worker or the CLI, and takes only types from the contracts', () => {
  const bad: string[] = [];
  for (const f of sources('src/core')) {
    for (const i of importsOf(f)) {
      if (i === 'vscode' || ['vscode', 'workers', 'cli', 'extension', 'media', 'test'].includes(layer(i))) bad.push(`${f} imports ${i}`);
    }
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']*contracts[^']*)'/gm)) if (!m[1]) bad.push(`${f}: a value import from ${m[2]}`);
  }
  assert.deepEqual(bad, []);
});

test('the CLI and the workers import only core and the contracts (never the editor)', () => {
  const bad: string[] = [];
  for (const f of [...sources('src/cli'), 'src/cli.ts', ...sources('src/workers')]) {
    for (const i of importsOf(f)) {
      if (i === 'vscode' || ['vscode', 'extension', 'media', 'test'].includes(layer(i)) || (layer(f) === 'workers' && layer(i) === 'cli')) bad.push(`${f} imports ${i}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('webviews import only the contracts, media/shared and their own folder', () => {
  const bad: string[] = [];
  for (const f of sources('media')) {
    const own = f.split(path.sep).slice(0, 2).join(path.sep);
    for (const i of importsOf(f)) {
      if (!i.startsWith('src/') && !i.startsWith('media/')) continue; // an npm package bundled into the webview
      const ok = i.startsWith(`src${path.sep}contracts${path.sep}`) || i.startsWith(`media${path.sep}shared${path.sep}`) || i.startsWith(own + path.sep);
      if (!ok) bad.push(`${f} imports ${i}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the contracts hold types and constants only: they import nothing but types from core', () => {
  const bad: string[] = [];
  for (const f of sources('src/contracts')) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)) if (!m[1]) bad.push(`${f}: a value import from ${m[2]}`);
  }
  assert.deepEqual(bad, []);
});

test('no cycle between the features of core, nor between the editor adapters', () => {
  for (const [name, of] of [
    ['core', coreFeature],
    ['editor', (p: string) => (p.startsWith(`src${path.sep}vscode${path.sep}`) ? p.split(path.sep)[2] : undefined)],
  ] as const) {
    const edges = new Map<string, Set<string>>();
    const root = name === 'core' ? 'src/core' : 'src/vscode';
    for (const f of sources(root)) {
      const from = of(f);
      if (!from || from.endsWith('.ts')) continue;
      for (const i of importsOf(f)) {
        const to = of(i);
        if (to && to !== from && to !== 'shared' && !to.endsWith('.ts')) (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
      }
    }
    const cycles: string[] = [];
    const visit = (n: string, stack: string[]) => {
      if (stack.includes(n)) return void cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '));
      for (const m of edges.get(n) ?? []) visit(m, [...stack, n]);
    };
    for (const n of edges.keys()) visit(n, []);
    assert.deepEqual(cycles, [], `${name} features import each other`);
  }
});
