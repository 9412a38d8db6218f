import type { Locations } from '../manifest/json-parse.js';
import { textWithValue } from '../manifest/edit-text.js';
import type { State } from '../manifest/types.js';

/**
 * The manifest's text with a new `state` section and every other byte as it was: only the
 * values of `state` that changed are rewritten (textWithValue), so a state change shows in a
 * diff as those lines and nothing else, and the compact arrays a person wrote stay compact. Pure.
 */
export function manifestTextWithState(loaded: { text: string; value?: unknown; locations: Locations }, state: State): string {
  return textWithValue(loaded, { ...(loaded.value as Record<string, unknown>), state });
}
