/**
 * User reward specs: a workspace file `.reasoning-lab/rewards.json` validated against
 * `schemas/rewards.schema.json` (draft-07, the same schema VS Code uses for completion in the editor).
 *
 *   { "$schema"?: string, "description"?: string, "venv"?: string,
 *     "components": { "<name>": { "weight": number, ...options of that function } } }
 *
 * A component whose name is not a built-in one is a workspace reward function: it names "module",
 * "function" and "style" (see WorkspaceFunctionSpec).
 *
 * Every error names the file, the JSON pointer and the 1-based line/column of the bad field (JSON
 * syntax errors too), and all errors are reported, not just the first.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, parseTree, printParseErrorCode, getNodeValue, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import schema from '../../../schemas/rewards.schema.json';
import { PRESETS } from './presets';
import { COMPONENT_NAMES, type ComponentName, type ComponentSpec, type ModelComponentName, type RewardSpec, type WorkspaceFunctionSpec } from './types';
import { errorMessage } from '../shared/errors';

export interface SpecError {
  /** The file (or preset name) the spec came from. */
  source: string;
  /** JSON pointer of the bad field, "" for the whole document. */
  pointer: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  message: string;
}

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
    validator = ajv.compile(schema);
  }
  return validator;
}

type SchemaNode = { properties?: Record<string, unknown> };
const DEFINITIONS = (schema as unknown as { definitions: Record<string, SchemaNode> }).definitions;
const BUILT_IN = new Set<string>(COMPONENT_NAMES);
const OWN_FUNCTION_HINT = 'or name your own Python function with "module", "function" and "style"';

/** A component that is neither built in nor an attempt at a workspace function (no "module" or "function"): a misspelled name. */
function isUnknownComponent(name: string, value: unknown): boolean {
  if (BUILT_IN.has(name)) return false;
  const c = valueAt(value, `/components/${escapePointer(name)}`);
  return !c || typeof c !== 'object' || Array.isArray(c) || (!('module' in c) && !('function' in c));
}

/** Line/column (1-based) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function escapePointer(seg: string): string {
  return seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Where a pointer is in the text: the value node, or the key of `property` inside it. */
function locate(text: string, root: Node | undefined, pointer: string, property?: string): { line: number; column: number } {
  if (!root) return { line: 1, column: 1 };
  const path = pointerToPath(pointer);
  let node = findNodeAtLocation(root, path);
  // walk up to the nearest existing ancestor
  while (!node && path.length > 0) {
    path.pop();
    node = findNodeAtLocation(root, path);
  }
  if (!node) return lineColumn(text, root.offset);
  if (property !== undefined && node.type === 'object') {
    const prop = node.children?.find((p) => p.children?.[0]?.value === property);
    if (prop?.children?.[0]) return lineColumn(text, prop.children[0].offset);
  }
  // point at the key of a property value when there is one ("weight": "x" → at "weight")
  if (node.parent?.type === 'property' && node.parent.children?.[0]) return lineColumn(text, node.parent.children[0].offset);
  return lineColumn(text, node.offset);
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value;
  for (const seg of pointerToPath(pointer)) {
    if (v && typeof v === 'object') v = (v as Record<string, unknown>)[seg];
    else return undefined;
  }
  return v;
}

