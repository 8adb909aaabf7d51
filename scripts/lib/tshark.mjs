// tshark for the capture tests: Debian's package (the tests only read files, no capturing).
import { ensureCommand } from './debian.mjs';

export const ensureTshark = () => ensureCommand({
  command: 'tshark', pkg: 'tshark', purpose: 'The capture tests need it',
  elsewhere: 'any Wireshark build whose `tshark` is on PATH',
});
