/** The label value that stands for every name past a label's cap. */
export const OTHER_LABEL = '__other__';

/** Names longer than this are folded too: a label value is not a place for a document. */
const MAX_LABEL_LENGTH = 100;

/** How many distinct values a label of caller-chosen names keeps, by default. */
export const DEFAULT_LABEL_CAP = 200;

/**
 * Bounds a metric label whose values callers choose (operation names, client names): the first
 * `cap` distinct values are kept as they are, later ones become `__other__`, so a caller
 * sending a new name with every request cannot grow the registry without end.
 */
export function createLabelCap(cap: number = DEFAULT_LABEL_CAP): (value: string) => string {
  const kept = new Set<string>();
  return (value) => {
    if (kept.has(value)) return value;
    if (kept.size >= cap || value.length > MAX_LABEL_LENGTH) return OTHER_LABEL;
    kept.add(value);
    return value;
  };
}
