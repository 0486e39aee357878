// Resource policies are stored verbatim beside the stream; only their JSON and size are checked.
import { InvalidArgumentException } from '../errors.js';
import { limits } from '../limits.js';

export function checkPolicyDocument(policy: string): void {
  if (Buffer.byteLength(policy, 'utf8') > limits.resourcePolicyBytesMax)
    throw new InvalidArgumentException(
      `Policy size exceeds the maximum allowed size of ${limits.resourcePolicyBytesMax} bytes.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw new InvalidArgumentException('Policy is not a valid JSON document.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentException('Policy is not a valid JSON document.');
  if (!('Statement' in parsed))
    throw new InvalidArgumentException('Policy document must contain a Statement element.');
}
