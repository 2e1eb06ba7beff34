import type { Check } from "./types.js";

/** Placeholder until the tool-backed checks land. */
export const toolChecks: Check[] = [];
