import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthenticatedError } from '@pcf/kernel';

export const invalidCredentials = () =>
  new UnauthenticatedError('Email or password is incorrect', 'invalid_credentials');
export const emailTaken = () => new ConflictError('An account with this email already exists', 'email_taken');
export const slugTaken = () => new ConflictError('A partner with this slug already exists', 'slug_taken');
export const invalidRefreshToken = () =>
  new UnauthenticatedError('The refresh token is invalid, expired or revoked', 'invalid_refresh_token');
export const refreshTokenReused = () =>
  new UnauthenticatedError(
    'This refresh token was already used; the session has been revoked for safety. Sign in again.',
    'refresh_token_reused',
  );
export const partnerNotFound = () => new NotFoundError('Partner', 'partner_not_found');
export const keyNotFound = () => new NotFoundError('API key', 'api_key_not_found');
export const userNotFound = () => new NotFoundError('User', 'user_not_found');
export const sessionNotFound = () => new NotFoundError('Session', 'session_not_found');
export const widgetSessionForbidden = () =>
  new ForbiddenError(
    "A partner's widget session may only end its partner's widget sessions, not the fan's other sessions",
    'widget_session_forbidden',
  );

/** 400 `weak_password`: the strength estimator's verdict (score 0–4) and its feedback, as codes and English text. */
export const weakPassword = (verdict: {
  score: number;
  warning: { code: string; message: string } | null;
  suggestions: { code: string; message: string }[];
}) => {
  const reason = verdict.warning?.message ?? verdict.suggestions[0]?.message ?? 'It is too easy to guess.';
  const message = `password is too easy to guess: ${reason}`;
  return new DomainError('validation', 'weak_password', message, {
    errors: [{ field: 'password', message }],
    score: verdict.score,
    feedback: {
      warning: verdict.warning?.message ?? null,
      suggestions: verdict.suggestions.map((s) => s.message),
      warningCode: verdict.warning?.code ?? null,
      suggestionCodes: verdict.suggestions.map((s) => s.code),
    },
  });
};
