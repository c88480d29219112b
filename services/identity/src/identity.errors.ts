import { ConflictError, NotFoundError, UnauthenticatedError } from '@pcf/kernel';

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
