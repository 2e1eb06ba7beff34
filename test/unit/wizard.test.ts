import { describe, expect, it } from "vitest";
import { runWizard } from "../../src/answers/wizard.js";
import { resolveAnswers } from "../../src/answers/resolve.js";
import type { Prompter } from "../../src/ui/prompter.js";
import { facts } from "../helpers.js";

/** A prompter that answers from a script keyed by message text, and records what was asked. */
function scripted(replies: Record<string, unknown>, advanced = false) {
  const asked: string[] = [];
  const reply = (message: string, fallback: unknown): unknown => {
    asked.push(message);
    const key = Object.keys(replies).find((k) => message.includes(k));
    return key === undefined ? fallback : replies[key];
  };
  const prompter: Prompter = {
    input: async (o) => {
      const text = reply(o.message, o.default) as string;
      const verdict = o.validate(text);
      if (verdict !== true) throw new Error(`validation: ${verdict}`);
      return text;
    },
    confirm: async (o) => (o.message.startsWith("Show the advanced") ? advanced : (reply(o.message, o.default) as boolean)),
    select: async (o) => reply(o.message, o.default) as never,
    checkbox: async (o) => {
      const values = reply(o.message, o.choices.filter((c) => c.checked).map((c) => c.value)) as never;
      const verdict = o.validate(values);
      if (verdict !== true) throw new Error(`validation: ${verdict}`);
      return values;
    },
  };
  return { prompter, asked };
}

describe("wizard", () => {
  it("asks the basic questions, with conditional follow-ups, and produces valid answers", async () => {
    const { prompter, asked } = scripted({
      "Application name": "shop-api",
      "Expose the API through an Ingress": true,
      "Public host name": "api.shop.dev",
      "Allowed CORS origins": "https://shop.dev, https://admin.shop.dev",
      "HTTP port": "9000",
    });
    const replies = await runWizard(prompter, {}, {}, facts);
    const answers = resolveAnswers(replies, facts, "wizard");
    expect(answers.app.name).toBe("shop-api");
    expect(answers.app.namespace).toBe("shop-api");
    expect(answers.server.port).toBe(9000);
    expect(answers.cors).toEqual({ enabled: true, origins: ["https://shop.dev", "https://admin.shop.dev"] });
    expect(asked.some((m) => m.includes("cert-manager ClusterIssuer"))).toBe(true);
    expect(asked.some((m) => m.includes("CPU request"))).toBe(false);
  });

  it("skips answers fixed by --set and follow-ups of disabled features", async () => {
    const { prompter, asked } = scripted({});
    await runWizard(prompter, {}, { "server.port": 9100 }, facts);
    expect(asked.some((m) => m.includes("HTTP port"))).toBe(false);
    expect(asked.some((m) => m.includes("Public host name"))).toBe(false);
  });

  it("asks the advanced questions only when asked to, and uses saved answers as defaults", async () => {
    const { prompter, asked } = scripted({}, true);
    const replies = await runWizard(prompter, { "resources.requests.cpu": "500m" }, {}, facts);
    expect(asked.some((m) => m.includes("CPU request"))).toBe(true);
    expect(replies["resources.requests.cpu"]).toBe("500m");
  });

  it("rejects an invalid reply with the field and the rule", async () => {
    const { prompter } = scripted({ "Application name": "Bad Name" });
    await expect(runWizard(prompter, {}, {}, facts)).rejects.toThrow("app.name must be a DNS-1123 label");
  });
});
