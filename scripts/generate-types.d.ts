/** Generates the TypeScript types of the manifest from its schema (see generate-types.js). */
export function generateTypes(): Promise<string>;
