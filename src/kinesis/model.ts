// Kinesis's derived service model (src/kinesis/model.json, made by tools/derive-model.mjs).
import { type ServiceModel, type Shape, shapeIn } from '../aws/model/shapes.js';
import raw from './model.json' with { type: 'json' };

export type { OperationModel, Shape } from '../aws/model/shapes.js';

export const model: ServiceModel = raw as ServiceModel;

export const shapeOf = (name: string): Shape => shapeIn(model, name);

export const operationNames: readonly string[] = Object.keys(model.operations).sort();
