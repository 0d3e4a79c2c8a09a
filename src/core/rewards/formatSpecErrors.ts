import type { SpecError } from './spec';

/** One line per problem, as `file:line:column /pointer: message`, the way compilers print them. */
export function formatSpecErrors(errors: SpecError[], limit = errors.length): string {
  const lines = errors.slice(0, limit).map((e) => {
    const where = e.line > 0 ? `${e.source}:${e.line}:${e.column}` : e.source;
    return `${where} ${e.pointer ? `${e.pointer}: ` : ''}${e.message}`;
  });
  if (errors.length > limit) lines.push(`(and ${errors.length - limit} more)`);
  return lines.join('\n');
}
