import { describe, expect, it } from "vitest";
import { toolConcurrencyEnv } from "../../src/checks/concurrency.js";

describe("toolConcurrencyEnv", () => {
  it.each([
    [1, 2, {}, {}],
    [4, 2, {}, { GOMAXPROCS: "1", CHECKOV_WORKERS_NUMBER: "1" }],
    [2, 2, {}, { GOMAXPROCS: "1", CHECKOV_WORKERS_NUMBER: "1" }],
    [4, 16, {}, { GOMAXPROCS: "4", CHECKOV_WORKERS_NUMBER: "4" }],
    [3, 8, {}, { GOMAXPROCS: "2", CHECKOV_WORKERS_NUMBER: "2" }],
    [4, 2, { GOMAXPROCS: "8" }, { CHECKOV_WORKERS_NUMBER: "1" }],
  ] as const)("--jobs %i on %i cores with %j -> %j", (jobs, cores, env, expected) => {
    expect(toolConcurrencyEnv(jobs, cores, env)).toEqual(expected);
  });
});
