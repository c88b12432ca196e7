/**
 * One vocabulary for expression labels across face sets: each set names the same expressions
 * differently (happy/happiness, anger/angry, sad/sadness, ...).
 */

/** The labels every set is mapped to where it has the expression. */
export const EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fear', 'disgust', 'surprise', 'contempt'] as const;

export type ExpressionLabel = (typeof EXPRESSION_LABELS)[number];

/** Other spellings, by the label they mean. */
const SYNONYMS: Readonly<Record<string, ExpressionLabel>> = Object.freeze({
  happiness: 'happy',
  sadness: 'sad',
  anger: 'angry',
  fearful: 'fear',
  disgusted: 'disgust',
  surprised: 'surprise',
  // Yale: neutral under a centre/left/right light, with or without glasses.
  neutral_variants: 'neutral',
});

/**
 * The canonical name of a label: a synonym becomes its EXPRESSION_LABELS name; a label with no
 * counterpart there (Yale's sleepy, wink) stays itself, lower-cased and trimmed.
 */
export function canonicalLabel(label: string): string {
  const key = label.trim().toLowerCase();
  return SYNONYMS[key] ?? key;
}

/** True when the label is one of EXPRESSION_LABELS after mapping. */
export function isExpressionLabel(label: string): label is ExpressionLabel {
  return (EXPRESSION_LABELS as readonly string[]).includes(label);
}
