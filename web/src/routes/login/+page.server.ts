import { accountAction } from '../../lib/server/account-actions.ts';

export const actions = { default: accountAction('login') };
