// The single table of operations: dispatch, docs and the coverage test all read it.
import { KinesisError } from '../errors.js';
import { operationNames } from '../model.js';
import type { Handler } from './context.js';
import { controlPlaneHandlers } from './control-plane.js';
import { dataPlaneHandlers } from './data-plane.js';

export const handlers: Readonly<Record<string, Handler>> = { ...controlPlaneHandlers, ...dataPlaneHandlers };

const notImplemented =
  (name: string): Handler =>
  async () => {
    throw new KinesisError('InvalidArgumentException', `Shardline does not implement ${name} yet.`);
  };

/** Every operation of the service model, implemented or not (unknown targets never get here). */
export const operationTable: Readonly<Record<string, Handler>> = Object.fromEntries(
  operationNames.map((name) => [name, handlers[name] ?? notImplemented(name)]),
);

export const implementedOperations = (): string[] => Object.keys(handlers).sort();
