// Where a form shows a failed call's error: at the field it is about, or in the form's own alert.
import { AwsError } from "../api";

/** A failed call's error placed on a form. */
export interface FieldError<F extends string> {
  /** The field the error is about, "form" for the form as a whole, undefined with no error. */
  field: F | "form" | undefined;
  /** The error's message when it is about `field`: that field's `errorText`. */
  errorFor: (field: F | "form") => string | undefined;
}

/** Places `error` (a mutation's, null when there is none) at the field `fieldOf` names. */
export function fieldError<F extends string>(
  error: Error | null,
  fieldOf: (error: Error) => F | "form",
): FieldError<F> {
  const field = error ? fieldOf(error) : undefined;
  return { field, errorFor: (f) => (field === f ? error?.message : undefined) };
}

/** The first field whose AWS error codes include the error's, else "form". */
export function fieldByCode<F extends string>(
  error: Error,
  codes: Record<F, ReadonlySet<string>>,
): F | "form" {
  if (!(error instanceof AwsError)) return "form";
  const field = (Object.keys(codes) as F[]).find((f) => codes[f].has(error.code));
  return field ?? "form";
}
