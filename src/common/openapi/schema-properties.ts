import { ApiProperty, ApiPropertyOptional, ApiQuery } from '@nestjs/swagger';

/** A timestamp in epoch milliseconds, the API's one time format. */
export const ApiEpochMs = (options: { nullable?: boolean; description?: string } = {}): PropertyDecorator =>
  ApiProperty({ type: 'integer', format: 'int64', ...options, description: options.description ?? 'Epoch milliseconds' });

/** A string-to-string map (labels, hints, headers). */
export const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** Any JSON object, passed through as it is. */
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

/**
 * The `label.<key>=<value>` filters of a list (src/common/validation/label-filters.ts): their
 * names are dynamic, which OpenAPI cannot name, so one parameter stands for them.
 */
export const ApiLabelFilters = (): MethodDecorator =>
  ApiQuery({ name: 'label.<key>', required: false, schema: { type: 'string' }, description: 'Label filter, e.g. label.team=search; repeatable; all must match' });

/** The cursor of a list page; absent on the last page. */
export const ApiNextToken = (): PropertyDecorator =>
  ApiPropertyOptional({ description: 'Pass back as nextToken for the next page; absent on the last page' });

/** Who made and last changed a resource, and when: the tail of every owned resource's response. */
export abstract class AuditedResponse {
  @ApiEpochMs()
  createdAt!: number;

  @ApiEpochMs()
  updatedAt!: number;

  @ApiProperty({ format: 'uuid' })
  createdById!: string;

  @ApiProperty({ format: 'uuid' })
  updatedById!: string;
}
