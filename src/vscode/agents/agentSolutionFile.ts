import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { solutionsDir } from '../eval/evalSettings';
import type { SolutionOutcome } from '../eval/problemTests';
import { openEpisodes } from './trainingPanel';
import { errorMessage } from '../../core/shared/errors';
import { OutputExistsError, writeFileSafely } from '../../core/shared/safeOutput';

/**
 * Writes an agent's solution as the problem's solution file in the solutions folder (`<id>.py`; asks
 * before replacing one, or writes `<id>.agent.py` beside it), opens it and, for a problem Run Tests
 * knows, runs its tests. Nothing of the user's is replaced without consent; the file is written whole.
 */
export async function writeAgentSolution(
  context: vscode.ExtensionContext,
  s: { problemId: string; ext: string; code: string; preview: string; spent: string; tracesFile: string; runTests: boolean; verdict?: string },
): Promise<void> {
  const dir = solutionsDir(context);
  const base = s.problemId.replace(/[^\w.-]+/g, '-');
  let file = path.join(dir, `${base}${s.ext}`);
  let replace = false;
  if (fs.existsSync(file)) {
    const replaceLabel = 'Replace';
    const beside = `Write ${base}.agent${s.ext}`;
    const choice = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(file)} already exists. Replace it with the agent's program?`, { modal: true, detail: s.preview }, replaceLabel, beside);
    if (choice === beside) file = path.join(dir, `${base}.agent${s.ext}`);
    else if (choice === replaceLabel) replace = true;
    else {
      void vscode.window.showInformationMessage(`Kept ${vscode.workspace.asRelativePath(file)}; the agent's program was not written.`);
      return;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  // written whole or not at all; a file that appeared meanwhile is kept unless the person agreed to replace it
  try {
    writeFileSafely(file, s.code, { replace });
  } catch (err) {
    void vscode.window.showWarningMessage(err instanceof OutputExistsError ? `Kept ${vscode.workspace.asRelativePath(file)}, which appeared meanwhile; the agent's program was not written.` : `The agent's program was not written: ${errorMessage(err)}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc, { preview: false });
  const tests = s.runTests ? ((await vscode.commands.executeCommand<SolutionOutcome | undefined>('reasoningLab.runProblemTests', vscode.Uri.file(file))) ?? undefined) : undefined;
  const rel = vscode.workspace.asRelativePath(file);
  const what = tests ? `tests ${tests.passed ? 'passed' : 'failed'}: ${tests.summary}` : s.runTests ? 'tests not run (see the Testing view)' : (s.verdict ?? 'not judged');
  const message = `Agent's solution for ${s.problemId} written to ${rel} after ${s.spent}; ${what}`;
  const failed = tests ? !tests.passed : !s.runTests && !/pass/.test(s.verdict ?? '');
  const choice = failed ? await vscode.window.showWarningMessage(message, 'Open Episodes') : await vscode.window.showInformationMessage(message, 'Open Episodes');
  if (choice === 'Open Episodes') await openEpisodes(s.tracesFile);
}
