/** A labelled input with an optional hint; ids tie the label, hint and error together for screen readers. */
export function Field({
  id,
  label,
  hint,
  invalid,
  errorId,
  error,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  /** The form as a whole was refused (a server answer): the field points at the form's message. */
  invalid?: boolean;
  errorId?: string;
  /** This field's own problem, shown under it. */
  error?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const describedBy =
    [error ? `${id}-error` : null, hint ? `${id}-hint` : null, invalid && !error && errorId ? errorId : null]
      .filter(Boolean)
      .join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={!!error || invalid || undefined} aria-describedby={describedBy} {...input} />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
