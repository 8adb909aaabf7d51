// Undo and redo for the playground. Every state a person reaches is kept, in order: a scenario
// (contexts and steps) and how many of its steps are run. Going back to a state replays it in a
// fresh seeded sandbox, so it is exactly what it was. Steps past the cursor stay redoable until a
// new action replaces them, as in an editor.
import type { Scenario, Step } from 'openssl-wasm-sandbox/conformance';

export interface State {
  scenario: Scenario;
  /** How many of the scenario's steps are run; the rest can be replayed forward. */
  cursor: number;
  /** What led here, for the undo and redo buttons' titles ("Undo handshake hs2"). */
  label: string;
}

export class Timeline {
  #states: State[] = [];
  #index = -1;

  get index(): number {
    return this.#index;
  }

  get current(): State | undefined {
    return this.#states[this.#index];
  }

  /** The state an undo would return to, and the one a redo would reach. */
  get previous(): State | undefined {
    return this.#states[this.#index - 1];
  }

  get next(): State | undefined {
    return this.#states[this.#index + 1];
  }

  /**
   * The steps a redo can bring back: those past the cursor, or those the next state added after
   * this one's (an undone step); with the scenario that holds them, to replay forward into.
   */
  get ahead(): { scenario: Scenario; steps: Step[] } | undefined {
    const current = this.current;
    if (!current) return undefined;
    const { scenario, cursor } = current;
    if (cursor < scenario.steps.length) return { scenario, steps: scenario.steps.slice(cursor) };
    const next = this.next;
    const grows = next && next.scenario.steps.length > cursor && next.cursor > cursor
      && JSON.stringify({ ...next.scenario, steps: next.scenario.steps.slice(0, cursor) }) === JSON.stringify(scenario);
    return grows ? { scenario: next.scenario, steps: next.scenario.steps.slice(cursor) } : undefined;
  }

  /** Adds a state after the current one; the states that were redoable from here are dropped. */
  push(state: State): number {
    this.#states.splice(this.#index + 1, Infinity, structuredClone(state));
    return ++this.#index;
  }

  /** Moves to state `index`, if the timeline has it. */
  go(index: number): State | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#states.length) return undefined;
    this.#index = index;
    return this.current;
  }
}
