/** One measured operation: `setup` prepares contexts and returns the operation (one handshake). */
export interface Case {
  name: string;
  peer: string;
  setup: () => Promise<() => Promise<void>>;
}
