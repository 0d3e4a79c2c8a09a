/**
 * Text from programs or data files (a reward function's error message, its output) made safe to show:
 * control characters (escape sequences that retitle a terminal, clear the screen or move the cursor;
 * boxes in a webview) are shown as \xNN, never passed on raw. Tabs and newlines are kept.
 */
export function showControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
