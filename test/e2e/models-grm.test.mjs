// Models in the editor: the generative reward model through a scripted OpenAI-compatible server on
// 127.0.0.1 (test/fixtures/openaiServer.mjs): k judgements, the vote, the scaling curve, an unparseable
// judgement reported, and cancelling a judge that hangs.
import assert from 'node:assert/strict';
import { startOpenAiServer } from '../fixtures/openaiServer.mjs';
import { eventually, scoreFile, test } from './harness.mjs';
import { addSettings, judgement, ModelsSection, rmStatusItem } from './models-panels.mjs';

// Each scenario's scripted server, by workspace: scenarios may run at the same time (run.mjs --jobs).
const servers = new Map();
const judgeSettings = (url) => ({
  'reasoningLab.grm.provider': 'openai',
  'reasoningLab.grm.url': url,
  'reasoningLab.grm.model': 'judge',
  'reasoningLab.grm.samples': 4,
  'reasoningLab.grm.pricePerMTok': { input: 1, output: 2 },
});

test('models: GRM judge on a scripted OpenAI server shows k judgements, the vote and the curve (dark)', async ({ vs, panel, shot, ws }) => {
  const server = servers.get(ws);
  try {
    await scoreFile({ vs, panel }, 'completions/en-well-formed.md');
    const models = new ModelsSection(panel);
    await models.waitFor('#grm-vote', 60000);
    await models.waitForIdle();
    assert.equal(await models.judgements().count(), 4, 'all k = 4 judgements are listed');
    const statuses = await models.judgements().evaluateAll((els) => els.map((e) => e.getAttribute('data-status')).sort());
    assert.deepEqual(statuses, ['ok', 'ok', 'ok', 'unparseable']);
    // 8, 6 and 7 vote; the unparseable one is reported, not guessed
    assert.equal(await models.text('#grm-vote'), '7 / 10');
    assert.equal(await models.text('#grm-counted'), '3 of 4');
    assert.match(await models.text('#grm-failed'), /1 of 4 judgement not counted/);
    const bad = models.$('#grm .judgement[data-status="unparseable"]');
    await bad.locator('summary').first().click();
    assert.match(await bad.locator('.judgement-error').textContent(), /Unparseable: /);
    const good = models.$('#grm .judgement[data-status="ok"]').first();
    await good.locator('summary').first().click();
    assert.match(await good.locator('.principles').textContent(), /Correctness of the final answer \(weight 60%\)/);
    assert.match(await good.locator('.critique').textContent(), /<b>not bold<\/b>/, 'model text is shown as text, not HTML');
    assert.equal(await good.locator('.critique b').count(), 0);
    assert.match(await models.text('#grm-cost'), /^\$0\.\d+$/, 'cost from the prices setting');
    // the scaling curve has one point per k
    assert.equal(await models.$('#grm-curve circle.dot.voting').count(), 4);
    const value = Number(await panel.value('grm'));
    assert.ok(Math.abs(value - (7 - 1) / 9) < 0.006, `grm value (7 − 1) / 9, got ${value}`);
    assert.match(await panel.detail('grm'), /vote 7\/10 over 3 of 4 judgements/);
    assert.equal(server.requests.filter((r) => r.path === '/v1/chat/completions').length, 4, 'k requests reached the server');
    assert.equal(await rmStatusItem(vs).count(), 0, 'no RM status item without a reward model');
    await shot('grm-dark');
  } finally {
    await server?.close();
    servers.delete(ws);
  }
}, {
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'reasoningLab.score.askForReference': false },
  prepare: async (ws) => {
    const server = await startOpenAiServer({
      script: {
        models: ['judge'],
        replies: [
          { text: judgement(8, 'The answer 72 is right and the steps are clear. <b>not bold</b>') },
          { text: judgement(6, 'Right answer, but the reasoning skips a step. <b>not bold</b>') },
          { text: 'I think it is quite good overall, maybe a seven or so.' },
          { text: judgement(7, 'Correct; could be shorter. <b>not bold</b>') },
        ],
      },
    });
    servers.set(ws, server);
    addSettings(ws, judgeSettings(server.url));
  },
  timeoutMs: 150000,
});

test('models: cancelling a judge that hangs keeps the rule rewards and says it was cancelled', async ({ vs, panel, shot, ws }) => {
  const server = servers.get(ws);
  try {
    await vs.openFile('completions/en-well-formed.md');
    await vs.runCommand('Reasoning Lab: Score File');
    await panel.waitForScore();
    const models = new ModelsSection(panel);
    await models.waitFor('#models-running');
    await eventually(async () => server.requests.filter((r) => r.path === '/v1/chat/completions').length >= 2, { what: 'the judge requests to reach the server' });
    await models.$('#cancel-models').click();
    await models.waitForIdle(30000);
    await models.waitFor('#grm-cancelled, #grm-error', 30000);
    assert.equal(await panel.value('grm'), 'n/a');
    assert.match(await panel.detail('grm'), /no valid judgement.*cancelled/);
    assert.equal(await panel.value('accuracy'), '1.00', 'the rule rewards stay');
    await eventually(() => server.requests.filter((r) => r.path === '/v1/chat/completions').every((r) => r.aborted), { what: 'the open requests to be aborted' });
    await shot('cancelled');
  } finally {
    await server?.close();
    servers.delete(ws);
  }
}, {
  settings: { 'reasoningLab.score.askForReference': false },
  prepare: async (ws) => {
    const server = await startOpenAiServer({ script: { default: { hang: true } } });
    servers.set(ws, server);
    addSettings(ws, { ...judgeSettings(server.url), 'reasoningLab.grm.samples': 2 });
  },
});
