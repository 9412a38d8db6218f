import type { Severity } from '../diagnostic.js';
import type { Manifest } from '../types.js';
import type { RuleId } from './catalog.js';

/** What a rule reports: where, what, and (when the catalog's help is not specific enough) how to fix it. */
export interface Finding {
  rule: RuleId;
  pointer: string;
  message: string;
  hint?: string;
  /** When a rule's findings differ in severity (AR123): overrides the catalogue's. */
  severity?: Severity;
}

/** A semantic rule over a schema-valid manifest. Pure: reads the manifest, returns findings. */
export type Rule = (manifest: Manifest) => Finding[];
