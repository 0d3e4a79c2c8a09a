import type { BreakdownView } from '../../contracts/breakdown';
import { showControlChars } from '../../core/shared/controlChars';

/**
 * The view with the control characters of its components' texts (a reward function's error message,
 * traceback and output; details, items) shown as \xNN, as the CLI shows them: a webview would draw
 * them as boxes. The completion is left as it is (its highlights are offsets into it).
 */
export function withVisibleControlChars(view: BreakdownView): BreakdownView {
  const components: BreakdownView['score']['components'] = {};
  for (const [name, c] of Object.entries(view.score.components)) {
    if (!c) continue;
    components[name] = {
      ...c,
      detail: showControlChars(c.detail),
      ...(c.items ? { items: c.items.map(showControlChars) } : {}),
      ...(c.error ? { error: { ...c.error, message: showControlChars(c.error.message), ...(c.error.traceback !== undefined ? { traceback: showControlChars(c.error.traceback) } : {}) } } : {}),
      ...(c.output !== undefined ? { output: showControlChars(c.output) } : {}),
    };
  }
  return { ...view, score: { ...view.score, components } };
}
