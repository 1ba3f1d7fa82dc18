/**
 * Building blocks for the experiment schema.
 *
 * The schema is written once, here in TypeBox, and emitted as
 * `schemas/experiment.schema.json` (see `scripts/emit-schema.ts`). TypeScript types
 * come from `Static<...>`, so there is no second copy to drift.
 *
 * Three helpers bend TypeBox's output where ajv's `useDefaults` and editors
 * need a particular JSON Schema shape, while keeping the static types exact:
 * - `Defaulted`: a property with a Keras default. It is optional in the JSON
 *   (editors don't demand it) but required in the resolved TypeScript type,
 *   because ajv fills the default before any code reads it.
 * - `Tagged`: a union told apart by its `type` key, emitted as `oneOf` plus a
 *   `discriminator`, so ajv reports errors of the matching branch only and
 *   still fills that branch's defaults (ajv skips defaults inside `anyOf`).
 * - `Shorthand`: a name string or a full object (`loss: mse` or
 *   `loss: {type: mse, ...}`), emitted as `if/then/else` for the same reason.
 */
import {
  OptionalKind,
  Type,
  type SchemaOptions,
  type Static,
  type TObject,
  type TSchema,
  type TUnion,
} from '@sinclair/typebox';

/** A property whose value, when absent, is `value` (filled by ajv `useDefaults`). */
export function Defaulted<T extends TSchema>(schema: T, value: Static<T>): T {
  return { ...schema, default: value, [OptionalKind]: 'Optional' } as T;
}

/**
 * A union of object variants told apart by their `type` property.
 * Each variant must declare `type: Type.Literal(...)`.
 */
export function Tagged<T extends TObject[]>(variants: [...T], options: SchemaOptions = {}): TUnion<T> {
  return Type.Unsafe({
    ...options,
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: variants,
  }) as unknown as TUnion<T>;
}

/**
 * Either one of `names` as a plain string, or the full `object` form. The loader
 * rewrites the string form to `{type: name}` before validation, so code only
 * ever sees the object form (the static type).
 */
export function Shorthand<T extends TSchema>(names: readonly string[], object: T, options: SchemaOptions = {}): T {
  return Type.Unsafe({
    ...options,
    if: { type: 'string' },
    then: { type: 'string', enum: [...names] },
    else: object,
  }) as unknown as T;
}

/**
 * `then` when the object has key `when` and not key `unless`, else `otherwise`; typed as their union.
 * (`{type: Flatten, repeat: 2}` is a layer with a stray key, not a repeat block.)
 */
export function IfHasKey<A extends TSchema, B extends TSchema>(when: string, unless: string, then: A, otherwise: B): TUnion<[A, B]> {
  return Type.Unsafe({
    if: { type: 'object', required: [when], properties: { [when]: {} }, not: { required: [unless] } },
    then,
    else: otherwise,
  }) as unknown as TUnion<[A, B]>;
}

/** A string from a fixed list (JSON `enum`), typed as the union of the literals. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** An integer >= 1. */
export const PositiveInt = (options: SchemaOptions = {}) => Type.Integer({ minimum: 1, ...options });

/** Keras's "an integer or a tuple of 2 integers" (`kernel_size`, `strides`, `pool_size`, ...). */
export const IntOrPair = (options: SchemaOptions = {}) =>
  Type.Union([PositiveInt(), Type.Tuple([PositiveInt(), PositiveInt()])], {
    title: 'an integer, or a list of 2 integers [height, width]',
    ...options,
  });

/** Activation functions tfjs implements, by their Keras names. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'swish',
  'silu',
  'mish',
  'gelu',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const Activation = (options: SchemaOptions = {}) =>
  StringEnum(ACTIVATIONS, { description: 'Activation function (Keras name). `linear` means none.', ...options });

/** Weight initializers tfjs implements, by their Keras names. */
export const INITIALIZERS = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'zeros',
  'ones',
  'random_normal',
  'random_uniform',
  'truncated_normal',
  'orthogonal',
] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

export const Initializer = (fallback: InitializerName, what: string) =>
  Defaulted(StringEnum(INITIALIZERS, { description: `Initializer for ${what}. Keras default: ${fallback}.` }), fallback);

/** Keras `L1L2` regularizer: loss += l1 * sum(|w|) + l2 * sum(w^2). */
export const Regularizer = (what: string) =>
  Type.Optional(
    Type.Object(
      {
        l1: Defaulted(Type.Number({ minimum: 0, description: 'L1 factor.' }), 0),
        l2: Defaulted(Type.Number({ minimum: 0, description: 'L2 factor.' }), 0),
      },
      { additionalProperties: false, description: `Penalty on ${what} added to the loss (Keras L1L2).` },
    ),
  );

/** Every layer may carry a `name`; Keras generates `conv2d`, `conv2d_1`, ... when it is absent. */
export const LayerName = () =>
  Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_.\\-]+$',
      description: 'Layer name. Default: snake_case of the type plus a counter, as Keras does (conv2d, conv2d_1, ...).',
    }),
  );
