import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AgentKind } from '../../contracts/agentTraining';
import { CHECKPOINT_FILE, EPISODES_FILE } from '../../contracts/agentWorker';
import { writeFileSafely } from '../../core/shared/safeOutput';

/** The agents' settings (package.json `reasoningLab.agents.*`), read when a command starts. */
export function agentSettings() {
  const c = vscode.workspace.getConfiguration('reasoningLab.agents');
  const int = (key: string, fallback: number, min: number) => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
  };
  return {
    // the same defaults as `train synth` and `solve` on the command line
    steps: int('steps', 200_000, 1),
    seed: int('seed', 1, 0),
    budget: int('budget', 1000, 1),
    codeBudget: int('codeBudget', 20, 1),
    checkpointDir: c.get<string>('checkpointDir') || path.join('.reasoning-lab', 'agents'),
  };
}

/** Where runs live: `<checkpointDir>` in the first workspace folder (absolute paths as given), else global storage. */
export function agentsDir(context: vscode.ExtensionContext): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const dir = agentSettings().checkpointDir;
  if (path.isAbsolute(dir)) return dir;
  return folder ? path.resolve(folder.uri.fsPath, dir) : path.join(context.globalStorageUri.fsPath, 'agents');
}

export const AGENT_LABELS: Record<AgentKind, string> = {
  synth: 'Hierarchical synthesis agent (PPO macro + DQN micro)',
  code: 'Code agent (a language model proposes, PPO macro + DQN micro decide, the sandbox judges)',
  'cartpole-ppo': 'CartPole-v1 with PPO',
  'cartpole-dqn': 'CartPole-v1 with DQN',
};

/** What a run folder's run.json records (written by Train Agent, read to list runs). */
export interface RunInfo {
  agent: AgentKind;
  problems: string;
  seed: number;
  steps: number;
  createdAt: string;
  /** The code agent's recorded generations and candidate runs per episode. */
  replay?: string;
  budget?: number;
}

export interface RunFolder extends RunInfo {
  id: string;
  dir: string;
  checkpoint?: { path: string; mtimeMs: number; bytes: number };
  episodes?: string;
}

export const RUN_FILE = 'run.json';

/** The runs under the agents folder, newest checkpoint first; folders without a readable run.json are left out. */
export function listRuns(root: string): RunFolder[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: RunFolder[] = [];
  for (const id of names) {
    const dir = path.join(root, id);
    let info: RunInfo;
    try {
      info = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILE), 'utf8')) as RunInfo;
      if (!info || !(Object.keys(AGENT_LABELS) as string[]).includes(info.agent)) continue;
    } catch {
      continue;
    }
    const file = path.join(dir, CHECKPOINT_FILE);
    let checkpoint: RunFolder['checkpoint'];
    try {
      const st = fs.statSync(file);
      checkpoint = { path: file, mtimeMs: st.mtimeMs, bytes: st.size };
    } catch {
      checkpoint = undefined;
    }
    const episodes = path.join(dir, EPISODES_FILE);
    out.push({ ...info, id, dir, checkpoint, episodes: fs.existsSync(episodes) ? episodes : undefined });
  }
  return out.sort((a, b) => (b.checkpoint?.mtimeMs ?? 0) - (a.checkpoint?.mtimeMs ?? 0) || b.createdAt.localeCompare(a.createdAt));
}

/** A new, empty run folder `<agent>-<date>-<time>` (a suffix when the name is taken: nothing is ever reused). */
export function createRunFolder(root: string, info: RunInfo): RunFolder {
  fs.mkdirSync(root, { recursive: true });
  const stamp = info.createdAt.replace(/\.\d+Z$/, '').replace(/[:T]/g, '-');
  for (let k = 1; ; k++) {
    const id = `${info.agent}-${stamp}${k > 1 ? `-${k}` : ''}`;
    const dir = path.join(root, id);
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    writeFileSafely(path.join(dir, RUN_FILE), JSON.stringify(info, null, 2) + '\n');
    return { ...info, id, dir };
  }
}

/** Records a run's new step target (after a resume that trains longer). */
export function updateRunInfo(run: RunFolder, patch: Partial<RunInfo>): void {
  const info: RunInfo = { agent: run.agent, problems: run.problems, seed: run.seed, steps: run.steps, createdAt: run.createdAt, ...(run.replay ? { replay: run.replay, budget: run.budget } : {}), ...patch };
  Object.assign(run, patch);
  writeFileSafely(path.join(run.dir, RUN_FILE), JSON.stringify(info, null, 2) + '\n', { replace: true }); // whole, never half-written
}

export const formatSteps = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
