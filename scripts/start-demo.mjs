#!/usr/bin/env node
// `npm start`: the extension loaded from this repository (like F5: an extensionDevelopmentPath payload,
// so a rebuild + window reload picks up changes) in code-server, with the demo workspace examples/ open.
// Serves on 127.0.0.1:${PORT:-8080} until Ctrl+C. Installs nothing: if code-server is missing, it says how.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { findCodeServer, INSTALL_COMMAND, makeProfile, REPO_ROOT, startCodeServer } from './code-server.mjs';

const port = Number(process.env.PORT || 8080);
if (!findCodeServer()) {
  console.error(`code-server is not installed. Install it once (about 1 minute) with:\n\n  ${INSTALL_COMMAND}\n`);
  process.exit(1);
}
if (!existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` (npm start does it for you).');
  process.exit(1);
}
const workspace = path.join(REPO_ROOT, 'examples');
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
