// The OpenAI-compatible provider against a real HTTP server on 127.0.0.1 (test/fixtures/openaiServer.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startOpenAiServer, type Script } from '../fixtures/openaiServer.mjs';
import { OpenAiChatGenerator, parseRetryAfter, type OpenAiOptions } from '../../src/core/models/generators/openai';
import { GenerationError, type GenerationRequest } from '../../src/core/models/generation';

const ask = (extra: Partial<GenerationRequest> = {}): GenerationRequest => ({
  messages: [{ role: 'user', content: 'Judge this please' }],
  maxTokens: 64,
  temperature: 0.7,
  ...extra,
});

async function withServer(script: Script, fn: (url: string, server: Awaited<ReturnType<typeof startOpenAiServer>>) => Promise<void>) {
  const server = await startOpenAiServer({ script });
  try {
    await fn(server.url, server);
  } finally {
    await server.close();
  }
}

const gen = (url: string, o: Partial<OpenAiOptions> = {}) => new OpenAiChatGenerator({ baseUrl: url, model: 'judge', retryBaseMs: 5, ...o });
const TEXT = 'Principles:\n1. Being right — naïve 日本語 ✓\nScores: \\boxed{7}';

test('streaming: text reassembled from events split across TCP reads (mid-line, mid-UTF-8), usage from the last chunk', async () => {
  await withServer({ models: ['judge'], default: { text: TEXT, chunkChars: 3, repeat: true } }, async (url, server) => {
    const deltas: string[] = [];
    const r = await gen(url).generate(ask({ onText: (d) => deltas.push(d), seed: 11, topP: 0.9 }));
    assert.equal(r.text, TEXT);
    assert.equal(deltas.join(''), TEXT);
    assert.ok(deltas.length > 5);
    assert.equal(r.finishReason, 'stop');
    assert.equal(r.attempts, 1);
    assert.equal(r.usage.estimated, undefined);
    assert.equal(r.usage.completionTokens, TEXT.split(/\s+/).length); // the server's word count, not the local estimate
    const body = server.completions()[0].body;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.seed, 11);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.temperature, 0.7);
    assert.equal(body.max_tokens, 64);
  });
});

test('non-streaming JSON answers; usage missing → estimated; finish_reason length', async () => {
  await withServer({ replies: [{ text: TEXT }, { text: 'cut', usage: false, finishReason: 'length' }] }, async (url, server) => {
    const g = gen(url, { stream: false });
    const r = await g.generate(ask());
    assert.equal(r.text, TEXT);
    assert.equal(server.completions()[0].body.stream, false);
    const cut = await g.generate(ask());
    assert.equal(cut.finishReason, 'length');
    assert.equal(cut.usage.estimated, true);
    assert.ok(cut.usage.promptTokens > 0 && cut.usage.completionTokens === 1);
  });
});

test('a stream without usage (include_usage not honoured) is estimated and marked', async () => {
  await withServer({ default: { text: TEXT, usage: false } }, async (url) => {
    const r = await gen(url).generate(ask());
    assert.equal(r.text, TEXT);
    assert.equal(r.usage.estimated, true);
    assert.equal(r.usage.completionTokens, Math.ceil(TEXT.length / 4));
  });
});

