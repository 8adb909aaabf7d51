// A lesson: a guided experiment around one scenario whose expectations are the lesson's claim.
// Shared by the lesson page (lessons.ts) and its test (test/lessons.test.ts).
import { VARIANTS, type Variant } from 'openssl-wasm-sandbox';
import { validateScenario, type Scenario } from 'openssl-wasm-sandbox/conformance';

/** Where a variant's outcome differs from the lesson's: the right answer there (when it changes), and what differs and why. */
export interface VariantNote {
  answer?: number;
  note: string;
}

export interface Lesson {
  /** A question that does not give the finding away (so neither does the file name). */
  title: string;
  /** What the experiment shows, in one sentence: revealed after the run, like the explanation. */
  finding: string;
  /** Short explanation: plain text with `code`, **bold** and blank-line paragraphs. */
  intro: string;
  question: { prompt: string; choices: string[]; answer: number };
  /** Why, citing the manual and the code. */
  explanation: string;
  scenario: Scenario;
  /** The variants on which the scenario's outcome differs (its `byVariant` expectations), each with its note. */
  byVariant?: Partial<Record<Variant, VariantNote>>;
}

/** The right answer on `variant`. */
export function answerOn(lesson: Lesson, variant: Variant): number {
  return lesson.byVariant?.[variant]?.answer ?? lesson.question.answer;
}

/** Checks a lesson's structure and its scenario; throws naming every problem. */
export function checkLesson(data: unknown, file = 'lesson'): Lesson {
  const problems: string[] = [];
  const l = data as Partial<Lesson> | null;
  if (!l || typeof l !== 'object') throw new Error(`${file}: not an object`);
  for (const key of ['title', 'finding', 'intro', 'explanation'] as const) {
    if (typeof l[key] !== 'string' || !(l[key] as string).trim()) problems.push(`${key} must be a non-empty string`);
  }
  const q = l.question;
  if (!q || typeof q.prompt !== 'string' || !q.prompt.trim()) problems.push('question.prompt must be a non-empty string');
  if (!q || !Array.isArray(q.choices) || q.choices.length < 2 || !q.choices.every((c) => typeof c === 'string' && c.trim())) {
    problems.push('question.choices must be at least two non-empty strings');
  } else if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) {
    problems.push(`question.answer must be an index into the ${q.choices.length} choices`);
  }
  for (const [variant, v] of Object.entries(l.byVariant ?? {})) {
    if (!VARIANTS.includes(variant as Variant)) problems.push(`byVariant: ${variant} is not a variant (${VARIANTS.join(', ')})`);
    if (typeof v?.note !== 'string' || !v.note.trim()) problems.push(`byVariant.${variant}.note must be a non-empty string`);
    if (v?.answer !== undefined && !(Number.isInteger(v.answer) && v.answer >= 0 && v.answer < (q?.choices?.length ?? 0))) {
      problems.push(`byVariant.${variant}.answer must be an index into the choices`);
    }
  }
  if (typeof l.title === 'string' && !l.title.trim().endsWith('?')) problems.push('title must ask a question (end with "?")');
  if (problems.length) throw new Error(`${file}: not a valid lesson:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  validateScenario(l.scenario, `${file} (scenario)`);
  return l as Lesson;
}
