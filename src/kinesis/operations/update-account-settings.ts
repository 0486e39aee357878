import { commitmentOutput, readAccountSettings, writeAccountSettings } from '../state/account-settings.js';
import type { Handler } from '../state/services.js';

/**
 * AWS bills a commitment for at least 24 hours and reports ENABLED_UNTIL_EARLIEST_ALLOWED_END
 * when disabled early; a local server has no bill, so disabling takes effect at once.
 */
export const updateAccountSettings: Handler<'UpdateAccountSettings'> = async ({ engine }, input, ctx) => {
  const status = input.MinimumThroughputBillingCommitment.Status;
  const current = await readAccountSettings(engine, ctx.account, ctx.region);
  const next =
    status === current.commitment
      ? current
      : status === 'ENABLED'
        ? { commitment: status, startedAtMs: ctx.nowMs }
        : { ...current, commitment: status, endedAtMs: ctx.nowMs };
  await writeAccountSettings(engine, ctx.account, ctx.region, next);
  return { MinimumThroughputBillingCommitment: commitmentOutput(next) };
};
