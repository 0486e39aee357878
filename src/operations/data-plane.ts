// Data-plane operations (the record path).
import type { Handler } from './context.js';

export const dataPlaneHandlers: Readonly<Record<string, Handler>> = {};
