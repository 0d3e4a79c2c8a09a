// Extension-host tests: the real extension API inside VS Code (desktop via @vscode/test-electron, or
// code-server via test/e2e/code-server-shim.js). The workspace is a temporary copy of examples/.
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'reasoning-lab.reasoning-lab';

interface ScoreLike {
  total: number;
  max: number;
  min: number;
  spec: string;
  components: Record<string, { value: number | null; detail: string; weight: number; contribution: number } | undefined>;
}

function workspaceFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (a copy of examples/)');
  return vscode.Uri.joinPath(folder.uri, rel);
}

suite('Reasoning Lab extension', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
  });

  test('activates and registers every command', async () => {
    // the manifest as loaded, so a command added to package.json is checked without editing this test
    const contributed: { command: string }[] = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
    assert.ok(contributed.length > 0, 'the manifest lists no commands');
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !all.has(id));
    assert.deepStrictEqual(missing, [], `contributed in package.json but not registered: ${missing.join(', ')}`);
  });

  test('settings have the documented defaults', () => {
    const cfg = vscode.workspace.getConfiguration('reasoningLab');
    const defaults: Record<string, unknown> = {
      'rewards.spec': 'r1',
      'codeLens.enabled': true,
      'score.rescoreOnChange': true,
      'score.rescoreDelayMs': 300,
      'score.askForReference': true,
    };
    for (const [key, value] of Object.entries(defaults)) {
      assert.deepStrictEqual(cfg.inspect(key)?.defaultValue, value, `reasoningLab.${key}`);
    }
  });

  test('scoreFile with a uri resolves to the composite score (well-formed, correct answer)', async () => {
    const score = await vscode.commands.executeCommand<ScoreLike>('reasoningLab.scoreFile', workspaceFile('completions/en-well-formed.md'));
    assert.ok(score, 'scoreFile returned nothing');
    assert.strictEqual(score.spec, 'r1');
    assert.strictEqual(score.max, 3);
    assert.strictEqual(score.total, 3);
    for (const name of ['accuracy', 'format', 'language']) {
      assert.strictEqual(score.components[name]?.value, 1, `${name}: ${score.components[name]?.detail}`);
    }
  });

  test('scoreFile scores a wrong answer 0 on accuracy and names what it extracted', async () => {
    const score = await vscode.commands.executeCommand<ScoreLike>('reasoningLab.scoreFile', workspaceFile('completions/en-wrong-answer.md'));
    assert.strictEqual(score.components.accuracy?.value, 0);
    assert.match(score.components.accuracy?.detail ?? '', /96/);
    assert.strictEqual(score.total, 2);
  });

  test('scoreFile gives format 0 to an unclosed <think>', async () => {
    const score = await vscode.commands.executeCommand<ScoreLike>('reasoningLab.scoreFile', workspaceFile('completions/en-unclosed-think.md'));
    assert.strictEqual(score.components.format?.value, 0);
    assert.ok(score.total < score.max);
  });

  test('scoreFile reads a reference from comment lines without asking', async () => {
    const score = await vscode.commands.executeCommand<ScoreLike>('reasoningLab.scoreFile', workspaceFile('completions/answer-in-comment.txt'));
    assert.notStrictEqual(score.components.accuracy?.value, null, score.components.accuracy?.detail);
  });
});
