import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsString, Length } from 'class-validator';
import { UserRole } from '../../generated/prisma/enums.js';
import { IsOptionalNonNull } from '../../common/validation/optional.js';
import { trimmed } from '../../common/validation/transforms.js';

/** Partial update: only sent fields change; none of them is nullable, so `null` is refused. */
export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @Transform(trimmed)
  @IsString()
  @Length(1, 255)
  displayName?: string;

  @ApiPropertyOptional({ enum: UserRole })
  @IsOptionalNonNull()
  @IsEnum(UserRole)
  role?: UserRole;

  @ApiPropertyOptional({ description: "true stops every one of the user's API keys at once" })
  @IsOptionalNonNull()
  @IsBoolean()
  disabled?: boolean;
}
