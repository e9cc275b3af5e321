/** A labelled input with an optional hint; ids tie the label, hint and error together for screen readers. */
export function Field({
  id,
  label,
  hint,
  invalid,
  errorId,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  invalid?: boolean;
  errorId?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const describedBy =
    [hint ? `${id}-hint` : null, invalid && errorId ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={invalid || undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
