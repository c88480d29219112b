import type { TObject } from '@sinclair/typebox';
import { DomainError } from '../errors.ts';
import { toProblem } from '../http/problem.ts';
import { validatorCompiler } from '../http/validation.ts';
import {
  argsOf,
  inputOf,
  type LooseMethods,
  operationsOf,
  type PortDeclaration,
  type PortOf,
} from './declare.ts';

const compile = validatorCompiler();

/**
 * Validates one input object exactly as a JSON body is validated on the HTTP side (same compiler, same text
 * checks, same defaults), and returns the value the implementation receives.
 *
 * @throws DomainError 400 `validation_failed` with the same `detail` and `errors` the HTTP side would answer
 */
export function inputValidator(schema: TObject): (input: unknown) => Record<string, unknown> {
  const validate = compile({ schema, method: 'POST', url: '/', httpPart: 'body' }) as (data: unknown) => {
    value?: unknown;
    error?: Error;
  };
  return (input) => {
    const result = validate(input);
    if (result.error) {
      const problem = toProblem(result.error, '');
      throw new DomainError('validation', 'validation_failed', problem.detail, { errors: problem.errors });
    }
    return result.value as Record<string, unknown>;
  };
}

/**
 * The in-process binding of a port: each declared method validates its input against the declaration, then calls
 * the implementation — so a caller in the same process meets the same rules as one calling over HTTP.
 * Only declared methods are exposed (an implementation's other methods stay private to its service).
 */
export function localPort<D extends PortDeclaration>(declaration: D, implementation: PortOf<D>): PortOf<D> {
  const target = implementation as unknown as LooseMethods;
  const bound: LooseMethods = {};
  for (const [name, op] of operationsOf(declaration)) {
    const validate = inputValidator(op.input);
    bound[name] = async (...args) => {
      const input = validate(inputOf(op, args));
      const method = target[name];
      if (!method) throw new Error(`${declaration.service} port: ${name} is not implemented`);
      return method.apply(implementation, argsOf(op, input));
    };
  }
  return bound as unknown as PortOf<D>;
}
