/**
 * A place in a JSON document as a chain to the root, for walks that visit every value: each
 * child links to its parent instead of copying the path, and the path is built only for the
 * places a walk reports.
 */
export interface Place {
  parent: Place | undefined;
  segment: string;
}

/** The keys from the root down to `place` (`undefined` is the root: no keys). */
export function segmentsOf(place: Place | undefined): string[] {
  const segments: string[] = [];
  for (let p = place; p; p = p.parent) segments.push(p.segment);
  return segments.reverse();
}
