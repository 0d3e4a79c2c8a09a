import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseRewardSpec, resolveRewardSpec, withConfiguredModels } from '../../src/core/rewards/spec';
import { PRESETS, REWARD_FUNCTIONS, COMPONENT_NAMES } from '../../src/core/rewards';

const SRC = '.reasoning-lab/rewards.json';

test('a valid spec: options split from weights, fixed component order, name = source', () => {
  const text = JSON.stringify({
    $schema: './schema.json',
    description: 'mine',
    components: { format: { weight: 2, mode: 'lenient', answerTag: null }, accuracy: { weight: 1, tolerance: 0.01 }, repetition: { weight: -0.5 } },
  });
  const { spec, errors } = parseRewardSpec(text, SRC);
  assert.deepEqual(errors, []);
  assert.deepEqual(spec, {
    name: SRC,
    description: 'mine',
    components: {
      accuracy: { weight: 1, options: { tolerance: 0.01 } },
      format: { weight: 2, options: { mode: 'lenient', answerTag: null } },
      repetition: { weight: -0.5 },
    },
  });
});

test('validation errors carry pointer and 1-based line/column of the bad field', () => {
  // synthetic spec file with five mistakes
  const text = [
    '{',
    '  "description": "mine",',
    '  "components": {',
    '    "accuracy": { "weight": "1" },',
    '    "format": { "weight": 1, "mode": "loose", "extra": true },',
    '    "bogus": { "weight": 1 },',
    '    "language": { "weight": 1e999 },',
    '    "steps": {}',
    '  }',
    '}',
  ].join('\n');
  const { spec, errors } = parseRewardSpec(text, SRC);
  assert.equal(spec, undefined);
  const got = errors.map((e) => [e.pointer, e.line, e.column, e.message]);
  assert.deepEqual(got, [
    ['/components/accuracy/weight', 4, 19, '"components.accuracy.weight" must be number, got string'],
    ['/components/format/mode', 5, 30, '"components.format.mode" must be one of "strict", "lenient", got "loose"'],
    ['/components/format/extra', 5, 47, 'unknown option "extra" for component "format" (allowed: weight, mode, thinkTag, answerTag)'],
    ['/components/bogus', 6, 5, 'unknown component "bogus" (known: accuracy, format, language, steps, cosine, repetition, novelty, similarity, rm, grm; or name your own Python function with "module", "function" and "style")'],
    ['/components/language/weight', 7, 19, '"components.language.weight" must be a finite number, got Infinity'],
    ['/components/steps', 8, 5, '"components.steps" is missing "weight"'],
  ]);
  assert.ok(errors.every((e) => e.source === SRC));
});

test('JSON syntax errors with line/column; empty file; empty components; wrong top-level shapes', () => {
  const trailing = parseRewardSpec('{\n  "components": {\n    "accuracy": {"weight": 1,}\n  }\n}', SRC).errors;
  assert.equal(trailing.length, 1);
  assert.deepEqual([trailing[0].line, trailing[0].column], [3, 30]);
  assert.match(trailing[0].message, /^JSON syntax error: property name expected/);
  assert.match(parseRewardSpec('{"components": {"accuracy": {"weight": 1}} // note', SRC).errors[0].message, /comments are not allowed/);
  assert.match(parseRewardSpec('   ', SRC).errors[0].message, /empty file/);
  const empty = parseRewardSpec('{"components": {}}', SRC).errors;
  assert.equal(empty.length, 1);
  assert.match(empty[0].message, /"components" is empty/);
  assert.match(parseRewardSpec('[]', SRC).errors[0].message, /the spec must be object, got array/);
  assert.match(parseRewardSpec('{}', SRC).errors[0].message, /missing "components"/);
  assert.match(parseRewardSpec('{"components": {"accuracy": {"weight": 1}}, "weights": 2}', SRC).errors[0].message, /unknown field "weights"/);
  const bom = parseRewardSpec('\ufeff{"components": {"steps": {"weight": true}}}', SRC).errors[0];
  assert.deepEqual([bom.line, bom.column], [1, 27]);
});

test('resolveRewardSpec: presets, files, unreadable files', () => {
  assert.equal(resolveRewardSpec('r1', () => assert.fail('no read for presets')).spec, PRESETS.r1);
  const files: Record<string, string> = { 'a.json': '{"components": {"novelty": {"weight": 1}}}' };
  const read = (p: string) => {
    if (!Object.hasOwn(files, p)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    return files[p];
  };
  assert.deepEqual(resolveRewardSpec('a.json', read).spec?.components, { novelty: { weight: 1 } });
  const missing = resolveRewardSpec('r2', read);
  assert.equal(missing.spec, undefined);
  assert.equal(missing.errors[0].source, 'r2');
  assert.match(missing.errors[0].message, /cannot read reward spec file "r2": ENOENT.*\(presets: r1, accuracy-efficiency-novelty\)/);
  assert.equal(resolveRewardSpec('toString', read).spec, undefined, 'not an inherited property');
});

test('the schema knows every reward function and its defaults are valid options', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'rewards.schema.json'), 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.deepEqual(Object.keys(schema.properties.components.properties), [...COMPONENT_NAMES]);
  const validate = new Ajv({ allowUnionTypes: true }).compile(schema);
  for (const name of COMPONENT_NAMES) {
    const doc = { components: { [name]: { weight: 1, ...REWARD_FUNCTIONS[name].defaults } } };
    assert.ok(validate(doc), `${name}: ${JSON.stringify(validate.errors)}`);
    assert.ok(schema.definitions[name].description, `${name} has a description`);
  }
  for (const p of Object.values(PRESETS)) {
    const comps = Object.fromEntries(Object.entries(p.components).map(([k, c]) => [k, { weight: c!.weight, ...c!.options }]));
    assert.ok(validate({ components: comps }), p.name);
  }
});

