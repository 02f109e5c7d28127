/**
 * A 422's per-field messages, read back from the ApiError's detail (`detailText` joins the
 * validation list as "field: message; other: message"), so a form can show each beside its input.
 */

export interface FieldErrors {
  /** Message per field name (`time_end`, `password`, `apps.0`). */
  fields: Record<string, string>;
  /** Whatever could not be tied to a field. */
  rest: string[];
}

/** Splits "mode: mode must be one of …; time_end: Field required" into its fields. */
export function fieldErrors(detail: string, known?: readonly string[]): FieldErrors {
  const out: FieldErrors = { fields: {}, rest: [] };
  for (const part of detail.split('; ')) {
    const text = part.trim();
    if (!text) continue;
    const match = /^([A-Za-z_][\w.]*): (.+)$/s.exec(text);
    const field = match?.[1];
    if (match && field && (!known || known.includes(field.split('.')[0]))) {
      const name = field.split('.')[0];
      out.fields[name] = out.fields[name] ? `${out.fields[name]}; ${match[2]}` : match[2];
    } else {
      out.rest.push(text);
    }
  }
  return out;
}
