import { z } from "zod";

// Schema helpers whose messages are AWS's own constraint messages, so validation errors read as
// AWS's do: "Value at 'Name' failed to satisfy constraint: Member must have length less than or
// equal to 2048".

/** A string of `min`..`max` characters. */
export function awsString(min: number, max?: number): z.ZodString {
  let s = z.string().min(min, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined) s = s.max(max, `Member must have length less than or equal to ${max}`);
  return s;
}

/** One of `values`. */
export function awsEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(", ")}]` });
}

/** An integer in `min`..`max`. */
export function awsInt(min: number, max: number): z.ZodNumber {
  return z
    .number()
    .int()
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`);
}

/** A list of `min`..`max` items. */
export function awsList<T extends z.ZodType>(item: T, min: number, max?: number): z.ZodArray<T> {
  let list = z.array(item).min(min, `Member must have length greater than or equal to ${min}`);
  if (max !== undefined) list = list.max(max, `Member must have length less than or equal to ${max}`);
  return list;
}
