// Wire errors for every service. One class per wire error whose `name` is the wire `__type`; each
// service keeps one error table (wire name → fault, status, message key) and makes its classes
// from it with `errorClass`. The front end's protocol mappers turn an AwsError into the answer.

export type Fault = 'client' | 'server';

/** How a wire error is answered. `messageKey` spells the JSON member ("message", or Coral's "Message"). */
export interface ErrorSpec {
  readonly fault: Fault;
  readonly status: number;
  readonly messageKey: 'message' | 'Message';
}

export type ErrorTable = Readonly<Record<string, ErrorSpec>>;

export const clientError = (status = 400): ErrorSpec => ({ fault: 'client', status, messageKey: 'message' });
export const serverError = (status = 500): ErrorSpec => ({ fault: 'server', status, messageKey: 'message' });

export class AwsError extends Error {
  readonly fault: Fault;
  readonly status: number;
  readonly messageKey: 'message' | 'Message';
  /** Some front-end errors (e.g. SerializationException for an unparsable body) carry no message. */
  readonly hasMessage: boolean;
  constructor(type: string, message: string | undefined, spec: ErrorSpec = clientError()) {
    super(message ?? '');
    this.name = type;
    this.fault = spec.fault;
    this.status = spec.status;
    this.messageKey = spec.messageKey;
    this.hasMessage = message !== undefined;
  }
}

export type AwsErrorClass = new (message?: string) => AwsError;

/** The class of one entry of an error table. */
export function errorClass(table: ErrorTable, type: string): AwsErrorClass {
  const spec = table[type];
  if (!spec) throw new Error(`${type} is not in the error table`);
  return class extends AwsError {
    constructor(message?: string) {
      super(type, message, spec);
    }
  };
}

/**
 * Errors the front end itself answers for the JSON-RPC services (AWS's gateway, before and around
 * the service): routing, parsing, authentication, validation, unexpected failures. A service's
 * operations may answer these without the model listing them.
 */
export const frontEndErrors = {
  SerializationException: { fault: 'client', status: 400, messageKey: 'Message' },
  UnknownOperationException: clientError(),
  MissingAuthenticationTokenException: clientError(),
  IncompleteSignatureException: clientError(),
  InvalidSignatureException: clientError(),
  UnrecognizedClientException: clientError(),
  AccessDeniedException: clientError(),
  ValidationException: clientError(),
  InternalFailure: serverError(),
  ServiceUnavailableException: serverError(503),
} as const satisfies ErrorTable;

export const SerializationException = errorClass(frontEndErrors, 'SerializationException');
export const UnknownOperationException = errorClass(frontEndErrors, 'UnknownOperationException');
export const MissingAuthenticationTokenException = errorClass(
  frontEndErrors,
  'MissingAuthenticationTokenException',
);
export const IncompleteSignatureException = errorClass(frontEndErrors, 'IncompleteSignatureException');
export const InvalidSignatureException = errorClass(frontEndErrors, 'InvalidSignatureException');
export const ValidationException = errorClass(frontEndErrors, 'ValidationException');
export const ServiceUnavailableException = errorClass(frontEndErrors, 'ServiceUnavailableException');
/** Unexpected failures: AWS answers 500 with this bare type and no message. */
export const INTERNAL_FAILURE_TYPE = 'InternalFailure';
/** AWS's bare InternalFailure (500, no message) as a deliberate answer (some recorded inputs get it). */
export const InternalFailure = errorClass(frontEndErrors, INTERNAL_FAILURE_TYPE);
export const AccessDeniedException = errorClass(frontEndErrors, 'AccessDeniedException');
export const UnrecognizedClientException = errorClass(frontEndErrors, 'UnrecognizedClientException');
