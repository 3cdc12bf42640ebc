import { distance } from "fastest-levenshtein";

/**
 * The closest known values to what a person typed ("did you mean us-east-1?"): case-insensitive edit
 * distance, closest first, at most `max`, and only those close enough to be a plausible typo (within
 * about a third of the typed length, at least 2 edits).
 */
export function closest(input: string, known: Iterable<string>, max = 3): string[] {
  const typed = input.toLowerCase().slice(0, 128);
  const limit = Math.max(2, Math.ceil(typed.length / 3));
  const scored: Array<[string, number]> = [];
  for (const value of known) {
    const d = distance(typed, value.toLowerCase());
    if (d <= limit) scored.push([value, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, max).map(([value]) => value);
}

/** "; did you mean a, b or c?" (empty when nothing is close). */
export function didYouMean(input: string, known: Iterable<string>, max = 3): string {
  const near = closest(input, known, max);
  if (near.length === 0) return "";
  const last = near.pop() as string;
  return `; did you mean ${near.length ? `${near.join(", ")} or ${last}` : last}?`;
}
