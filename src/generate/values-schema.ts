/** Placeholder until the chart's values schema lands. */
export function buildValuesSchema(): object {
  return { $schema: "http://json-schema.org/draft-07/schema#", type: "object" };
}
