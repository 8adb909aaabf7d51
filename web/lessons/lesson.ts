// A lesson: a guided experiment around one scenario whose expectations are the lesson's claim.
// Shared by the lesson page (lessons.ts) and its test (test/lessons.test.ts).
import { validateScenario, type Scenario } from 'openssl-wasm-sandbox/conformance';

export interface Lesson {
  title: string;
  /** Short explanation: plain text with `code`, **bold** and blank-line paragraphs. */
  intro: string;
  question: { prompt: string; choices: string[]; answer: number };
  /** Why, citing the manual and the code. */
  explanation: string;
  scenario: Scenario;
}

/** Checks a lesson's structure and its scenario; throws naming every problem. */
export function checkLesson(data: unknown, file = 'lesson'): Lesson {
  const problems: string[] = [];
  const l = data as Partial<Lesson> | null;
  if (!l || typeof l !== 'object') throw new Error(`${file}: not an object`);
  for (const key of ['title', 'intro', 'explanation'] as const) {
    if (typeof l[key] !== 'string' || !(l[key] as string).trim()) problems.push(`${key} must be a non-empty string`);
  }
  const q = l.question;
  if (!q || typeof q.prompt !== 'string' || !q.prompt.trim()) problems.push('question.prompt must be a non-empty string');
  if (!q || !Array.isArray(q.choices) || q.choices.length < 2 || !q.choices.every((c) => typeof c === 'string' && c.trim())) {
    problems.push('question.choices must be at least two non-empty strings');
  } else if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) {
    problems.push(`question.answer must be an index into the ${q.choices.length} choices`);
  }
  if (problems.length) throw new Error(`${file}: not a valid lesson:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  validateScenario(l.scenario, `${file} (scenario)`);
  return l as Lesson;
}
