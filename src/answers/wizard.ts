/** The interactive wizard: one question per field of the answers schema. */
import type { Prompter } from "../ui/prompter.js";
import { fields, type Field, type PartialAnswers, type ProjectFacts } from "./fields.js";
import { checkValue, coerceText, defaultFor, isActive } from "./resolve.js";
import type { AnswerValue } from "./types.js";

/**
 * Asks every active question not already fixed by `--set`, using earlier
 * answers (saved file, answers file) as the defaults. Returns the replies.
 */
export async function runWizard(
  prompter: Prompter,
  previous: PartialAnswers,
  fixed: PartialAnswers,
  facts: ProjectFacts,
): Promise<PartialAnswers> {
  const answers: PartialAnswers = {};
  const advanced = await prompter.confirm({ message: "Show the advanced questions too (resources, logging, pools, ...)?", default: false });
  for (const field of fields) {
    const fallback = field.key in fixed ? fixed[field.key] : field.key in previous ? previous[field.key] : defaultFor(field, answers, facts);
    answers[field.key] = fallback as AnswerValue;
    if (field.key in fixed || !isActive(field, answers) || (field.advanced && !advanced)) continue;
    answers[field.key] = await ask(prompter, field, answers[field.key] as AnswerValue, answers);
  }
  return answers;
}

async function ask(prompter: Prompter, field: Field, current: AnswerValue, answers: PartialAnswers): Promise<AnswerValue> {
  const message = `${field.message}`;
  const validate = (value: AnswerValue): true | string => {
    const problems = checkValue(field, value, answers);
    return problems.length === 0 ? true : `${field.key} ${problems.join("; ")}`;
  };
  switch (field.type) {
    case "boolean":
      return prompter.confirm({ message, default: current === true });
    case "enum":
      return prompter.select({ message, choices: field.choices ?? [], default: String(current) });
    case "enum-list":
      return prompter.checkbox({
        message,
        choices: (field.choices ?? []).map((c) => ({ ...c, checked: (current as string[]).includes(c.value) })),
        validate: (values) => validate([...values]),
      });
    default: {
      const text = await prompter.input({
        message,
        default: Array.isArray(current) ? current.join(", ") : String(current),
        validate: (reply) => {
          const value = coerceText(field, reply);
          return typeof value === "object" && "problem" in value ? `${field.key} ${value.problem}` : validate(value);
        },
      });
      return coerceText(field, text) as AnswerValue;
    }
  }
}