test('withConfiguredModels: a configured model the spec does not weigh joins with weight 1; one it weighs keeps its weight', () => {
  const r1 = PRESETS.r1;
  assert.deepEqual(withConfiguredModels(r1, {}), { spec: r1, added: [] });
  assert.equal(withConfiguredModels(r1, { rm: false, grm: false }).spec, r1, 'nothing configured: the same spec object');
  const both = withConfiguredModels(r1, { rm: true, grm: true });
  assert.deepEqual(both.added, ['grm', 'rm']);
  assert.deepEqual(both.spec.components.rm, { weight: 1 });
  assert.deepEqual(both.spec.components.grm, { weight: 1 });
  assert.deepEqual(both.spec.components.accuracy, r1.components.accuracy);
  assert.equal(r1.components.rm, undefined, 'the preset is not changed');
  const weighed = { ...r1, components: { ...r1.components, grm: { weight: 0.5, options: { k: 8 } } } };
  const kept = withConfiguredModels(weighed, { grm: true, rm: true });
  assert.deepEqual(kept.added, ['rm']);
  assert.deepEqual(kept.spec.components.grm, { weight: 0.5, options: { k: 8 } });
});

test('workspace reward functions: any other component name with module, function and style, in the spec\'s order, after the built-in ones', () => {
  const text = JSON.stringify({
    venv: '.venv',
    components: {
      mine: { weight: 0.5, module: 'rewards/trl_rewards.py', function: 'accuracy_reward', style: 'trl', batchSize: 4 },
      format: { weight: 1 },
      'gsm8k-verl': { weight: 2, module: 'my_pkg.rewards', function: 'compute_score', style: 'verl', kwargs: { format_score: 0.1 }, range: [-1, 1] },
    },
  });
  const { spec, errors } = parseRewardSpec(text, SRC);
  assert.deepEqual(errors, []);
  assert.deepEqual(spec?.components, { format: { weight: 1 } });
  assert.equal(spec?.venv, '.venv');
  // JSON round trip: the parser's objects have no prototype
  assert.deepEqual(JSON.parse(JSON.stringify(spec?.functions)), [
    { name: 'mine', weight: 0.5, module: 'rewards/trl_rewards.py', function: 'accuracy_reward', style: 'trl', batchSize: 4 },
    { name: 'gsm8k-verl', weight: 2, module: 'my_pkg.rewards', function: 'compute_score', style: 'verl', kwargs: { format_score: 0.1 }, range: [-1, 1] },
  ]);
});

test('workspace reward functions: a half-written one names its missing and bad fields with their lines; a misspelled built-in is one "unknown component"', () => {
  const text = [
    '{',
    '  "components": {',
    '    "mine": { "weight": 1, "module": "rewards/x.txt", "function": "2fast" },',
    '    "other": { "weight": 1, "module": "a.py", "function": "f", "style": "ray", "range": [1, 0] },',
    '    "acuracy": { "weight": 1 },',
    '    "bad name!": { "weight": 1, "module": "a.py", "function": "f", "style": "trl" }',
    '  }',
    '}',
  ].join('\n');
  const { spec, errors } = parseRewardSpec(text, SRC);
  assert.equal(spec, undefined);
  const got = errors.map((e) => [e.pointer, e.line, e.message]);
  assert.deepEqual(got, [
    ['/components/mine', 3, '"components.mine" is missing "style"'],
    ['/components/mine/module', 3, '"components.mine.module" must be a .py file in the workspace or a dotted module name (my_package.rewards), got "rewards/x.txt"'],
    ['/components/mine/function', 3, '"components.mine.function" must be a Python function name, got "2fast"'],
    ['/components/other/style', 4, '"components.other.style" must be one of "trl", "verl", "openrlhf", got "ray"'],
    ['/components/other/range', 4, '"components.other.range" must be [lowest, highest] with lowest < highest, got [1,0]'],
    ['/components/acuracy', 5, 'unknown component "acuracy" (known: accuracy, format, language, steps, cosine, repetition, novelty, similarity, rm, grm; or name your own Python function with "module", "function" and "style")'],
    ['/components/bad name!', 6, 'component name "bad name!" must start with a letter or _ and hold only letters, digits, _ and - (64 at most)'],
  ]);
});
