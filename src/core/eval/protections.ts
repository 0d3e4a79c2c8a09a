/**
 * What the sandbox enforced, in words, for the dashboard, the Testing view and the CLI: every
 * protection that was in force and, as plainly, every one that was not.
 */
import type { LegacyProtections, Protections } from './types';

/** The protections as short phrases; the ones missing start with "NOT". */
export function describeProtections(p: Protections | LegacyProtections): string[] {
  if (p.version !== 2) {
    const old = p as LegacyProtections;
    return [
      'recorded by an earlier sandbox version',
      old.forkServer ? 'fork server' : 'fresh interpreter per program',
      old.network ? 'no network' : 'network NOT isolated',
      ...(old.pidNamespace ? ['pid namespace'] : []),
      'files: NOT isolated',
    ];
  }
  const out = [p.forkServer ? 'fork server' : 'fresh worker per program'];
  out.push(p.filesystem === 'interpreters-only' ? `files: only the interpreters, read-only (bubblewrap ${p.bubblewrap})` : `files: NOT isolated (the host's, as uid ${p.uid} may read and write them)`);
  out.push(p.network === 'none' ? 'no network' : 'network NOT isolated');
  out.push(p.namespaces.length ? `own ${p.namespaces.join(', ')} namespaces` : 'NO namespaces of its own');
  if (p.namespaces.includes('pid')) out.push(p.freshProc ? '/proc shows only its processes' : "/proc shows the worker's processes");
  out.push(p.privateDirs.length ? `fresh ${p.privateDirs.join(' ')}` : 'NO private /tmp');
  out.push(p.dedicatedUid ? `dedicated uid ${p.uid}` : `your uid (${p.uid}), no privileges`);
  out.push(`memory: ${p.limits.memory}`, `processes: ${p.limits.processes}`, `CPU: ${p.limits.cpu}`);
  out.push(p.seccomp.length ? `seccomp refuses ${p.seccomp.join(', ')}` : 'NO seccomp filter');
  out.push('python -I, clean environment, wall-clock and output limits');
  return [...out, ...p.notes.map((n) => `note: ${n}`)];
}
