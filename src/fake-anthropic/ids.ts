import { createHash, randomBytes } from 'crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Real ids look like `toolu_01` + 22 base62 chars; mimicking the shape keeps any
// id-format assumptions in the product honest.
function base62Digest(seed: string, length: number): string {
  const bytes = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[bytes[i] % 62];
  return out;
}

/** Derived from scenario/turn/step so a retried request yields the same tool ids. */
export function toolUseId(scenario: string, turn: number, stepIndex: number): string {
  return `toolu_01${base62Digest(`tool:${scenario}/${turn}/${stepIndex}`, 22)}`;
}

export function serverToolUseId(scenario: string, turn: number, stepIndex: number): string {
  return `srvtoolu_01${base62Digest(`srvtool:${scenario}/${turn}/${stepIndex}`, 22)}`;
}

/** Per call, like the real API, but still deterministic so recorded fixtures are stable. */
export function messageId(scenario: string, turn: number, callIndex: number): string {
  return `msg_01${base62Digest(`msg:${scenario}/${turn}/${callIndex}`, 22)}`;
}

export function requestId(): string {
  return `req_fake_${randomBytes(12).toString('hex')}`;
}