test('429 with Retry-After, then success: the wait is honoured and attempts counted', async () => {
  await withServer(
    { replies: [{ status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"message":"Rate limit reached"}}' }, { text: 'Scores: \\boxed{5}' }] },
    async (url, server) => {
      const r = await gen(url).generate(ask());
      assert.equal(r.text, 'Scores: \\boxed{5}');
      assert.equal(r.attempts, 2);
      const [a, b] = server.completions();
      assert.ok(b.at - a.at >= 900, `second attempt came ${b.at - a.at} ms after the first; Retry-After asked for 1000`);
    },
  );
});

test('5xx are retried with back-off until maxRetries, then a clear error with the count', async () => {
  await withServer({ replies: [{ status: 503 }, { status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }, { text: 'fine' }] }, async (url) => {
    const r = await gen(url).generate(ask());
    assert.equal(r.text, 'fine');
    assert.equal(r.attempts, 3);
  });
  await withServer({ default: { status: 500, body: '{"error":{"message":"CUDA out of memory"}}', repeat: true } }, async (url, server) => {
    await assert.rejects(gen(url, { maxRetries: 2 }).generate(ask()), (err: GenerationError) => {
      assert.match(err.message, /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: 500 .*CUDA out of memory \(after 3 attempts\)/);
      assert.equal(err.code, 500);
      return true;
    });
    assert.equal(server.completions().length, 3);
  });
});

test('a Retry-After longer than retryMaxMs fails at once instead of stalling', async () => {
  await withServer({ default: { status: 429, headers: { 'retry-after': '120' }, repeat: true } }, async (url, server) => {
    await assert.rejects(gen(url, { retryMaxMs: 1000 }).generate(ask()), /retry after 120\.0 s, longer than the 1\.0 s allowed/);
    assert.equal(server.completions().length, 1);
  });
  assert.equal(parseRetryAfter('3'), 3000);
  assert.ok((parseRetryAfter(new Date(Date.now() + 10_000).toUTCString()) ?? 0) > 8000);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('clear errors: 401 (key never shown), unknown model, wrong base URL (HTML page), bad JSON, 400', async () => {
  const secret = 'sk-very-secret-123';
  await withServer({ apiKey: 'sk-right', models: ['judge'], default: { text: 'x', repeat: true } }, async (url, server) => {
    await assert.rejects(gen(url, { apiKey: secret }).generate(ask()), (err: GenerationError) => {
      assert.match(err.message, /401 Unauthorized: the server refused the API key: Incorrect API key/);
      assert.ok(!err.message.includes(secret) && !String(err.stack).includes(secret));
      assert.equal(err.retryable, false);
      return true;
    });
    assert.equal(server.completions().length, 0);
    assert.equal(server.requests[0].headers.authorization, `Bearer ${secret}`);
    await assert.rejects(gen(url, { apiKey: 'sk-right', model: 'gpt-9' }).generate(ask()), /404 Not Found: model "gpt-9" is not served here: The model `gpt-9` does not exist/);
    assert.deepEqual(await gen(url, { apiKey: 'sk-right' }).listModels(), ['judge']);
  });
  await withServer({ default: { status: 404, body: '<!DOCTYPE html><html><title>Not found</title></html>', contentType: 'text/html', repeat: true } }, async (url) => {
    await assert.rejects(gen(url).generate(ask()), /404 Not Found: the server returned an HTML page, not JSON; is the base URL the API root/);
  });
  await withServer({ default: { body: '<html>login portal</html>', contentType: 'text/html', repeat: true } }, async (url) => {
    await assert.rejects(gen(url, { stream: false }).generate(ask()), /200: the server returned an HTML page/);
  });
  await withServer({ default: { body: '{"choices": [', repeat: true } }, async (url) => {
    await assert.rejects(gen(url, { stream: false }).generate(ask()), /the answer is not JSON: \{"choices": \[/);
  });
  await withServer({ default: { body: 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {oops\n\n', contentType: 'text/event-stream', repeat: true } }, async (url) => {
    await assert.rejects(gen(url).generate(ask()), /a streamed event is not JSON: \{oops/);
  });
  await withServer({ default: { status: 400, body: '{"error":{"message":"max_tokens is too large"}}', repeat: true } }, async (url, server) => {
    await assert.rejects(gen(url).generate(ask()), /400 Bad Request: max_tokens is too large$/);
    assert.equal(server.completions().length, 1);
  });
  assert.throws(() => gen('ftp://example.org'), /must be http or https/);
  assert.throws(() => gen('not a url'), /is not a URL/);
  const g = gen('http://user:pw@127.0.0.1:9/v1/chat/completions/');
  assert.equal(g.id, 'openai:http://127.0.0.1:9/v1#judge');
});

test('connection refused is retried, then named', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(gen(`http://127.0.0.1:${port}/v1`, { maxRetries: 1 }).generate(ask()), /cannot connect \(ECONNREFUSED.*is the server running\? \(after 2 attempts\)/);
});

test('a dropped stream is retried when nothing was streamed yet, and fails (no replay) once text went out', async () => {
  await withServer({ replies: [{ text: TEXT, dropAfterChars: 0 }, { text: TEXT }] }, async (url) => {
    const r = await gen(url).generate(ask());
    assert.equal(r.text, TEXT);
    assert.equal(r.attempts, 2);
  });
  await withServer({ replies: [{ text: TEXT, dropAfterChars: 16, chunkChars: 8 }, { text: TEXT }] }, async (url, server) => {
    const seen: string[] = [];
    await assert.rejects(gen(url).generate(ask({ onText: (d) => seen.push(d) })), /stream ended before \[DONE\]|connection lost/);
    // a reset socket may lose its last bytes in flight: what arrived is a non-empty prefix
    assert.ok(seen.join('').length > 0 && TEXT.startsWith(seen.join('')));
    assert.equal(server.completions().length, 1);
  });
});

test('timeouts: a server that never answers fails after timeoutMs with a clear message', async () => {
  await withServer({ default: { hang: true, repeat: true } }, async (url, server) => {
    await assert.rejects(gen(url, { timeoutMs: 150 }).generate(ask()), /no complete answer within 150 ms \(timeoutMs\)/);
    assert.equal(server.completions().length, 1);
  });
});

test('cancellation mid-stream returns the partial text as cancelled and closes the connection', async () => {
  await withServer({ default: { text: 'x'.repeat(400), chunkChars: 4, chunkDelayMs: 5 } }, async (url, server) => {
    const controller = new AbortController();
    let got = '';
    const r = await gen(url).generate(
      ask({
        signal: controller.signal,
        onText: (d) => {
          got += d;
          if (got.length >= 20) controller.abort();
        },
      }),
    );
    assert.equal(r.finishReason, 'cancelled');
    assert.ok(r.text.length >= 20 && r.text.length < 400);
    assert.equal(r.usage.estimated, true);
    for (let i = 0; i < 300 && !server.completions()[0].aborted; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(server.completions()[0].aborted, true);
  });
  await withServer({ default: { status: 503, headers: { 'retry-after': '5' }, repeat: true } }, async (url, server) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await gen(url).generate(ask({ signal: controller.signal }));
    assert.equal(r.finishReason, 'cancelled');
    assert.equal(server.completions().length, 1);
  });
});
