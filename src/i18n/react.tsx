/**
 * `<T k="shell.pressKey" parts={{ key: <kbd>g</kbd> }} />`: a message whose placeholders are React nodes
 * (a key cap, a link, emphasis) without splitting the sentence into pieces a translator cannot reorder.
 */
import { Fragment, type ReactNode } from 'react';
import type { MessageKey } from './catalogue.ts';
import { t, type Params } from './t.ts';

export function T({ k, params, parts }: { k: MessageKey; params?: Params; parts?: Readonly<Record<string, ReactNode>> }) {
  const text = t(k, params);
  if (parts === undefined) return <>{text}</>;
  const pieces = text.split(/\{(\w+)\}/g);
  return (
    <>
      {pieces.map((piece, i) =>
        i % 2 === 1 ? <Fragment key={i}>{parts[piece] ?? `{${piece}}`}</Fragment> : piece === '' ? null : <Fragment key={i}>{piece}</Fragment>,
      )}
    </>
  );
}