/** Turn one ajv error into a message in the user's terms. */
function messageFor(e: ErrorObject, value: unknown): { pointer: string; property?: string; message: string } {
  const path = pointerToPath(e.instancePath);
  const where = e.instancePath === '' ? 'the spec' : `"${path.join('.')}"`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const pointer = `${e.instancePath}/${escapePointer(extra)}`;
      if (path.length === 0) {
        return { pointer, property: extra, message: `unknown field "${extra}" (allowed: $schema, description, components)` };
      }
      if (path.length === 1 && path[0] === 'components') {
        return { pointer, property: extra, message: `unknown component "${extra}" (known: ${COMPONENT_NAMES.join(', ')})` };
      }
      if (path.length === 2 && path[0] === 'components') {
        const known = Object.keys((DEFINITIONS[BUILT_IN.has(path[1]) ? path[1] : 'workspaceFunction'])?.properties ?? {});
        return { pointer, property: extra, message: `unknown option "${extra}" for component "${path[1]}" (allowed: ${known.join(', ')})` };
      }
      return { pointer, property: extra, message: `unknown field "${extra}" in ${where}` };
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { pointer: e.instancePath, message: `${where} is missing "${missing}"` };
    }
    case 'type': {
      const v = valueAt(value, e.instancePath);
      if (typeof v === 'number' && !Number.isFinite(v)) {
        return { pointer: e.instancePath, message: `${where} must be a finite number, got ${v}` };
      }
      const got = describeType(v);
      return { pointer: e.instancePath, message: `${where} must be ${(e.params as { type: string | string[] }).type}, got ${got}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
      return { pointer: e.instancePath, message: `${where} must be one of ${allowed}, got ${JSON.stringify(valueAt(value, e.instancePath))}` };
    }
    case 'pattern': {
      const named = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (named !== undefined) {
        return {
          pointer: `${e.instancePath}/${escapePointer(named)}`,
          property: named,
          message: `component name "${named}" must start with a letter or _ and hold only letters, digits, _ and - (64 at most)`,
        };
      }
      const got = JSON.stringify(valueAt(value, e.instancePath));
      if (path[path.length - 1] === 'function') return { pointer: e.instancePath, message: `${where} must be a Python function name, got ${got}` };
      if (path[path.length - 1] === 'module') {
        return { pointer: e.instancePath, message: `${where} must be a .py file in the workspace or a dotted module name (my_package.rewards), got ${got}` };
      }
      return { pointer: e.instancePath, message: `${where} ${e.message ?? 'is invalid'}` };
    }
    case 'minProperties':
      if (path.length === 1 && path[0] === 'components') {
        return { pointer: e.instancePath, message: `"components" is empty: name at least one reward function (${COMPONENT_NAMES.join(', ')}, ${OWN_FUNCTION_HINT})` };
      }
      return { pointer: e.instancePath, message: `${where} ${e.message ?? 'has too few properties'}` };
    default:
      return { pointer: e.instancePath, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

/** Parse and validate a spec file's text. `source` names the file in errors and becomes the spec's name. */
export function parseRewardSpec(text: string, source: string): { spec?: RewardSpec; errors: SpecError[] } {
  const errors: SpecError[] = [];
  if (text.trim() === '' || text.trim() === '\ufeff') {
    return { errors: [{ source, pointer: '', line: 1, column: 1, message: 'empty file: expected a JSON object with "components"' }] };
  }
  const parseErrors: ParseError[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors hide the BOM: columns without it
  const root = parseTree(body, parseErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const seenOffsets = new Set<number>();
  for (const pe of parseErrors) {
    if (seenOffsets.has(pe.offset)) continue; // one error per place: the first says it best
    seenOffsets.add(pe.offset);
    const lc = lineColumn(body, pe.offset);
    errors.push({ source, pointer: '', ...lc, message: `JSON syntax error: ${syntaxMessage(pe)}` });
  }
  if (errors.length > 0 || !root) {
    if (errors.length === 0) errors.push({ source, pointer: '', line: 1, column: 1, message: 'empty file: expected a JSON object' });
    return { errors };
  }
  const value: unknown = getNodeValue(root);
  const validate = getValidator();
  if (!validate(value)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'propertyNames') continue; // its 'pattern' error says it better
      const own = /^\/components\/([^/]+)/.exec(e.instancePath);
      const ownName = own ? own[1].replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
      if (ownName !== undefined && isUnknownComponent(ownName, value)) {
        // a misspelled built-in, not a half-written function: one message at its name, not "missing module"
        const pointer = `/components/${escapePointer(ownName)}`;
        const message = `unknown component "${ownName}" (known: ${COMPONENT_NAMES.join(', ')}; ${OWN_FUNCTION_HINT})`;
        const key = `${pointer}\u0000${message}`;
        if (!seen.has(key)) {
          seen.add(key);
          errors.push({ source, pointer, ...locate(body, root, '/components', ownName), message });
        }
        continue;
      }
      const m = messageFor(e, value);
      const key = `${m.pointer}\u0000${m.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ source, pointer: m.pointer, ...locate(body, root, m.property !== undefined ? m.pointer.slice(0, m.pointer.lastIndexOf('/')) : m.pointer, m.property), message: m.message });
    }
  }
  // weights must be finite (1e999 parses to Infinity); a function's range must go up
  const comps = (value as { components?: unknown })?.components;
  if (comps && typeof comps === 'object' && !Array.isArray(comps)) {
    for (const [name, c] of Object.entries(comps as Record<string, unknown>)) {
      const w = (c as { weight?: unknown } | null)?.weight;
      if (typeof w === 'number' && !Number.isFinite(w)) {
        const pointer = `/components/${escapePointer(name)}/weight`;
        if (!errors.some((e) => e.pointer === pointer)) {
          errors.push({ source, pointer, ...locate(body, root, pointer), message: `"components.${name}.weight" must be a finite number, got ${w}` });
        }
      }
      const range = (c as { range?: unknown } | null)?.range;
      if (Array.isArray(range) && range.length === 2 && range.every((x) => typeof x === 'number') && !(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1])) {
        const pointer = `/components/${escapePointer(name)}/range`;
        errors.push({ source, pointer, ...locate(body, root, pointer), message: `"components.${name}.range" must be [lowest, highest] with lowest < highest, got ${JSON.stringify(range)}` });
      }
    }
  }
  if (errors.length > 0) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { errors };
  }
  const v = value as { description?: string; venv?: string; components: Record<string, Record<string, unknown>> };
  const components: RewardSpec['components'] = {};
  for (const name of COMPONENT_NAMES) {
    const c = v.components[name];
    if (!c) continue;
    const { weight, ...options } = c;
    const cs: ComponentSpec = { weight: weight as number };
    if (Object.keys(options).length > 0) cs.options = options;
    components[name as ComponentName] = cs;
  }
  const spec: RewardSpec = { name: source, components };
  const functions = Object.entries(v.components)
    .filter(([name]) => !BUILT_IN.has(name))
    .map(([name, c]) => ({ name, ...c }) as unknown as WorkspaceFunctionSpec);
  if (functions.length) spec.functions = functions;
  if (typeof v.description === 'string') spec.description = v.description;
  if (typeof v.venv === 'string') spec.venv = v.venv;
  return { spec, errors: [] };
}

