import { commitmentOutput, readAccountSettings } from '../state/account-settings.js';
import type { Handler } from './context.js';

export const describeAccountSettings: Handler = async ({ engine }, _input, ctx) => {
  const settings = await readAccountSettings(engine, ctx.account, ctx.region);
  return { MinimumThroughputBillingCommitment: commitmentOutput(settings) };
};
