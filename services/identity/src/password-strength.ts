import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { weakPassword } from './identity.errors.ts';

/** zxcvbn's "safely unguessable" level: the least a new password must reach (scores run 0–4). */
export const MIN_PASSWORD_SCORE = 3;

/** Only the first characters are estimated: beyond 64 the estimate no longer changes, the cost still grows. */
const ESTIMATED_LENGTH = 64;

interface Estimator {
  zxcvbn: ZxcvbnFactory;
  warnings: Record<string, string>;
  suggestions: Record<string, string>;
}

let estimator: Promise<Estimator> | undefined;

/**
 * zxcvbn-ts with its common, English and French dictionaries. Loaded once, on the first password that needs
 * checking (≈ 0.3 s), never at start and never on sign-in: only sign-up and partner creation pay for it.
 */
function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en, fr] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
      import('@zxcvbn-ts/language-fr'),
    ]);
    // No translations: the feedback comes back as stable keys, turned into English text below.
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary },
      graphs: common.adjacencyGraphs,
      maxLength: ESTIMATED_LENGTH,
    });
    return { zxcvbn, warnings: en.translations.warnings, suggestions: en.translations.suggestions };
  })();
  estimator.catch(() => {
    estimator = undefined;
  });
  return estimator;
}

/**
 * Refuses a password that a cracker would guess, judged by zxcvbn-ts (dictionaries of common passwords, words,
 * names, keyboard patterns, dates, l33t) and penalising the fan's own email and name.
 * @param userInputs words about the fan (email, display name) that must not make up the password
 * @throws DomainError 400 `weak_password` with `score` and `feedback` (English text and stable codes)
 */
export async function assertStrongPassword(password: string, userInputs: string[]): Promise<void> {
  const { zxcvbn, warnings, suggestions } = await loadEstimator();
  const inputs = userInputs
    .flatMap((input) => [input, ...input.split('@'), ...input.split(/[@\s._+-]+/)])
    .filter((w) => w.length > 2);
  const result = zxcvbn.check(password, [...new Set(inputs.map((w) => w.toLowerCase()))]);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const text = (table: Record<string, string>, code: string) => ({ code, message: table[code] ?? code });
  throw weakPassword({
    score: result.score,
    warning: result.feedback.warning ? text(warnings, result.feedback.warning) : null,
    suggestions: result.feedback.suggestions.map((code) => text(suggestions, code)),
  });
}
