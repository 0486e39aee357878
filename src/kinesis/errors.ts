// Kinesis's error table: every wire error its operations answer, beside the front end's own
// (aws/errors.ts). One class per wire error; `name` is the wire `__type`.
import {
  type AwsError,
  clientError,
  type ErrorTable,
  errorClass,
  AccessDeniedException as FrontEndAccessDenied,
  frontEndErrors,
  serverError,
} from '../aws/errors.js';

export {
  AwsError as KinesisError,
  IncompleteSignatureException,
  InternalFailure,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  SerializationException,
  ServiceUnavailableException,
  UnknownOperationException,
  ValidationException,
} from '../aws/errors.js';

export const kinesisErrors = {
  ...frontEndErrors,
  ResourceNotFoundException: clientError(),
  ResourceInUseException: clientError(),
  LimitExceededException: clientError(),
  InvalidArgumentException: clientError(),
  ExpiredIteratorException: clientError(),
  ExpiredNextTokenException: clientError(),
  ProvisionedThroughputExceededException: clientError(),
  DryRunOperationException: clientError(),
  InternalFailureException: serverError(),
} as const satisfies ErrorTable;

const kinesisError = (type: keyof typeof kinesisErrors) => errorClass(kinesisErrors, type);

export const ResourceNotFoundException = kinesisError('ResourceNotFoundException');
export const ResourceInUseException = kinesisError('ResourceInUseException');
export const LimitExceededException = kinesisError('LimitExceededException');
export const InvalidArgumentException = kinesisError('InvalidArgumentException');
export const ExpiredIteratorException = kinesisError('ExpiredIteratorException');
export const ExpiredNextTokenException = kinesisError('ExpiredNextTokenException');
export const ProvisionedThroughputExceededException = kinesisError('ProvisionedThroughputExceededException');
export const AccessDeniedException = FrontEndAccessDenied;
export const DryRunOperationException = kinesisError('DryRunOperationException');
export { UnrecognizedClientException } from '../aws/errors.js';
export const InternalFailureException = kinesisError('InternalFailureException');

export function streamNotFound(name: string, account: string): AwsError {
  return new ResourceNotFoundException(`Stream ${name} under account ${account} not found.`);
}
