// Typed access to the derived service model (src/kinesis/model.json, made by tools/derive-model.mjs).
import raw from './model.json' with { type: 'json' };

export interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, string>>;
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly exception?: boolean;
  readonly eventstream?: boolean;
}

export interface OperationModel {
  readonly input: string | null;
  readonly output: string | null;
  readonly errors: readonly string[];
  readonly type: 'control' | 'data' | string;
}

interface Model {
  readonly apiVersion: string;
  readonly targetPrefix: string;
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

export const model: Model = raw as Model;

export function shapeOf(name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`unknown shape ${name}`);
  return shape;
}

export const operationNames: readonly string[] = Object.keys(model.operations).sort();