function syntaxMessage(pe: ParseError): string {
  const code = printParseErrorCode(pe.error);
  const words: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: '"}" expected',
    CloseBracketExpected: '"]" expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unexpected end of comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}

/**
 * A preset name (PRESETS) or the path of a spec file read with `readFile`. A path that cannot be read
 * gives an error naming the file (and the presets, in case a preset name was misspelled).
 */
export function resolveRewardSpec(nameOrPath: string, readFile: (path: string) => string): { spec?: RewardSpec; errors: SpecError[] } {
  const preset = Object.prototype.hasOwnProperty.call(PRESETS, nameOrPath) ? PRESETS[nameOrPath] : undefined;
  if (preset) return { spec: preset, errors: [] };
  let text: string;
  try {
    text = readFile(nameOrPath);
  } catch (e) {
    const why = errorMessage(e);
    return {
      errors: [
        {
          source: nameOrPath,
          pointer: '',
          line: 1,
          column: 1,
          message: `cannot read reward spec file "${nameOrPath}": ${why} (presets: ${Object.keys(PRESETS).join(', ')})`,
        },
      ],
    };
  }
  return parseRewardSpec(text, nameOrPath);
}

/**
 * The spec a score runs with when a model is configured outside it (CLI flags, editor settings): a
 * configured reward model (rm) or judge (grm) that the spec does not weigh joins the sum with weight 1.
 * `added` names the components that joined (the CLI says so); the spec itself is returned when none did.
 */
export function withConfiguredModels(spec: RewardSpec, configured: Partial<Record<ModelComponentName, boolean>>): { spec: RewardSpec; added: ModelComponentName[] } {
  const added = (['grm', 'rm'] as const).filter((name) => configured[name] && !spec.components[name]);
  if (!added.length) return { spec, added };
  const components = { ...spec.components };
  for (const name of added) components[name] = { weight: 1 };
  return { spec: { ...spec, components }, added };
}
