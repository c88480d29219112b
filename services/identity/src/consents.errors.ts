import { NotFoundError } from '@pcf/kernel';

export const consentNotFound = () => new NotFoundError('Consent', 'consent_not_found');
