/**
 * The reward-hacking finder (plain Node; the CLI's `hacks` and the editor's worker use it through
 * this module): rules in codeRules, mathRules, textRules and groupRules, thresholds in thresholds.ts,
 * the streaming pass in scan.ts.
 */
export * from './types';
export { DEFAULT_THRESHOLDS, THRESHOLD_INFO, ThresholdError, parseThresholdOverrides, resolveThresholds, type HackThresholds, type ThresholdInfo } from './thresholds';
export { scanForHacks, rankScore, type HackScanOptions, type HackScanResult } from './scan';
export { codeHits, type CodeHit } from './codeRules';
export { answerHits, boxedAnswers } from './mathRules';
export { repetitionHit, languageHit } from './textRules';
export { spearman, lengthHit, rmHits } from './groupRules';
export { detectSideFields, sideValue } from './sideFields';
