import { Injectable } from '@nestjs/common';
import { CodeGuessingThrottle } from '@app/rate-limit';

/**
 * Voucher-code lookups of validate and redeem, behind the code-guessing throttle
 * (docs/rate-limiting.md): a caller that has used up its budget of unknown codes gets 429
 * before any lookup; every requested code that does not exist costs one miss.
 */
@Injectable()
export class CodeLookup {
  constructor(private readonly throttle: CodeGuessingThrottle) {}

  async find<V>(
    projectId: string,
    ip: string,
    codes: string[],
    lookup: () => Promise<Map<string, V>>,
  ): Promise<Map<string, V>> {
    await this.throttle.check(projectId, ip);
    const found = await lookup();
    for (const code of codes) if (!found.has(code)) await this.throttle.recordMiss(projectId, ip);
    return found;
  }
}
