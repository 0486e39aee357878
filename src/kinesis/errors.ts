// One class per wire error. `name` is the wire `__type`; `fault` picks the HTTP status.

export type Fault = 'client' | 'server';

export class KinesisError extends Error {
  readonly fault: Fault;
  readonly status: number;
  constructor(type: string, message: string | undefined, fault: Fault = 'client', status?: number) {
    super(message ?? '');
    this.name = type;
    this.fault = fault;
    this.status = status ?? (fault === 'client' ? 400 : 500);
    this.hasMessage = message !== undefined;
  }
  /** Some front-end errors (e.g. SerializationException for an unparsable body) carry no message. */
  readonly hasMessage: boolean;
}

const make = (type: string, fault: Fault = 'client', status?: number) =>
  class extends KinesisError {
    constructor(message?: string) {
      super(type, message, fault, status);
    }
  };

export const ResourceNotFoundException = make('ResourceNotFoundException');
export const ResourceInUseException = make('ResourceInUseException');
export const LimitExceededException = make('LimitExceededException');
export const InvalidArgumentException = make('InvalidArgumentException');
export const ValidationException = make('ValidationException');
export const SerializationException = make('SerializationException');
export const UnknownOperationException = make('UnknownOperationException');
export const ExpiredIteratorException = make('ExpiredIteratorException');
export const ExpiredNextTokenException = make('ExpiredNextTokenException');
export const ProvisionedThroughputExceededException = make('ProvisionedThroughputExceededException');
export const AccessDeniedException = make('AccessDeniedException');
export const DryRunOperationException = make('DryRunOperationException');
export const MissingAuthenticationTokenException = make('MissingAuthenticationTokenException');
export const IncompleteSignatureException = make('IncompleteSignatureException');
export const InvalidSignatureException = make('InvalidSignatureException');
export const UnrecognizedClientException = make('UnrecognizedClientException');
export const InternalFailureException = make('InternalFailureException', 'server');
export const ServiceUnavailableException = make('ServiceUnavailableException', 'server', 503);

export function streamNotFound(name: string, account: string): KinesisError {
  return new ResourceNotFoundException(`Stream ${name} under account ${account} not found.`);
}
