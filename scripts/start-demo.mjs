#!/usr/bin/env node
// `npm start`: the extension loaded from this repository (like F5: an extensionDevelopmentPath payload,
// so a rebuild + window reload picks up changes) in code-server, with the demo workspace examples/ open,
// or the folder given (`npm start -- ~/my-runs`). Serves on 127.0.0.1:${PORT:-8080} until Ctrl+C. Installs code-server first when it is missing (once).
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { ensureCodeServer, makeProfile, REPO_ROOT, startCodeServer } from './code-server.mjs';

const port = Number(process.env.PORT || 8080);
// npm runs scripts from the project root; a relative folder is meant from where the user typed the command
const workspace = process.argv[2] ? path.resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2]) : path.join(REPO_ROOT, 'examples');
if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
  console.error(`${workspace} is not a folder: give the folder to open, e.g. npm start -- ~/my-runs`);
  process.exit(2);
}
try {
  ensureCodeServer();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
if (!existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` (npm start does it for you).');
  process.exit(1);
}
// A throw-away profile so the demo never mixes with your own VS Code settings or extensions.
const profile = makeProfile({ prefix: 'rl-demo-' });
let server;
const shutdown = (code) => {
  server?.stop(); // kills code-server's whole process group (extension host, file watcher)
  profile.remove();
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  server = await startCodeServer(profile, { port });
} catch (e) {
  console.error(`could not start code-server on 127.0.0.1:${port}: ${e.message.split('\n')[0]}\n(another server on that port? try PORT=8081 npm start)`);
  shutdown(1);
}
server.proc.on('exit', (code) => { console.error(`code-server exited (${code})`); shutdown(code ?? 1); });
const url = server.url(workspace, [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)]]);
console.log(`\nReasoning Lab demo: code-server ${server.host} (extension from ${REPO_ROOT})`);
console.log(`Open ${url} in a browser`);
console.log(`(plain workspace without the payload: http://${server.host}/?folder=${encodeURIComponent(workspace)})`);
console.log('Ctrl+C stops it.\n');
