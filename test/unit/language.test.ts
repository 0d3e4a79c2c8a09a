import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, language, scriptsForLanguage } from '../../src/core/rewards/language';
import { hermes, r1Records, rec } from './helpers/rewardData';

const lang = (completion: string, extra: object = {}, o: object = {}) => language.score(rec(completion, extra), { ...language.defaults, ...o });

test('all-English reasoning for an English prompt scores 1', () => {
  const r = lang('<think>First add the numbers, then check.</think>4', { prompt: 'What is 2 + 2?' });
  assert.equal(r.value, 1);
  assert.match(r.detail, /^100% of words in en \(from the prompt\)/);
});

test('Chinese reasoning with English phrases: share of Han characters, off-language spans and items', () => {
  // synthetic: 16 Han characters, 3 English words (wait ×2, check)
  const text = '<think>首先计算两个数的和。wait, 等一下。wait check 结果是四。</think>4';
  const r = lang(text, { language: 'zh' });
  assert.equal(r.value, 16 / 19);
  assert.match(r.detail, /^84% of 19 words in zh \(off-language: 3; Latin 3\)/);
  assert.deepEqual(r.items, ['wait ×2', 'check']);
  const spans = r.highlights!.map((h) => text.slice(h.start, h.end));
  assert.deepEqual(spans, ['wait', 'wait check']);
  assert.ok(r.highlights!.every((h) => h.kind === 'off-language'));
});

test('target from option, record, prompt, completion; BCP-47 forms', () => {
  const zhText = '<think>我们来算一下</think>ok';
  assert.equal(lang(zhText, { prompt: 'Compute it' }).value, 0, 'prompt is English');
  assert.equal(lang(zhText, { prompt: '请计算' }).value, 1);
  assert.equal(lang(zhText, { language: 'zh-CN' }).value, 1);
  assert.equal(lang(zhText, { language: 'en' }, { language: 'zh_TW' }).value, 1, 'option wins over the record');
  assert.match(lang(zhText).detail, /from the completion/);
  assert.deepEqual(scriptsForLanguage('JA'), [2, 3]);
  assert.equal(detectLanguage('これは日本語の文です'), 'ja');
  assert.equal(detectLanguage('Это русский текст'), 'ru');
  assert.equal(detectLanguage('12 + 3 = 15'), undefined);
  const r = lang(zhText, { language: 'tlh' });
  assert.equal(r.value, null);
  assert.match(r.detail, /unknown language "tlh"/);
});

test('Japanese counts Han and kana; Korean Hangul; Russian Cyrillic', () => {
  assert.equal(lang('<think>これは計算です</think>', { language: 'ja' }).value, 1);
  assert.equal(lang('<think>이것은 계산 입니다</think>', { language: 'ko' }).value, 1);
  assert.equal(lang('<think>Считаем сумму, then add</think>', { language: 'ru' }).value, 2 / 4);
});

test('math, digits, LaTeX commands and single letters do not count', () => {
  const r = lang('<think>设 x = \\frac{a}{b}，则 x^2 = 4, π r^2</think>', { language: 'zh' });
  assert.equal(r.value, 1, r.detail);
  assert.equal(lang('<think>1 + 2 = 3; \\sqrt{x}</think>', { language: 'en' }).value, 1);
  const only = lang('<think>x + 2 = 3; \\sqrt{x}</think>', { language: 'zh' });
  assert.equal(only.value, 1);
  assert.match(only.detail, /no words to judge/);
});

test('empty reasoning → null; untagged text judged whole; unclosed judged to the end', () => {
  assert.equal(lang('').value, null);
  assert.equal(lang('<think>  </think>answer').value, null);
  assert.equal(lang('plain english text here', { language: 'zh' }).value, 0);
  assert.equal(lang('<think>unclosed english 中', { language: 'en' }).value, 2 / 3);
});

test('HTML/script is text: tag names count as Latin words', () => {
  const r = lang('<think><script>alert</script> 你好</think>', { language: 'zh' });
  assert.equal(r.value, 2 / 5, r.detail);
});

test('caps: highlights and items are capped', () => {
  const many = '<think>' + Array.from({ length: 50 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} 中`).join(' ') + '</think>';
  const r = lang(many, { language: 'zh' }, { maxHighlights: 10, maxItems: 5 });
  assert.equal(r.highlights!.length, 10);
  assert.equal(r.items!.length, 5);
  assert.match(r.detail, /first 10 off-language spans highlighted/);
});

test('a 1 MB mixed completion', () => {
  const big = '<think>' + '这是中文。This is English. '.repeat(40000) + '</think>';
  const r = lang(big, { language: 'zh' });
  assert.equal(r.value, 4 / 7);
  assert.ok(r.highlights!.length <= 500);
});

test('real DeepSeek-R1 reasoning in English scores 1; judged as Chinese it scores 0', () => {
  for (const r of r1Records()) {
    assert.equal(language.score(r, language.defaults).value, 1, r.id);
    const zh = language.score({ ...r, language: 'zh' }, language.defaults);
    assert.equal(zh.value, 0, r.id);
    assert.ok((zh.items ?? []).length > 0);
  }
});

test('real DeepHermes unclosed reasoning is judged (to the end of the text)', () => {
  const row = hermes('bridge_torch_easy#2');
  const r = language.score({ id: row.id, prompt: row.prompt, completion: row.completion }, language.defaults);
  assert.ok(r.value !== null && r.value > 0.99, r.detail);
});
