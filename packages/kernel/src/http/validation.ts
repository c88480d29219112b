import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { inspectText, TEXT_POLICY_KEYWORD } from '../text.ts';

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  addFormats.default(ajv);
  // Annotation read by inspectText (text.ts), declared so that Ajv knows it is not a typo.
  ajv.addKeyword({ keyword: TEXT_POLICY_KEYWORD, schemaType: 'string' });
  return ajv;
}

/**
 * Bodies are validated strictly (no coercion, unknown fields rejected by the schemas);
 * query strings and params are coerced from text, as they must be.
 *
 * Before the schema, every string of the part is checked for text no field may carry (NUL, unpaired surrogates,
 * bidi controls — see text.ts): a 400 `validation_failed` naming the field, for every route of every service, so
 * such text never reaches a service or PostgreSQL. Search fields (`SearchString`) are cleaned instead.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  const cache = new WeakMap<object, ValidateFunction>();
  const compile = (schema: object, httpPart: string | undefined): ValidateFunction => {
    const ajv = httpPart === 'body' ? strict : coercing;
    let validate = httpPart === 'body' ? cache.get(schema) : undefined;
    if (!validate) {
      validate = ajv.compile(schema);
      if (httpPart === 'body') cache.set(schema, validate);
    }
    return validate;
  };
  return ({ schema, httpPart }) => {
    // Compiled at the first request that needs it, not at start-up (a restart compiled every route's schemas).
    let validate: ValidateFunction | undefined;
    return (data: unknown) => {
      const text = inspectText(data, schema);
      if (text.issues.length > 0) {
        return { error: Object.assign(new Error('validation'), { validation: text.issues }) };
      }
      const value = text.value;
      validate ??= compile(schema as object, httpPart);
      return validate(value)
        ? { value }
        : { error: Object.assign(new Error('validation'), { validation: validate.errors }) };
    };
  };
}
