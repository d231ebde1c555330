// Accounts: pseudonymous sign-up, log-in, the current user, password change, deletion, roles.
import Type, { type Static } from 'typebox';
import { Uuid } from './common.ts';

const Handle = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'A pseudonym: 3-30 letters, digits or underscores. Never a real name.',
  examples: ['sober_sam'],
});
const Password = Type.String({ minLength: 1, maxLength: 1024, description: 'At least 10 characters, not a common password' });

export const SignupBody = Type.Object(
  {
    handle: Handle,
    password: Password,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254, description: 'Optional, for account recovery only' })),
  },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object({ handle: Handle, password: Password }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const RoleName = Type.Union([Type.Literal('member'), Type.Literal('reviewer'), Type.Literal('admin')]);

export const CurrentUser = Type.Object({
  id: Uuid,
  handle: Type.String(),
  role: RoleName,
  verifiedProfessional: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type CurrentUser = Static<typeof CurrentUser>;

export const CurrentUserResponse = Type.Object({ user: CurrentUser });

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const DeleteAccountBody = Type.Object(
  { password: Password },
  { additionalProperties: false, description: 'Deleting the account needs the password again' },
);
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;

export const HandleParams = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 64 }) });

export const SetRoleBody = Type.Object({ role: RoleName }, { additionalProperties: false });
export const SetVerifiedBody = Type.Object({ verifiedProfessional: Type.Boolean() }, { additionalProperties: false });

export const UserSummaryResponse = Type.Object({
  user: Type.Object({ id: Uuid, handle: Type.String(), role: RoleName, verifiedProfessional: Type.Boolean() }),
});
