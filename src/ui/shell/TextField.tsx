/**
 * One labelled input of a lab's form, the way every lab does it: the label, the field and its unit, and under it
 * either the hint or the error (role="alert", tied to the field by aria-describedby and aria-invalid). The text
 * stays what the user typed; checking it is the caller's job (each lab's view.ts), so a bad value is explained
 * beside the field and nothing typed is lost.
 */
import type { InputHTMLAttributes, ReactNode } from 'react';

export interface TextFieldProps {
  id: string;
  label: ReactNode;
  value: string;
  onChange(text: string): void;
  hint: ReactNode;
  error?: string;
  unit?: string;
  inputMode?: InputHTMLAttributes<HTMLInputElement>['inputMode'];
  disabled?: boolean;
  name?: string;
  spellCheck?: boolean;
  onEnter?(): void;
}

export function TextField({ id, label, value, onChange, hint, error, unit, inputMode = 'decimal', disabled, name, spellCheck, onEnter }: TextFieldProps) {
  return (
    <div className="pl-field">
      <label className="pl-label" htmlFor={id}>
        {label}
      </label>
      <div className="pl-input-row">
        <input
          id={id}
          name={name}
          inputMode={inputMode}
          value={value}
          disabled={disabled}
          spellCheck={spellCheck}
          aria-invalid={error !== undefined}
          aria-describedby={`${id}-${error !== undefined ? 'err' : 'hint'}`}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onEnter === undefined ? undefined : (e) => e.key === 'Enter' && onEnter()}
        />
        {unit !== undefined && <span className="pl-unit">{unit}</span>}
      </div>
      {error !== undefined ? (
        <span className="field-error" id={`${id}-err`} role="alert">
          {error}
        </span>
      ) : (
        <span className="pl-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** Drops one field's error (the user is typing in it again). */
export function withoutKey<K extends string, V>(errors: Partial<Record<K, V>>, key: K): Partial<Record<K, V>> {
  const { [key]: _drop, ...rest } = errors;
  return rest as Partial<Record<K, V>>;
}

/**
 * The TextField props that tie one field to its form's typed texts and errors, by the rule every lab form follows:
 * the field shows exactly what was typed (kept when it is refused) and typing clears that field's error.
 */
export function bindField<F extends E, E extends string>(
  f: F,
  texts: Readonly<Record<F, string>>,
  errors: Readonly<Partial<Record<E, string>>>,
  setTexts: (update: (t: Record<F, string>) => Record<F, string>) => void,
  setErrors: (update: (e: Partial<Record<E, string>>) => Partial<Record<E, string>>) => void,
): { value: string; error: string | undefined; onChange: (v: string) => void } {
  return {
    value: texts[f],
    error: errors[f],
    onChange: (v) => {
      setTexts((t) => ({ ...t, [f]: v }));
      setErrors((x) => withoutKey<E, string>(x, f));
    },
  };
}
