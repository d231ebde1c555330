import Type from 'typebox';

export const HealthResponse = Type.Object({ status: Type.Literal('ok') });

const CheckResult = Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]);
export const ReadinessResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ postgres: CheckResult, redis: CheckResult, s3: CheckResult }),
});
