import {
  type Asset,
  DomainError,
  formatMinor,
  MAX_AMOUNTS,
  NotFoundError,
  RateLimitedError,
  UnprocessableError,
  ValidationError,
} from '@pcf/kernel';

export const insufficientFunds = (asset: string) =>
  new UnprocessableError(
    `Insufficient ${asset} funds: the available balance is lower than the amount`,
    'insufficient_funds',
  );
export const recipientNotFound = () => new NotFoundError('Recipient', 'recipient_not_found');
export const cannotSendToSelf = () => new ValidationError('You cannot send money to yourself', 'to');
export const holdNotFound = () => new NotFoundError('Hold', 'hold_not_found');
export const depositNotFound = () => new NotFoundError('Deposit', 'deposit_not_found');
export const quoteNotFound = () => new NotFoundError('Quote', 'quote_not_found');
export const quoteExpired = () =>
  new UnprocessableError('This quote has expired; ask for a new one', 'quote_expired');
export const quoteUsed = () =>
  new UnprocessableError('This quote was already executed', 'quote_already_used');
export const sameAsset = () => new ValidationError('from and to must be different assets', 'to');
/** 422 `amount_too_small`: the amount converted into `to` rounds down to zero minor units. */
export const conversionTooSmall = (to: Asset) =>
  new UnprocessableError(
    `The amount is too small: converted to ${to} it rounds down to zero (the smallest ${to} amount is ${formatMinor(1n, to)})`,
    'amount_too_small',
    { errors: [{ field: 'amount', message: `converts to less than ${formatMinor(1n, to)} ${to}` }] },
  );
/** 400 `amount_too_large`: the amount converted into `to` is over that asset's per-operation maximum. */
export const conversionTooLarge = (to: Asset, toMinor: bigint) =>
  new DomainError(
    'validation',
    'amount_too_large',
    `The converted amount (${formatMinor(toMinor, to)} ${to}) is larger than the maximum of ${MAX_AMOUNTS[to]} ${to} per operation`,
    {
      errors: [{ field: 'amount', message: `converts to more than ${MAX_AMOUNTS[to]} ${to}` }],
      maximum: MAX_AMOUNTS[to],
      asset: to,
    },
  );
/** 429: too many look-ups of recipients by email or handle (account enumeration). */
export const tooManyRecipientLookups = (retryAfterSeconds: number) =>
  new RateLimitedError(
    retryAfterSeconds,
    'Too many recipients looked up by email or handle; try again later',
  );
export const holdNotActive = (status: string) =>
  new UnprocessableError(
    `The hold is ${status}; only an active hold can be captured or voided`,
    'hold_not_active',
  );
export const captureTooLarge = () =>
  new UnprocessableError('The capture amount is larger than the hold', 'capture_exceeds_hold');
export const refundTooLarge = () =>
  new UnprocessableError('The refund would exceed the captured amount', 'refund_exceeds_captured');
export const notCaptured = () =>
  new UnprocessableError('Only a captured payment can be refunded', 'payment_not_captured');
export const invalidSignature = () =>
  new DomainError(
    'unauthenticated',
    'invalid_webhook_signature',
    'The webhook signature is missing, invalid or too old',
  );

/** 400 `malformed_webhook`: the body is signed but is not an event we understand; nothing is written. */
export const malformedWebhook = (detail: string) =>
  new DomainError('validation', 'malformed_webhook', `The webhook body is not a valid event: ${detail}`);
