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
    // The distance is at least the difference in length: most names are ruled out without computing it.
    if (Math.abs(value.length - typed.length) > limit) continue;
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

/**
 * Names a person probably meant by a short or partial name: names that contain it (or that it
 * contains), then the closest by edit distance. `aliases` maps lower-case short names to names.
 */
export function suggestNames(input: string, known: readonly string[], aliases: Readonly<Record<string, readonly string[]>> = {}, max = 3): string[] {
  const typed = input.trim().toLowerCase();
  const out = new Set<string>();
  const meant = Object.hasOwn(aliases, typed) ? (aliases[typed] as readonly string[]) : [];
  for (const name of meant) if (known.includes(name)) out.add(name);
  if (typed.length >= 2) {
    for (const name of known) {
      const lower = name.toLowerCase();
      if (lower.includes(typed) || (lower.length >= 3 && typed.includes(lower))) out.add(name);
    }
  }
  for (const name of closest(input, known, max)) out.add(name);
  return [...out].slice(0, max);
}

/** "; did you mean a, b or c?" from a list (empty when the list is). */
export function didYouMeanOf(near: readonly string[]): string {
  if (near.length === 0) return "";
  const list = [...near];
  const last = list.pop() as string;
  return `; did you mean ${list.length ? `${list.map((n) => `"${n}"`).join(", ")} or "${last}"` : `"${last}"`}?`;
}
