import type { z } from "zod";
import type { OperationContext, RequestContext } from "./context.js";

/**
 * One AWS operation as a value: its name (the `X-Amz-Target` suffix and the IAM action), its input
 * schema, the resource it acts on (for IAM) and its handler. The protocol adapter does the rest:
 * signature, validation, authorisation, transaction, serialisation, errors.
 */
export interface Operation<I = unknown, O = unknown> {
  readonly name: string;
  readonly input: z.ZodType<I>;
  /** The ARN the IAM check is made against; default `*`. */
  readonly resource?: (input: I, ctx: RequestContext) => string;
  /**
   * Default true: the handler runs in one store transaction. False for the rare operation that
   * waits on the outside world (a webhook), which must not hold the store meanwhile; its `ctx.trx`
   * is then the store itself, each query committing on its own.
   */
  readonly transactional?: boolean;
  readonly handler: (input: I, ctx: OperationContext) => Promise<O>;
}

/** Defines an {@link Operation}, inferring the handler's input type from the schema. */
export function operation<S extends z.ZodType, O>(def: {
  name: string;
  input: S;
  resource?: (input: z.output<S>, ctx: RequestContext) => string;
  transactional?: boolean;
  handler: (input: z.output<S>, ctx: OperationContext) => Promise<O>;
}): Operation<z.output<S>, O> {
  return def as Operation<z.output<S>, O>;
}

/**
 * An operation of any input and output: service tables hold many differently-typed operations, and
 * the adapter checks each input against the operation's own schema before calling it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<any, any>;

/** A service spoken over the AWS JSON protocol (`POST /` with `X-Amz-Target`). */
export interface JsonService {
  /** The `X-Amz-Target` prefix, e.g. `AmazonSSM`. */
  readonly targetPrefix: string;
  /** The SigV4 service name in the credential scope, e.g. `ssm`. */
  readonly signingName: string;
  /** The IAM action prefix, e.g. `ssm` in `ssm:GetParameter`. */
  readonly actionPrefix: string;
  /** The JSON protocol version in responses: `1.1` for most, `1.0` for a few. Default 1.1. */
  readonly jsonVersion?: "1.0" | "1.1";
  /** The error code for input that fails validation, e.g. `ValidationException`. */
  readonly validationErrorCode: string;
  readonly operations: ReadonlyMap<string, AnyOperation>;
}

/** Builds a {@link JsonService} from a list of operations. */
export function jsonService(
  def: Omit<JsonService, "operations"> & { operations: AnyOperation[] },
): JsonService {
  const operations = new Map(def.operations.map((op) => [op.name, op]));
  return { ...def, operations };
}

/** A service spoken over the AWS Query protocol (form-encoded `Action=…`, XML responses). */
export interface QueryService {
  /** The SigV4 service name in the credential scope, e.g. `sts`. */
  readonly signingName: string;
  /** The IAM action prefix, e.g. `sts`. */
  readonly actionPrefix: string;
  /** The XML namespace of responses, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  readonly xmlNamespace: string;
  /** The error code for input that fails validation. */
  readonly validationErrorCode: string;
  /**
   * Operations by `Action`. Inputs are the flat form parameters (`Tags.member.1.Key`); results are
   * plain objects rendered as XML elements inside `<ActionResult>`.
   */
  readonly operations: ReadonlyMap<string, AnyOperation>;
}

/** Builds a {@link QueryService} from a list of operations. */
export function queryService(
  def: Omit<QueryService, "operations"> & { operations: AnyOperation[] },
): QueryService {
  return { ...def, operations: new Map(def.operations.map((op) => [op.name, op])) };
}
