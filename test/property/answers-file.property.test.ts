/** fraiseql-deploy.yaml, as written by init, reads back to exactly the same answers. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseAnswersText, serializeAnswers } from "../../src/answers/file.js";
import { resolveAnswers } from "../../src/answers/resolve.js";
import { facts } from "../helpers.js";
import { answersArb } from "./arbitraries.js";

describe("property: the answers file round-trips", () => {
  it("for random valid answers, hostile text included", () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom("1.0", "2.16.0", "v1", "1e3", "true", "null", "0x1F"), (given, tag) => {
        const answers = resolveAnswers({ ...given, "image.tag": tag }, facts, "property");
        const text = serializeAnswers(answers, "0.0.0-test");
        expect(resolveAnswers(parseAnswersText(text, "fraiseql-deploy.yaml"), facts, "fraiseql-deploy.yaml")).toEqual(answers);
      }),
      { numRuns: 100 },
    );
  });
});
