// Schemas every route shares: the error envelope and identifiers.
import Type from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, machine-readable error code' }),
      message: Type.String({ description: 'A sentence safe to show the person using the app' }),
    }),
  },
  { $id: 'ErrorResponse' },
);

export const Uuid = Type.String({ format: 'uuid' });

/** Error responses to declare on a route, by status. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse]));
}
