import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFromDocumentText } from '../../src/core/records/document';

test('front matter: quoted values, block scalar prompt, body as completion with its offset', () => {
  const text = ['---', 'prompt: |', '  What is 6 × 7?', '  Answer briefly.', 'answer: "42"', "language: 'en'", 'reference: The answer is 42.', 'other: ignored', '---', '<think>6 × 7 = 42</think>', '42', ''].join('\n');
  const d = recordFromDocumentText(text, 'doc.md');
  assert.deepEqual(d.record, {
    id: 'doc.md',
    prompt: 'What is 6 × 7?\nAnswer briefly.',
    completion: '<think>6 × 7 = 42</think>\n42\n',
    answer: '42',
    language: 'en',
    reference: 'The answer is 42.',
  });
  assert.equal(text.slice(d.completionOffset, d.completionOffset + 7), '<think>');
  assert.deepEqual(d.source, { prompt: 'front-matter', answer: 'front-matter', language: 'front-matter', reference: 'front-matter' });
});

test('folded block scalar and escapes', () => {
  const text = '---\nprompt: >\n  one\n  two\nreference: "a \\"quoted\\" word"\n---\nbody';
  const d = recordFromDocumentText(text, 'x');
  assert.equal(d.record.prompt, 'one two');
  assert.equal(d.record.reference, 'a "quoted" word');
});

test('comment lines anywhere: all four forms; not part of the completion; offsets still map', () => {
  const text = '<!-- answer: 42 -->\n<think>\nreasoning\n# language: en\nmore\n</think>\nfinal 42\n// reference: 42\n%% prompt: what?\n';
  const d = recordFromDocumentText(text, 'x');
  assert.equal(d.record.answer, '42');
  assert.equal(d.record.language, 'en');
  assert.equal(d.record.reference, '42');
  assert.equal(d.record.prompt, 'what?');
  assert.ok(!d.record.completion.includes('answer:'));
  assert.ok(!d.record.completion.includes('language: en'), 'an inner comment line is blanked');
  assert.ok(d.record.completion.startsWith('<think>'));
  assert.ok(d.record.completion.trimEnd().endsWith('final 42'));
  // every completion offset maps to the same character in the document (inner comments became spaces)
  const c = d.record.completion;
  for (let i = 0; i < c.length; i++) {
    if (c[i] !== ' ') assert.equal(text[d.completionOffset + i], c[i], `offset ${i}`);
  }
  assert.deepEqual(d.source, { answer: 'comment', language: 'comment', reference: 'comment', prompt: 'comment' });
});

test('a comment overrides the front matter; markdown headings are not comments', () => {
  const text = '---\nanswer: 1\n---\n# Answer: the heading stays\n# answer: 2\ntext';
  const d = recordFromDocumentText(text, 'x');
  assert.equal(d.record.answer, '2');
  assert.equal(d.source.answer, 'comment');
  assert.ok(d.record.completion.includes('# Answer: the heading stays'));
});

test('selection: the completion is the selection, metadata from the whole document', () => {
  const text = '---\nanswer: 7\n---\nintro\n<think>r</think>7\noutro';
  const start = text.indexOf('<think>');
  const end = text.indexOf('7\noutro') + 1;
  const d = recordFromDocumentText(text, 'x', { start, end });
  assert.equal(d.record.completion, '<think>r</think>7');
  assert.equal(d.completionOffset, start);
  assert.equal(d.record.answer, '7');
  const rev = recordFromDocumentText(text, 'x', { start: end, end: start });
  assert.equal(rev.record.completion, '<think>r</think>7', 'reversed selection');
});

test('no metadata; unterminated front matter is body; CRLF; empty document; BOM', () => {
  const plain = recordFromDocumentText('just text', 'x');
  assert.deepEqual(plain, { record: { id: 'x', prompt: '', completion: 'just text' }, completionOffset: 0, source: {} });
  const open = recordFromDocumentText('---\nanswer: 3\nno end', 'x');
  assert.equal(open.record.answer, undefined);
  assert.equal(open.record.completion, '---\nanswer: 3\nno end');
  const crlf = recordFromDocumentText('---\r\nanswer: 5\r\n---\r\nbody\r\n<!-- id: s1 -->\r\n', 'x');
  assert.equal(crlf.record.answer, '5');
  assert.equal(crlf.record.id, 's1');
  assert.equal(crlf.record.completion, 'body\r\n');
  assert.deepEqual(recordFromDocumentText('', 'x').record, { id: 'x', prompt: '', completion: '' });
  const bom = recordFromDocumentText('\ufeff---\nanswer: 9\n---\nb', 'x');
  assert.equal(bom.record.answer, '9');
  assert.equal(bom.record.completion, 'b');
});

test('an empty answer value is no answer', () => {
  const d = recordFromDocumentText('<!-- answer: -->\ntext', 'x');
  assert.equal(d.record.answer, undefined);
  assert.equal(d.source.answer, undefined);
});
