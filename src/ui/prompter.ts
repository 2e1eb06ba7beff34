import { AbortedError } from "../errors.js";

/**
 * Every question the tool asks goes through this interface, so tests can
 * drive the wizard and the conflict prompt with scripted replies.
 */
export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

export interface Prompter {
  input(options: { message: string; default: string; validate: (text: string) => true | string }): Promise<string>;
  confirm(options: { message: string; default: boolean }): Promise<boolean>;
  select<T extends string>(options: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T extends string>(options: {
    message: string;
    choices: (Choice<T> & { checked: boolean })[];
    validate: (values: readonly T[]) => true | string;
  }): Promise<T[]>;
}

/** The real prompts; @inquirer/prompts is imported only when a question is asked. */
export function inquirerPrompter(): Prompter {
  const load = () => import("@inquirer/prompts");
  return {
    async input(o) {
      const { input } = await load();
      return input({ message: o.message, default: o.default, validate: o.validate });
    },
    async confirm(o) {
      const { confirm } = await load();
      return confirm(o);
    },
    async select(o) {
      const { select } = await load();
      return select(o.default === undefined ? { message: o.message, choices: o.choices } : { message: o.message, choices: o.choices, default: o.default });
    },
    async checkbox(o) {
      const { checkbox } = await load();
      return checkbox({
        message: o.message,
        choices: o.choices,
        validate: (items) => o.validate(items.map((i) => i.value)),
      });
    },
  };
}

/**
 * A per-file question with two standard choices: "diff" prints the difference and asks again, "abort"
 * stops the run with nothing written. Returns any other choice.
 */
export async function askAboutFile<T extends string>(
  prompter: Prompter,
  question: { message: string; choices: Choice<T | "diff" | "abort">[]; default: T },
  showDiff: () => void,
): Promise<T> {
  for (;;) {
    const choice = await prompter.select<T | "diff" | "abort">(question);
    if (choice === "diff") showDiff();
    else if (choice === "abort") throw new AbortedError();
    else return choice;
  }
}
